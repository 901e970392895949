"""Names and facts the blueprints and the posture gate (generator/posture/) both read: a leaf
module (no cdk8s, no constructs), so `gen validate` and `gen rules` start without Node."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from blueprints.enums import Color
from blueprints.monitoring_spec import HTTP, MonitoringCatalog

if TYPE_CHECKING:
    from blueprints.databases.spec import Migration
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


def migration_image(env: Environment, migration: Migration, color: Color | None) -> str:
    """The image a store's migration Job runs in `env` (of `color`)."""
    return f"{env.images.registry}/{migration.image}:{env.images.tag_for(color)}"


def migrated_stores(catalog: Catalog, env: Environment) -> list[str]:
    """The stores whose migration Jobs run in `env`: those with a migration, where Argo CD syncs."""
    return list(catalog.databases.migrations.jobs) if env.argocd else []


def secret_store_name(env: Environment) -> str:
    """The environment's ClusterSecretStore (Vault)."""
    return f"vault-{env.name}"


def vault_key(env: Environment) -> str:
    """The environment's Vault key (KV v2 under the store's `path`): the seed's `therapeutic-ai/<env>`;
    every ExternalSecret of the environment reads it or a key below it."""
    return f"therapeutic-ai/{env.name}"


def secret_store_spec(env: Environment) -> dict[str, Any]:
    """The `spec` of the environment's ClusterSecretStore: its Vault (verified against the CA), the
    Kubernetes auth role, usable from the platform's namespace alone."""
    vault = env.vault
    assert vault is not None
    return {
        "provider": {
            "vault": {
                "server": vault.server,
                "path": vault.path,
                "version": "v2",
                # Vault's certificate is verified against this CA (never skipped)
                "caProvider": {"type": vault.ca.type, "name": vault.ca.name, "key": vault.ca.key,
                               "namespace": vault.ca.namespace},
                "auth": {
                    "kubernetes": {
                        "mountPath": vault.auth_mount,
                        "role": vault.role,
                        "serviceAccountRef": {
                            "name": vault.service_account,
                            "namespace": vault.service_account_namespace,
                        },
                    }
                },
            }
        },
        # a cluster-wide store, usable from the platform's namespace alone
        "conditions": [{"namespaces": [env.namespace]}],
    }


POD_SECURITY_MODES = ("enforce", "audit", "warn")


def pod_security_labels(level: str) -> dict[str, str]:
    """A Namespace's Pod Security Admission labels: every mode at `level`, judged by the latest
    version of the standard (a pinned older version would admit what today's level refuses)."""
    return {**{f"pod-security.kubernetes.io/{mode}": level for mode in POD_SECURITY_MODES},
            **{f"pod-security.kubernetes.io/{mode}-version": "latest" for mode in POD_SECURITY_MODES}}


def colors(catalog: Catalog, env: Environment) -> list[Color | None]:
    """The colors policies are written for and the posture declares pods of: the deployed ones of
    a blue-green environment (the release record's: a retired color leaves nothing behind, in
    `shared` either), else none."""
    release = catalog.release(env.name) if env.blue_green else None
    return list(release.colors) if release else [None]


def colored(name: str, color: Color | None) -> str:
    """A per-color object's name (`api-gateway-blue`), or the name where there is no color."""
    return f"{name}-{color.value}" if color else name
