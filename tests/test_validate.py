"""`gen validate`: every rule catches a small broken manifest; strict schemas name the field;
capacity holds environments to their declared clusters; the committed tree is clean."""

from __future__ import annotations

import copy
import json
import re
import xml.etree.ElementTree as ET
from pathlib import Path
from typing import Any, Callable

import pytest
from click.testing import CliRunner

from generator import yamlio
from generator.catalog import load_catalog
from generator.cli import cli
from generator.rendered import Doc
from generator.validation.policies import RULES, load_rules
from generator.validation.run import validate_docs
from generator.validation.schemas import SchemaStore
from generator.validation.transit import unverified
from generator.validation.waivers import WAIVERS_FILE
from tests.conftest import PROJECT, as_doc, snapshot_tree, unwaived
from tests.test_posture import POSTURE_BREAKAGES

CATALOG = load_catalog(PROJECT)
STORE = SchemaStore("1.33", PROJECT / "schemas")


@pytest.fixture(scope="module")
def production(fresh) -> list[Doc]:
    """The fresh render's production objects (every part), as validation sees them."""
    return [doc for doc in fresh.docs if doc.part.env == "production"]


def run(docs: list[Doc], env: str = "production"):
    return validate_docs(CATALOG, CATALOG.environment(env), docs, STORE)


def broken(docs: list[Doc], ref: str, change: Callable[[dict], Any]) -> list[Doc]:
    """A copy of `docs` with `change` applied to the object `ref` (Kind/name) of the green part."""
    out = copy.deepcopy(docs)
    (target,) = [d for d in out if d.ref == ref and "/green/" in d.file or (d.ref == ref and "/shared/" in d.file)]
    change(target.obj)
    return out


def pod(obj: dict) -> dict:
    return obj["spec"]["template"]["spec"]


def container(obj: dict) -> dict:
    return pod(obj)["containers"][0]


def sc(obj: dict) -> dict:
    return container(obj)["securityContext"]


API = "Deployment/api-gateway-green"
BGE = "Deployment/bge-host-green"

