"""Hostile input against the gates (issue 12, findings 1, 2, 3 and 9): names before paths, hand
patches loaded as kustomize loads them, policies over every pod-bearing kind, RBAC and network,
namespaces, labels and annotations, the release record's `active`, the kubernetes_version error.

Every case runs through the harness: a fresh copy, the exit code, one stderr line, no traceback,
the tree unchanged. A validation case (exit 1) must also print its rule's finding, naming the
object, on stdout."""

from __future__ import annotations

import os
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
import yaml

from generator.catalog import ENVIRONMENTS_FILE
from tests.conftest import PROJECT, located
from tests.hostile.harness import Case, check_case, edit

ENV = "local"  # the quickest environment to render: two parts
PATCHES = f"overlays/{ENV}/patches"
KUSTOMIZATION = f"{PATCHES}/kustomization.yaml"
EMPTY = "patches: []  # kustomize refuses a Component with no fields at all"
NS = "therapeutic-ai"
RENDER = ("render", ENV)


def component(project: Path, fields: str) -> None:
    """Give the environment's hand-patch Component these fields (YAML text) besides `patches: []`."""
    edit(project, KUSTOMIZATION, EMPTY, f"{fields}\n{EMPTY}")


def add_objects(*objects: dict[str, Any]) -> Callable[[Path], None]:
    """A hand patch that adds these objects to every part of the environment."""
    def setup(project: Path) -> None:
        (project / PATCHES / "hostile.yaml").write_text(yaml.safe_dump_all(objects, sort_keys=False))
        component(project, "resources: [hostile.yaml]")
    return setup


def meta(name: str, namespace: str | None = NS, **extra: Any) -> dict[str, Any]:
    return {"name": name, **({"namespace": namespace} if namespace else {}), **extra}


def config_map(name: str, namespace: str | None = NS, **extra: Any) -> dict[str, Any]:
    return {"apiVersion": "v1", "kind": "ConfigMap", "metadata": meta(name, namespace, **extra), "data": {"a": "b"}}


CONTAINER = {"name": "c", "image": "registry.example/tool:1.0"}


def pod_spec(**spec: Any) -> dict[str, Any]:
    return {"containers": [CONTAINER], **spec}


PRIVILEGED = pod_spec(containers=[{**CONTAINER, "securityContext": {"privileged": True}}])


def pod_bearing(kind: str, name: str, spec: dict[str, Any]) -> dict[str, Any]:
    """An object of `kind` whose pod runs `spec`."""
    labels = {"app": name}
    template = {"metadata": {"labels": labels}, "spec": spec}
    selector = {"matchLabels": labels}
    bodies: dict[str, tuple[str, dict[str, Any]]] = {
        "Pod": ("v1", {"spec": spec}),
        "PodTemplate": ("v1", {"template": template}),
        "ReplicationController": ("v1", {"spec": {"replicas": 1, "selector": labels, "template": template}}),
        "ReplicaSet": ("apps/v1", {"spec": {"replicas": 1, "selector": selector, "template": template}}),
        "Deployment": ("apps/v1", {"spec": {"replicas": 1, "selector": selector, "template": template}}),
        "StatefulSet": ("apps/v1", {"spec": {"serviceName": name, "selector": selector, "template": template}}),
        "DaemonSet": ("apps/v1", {"spec": {"selector": selector, "template": template}}),
        "Job": ("batch/v1", {"spec": {"template": {**template, "spec": {**spec, "restartPolicy": "Never"}}}}),
        "CronJob": ("batch/v1", {"spec": {"schedule": "0 * * * *", "jobTemplate": {"spec": {
            "template": {**template, "spec": {**spec, "restartPolicy": "Never"}}}}}}),
    }
    api_version, body = bodies[kind]
    return {"apiVersion": api_version, "kind": kind, "metadata": meta(name), **body}


RBAC = "rbac.authorization.k8s.io/v1"
SUBJECTS = [{"kind": "ServiceAccount", "name": "api-gateway", "namespace": NS}]


