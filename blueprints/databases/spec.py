"""The stateful tier, typed: one spec per database per environment, and the pinned charts.

An environment's `databases:` (environments.yaml) says how big and how replicated each store is;
`blueprints/catalog/databases.yaml` pins the chart and images every environment installs. The
ConfigMap's database keys, the Helm values, the Argo CD Applications, the local StatefulSets and
the capacity they claim all derive from these, so the seed's facts are typed once.
"""

from __future__ import annotations

from typing import Literal

from pydantic import Field, model_validator

from blueprints.types import Bytes, CatalogProblem, Cpu, Strict


class Size(Strict):
    """What one database pod (one member, instance or node) requests, and its volume."""

    cpu: Cpu
    memory: Bytes
    storage: Bytes


class PostgresSpec(Size):
    """PostgreSQL with pgvector: a primary, and `instances - 1` streaming read replicas."""

    instances: int = Field(ge=1, description="primary plus read replicas (seed production: 3)")


class MongoSpec(Size):
    """MongoDB: standalone with 1 member, a replica set (no arbiter) with more."""

    members: int = Field(ge=1)

    @model_validator(mode="after")
    def _odd(self) -> "MongoSpec":
        if self.members > 1 and self.members % 2 == 0:
            raise CatalogProblem(("members",), f"a replica set of {self.members} has no majority after one loss; use an odd number")
        return self

    @property
    def replica_set(self) -> bool:
        return self.members > 1


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


class ScyllaSpec(Size):
    """ScyllaDB: `datacenters` x `racks` x `members` nodes. One scylla-operator ScyllaCluster holds
    one datacenter, so each datacenter is a release of its own, in a namespace of its own."""

    datacenters: int = Field(ge=1, description="seed production: 3")
    racks: int = Field(default=1, ge=1, description="racks per datacenter")
    members: int = Field(ge=1, description="nodes per rack")

    @property
    def pods(self) -> int:
        return self.datacenters * self.racks * self.members


class DatabasesSpec(Strict):
    """An environment's four stores."""

    storage_class: str | None = Field(
        default=None, description="StorageClass of every database volume; PHI-bearing environments name an encrypted one"
    )
    postgres: PostgresSpec
    mongodb: MongoSpec
    redis: RedisSpec
    scylla: ScyllaSpec

    def config_data(self) -> dict[str, str]:
        """The seed's database keys of <env>-config."""
        return {
            "postgres_replicas": str(self.postgres.instances),
            "mongodb_replica_set": str(self.mongodb.replica_set).lower(),
            "redis_cluster_mode": str(self.redis.cluster).lower(),
            "scylla_datacenter_count": str(self.scylla.datacenters),
        }


class Image(Strict):
    registry: str
    repository: str
    tag: str = Field(pattern=r"^[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}$")
    digest: str | None = Field(default=None, pattern=r"^sha256:[0-9a-f]{64}$", description="recorded at release")

    def reference(self) -> str:
        return f"{self.registry}/{self.repository}:{self.tag}" + (f"@{self.digest}" if self.digest else "")


class Chart(Strict):
    """A Helm chart pinned to one version, and the images its values pin."""

    name: str
    repository: str = Field(description="Helm repository URL, or an OCI registry host/path (Argo CD's form)")
    version: str = Field(pattern=r"^v?[0-9]+\.[0-9]+\.[0-9]+$")
    images: dict[str, Image] = Field(default_factory=dict)


class DatabaseCatalog(Strict):
    """`blueprints/catalog/databases.yaml`: the charts (and images) every environment installs,
    and the images of the plain StatefulSets of environments without Argo CD (local)."""

    version: Literal[1]
    charts: dict[Literal["postgresql", "mongodb", "redis", "redis-cluster", "scylla"], Chart]
    local_images: dict[Literal["postgres", "mongodb", "redis", "scylladb"], Image]
