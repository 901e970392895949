"""Schema migrations ordered with blue-green (databases.yaml `migrations:`).

Each store with a migration gets, in every services part Argo CD syncs, a Job `migrate-<store>`
(`migrate-<store>-<color>` after the overlay's suffix) as an Argo CD PreSync hook: when the
color's Application syncs (after `shared` and the databases, in the root's waves), the Job runs
the release's own migration image, and the color's services are applied only if it succeeds. It
runs restricted, reads the connection URLs from `database-secrets` (External Secrets, from
Vault) as files, verifies the store with the internal CA beside its own certificate
(`migrate-<store>-tls`, blueprints/certificates.py), and its pods are let through to their store alone (blueprints/network.py).

The serving color keeps running on the migrated schema until promotion, so a migration must be
`expand` (the previous release works on it) while the other color serves; `gen render --color`
and `gen promote` refuse a `contract` one then (generator/release.py, `contract_refusal`). The
contract step runs after the old color is retired; `gen downgrade-plan` renders the seed's
`alembic downgrade -1` as a Job for the time one is needed.
"""

from __future__ import annotations

from typing import Any

from constructs import Construct

from blueprints import argocd, labels, scanners
from blueprints.databases.spec import Migration
from blueprints.identities import migration_image, migration_name
from blueprints.k8s import Manifest, api_objects
from blueprints.model import Catalog, Color, Environment
from blueprints.secrets import DATABASE, certificate_volume, secret_volume
from blueprints.security import container_security_context, pod_security_context, service_account, tmp_volume

COMPONENT = "migration"
RESOURCES = {"requests": {"cpu": "50m", "memory": "128Mi"}, "limits": {"cpu": "500m", "memory": "256Mi"}}
DEADLINE_SECONDS = 1800  # a migration that takes longer than this should not block a sync silently


def store_settings(env: Environment, store: str) -> dict[str, str]:
    """The store's keys of <env>-config (hosts, port, the CA file): the Job's environment."""
    found = env.stores()[store]
    return {**found.endpoint_keys(), **found.ca_keys()}


def migration_job(env: Environment, store: str, migration: Migration, image: str, command: list[str],
                  name: str, annotations: dict[str, str]) -> list[Manifest]:
    """A ServiceAccount and a Job `name` running `command` in `image`, as pods `migrate-<store>`."""
    pod_labels = {labels.NAME: migration_name(store), labels.COMPONENT: COMPONENT}
    secret_vol, secret_mount = secret_volume(DATABASE)
    tmp_vol, tmp_mount = tmp_volume()
    # the URLs name the internal CA (sslrootcert, tlsCAFile): the Job mounts its own certificate, CA beside
    tls = [certificate_volume(migration_name(store))] if env.tls else []
    account = {"name": migration_name(store), "namespace": env.namespace, "labels": dict(pod_labels)}
    container: dict[str, Any] = {
        "name": migration_name(store),
        "image": image,
        "imagePullPolicy": "Always",
        "command": list(command),
        # the connection URLs (postgres-url, ...) as files, never environment variables
        "env": [{"name": "DATABASE_SECRETS", "value": secret_mount["mountPath"]}, {"name": "HOME", "value": "/tmp"},
                # where the store is and the CA it is verified with, as the services read them from <env>-config
                *({"name": key.upper(), "value": value} for key, value in store_settings(env, store).items())],
        "volumeMounts": [secret_mount, tmp_mount, *(mount for _, mount in tls)],
        "resources": RESOURCES,
        "securityContext": container_security_context(),
    }
    job: Manifest = {
        "apiVersion": "batch/v1",
        "kind": "Job",
        "metadata": {"name": name, "namespace": env.namespace, "labels": dict(pod_labels),
                     "annotations": {**annotations, **scanners.annotations([image])}},
        "spec": {
            "backoffLimit": 0,  # a failed migration is looked at, not retried into a half-migrated schema
            "activeDeadlineSeconds": DEADLINE_SECONDS,
            "template": {
                "metadata": {"labels": dict(pod_labels)},
                "spec": {
                    "serviceAccountName": migration_name(store),
                    "automountServiceAccountToken": False,
                    "enableServiceLinks": False,
                    "restartPolicy": "Never",
                    "securityContext": pod_security_context(),
                    "containers": [container],
                    "volumes": [secret_vol, tmp_vol, *(volume for volume, _ in tls)],
                },
            },
        },
    }
    account_object = service_account(account)
    if argocd.HOOK in annotations:  # a PreSync Job's ServiceAccount must exist before the sync applies the part
        account_object["metadata"]["annotations"] = {**annotations, **argocd.wave(-1)}
    return [account_object, job]


class SchemaMigrations(Construct):
    """The PreSync migration Jobs of one services part (none where Argo CD does not sync)."""

    def __init__(self, scope: Construct, id: str, *, catalog: Catalog, env: Environment, color: Color | None) -> None:
        super().__init__(scope, id)
        self.manifests: list[Manifest] = []
        if not env.argocd:
            return
        hook = {argocd.HOOK: "PreSync", argocd.HOOK_DELETE_POLICY: "BeforeHookCreation"}
        for store, migration in catalog.databases.migrations.jobs.items():
            self.manifests += migration_job(env, store, migration, migration_image(env, migration, color), migration.command,
                                            migration_name(store), hook)
        api_objects(self, self.manifests)
