"""Secrets and certificates: blueprints/secrets.py, blueprints/certificates.py, and the
services' secret mounts. The constructs are synthesized in a chart of their own (the full render is
slow); expected values are typed from the seed's "Secret Management" table and the chart values."""

from __future__ import annotations

import re

import pytest

from generator.runtime import ensure_node

ensure_node()  # before cdk8s: importing it starts the jsii runtime

from cdk8s import App, Chart  # noqa: E402

from blueprints.certificates import PlatformCertificates  # noqa: E402
from blueprints.identities import colors, migrated_stores, migration_name  # noqa: E402
from generator.rendered.objects import POD_TEMPLATES  # noqa: E402
from blueprints.databases import registry  # noqa: E402
from blueprints.databases.store import DATABASE  # noqa: E402
from blueprints.argocd import DATABASES_APP_WAVE, SECRETS_WAVE, SHARED_APP_WAVE  # noqa: E402
from blueprints.databases.stores import postgres as postgres_store  # noqa: E402
from blueprints.model import Tier  # noqa: E402
from blueprints.secrets import PlatformSecrets  # noqa: E402
from blueprints.tiers import GoService  # noqa: E402
from blueprints.workload import WorkloadProps  # noqa: E402
from generator.catalog import load_catalog  # noqa: E402
from generator.validation.policies import Context, run_rules  # noqa: E402
from generator.validation.schemas import SchemaStore  # noqa: E402
from generator.validation.secrets import secret_literal  # noqa: E402
from tests.conftest import PROJECT, as_doc, strings  # noqa: E402

STORE = SchemaStore("1.33", PROJECT / "schemas")
VAULT_ENVS = ("development", "staging", "production")
NS = "therapeutic-ai"

# the seed's "Secret Categories": rotation period, and refresh = period / 90
ROTATION = {
    "database-secrets": ("90d", "24h"),
    "postgres-credentials": ("90d", "24h"),
    "mongodb-credentials": ("90d", "24h"),
    "redis-credentials": ("90d", "24h"),
    "jwt-signing-key": ("30d", "8h"),
    "api-keys": ("180d", "48h"),
    "phi-encryption-keys": ("90d", "24h"),
    "alertmanager-receivers": ("180d", "48h"),  # the alert receivers' URLs and keys: external service keys
}
# the key names the charts read from their existing Secrets
CHART_KEYS = {
    "postgres-credentials": {"postgres-password", "password", "replication-password"},
    "mongodb-credentials": {"mongodb-root-password", "mongodb-replica-set-key", "mongodb-passwords"},
    "redis-credentials": {"redis-password"},
}
MOUNTED = {"database": "database-secrets", "jwt": "jwt-signing-key", "api-keys": "api-keys", "encryption": "phi-encryption-keys"}


@pytest.fixture(scope="module")
def catalog():
    return load_catalog(PROJECT)


def synth(catalog, env_name: str) -> list[dict]:
    env = catalog.environment(env_name)
    chart = Chart(App(), f"{env_name}-secrets")
    secrets = PlatformSecrets(chart, "secrets", env=env)
    certificates = PlatformCertificates(chart, "certificates", env=env, services=[s.name for s in catalog.services.services],
                                        clients=[migration_name(s) for s in migrated_stores(catalog, env)],
                                        colors=colors(catalog, env))
    objs = list(chart.to_json())
    # the `manifests` the shared chart records are exactly what is synthesized
    assert sorted(map(key, objs)) == sorted(map(key, secrets.manifests + certificates.manifests))
    return objs


def key(obj: dict) -> tuple[str, str]:
    return obj["kind"], obj["metadata"]["name"]


@pytest.fixture(scope="module")
def rendered(catalog) -> dict[str, list[dict]]:
    return {name: synth(catalog, name) for name in (*VAULT_ENVS, "local")}


def of_kind(objs: list[dict], kind: str) -> dict[str, dict]:
    return {o["metadata"]["name"]: o for o in objs if o["kind"] == kind}


# --- ClusterSecretStore ---------------------------------------------------------------------------

