"""The `local` environment's databases: plain single-instance StatefulSets, no Argo CD, no charts.

A workstation (kind or minikube) applies these with `kubectl apply -k`. Each store is a
ServiceAccount, a headless Service named after the store (the host `<env>-config` names) and a
one-replica StatefulSet of the upstream image pinned in `databases.yaml` (`local_images`), with one
ReadWriteOnce volume `data`. PostgreSQL also gets a ConfigMap of first-start SQL (pgvector).

The pods pass the same checks as the services: Pod Security Standards `restricted`, UID and GID
10001, a read-only root filesystem, probes, requests equal to limits. Every path a store writes
outside its data volume is an emptyDir (`/tmp` always). The stores create their own data
directories inside the volume (`pgdata`, Scylla's `data`, `commitlog`, ...), so they own them
whatever the provisioner does with the volume's root; `fsGroup` makes the root group-writable
where the volume plugin supports it (kind's and minikube's hostPath provisioners make it 0777).

Passwords come from Secrets that exist before this is applied (`postgres-credentials`,
`mongodb-credentials`, `redis-credentials`); they are referenced by name and mounted as files
(0400, group-readable through `fsGroup`), never put in the environment and never written here.

What differs between stores (command, environment, probes, scratch paths, first-start objects)
is each store's own, in its module (`blueprints/databases/stores/`).
"""

from __future__ import annotations

from typing import Any

from constructs import Construct

from blueprints import labels, scanners
from blueprints.databases.store import Image, Store
from blueprints.k8s import Manifest, api_object
from blueprints.security import container_security_context, pod_security_context, service_account, tmp_volume

COMPONENT = "database"
SECRETS_DIR = "/run/secrets"
SERVER_TLS_DIR = "/run/tls"  # a TLS-only server's certificate, key and CA (`tls_secret`)
DATA_VOLUME = "data"

# emptyDirs, logs: what the pod may write outside its volume
EPHEMERAL_REQUEST = "64Mi"
EPHEMERAL_LIMIT = "256Mi"

def local_databases(scope: Construct, stores: list[Store], images: dict[str, Image]) -> list[tuple[str, Construct]]:
    """(overlay file stem, construct): every store as a StatefulSet, each of its pinned local image."""
    return [(store.name, LocalDatabase(scope, store.name, store=store, image=images[store.name])) for store in stores]


def secret_file(store: Store) -> str | None:
    """Where the local pod finds the store's admin password (a file, never an environment variable)."""
    if store.credentials is None:
        return None
    return f"{SECRETS_DIR}/{store.name}/{store.credentials.admin_key}"


