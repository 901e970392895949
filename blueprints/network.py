"""Network isolation from the declared dependency graph (services.yaml: `calls`, `databases`, `public`).

The platform's namespace denies all traffic, in and out; then each workload gets one policy that
allows exactly what the graph declares: ingress from its callers on its port, egress to its callees
and its databases on theirs, and DNS. A service not declared as a caller of another cannot reach
it. Where Argo CD syncs, the post-sync health check (`blueprints/health.py`) is one more caller of
every service. Where a Prometheus scrapes the platform (blueprints/monitoring.py), its pods may also
reach each service's metrics port (monitoring.yaml) and each store exporter's port (`Store.exporter`),
and nothing else. In a blue-green environment every service and the health check get one policy
per color (`<svc>-<color>`), selecting that color's pods and admitting calls from, and to, that color's pods only: a color under verification
talks to itself (its services call `<svc>-<color>`, blueprints/workload.py). The stores, Prometheus
and the ingress controller serve and reach both colors.
"""

from __future__ import annotations

from typing import Any

from constructs import Construct

from blueprints import argocd, labels
from blueprints.databases.store import Store
from blueprints.health import HEALTH_CHECK
from blueprints.identities import INGRESS_NAMESPACE, colored, colors
from blueprints.identities import migrated_stores, migration_name
from blueprints.k8s import Manifest, api_objects
from blueprints.model import DEFAULT_DENY, Catalog, Color, Environment, Service
from blueprints.platform import sync_wave
from blueprints.identities import metrics_port, monitored

NAMESPACE_NAME = "kubernetes.io/metadata.name"
DNS = {
    "to": [{
        "namespaceSelector": {"matchLabels": {NAMESPACE_NAME: "kube-system"}},
        "podSelector": {"matchLabels": {"k8s-app": "kube-dns"}},
    }],
    "ports": [{"port": 53, "protocol": "UDP"}, {"port": 53, "protocol": "TCP"}],
}


def tcp(*ports: int) -> list[dict[str, Any]]:
    return [{"port": port, "protocol": "TCP"} for port in ports]


def named(names: list[str], color: Color | None = None) -> dict[str, Any]:
    """A selector of the pods of these services (or local databases): of one color, or whatever their color."""
    selector: dict[str, Any] = {"matchExpressions": [{"key": labels.NAME, "operator": "In", "values": sorted(names)}]}
    if color is not None:
        selector["matchLabels"] = {labels.VERSION: color.value}
    return selector


def own(name: str, color: Color | None) -> dict[str, Any]:
    """A selector of one service's pods (of one color)."""
    return {"matchLabels": {labels.NAME: name, **({labels.VERSION: color.value} if color else {})}}


def database_peer(store: Store) -> dict[str, Any]:
    """Where a store's pods are, as a NetworkPolicy peer: namespaces of its own (ScyllaDB's
    datacenters), or its pods in the platform's."""
    namespaces = store.own_namespaces()
    if namespaces:
        return {"namespaceSelector": {"matchExpressions": [{"key": NAMESPACE_NAME, "operator": "In", "values": namespaces}]}}
    return {"podSelector": store.pods()}


def policy(env: Environment, name: str, selector: dict[str, Any], ingress: list, egress: list,
           namespace: str | None = None) -> Manifest:
    return {
        "apiVersion": "networking.k8s.io/v1",
        "kind": "NetworkPolicy",
        "metadata": {"name": name, "namespace": namespace or env.namespace, **sync_wave(env, argocd.CONFIGURATION_WAVE)},
        "spec": {"podSelector": selector, "policyTypes": ["Ingress", "Egress"], "ingress": ingress, "egress": egress},
    }