def binding(kind: str, name: str, role_kind: str, role: str) -> dict[str, Any]:
    namespace = NS if kind == "RoleBinding" else None
    return {"apiVersion": RBAC, "kind": kind, "metadata": meta(name, namespace), "subjects": SUBJECTS,
            "roleRef": {"apiGroup": "rbac.authorization.k8s.io", "kind": role_kind, "name": role}}


def role(kind: str, name: str, *rules: dict[str, Any]) -> dict[str, Any]:
    return {"apiVersion": RBAC, "kind": kind, "metadata": meta(name, NS if kind == "Role" else None), "rules": list(rules)}


def network_policy(name: str, **spec: Any) -> dict[str, Any]:
    return {"apiVersion": "networking.k8s.io/v1", "kind": "NetworkPolicy", "metadata": meta(name),
            "spec": {"podSelector": {"matchLabels": {"app.kubernetes.io/name": "api-gateway"}}, **spec}}


@dataclass(frozen=True)
class Gate:
    """A case, and for a validation refusal the `Kind/name: RULE-ID` its report must hold."""

    case: Case
    finding: str | None = None


def refused(id: str, obj: dict[str, Any], rule: str, *more: dict[str, Any], ref: str | None = None) -> Gate:
    """A hand patch adds `obj` (and `more`): the render fails validation with `rule` on `obj`."""
    ref = ref or f"{obj['kind']}/{obj['metadata']['name']}"
    return Gate(Case(id, add_objects(obj, *more), RENDER, code=1, mentions=("fails validation",)), f"{ref}: {rule}")


def bad_name(id: str, obj: dict[str, Any], field: str = "metadata.name") -> Gate:
    """A hand patch adds an object whose name or namespace may not become a path: exit 2."""
    return Gate(Case(id, add_objects(obj), RENDER, mentions=(f"{PATCHES}/", field)))


def bad_patch(id: str, setup: Callable[[Path], None], *mentions: str) -> Gate:
    return Gate(Case(id, setup, RENDER, mentions=mentions))


# --- names before paths -------------------------------------------------------------------------

NAMES = [
    bad_name("name escapes the project", config_map("x/../../../../../../../PWNED")),
    bad_name("name makes a subfolder", config_map("a/b")),
    bad_name("absolute name", config_map("/tmp/absolute")),
    bad_name("name of 300 characters", config_map("a" * 300)),
    bad_name("name of dot dot", config_map("..")),
    bad_name("upper-case name", config_map("Upper-Case")),
    bad_name("name ends in a dash", config_map("trailing-")),
    bad_name("name with a space", config_map("two words")),
    bad_name("non-ASCII name", config_map("caf\u00e9")),
    bad_name("valid name too long for a file", config_map(".".join(["a" * 60] * 4))),
    bad_name("namespace with an underscore", config_map("fine", "kube_system"), "metadata.namespace"),
    bad_name("namespace of 64 characters", config_map("fine", "n" * 64), "metadata.namespace"),
    bad_name("Service name starts with a digit",
             {"apiVersion": "v1", "kind": "Service", "metadata": meta("1svc"), "spec": {"ports": [{"port": 80}]}}),
    bad_name("Namespace name of 64 characters", {"apiVersion": "v1", "kind": "Namespace", "metadata": meta("n" * 64, None)}),
    bad_name("CronJob name over 52 characters", pod_bearing("CronJob", "c" * 53, pod_spec())),
    bad_name("Role name with a slash", role("Role", "a/b", {"apiGroups": [""], "resources": ["pods"], "verbs": ["get"]})),
]


# --- hand patches as kustomize loads them ---------------------------------------------------------

def symlink(name: str, target: Callable[[Path], str], reference: bool = True) -> Callable[[Path], None]:
    def setup(project: Path) -> None:
        os.symlink(target(project), project / PATCHES / name)
        if reference:
            component(project, f"resources: [{name}]")
    return setup


def outside_file(project: Path) -> str:
    """A file beside the project (the harness watches that folder too)."""
    path = project.parent / "outside.yaml"
    path.write_text(yaml.safe_dump(config_map("outside")))
    return str(path)


