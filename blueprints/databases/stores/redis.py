"""Redis: cluster mode (sharded, `bitnami/redis-cluster`) or a primary with replicas (`bitnami/redis`).

`bitnami/redis` has no Redis Cluster mode (its `architecture` is standalone or replication), so the
seed's `redis_cluster_mode: "true"` is `bitnami/redis-cluster`. The two charts spell their keys
differently (`usePasswordFile` at the top vs `auth.usePasswordFiles`, `redis.*` vs `master.*`):
one model each, so a key of one cannot slip into the other's file. TLS from `redis-tls`, the
password from `redis-credentials`. Local: the upstream image as one StatefulSet.

No backups: Redis is the platform's cache (the seed's L2 cache, `cache_ttl_seconds: 3600`); what
it holds is rebuilt from PostgreSQL, MongoDB and ScyllaDB, which are backed up. Its persistence
(the charts' append-only file on the encrypted volume) keeps a restarted node warm, nothing more.
A store that held state of its own in Redis would need a dump of its volume here first.
"""

from __future__ import annotations

from typing import Any

from pydantic import Field, model_validator

from blueprints.databases.bitnami import (
    RESTRICTED_CONTAINER, RESTRICTED_POD,
    Amounts, ChartValues, ContainerSecurityContext, Image, NetworkPolicy, Pdb, Persistence, PodSecurityContext, Pods,
    ReplicatedValues, Resources, ServiceAccount, pdb,
)
from blueprints.databases.container import env, exec_probe, probes, tcp_probe
from blueprints.databases.store import (
    LOOPBACK_IPS, LOOPBACK_NAMES, Chart, ConnectionUrl, Credentials, Endpoint, Exporter, Release, Scrape, Size, Store,
    Values, in_cluster, unique, url_password,
)
from blueprints.types import CatalogProblem

NAME = "redis"
SECRET, SECRET_KEY = f"{NAME}-credentials", "redis-password"
TLS_SECRET = f"{NAME}-tls"
PORT = 6379
CLUSTER_BUS = 16379  # Redis Cluster's node-to-node bus: the client port + 10000
EXPORTER = Exporter(job="redis-exporter", port=9121, image="redis-exporter",
                    metrics=("redis_keyspace_hits_total", "redis_keyspace_misses_total"))


class RedisSpec(Size):
    """Redis: cluster mode (sharded, `bitnami/redis-cluster`) or a primary with replicas (`bitnami/redis`)."""

    cluster: bool = Field(description="Redis Cluster: shards x (1 + replicas) nodes")
    shards: int = Field(default=1, ge=1)
    replicas: int = Field(default=0, ge=0, description="replicas per primary (per shard in cluster mode)")

    @model_validator(mode="after")
    def _shards(self) -> "RedisSpec":
        if self.cluster and self.shards < 3:
            raise CatalogProblem(("shards",), "Redis Cluster needs at least 3 shards (primaries)")
        if not self.cluster and self.shards != 1:
            raise CatalogProblem(("shards",), "shards need cluster: true")
        return self

    @property
    def pods(self) -> int:
        return self.shards * (1 + self.replicas)


class Tls(Values):
    enabled: bool = True
    authClients: bool = False  # clients present no certificates
    existingSecret: str = TLS_SECRET
    certFilename: str = "tls.crt"
    certKeyFilename: str = "tls.key"
    certCAFilename: str = "ca.crt"


# --- redis_exporter: `metrics` of both charts (the same keys but the ServiceMonitor's labels) ------

class Relabeling(Values):
    action: str = "replace"
    targetLabel: str
    replacement: str


class MetricsPorts(Values):
    http: int


class ServiceMonitor(Values):
    enabled: bool = True
    interval: str
    relabelings: list[Relabeling]

    def makes(self) -> tuple[str, ...]:
        return ("ServiceMonitor",) if self.enabled else ()


class RedisServiceMonitor(ServiceMonitor):
    additionalLabels: dict[str, str]  # bitnami/redis's key


class RedisClusterServiceMonitor(ServiceMonitor):
    labels: dict[str, str]  # bitnami/redis-cluster's key