def test_production_cluster_secret_store(rendered):
    stores = of_kind(rendered["production"], "ClusterSecretStore")
    assert list(stores) == ["vault-production"]
    store = stores["vault-production"]
    assert "namespace" not in store["metadata"]  # cluster-scoped
    assert store["spec"]["provider"] == {
        "vault": {
            "server": "https://vault.therapeutic-ai.internal:8200",
            "path": "secret",
            "version": "v2",
            # Vault's certificate is verified: never an unverified connection to the secrets' source
            "caProvider": {"type": "ConfigMap", "name": "vault-ca", "key": "ca.crt", "namespace": "external-secrets"},
            "auth": {
                "kubernetes": {
                    "mountPath": "kubernetes",
                    "role": "therapeutic-ai-production",
                    "serviceAccountRef": {"name": "external-secrets", "namespace": "external-secrets"},
                }
            },
        }
    }
    assert store["spec"]["conditions"] == [{"namespaces": [NS]}]


# --- ExternalSecrets ------------------------------------------------------------------------------

@pytest.mark.parametrize("env_name", VAULT_ENVS)
def test_external_secrets_and_rotation(rendered, env_name):
    secrets = of_kind(rendered[env_name], "ExternalSecret")
    assert set(secrets) == set(ROTATION)
    for name, obj in secrets.items():
        period, refresh = ROTATION[name]
        assert obj["metadata"]["namespace"] == NS
        assert obj["metadata"]["annotations"]["therapeutic-ai.io/rotation-period"] == period, name
        assert obj["spec"]["refreshInterval"] == refresh, name
        assert obj["spec"]["secretStoreRef"] == {"kind": "ClusterSecretStore", "name": f"vault-{env_name}"}
        assert obj["spec"]["target"]["name"] == name
        for entry in obj["spec"].get("data", []):
            assert entry["remoteRef"]["key"] == f"therapeutic-ai/{env_name}"
    assert secrets["api-keys"]["spec"]["dataFrom"] == [{"extract": {"key": f"therapeutic-ai/{env_name}/api-keys"}}]


def test_seed_vault_properties(rendered):
    """database-secrets reads the seed's three properties of secret/therapeutic-ai/production, and
    ScyllaDB's login, which the services get as files beside the URLs."""
    db = of_kind(rendered["production"], "ExternalSecret")["database-secrets"]
    assert {(e["secretKey"], e["remoteRef"]["property"]) for e in db["spec"]["data"]} == {
        ("postgres_password", "postgres_password"),
        ("mongodb_password", "mongodb_password"),
        ("redis_password", "redis_password"),
        ("scylla_username", "scylla_username"),
        ("scylla_password", "scylla_password"),
    }
    template = db["spec"]["target"]["template"]["data"]
    assert (template["scylla-username"], template["scylla-password"]) == ("{{ .scylla_username }}", "{{ .scylla_password }}")


@pytest.mark.parametrize("env_name", VAULT_ENVS)
def test_database_urls_use_endpoints_and_require_tls(catalog, rendered, env_name):
    env = catalog.environment(env_name)
    e = endpoints(env)
    template = of_kind(rendered[env_name], "ExternalSecret")["database-secrets"]["spec"]["target"]["template"]
    assert template["engineVersion"] == "v2"
    urls = template["data"]
    assert set(urls) == {"postgres-url", "mongodb-url", "redis-url", "scylla-username", "scylla-password"}

    pg = re.fullmatch(r"postgresql://therapeutic_ai:\{\{ \.postgres_password \| urlquery \}\}@([^/]+)/(\w+)\?(.*)", urls["postgres-url"])
    assert pg, urls["postgres-url"]
    assert pg.group(1) == f"{e['postgres'].hosts[0]}:{e['postgres'].port}"
    assert pg.group(2) == DATABASE
    assert "sslmode=verify-full" in pg.group(3).split("&")
    assert "sslrootcert=/var/run/secrets/therapeutic-ai/tls/ca.crt" in pg.group(3).split("&")

    mongo = re.fullmatch(r"mongodb://therapeutic_ai:\{\{ \.mongodb_password \| urlquery \}\}@([^/]+)/(\w+)\?(.*)", urls["mongodb-url"])
    assert mongo, urls["mongodb-url"]
    assert mongo.group(1).split(",") == [f"{h}:{e['mongodb'].port}" for h in e["mongodb"].hosts]
    assert mongo.group(2) == DATABASE
    options = mongo.group(3).split("&")
    assert "tls=true" in options and "tlsCAFile=/var/run/secrets/therapeutic-ai/tls/ca.crt" in options
    assert ("replicaSet=rs0" in options) is env.databases.specs["mongodb"].replica_set

    assert urls["redis-url"] == f"rediss://:{{{{ .redis_password | urlquery }}}}@{e['redis'].hosts[0]}:{e['redis'].port}"