def inside_file(project: Path) -> str:
    (project / PATCHES / "real.yaml").write_text(yaml.safe_dump(config_map("inside")))
    return "real.yaml"


def referencing(fields: str, make_outside: bool = True) -> Callable[[Path], None]:
    """The Component gets `fields` (in place of its `patches: []` when they hold patches)."""
    def setup(project: Path) -> None:
        if make_outside:
            outside_file(project)
        if fields.startswith("patches:"):
            edit(project, KUSTOMIZATION, EMPTY, fields)
        else:
            component(project, fields)
    return setup


def patches_folder_is_a_link(project: Path) -> None:
    elsewhere = project.parent / "elsewhere"
    (project / PATCHES).rename(elsewhere)
    os.symlink(elsewhere, project / PATCHES)


def linked_subfolder(project: Path) -> None:
    (project.parent / "sub").mkdir()
    (project.parent / "sub" / "cm.yaml").write_text(yaml.safe_dump(config_map("sub")))
    os.symlink(project.parent / "sub", project / PATCHES / "sub")


def kustomization_is_a_link(project: Path) -> None:
    target = project.parent / "kustomization.yaml"
    (project / KUSTOMIZATION).rename(target)
    os.symlink(target, project / KUSTOMIZATION)


def fifo(project: Path) -> None:
    os.mkfifo(project / PATCHES / "pipe.yaml")


PATCH_FILES = [
    bad_patch("symlink to a file outside", symlink("outside.yaml", outside_file), f"{PATCHES}/outside.yaml", "symlink"),
    bad_patch("symlink to /etc", symlink("hostname.yaml", lambda p: "/etc/hostname"), f"{PATCHES}/hostname.yaml", "symlink"),
    bad_patch("unreferenced symlink outside", symlink("stray.yaml", outside_file, reference=False), f"{PATCHES}/stray.yaml"),
    bad_patch("symlink to a file inside", symlink("alias.yaml", inside_file), f"{PATCHES}/alias.yaml", "symlink"),
    bad_patch("patches folder is a symlink", patches_folder_is_a_link, PATCHES, "symlink"),
    bad_patch("symlinked subfolder", linked_subfolder, f"{PATCHES}/sub", "symlink"),
    bad_patch("kustomization is a symlink", kustomization_is_a_link, KUSTOMIZATION, "symlink"),
    bad_patch("a named pipe", fifo, f"{PATCHES}/pipe.yaml", "not a regular file"),
    bad_patch("resource outside via ../", referencing("resources: [../../../../outside.yaml]"),
              KUSTOMIZATION, "resources[0]", "outside"),
    bad_patch("resource in the overlay but outside patches", referencing("resources: [../app/resources/api-gateway.yaml]", False),
              KUSTOMIZATION, "resources[0]", "outside"),
    bad_patch("absolute resource", referencing("resources: [/etc/hostname]", False), KUSTOMIZATION, "resources[0]"),
    bad_patch("patch path outside", referencing("patches:\n- path: ../../../../outside.yaml\n  target: {kind: ConfigMap}"),
              KUSTOMIZATION, "patches[0].path"),
    bad_patch("strategic merge patch outside", referencing("patchesStrategicMerge: [../../../../outside.yaml]"),
              KUSTOMIZATION, "patchesStrategicMerge[0]"),
    bad_patch("generator file outside", referencing("configMapGenerator:\n- name: leak\n  files: [passwd=/etc/passwd]", False),
              KUSTOMIZATION, "configMapGenerator[0].files[0]"),
    bad_patch("generator env file outside", referencing("secretGenerator:\n- name: leak\n  envs: [../../../../outside.yaml]"),
              KUSTOMIZATION, "secretGenerator[0].envs[0]"),
    bad_patch("another environment's patches", referencing("components: [../../production/patches]", False),
              KUSTOMIZATION, "components[0]"),
    bad_patch("remote resource", referencing("resources: [https://github.com/example/repo//manifests?ref=main]", False),
              KUSTOMIZATION, "resources[0]", "remote"),
]


