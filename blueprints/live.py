"""The live Services of a blue-green environment (in its `shared` part).

Each colored part has its own `<svc>-<color>` Services, for checking a color before it serves
(the seed: `curl http://api-gateway-green:8090/health`). The live Service `<svc>`, with the seed's
name and port, selects the pods of the active color (`version: <color>`, the seed's own selector
key): promoting or rolling back changes these selectors and nothing else. The active color comes
from `blueprints/catalog/releases.yaml`.
"""

from __future__ import annotations

from constructs import Construct

from blueprints import labels
from blueprints.argocd import LIVE
from blueprints.k8s import Manifest, api_object
from blueprints.model import Catalog, Environment, Release
from blueprints.workload import cluster_service


class LiveServices(Construct):
    """One live Service per catalog service, selecting the environment's active color."""

    def __init__(self, scope: Construct, id: str, *, catalog: Catalog, env: Environment, release: Release) -> None:
        super().__init__(scope, id)
        self.manifests: list[Manifest] = []
        for service in catalog.services.services:
            metadata = {
                "name": service.name,
                "namespace": env.namespace,
                "labels": {labels.NAME: service.name, labels.COMPONENT: service.tier.value, labels.TRAFFIC: LIVE},
            }
            selector = {labels.NAME: service.name, labels.VERSION: release.active.value}
            self.manifests.append(cluster_service(metadata, selector, [("http", service.port)]))
        for manifest in self.manifests:
            api_object(self, manifest, id=manifest["metadata"]["name"])
