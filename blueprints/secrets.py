"""Secrets from Vault through External Secrets: names and references, never values.

For an environment with `vault:` (every one but local) this renders a ClusterSecretStore
`vault-<env>` (Vault KV v2, Kubernetes auth) and, in the platform's namespace, the ExternalSecrets
that make every Secret the platform reads. Local has no Vault: its database Secrets are created by
hand (README, "The databases") and nothing is rendered here.

Vault layout (KV v2, mount `vault.path`, the seed's `secret/therapeutic-ai/<env>`), one key per
environment holding these properties (each store's module names its own: `Store.credentials`,
`Store.url`):

  postgres_password            PostgreSQL user `therapeutic_ai` (the seed's key)
  postgres_admin_password      PostgreSQL superuser `postgres`
  postgres_replication_password
  mongodb_password             MongoDB user `therapeutic_ai` (the seed's key)
  mongodb_root_password        MongoDB `root`
  mongodb_replica_set_key      the replica set's internal keyfile
  redis_password               Redis (the seed's key)
  scylla_username, scylla_password   the services' ScyllaDB (CQL) login
  jwt_signing_key, jwt_signing_key_previous
  phi_encryption_key, phi_encryption_key_previous       AES-256 keys for PHI
  alertmanager_<receiver>      each alert receiver's URL or routing key (the profile's `alerting:`)

The `_previous` properties keep what was signed or encrypted before the last rotation readable:
on rotation, move the current value to `_previous` and write a new current one (set both to the
same value the first time). External service keys live in a key of their own,
`therapeutic-ai/<env>/api-keys`, every property of which becomes a file of Secret `api-keys`, so a
new provider's key needs no change here.

Rotation (the seed's "Secret Categories"): database credentials 90 days, API keys 180, encryption
keys 90, TLS 90 (cert-manager, `blueprints/certificates.py`), JWT signing keys 30. Each
ExternalSecret is annotated `therapeutic-ai.io/rotation-period: <N>d`, and its `refreshInterval`
follows from that period by one rule (`refresh_interval`): period / 90, so a value rotated in
Vault reaches the cluster within about 1% of its lifetime (90d -> 24h, 30d -> 8h, 180d -> 48h).

Everything here is in an earlier Argo CD sync wave than the databases (`SYNC_WAVE`): their charts
read these Secrets at first start.

Services mount these Secrets as files under `/var/run/secrets/therapeutic-ai/<secret>/`
(`secret_volume`, used by `blueprints/workload.py`), never as environment variables.
"""

from __future__ import annotations

from typing import Any

from constructs import Construct

from blueprints import argocd, labels
from blueprints.k8s import Manifest, api_objects
from blueprints.identities import secret_store_name, secret_store_spec, vault_key
from blueprints.model import Environment
from blueprints.tls_files import MOUNT_ROOT, TLS_DIR, TLS_VOLUME, service_certificate

API_VERSION = "external-secrets.io/v1"
ROTATION_ANNOTATION = "therapeutic-ai.io/rotation-period"
COMPONENT = "secrets"
# Secrets and certificates sync (and must be healthy) before the databases, whose charts read them
SYNC_WAVE = argocd.wave(argocd.SECRETS_WAVE)

# --- rotation: the seed's table, and the one rule that turns a period into a refresh ---------

DATABASE, JWT, API_KEYS, ENCRYPTION, TLS = "database", "jwt", "api-keys", "encryption", "tls"
ROTATION_DAYS: dict[str, int] = {DATABASE: 90, API_KEYS: 180, ENCRYPTION: 90, TLS: 90, JWT: 30}
# refresh = period / REFRESH_DIVISOR: a rotated value is picked up within ~1% of its lifetime
REFRESH_DIVISOR = 90


def rotation_period(category: str) -> str:
    return f"{ROTATION_DAYS[category]}d"


def refresh_interval(category: str) -> str:
    """`refreshInterval` (a Go duration) for a secret of `category`: its rotation period / 90."""
    minutes, rest = divmod(ROTATION_DAYS[category] * 24 * 60, REFRESH_DIVISOR)
    if rest:
        raise ValueError(f"{category}: {ROTATION_DAYS[category]}d / {REFRESH_DIVISOR} is not a whole number of minutes")
    return f"{minutes // 60}h" if minutes % 60 == 0 else f"{minutes}m"


# --- the Secrets services mount, by the catalog's `secrets` names -----------------------------

DATABASE_SECRETS = "database-secrets"
MOUNTED: dict[str, str] = {
    DATABASE: DATABASE_SECRETS,
    JWT: "jwt-signing-key",
    API_KEYS: "api-keys",
    ENCRYPTION: "phi-encryption-keys",
}
FILE_MODE = 0o400  # with the pods' fsGroup the kubelet makes it 0440, group 10001: readable by the service alone


def mount_path(secret: str) -> str:
    return f"{MOUNT_ROOT}/{secret}"


def secret_volume(secret: str) -> tuple[dict[str, Any], dict[str, Any]]:
    """(volume, mount) for a catalog secret (`database`, `jwt`, ...): read-only files, never env."""
    volume = f"secret-{secret}"
    return (
        {"name": volume, "secret": {"secretName": MOUNTED[secret], "defaultMode": FILE_MODE, "optional": False}},
        {"name": volume, "mountPath": mount_path(secret), "readOnly": True},
    )


