"""The stores' metrics exporters (issue 14): what the alerts read from the databases.

An alert that reads a store's series needs an exporter that serves them, a ServiceMonitor that
scrapes it and a NetworkPolicy port that lets Prometheus in. For each exporter below, the store's
chart values enable it (a sidecar in the store's pods, its image pinned in databases.yaml), the
chart's own ServiceMonitor scrapes it (labelled for the platform's Prometheus, every
`scrape.default.interval`, its `job` set to `Exporter.job`), and the store's NetworkPolicy admits
the Prometheus pods on `Exporter.port` alone (blueprints/network.py).

Keys are the charts' own (checked against the pinned charts' key lists in the tests):
`bitnami/redis` labels its ServiceMonitor with `additionalLabels`, `bitnami/redis-cluster` with `labels`.
"""

from __future__ import annotations

from dataclasses import dataclass

from pydantic import Field

from blueprints.databases.endpoints import REDIS
from blueprints.databases.spec import Chart
from blueprints.databases.values.bitnami import RESTRICTED_CONTAINER, Amounts, ContainerSecurityContext, Image, Resources, Values
from blueprints.monitoring_spec import MonitoringCatalog


@dataclass(frozen=True)
class Exporter:
    store: str                 # the store's release (endpoints)
    job: str                   # the scrape job: `job` on every series it serves
    port: int                  # its container port: Prometheus is let in on it alone
    image: str                 # the key of its image among the chart's pinned images
    metrics: tuple[str, ...]   # the series the alerts read from it
    cpu: str = "50m"           # requests = limits
    memory: str = "64Mi"


REDIS_EXPORTER = Exporter(
    store=REDIS, job="redis-exporter", port=9121, image="redis-exporter",
    metrics=("redis_keyspace_hits_total", "redis_keyspace_misses_total"),
)
EXPORTERS: dict[str, Exporter] = {REDIS_EXPORTER.store: REDIS_EXPORTER}





# --- the charts' values blocks --------------------------------------------------------------------

class Relabeling(Values):
    action: str = "replace"
    targetLabel: str
    replacement: str


class Ports(Values):
    http: int


class ServiceMonitor(Values):
    """Common to both Redis charts; each labels it under its own key (below)."""

    enabled: bool = True
    interval: str
    relabelings: list[Relabeling]


class RedisServiceMonitor(ServiceMonitor):
    additionalLabels: dict[str, str]


class RedisClusterServiceMonitor(ServiceMonitor):
    labels: dict[str, str]


class RedisMetrics(Values):
    """`metrics` of bitnami/redis and bitnami/redis-cluster (the same keys but the monitor's labels)."""

    enabled: bool = True
    image: Image
    containerPorts: Ports
    resources: Resources
    containerSecurityContext: ContainerSecurityContext = RESTRICTED_CONTAINER
    serviceMonitor: RedisServiceMonitor | RedisClusterServiceMonitor = Field(union_mode="left_to_right")


def redis_metrics(monitoring: MonitoringCatalog, chart: Chart, cluster: bool) -> RedisMetrics:
    """The Redis exporter's values block for `chart` (redis-cluster with `cluster`)."""
    exporter = REDIS_EXPORTER
    common = {
        "interval": monitoring.scrape.default.interval,
        "relabelings": [Relabeling(targetLabel="job", replacement=exporter.job)],
    }
    labels = dict(monitoring.prometheus.object_labels)
    monitor = RedisClusterServiceMonitor(labels=labels, **common) if cluster else RedisServiceMonitor(additionalLabels=labels, **common)
    amounts = Amounts(cpu=exporter.cpu, memory=exporter.memory)
    return RedisMetrics(
        image=Image.of(chart.images[exporter.image]),
        containerPorts=Ports(http=exporter.port),
        resources=Resources(requests=amounts, limits=amounts),
        serviceMonitor=monitor,
    )
