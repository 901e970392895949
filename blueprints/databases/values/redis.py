"""Values of Redis: `bitnami/redis-cluster` in cluster mode (sharding), `bitnami/redis` otherwise.

`bitnami/redis` has no Redis Cluster mode (its `architecture` is standalone or replication), so the
seed's `redis_cluster_mode: "true"` is `bitnami/redis-cluster`. The two charts spell their keys
differently (`usePasswordFile` at the top vs `auth.usePasswordFiles`, `redis.*` vs `master.*`):
one model each, so a key of one cannot slip into the other's file.
"""

from __future__ import annotations

from pydantic import Field

from blueprints.databases.endpoints import CREDENTIALS, REDIS
from blueprints.exporters import RedisMetrics, redis_metrics
from blueprints.databases.spec import Chart, RedisSpec
from blueprints.monitoring_spec import MonitoringCatalog
from blueprints.databases.values.bitnami import (
    RESTRICTED_CONTAINER, RESTRICTED_POD,
    ContainerSecurityContext, Global, Image, NetworkPolicy, Pdb, Persistence, PodSecurityContext, Pods, Resources,
    ServiceAccount, Values, pdb,
)

SECRET, SECRET_KEY = CREDENTIALS[REDIS]
TLS_SECRET = "redis-tls"


class Tls(Values):
    enabled: bool = True
    authClients: bool = False  # clients present no certificates
    existingSecret: str = TLS_SECRET
    certFilename: str = "tls.crt"
    certKeyFilename: str = "tls.key"
    certCAFilename: str = "ca.crt"


# --- bitnami/redis-cluster --------------------------------------------------------------------

class Cluster(Values):
    init: bool = True
    nodes: int = Field(ge=6, description="every pod: shards x (1 + replicas)")
    replicas: int = Field(ge=0)


class RedisPods(Values):
    resources: Resources
    podAntiAffinityPreset: str = "hard"


class RedisClusterValues(Values):
    global_: Global = Field(default=Global(), alias="global")
    fullnameOverride: str = REDIS
    image: Image
    cluster: Cluster
    usePassword: bool = True
    existingSecret: str = SECRET
    existingSecretPasswordKey: str = SECRET_KEY
    usePasswordFile: bool = True
    tls: Tls = Tls()
    persistence: Persistence
    redis: RedisPods
    podSecurityContext: PodSecurityContext = RESTRICTED_POD
    containerSecurityContext: ContainerSecurityContext = RESTRICTED_CONTAINER
    pdb: Pdb
    serviceAccount: ServiceAccount = ServiceAccount()
    networkPolicy: NetworkPolicy = NetworkPolicy()
    metrics: RedisMetrics | None = None  # redis_exporter (blueprints/exporters.py)


# --- bitnami/redis ------------------------------------------------------------------------------

class Auth(Values):
    enabled: bool = True
    existingSecret: str = SECRET
    existingSecretPasswordKey: str = SECRET_KEY
    usePasswordFiles: bool = True


class Role(Pods):
    """`master` and `replica` each take these; the chart shares nothing between them."""

    podAntiAffinityPreset: str = "hard"


class Replica(Role):
    replicaCount: int = Field(ge=1)


class RedisValues(Values):
    global_: Global = Field(default=Global(), alias="global")
    fullnameOverride: str = REDIS
    image: Image
    architecture: str
    auth: Auth = Auth()
    tls: Tls = Tls()
    master: Role
    replica: Replica | None = None
    serviceAccount: ServiceAccount = ServiceAccount()
    networkPolicy: NetworkPolicy = NetworkPolicy()
    metrics: RedisMetrics | None = None  # redis_exporter (blueprints/exporters.py)


def values(spec: RedisSpec, charts: dict[str, Chart], storage_class: str | None,
           monitoring: MonitoringCatalog | None = None) -> tuple[str, Values]:
    """(chart key, values): redis-cluster in cluster mode, redis otherwise; with `monitoring`, its exporter."""
    persistence = Persistence(size=spec.storage, storageClass=storage_class)
    resources = Resources.of(spec)
    if spec.cluster:
        chart = charts["redis-cluster"]
        return "redis-cluster", RedisClusterValues(
            image=Image.of(chart.images["redis-cluster"]),
            cluster=Cluster(nodes=spec.pods, replicas=spec.replicas),
            persistence=persistence,
            redis=RedisPods(resources=resources),
            pdb=pdb(spec.pods),
            metrics=redis_metrics(monitoring, chart, cluster=True) if monitoring else None,
        )
    chart = charts["redis"]
    return "redis", RedisValues(
        image=Image.of(chart.images["redis"]),
        architecture="replication" if spec.replicas else "standalone",
        master=Role(persistence=persistence, resources=resources, pdb=Pdb(create=False)),
        replica=Replica(persistence=persistence, resources=resources, pdb=pdb(spec.replicas), replicaCount=spec.replicas)
        if spec.replicas else None,
        metrics=redis_metrics(monitoring, chart, cluster=False) if monitoring else None,
    )
