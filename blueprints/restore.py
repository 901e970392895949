"""A restore drill (`gen restore-plan`): one dump of one store restored into a scratch namespace,
and its outcome checked, as manifests for one reviewed `kubectl apply`.

The dumps live on the chart's dump volume, a PVC of the platform's namespace, which only a pod of
that namespace can mount: the restore Job runs there, reads the named dump read-only, and writes
to a scratch server in a namespace of its own (`<namespace>-restore-<store>`, Pod Security
`restricted`), which the drill deletes afterwards. The scratch server is the store's single-pod
StatefulSet of `local` (blueprints/databases/local.py) on the environment's encrypted
StorageClass, sized like the store; its admin password comes from Vault by the same property as
the store's. The Job's init container restores, its container checks (the store's `Restore`):
the Job succeeds only if the check does. NetworkPolicies: the scratch namespace denies everything
but the Job's pods to the server's port; the Job reaches the scratch server and DNS, nothing else.
Where the environment has TLS, the restored data never crosses the network in plaintext: the
scratch server accepts TLS only (`Store.local_tls`), with a cert-manager certificate of the
environment's internal CA, and the Job's clients verify it by name with that CA.
"""

from __future__ import annotations

from pathlib import PurePosixPath
from typing import Any

from constructs import Construct

from blueprints import labels, scanners
from blueprints.databases.local import LocalDatabase
from blueprints.certificates import certificate
from blueprints.databases.store import Placement, Restore, Store, in_cluster
from blueprints.identities import pod_security_labels
from blueprints.k8s import Manifest
from blueprints.model import DEFAULT_DENY, Catalog, Environment
from blueprints.network import DNS, NAMESPACE_NAME, tcp
from blueprints.secrets import DATABASE, FILE_MODE, external_secret, mount_path
from blueprints.security import container_security_context, pod_security_context, service_account, tmp_volume
from blueprints.tls_files import CA_FILE, TLS_VOLUME, service_certificate

DUMPS = "/backups"  # where the Job mounts the dump volume
DEADLINE_SECONDS = 6 * 3600  # a restore of the largest store, with margin; a stuck drill ends
RESOURCES = {"requests": {"cpu": "500m", "memory": "512Mi"}, "limits": {"cpu": "1", "memory": "1Gi"}}


def scratch_namespace(env: Environment, store: Store) -> str:
    return f"{env.namespace}-restore-{store.name}"


def job_name(store: Store) -> str:
    return f"restore-{store.name}"


def server_certificate(store: Store) -> str:
    """The scratch server's Certificate and Secret, in the scratch namespace."""
    return f"{store.name}-tls"


def in_namespace(manifest: Manifest, ns: str) -> Manifest:
    """`manifest` in namespace `ns`, without Argo CD's annotations: a drill is applied by kubectl."""
    metadata = {**manifest["metadata"], "namespace": ns}
    annotations = {k: v for k, v in (metadata.get("annotations") or {}).items() if not k.startswith("argocd.argoproj.io/")}
    if annotations:
        metadata["annotations"] = annotations
    else:
        metadata.pop("annotations", None)
    return {**manifest, "metadata": metadata}


def namespace(name: str) -> Manifest:
    psa = pod_security_labels("restricted")
    return {"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": name, "labels": psa}}


def policy(name: str, ns: str, selector: dict[str, Any], ingress: list, egress: list) -> Manifest:
    return {"apiVersion": "networking.k8s.io/v1", "kind": "NetworkPolicy",
            "metadata": {"name": name, "namespace": ns},
            "spec": {"podSelector": selector, "policyTypes": ["Ingress", "Egress"], "ingress": ingress, "egress": egress}}


