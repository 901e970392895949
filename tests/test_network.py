"""The NetworkPolicies and the declared dependency graph agree, both ways: every declared call is
allowed, and nothing undeclared is (services to services, services to databases, DNS); Prometheus
reaches each service's metrics port (monitoring.yaml) and nothing else."""

from __future__ import annotations

import pytest

from blueprints.databases import registry
from generator.catalog import load_catalog
from tests.netpolicy import Pod, allows
from tests.conftest import PROJECT, part_objects

CATALOG = load_catalog(PROJECT)
PORTS = {store.name: store.port for store in registry.stores()}
SERVICES = CATALOG.services.services
NAMESPACE = "therapeutic-ai"
DNS = Pod("kube-system", {"k8s-app": "kube-dns"})
PROMETHEUS = Pod("monitoring", {"app.kubernetes.io/name": "prometheus"})


def policies(objects, env: str) -> list[dict]:
    return [o for o in part_objects(objects, env, "shared") if o["kind"] == "NetworkPolicy"]


def service_pod(name: str, color: str | None) -> Pod:
    labels = {"app.kubernetes.io/name": name}
    if color:
        labels["version"] = color
    return Pod(NAMESPACE, labels)


def database_pods(env: str) -> dict[str, list[Pod]]:
    profile = CATALOG.environment(env)
    if not profile.argocd:
        return {db: [Pod(NAMESPACE, {"app.kubernetes.io/name": db, "app.kubernetes.io/component": "database"})] for db in PORTS}
    pods = {db: [Pod(NAMESPACE, {"app.kubernetes.io/instance": db, "app.kubernetes.io/name": db})] for db in PORTS if db != "scylladb"}
    pods["scylladb"] = [Pod(f"{NAMESPACE}-scylla-dc{dc}", {"app.kubernetes.io/name": "scylla"})
                        for dc in range(1, profile.databases.specs["scylladb"].datacenters + 1)]
    return pods


@pytest.mark.parametrize("env,color", [("local", None), ("development", None), ("staging", "blue"), ("production", "green")])
def test_services_reach_exactly_the_services_they_call(objects, env, color):
    rules = policies(objects, env)
    assert rules, env
    for caller in SERVICES:
        for callee in SERVICES:
            if caller is callee:
                continue
            allowed = allows(rules, service_pod(caller.name, color), service_pod(callee.name, color), callee.port)
            assert allowed == (callee.name in caller.calls), f"{caller.name} -> {callee.name}: {allowed}"


@pytest.mark.parametrize("env", ["local", "development", "staging", "production"])
def test_services_reach_exactly_their_databases_and_everyone_reaches_dns(objects, env):
    rules = policies(objects, env)
    stores = database_pods(env)
    for service in SERVICES:
        pod = service_pod(service.name, None)
        for db, targets in stores.items():
            for target in targets:
                assert allows(rules, pod, target, PORTS[db]) == (db in service.databases), f"{service.name} -> {db}"
        assert allows(rules, pod, DNS, 53, "UDP") and allows(rules, pod, DNS, 53, "TCP")
        assert not allows(rules, pod, DNS, 80)


def test_only_the_public_service_is_reachable_from_the_ingress_controller(objects):
    rules = policies(objects, "production")
    ingress = Pod("ingress-nginx", {"app.kubernetes.io/name": "ingress-nginx"})
    public = [s.name for s in SERVICES if allows(rules, ingress, service_pod(s.name, "blue"), s.port)]
    assert public == ["api-gateway"]


def metrics_port(service) -> int:
    scrape = CATALOG.monitoring.scrape.for_service(service.name)
    return service.port if scrape.port == "http" else scrape.number


@pytest.mark.parametrize("env,color", [("development", None), ("staging", "blue"), ("production", "green")])
def test_prometheus_reaches_each_services_metrics_port_and_nothing_else(objects, env, color):
    rules = policies(objects, env)
    for service in SERVICES:
        pod, port = service_pod(service.name, color), metrics_port(service)
        assert allows(rules, PROMETHEUS, pod, port), service.name
        for other in (port + 1, port - 1, 9090, 53):
            assert not allows(rules, PROMETHEUS, pod, other), f"{service.name}:{other}"
        # only Prometheus's pods, only from its namespace
        assert not allows(rules, Pod("monitoring", {"app.kubernetes.io/name": "grafana"}), pod, port), service.name
        assert not allows(rules, Pod("default", {"app.kubernetes.io/name": "prometheus"}), pod, port), service.name
    for db, targets in database_pods(env).items():
        # the stores in the platform's namespace (Scylla's datacenters have namespaces of their own)
        for target in [t for t in targets if t.namespace == NAMESPACE]:
            assert not allows(rules, PROMETHEUS, target, PORTS[db]), db


def test_no_prometheus_gets_in_where_none_runs(objects):
    rules = policies(objects, "local")
    assert not [s.name for s in SERVICES if allows(rules, PROMETHEUS, service_pod(s.name, None), metrics_port(s))]


def test_nothing_else_in_the_namespace_gets_in_or_out(objects):
    rules = policies(objects, "production")
    stranger = Pod(NAMESPACE, {"app.kubernetes.io/name": "debug-shell"})
    api = next(s for s in SERVICES if s.name == "api-gateway")
    assert not allows(rules, stranger, service_pod("api-gateway", "green"), api.port)
    assert not allows(rules, stranger, DNS, 53, "UDP")  # default deny covers unlisted pods
    assert not allows(rules, service_pod("bge-host", "green"), Pod("default", {"app": "internet-proxy"}), 443)


def test_the_evaluator_follows_kubernetes_semantics():
    deny_all = {"metadata": {"namespace": "ns"}, "spec": {"podSelector": {}, "policyTypes": ["Ingress", "Egress"]}}
    a, b = Pod("ns", {"app": "a"}), Pod("ns", {"app": "b"})
    assert allows([], a, b, 80)  # no policy: open
    assert not allows([deny_all], a, b, 80)
    allow_in = {"metadata": {"namespace": "ns"}, "spec": {"podSelector": {"matchLabels": {"app": "b"}}, "policyTypes": ["Ingress"],
                "ingress": [{"from": [{"podSelector": {"matchLabels": {"app": "a"}}}], "ports": [{"port": 80}]}]}}
    assert allows([allow_in], a, b, 80) and not allows([allow_in], a, b, 81)
    assert not allows([deny_all, allow_in], a, b, 80)  # a's egress is still denied


@pytest.mark.parametrize("env,compliance,data", [("staging", "hipaa-like", "anonymized"), ("production", "full-hipaa", "real-phi")])
def test_every_object_carries_its_environments_compliance_labels(objects, env, compliance, data):
    objs = [o for p, o in objects.items() if p.parts[1] == env]
    assert len(objs) > 150
    for obj in objs:
        meta_labels = obj["metadata"].get("labels") or {}
        assert meta_labels.get("therapeutic-ai.io/compliance") == compliance, obj["metadata"]["name"]
        assert meta_labels.get("therapeutic-ai.io/data-class") == data, obj["metadata"]["name"]