# --- policies over every pod-bearing kind, RBAC, network, namespaces, metadata --------------------

POD_KINDS = ["Pod", "PodTemplate", "ReplicationController", "ReplicaSet", "Deployment", "StatefulSet", "DaemonSet", "Job",
             "CronJob"]
PODS = [
    refused("bare Pod privileged in kube-system", {**pod_bearing("Pod", "intruder", PRIVILEGED),
                                                   "metadata": meta("intruder", "kube-system")}, "PSS-PRIVILEGED"),
    refused("bare Pod in kube-system", {**pod_bearing("Pod", "intruder", PRIVILEGED),
                                        "metadata": meta("intruder", "kube-system")}, "GEN-NAMESPACE"),
    refused("bare Pod hostNetwork", pod_bearing("Pod", "host-net", pod_spec(hostNetwork=True)), "PSS-HOST-NAMESPACES"),
    refused("bare Pod hostPID", pod_bearing("Pod", "host-pid", pod_spec(hostPID=True)), "PSS-HOST-NAMESPACES"),
    refused("bare Pod hostPath", pod_bearing("Pod", "host-path", pod_spec(
        volumes=[{"name": "root", "hostPath": {"path": "/"}}])), "PSS-HOST-PATH"),
    refused("bare Pod untagged image", pod_bearing("Pod", "untagged", pod_spec(
        containers=[{**CONTAINER, "image": "busybox"}])), "GEN-IMAGE-TAG"),
    *(refused(f"privileged {kind}", pod_bearing(kind, f"priv-{kind.lower()}", PRIVILEGED), "PSS-PRIVILEGED")
      for kind in POD_KINDS),
]

READ = {"apiGroups": [""], "resources": ["configmaps"], "verbs": ["get"]}
ACCESS = [
    refused("ClusterRoleBinding to cluster-admin", binding("ClusterRoleBinding", "take-over", "ClusterRole", "cluster-admin"),
            "GEN-RBAC-BINDING"),
    refused("RoleBinding to admin", binding("RoleBinding", "ns-admin", "ClusterRole", "admin"), "GEN-RBAC-BINDING"),
    refused("RoleBinding to edit", binding("RoleBinding", "ns-edit", "ClusterRole", "edit"), "GEN-RBAC-BINDING"),
    refused("Role granting *", role("Role", "everything", {"apiGroups": ["*"], "resources": ["*"], "verbs": ["*"]}),
            "GEN-RBAC-WILDCARD"),
    refused("Role granting escalate", role("Role", "escalator", {"apiGroups": [RBAC.split("/")[0]],
                                                                  "resources": ["roles"], "verbs": ["escalate"]}),
            "GEN-RBAC-VERBS"),
    refused("ClusterRole granting bind", role("ClusterRole", "binder", {"apiGroups": [RBAC.split("/")[0]],
                                                                         "resources": ["clusterroles"], "verbs": ["bind"]}),
            "GEN-RBAC-VERBS"),
    refused("Role granting impersonate", role("Role", "pretender", {"apiGroups": [""], "resources": ["serviceaccounts"],
                                                                     "verbs": ["impersonate"]}), "GEN-RBAC-VERBS"),
    refused("ClusterRole reading secrets", role("ClusterRole", "secret-reader", READ,
                                                {"apiGroups": [""], "resources": ["secrets"], "verbs": ["list"]}),
            "GEN-RBAC-SECRETS"),
    refused("RoleBinding to a Role granting impersonate",
            binding("RoleBinding", "pretend", "Role", "pretender"), "GEN-RBAC-BINDING",
            role("Role", "pretender", {"apiGroups": [""], "resources": ["users"], "verbs": ["impersonate"]})),
    refused("NetworkPolicy ingress rule {}", network_policy("open-ingress", ingress=[{}]), "GEN-NETWORK-OPEN"),
    refused("NetworkPolicy from an empty peer", network_policy("empty-peer", ingress=[{"from": [{}]}]), "GEN-NETWORK-OPEN"),
    refused("NetworkPolicy empty from list", network_policy("empty-from", ingress=[{"from": [], "ports": [{"port": 8090}]}]),
            "GEN-NETWORK-OPEN"),
    refused("NetworkPolicy from 0.0.0.0/0", network_policy("world", ingress=[{"from": [{"ipBlock": {"cidr": "0.0.0.0/0"}}]}]),
            "GEN-NETWORK-OPEN"),
    refused("NetworkPolicy egress to ::/0", network_policy("world6", policyTypes=["Egress"],
                                                           egress=[{"to": [{"ipBlock": {"cidr": "::/0"}}]}]),
            "GEN-NETWORK-OPEN"),
    refused("NetworkPolicy egress without to", network_policy("any-dest", policyTypes=["Egress"],
                                                              egress=[{"ports": [{"port": 443}]}]), "GEN-NETWORK-OPEN"),
    refused("NetworkPolicy from every namespace", network_policy("all-ns", ingress=[{"from": [{"namespaceSelector": {}}]}]),
            "GEN-NETWORK-OPEN"),
    refused("ConfigMap in kube-system", config_map("planted", "kube-system"), "GEN-NAMESPACE"),
    refused("Namespace kube-system", {"apiVersion": "v1", "kind": "Namespace", "metadata": meta("kube-system", None)},
            "GEN-NAMESPACE"),
    refused("ConfigMap in default", config_map("planted", "default"), "GEN-NAMESPACE",
            ref="ConfigMap/planted"),
]

