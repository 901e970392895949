"""Network isolation from the declared dependency graph (services.yaml: `calls`, `databases`, `public`).

The platform's namespace denies all traffic, in and out; then each workload gets one policy that
allows exactly what the graph declares: ingress from its callers on its port, egress to its callees
and its databases on theirs, and DNS. A service not declared as a caller of another cannot reach
it. Where Argo CD syncs, the post-sync health check (`blueprints/health.py`) is one more caller of
every service. Where a Prometheus scrapes the platform (blueprints/monitoring.py), its pods may also
reach each service's metrics port (monitoring.yaml) and each store exporter's port
(blueprints/exporters.py), and nothing else. Policies select pods by name
only, so they hold for both colors of a blue-green pair.
"""

from __future__ import annotations

from typing import Any

from constructs import Construct

from blueprints import argocd, labels
from blueprints.databases import endpoints
from blueprints.exporters import EXPORTERS
from blueprints.health import HEALTH_CHECK
from blueprints.k8s import Manifest, api_object
from blueprints.model import Catalog, Environment, Service
from blueprints.platform import sync_wave
from blueprints.monitoring import metrics_port, monitored

INGRESS_NAMESPACE = "ingress-nginx"  # assumed: where the ingress controller that fronts api-gateway runs
NAMESPACE_NAME = "kubernetes.io/metadata.name"
DNS = {
    "to": [{
        "namespaceSelector": {"matchLabels": {NAMESPACE_NAME: "kube-system"}},
        "podSelector": {"matchLabels": {"k8s-app": "kube-dns"}},
    }],
    "ports": [{"port": 53, "protocol": "UDP"}, {"port": 53, "protocol": "TCP"}],
}
# what database pods say to each other (replication, cluster bus) besides their client port
PEER_PORTS = {"postgres": [5432], "mongodb": [27017], "redis": [6379, 16379]}


def tcp(*ports: int) -> list[dict[str, Any]]:
    return [{"port": port, "protocol": "TCP"} for port in ports]


def named(names: list[str]) -> dict[str, Any]:
    """A selector of the pods of these services (or local databases), whatever their color."""
    return {"matchExpressions": [{"key": labels.NAME, "operator": "In", "values": sorted(names)}]}


def database_peer(env: Environment, db: str) -> dict[str, Any]:
    """Where a store's pods are, as a NetworkPolicy peer."""
    if db == "scylladb" and env.argocd:  # each datacenter in a namespace of its own
        return {"namespaceSelector": {"matchExpressions": [{
            "key": NAMESPACE_NAME, "operator": "In",
            "values": [endpoints.scylla_namespace(env, dc) for dc in range(1, env.databases.scylla.datacenters + 1)],
        }]}}
    return {"podSelector": database_pods(env, db)}


def database_pods(env: Environment, db: str) -> dict[str, Any]:
    # the charts label their pods with the release; the local StatefulSets carry the store's name
    key = "app.kubernetes.io/instance" if env.argocd else labels.NAME
    return {"matchLabels": {key: db}}


def policy(env: Environment, name: str, selector: dict[str, Any], ingress: list, egress: list) -> Manifest:
    return {
        "apiVersion": "networking.k8s.io/v1",
        "kind": "NetworkPolicy",
        "metadata": {"name": name, "namespace": env.namespace, **sync_wave(env, argocd.CONFIGURATION_WAVE)},
        "spec": {"podSelector": selector, "policyTypes": ["Ingress", "Egress"], "ingress": ingress, "egress": egress},
    }


