"""A new database is one module plus its catalog entries: a fifth store (NATS, from
tests/fixtures/nats_store.py), registered for this test only and added to a scratch copy of the
catalog, reaches every consumer of the stores: <env>-config, endpoints, NetworkPolicies,
ExternalSecrets, Certificates, the Argo CD Application with its values file, the local StatefulSet
and capacity. Nothing of it reaches the project's own catalog, registry or rendered/."""

from __future__ import annotations

import re
from decimal import Decimal
from pathlib import Path

import pytest

from blueprints.databases import registry
from generator import yamlio
from blueprints.layout import SERVICES_FILE
from tests.conftest import PROJECT, gen, located, new_project, refuses_bad_input
from tests.fixtures.nats_store import Nats

CHART = """\
  nats:                # tests only: the official NATS chart
    name: nats
    repository: https://nats-io.github.io/k8s/helm/charts
    version: 1.2.6
    images:
      nats: {registry: docker.io, repository: library/nats, tag: 2.10.22-alpine}
"""
CHART_FOLDER = PROJECT / "tests/fixtures/charts/nats"
REPOSITORY = "https://nats-io.github.io/k8s/helm/charts"
LOCAL_IMAGE = "  nats: {registry: docker.io, repository: library/nats, tag: 2.10.22-alpine}\n"
SERVERS = {"production": 3}  # and 1 elsewhere


def servers(env: str) -> int:
    return SERVERS.get(env, 1)


def add_nats(project: Path) -> None:
    """The catalog entries of the fifth store: its size per environment, its chart and local image,
    and a service that uses it."""
    environments = project / "blueprints/catalog/environments.yaml"
    lines, env = [], None
    for line in environments.read_text().splitlines(keepends=True):
        lines.append(line)
        name = re.match(r"  - name: (\S+)", line)
        env = name.group(1) if name else env
        if line.startswith("      scylladb: {"):
            lines.append(f"      nats: {{servers: {servers(env)}, cpu: 100m, memory: 128Mi, storage: 1Gi}}\n")
    environments.write_text("".join(lines))
    databases = project / "blueprints/catalog/databases.yaml"
    text = databases.read_text()
    assert text.count("\n# local (no Argo CD)") == 1
    databases.write_text(text.replace("\n# local (no Argo CD)", CHART + "\n# local (no Argo CD)") + LOCAL_IMAGE)
    services = project / "blueprints/catalog/services.yaml"
    old = "    role: async processing\n    calls: [embedding-service, knowledge-ingestion, audit-logging]\n    databases: [postgres, mongodb, redis]\n"
    assert services.read_text().count(old) == 1
    services.write_text(services.read_text().replace(old, old.replace("redis]", "redis, nats]")))


def read(project: Path, env: str, part: str, kind: str, name: str) -> dict:
    return yamlio.load((project / "rendered" / env / part / f"{kind.lower()}-{name}.yaml").read_text())


@pytest.fixture(scope="module")
def rendered(tmp_path_factory) -> tuple[Path, str]:
    """The scratch project rendered with NATS registered, and the capacity report of staging."""
    root = new_project(tmp_path_factory.mktemp("nats"))
    add_nats(root)
    # its chart vendored and locked as the README says (`gen chart import --record`): a stand-in
    # for the official chart, tests/fixtures/charts/nats/
    imported = gen(root, "chart", "import", "nats", str(CHART_FOLDER), "--record", "--source-url", REPOSITORY)
    assert imported.exit_code == 0, imported.output
    with registry.registered(Nats):
        render = gen(root, "render", "--all", "-q")
        assert render.exit_code == 0, render.output
        capacity = gen(root, "capacity", "staging")
        assert capacity.exit_code == 0, capacity.output
    return root, capacity.output


@pytest.fixture(scope="module")
def project(rendered) -> Path:
    return rendered[0]


def test_config_keys_and_endpoint(project):
    for env, host in (("local", "nats"), ("staging", "nats"), ("production", "nats")):
        data = read(project, env, "shared", "ConfigMap", f"{env}-config")["data"]
        assert (data["nats_servers"], data["nats_host"], data["nats_port"]) == (str(servers(env)), host, "4222")


def test_network_policies(project):
    for env in ("local", "production"):
        policy = read(project, env, "shared", "NetworkPolicy", "nats-database")["spec"]
        users, peers = policy["ingress"]
        assert users["from"] == [{"podSelector": {"matchExpressions": [
            {"key": "app.kubernetes.io/name", "operator": "In", "values": ["background-tasks"]}]}}]
        assert users["ports"] == [{"port": 4222, "protocol": "TCP"}]
        assert [p["port"] for p in peers["ports"]] == [4222, 6222]
        # blue-green environments write a service's policy per color: each color reaches the store
        for name in (["background-tasks"] if env == "local" else ["background-tasks-blue", "background-tasks-green"]):
            egress = read(project, env, "shared", "NetworkPolicy", name)["spec"]["egress"]
            assert {"to": [{"podSelector": policy["podSelector"]}], "ports": [{"port": 4222, "protocol": "TCP"}]} in egress