def test_database_urls_per_topology(rendered):
    """Production's replicated stores and development's single ones, spelled out."""
    prod = of_kind(rendered["production"], "ExternalSecret")["database-secrets"]["spec"]["target"]["template"]["data"]
    assert "@postgres-primary:5432/" in prod["postgres-url"]
    assert "@mongodb-0.mongodb-headless:27017,mongodb-1.mongodb-headless:27017,mongodb-2.mongodb-headless:27017/" in prod["mongodb-url"]
    assert prod["redis-url"].endswith("@redis:6379")
    dev = of_kind(rendered["development"], "ExternalSecret")["database-secrets"]["spec"]["target"]["template"]["data"]
    assert "@postgres:5432/" in dev["postgres-url"]
    assert dev["mongodb-url"].endswith("@mongodb:27017/therapeutic_ai?tls=true&tlsCAFile=/var/run/secrets/therapeutic-ai/tls/ca.crt")
    assert dev["redis-url"].endswith("@redis-master:6379")


def test_credential_secrets_carry_the_chart_keys(rendered):
    secrets = of_kind(rendered["production"], "ExternalSecret")
    for name, keys in CHART_KEYS.items():
        spec = secrets[name]["spec"]
        assert "template" not in spec["target"]  # the fetched values under the chart's key names
        assert {e["secretKey"] for e in spec["data"]} == keys, name
    # the Secret and key names the values read
    for store in registry.stores():
        if store.credentials:
            assert store.credentials.admin_key in CHART_KEYS[store.credentials.secret]
    pg_keys = postgres_store.SecretKeys()
    assert {pg_keys.adminPasswordKey, pg_keys.userPasswordKey, pg_keys.replicationPasswordKey} == CHART_KEYS["postgres-credentials"]


def test_url_passwords_are_the_users_passwords(rendered):
    """The password in each URL is the one the chart sets for that user: one Vault property."""
    secrets = of_kind(rendered["production"], "ExternalSecret")

    def prop(secret: str, secret_key: str) -> str:
        (entry,) = [e for e in secrets[secret]["spec"]["data"] if e["secretKey"] == secret_key]
        return entry["remoteRef"]["property"]

    assert prop("postgres-credentials", "password") == prop("database-secrets", "postgres_password")
    assert prop("mongodb-credentials", "mongodb-passwords") == prop("database-secrets", "mongodb_password")
    assert prop("redis-credentials", "redis-password") == prop("database-secrets", "redis_password")


def endpoints(env):
    return {name: store.endpoint() for name, store in env.stores().items()}


# --- Certificates ---------------------------------------------------------------------------------

def in_cluster(name: str) -> list[str]:
    return [name, f"{name}.{NS}.svc", f"{name}.{NS}.svc.cluster.local"]


@pytest.mark.parametrize("env_name", VAULT_ENVS)
def test_certificates_lifetime_and_issuers(catalog, rendered, env_name):
    env = catalog.environment(env_name)
    certs = of_kind(rendered[env_name], "Certificate")
    mongodb = env.databases.specs["mongodb"]
    mongo = [f"mongodb-{n}-tls" for n in range(mongodb.members)] if mongodb.replica_set else ["mongodb-tls"]
    services = [f"{s.name}-tls" for s in catalog.services.services]
    migrations = ["migrate-postgres-tls", "migrate-scylladb-tls"]  # databases.yaml migrations: the Jobs' own
    # ScyllaDB's, one per datacenter, in the datacenter's namespace
    scylla = {f"scylladb-dc{n}-tls": f"{NS}-scylla-dc{n}" for n in range(1, env.databases.specs["scylladb"].datacenters + 1)}
    assert set(certs) == {"api-gateway-public", *services, *migrations, "postgres-tls", "redis-tls", *mongo, *scylla}
    for name, cert in certs.items():
        spec = cert["spec"]
        assert cert["metadata"]["namespace"] == scylla.get(name, NS)
        assert spec["secretName"] == name
        lifetime, renew = spec["duration"], spec["renewBefore"]
        assert lifetime == "2160h"  # 90 days
        assert renew == "720h"  # 30 days before expiry
        assert spec["privateKey"] == {"algorithm": "ECDSA", "size": 256, "rotationPolicy": "Always"}
        assert cert["metadata"]["annotations"]["therapeutic-ai.io/rotation-period"] == "90d"
        issuer = env.tls.public_issuer if name == "api-gateway-public" else env.tls.internal_issuer
        assert spec["issuerRef"] == {"name": issuer.name, "kind": issuer.kind, "group": "cert-manager.io"}
    assert certs["api-gateway-public"]["spec"]["dnsNames"] == [env.tls.public_host]