# rule id -> (object, the breaking change)
BREAKAGES: dict[str, tuple[str, Callable[[dict], Any]]] = {
    "PSS-HOST-PROCESS": (API, lambda o: pod(o)["securityContext"].update(windowsOptions={"hostProcess": True})),
    "PSS-HOST-NAMESPACES": (API, lambda o: pod(o).update(hostPID=True)),
    "PSS-PRIVILEGED": (API, lambda o: sc(o).update(privileged=True)),
    "PSS-CAPABILITIES-BASELINE": (API, lambda o: sc(o)["capabilities"].update(add=["SYS_ADMIN"])),
    "PSS-HOST-PATH": (API, lambda o: pod(o)["volumes"].append({"name": "host", "hostPath": {"path": "/var/run"}})),
    "PSS-HOST-PORTS": (API, lambda o: container(o)["ports"][0].update(hostPort=8090)),
    "PSS-APPARMOR": (API, lambda o: sc(o).update(appArmorProfile={"type": "Unconfined"})),
    "PSS-SELINUX": (API, lambda o: sc(o).update(seLinuxOptions={"type": "spc_t"})),
    "PSS-PROC-MOUNT": (API, lambda o: sc(o).update(procMount="Unmasked")),
    "PSS-SYSCTLS": (API, lambda o: pod(o)["securityContext"].update(sysctls=[{"name": "kernel.msgmax", "value": "1"}])),
    "PSS-VOLUME-TYPES": (API, lambda o: pod(o)["volumes"].append({"name": "nfs", "nfs": {"server": "nfs.local", "path": "/x"}})),
    "PSS-PRIVILEGE-ESCALATION": (API, lambda o: sc(o).update(allowPrivilegeEscalation=True)),
    "PSS-RUN-AS-NON-ROOT": (API, lambda o: sc(o).update(runAsNonRoot=False)),
    "PSS-RUN-AS-USER": (API, lambda o: sc(o).update(runAsUser=0)),
    "PSS-SECCOMP": (API, lambda o: sc(o).update(seccompProfile={"type": "Unconfined"})),
    "PSS-CAPABILITIES": (API, lambda o: sc(o)["capabilities"].update(drop=["NET_RAW"])),
    "GEN-PROBES": (API, lambda o: container(o).pop("livenessProbe")),
    "GEN-RESOURCES": (API, lambda o: container(o)["resources"]["limits"].pop("memory")),
    "GEN-UID": (API, lambda o: sc(o).update(runAsUser=1000)),
    "GEN-READONLY-ROOT": (API, lambda o: sc(o).update(readOnlyRootFilesystem=False)),
    "GEN-IMAGE-TAG": (API, lambda o: container(o).update(image="registry.therapeutic-ai.internal/platform/api-gateway:latest")),
    "GEN-SECRET-LITERAL": (API, lambda o: container(o)["env"].append({"name": "DB_PASSWORD", "value": "planted-not-real"})),
    "GEN-GPU": (BGE, lambda o: pod(o).pop("tolerations")),
    "GEN-SERVICE-SELECTOR": ("Service/billing-green", lambda o: o["spec"]["selector"].update(version="purple")),
    "GEN-PDB": ("PodDisruptionBudget/consent-green", lambda o: o["spec"]["selector"]["matchLabels"].update(version="blue")),
    "SCHEMA": (API, lambda o: container(o).update(securityContxt={})),
    "GEN-NAME": (API, lambda o: o["metadata"].update(namespace="Therapeutic_AI")),
    "GEN-NAMESPACE": (API, lambda o: o["metadata"].update(namespace="kube-system")),
    "GEN-LABELS": (API, lambda o: o["metadata"]["labels"].update(team="v" * 64)),
    "GEN-ANNOTATIONS": (API, lambda o: o["metadata"].setdefault("annotations", {}).update({"a/b/c": "x"})),
    "GEN-NETWORK-OPEN": ("NetworkPolicy/api-gateway-green", lambda o: o["spec"]["ingress"].append({})),
}


def test_the_fresh_production_render_is_clean(production):
    report = run(production)
    assert unwaived("production", report.errors) == []
    assert report.objects == len(production) > 150
    assert {f.check for f in report.warnings} <= {"GEN-NETWORK-POLICY"}


@pytest.mark.parametrize("check", sorted(BREAKAGES))
def test_each_rule_catches_its_broken_manifest(production, check):
    ref, change = BREAKAGES[check]
    report = run(broken(production, ref, change))
    caught = [f for f in unwaived("production", report.errors) if f.check == check]
    assert caught, [f"{f.check} {f.object}" for f in report.errors]
    # the finding names the broken object; a missing budget is blamed on the workload it should cover
    blamed = "Deployment/consent-green" if check == "GEN-PDB" else ref
    assert {(f.object, f.file.split("/")[1]) for f in caught} == {(blamed, "production")}


def test_every_policy_rule_has_a_broken_manifest_test():
    tested = set(BREAKAGES) | {"GEN-NETWORK-POLICY", "GEN-SECRET-DATA", "GEN-RBAC-WILDCARD", "GEN-ARGOCD-PROJECT",
                               "GEN-TLS-VERIFY"}  # below
    tested |= {"GEN-RBAC-VERBS", "GEN-RBAC-SECRETS", "GEN-RBAC-BINDING"}  # production has no RBAC: tests/hostile/test_gates.py
    tested |= set(POSTURE_BREAKAGES)  # tests/test_posture.py
    tested |= {"GEN-POD-UNIQUE", "GEN-PROMQL"}  # tests/hostile/test_catalog_values.py
    tested |= {"GEN-POD-REFS", "GEN-UNKNOWN-PART"}  # tests/test_pod_references.py, tests/test_unknown_parts.py
    assert set(load_rules()) <= tested


