"""Names and facts the blueprints and the posture gate (generator/posture/) both read: a leaf
module (no cdk8s, no constructs), so `gen validate` and `gen rules` start without Node."""

from __future__ import annotations

from typing import TYPE_CHECKING

from blueprints.enums import Color
from blueprints.monitoring_spec import HTTP, MonitoringCatalog

if TYPE_CHECKING:
    from blueprints.model import Catalog, Environment, Service

INGRESS_NAMESPACE = "ingress-nginx"  # assumed: where the ingress controller that fronts the public services runs

# What may never be an environment's namespace: Kubernetes' own, Argo CD's, those of the operators
# the platform relies on (assumed names where the catalog does not state them). A profile naming
# one is refused at its catalog line.
SYSTEM_NAMESPACES = ("default", "argocd", "cert-manager", "external-secrets", INGRESS_NAMESPACE, "monitoring",
                     "scylla-operator", "prometheus-operator", "gatekeeper-system", "kyverno")
SYSTEM_PREFIXES = ("kube-", "openshift-")


def system_namespace(name: str) -> bool:
    """A namespace that belongs to Kubernetes, Argo CD or an operator, never to an environment."""
    return name in SYSTEM_NAMESPACES or name.startswith(SYSTEM_PREFIXES)


def monitored(env: Environment) -> bool:
    """Whether the environment has a Prometheus Operator (CRDs and a Prometheus): those Argo CD syncs."""
    return env.argocd


def metrics_port(monitoring: MonitoringCatalog, service: Service) -> tuple[str, int]:
    """(name, number) of the port a service serves its metrics on."""
    scrape = monitoring.scrape.for_service(service.name)
    return scrape.port, service.port if scrape.port == HTTP else scrape.number  # type: ignore[return-value]


def migration_name(store: str) -> str:
    """A migration Job's, its ServiceAccount's and its pods' name (the NetworkPolicy selects it)."""
    return f"migrate-{store}"


def migrated_stores(catalog: Catalog, env: Environment) -> list[str]:
    """The stores whose migration Jobs run in `env`: those with a migration, where Argo CD syncs."""
    return list(catalog.databases.migrations.jobs) if env.argocd else []


def secret_store_name(env: Environment) -> str:
    """The environment's ClusterSecretStore (Vault)."""
    return f"vault-{env.name}"


def colors(env: Environment) -> list[Color | None]:
    """The colors policies are written for: each one in a blue-green environment, else none."""
    return list(Color) if env.blue_green else [None]


def colored(name: str, color: Color | None) -> str:
    """A per-color object's name (`api-gateway-blue`), or the name where there is no color."""
    return f"{name}-{color.value}" if color else name
