"""The stores' metrics exporters (issue 14): what the alerts read from the databases.

An alert that reads a store's series needs an exporter that serves them, a ServiceMonitor that
scrapes it and a NetworkPolicy port that lets Prometheus in. A store with an exporter
(`Store.exporter`, blueprints/databases/store.py; today Redis's redis_exporter) gets, where a
Prometheus scrapes the environment, the exporter enabled in its charts' values (a sidecar, its
image pinned in databases.yaml), the chart's own ServiceMonitor (labelled for the platform's
Prometheus, every `scrape.default.interval`, its `job` set to `Exporter.job`), and the Prometheus
pods let in on `Exporter.port` alone (blueprints/network.py).
"""

from __future__ import annotations

from blueprints.databases import registry
from blueprints.databases.store import Exporter, Scrape
from blueprints.monitoring_spec import MonitoringCatalog

EXPORTERS: dict[str, Exporter] = {s.name: s.exporter for s in registry.stores() if s.exporter is not None}


def scrape(monitoring: MonitoringCatalog) -> Scrape:
    """How the platform's Prometheus scrapes the exporters: the table's interval and selection labels."""
    return Scrape(monitoring.scrape.default.interval, tuple(sorted(monitoring.prometheus.object_labels.items())))
