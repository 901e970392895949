"""The `local` environment's databases (blueprints/databases/local.py): the objects each store
gets, their ports, probes and volumes, no password in the environment, and that they pass the
project's policy rules and the strict Kubernetes 1.33 schemas."""

from __future__ import annotations

import re

import pytest

from generator.runtime import ensure_node

ensure_node()  # before cdk8s: importing it starts the jsii runtime

from cdk8s import App, Chart  # noqa: E402

from blueprints.databases import registry  # noqa: E402
from blueprints.databases.local import LocalDatabase, local_databases  # noqa: E402
from blueprints.databases.store import Placement, Size  # noqa: E402
from blueprints.databases.stores.postgres import Postgres  # noqa: E402
from generator.catalog import load_catalog  # noqa: E402
from generator.validation.policies import Context, run_rules  # noqa: E402
from generator.validation.schemas import SchemaStore  # noqa: E402
from tests.conftest import PROJECT, as_doc  # noqa: E402

NAMESPACE = "therapeutic-ai-local"
NAMES = ("postgres", "mongodb", "redis", "scylladb")
PORT_NAMES = {"postgres": "postgres", "mongodb": "mongodb", "redis": "redis", "scylladb": "cql"}
SIZES = {
    "postgres": Size(cpu="250m", memory="512Mi", storage="5Gi"),
    "mongodb": Size(cpu="250m", memory="512Mi", storage="5Gi"),
    "redis": Size(cpu="100m", memory="256Mi", storage="1Gi"),
    "scylladb": Size(cpu="500m", memory="1Gi", storage="5Gi"),
}
DATA = {"postgres": "/var/lib/postgresql/data", "mongodb": "/data/db", "redis": "/data", "scylladb": "/var/lib/scylla"}
SCRATCH = {"postgres": ["/var/run/postgresql"], "mongodb": ["/data/configdb"], "redis": [], "scylladb": []}
STORE = SchemaStore("1.33", PROJECT / "schemas")


@pytest.fixture(scope="module")
def catalog():
    return load_catalog(PROJECT)


def render(catalog, storage_class: str | None) -> tuple[dict[str, LocalDatabase], list[dict]]:
    """The four stores of local's catalog entry in one chart, as the constructs and as `chart.to_json()`."""
    placement = Placement("local", NAMESPACE, charts=False, storage_class=storage_class)
    stores = list(catalog.environment("local").databases.stores(placement).values())
    chart = Chart(App(), "local-databases")
    made = dict(local_databases(chart, stores, catalog.databases.local_images))
    return made, list(chart.to_json())


@pytest.fixture(scope="module")
def rendered(catalog):
    return render(catalog, "standard")


@pytest.fixture(scope="module")
def objects(rendered) -> list[dict]:
    return rendered[1]


def find(objs: list[dict], kind: str, name: str) -> dict:
    matches = [o for o in objs if o["kind"] == kind and o["metadata"]["name"] == name]
    assert len(matches) == 1, f"{kind}/{name}: {len(matches)} objects"
    return matches[0]


def container(objs: list[dict], name: str) -> dict:
    (c,) = find(objs, "StatefulSet", name)["spec"]["template"]["spec"]["containers"]
    return c


PORTS = {"postgres": 5432, "mongodb": 27017, "redis": 6379, "scylladb": 9042}


def test_ports_are_the_stores():
    assert {store.name: store.port for store in registry.stores()} == PORTS


def test_kinds_and_names(rendered, objects):
    made, _ = rendered
    expected = []
    for name in NAMES:
        expected += [("ServiceAccount", name)]
        if name == "postgres":
            expected += [("ConfigMap", "postgres-init")]
        expected += [("Service", name), ("StatefulSet", name)]
    assert [(o["kind"], o["metadata"]["name"]) for o in objects] == expected
    # `manifests` is what was added, in order
    assert [m for name in NAMES for m in made[name].manifests] == objects


def test_namespace_and_labels(objects):
    for obj in objects:
        meta = obj["metadata"]
        assert meta["namespace"] == NAMESPACE, obj["kind"]
        name = meta["name"].removesuffix("-init")
        assert meta["labels"] == {"app.kubernetes.io/name": name, "app.kubernetes.io/component": "database"}


def test_service_account_mounts_no_token(objects):
    for name in NAMES:
        assert find(objects, "ServiceAccount", name)["automountServiceAccountToken"] is False


@pytest.mark.parametrize("name", NAMES)
def test_headless_service(objects, name):
    spec = find(objects, "Service", name)["spec"]
    sts = find(objects, "StatefulSet", name)
    assert spec["clusterIP"] == "None"
    assert spec["ports"] == [{"name": PORT_NAMES[name], "port": PORTS[name], "targetPort": PORT_NAMES[name],
                              "protocol": "TCP"}]
    template_labels = sts["spec"]["template"]["metadata"]["labels"]
    assert spec["selector"].items() <= template_labels.items()
    assert sts["spec"]["selector"]["matchLabels"] == spec["selector"]