def test_without_network_policies_every_pod_is_open_and_fails(production):
    production = [d for d in production if d.kind != "NetworkPolicy"]
    report = run(production)
    assert {f.severity for f in report.findings if f.check == "GEN-NETWORK-POLICY"} == {"error"}
    policy = {
        "apiVersion": "networking.k8s.io/v1", "kind": "NetworkPolicy",
        "metadata": {"name": "api-gateway", "namespace": "therapeutic-ai"},
        "spec": {"podSelector": {"matchLabels": {"app.kubernetes.io/name": "api-gateway"}}, "policyTypes": ["Ingress"]},
    }
    report = run(production + [as_doc("rendered/production/shared/networkpolicy-api-gateway.yaml", policy)])
    open_ = [f.message for f in report.errors if f.check == "GEN-NETWORK-POLICY"]
    assert any(m.startswith("billing-green: its pods selected by no NetworkPolicy for Ingress and Egress") for m in open_)
    assert any(m.startswith("api-gateway-green: its pods selected by no NetworkPolicy for Egress") for m in open_)


def test_rbac_wildcards_are_refused(production):
    role = {"apiVersion": "rbac.authorization.k8s.io/v1", "kind": "Role",
            "metadata": {"name": "reader", "namespace": "therapeutic-ai"},
            "rules": [{"apiGroups": [""], "resources": ["configmaps"], "verbs": ["get"]},
                      {"apiGroups": ["*"], "resources": ["secrets"], "verbs": ["*"]}]}
    report = run(production + [as_doc("rendered/production/shared/role-reader.yaml", role)])
    (finding,) = [f for f in report.errors if f.check == "GEN-RBAC-WILDCARD"]
    assert finding.message == "rules[1] grants '*' in verbs, apiGroups"


def test_an_application_outside_the_platforms_projects_is_refused(production):
    """A hand patch could add an Application in `default` (no restrictions): the rule refuses it."""
    app = next(d.obj for d in production if d.kind == "Application" and d.name == "production-postgres")
    escaped = {**app, "metadata": {**app["metadata"], "name": "production-escape"}, "spec": {**app["spec"], "project": "default"}}
    root = next(d.obj for d in production if d.kind == "Application" and d.name == "production-argocd")
    demoted = {**root, "spec": {**root["spec"], "project": "therapeutic-ai"}}
    stray = {"apiVersion": "argoproj.io/v1alpha1", "kind": "AppProject", "metadata": {"name": "anything", "namespace": "argocd"},
             "spec": {"sourceRepos": ["*"], "destinations": [{"server": "*", "namespace": "*"}]}}
    others = [d for d in production if d.name != "production-argocd"]
    report = run(others + [as_doc("rendered/production/argocd/application-production-escape.yaml", escaped),
                           as_doc("rendered/production/argocd/application-production-argocd.yaml", demoted),
                           as_doc("rendered/production/argocd/appproject-anything.yaml", stray)])
    assert sorted((f.object, f.message) for f in report.errors if f.check == "GEN-ARGOCD-PROJECT") == [
        ("AppProject/anything", "AppProject 'anything' is not one of therapeutic-ai, therapeutic-ai-delivery"),
        ("Application/production-argocd", "project 'therapeutic-ai': it must be 'therapeutic-ai-delivery'"),
        ("Application/production-escape", "project 'default': it must be 'therapeutic-ai'"),
    ]
    assert not [f for f in run(production).findings if f.check == "GEN-ARGOCD-PROJECT"]


def test_secret_with_data_is_refused(production):
    secret = {"apiVersion": "v1", "kind": "Secret", "metadata": {"name": "database-secrets", "namespace": "therapeutic-ai"},
              "stringData": {"postgres-url": "planted"}}
    report = run(production + [as_doc("rendered/production/shared/secret-database-secrets.yaml", secret)])
    assert [f.object for f in report.errors if f.check == "GEN-SECRET-DATA"] == ["Secret/database-secrets"]


def test_gpu_requested_by_a_service_that_is_not_a_gpu_host(production):
    docs = broken(production, API, lambda o: container(o)["resources"]["limits"].update({"nvidia.com/gpu": "1"}))
    (finding,) = [f for f in run(docs).errors if f.check == "GEN-GPU"]
    assert finding.object == API and "is not a GPU host" in finding.message