LONG = "v" * 64
METADATA = [
    refused("label value of 64 characters", config_map("long-value", labels={"team": LONG}), "GEN-LABELS"),
    refused("label value with a space", config_map("spaced-value", labels={"team": "two words"}), "GEN-LABELS"),
    refused("label key prefix upper-case", config_map("bad-prefix", labels={"Example.COM/team": "a"}), "GEN-LABELS"),
    refused("label key name of 64 characters", config_map("long-key", labels={"k" * 64: "a"}), "GEN-LABELS"),
    refused("label key with two slashes", config_map("two-slashes", labels={"a/b/c": "a"}), "GEN-LABELS"),
    refused("pod template label value too long", {**pod_bearing("Deployment", "long-pod-label", pod_spec()),
                                                  "spec": {"selector": {"matchLabels": {"app": "x"}}, "template": {
                                                      "metadata": {"labels": {"app": "x", "team": LONG}},
                                                      "spec": pod_spec()}}}, "GEN-LABELS"),
    refused("annotation key invalid", config_map("bad-annotation", annotations={"a/b/c": "x"}), "GEN-ANNOTATIONS"),
    refused("annotations over 256 KiB", config_map("huge-annotations", annotations={"note": "x" * (256 * 1024)}),
            "GEN-ANNOTATIONS"),
]


def long_environment(project: Path) -> None:
    edit(project, "blueprints/catalog/environments.yaml", "name: local", f"name: {'l' * 70}")


OTHER = [
    # the name is a label value and a folder: the catalog refuses it before anything is rendered
    Gate(Case("environment name of 70 characters", long_environment, ("render", "l" * 70), code=2,
              mentions=(located(PROJECT, ENVIRONMENTS_FILE, "  - name: local\n", "environments[{local}].name: "),
                        "at most 63 characters"))),
]


GATES = NAMES + PATCH_FILES + PODS + ACCESS + METADATA + OTHER


@pytest.mark.parametrize("gate", GATES, ids=[g.case.id for g in GATES])
def test_hostile_input_is_refused(gate: Gate, tmp_path: Path) -> None:
    result = check_case(gate.case, tmp_path)
    if gate.finding:
        assert gate.finding in result.stdout, f"{gate.finding!r} not reported:\n{result.stdout}"


def test_there_are_at_least_fifty_cases() -> None:
    assert len(GATES) >= 50
    assert len({g.case.id for g in GATES}) == len(GATES)