@pytest.mark.parametrize("name", NAMES)
def test_stateful_set(catalog, objects, name):
    sts = find(objects, "StatefulSet", name)
    spec = sts["spec"]
    pod = spec["template"]["spec"]
    c = container(objects, name)
    assert spec["replicas"] == 1
    assert spec["serviceName"] == name
    assert pod["serviceAccountName"] == name
    assert pod["automountServiceAccountToken"] is False
    assert pod["enableServiceLinks"] is False
    assert pod["terminationGracePeriodSeconds"] >= 60
    assert c["image"] == catalog.databases.local_images[name].reference()
    assert c["imagePullPolicy"] == "Always"
    assert c["ports"] == [{"name": PORT_NAMES[name], "containerPort": PORTS[name], "protocol": "TCP"}]

    # probes: on the database's port (by name), or a command in the container
    for probe in ("startupProbe", "readinessProbe", "livenessProbe"):
        handler = c[probe]
        assert handler.get("tcpSocket") == {"port": PORT_NAMES[name]} or handler.get("exec"), probe
    assert c["livenessProbe"]["tcpSocket"] == {"port": PORT_NAMES[name]}

    # the volume
    (claim,) = spec["volumeClaimTemplates"]
    assert claim["metadata"]["name"] == "data"
    assert claim["spec"]["accessModes"] == ["ReadWriteOnce"]
    assert claim["spec"]["resources"]["requests"]["storage"] == SIZES[name].storage
    assert claim["spec"]["storageClassName"] == "standard"
    assert {"name": "data", "mountPath": DATA[name]} in c["volumeMounts"]

    # requests = limits, from the size
    resources = c["resources"]
    for kind in ("requests", "limits"):
        assert resources[kind]["cpu"] == SIZES[name].cpu
        assert resources[kind]["memory"] == SIZES[name].memory
        assert "ephemeral-storage" in resources[kind]

    # as restrictive as the services
    assert pod["securityContext"] == {
        "runAsNonRoot": True, "runAsUser": 10001, "runAsGroup": 10001, "fsGroup": 10001,
        "fsGroupChangePolicy": "OnRootMismatch", "seccompProfile": {"type": "RuntimeDefault"},
    }
    assert c["securityContext"] == {
        "allowPrivilegeEscalation": False, "privileged": False, "readOnlyRootFilesystem": True,
        "runAsNonRoot": True, "runAsUser": 10001, "runAsGroup": 10001, "capabilities": {"drop": ["ALL"]},
        "seccompProfile": {"type": "RuntimeDefault"},
    }

    # every mount but the claim is a pod volume; /tmp and the store's scratch paths are emptyDirs
    volumes = {v["name"]: v for v in pod["volumes"]}
    mounts = {m["mountPath"]: m["name"] for m in c["volumeMounts"]}
    assert set(mounts.values()) == set(volumes) | {"data"}
    for path in ("/tmp", *SCRATCH[name]):
        assert "emptyDir" in volumes[mounts[path]], path


def test_no_storage_class_when_none_is_given(catalog):
    _, objs = render(catalog, None)
    for name in NAMES:
        (claim,) = find(objs, "StatefulSet", name)["spec"]["volumeClaimTemplates"]
        assert "storageClassName" not in claim["spec"]


def env_of(c: dict) -> dict[str, dict]:
    return {e["name"]: e for e in c.get("env") or []}


def test_no_password_in_the_environment(objects):
    """A name with PASSWORD never holds a value; only *_FILE names may, and then a mounted path."""
    for name in NAMES:
        c = container(objects, name)
        secret_paths = {m["mountPath"] for m in c["volumeMounts"] if m["mountPath"].startswith("/run/secrets/")}
        for var in c.get("env") or []:
            if "PASSWORD" not in var["name"].upper() or "value" not in var:
                continue
            assert var["name"].endswith("_FILE"), f"{name}: {var['name']} has a literal value"
            assert any(var["value"].startswith(p + "/") for p in secret_paths), f"{name}: {var['name']}"