def test_misspelled_field_fails_strict_validation_with_its_json_path(production):
    report = run(broken(production, API, BREAKAGES["SCHEMA"][1]))
    messages = [f.message for f in report.errors if f.check == "SCHEMA"]
    assert messages == ["spec.template.spec.containers[0].securityContxt: unknown field"]


def test_wrong_type_and_missing_required_field_name_their_paths(production):
    def change(o: dict) -> None:
        o["spec"]["replicas"] = "5"
        del container(o)["name"]

    messages = sorted(f.message for f in run(broken(production, API, change)).errors if f.check == "SCHEMA")
    assert messages == ["spec.replicas: expected integer, got string", "spec.template.spec.containers[0].name: missing required field"]


@pytest.mark.parametrize(
    "api_version,kind,check,message",
    [
        ("example.com/v1", "Widget", "SCHEMA-UNKNOWN-KIND", "no schema for Widget in example.com/v1"),
        ("apps/v1", "DeploymentSpec", "SCHEMA-UNKNOWN-KIND", "no schema for DeploymentSpec in apps/v1"),
        ("external-secrets.io/v1beta1", "ExternalSecret", "SCHEMA-REMOVED-API",
         "external-secrets.io/v1beta1 is no longer served by External Secrets Operator; use external-secrets.io/v1"),
        ("policy/v1beta1", "PodDisruptionBudget", "SCHEMA-REMOVED-API", "policy/v1beta1 was removed in Kubernetes 1.25"),
    ],
)
def test_unknown_kinds_and_removed_api_versions_are_errors(production, api_version, kind, check, message):
    obj = {"apiVersion": api_version, "kind": kind, "metadata": {"name": "x", "namespace": "therapeutic-ai"}}
    report = run(production + [as_doc("rendered/production/shared/x.yaml", obj)])
    (finding,) = [f for f in report.errors if f.object == f"{kind}/x" and f.check == check]
    assert finding.check == check and finding.message.startswith(message)


def test_capacity_fails_an_environment_that_does_not_fit(fresh):
    staging = [doc for doc in fresh.docs if doc.part.env == "staging"]
    profile = CATALOG.environment("staging")
    assert run(staging, "staging").capacity.fits
    small = profile.model_copy(update={"cluster": profile.cluster.model_copy(update={"cpu": 4, "memory": "8Gi"})})
    report = validate_docs(CATALOG, small, staging, STORE)
    assert not report.capacity.fits
    assert sorted(f.message.split(":")[0] for f in report.errors if f.check == "GEN-CAPACITY") == ["cpu", "memory"]


def test_capacity_counts_both_colors_and_the_seed_staging_cluster_fits():
    result = CliRunner().invoke(cli, ["--project", str(PROJECT), "capacity", "staging"])
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    assert lines[0].split() == ["RESOURCE", "REQUESTED", "DECLARED", "HEADROOM", "FITS"]
    cpu = lines[1].split()
    # services, 2 colors x (12 Go x 2 x 50m + 6 Python AI x 2 x 200m + 2 GPU hosts on the CPU x 2 x 500m): 11.2
    # databases: postgres 0.5 + mongodb 3 x 0.25 + redis 0.25 + scylla 1 + its agent 0.05: 2.55
    # hooks, per color: the health check 0.01 and two migration Jobs 2 x 0.05 (128Mi each)
    # the dump CronJobs' pods, rendered with their charts: 2 x 0.5 (512Mi each)
    assert cpu[:3] == ["cpu", "15.02", "16"] and cpu[-1] == "yes"
    assert lines[2].split()[:3] == ["memory", "45.7Gi", "64Gi"]
    assert lines[-1].startswith("gen capacity staging: fits")