def certificate_volume(workload: str) -> tuple[dict[str, Any], dict[str, Any]]:
    """(volume, mount) for a workload's own certificate and the internal CA beside it, at TLS_DIR
    (blueprints/tls_files.py): what every client verifies the databases and services with."""
    secret = {"secretName": service_certificate(workload), "defaultMode": FILE_MODE, "optional": False}
    return {"name": TLS_VOLUME, "secret": secret}, {"name": TLS_VOLUME, "mountPath": TLS_DIR, "readOnly": True}


# --- where each Secret's values come from -----------------------------------------------------

JWT_KEYS = {"signing-key": "jwt_signing_key", "signing-key-previous": "jwt_signing_key_previous"}
ENCRYPTION_KEYS = {"encryption-key": "phi_encryption_key", "encryption-key-previous": "phi_encryption_key_previous"}
# Alertmanager's receivers (blueprints/alerting.py): Secret key `<receiver>`, the URL or routing key
# that the profile's `alerting:` names, from Vault property `alertmanager_<receiver>` (`-` as `_`)
ALERT_RECEIVERS = "alertmanager-receivers"


def alert_receiver_keys(env: Environment) -> dict[str, str]:
    assert env.alerting is not None
    return {r.name: "alertmanager_" + r.name.replace("-", "_") for r in env.alerting.receivers()}


def api_keys_vault_key(env: Environment) -> str:
    return f"{vault_key(env)}/api-keys"


store_name = secret_store_name


# --- the objects ----------------------------------------------------------------------------------

def cluster_secret_store(env: Environment) -> Manifest:
    return {
        "apiVersion": API_VERSION,
        "kind": "ClusterSecretStore",
        "metadata": {
            "name": store_name(env),
            "labels": {labels.NAME: store_name(env), labels.COMPONENT: COMPONENT},
            "annotations": dict(SYNC_WAVE),
        },
        "spec": secret_store_spec(env),
    }


def external_secret(
    env: Environment,
    name: str,
    category: str,
    keys: dict[str, str],
    *,
    template: dict[str, str] | None = None,
    extract: str | None = None,
) -> Manifest:
    """ExternalSecret `name` making Secret `name`: `keys` maps secret keys (or, with `template`,
    template variables) to properties of the environment's Vault key; `extract` copies every
    property of another Vault key."""
    target: dict[str, Any] = {"name": name, "creationPolicy": "Owner"}
    if template is not None:
        target["template"] = {"engineVersion": "v2", "type": "Opaque", "data": template}
    spec: dict[str, Any] = {
        "refreshInterval": refresh_interval(category),
        "secretStoreRef": {"kind": "ClusterSecretStore", "name": store_name(env)},
        "target": target,
    }
    if keys:
        spec["data"] = [
            {"secretKey": key, "remoteRef": {"key": vault_key(env), "property": prop}} for key, prop in keys.items()
        ]
    if extract is not None:
        spec["dataFrom"] = [{"extract": {"key": extract}}]
    return {
        "apiVersion": API_VERSION,
        "kind": "ExternalSecret",
        "metadata": {
            "name": name,
            "namespace": env.namespace,
            "labels": {labels.NAME: name, labels.COMPONENT: COMPONENT},
            "annotations": {ROTATION_ANNOTATION: rotation_period(category), **SYNC_WAVE},
        },
        "spec": spec,
    }


def manifests_for(env: Environment) -> list[Manifest]:
    """Every object of the environment's secrets; none without Vault."""
    if env.vault is None:
        return []
    stores = env.stores().values()
    # database-secrets: the connection URLs, their passwords as template variables (the seed's names)
    urls = [url for url in (store.url() for store in stores) if url is not None]
    logins = {key: prop for store in stores for key, prop in store.client_credentials().items()}
    credentials = [store.credentials for store in stores if store.credentials is not None]
    fetched = {**{url.password: url.password for url in urls}, **{prop: prop for prop in logins.values()}}
    template = {**{url.key: url.template for url in urls}, **{key: "{{ ." + prop + " }}" for key, prop in logins.items()}}
    return [
        cluster_secret_store(env),
        external_secret(env, DATABASE_SECRETS, DATABASE, fetched, template=template),
        *(external_secret(env, c.secret, DATABASE, c.vault) for c in credentials),
        external_secret(env, MOUNTED[JWT], JWT, JWT_KEYS),
        external_secret(env, MOUNTED[API_KEYS], API_KEYS, {}, extract=api_keys_vault_key(env)),
        external_secret(env, MOUNTED[ENCRYPTION], ENCRYPTION, ENCRYPTION_KEYS),
        *([external_secret(env, ALERT_RECEIVERS, API_KEYS, alert_receiver_keys(env))] if env.alerting else []),
    ]


class PlatformSecrets(Construct):
    """The environment's ClusterSecretStore and ExternalSecrets (nothing without Vault)."""

    def __init__(self, scope: Construct, id: str, *, env: Environment) -> None:
        super().__init__(scope, id)
        self.manifests: list[Manifest] = manifests_for(env)
        api_objects(self, self.manifests)
