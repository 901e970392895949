"""The `argocd` part of an environment: how Argo CD delivers the environment's rendered parts.

  AppProject   therapeutic-ai       sources: this repository only (the database charts are
                                    vendored and hydrated into it); destinations: the platform's namespace and the ScyllaDB
                                    datacenters' in this cluster, never argocd
  AppProject   therapeutic-ai-delivery  the root's: Applications and AppProjects in argocd only
  Application  <env>-argocd         rendered/<env>/argocd, the app-of-apps: it applies the others
                                    (and the databases' Applications, each syncing
                                    rendered/<env>/<release>: blueprints/databases/applications.py)
  Application  <env>-shared         rendered/<env>/shared (its live Services excepted)
  Application  <env>-<color>|app    rendered/<env>/<color>, one per deployed color (or `app`)
  Application  <env>-live           rendered/<env>/shared/service-*.yaml: the live Services

A new cluster is bootstrapped with `kubectl apply -f rendered/<env>/argocd/`; from then on
`<env>-argocd` keeps the project and the Applications as committed. Development and staging
sync by themselves (prune, self-heal); production is synced by hand: merging the reviewed pull
request is the release, and the order of the syncs is the release procedure (README).
"""

from __future__ import annotations

from typing import Any

from constructs import Construct

from blueprints import argocd, labels, layout
from blueprints.k8s import Manifest, api_objects
from blueprints.model import Catalog, Environment

# cluster-scoped kinds the platform renders (everything else it renders is namespaced)
CLUSTER_KINDS = (("", "Namespace"), ("external-secrets.io", "ClusterSecretStore"))
COMPONENT = "delivery"


class Delivery(Construct):
    """The AppProject and the Applications of one environment."""

    def __init__(self, scope: Construct, id: str, *, catalog: Catalog, env: Environment) -> None:
        super().__init__(scope, id)
        delivery = catalog.environments.delivery
        self.repository = delivery.repository
        self.revision = env.revision or delivery.revision
        self.env = env
        parts = catalog.parts(env.name)
        blue_green = catalog.release(env.name) is not None
        self.manifests: list[Manifest] = [self.project(catalog), self.delivery_project()]
        releases = set(catalog.release_parts(env.name))  # their Applications: databases/applications.py
        for part in parts:
            if part in releases:
                continue
            if part == "argocd":  # the root: its own project, which reaches argocd and nothing else
                self.manifests.append(self.application(part, wave=None, prune_on_delete=False,
                                                       project=argocd.DELIVERY_PROJECT, namespace=argocd.NAMESPACE))
            elif part == "shared":
                directory = {"exclude": argocd.LIVE_FILES} if blue_green else {}
                self.manifests.append(self.application(part, argocd.SHARED_APP_WAVE, False, directory))
            else:
                self.manifests.append(self.application(part, argocd.SERVICES_APP_WAVE, True))
        if blue_green:
            self.manifests.append(self.application("shared", argocd.LIVE_APP_WAVE, False, {"include": argocd.LIVE_FILES},
                                                   name=argocd.LIVE))
        api_objects(self, self.manifests)

    def project(self, catalog: Catalog) -> Manifest:
        """The platform's project: its namespaces in this cluster, never Argo CD's own (an
        Application of it cannot create Applications, projects or Argo CD's Secrets)."""
        env = self.env
        namespaces = env.namespaces()
        return project_manifest(argocd.PROJECT, {
            "description": f"The therapeutic AI platform in {env.name}: {layout.RENDERED}/{env.name}/ of the "
                           "platform repository (the database charts hydrated into it), nothing else",
            "sourceRepos": [self.repository],
            "destinations": [{"server": argocd.IN_CLUSTER, "namespace": ns} for ns in namespaces],
            "clusterResourceWhitelist": [{"group": group, "kind": kind} for group, kind in CLUSTER_KINDS],
            "orphanedResources": {"warn": True},
        })

    def delivery_project(self) -> Manifest:
        """The root Application's project: Applications and AppProjects in argocd, from this repository."""
        return project_manifest(argocd.DELIVERY_PROJECT, {
            "description": f"How Argo CD delivers the therapeutic AI platform in {self.env.name}: "
                           f"{layout.rendered_dir(self.env.name, 'argocd')}/, Applications and AppProjects only",
            "sourceRepos": [self.repository],
            "destinations": [{"server": argocd.IN_CLUSTER, "namespace": argocd.NAMESPACE}],
            "namespaceResourceWhitelist": [{"group": "argoproj.io", "kind": kind} for kind in ("Application", "AppProject")],
        })

    def application(self, part: str, wave: int | None, prune_on_delete: bool, directory: dict[str, Any] | None = None,
                    name: str | None = None, project: str = argocd.PROJECT, namespace: str | None = None) -> Manifest:
        """`<env>-<name or part>`, syncing rendered/<env>/<part>/ (not its subfolders: Helm values)."""
        env = self.env
        app = argocd.application(env.name, name or part)
        metadata: dict[str, Any] = {
            "name": app,
            "namespace": argocd.NAMESPACE,
            "labels": {labels.NAME: app, labels.COMPONENT: COMPONENT},
        }
        if wave is not None:
            metadata["annotations"] = argocd.wave(wave)
        if prune_on_delete:  # retiring a color deletes its Application, and with it what it applied
            metadata["finalizers"] = [argocd.FINALIZER]
        sync: dict[str, Any] = {"syncOptions": ["PruneLast=true"]}  # remove the old only once the new is applied
        if env.sync == "automated":
            sync["automated"] = {"prune": True, "selfHeal": True}
            sync["retry"] = {"limit": 5, "backoff": {"duration": "10s", "factor": 2, "maxDuration": "3m"}}
        return {
            "apiVersion": "argoproj.io/v1alpha1",
            "kind": "Application",
            "metadata": metadata,
            "spec": {
                "project": project,
                "source": {
                    "repoURL": self.repository,
                    "targetRevision": self.revision,
                    "path": str(layout.rendered_dir(env.name, part)),
                    "directory": {"recurse": False, **(directory or {})},
                },
                "destination": {"server": argocd.IN_CLUSTER, "namespace": namespace or env.namespace},
                "syncPolicy": sync,
            },
        }


def project_manifest(name: str, spec: dict[str, Any]) -> Manifest:
    """An AppProject, applied by the root Application before anything that names it."""
    return {
        "apiVersion": "argoproj.io/v1alpha1",
        "kind": "AppProject",
        "metadata": {
            "name": name,
            "namespace": argocd.NAMESPACE,
            "labels": {labels.COMPONENT: COMPONENT},
            "annotations": argocd.wave(argocd.PROJECTS_WAVE),
        },
        "spec": spec,
    }