@pytest.mark.parametrize("env_name", VAULT_ENVS)
def test_each_service_has_a_certificate_with_exactly_the_names_it_is_called_by(catalog, rendered, env_name):
    """Live, and in blue-green environments each color's: short, .svc and fully qualified; nothing else."""
    env = catalog.environment(env_name)
    certs = of_kind(rendered[env_name], "Certificate")
    for service in catalog.services.services:
        hosts = [service.name, *([f"{service.name}-blue", f"{service.name}-green"] if env.blue_green else [])]
        assert certs[f"{service.name}-tls"]["spec"]["dnsNames"] == [n for h in hosts for n in in_cluster(h)], service.name
        assert "ipAddresses" not in certs[f"{service.name}-tls"]["spec"]


@pytest.mark.parametrize("env_name", VAULT_ENVS)
def test_each_service_certificate_is_mounted_into_its_own_pods_only(catalog, objects, env_name):
    """And every service, each a client of the stores, gets the issuing CA with it (ca.crt)."""
    services = {s.name for s in catalog.services.services}
    mounted: dict[str, set[str]] = {}
    env_objects = [obj for path, obj in objects.items() if path.parts[1] == env_name]
    for obj in env_objects:
        if obj["kind"] != "Deployment":
            continue
        name = obj["spec"]["template"]["metadata"]["labels"]["app.kubernetes.io/name"]
        if name not in services:
            continue  # a store's chart workload (its hydrated part): the stores' certificates are tested below
        pod = obj["spec"]["template"]["spec"]
        tls = {v["name"]: v["secret"]["secretName"] for v in pod["volumes"] if v.get("secret", {}).get("secretName", "").endswith("-tls")}
        assert list(tls.values()) == [f"{name}-tls"], obj["metadata"]["name"]
        (container,) = pod["containers"]
        (mount,) = [m for m in container["volumeMounts"] if m["name"] in tls]
        assert mount == {"name": "tls", "mountPath": "/var/run/secrets/therapeutic-ai/tls", "readOnly": True}
        mounted.setdefault(name, set()).update(tls.values())
    assert mounted == {name: {f"{name}-tls"} for name in services}
    config = of_kind(env_objects, "ConfigMap")[f"{env_name}-config"]["data"]
    ca = "/var/run/secrets/therapeutic-ai/tls/ca.crt"
    assert {k: v for k, v in config.items() if v == ca} == {
        "postgres_sslrootcert": ca, "mongodb_tls_ca_file": ca, "redis_tls_ca_file": ca, "scylla_tls_ca_file": ca}


@pytest.mark.parametrize("env_name", VAULT_ENVS)
def test_every_pod_that_reads_the_database_urls_has_the_ca_they_name(objects, env_name):
    """The URLs name the CA file (sslrootcert, tlsCAFile): a pod that mounts them without it could
    not verify the store (services and migration Jobs alike, whatever the kind)."""
    readers = 0
    for path, obj in objects.items():
        if path.parts[1] != env_name or obj["kind"] not in POD_TEMPLATES:
            continue
        pod: dict = obj
        for key in POD_TEMPLATES[obj["kind"]][0]:
            pod = pod[key]
        volumes = {v["name"]: v.get("secret", {}).get("secretName") for v in pod["spec"].get("volumes", [])}
        for container in pod["spec"]["containers"]:
            mounts = {m["mountPath"]: volumes.get(m["name"]) for m in container.get("volumeMounts", [])}
            if "database-secrets" not in mounts.values():
                continue
            readers += 1
            ca_folder = "/var/run/secrets/therapeutic-ai/tls"
            assert (mounts.get(ca_folder) or "").endswith("-tls"), f"{path}: {container['name']} has no CA"
    assert readers >= 10  # the services that use a store, and the migration Jobs