@pytest.mark.parametrize("name, secret, key", [
    ("postgres", "postgres-credentials", "postgres-password"),
    ("mongodb", "mongodb-credentials", "mongodb-root-password"),
    ("redis", "redis-credentials", "redis-password"),
])
def test_password_is_a_mounted_secret_file(objects, name, secret, key):
    pod = find(objects, "StatefulSet", name)["spec"]["template"]["spec"]
    (volume,) = [v for v in pod["volumes"] if "secret" in v]
    assert volume["secret"]["secretName"] == secret
    assert volume["secret"]["defaultMode"] == 0o400
    assert [item["key"] for item in volume["secret"]["items"]] == [key]
    (mount,) = [m for m in pod["containers"][0]["volumeMounts"] if m["name"] == volume["name"]]
    assert mount["readOnly"] is True
    path = f"{mount['mountPath']}/{key}"
    c = pod["containers"][0]
    text = " ".join(c.get("command", []) + c.get("args", []) + [e.get("value", "") for e in c.get("env", [])])
    assert path in text
    assert not any(o["kind"] == "Secret" for o in objects)


def test_postgres(objects):
    c = container(objects, "postgres")
    env = env_of(c)
    assert env["PGDATA"]["value"] == "/var/lib/postgresql/data/pgdata"
    assert env["POSTGRES_DB"]["value"] == "therapeutic_ai"
    assert env["POSTGRES_PASSWORD_FILE"]["value"] == "/run/secrets/postgres/postgres-password"
    assert "POSTGRES_PASSWORD" not in env
    init = find(objects, "ConfigMap", "postgres-init")
    assert init["data"] == {"01-pgvector.sql": "CREATE EXTENSION IF NOT EXISTS vector;\n"}
    pod = find(objects, "StatefulSet", "postgres")["spec"]["template"]["spec"]
    (volume,) = [v for v in pod["volumes"] if "configMap" in v]
    assert volume["configMap"]["name"] == "postgres-init"
    assert {"name": volume["name"], "mountPath": "/docker-entrypoint-initdb.d", "readOnly": True} in c["volumeMounts"]
    assert c["readinessProbe"]["exec"]["command"][0] == "pg_isready"


def test_mongodb(objects):
    c = container(objects, "mongodb")
    assert c["args"][:4] == ["mongod", "--bind_ip_all", "--dbpath", "/data/db"]
    assert c["args"][4:] == ["--wiredTigerCacheSizeGB", "0.25"]
    env = env_of(c)
    assert env["MONGO_INITDB_ROOT_USERNAME"]["value"] == "root"
    assert env["MONGO_INITDB_ROOT_PASSWORD_FILE"]["value"] == "/run/secrets/mongodb/mongodb-root-password"


def test_redis(objects):
    c = container(objects, "redis")
    assert c["command"] == [
        "sh", "-c",
        'exec redis-server --appendonly yes --dir /data --requirepass "$(cat /run/secrets/redis/redis-password)"',
    ]
    assert "args" not in c
    assert "redis-cli" in c["readinessProbe"]["exec"]["command"][-1]


def test_scylladb(objects):
    c = container(objects, "scylladb")
    args = c["args"]
    assert c["command"] == ["/usr/bin/scylla"]
    for arg in ("--developer-mode=1", "--smp=1", "--overprovisioned", "--memory=768M"):
        assert arg in args
    # the seastar memory leaves a quarter of the pod's memory as headroom
    (memory,) = [a for a in args if a.startswith("--memory=")]
    assert int(re.fullmatch(r"--memory=(\d+)M", memory).group(1)) * 4 == 1024 * 3
    # $(POD_IP) is expanded by the kubelet from the downward API
    assert "--broadcast-rpc-address=$(POD_IP)" in args
    assert env_of(c)["POD_IP"]["valueFrom"] == {"fieldRef": {"fieldPath": "status.podIP"}}


def test_a_store_refuses_another_stores_spec(catalog):
    redis = catalog.environment("local").databases.specs["redis"]
    with pytest.raises(TypeError, match="postgres: a RedisSpec is not a PostgresSpec"):
        Postgres(redis, Placement("local", NAMESPACE, charts=False, storage_class=None))


def test_policies(catalog, objects):
    docs = [as_doc(f"rendered/local/shared/{o['kind'].lower()}-{o['metadata']['name']}.yaml", o) for o in objects]
    env = catalog.environment("local").model_copy(update={"namespace": NAMESPACE})  # where the stores are placed here
    findings = run_rules(Context(catalog, env, docs))
    # no NetworkPolicy among these objects alone (blueprints/network.py writes them): each store's
    # pods are open, which the isolation rule reports; nothing else is found
    assert {f.check for f in findings} <= {"GEN-NETWORK-POLICY", "GEN-NETWORK-FLOWS"}
    assert all(any(f.message.startswith(f"{n}: its pods selected by no NetworkPolicy") for f in findings) for n in NAMES)


def test_schemas(objects):
    for obj in objects:
        problems = STORE.validator(obj["apiVersion"], obj["kind"]).problems(obj)
        assert problems == [], f"{obj['kind']}/{obj['metadata']['name']}: {problems}"