class NetworkIsolation(Construct):
    """Default deny for the namespace, then one policy per service and per in-namespace store."""

    def __init__(self, scope: Construct, id: str, *, catalog: Catalog, env: Environment) -> None:
        super().__init__(scope, id)
        services = catalog.services.services
        self.manifests: list[Manifest] = [policy(env, DEFAULT_DENY, {}, [], [])]
        stores = env.stores()
        for color in colors(catalog, env):
            for service in services:
                self.manifests.append(self.service_policy(env, service, services, stores, self.scraper(catalog, env, service), color))
            if env.argocd:
                self.manifests.append(self.health_check_policy(env, services, color))
        migrated = migrated_stores(catalog, env)
        for name in migrated:
            self.manifests.append(self.migration_policy(env, stores[name]))  # one for both colors' Jobs
        for store in stores.values():
            exporter = store.exporter if monitored(env) else None
            scraper = self.prometheus_ingress(catalog, exporter.port) if exporter else None
            users = [s.name for s in services if store.name in s.databases]
            users += [migration_name(store.name)] if store.name in migrated else []
            if store.own_namespaces():  # its pods run in namespaces of its own: each denies by default too
                for namespace in store.own_namespaces():
                    self.manifests.append(policy(env, f"{DEFAULT_DENY}-{namespace}", {}, [], [], namespace))
                    self.manifests.append(self.database_policy(env, store, users, scraper, namespace))
                continue
            self.manifests.append(self.database_policy(env, store, users, scraper))
            if store.backup_pods() is not None:
                self.manifests.append(self.backup_policy(env, store))
        api_objects(self, self.manifests)

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
    def service_policy(env: Environment, service: Service, services: list[Service], stores: dict[str, Store],
                       scraper: dict[str, Any] | None = None, color: Color | None = None) -> Manifest:
        callers = [s.name for s in services if service.name in s.calls]
        if env.argocd:  # the post-sync health check (blueprints/health.py) calls every service
            callers.append(HEALTH_CHECK)
        ingress = []
        if callers:
            ingress.append({"from": [{"podSelector": named(callers, color)}], "ports": tcp(service.port)})
        if service.public:
            ingress.append({
                "from": [{"namespaceSelector": {"matchLabels": {NAMESPACE_NAME: INGRESS_NAMESPACE}}}],
                "ports": tcp(service.port),
            })
        if scraper is not None:
            ingress.append(scraper)
        ports = {s.name: s.port for s in services}
        egress = [{"to": [{"podSelector": named([callee], color)}], "ports": tcp(ports[callee])} for callee in service.calls]
        egress += [
            {"to": [database_peer(stores[db])], "ports": tcp(stores[db].port)} for db in service.databases
        ]
        egress.append(DNS)
        return policy(env, colored(service.name, color), own(service.name, color), ingress, egress)

    @staticmethod
    def health_check_policy(env: Environment, services: list[Service], color: Color | None = None) -> Manifest:
        """The health check's pods (of a color): out to every service's port (of that color), nothing in."""
        egress = [{"to": [{"podSelector": named([s.name], color)}], "ports": tcp(s.port)} for s in services]
        return policy(env, colored(HEALTH_CHECK, color), own(HEALTH_CHECK, color), [], [*egress, DNS])

    @staticmethod
    def migration_policy(env: Environment, store: Store) -> Manifest:
        """A store's migration Jobs (both colors'): out to the store on its port and DNS, nothing in."""
        egress = [{"to": [database_peer(store)], "ports": tcp(store.port)}, DNS]
        name = migration_name(store.name)
        return policy(env, name, {"matchLabels": {labels.NAME: name}}, [], egress)

    @staticmethod
    def backup_policy(env: Environment, store: Store) -> Manifest:
        """A store's dump pods: out to the store on its port and DNS, nothing in. Their target is a
        volume, not a peer: nothing else to reach."""
        egress = [{"to": [{"podSelector": store.pods()}], "ports": tcp(store.port)}, DNS]
        return policy(env, f"{store.name}-backup", store.backup_pods(), [], egress)

    @staticmethod
    def database_policy(env: Environment, store: Store, users: list[str], scraper: dict[str, Any] | None = None,
                        namespace: str | None = None) -> Manifest:
        """A store's pods: in from its users on its port, from each other on the ports its pods
        speak among themselves (replication, cluster bus, a datacenter's gossip with the others)
        and, with `scraper`, from Prometheus on its exporter's port; out to each other and DNS.
        `namespace`: one of the store's own namespaces (its users are then in the platform's)."""
        pods = store.pods()
        peers = {"podSelector": pods}
        callers = {"podSelector": named(users)}
        if namespace is not None:
            peers = {**database_peer(store), "podSelector": pods}
            callers = {"namespaceSelector": {"matchLabels": {NAMESPACE_NAME: env.namespace}}, **callers}
        ingress = [{"from": [peers], "ports": tcp(*store.peer_ports)}]
        if users:
            ingress.insert(0, {"from": [callers], "ports": tcp(store.port)})
        if scraper is not None:
            ingress.append(scraper)
        egress = [{"to": [peers], "ports": tcp(*store.peer_ports)}, DNS]
        name = f"{store.name}-database" + (f"-{namespace}" if namespace else "")  # one file per policy
        selected = pods
        if store.backup_pods() is not None:  # its dump pods carry its release label too: they get their own policy
            selected = {**pods, "matchExpressions": [
                {"key": labels.COMPONENT, "operator": "NotIn", "values": [store.backup_component]}]}
        return policy(env, name, selected, ingress, egress, namespace)