def test_database_certificates_cover_the_endpoints(catalog, rendered):
    for env_name in VAULT_ENVS:
        env = catalog.environment(env_name)
        e = endpoints(env)
        certs = of_kind(rendered[env_name], "Certificate")
        assert set(in_cluster(e["postgres"].hosts[0])) <= set(certs["postgres-tls"]["spec"]["dnsNames"])
        assert set(in_cluster(e["redis"].hosts[0])) <= set(certs["redis-tls"]["spec"]["dnsNames"])
        if env.databases.specs["mongodb"].replica_set:
            for n, host in enumerate(e["mongodb"].hosts):
                assert set(in_cluster(host)) <= set(certs[f"mongodb-{n}-tls"]["spec"]["dnsNames"])
        else:
            assert set(in_cluster(e["mongodb"].hosts[0])) <= set(certs["mongodb-tls"]["spec"]["dnsNames"])


def test_production_database_certificates(rendered):
    certs = of_kind(rendered["production"], "Certificate")
    assert certs["postgres-tls"]["spec"]["dnsNames"] == [
        *in_cluster("postgres-primary"), *in_cluster("postgres-primary-hl"),
        *in_cluster("postgres-read"), *in_cluster("postgres-read-hl"),
    ]
    assert certs["mongodb-1-tls"]["spec"]["dnsNames"] == [*in_cluster("mongodb-1.mongodb-headless"), "localhost"]
    assert certs["mongodb-1-tls"]["spec"]["ipAddresses"] == ["127.0.0.1"]
    assert certs["redis-tls"]["spec"]["dnsNames"] == [
        *in_cluster("redis"), *in_cluster("redis-headless"),
        f"*.redis-headless.{NS}.svc", f"*.redis-headless.{NS}.svc.cluster.local", "localhost",
    ]


# --- local, schemas, no values --------------------------------------------------------------------

@pytest.mark.parametrize("env_name", VAULT_ENVS)
def test_everything_syncs_before_the_databases(rendered, env_name):
    """The database charts read the credential and TLS Secrets at first start: these are in
    `shared`, whose Application the root syncs before the databases' Applications (both rendered
    with these waves: tests/test_delivery.py), and in an early wave within it."""
    assert SHARED_APP_WAVE < DATABASES_APP_WAVE
    for obj in rendered[env_name]:
        assert int(obj["metadata"]["annotations"]["argocd.argoproj.io/sync-wave"]) == SECRETS_WAVE, key(obj)


def test_local_produces_nothing(rendered):
    assert rendered["local"] == []


@pytest.mark.parametrize("env_name", VAULT_ENVS)
def test_objects_pass_the_strict_schemas(rendered, env_name):
    for obj in rendered[env_name]:
        assert STORE.validator(obj["apiVersion"], obj["kind"]).problems(obj) == [], key(obj)


@pytest.mark.parametrize("env_name", VAULT_ENVS)
def test_no_secret_value_in_the_output(rendered, env_name):
    for obj in rendered[env_name]:
        for name, value in strings(obj):
            assert secret_literal(name, value) is None, (key(obj), name, value)


def test_a_template_reference_is_a_name_but_a_value_beside_it_is_not():
    assert secret_literal("scylla-password", "{{ .scylla_password }}") is None
    assert secret_literal("scylla-password", "{{ .scylla_password }}x") == "a literal value for scylla-password"
    assert secret_literal("scylla-password", "hunter2") == "a literal value for scylla-password"


def test_a_credential_hidden_in_base64_is_still_a_credential():
    import base64

    from generator.validation.secrets import secret_value

    pem = b"-----BEGIN RSA PRIVATE KEY-----\nMIIEow" + b"Q" * 48 + b"\n-----END RSA PRIVATE KEY-----\n"
    encoded = base64.b64encode(pem).decode()
    assert secret_value(encoded) == "a private key (base64-encoded)"
    assert secret_value("\n".join(encoded[i:i + 64] for i in range(0, len(encoded), 64))) == \
        "a private key (base64-encoded)"  # wrapped at 64 columns, as tools write it
    assert secret_value(base64.b64encode(b"plain text, no credential in it").decode()) is None
    assert secret_value("0123456789abcdef" * 4) is None  # a digest is no secret