def test_capacity_of_an_oversized_environment_exits_1(scratch):
    path = scratch / "blueprints/catalog/environments.yaml"
    path.write_text(path.read_text().replace("      cpu: 16\n", "      cpu: 4\n"))
    assert CliRunner().invoke(cli, ["--project", str(scratch), "render", "staging", "--no-validate", "-q"]).exit_code == 0
    result = CliRunner().invoke(cli, ["--project", str(scratch), "capacity", "staging"])
    assert result.exit_code == 1
    assert "cpu       15.02      4         -11.02" in result.output
    assert result.output.splitlines()[-1].startswith("gen capacity staging: does NOT fit")


# --- the command ------------------------------------------------------------------------------

def gen(*args: str, project: Path = PROJECT):
    return CliRunner().invoke(cli, ["--project", str(project), *args])


def test_validate_all_passes_on_the_committed_tree():
    result = gen("validate", "--all")
    assert result.exit_code == 0, result.output
    last = result.output.splitlines()[-1]
    environments = len(load_catalog(PROJECT).environments.environments)
    assert last.startswith(f"gen validate: {environments} environments, ")
    waivers = len((yamlio.load((PROJECT / WAIVERS_FILE).read_text()) or {}).get("waivers") or [])
    summary = re.search(rf": 0 errors, 0 warnings(?:, (\d+) waived \({re.escape(str(WAIVERS_FILE))}\))?$", last)
    assert summary, last
    # every waiver covers at least one finding (one that covers nothing is itself an error)
    assert int(summary.group(1) or 0) >= waivers and (waivers > 0) == (summary.group(1) is not None)


def test_validate_json_and_junit(tmp_path):
    data = json.loads(gen("validate", "production", "--format", "json").stdout)  # the summary line: stderr
    assert data["ok"] is True and data["errors"] == 0 and data["kubernetes_version"] == "1.33"
    (env,) = data["environments"]
    assert env["name"] == "production" and env["capacity"]["gpu"] == {"declared": "8", "fits": True, "headroom": "0", "requested": "8"}
    root = ET.fromstring(gen("validate", "--format", "junit").stdout)
    assert [s.get("name") for s in root] == [f"gen validate {e}" for e in ("local", "development", "staging", "production")]
    assert root.get("failures") == "0"


def test_validate_exits_1_on_problems_and_2_on_bad_usage(scratch):
    assert gen("render", "local", "-q", project=scratch).exit_code == 0
    deployment = scratch / "rendered/local/app/deployment-billing.yaml"
    deployment.write_text(deployment.read_text().replace("readOnlyRootFilesystem: true", "readOnlyRootFilesystem: false"))
    result = gen("validate", "local", project=scratch)
    assert result.exit_code == 1
    assert result.output.splitlines()[0] == (
        "rendered/local/app/deployment-billing.yaml: Deployment/billing: GEN-READONLY-ROOT: "
        "container billing: readOnlyRootFilesystem must be true"
    )
    junit = ET.fromstring(gen("validate", "local", "--format", "junit", project=scratch).stdout)
    assert junit.get("failures") == "1"
    assert gen("validate", "qa", project=scratch).exit_code == 2
    assert gen("validate", "local", "--all", project=scratch).exit_code == 2
    bad_version = gen("validate", "--kubernetes-version", "1.12", project=scratch)
    assert bad_version.exit_code == 2 and "Kubernetes 1.12 has no schemas" in bad_version.output


def test_render_refuses_to_write_a_tree_that_fails_validation_unless_told(scratch):
    assert gen("render", "production", "-q", project=scratch).exit_code == 0
    (scratch / "overlays/production/patches/kustomization.yaml").write_text(
        "apiVersion: kustomize.config.k8s.io/v1alpha1\nkind: Component\npatches:\n"
        "- target: {kind: Deployment, name: billing}\n"
        "  patch: |-\n    - op: replace\n      path: /spec/template/spec/containers/0/securityContext/privileged\n      value: true\n"
    )
    before = snapshot_tree(scratch)
    refused = gen("render", "production", "--color", "green", project=scratch)
    assert refused.exit_code == 1
    assert ("rendered/production/green/deployment-billing-green.yaml: Deployment/billing-green: PSS-PRIVILEGED: "
            "container billing: privileged must not be true") in refused.output
    assert "nothing was written" in refused.output
    assert snapshot_tree(scratch) == before
    forced = gen("render", "production", "--color", "green", "--no-validate", project=scratch)
    assert forced.exit_code == 0
    assert forced.output.splitlines()[-1].endswith("not validated (--no-validate)")
    assert "privileged: true" in (scratch / "rendered/production/green/deployment-billing-green.yaml").read_text()