def test_external_secrets_and_certificate(project):
    credentials = read(project, "staging", "shared", "ExternalSecret", "nats-credentials")["spec"]
    assert [(d["secretKey"], d["remoteRef"]["property"]) for d in credentials["data"]] == [("nats-password", "nats_password")]
    urls = read(project, "staging", "shared", "ExternalSecret", "database-secrets")["spec"]
    assert urls["target"]["template"]["data"]["nats-url"] == "tls://nats:{{ .nats_password | urlquery }}@nats:4222"
    assert "nats_password" in [d["secretKey"] for d in urls["data"]]
    certificate = read(project, "staging", "shared", "Certificate", "nats-tls")["spec"]
    assert certificate["dnsNames"] == ["nats", "nats.therapeutic-ai.svc", "nats.therapeutic-ai.svc.cluster.local"]


def test_argocd_application_syncs_the_hydrated_chart_with_its_values(project):
    """The chart renders in gen with the recorded values into its own part, which its Application syncs."""
    app = read(project, "production", "argocd", "Application", "production-nats")
    values = yamlio.load((project / "rendered/production/argocd/helm-values/nats.yaml").read_text())
    assert app["spec"]["source"]["path"] == "rendered/production/nats"
    assert values["config"]["cluster"] == {"enabled": True, "replicas": 3}
    assert values["config"]["jetstream"]["fileStore"]["pvc"] == {"size": "1Gi", "storageClassName": "encrypted-ssd"}
    servers = read(project, "production", "nats", "StatefulSet", "nats")
    assert servers["spec"]["replicas"] == 3
    assert servers["spec"]["volumeClaimTemplates"][0]["spec"]["storageClassName"] == "encrypted-ssd"
    (container,) = servers["spec"]["template"]["spec"]["containers"]
    assert container["image"] == "docker.io/library/nats:2.10.22-alpine"
    assert servers["metadata"]["labels"]["therapeutic-ai.io/environment"] == "production"
    assert read(project, "production", "nats", "PodDisruptionBudget", "nats")["spec"]["maxUnavailable"] == 1
    assert not (project / "rendered/staging/nats/poddisruptionbudget-nats.yaml").exists()  # one server there
    lock = yamlio.load((project / "charts/lock.yaml").read_text())["charts"]["nats"]
    assert (lock["version"], lock["source"]) == ("1.2.6", REPOSITORY)


def test_local_statefulset(project):
    sts = read(project, "local", "shared", "StatefulSet", "nats")
    (container,) = sts["spec"]["template"]["spec"]["containers"]
    assert container["image"] == "docker.io/library/nats:2.10.22-alpine"
    assert container["ports"] == [{"name": "nats", "containerPort": 4222, "protocol": "TCP"}]
    assert "/run/secrets/nats/nats-password" in container["command"][-1]
    assert read(project, "local", "shared", "Service", "nats")["spec"]["clusterIP"] == "None"


def requested(report: str) -> dict[str, Decimal]:
    """`gen capacity`'s REQUESTED column: cores and Gi."""
    rows = (line.split() for line in report.splitlines()[1:5])
    return {row[0]: Decimal(row[1].removesuffix("Gi")) for row in rows if row[0] in ("cpu", "storage")}


def test_capacity_counts_it(rendered):
    """Staging's committed figures (`gen capacity staging` of the project) plus one NATS server of 100m and 1Gi."""
    committed = gen(PROJECT, "capacity", "staging")
    assert committed.exit_code == 0, committed.output
    before, after = requested(committed.output), requested(rendered[1])
    assert after == {"cpu": before["cpu"] + Decimal("0.1"), "storage": before["storage"] + 1}


def test_nothing_leaks(project):
    """Unregistered again, the store is unknown to the catalog, and the project never heard of it."""
    assert registry.names() == ("postgres", "mongodb", "redis", "scylladb")
    refuses_bad_input(project, located(project, SERVICES_FILE, ("    role: async processing\n", "    databases: "),
                                       "services[{background-tasks}].databases[3]: 'nats' is not a store"))
    assert not list((PROJECT / "rendered").rglob("*nats*"))
    assert "nats" not in (PROJECT / "blueprints/catalog/databases.yaml").read_text()