def test_the_database_clients_own_password_variables_are_credentials():
    for name in ("PGPASSWORD", "REDISCLI_AUTH", "MYSQL_PWD", "DB_PWD"):
        assert secret_literal(name, "hunter2hunter2") == f"a literal value for {name}", name
    assert secret_literal("PGPASSFILE", "/var/run/secrets/pgpass") is None


def test_the_detector_would_see_a_password_in_a_url(rendered):
    """The scan above is not vacuous: the same URL with a literal password is flagged."""
    url = of_kind(rendered["production"], "ExternalSecret")["database-secrets"]["spec"]["target"]["template"]["data"]["postgres-url"]
    assert secret_literal("postgres-url", url.replace("{{ .postgres_password | urlquery }}", "s3cr3t")) == "a URL with credentials"


# --- the services' mounts -------------------------------------------------------------------------

def go_service(catalog, env_name: str, service_name: str) -> GoService:
    service = next(s for s in catalog.services.services if s.name == service_name)
    props = WorkloadProps(service=service, environment=catalog.environment(env_name))
    return GoService(Chart(App(), f"{env_name}-{service_name}"), service_name, props)


def pod_of(workload: GoService) -> dict:
    (deployment,) = [m for m in workload.manifests if m["kind"] == "Deployment"]
    return deployment["spec"]["template"]["spec"]


def test_api_gateway_mounts_its_secrets_as_files(catalog):
    workload = go_service(catalog, "production", "api-gateway")
    assert workload.service.secrets == ["database", "jwt"]
    pod = pod_of(workload)
    (container,) = pod["containers"]
    secret_volumes = {v["name"]: v["secret"] for v in pod["volumes"] if "secret" in v}
    assert secret_volumes == {
        "secret-database": {"secretName": "database-secrets", "defaultMode": 0o400, "optional": False},
        "secret-jwt": {"secretName": "jwt-signing-key", "defaultMode": 0o400, "optional": False},
        "tls": {"secretName": "api-gateway-tls", "defaultMode": 0o400, "optional": False},
    }
    mounts = {m["name"]: m for m in container["volumeMounts"]}
    assert mounts["secret-database"] == {"name": "secret-database", "mountPath": "/var/run/secrets/therapeutic-ai/database", "readOnly": True}
    assert mounts["secret-jwt"] == {"name": "secret-jwt", "mountPath": "/var/run/secrets/therapeutic-ai/jwt", "readOnly": True}
    assert {"name": "tmp", "mountPath": "/tmp"} in container["volumeMounts"]  # the existing volume stays
    # never in the environment
    for var in container["env"]:
        assert "valueFrom" not in var, var
        assert secret_literal(var["name"], var.get("value")) is None, var
    assert all("secretRef" not in source for source in container["envFrom"])


def test_mounted_secrets_are_made_by_external_secrets(catalog, rendered):
    """Every Secret a production service mounts is the target of an ExternalSecret."""
    targets = {o["spec"]["target"]["name"] for o in of_kind(rendered["production"], "ExternalSecret").values()}
    wanted = {MOUNTED[s] for svc in catalog.services.services for s in svc.secrets}
    assert wanted <= targets
    assert wanted == set(MOUNTED.values())


def test_local_services_mount_no_secrets(catalog):
    for name in [s.name for s in catalog.services.by_tier(Tier.GO)][:3]:
        pod = pod_of(go_service(catalog, "local", name))
        assert not [v for v in pod["volumes"] if "secret" in v], name


def test_api_gateway_deployment_passes_the_schema(catalog):
    workload = go_service(catalog, "production", "api-gateway")
    for manifest in workload.manifests:
        assert STORE.validator(manifest["apiVersion"], manifest["kind"]).problems(manifest) == [], key(manifest)


def test_policy_rules_pass(catalog, rendered):
    """The project's policy rules on the secrets, certificates and a service mounting them: only
    the NetworkPolicy warning, which the services get until policies exist (a separate item)."""
    workload = go_service(catalog, "production", "api-gateway")
    objs = [*rendered["production"], *workload.manifests]
    docs = [as_doc(f"rendered/production/test/{o['kind'].lower()}-{o['metadata']['name']}.yaml", o) for o in objs]
    findings = run_rules(Context(catalog, catalog.environment("production"), docs))
    # a lone part: the network is judged with the environment's shared part (GEN-NETWORK-POLICY)
    assert [(f.check, f.severity) for f in findings] == []
