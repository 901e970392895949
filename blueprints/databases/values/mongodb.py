"""Values of `bitnami/mongodb` (16.x keys): a replica set without arbiter, or a standalone."""

from __future__ import annotations

from pydantic import Field

from blueprints.databases.endpoints import CREDENTIALS, DATABASE, MONGODB
from blueprints.databases.spec import Chart, MongoSpec
from blueprints.databases.values.bitnami import (
    RESTRICTED_CONTAINER, RESTRICTED_POD,
    ContainerSecurityContext, Global, Image, NetworkPolicy, Pdb, PodSecurityContext, Resources, ServiceAccount, Values,
    pdb,
)

# the chart's fixed key names: mongodb-root-password, mongodb-replica-set-key, mongodb-passwords
SECRET = CREDENTIALS[MONGODB][0]


def tls_secret(member: int | None) -> str:
    """The TLS Secret of a replica set member, or of the standalone server (cert-manager's)."""
    return f"{MONGODB}-tls" if member is None else f"{MONGODB}-{member}-tls"


class Auth(Values):
    enabled: bool = True
    existingSecret: str = SECRET
    usernames: list[str] = Field(default_factory=lambda: [DATABASE])
    databases: list[str] = Field(default_factory=lambda: [DATABASE])


class Arbiter(Values):
    enabled: bool = False  # the chart's default is true: 3 data members need no arbiter


class Persistence(Values):
    enabled: bool = True
    size: str
    storageClass: str | None = None


class ReplicaSetTls(Values):
    existingSecrets: list[str]  # one cert-manager Secret per member (issue #5)


class StandaloneTls(Values):
    existingSecret: str


class Tls(Values):
    enabled: bool = True
    mTLS: dict = Field(default_factory=lambda: {"enabled": False})  # clients present no certificates
    mode: str = "requireTLS"
    replicaset: ReplicaSetTls | None = None
    standalone: StandaloneTls | None = None
    image: Image  # the cert init container's image (nginx), pinned like the rest
    securityContext: ContainerSecurityContext = RESTRICTED_CONTAINER  # the chart leaves it empty


class MongodbValues(Values):
    global_: Global = Field(default=Global(), alias="global")
    fullnameOverride: str = MONGODB
    image: Image
    architecture: str
    replicaCount: int | None = None
    arbiter: Arbiter = Arbiter()
    usePasswordFiles: bool = True
    auth: Auth = Auth()
    tls: Tls
    persistence: Persistence
    resources: Resources
    podSecurityContext: PodSecurityContext = RESTRICTED_POD
    containerSecurityContext: ContainerSecurityContext = RESTRICTED_CONTAINER
    podAntiAffinityPreset: str = "hard"
    pdb: Pdb
    serviceAccount: ServiceAccount = ServiceAccount()
    automountServiceAccountToken: bool = False
    networkPolicy: NetworkPolicy = NetworkPolicy()


def values(spec: MongoSpec, chart: Chart, storage_class: str | None) -> MongodbValues:
    replica_set = spec.replica_set
    tls = Tls(
        image=Image.of(chart.images["nginx"]),
        replicaset=ReplicaSetTls(existingSecrets=[tls_secret(i) for i in range(spec.members)]) if replica_set else None,
        standalone=None if replica_set else StandaloneTls(existingSecret=tls_secret(None)),
    )
    return MongodbValues(
        image=Image.of(chart.images["mongodb"]),
        architecture="replicaset" if replica_set else "standalone",
        replicaCount=spec.members if replica_set else None,
        tls=tls,
        persistence=Persistence(size=spec.storage, storageClass=storage_class),
        resources=Resources.of(spec),
        pdb=pdb(spec.members),
    )