class RestorePlan(Construct):
    """Every object of one restore drill (`manifests`), each with its namespace."""

    def __init__(self, scope: Construct, id: str, *, catalog: Catalog, env: Environment, store: Store,
                 restore: Restore, backup: str) -> None:
        super().__init__(scope, id)
        scratch = scratch_namespace(env, store)
        placement = Placement(env.name, scratch, charts=False, storage_class=env.databases.storage_class)
        # where the environment has TLS the scratch server accepts TLS only, with a certificate of
        # the environment's internal CA for its names in the scratch namespace, and the Job's
        # clients verify it with that CA (their own certificate's `ca.crt`)
        server_tls: list[Manifest] = []  # in the scratch namespace
        job_tls: list[Manifest] = []  # in the platform's, beside the Job
        if env.tls is not None:
            issuer = env.tls.internal_issuer
            server_tls = [in_namespace(certificate(env, server_certificate(store), issuer, in_cluster(store.name, scratch)),
                                       scratch)]
            job_tls = [in_namespace(certificate(env, service_certificate(job_name(store)), issuer,
                                                in_cluster(job_name(store), env.namespace)), env.namespace)]
        server = LocalDatabase(self, "server", store=type(store)(store.spec, placement),
                               image=catalog.databases.local_images[store.name],
                               tls_secret=server_certificate(store) if env.tls is not None else None)
        job_pods = {labels.NAME: job_name(store), labels.COMPONENT: "restore"}
        credentials = store.credentials
        assert credentials is not None, f"{store.name} restores with its admin password"
        secret = in_namespace(external_secret(env, credentials.secret, DATABASE, credentials.vault), scratch)
        scratch_objects = [
            namespace(scratch),
            secret,
            *server_tls,
            policy(DEFAULT_DENY, scratch, {}, [], []),
            policy(f"{store.name}-database", scratch, {"matchLabels": dict(server.selector)},
                   [{"from": [{"namespaceSelector": {"matchLabels": {NAMESPACE_NAME: env.namespace}},
                               "podSelector": {"matchLabels": dict(job_pods)}}],
                     "ports": tcp(store.port)}],
                   [DNS]),
            *server.manifests,
        ]
        to_server = {"to": [{"namespaceSelector": {"matchLabels": {NAMESPACE_NAME: scratch}},
                             "podSelector": {"matchLabels": dict(server.selector)}}],
                     "ports": tcp(store.port)}
        metadata = {"name": job_name(store), "namespace": env.namespace, "labels": dict(job_pods)}
        self.manifests: list[Manifest] = [
            *scratch_objects,
            *job_tls,
            service_account(metadata),
            policy(job_name(store), env.namespace, {"matchLabels": dict(job_pods)}, [], [to_server, DNS]),
            self.job(metadata, job_pods, store, restore, backup, f"{store.name}.{scratch}.svc", credentials.secret,
                     credentials.admin_key, tls=bool(job_tls)),
        ]

    @staticmethod
    def job(metadata: dict[str, Any], pod_labels: dict[str, str], store: Store, restore: Restore, backup: str,
            host: str, secret: str, admin_key: str, tls: bool) -> Manifest:
        # the admin password alone, a read-only file (the same Vault property as the scratch server's)
        secret_vol = {"name": "credentials", "secret": {"secretName": secret, "items": [{"key": admin_key, "path": admin_key}],
                                                        "defaultMode": FILE_MODE}}
        secret_mount = {"name": "credentials", "mountPath": mount_path(secret), "readOnly": True}
        tmp_vol, tmp_mount = tmp_volume()
        env = [
            {"name": "BACKUP", "value": f"{DUMPS}/{backup}"},
            {"name": "HOST", "value": host},
            {"name": "PASSWORD_FILE", "value": f"{secret_mount['mountPath']}/{admin_key}"},
            {"name": "HOME", "value": "/tmp"},  # the clients' history and config files
        ]
        mounts = [{"name": "dumps", "mountPath": DUMPS, "readOnly": True}, secret_mount, tmp_mount]
        volumes = [{"name": "dumps", "persistentVolumeClaim": {"claimName": restore.claim, "readOnly": True}},
                   secret_vol, tmp_vol]
        if tls:  # the Job's own certificate brings the CA it verifies the scratch server with: that file alone
            ca = PurePosixPath(CA_FILE)
            volumes.append({"name": TLS_VOLUME, "secret": {"secretName": service_certificate(metadata["name"]),
                                                           "items": [{"key": ca.name, "path": ca.name}],
                                                           "defaultMode": FILE_MODE}})
            mounts.append({"name": TLS_VOLUME, "mountPath": str(ca.parent), "readOnly": True})
            env.append({"name": "CA_FILE", "value": CA_FILE})

        def container(name: str, script: str) -> dict[str, Any]:
            return {"name": name, "image": restore.image, "imagePullPolicy": "Always", "command": ["/bin/sh", "-c", "set -eu; " + script],
                    "env": env, "volumeMounts": mounts, "resources": RESOURCES,
                    "securityContext": container_security_context()}

        return {
            "apiVersion": "batch/v1",
            "kind": "Job",
            "metadata": {**metadata, "annotations": {"therapeutic-ai.io/backup": backup,
                                                     **scanners.annotations([restore.image])}},
            "spec": {
                "backoffLimit": 0,
                "activeDeadlineSeconds": DEADLINE_SECONDS,
                "template": {
                    "metadata": {"labels": dict(pod_labels)},
                    "spec": {
                        "serviceAccountName": metadata["name"],
                        "automountServiceAccountToken": False,
                        "enableServiceLinks": False,
                        "restartPolicy": "Never",
                        "securityContext": pod_security_context(),
                        "initContainers": [container("restore", restore.restore)],
                        "containers": [container("check", restore.check)],
                        "volumes": volumes,
                    },
                },
            },
        }
