"""The stateful tier: the seed's topology, values files that agree with the Applications that
install them, hardening, one source for database facts, and typed values that refuse typos."""

from __future__ import annotations

from pathlib import PurePosixPath

import pytest
from pydantic import ValidationError

from generator import yamlio
from generator.catalog import load_catalog
from tests.conftest import PROJECT, find, part_objects

VALUES = PurePosixPath("rendered/production/argocd/helm-values")


@pytest.fixture(scope="module")
def values(fresh) -> dict[str, dict]:
    """Every environment's values files, parsed: {"production/postgres": {...}}."""
    out = {}
    for path, content in fresh.files.items():
        if path.parent.name == "helm-values":
            out[f"{path.parts[1]}/{path.stem}"] = yamlio.load(content.decode())
    return out


def applications(objects, env: str) -> dict[str, dict]:
    """The databases' Applications, by release: each syncs rendered/<env>/<release>/."""
    return {o["metadata"]["labels"]["app.kubernetes.io/name"]: o for o in part_objects(objects, env, "argocd")
            if o["kind"] == "Application" and o["metadata"]["labels"].get("app.kubernetes.io/component") == "database"}


def test_production_argocd_holds_a_values_file_and_an_application_per_release(fresh, objects):
    files = sorted(p.name for p in fresh.files if p.parent == VALUES)
    assert files == ["mongodb.yaml", "postgres.yaml", "redis.yaml", "scylladb-dc1.yaml", "scylladb-dc2.yaml", "scylladb-dc3.yaml"]
    assert sorted(applications(objects, "production")) == [f.removesuffix(".yaml") for f in files]


@pytest.mark.parametrize("env", ["development", "staging", "production"])
def test_each_application_syncs_its_release_rendered_from_the_pinned_chart_with_exactly_its_values_file(
        fresh, objects, values, env):
    from generator.catalog import load_catalog

    releases = {r.name: r for r in load_catalog(PROJECT).store_releases(env)}
    apps = applications(objects, env)
    assert sorted(apps) == sorted(releases)
    for release, app in apps.items():
        source = app["spec"]["source"]
        assert "chart" not in source and "helm" not in source
        assert source["path"] == f"rendered/{env}/{release}", release
        assert values[f"{env}/{release}"] == releases[release].values.dump(), release
        chart = releases[release].chart
        heads = {content.decode().splitlines()[0] for path, content in fresh.files.items()
                 if path.parent == PurePosixPath(source["path"]) and path.suffix == ".yaml"}
        assert heads and all(f"from chart {chart.name} {chart.version} (charts/{chart.name}-{chart.version}/)" in head
                             for head in heads), (release, heads)
        assert app["metadata"]["namespace"] == "argocd"


def test_the_seed_production_topology(objects, values):
    postgres = values["production/postgres"]
    assert postgres["architecture"] == "replication" and postgres["readReplicas"]["replicaCount"] == 2  # 3 instances
    mongodb = values["production/mongodb"]
    assert (mongodb["architecture"], mongodb["replicaCount"], mongodb["arbiter"]["enabled"]) == ("replicaset", 3, False)
    apps = applications(objects, "production")
    (redis,) = [o for o in part_objects(objects, "production", "redis") if o["kind"] == "StatefulSet"]
    assert redis["metadata"]["labels"]["helm.sh/chart"].startswith("redis-cluster-")  # bitnami/redis has no cluster mode
    assert values["production/redis"]["cluster"] == {"init": True, "nodes": 6, "replicas": 1}
    datacenters = [values[f"production/scylladb-dc{n}"] for n in (1, 2, 3)]
    assert [dc["datacenter"] for dc in datacenters] == ["production-dc1", "production-dc2", "production-dc3"]
    assert {dc["fullnameOverride"] for dc in datacenters} == {"scylladb"}  # one cluster, three datacenters
    assert "externalSeeds" not in datacenters[0]
    assert datacenters[1]["externalSeeds"] == datacenters[2]["externalSeeds"] == ["scylladb-client.therapeutic-ai-scylla-dc1.svc"]
    namespaces = {apps[f"scylladb-dc{n}"]["spec"]["destination"]["namespace"] for n in (1, 2, 3)}
    assert len(namespaces) == 3


