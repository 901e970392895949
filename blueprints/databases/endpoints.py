"""Where services reach the databases: host names and ports, exported once, with the names of
the Secrets that hold the credentials (External Secrets makes them; names only, never values).

The hosts follow from how each environment runs a store (the chart's service names, or the local
StatefulSets' headless Services); <env>-config carries them to every service, and issue #5's
network policies take the ports from here too.
"""

from __future__ import annotations

from dataclasses import dataclass

from blueprints.model import Environment

PORTS = {"postgres": 5432, "mongodb": 27017, "redis": 6379, "scylladb": 9042}

# release (and fullnameOverride) names of the charts: the seed's host names
POSTGRES, MONGODB, REDIS, SCYLLA = "postgres", "mongodb", "redis", "scylladb"
DATABASE = "therapeutic_ai"  # the seed's database name
# store -> (Secret, key of the admin password); the Bitnami charts read fixed or configured keys
CREDENTIALS = {
    POSTGRES: ("postgres-credentials", "postgres-password"),
    MONGODB: ("mongodb-credentials", "mongodb-root-password"),
    REDIS: ("redis-credentials", "redis-password"),
}


@dataclass(frozen=True)
class Endpoint:
    hosts: tuple[str, ...]
    port: int


def scylla_namespace(env: Environment, datacenter: int) -> str:
    """Each ScyllaDB datacenter runs in a namespace of its own: one ScyllaCluster per datacenter,
    all named alike, and scylla-operator's pods need more than Pod Security `restricted` allows."""
    return f"{env.namespace}-scylla-dc{datacenter}"


def platform_namespaces(env: Environment) -> list[str]:
    """The namespaces an environment's platform runs in: its own and the ScyllaDB datacenters'
    (Argo CD's AppProject admits these; `gen validate` refuses objects anywhere else)."""
    return [env.namespace, *(scylla_namespace(env, dc) for dc in range(1, env.databases.scylla.datacenters + 1))]


def scylla_datacenter(env: Environment, datacenter: int) -> str:
    return f"{env.name}-dc{datacenter}"


def endpoints(env: Environment) -> dict[str, Endpoint]:
    db = env.databases
    if not env.argocd:  # plain StatefulSets behind headless Services of the same name
        return {name: Endpoint((name,), port) for name, port in PORTS.items()}
    postgres = f"{POSTGRES}-primary" if db.postgres.instances > 1 else POSTGRES  # bitnami's naming
    mongodb = (
        tuple(f"{MONGODB}-{i}.{MONGODB}-headless" for i in range(db.mongodb.members))
        if db.mongodb.replica_set else (MONGODB,)
    )
    redis = REDIS if db.redis.cluster else f"{REDIS}-master"
    scylla = tuple(
        f"{SCYLLA}-client.{scylla_namespace(env, dc)}.svc" for dc in range(1, db.scylla.datacenters + 1)
    )
    return {
        "postgres": Endpoint((postgres,), PORTS["postgres"]),
        "mongodb": Endpoint(mongodb, PORTS["mongodb"]),
        "redis": Endpoint((redis,), PORTS["redis"]),
        "scylladb": Endpoint(scylla, PORTS["scylladb"]),
    }


def config_data(env: Environment) -> dict[str, str]:
    """<env>-config keys: where each store is (MongoDB and ScyllaDB list every host)."""
    e = endpoints(env)
    return {
        "postgres_host": e["postgres"].hosts[0],
        "postgres_port": str(e["postgres"].port),
        "mongodb_hosts": ",".join(e["mongodb"].hosts),
        "mongodb_port": str(e["mongodb"].port),
        "redis_host": e["redis"].hosts[0],
        "redis_port": str(e["redis"].port),
        "scylla_hosts": ",".join(e["scylladb"].hosts),
        "scylla_port": str(e["scylladb"].port),
    }