def test_a_rendered_file_that_is_not_yaml_is_a_finding(scratch):
    assert gen("render", "local", "-q", project=scratch).exit_code == 0
    (scratch / "rendered/local/app/broken.yaml").write_text("kind: [unclosed\n")
    (scratch / "rendered/local/app/scalar.yaml").write_text("just a string\n")
    result = gen("validate", "local", project=scratch)
    assert result.exit_code == 1
    lines = result.output.splitlines()
    assert lines[0].startswith("rendered/local/app/broken.yaml: broken.yaml: SCHEMA-YAML: not valid YAML: ")
    assert lines[1] == "rendered/local/app/scalar.yaml: scalar.yaml: SCHEMA: a document is a str, not an object"


def planted(docs: list[Doc], ref: str, change: Callable[[dict], Any]) -> list[Doc]:
    """A copy of `docs` with `change` applied to the one object `ref` (Kind/name), in any part."""
    out = copy.deepcopy(docs)
    (target,) = [d for d in out if d.ref == ref]
    change(target.obj)
    return out


def server_env(obj: dict, name: str, value: str) -> None:
    """Set env `name` of the store's server container (the first) of a rendered chart pod."""
    env = container(obj)["env"]
    (var,) = [v for v in env if v["name"] == name]
    var["value"] = value


def hba(obj: dict, change: Callable[[str], str | None]) -> None:
    text = change(obj["data"]["pg_hba.conf"])
    if text is None:
        del obj["data"]["pg_hba.conf"]
    else:
        obj["data"]["pg_hba.conf"] = text


SCYLLA_CONF = "ConfigMap/scylladb-dc1-config"  # the first datacenter's racks' scyllaConfig


def scylla_yaml(obj: dict, change: Callable[[str], str]) -> None:
    obj["data"]["scylla.yaml"] = change(obj["data"]["scylla.yaml"])