class Metrics(Values):
    """The exporter as a sidecar of every Redis pod, scraped by the chart's own ServiceMonitor
    (labelled for the platform's Prometheus, its job set to the exporter's)."""

    enabled: bool = True
    image: Image
    containerPorts: MetricsPorts
    resources: Resources
    containerSecurityContext: ContainerSecurityContext = RESTRICTED_CONTAINER
    serviceMonitor: RedisServiceMonitor | RedisClusterServiceMonitor = Field(union_mode="left_to_right")


def metrics(scrape: Scrape, chart: Chart, cluster: bool) -> Metrics:
    common = {"interval": scrape.interval,
              "relabelings": [Relabeling(targetLabel="job", replacement=EXPORTER.job)]}
    labels = dict(scrape.labels)
    monitor = RedisClusterServiceMonitor(labels=labels, **common) if cluster else RedisServiceMonitor(additionalLabels=labels, **common)
    amounts = Amounts(cpu=EXPORTER.cpu, memory=EXPORTER.memory)
    return Metrics(image=Image.of(chart.images[EXPORTER.image]), containerPorts=MetricsPorts(http=EXPORTER.port),
                   resources=Resources(requests=amounts, limits=amounts), serviceMonitor=monitor)


# --- bitnami/redis-cluster --------------------------------------------------------------------

class Cluster(Values):
    init: bool = True
    nodes: int = Field(ge=6, description="every pod: shards x (1 + replicas)")
    replicas: int = Field(ge=0)


# redis-cluster 10.2.1 with `usePassword` hands the server container the password in an environment
# variable (REDISCLI_AUTH from a secretKeyRef), whatever `usePasswordFile` says. So `usePassword` is
# off and the password still required, read from the file alone: `usePasswordFile` mounts the Secret's
# key at PASSWORD_FILE in the server and the exporter, which read it from there (the exporter by the
# chart's own REDIS_PASSWORD_FILE); the server's REDIS_PASSWORD_FILE is set here, and the Bitnami
# image then sets `requirepass` (the chart's ALLOW_EMPTY_PASSWORD=yes only permits an empty one)
PASSWORD_FILE = "/opt/bitnami/redis/secrets/redis-password"


class EnvVar(Values):
    name: str
    value: str


class RedisPods(Values):
    resources: Resources
    podAntiAffinityPreset: str = "hard"
    extraEnvVars: list[EnvVar] = [EnvVar(name="REDIS_PASSWORD_FILE", value=PASSWORD_FILE)]


class RedisClusterValues(ChartValues):
    cluster: Cluster
    usePassword: bool = False  # see PASSWORD_FILE: the password is required, from the file alone
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
    metrics: Metrics | None = None


# --- bitnami/redis ------------------------------------------------------------------------------

class Auth(Values):
    enabled: bool = True
    existingSecret: str = SECRET
    existingSecretPasswordKey: str = SECRET_KEY
    usePasswordFiles: bool = True


class Role(Pods):
    """`master` and `replica` each take these; the chart shares nothing between them. Their
    PodDisruptionBudget is the chart's top-level `pdb` (19.3.0: `master.pdb`, `replica.pdb`
    arrived in 19.5.0), one budget over every pod of the release."""

    podAntiAffinityPreset: str = "hard"


class Replica(Role):
    replicaCount: int = Field(ge=1)


class RedisValues(ReplicatedValues):
    auth: Auth = Auth()
    tls: Tls = Tls()
    master: Role
    replica: Replica | None = None
    pdb: Pdb
    serviceAccount: ServiceAccount = ServiceAccount()
    networkPolicy: NetworkPolicy = NetworkPolicy()
    metrics: Metrics | None = None


