"""Blueprints of the `shared` part: what exists once per environment, whatever the color."""

from __future__ import annotations

from constructs import Construct

from blueprints import argocd, labels
from blueprints.identities import pod_security_labels
from blueprints.k8s import Manifest, api_object
from blueprints.model import Catalog, Environment
from blueprints.security import service_account


def sync_wave(env: Environment, number: int) -> dict[str, dict[str, str]]:
    """`annotations` putting an object in Argo CD sync wave `number` (none where Argo CD does not sync)."""
    return {"annotations": argocd.wave(number)} if env.argocd else {}


class PlatformNamespace(Construct):
    """The platform's namespace, admitted under Pod Security Standards `restricted`, and its
    `default` ServiceAccount, which mounts no token: a pod naming no ServiceAccount runs as it
    (bitnami/postgresql's dump CronJob has no key for one)."""

    def __init__(self, scope: Construct, id: str, env: Environment) -> None:
        super().__init__(scope, id)
        psa = pod_security_labels("restricted")
        self.manifests: list[Manifest] = [
            {"apiVersion": "v1", "kind": "Namespace",
             "metadata": {"name": env.namespace, "labels": psa, **sync_wave(env, argocd.NAMESPACES_WAVE)}},
            service_account({"name": "default", "namespace": env.namespace, **sync_wave(env, argocd.CONFIGURATION_WAVE)}),
        ]
        for manifest in self.manifests:
            api_object(self, manifest)


class PlatformConfig(Construct):
    """`<env>-config`: the seed's ConfigMap. Replica keys come from the same function as the
    Deployments' replicas (`Environment.replicas_for`), so the two cannot disagree."""

    def __init__(self, scope: Construct, id: str, catalog: Catalog, env: Environment) -> None:
        super().__init__(scope, id)
        self.manifests: list[Manifest] = [
            {
                "apiVersion": "v1",
                "kind": "ConfigMap",
                "metadata": {
                    "name": env.config_map_name,
                    "namespace": env.namespace,
                    "labels": {labels.NAME: env.config_map_name},
                    **sync_wave(env, argocd.CONFIGURATION_WAVE),
                },
                "data": config_data(catalog, env),
            }
        ]
        api_object(self, self.manifests[0])


def config_data(catalog: Catalog, env: Environment) -> dict[str, str]:
    """`<env>-config`: replica keys, database keys and endpoints, settings, each from its one source."""
    data = {s.config_key: str(env.replicas_for(s)) for s in catalog.services.services}
    stores = env.stores().values()
    for store in stores:  # the seed's database keys first, then where each store is
        data.update(store.topology_keys())
    for store in stores:
        data.update(store.endpoint_keys())
    for store in stores:  # the CA every client verifies the stores' certificates with
        data.update(store.ca_keys())
    data.update(catalog.services.settings)
    return data