def test_configmap_database_keys_and_endpoints_come_from_the_spec(objects):
    config = find(part_objects(objects, "production", "shared"), "ConfigMap", "production-config")["data"]
    assert {k: config[k] for k in ("postgres_replicas", "mongodb_replica_set", "redis_cluster_mode", "scylla_datacenter_count")} == {
        "postgres_replicas": "3", "mongodb_replica_set": "true", "redis_cluster_mode": "true", "scylla_datacenter_count": "3"}
    assert (config["postgres_host"], config["postgres_port"]) == ("postgres-primary", "5432")
    assert config["mongodb_hosts"] == "mongodb-0.mongodb-headless,mongodb-1.mongodb-headless,mongodb-2.mongodb-headless"
    assert (config["mongodb_port"], config["redis_host"], config["redis_port"]) == ("27017", "redis", "6379")
    assert config["scylla_port"] == "9042" and config["scylla_hosts"].count("scylladb-client.") == 3
    local = find(part_objects(objects, "local", "shared"), "ConfigMap", "local-config")["data"]
    assert (local["postgres_host"], local["mongodb_hosts"], local["redis_host"], local["scylla_hosts"]) == (
        "postgres", "mongodb", "redis", "scylladb")
    assert local["postgres_replicas"] == "1" and local["redis_cluster_mode"] == "false"


def walk(node, path=()):
    if isinstance(node, dict):
        for key, value in node.items():
            yield from walk(value, path + (key,))
    elif isinstance(node, list):
        for index, value in enumerate(node):
            yield from walk(value, path + (index,))
    else:
        yield path, node


@pytest.mark.parametrize("env", ["staging", "production"])
def test_phi_bearing_stores_are_hardened(values, env):
    for name, data in values.items():
        if not name.startswith(f"{env}/"):
            continue
        leaves = dict(walk(data))
        classes = {v for p, v in leaves.items() if p[-1] in ("storageClass", "storageClassName")}
        assert classes == {"encrypted-ssd"}, name
        # passwords only by Secret name, never a value
        assert not [p for p in leaves if p[-1] in ("password", "rootPassword", "postgresPassword", "replicationPassword")], name
        if "scylla" in name:
            continue  # the operator runs Scylla's pods (see stores/scylladb.py); its TLS: the test below
        assert data["tls"]["enabled"] is True, name
        # the charts that check images are told the pinned ones are meant; the others have no such key
        checks_images = name.rsplit("/", 1)[1] in ("postgres", "mongodb")
        openshift = {"compatibility": {"openshift": {"adaptSecurityContext": "disabled"}}}  # never cluster-dependent
        assert data.get("global") == ({**openshift, "security": {"allowInsecureImages": True}} if checks_images
                                      else openshift), name
        for p, v in leaves.items():
            if p[-1] == "runAsNonRoot":
                assert v is True, (name, p)
            if p[-1] in ("runAsUser", "fsGroup"):
                assert v >= 10000, (name, p)
            if p[-1] == "readOnlyRootFilesystem":
                assert v is True, (name, p)


def test_replicated_stores_have_budgets_and_spread(values):
    assert values["production/postgres"]["readReplicas"]["pdb"] == {"create": True, "maxUnavailable": 1}
    assert values["production/postgres"]["primary"]["topologySpreadConstraints"][0]["whenUnsatisfiable"] == "DoNotSchedule"
    assert values["production/mongodb"]["pdb"] == {"create": True, "maxUnavailable": 1}
    assert values["production/mongodb"]["podAntiAffinityPreset"] == "hard"
    assert values["production/redis"]["pdb"] == {"create": True, "maxUnavailable": 1}
    assert values["production/redis"]["redis"]["podAntiAffinityPreset"] == "hard"


def test_pgvector_is_enabled_at_init(values):
    (script,) = values["production/postgres"]["primary"]["initdb"]["scripts"].values()
    assert "CREATE EXTENSION IF NOT EXISTS vector;" in script


def test_databases_sync_before_services(objects):
    for env in ("development", "staging", "production"):
        for app in applications(objects, env).values():
            assert int(app["metadata"]["annotations"]["argocd.argoproj.io/sync-wave"]) < 0


def test_production_syncs_by_hand_and_the_others_automatically(objects):
    for env, automated in (("development", True), ("staging", True), ("production", False)):
        for app in applications(objects, env).values():
            assert ("automated" in app["spec"]["syncPolicy"]) is automated, env


def test_local_runs_plain_statefulsets_and_no_argo_cd(objects):
    local = [o for p, o in objects.items() if p.parts[1] == "local"]
    assert sorted(o["metadata"]["name"] for o in local if o["kind"] == "StatefulSet") == ["mongodb", "postgres", "redis", "scylladb"]
    assert not [o for o in local if o["apiVersion"].startswith("argoproj.io/")]