def values(spec: RedisSpec, charts: dict[str, Chart], storage_class: str | None,
           scrape: Scrape | None = None) -> tuple[str, Values]:
    """(chart key, values): redis-cluster in cluster mode, redis otherwise; with `scrape`, its exporter."""
    persistence = Persistence(size=spec.storage, storageClass=storage_class)
    resources = Resources.of(spec)
    if spec.cluster:
        chart = charts["redis-cluster"]
        return "redis-cluster", RedisClusterValues(
            fullnameOverride=NAME, image=Image.of(chart.images["redis-cluster"]),
            cluster=Cluster(nodes=spec.pods, replicas=spec.replicas),
            persistence=persistence,
            redis=RedisPods(resources=resources),
            pdb=pdb(spec.pods),
            metrics=metrics(scrape, chart, cluster=True) if scrape else None,
        )
    chart = charts["redis"]
    return "redis", RedisValues(
        fullnameOverride=NAME, image=Image.of(chart.images["redis"]),
        architecture="replication" if spec.replicas else "standalone",
        master=Role(persistence=persistence, resources=resources),
        replica=Replica(persistence=persistence, resources=resources, replicaCount=spec.replicas)
        if spec.replicas else None,
        metrics=metrics(scrape, chart, cluster=False) if scrape else None,
        pdb=pdb(spec.pods),
    )


class Redis(Store[RedisSpec]):
    name = NAME
    port = PORT
    extra_peer_ports = (CLUSTER_BUS,)
    ca_key = "redis_tls_ca_file"  # rediss:// has no CA parameter: clients read it from here
    charts = ("redis", "redis-cluster")
    credentials = Credentials(SECRET, SECRET_KEY, {SECRET_KEY: "redis_password"})
    exporter = EXPORTER
    data_path = "/data"
    startup_seconds = 120

    def topology_keys(self) -> dict[str, str]:
        return {"redis_cluster_mode": str(self.spec.cluster).lower()}

    def endpoint(self) -> Endpoint:
        charted_primary = self.placement.charts and not self.spec.cluster
        return Endpoint((f"{NAME}-master" if charted_primary else NAME,), PORT)

    def server_components(self) -> tuple[str, ...]:
        if self.spec.cluster:
            return ()  # redis-cluster labels no component: one StatefulSet of every shard's nodes
        return ("master", "replica") if self.spec.replicas else ("master",)

    def url(self) -> ConnectionUrl:
        return ConnectionUrl("redis-url", "redis_password",
                             f"rediss://:{url_password('redis_password')}@{self.endpoint().hosts[0]}:{PORT}")

    def tls_names(self) -> dict[str, tuple[list[str], list[str]]]:
        """The client Service, the headless one and every pod behind it (redis and redis-cluster alike)."""
        ns, headless = self.placement.namespace, f"{NAME}-headless"
        pods = [f"*.{headless}.{ns}.svc", f"*.{headless}.{ns}.svc.cluster.local"]
        names = [*in_cluster(self.endpoint().hosts[0], ns), *in_cluster(headless, ns), *pods, *LOOPBACK_NAMES]
        return {TLS_SECRET: (unique(names), list(LOOPBACK_IPS))}

    def releases(self, charts: dict[str, Chart]) -> list[Release]:
        scrape = self.placement.scrape
        chart_key, redis_values = values(self.spec, charts, self.placement.storage_class, scrape)
        sidecar = (EXPORTER.cpu, EXPORTER.memory) if scrape else ("0", "0")
        return [Release(NAME, charts[chart_key], redis_values, self.spec.pods, self.spec, sidecar=sidecar)]

    def local_container(self, secret_file: str | None) -> dict[str, Any]:
        # `exec`: redis-server is PID 1 and gets SIGTERM (it syncs the append-only file and exits).
        # Redis replaces its process title, so the password does not stay in /proc/1/cmdline.
        password = f"$(cat {secret_file})"
        return {
            "command": ["sh", "-c", f'exec redis-server --appendonly yes --dir {self.data_path} --requirepass "{password}"'],
            "env": env(),
            **probes(
                exec_probe(["sh", "-c", f'test "$(REDISCLI_AUTH="{password}" redis-cli -h 127.0.0.1 -p {PORT} ping)" = PONG']),
                tcp_probe(self.port_name),
                startup_seconds=self.startup_seconds,
            ),
        }