PRIMARY_CONF = "ConfigMap/postgres-primary-configuration"  # the chart's, mounted at /bitnami/postgresql/conf
HOST_LINE = "host all all 0.0.0.0/0 scram-sha-256\n"
DATABASE_URLS = "ExternalSecret/database-secrets"
TLS_PLANTS: dict[str, tuple[str, Callable[[dict], Any]]] = {
    "sslmode=require in a URL": (DATABASE_URLS, lambda o: o["spec"]["target"]["template"]["data"].update(
        {"postgres-url": o["spec"]["target"]["template"]["data"]["postgres-url"].replace("verify-full", "require")})),
    "redis:// in a URL": (DATABASE_URLS, lambda o: o["spec"]["target"]["template"]["data"].update(
        {"redis-url": o["spec"]["target"]["template"]["data"]["redis-url"].replace("rediss://", "redis://")})),
    "tls=false in a URL": (DATABASE_URLS, lambda o: o["spec"]["target"]["template"]["data"].update(
        {"mongodb-url": o["spec"]["target"]["template"]["data"]["mongodb-url"].replace("tls=true", "tls=false")})),
    "sslmode setting in <env>-config": ("ConfigMap/production-config", lambda o: o["data"].update(postgres_sslmode="require")),
    "a client env var": (API, lambda o: container(o)["env"].append({"name": "CACHE_URL", "value": "redis://redis:6379"})),
    "a host line in the primary's pg_hba": (PRIMARY_CONF, lambda o: hba(o, lambda text: text + HOST_LINE)),
    "no pg_hba for the primary": (PRIMARY_CONF, lambda o: hba(o, lambda text: None)),
    "a host line in the replicas' pg_hba": ("ConfigMap/postgres-hba", lambda o: hba(o, lambda text: text + HOST_LINE)),
    "replicas without the pg_hba mount": ("StatefulSet/postgres-read", lambda o: container(o).update(volumeMounts=[
        m for m in container(o)["volumeMounts"] if not m["mountPath"].endswith("pg_hba.conf")])),
    "PostgreSQL without TLS": ("StatefulSet/postgres-primary", lambda o: server_env(o, "POSTGRESQL_ENABLE_TLS", "no")),
    "MongoDB accepting plaintext": ("StatefulSet/mongodb", lambda o: server_env(
        o, "MONGODB_EXTRA_FLAGS", "--tlsMode=preferTLS --tlsCertificateKeyFile=/certs/mongodb.pem")),
    "Redis without TLS": ("StatefulSet/redis", lambda o: server_env(o, "REDIS_TLS_ENABLED", "no")),
    "ScyllaDB without client encryption": (SCYLLA_CONF, lambda o: scylla_yaml(
        o, lambda text: text.split("client_encryption_options")[0])),
    "ScyllaDB's TLS port beside a plaintext 9042": (SCYLLA_CONF, lambda o: scylla_yaml(
        o, lambda text: text.replace("native_transport_port_ssl: 9042", "native_transport_port_ssl: 9142"))),
    "ScyllaDB's shard-aware port left plaintext": (SCYLLA_CONF, lambda o: scylla_yaml(
        o, lambda text: "\n".join(line for line in text.splitlines() if "shard_aware" not in line))),
    "ScyllaDB's certificate from a folder no Secret is mounted at": (SCYLLA_CONF, lambda o: scylla_yaml(
        o, lambda text: text.replace("scylla-tls/tls.crt", "elsewhere/tls.crt"))),
}
# a ConfigMap's fault is the server's that reads it
BLAMED = {PRIMARY_CONF: "StatefulSet/postgres-primary", "ConfigMap/postgres-hba": "StatefulSet/postgres-read",
          SCYLLA_CONF: "ScyllaCluster/scylladb"}


@pytest.mark.parametrize("plant", sorted(TLS_PLANTS))
def test_tls_rule_refuses_unverified_clients_and_plaintext_listeners_in_phi_environments(production, plant):
    ref, change = TLS_PLANTS[plant]
    report = run(planted(production, ref, change))
    caught = [f for f in report.errors if f.check == "GEN-TLS-VERIFY"]
    blamed = BLAMED.get(ref, ref)
    assert {f.object for f in caught} == {blamed}, [f"{f.check} {f.object} {f.message}" for f in report.errors]


def test_tls_rule_leaves_environments_without_phi_alone(fresh):
    development = [doc for doc in fresh.docs if doc.part.env == "development"]
    ref, change = TLS_PLANTS["sslmode=require in a URL"]
    assert CATALOG.environment("development").data_class not in ("anonymized", "real-phi")
    report = run(planted(development, ref, change), "development")
    assert not [f for f in report.errors if f.check == "GEN-TLS-VERIFY"]


@pytest.mark.parametrize("key,value,refused", [
    ("postgres-url", "postgresql://u:{{ .p }}@postgres:5432/db?sslmode=verify-full&sslrootcert=/ca.crt", False),
    ("postgres-url", "postgresql://u:{{ .p }}@postgres:5432/db?sslmode=verify-ca", False),
    ("postgres-url", "postgresql://u:{{ .p }}@postgres:5432/db?sslmode=prefer", True),
    ("mongodb-url", "mongodb://u:{{ .p }}@mongodb:27017/db?tls=true&tlsAllowInvalidHostnames=true", True),
    ("redis-url", "rediss://:{{ .p }}@redis:6379", False),
    ("redis_tls", "false", True),
    ("redis_cluster_mode", "false", False),
    ("mongodb_tls_ca_file", "/var/run/secrets/therapeutic-ai/tls/ca.crt", False),
])
def test_what_counts_as_skipping_verification(key, value, refused):
    assert (unverified(key, value) is not None) == refused
