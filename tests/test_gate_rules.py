"""The rules behind the gates, object by object: Kubernetes' name, label and annotation rules
(apimachinery's), the pod rules over every pod-bearing kind, open NetworkPolicies, RBAC."""

from __future__ import annotations

from pathlib import Path

import pytest

from generator import names
from generator.catalog import load_catalog
from generator.validation.exposure import open_rules
from generator.rendered.objects import POD_TEMPLATES
from generator.validation.policies import Context, run_rules
from tests.conftest import as_doc

PROJECT = Path(__file__).resolve().parents[1]


@pytest.mark.parametrize("kind, name, ok", [
    ("ConfigMap", "a" * 253, True),
    ("ConfigMap", "a" * 254, False),
    ("ConfigMap", "a.b-c", True),
    ("ConfigMap", "a..b", False),
    ("ConfigMap", "-a", False),
    ("ConfigMap", "A", False),
    ("Namespace", "a" * 63, True),
    ("Namespace", "a" * 64, False),
    ("Namespace", "a.b", False),
    ("Service", "a1", True),
    ("Service", "1a", False),
    ("CronJob", "c" * 52, True),
    ("CronJob", "c" * 53, False),
    ("ClusterRole", "system:aggregate-to-view", True),
    ("ClusterRole", "..", False),
    ("ClusterRole", "a%2f", False),
    ("Deployment", None, False),
    ("Deployment", 7, False),
])
def test_names_follow_the_api_servers_rules(kind: str, name: object, ok: bool) -> None:
    assert (names.name_problem(kind, name) is None) is ok


@pytest.mark.parametrize("key, ok", [
    ("app", True),
    ("app.kubernetes.io/name", True),
    ("k" * 63, True),
    ("k" * 64, False),
    ("/name", False),
    ("Example.com/name", False),
    ("a/b/c", False),
    ("example.com/", False),
    ("-name", False),
    ("na me", False),
    (f"{'p' * 254}/name", False),
])
def test_label_keys_are_qualified_names(key: str, ok: bool) -> None:
    assert (names.qualified_key_problem(key) is None) is ok


@pytest.mark.parametrize("value, ok", [("", True), ("v" * 63, True), ("v" * 64, False), ("a_b.c-d", True),
                                       ("-a", False), ("a b", False), (5, False)])
def test_label_values(value: object, ok: bool) -> None:
    assert (names.label_value_problem(value) is None) is ok


def test_annotations_total_at_most_256_kib() -> None:
    assert names.annotations_problems({"k": "x" * (256 * 1024 - 1)}) == []
    assert names.annotations_problems({"k": "x" * (256 * 1024)}) == [f"{256 * 1024 + 1} bytes in all, at most 262144 (256 KiB)"]


def policy(**spec: object) -> dict:
    return {"kind": "NetworkPolicy", "spec": {"podSelector": {}, **spec}}


@pytest.mark.parametrize("spec, open_", [
    ({"ingress": [{}]}, True),
    ({"ingress": [{"from": []}]}, True),
    ({"ingress": [{"from": [{}]}]}, True),
    ({"ingress": [{"from": [{"namespaceSelector": {}}]}]}, True),
    ({"ingress": [{"from": [{"namespaceSelector": {}, "podSelector": {}}]}]}, True),
    ({"ingress": [{"from": [{"namespaceSelector": {"matchLabels": {}}}]}]}, True),
    ({"ingress": [{"from": [{"ipBlock": {"cidr": "0.0.0.0/0"}}]}]}, True),
    ({"egress": [{"to": [{"ipBlock": {"cidr": "::/0"}}]}]}, True),
    ({"egress": [{"ports": [{"port": 53}]}]}, True),
    ({"ingress": [{"from": [{"namespaceSelector": {"matchLabels": {"kubernetes.io/metadata.name": "monitoring"}}}]}]}, False),
    ({"ingress": [{"from": [{"namespaceSelector": {}, "podSelector": {"matchLabels": {"app": "x"}}}]}]}, False),
    ({"ingress": [{"from": [{"podSelector": {}}]}]}, False),  # its own namespace only
    ({"egress": [{"to": [{"ipBlock": {"cidr": "10.0.0.0/8"}}]}]}, False),
    ({"ingress": []}, False),  # denies all
])
def test_open_network_policies(spec: dict, open_: bool) -> None:
    assert bool(list(open_rules(policy(**spec)))) is open_


POD = {"metadata": {"labels": {"app": "x"}},
       "spec": {"containers": [{"name": "c", "image": "r/x:1", "securityContext": {"privileged": True}}]}}


def wrapped(kind: str) -> dict:
    """An object of `kind` whose pod is POD, wherever that kind keeps it."""
    path, _ = POD_TEMPLATES[kind]
    obj: dict = {"kind": kind, "metadata": {"name": "x", "namespace": "therapeutic-ai"}}
    node = obj
    for key in path[:-1]:
        node = node.setdefault(key, {})
    if path:
        node[path[-1]] = POD
    else:
        obj.update(POD)
    return obj


@pytest.mark.parametrize("kind", sorted(POD_TEMPLATES))
def test_every_pod_bearing_kind_meets_the_pod_rules(kind: str) -> None:
    catalog = load_catalog(PROJECT)
    docs = [as_doc(f"rendered/local/app/{kind.lower()}-x.yaml", wrapped(kind))]
    checks = {f.check for f in run_rules(Context(catalog, catalog.environment("local"), docs))}
    assert {"PSS-PRIVILEGED", "PSS-RUN-AS-NON-ROOT", "GEN-RESOURCES", "GEN-UID"} <= checks


def test_the_pod_bearing_kinds_are_the_api_servers() -> None:
    assert set(POD_TEMPLATES) == {"Pod", "PodTemplate", "ReplicationController", "ReplicaSet", "Deployment",
                                  "StatefulSet", "DaemonSet", "Job", "CronJob"}


def test_the_rules_run_and_are_listed_in_one_order_whichever_module_a_caller_imported_first() -> None:
    """Rule modules register on import: a library caller (or a test) importing one of them first
    must not reorder `gen rules` or the order findings come in."""
    import subprocess
    import sys

    def order(first: str) -> list[str]:
        script = (f"import {first}; from generator.validation.policies import load_rules; "
                  "print(' '.join(load_rules()))")
        return subprocess.run([sys.executable, "-c", script], check=True, capture_output=True, text=True).stdout.split()

    plain = order("generator.validation.policies")
    assert len(plain) > 1
    for module in ("generator.validation.promql", "generator.validation.vault", "generator.validation.gate"):
        assert order(module) == plain, module
