"""The NetworkPolicies and the declared dependency graph agree, both ways: every declared call is
allowed, and nothing undeclared is (services to services, services to databases, DNS); Prometheus
reaches each service's metrics port (monitoring.yaml) and nothing else."""

from __future__ import annotations

import re

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


@pytest.mark.parametrize("env,color", [("local", None), ("development", None), ("staging", "blue"), ("staging", "green"),
                                       ("production", "blue"), ("production", "green")])
def test_services_reach_exactly_their_databases_and_everyone_reaches_dns(objects, env, color):
    rules = policies(objects, env)
    stores = database_pods(env)
    for service in SERVICES:
        pod = service_pod(service.name, color)
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


# --- each color talks to itself ------------------------------------------------------------------

BLUE_GREEN = [(env, color) for env in ("staging", "production") for color in ("blue", "green")]
OTHER = {"blue": "green", "green": "blue"}
VARIABLE = re.compile(r"\$\(([A-Za-z_][A-Za-z0-9_]*)\)")


def container_env(pod_template: dict) -> dict[str, str]:
    """The container's environment as Kubernetes resolves it: fieldRefs of the pod's labels, and
    `$(VAR)` references to variables defined before."""
    labels = pod_template["metadata"]["labels"]
    (container,) = pod_template["spec"]["containers"]
    resolved: dict[str, str] = {}
    for var in container.get("env") or []:
        if "valueFrom" in var:
            path = var["valueFrom"]["fieldRef"]["fieldPath"]
            label = re.fullmatch(r"metadata\.labels\['(.+)'\]", path)
            assert label, path
            resolved[var["name"]] = labels.get(label.group(1), "")
        else:
            resolved[var["name"]] = VARIABLE.sub(lambda m: resolved.get(m.group(1), m.group(0)), var["value"])
    return resolved


def calls_from_rendered(objects, env: str, color: str) -> dict[str, set[tuple[str, str, int]]]:
    """caller -> {(callee, callee's color, port)}: each *_HOST/_PORT of the color's Deployments,
    resolved to the Service of that name (colored or live) and the pods it selects."""
    everything = [o for path, o in objects.items() if path.parts[1] == env]
    services = {o["metadata"]["name"]: o for o in everything if o["kind"] == "Service"}
    pods = [o["spec"]["template"]["metadata"]["labels"] for o in everything if o["kind"] == "Deployment"]
    graph: dict[str, set[tuple[str, str, int]]] = {}
    for deployment in (o for o in part_objects(objects, env, color) if o["kind"] == "Deployment"):
        template = deployment["spec"]["template"]
        caller = template["metadata"]["labels"]["app.kubernetes.io/name"]
        assert template["metadata"]["labels"]["version"] == color
        variables = container_env(template)
        edges = graph.setdefault(caller, set())
        for name, host in variables.items():
            if not name.endswith("_HOST"):
                continue
            service = services[host]  # a name that resolves to no Service fails here
            port = int(variables[name.removesuffix("_HOST") + "_PORT"])
            assert port in [p["port"] for p in service["spec"]["ports"]], (caller, host)
            selector = service["spec"]["selector"]
            (target,) = [p for p in pods if all(p.get(k) == v for k, v in selector.items())]
            edges.add((target["app.kubernetes.io/name"], target["version"], port))
    return graph


@pytest.mark.parametrize("env,color", BLUE_GREEN)
def test_each_color_calls_its_own_colors_services_exactly_the_declared_graph(objects, env, color):
    graph = calls_from_rendered(objects, env, color)
    ports = {s.name: s.port for s in SERVICES}
    assert graph == {s.name: {(callee, color, ports[callee]) for callee in s.calls} for s in SERVICES}


@pytest.mark.parametrize("env,color", BLUE_GREEN)
def test_the_policies_allow_each_colors_graph_and_refuse_the_other_color(objects, env, color):
    """Both ways, per color: every call of the rendered graph is allowed; the same call to the
    other color, and every undeclared call, are refused."""
    rules = policies(objects, env)
    graph = calls_from_rendered(objects, env, color)
    for caller in SERVICES:
        for callee in SERVICES:
            if caller is callee:
                continue
            edge = (callee.name, color, callee.port) in graph[caller.name]
            assert allows(rules, service_pod(caller.name, color), service_pod(callee.name, color), callee.port) == edge, \
                f"{caller.name} -> {callee.name}"
            assert not allows(rules, service_pod(caller.name, color), service_pod(callee.name, OTHER[color]), callee.port), \
                f"{caller.name}-{color} -> {callee.name}-{OTHER[color]}"


@pytest.mark.parametrize("env,color", BLUE_GREEN)
def test_each_colors_health_check_reaches_its_own_color_only(objects, env, color):
    rules = policies(objects, env)
    check = Pod(NAMESPACE, {"app.kubernetes.io/name": "health-check", "version": color})
    for service in SERVICES:
        assert allows(rules, check, service_pod(service.name, color), service.port), service.name
        assert not allows(rules, check, service_pod(service.name, OTHER[color]), service.port), service.name


def test_color_less_parts_call_the_services_themselves(objects):
    for env in ("local", "development"):
        for deployment in (o for o in part_objects(objects, env, "app") if o["kind"] == "Deployment"):
            variables = container_env(deployment["spec"]["template"])
            assert "SERVICE_COLOR" not in variables
            hosts = {v for k, v in variables.items() if k.endswith("_HOST")}
            name = deployment["metadata"]["name"]
            assert hosts == set(next(s for s in SERVICES if s.name == name).calls), name
