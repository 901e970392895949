"""Values of `bitnami/postgresql` (16.x keys): PostgreSQL with pgvector, a primary and read replicas."""

from __future__ import annotations

from pydantic import Field

from blueprints.databases.endpoints import CREDENTIALS, DATABASE, POSTGRES
from blueprints.databases.spec import Chart, PostgresSpec
from blueprints.databases.values.bitnami import (
    Global, Image, NetworkPolicy, Pdb, Persistence, Pods, Resources, ServiceAccount, Values, pdb,
)

SECRET, ADMIN_KEY = CREDENTIALS[POSTGRES]  # made by External Secrets from Vault (issue #5)
TLS_SECRET = "postgres-tls"  # a cert-manager Certificate's Secret (issue #5)
# Runs once, on the primary's first start (Bitnami sources .sh init scripts, so its
# postgresql_execute helper is at hand), as the postgres superuser: the app user may not create an
# untrusted extension. The password is read from the file the chart mounts from the existing
# Secret (usePasswordFiles). Read replicas get the extension by streaming replication.
PGVECTOR = {
    "01-pgvector.sh": (
        'echo "CREATE EXTENSION IF NOT EXISTS vector;" | postgresql_execute "$POSTGRESQL_DATABASE" postgres '
        f'"$(cat /opt/bitnami/postgresql/secrets/{ADMIN_KEY})"'
    )
}


class SecretKeys(Values):
    adminPasswordKey: str = ADMIN_KEY
    userPasswordKey: str = "password"
    replicationPasswordKey: str = "replication-password"


class Auth(Values):
    existingSecret: str = SECRET
    secretKeys: SecretKeys = SecretKeys()
    usePasswordFiles: bool = True
    username: str = "therapeutic_ai"
    database: str = DATABASE


class Tls(Values):
    enabled: bool = True
    certificatesSecret: str = TLS_SECRET
    certFilename: str = "tls.crt"
    certKeyFilename: str = "tls.key"


class Initdb(Values):
    scripts: dict[str, str]


class Instance(Pods):
    """The keys `primary` and `readReplicas` share."""

    networkPolicy: NetworkPolicy = NetworkPolicy()
    # presets only keep pods of one component apart; this spreads primary and replicas together
    topologySpreadConstraints: list[dict] = Field(default_factory=list)


class Primary(Instance):
    initdb: Initdb


class ReadReplicas(Instance):
    replicaCount: int = Field(ge=1)


class VolumePermissions(Values):
    image: Image  # the os-shell image the TLS init container runs, even with volumePermissions off


class PostgresqlValues(Values):
    global_: Global = Field(default=Global(), alias="global")
    fullnameOverride: str = POSTGRES
    image: Image
    architecture: str
    auth: Auth = Auth()
    tls: Tls = Tls()
    primary: Primary
    readReplicas: ReadReplicas | None = None
    volumePermissions: VolumePermissions
    serviceAccount: ServiceAccount = ServiceAccount()


def spread() -> list[dict]:
    return [{
        "maxSkew": 1,
        "topologyKey": "kubernetes.io/hostname",
        "whenUnsatisfiable": "DoNotSchedule",
        "labelSelector": {"matchLabels": {"app.kubernetes.io/instance": POSTGRES, "app.kubernetes.io/name": "postgresql"}},
    }]


def values(spec: PostgresSpec, chart: Chart, storage_class: str | None) -> PostgresqlValues:
    replicated = spec.instances > 1
    instance = {
        "persistence": Persistence(size=spec.storage, storageClass=storage_class),
        "resources": Resources.of(spec),
        "topologySpreadConstraints": spread() if replicated else [],
    }
    return PostgresqlValues(
        image=Image.of(chart.images["postgresql"]),
        architecture="replication" if replicated else "standalone",
        primary=Primary(**instance, pdb=Pdb(create=False), initdb=Initdb(scripts=PGVECTOR)),
        readReplicas=ReadReplicas(**instance, pdb=pdb(spec.instances - 1), replicaCount=spec.instances - 1)
        if replicated else None,
        volumePermissions=VolumePermissions(image=Image.of(chart.images["os-shell"])),
    )