class NetworkIsolation(Construct):
    """Default deny for the namespace, then one policy per service and per in-namespace store."""

    def __init__(self, scope: Construct, id: str, *, catalog: Catalog, env: Environment) -> None:
        super().__init__(scope, id)
        services = catalog.services.services
        self.manifests: list[Manifest] = [policy(env, "default-deny", {}, [], [])]
        for service in services:
            self.manifests.append(self.service_policy(env, service, services, self.scraper(catalog, env, service)))
        if env.argocd:
            self.manifests.append(self.health_check_policy(env, services))
        for db in endpoints.PORTS:
            users = [s.name for s in services if db in s.databases]
            if db == "scylladb" and env.argocd:
                continue  # scylla-operator's namespaces: outside the platform's namespace
            exporter = EXPORTERS.get(db) if monitored(env) else None
            scraper = self.prometheus_ingress(catalog, exporter.port) if exporter else None
            self.manifests.append(self.database_policy(env, db, users, scraper))
        for manifest in self.manifests:
            api_object(self, manifest, id=f"{manifest['kind']}-{manifest['metadata']['name']}")

    @classmethod
    def scraper(cls, catalog: Catalog, env: Environment, service: Service) -> dict[str, Any] | None:
        """The ingress rule that lets Prometheus scrape `service`, where a Prometheus does."""
        if not monitored(env):
            return None
        return cls.prometheus_ingress(catalog, metrics_port(catalog.monitoring, service)[1])

    @staticmethod
    def prometheus_ingress(catalog: Catalog, port: int) -> dict[str, Any]:
        """From the Prometheus pods, to `port` alone."""
        prometheus = catalog.monitoring.prometheus
        return {
            "from": [{
                "namespaceSelector": {"matchLabels": {NAMESPACE_NAME: prometheus.namespace}},
                "podSelector": {"matchLabels": dict(prometheus.pod_labels)},
            }],
            "ports": tcp(port),
        }

    @staticmethod
    def service_policy(env: Environment, service: Service, services: list[Service],
                       scraper: dict[str, Any] | None = None) -> Manifest:
        callers = [s.name for s in services if service.name in s.calls]
        if env.argocd:  # the post-sync health check (blueprints/health.py) calls every service
            callers.append(HEALTH_CHECK)
        ingress = []
        if callers:
            ingress.append({"from": [{"podSelector": named(callers)}], "ports": tcp(service.port)})
        if service.public:
            ingress.append({
                "from": [{"namespaceSelector": {"matchLabels": {NAMESPACE_NAME: INGRESS_NAMESPACE}}}],
                "ports": tcp(service.port),
            })
        if scraper is not None:
            ingress.append(scraper)
        ports = {s.name: s.port for s in services}
        egress = [{"to": [{"podSelector": named([callee])}], "ports": tcp(ports[callee])} for callee in service.calls]
        egress += [
            {"to": [database_peer(env, db)], "ports": tcp(endpoints.PORTS[db])} for db in service.databases
        ]
        egress.append(DNS)
        return policy(env, service.name, {"matchLabels": {labels.NAME: service.name}}, ingress, egress)

    @staticmethod
    def health_check_policy(env: Environment, services: list[Service]) -> Manifest:
        """The health check's pods: out to every service's port, nothing in."""
        egress = [{"to": [{"podSelector": named([s.name])}], "ports": tcp(s.port)} for s in services]
        return policy(env, HEALTH_CHECK, {"matchLabels": {labels.NAME: HEALTH_CHECK}}, [], [*egress, DNS])

    @staticmethod
    def database_policy(env: Environment, db: str, users: list[str], scraper: dict[str, Any] | None = None) -> Manifest:
        pods = database_pods(env, db)
        peers = PEER_PORTS.get(db, [endpoints.PORTS[db]])
        ingress = [{"from": [{"podSelector": pods}], "ports": tcp(*peers)}]
        if users:
            ingress.insert(0, {"from": [{"podSelector": named(users)}], "ports": tcp(endpoints.PORTS[db])})
        if scraper is not None:  # its exporter (blueprints/exporters.py)
            ingress.append(scraper)
        egress = [{"to": [{"podSelector": pods}], "ports": tcp(*peers)}, DNS]
        return policy(env, f"{db}-database", pods, ingress, egress)