class LocalDatabase(Construct):
    """One store of the `local` environment as a single-instance StatefulSet (see the module):
    requests equal to limits and the volume from the store's spec, no StorageClass named unless
    the environment does. `manifests` holds every object in order, each also added under this construct.
    """

    def __init__(self, scope: Construct, id: str, *, store: Store, image: Image, tls_secret: str | None = None) -> None:
        super().__init__(scope, id)
        self.store = store
        self.tls_secret = tls_secret  # a cert-manager Secret: the server then accepts TLS only (Store.local_tls)
        self.name = store.name
        self.namespace = store.placement.namespace
        self.image = image
        self.size = store.spec
        self.selector = {labels.NAME: self.name, labels.COMPONENT: COMPONENT}
        self.labels = dict(self.selector)

        tls_objects = store.local_tls_objects(self.metadata()) if tls_secret else []
        self.manifests: list[Manifest] = [
            self.service_account(), *store.local_objects(self.metadata()), *tls_objects, self.headless_service(),
            self.stateful_set(),
        ]
        for manifest in self.manifests:  # a TLS object may share its kind with a store's own: named by its name too
            extra = any(manifest is t for t in tls_objects)
            api_object(self, manifest, id=f"{manifest['kind']}-{manifest['metadata']['name']}" if extra else None)

    def metadata(self, name: str | None = None) -> dict[str, Any]:
        return {"name": name or self.name, "namespace": self.namespace, "labels": dict(self.labels)}

    def service_account(self) -> Manifest:
        return service_account(self.metadata())

    def headless_service(self) -> Manifest:
        port_name = self.store.port_name
        return {
            "apiVersion": "v1",
            "kind": "Service",
            "metadata": self.metadata(),
            "spec": {
                "clusterIP": "None",
                "selector": dict(self.selector),
                "ports": [{"name": port_name, "port": self.store.port, "targetPort": port_name, "protocol": "TCP"}],
            },
        }

    def stateful_set(self) -> Manifest:
        container, volumes = self.container()
        pod_spec: dict[str, Any] = {
            "serviceAccountName": self.name,
            "automountServiceAccountToken": False,
            "enableServiceLinks": False,
            "terminationGracePeriodSeconds": self.store.grace,
            # chgrp the volume only when its root does not match: a database's files stay as it made them
            "securityContext": pod_security_context(fsGroupChangePolicy="OnRootMismatch"),
            "containers": [container],
            "volumes": volumes,
        }
        claim: dict[str, Any] = {
            "accessModes": ["ReadWriteOnce"],
            "resources": {"requests": {"storage": self.size.storage}},
        }
        if self.store.placement.storage_class:
            claim["storageClassName"] = self.store.placement.storage_class
        metadata = self.metadata()
        skips = scanners.annotations([self.image.reference()])
        if skips:
            metadata["annotations"] = skips
        return {
            "apiVersion": "apps/v1",
            "kind": "StatefulSet",
            "metadata": metadata,
            "spec": {
                "replicas": 1,
                "serviceName": self.name,
                "revisionHistoryLimit": 5,
                "selector": {"matchLabels": dict(self.selector)},
                "updateStrategy": {"type": "RollingUpdate"},
                # the data outlives the StatefulSet: deleting it (or `kubectl delete -k`) keeps the volume
                "persistentVolumeClaimRetentionPolicy": {"whenDeleted": "Retain", "whenScaled": "Retain"},
                "template": {"metadata": {"labels": dict(self.labels)}, "spec": pod_spec},
                "volumeClaimTemplates": [{
                    "metadata": {"name": DATA_VOLUME, "labels": dict(self.labels)},
                    "spec": claim,
                }],
            },
        }

    def container(self) -> tuple[dict[str, Any], list[dict[str, Any]]]:
        """The database's container and the pod volumes its mounts need (the claim aside)."""
        store = self.store
        volumes = [tmp_volume()]
        for scratch in store.scratch:
            volumes.append(({"name": scratch.volume, "emptyDir": {"sizeLimit": scratch.limit}},
                            {"name": scratch.volume, "mountPath": scratch.path}))
        if store.credentials is not None:
            secret, key = store.credentials.secret, store.credentials.admin_key
            volumes.append((
                {"name": "credentials", "secret": {"secretName": secret, "items": [{"key": key, "path": key}],
                                                   "defaultMode": 0o400}},
                {"name": "credentials", "mountPath": f"{SECRETS_DIR}/{self.name}", "readOnly": True},
            ))
        volumes += store.local_volumes()
        if self.tls_secret:
            # 0400: with the pod's fsGroup the kubelet makes the files 0440, group 10001, owner root:
            # readable by the server, and a key PostgreSQL accepts (root's, no group write)
            volumes.append((
                {"name": "server-tls", "secret": {"secretName": self.tls_secret, "defaultMode": 0o400}},
                {"name": "server-tls", "mountPath": SERVER_TLS_DIR, "readOnly": True},
            ))
            volumes += store.local_tls_volumes()
        mounts = [{"name": DATA_VOLUME, "mountPath": store.data_path}] + [mount for _, mount in volumes]

        amounts = {"cpu": self.size.cpu, "memory": self.size.memory}
        container: dict[str, Any] = {
            "name": self.name,
            "image": self.image.reference(),
            "imagePullPolicy": "Always",
            **store.local_container(secret_file(store)),
            **(store.local_tls(SERVER_TLS_DIR) if self.tls_secret else {}),
            "ports": [{"name": store.port_name, "containerPort": store.port, "protocol": "TCP"}],
            "resources": {
                "requests": {**amounts, "ephemeral-storage": EPHEMERAL_REQUEST},
                "limits": {**amounts, "ephemeral-storage": EPHEMERAL_LIMIT},
            },
            "securityContext": container_security_context(),
            "volumeMounts": mounts,
        }
        return container, [volume for volume, _ in volumes]