def test_a_misspelled_or_misplaced_value_key_is_an_error():
    from blueprints.databases.bitnami import Persistence
    from blueprints.databases.stores import postgres as postgresql

    with pytest.raises(ValidationError, match="storageclass"):
        Persistence(size="1Gi", storageclass="fast")
    with pytest.raises(ValidationError, match="replicaCount"):
        postgresql.Primary(  # replicaCount belongs to readReplicas, not primary
            persistence=Persistence(size="1Gi"), resources=postgresql.Resources.of(_size()), pdb=postgresql.Pdb(create=False),
            initdb=postgresql.Initdb(scripts={}), replicaCount=2)


def _size():
    from blueprints.databases.store import Size

    return Size(cpu="1", memory="1Gi", storage="1Gi")


def test_capacity_counts_the_databases(objects):
    from click.testing import CliRunner

    from generator.cli import cli

    result = CliRunner().invoke(cli, ["--project", str(PROJECT), "capacity", "staging"])
    assert result.exit_code == 0, result.output
    lines = {line.split()[0]: line.split() for line in result.output.splitlines()[1:5]}
    # services 11.2 cores; postgres 0.5 + mongodb 3 x 0.25 + redis 0.25 + scylla 1 (+ 0.05 agent);
    # the two colors' post-sync health checks 2 x 0.01, pre-sync migrations 2 x 2 x 0.05, the Redis exporter 0.05;
    # the two dump CronJobs' pods 2 x 0.5 (counted from the rendered charts: they need the room while they run)
    assert lines["cpu"][1:3] == ["15.02", "16"]
    assert lines["storage"][1:3] == ["265Gi", "500Gi"]  # 165Gi of data + two 50Gi dump volumes


TLS_ENVS = [e.name for e in load_catalog(PROJECT).environments.environments if e.argocd and e.tls is not None]


@pytest.mark.parametrize("env_name", TLS_ENVS)
def test_scylla_serves_cql_over_tls_only_and_its_clients_verify_it(objects, env_name):
    """Each datacenter's racks mount a certificate of the internal issuer naming every host the
    clients dial, and their scylla.yaml makes every CQL listener TLS-only (the `*_ssl` ports equal
    to the plain ones: scylla-operator's managed config would otherwise open 9142 beside a plaintext
    9042); the services and the migration Job are given the CA to verify it with."""
    env = load_catalog(PROJECT).environment(env_name)
    mine = [o for path, o in objects.items() if path.parts[1] == env_name]
    config = next(o for o in mine if o["kind"] == "ConfigMap" and o["metadata"]["name"] == env.config_map_name)["data"]
    hosts = config["scylla_hosts"].split(",")
    clusters = [o for o in mine if o["kind"] == "ScyllaCluster"]
    assert clusters
    for cluster in clusters:
        namespace = cluster["metadata"]["namespace"]
        here = [o for o in mine if o["metadata"].get("namespace") == namespace]
        for rack in cluster["spec"]["datacenter"]["racks"]:
            (volume,) = rack["volumes"]
            (mount,) = [m for m in rack["volumeMounts"] if m["name"] == volume["name"]]
            certificate = find([o for o in here if o["kind"] == "Certificate"], "Certificate", volume["secret"]["secretName"])
            assert certificate["spec"]["secretName"] == volume["secret"]["secretName"]
            assert certificate["spec"]["issuerRef"]["name"] == env.tls.internal_issuer.name
            assert set(hosts) <= set(certificate["spec"]["dnsNames"]), certificate["spec"]["dnsNames"]
            scylla = yamlio.load(find(here, "ConfigMap", rack["scyllaConfig"])["data"]["scylla.yaml"])
            options = scylla["client_encryption_options"]
            assert options["enabled"] is True
            assert options["certificate"] == f"{mount['mountPath']}/tls.crt"
            assert options["keyfile"] == f"{mount['mountPath']}/tls.key"
            assert scylla["native_transport_port_ssl"] == int(config["scylla_port"])
            assert scylla["native_shard_aware_transport_port_ssl"] == 19042  # Scylla's shard-aware CQL port
    ca = config["scylla_tls_ca_file"]
    assert ca == config["postgres_sslrootcert"]  # the one internal CA every client verifies every store with
    jobs = [o for o in mine if o["kind"] == "Job" and o["metadata"]["labels"].get("app.kubernetes.io/name") == "migrate-scylladb"]
    assert jobs
    for job in jobs:
        (container,) = job["spec"]["template"]["spec"]["containers"]
        environment = {v["name"]: v.get("value") for v in container["env"]}
        assert environment["SCYLLA_TLS_CA_FILE"] == ca
        assert environment["SCYLLA_HOSTS"] == config["scylla_hosts"]
        assert any(ca.startswith(m["mountPath"] + "/") for m in container["volumeMounts"])
