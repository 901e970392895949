"""Monitoring (issue 7): ServiceMonitors and PrometheusRules from the one table,
`blueprints/catalog/monitoring.yaml` (typed in `blueprints/monitoring_spec.py`).

In every environment with a Prometheus Operator (`monitored`: the environments Argo CD syncs;
local has none), the shared part holds:
- one ServiceMonitor per service, selecting its Services by name, whatever their color, but not
  the live Services (label `therapeutic-ai.io/traffic`), which front the same pods as one color's
  Service: a pod is scraped once. The job is the service's name and the pod's `version` (its
  color) is copied onto its series, so both colors' metrics stay apart;
- one PrometheusRule per concern of the table (latency, errors, stores, ...), one alert per row.
  Automatic-rollback rows carry `action: rollback` beside `severity`, for on-call routing.
The NetworkPolicies let the Prometheus pods reach each service's metrics port (blueprints/network.py).
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from constructs import Construct

from blueprints import labels
from blueprints.k8s import Manifest, api_object
from blueprints.model import Catalog, Environment, Service
from blueprints.monitoring_spec import HTTP, Alert, MonitoringCatalog, selector_parts

API_VERSION = "monitoring.coreos.com/v1"
COMPONENT = "monitoring"
RULE_PREFIX = "alerts-"
ROUTING_LABEL = "action"  # `action: rollback` on the automatic-rollback alerts

SAYS = {">": "above", ">=": "at or above", "<": "below", "<=": "at or below"}
# How `$value` reads in an alert's description, by the metric's unit.
HUMANIZE = {
    "seconds": "{{ $value | humanizeDuration }}",
    "ratio": "{{ $value | humanizePercentage }}",
    "percent": '{{ $value | printf "%.1f" }}%',
    "count": '{{ $value | printf "%.0f" }}',
}


def monitored(env: Environment) -> bool:
    """Whether the environment has a Prometheus Operator (CRDs and a Prometheus): those Argo CD syncs."""
    return env.argocd


def metrics_port(monitoring: MonitoringCatalog, service: Service) -> tuple[str, int]:
    """(name, number) of the port a service serves its metrics on."""
    scrape = monitoring.scrape.for_service(service.name)
    return scrape.port, service.port if scrape.port == HTTP else scrape.number  # type: ignore[return-value]


# --- ServiceMonitors --------------------------------------------------------------------------

def service_monitor(catalog: Catalog, env: Environment, service: Service) -> Manifest:
    scrape = catalog.monitoring.scrape.for_service(service.name)
    return {
        "apiVersion": API_VERSION,
        "kind": "ServiceMonitor",
        "metadata": {
            "name": service.name,
            "namespace": env.namespace,
            "labels": {labels.NAME: service.name, labels.COMPONENT: COMPONENT, **catalog.monitoring.prometheus.object_labels},
        },
        "spec": {
            "jobLabel": labels.NAME,  # job="<service>", the same for both colors
            "selector": {
                "matchLabels": {labels.NAME: service.name},
                # the live Service fronts one color's pods, which that color's Service already shows
                "matchExpressions": [{"key": labels.TRAFFIC, "operator": "DoesNotExist"}],
            },
            "namespaceSelector": {"matchNames": [env.namespace]},
            "podTargetLabels": [labels.VERSION],
            "endpoints": [{"port": scrape.port, "path": scrape.path, "interval": scrape.interval, "scheme": "http"}],
        },
    }


# --- PrometheusRules --------------------------------------------------------------------------

def number(value: Decimal) -> str:
    """A threshold as PromQL reads it: 0.1, 2, 100."""
    return format(value.normalize(), "f")


def selector(alert: Alert, metric: str, env: Environment, services: list[str]) -> str:
    """`metric` with the row's namespace and service matchers before its own."""
    name, own = selector_parts(metric)
    matchers = [f'{alert.namespace_label}="{env.namespace}"']
    if alert.services:
        names = services if alert.services == "all" else alert.services
        matchers.append(
            f'{alert.service_label}="{names[0]}"' if len(names) == 1 else f'{alert.service_label}=~"{"|".join(sorted(names))}"'
        )
    return f"{name}{{{','.join([*matchers, *own])}}}"


def aggregate(operator: str, grouping: list[str], inner: str) -> str:
    return f"{operator} by ({', '.join(grouping)}) ({inner})" if grouping else f"{operator}({inner})"


def measured(alert: Alert, env: Environment, services: list[str]) -> str:
    """The PromQL of what a row measures, before its comparison."""
    window = alert.window

    def rates(selectors: list[str]) -> str:
        return " + ".join(aggregate("sum", alert.grouping, f"rate({selector(alert, s, env, services)}[{window}])")
                          for s in selectors)

    if alert.measure == "quantile":
        assert alert.metric is not None and alert.quantile is not None
        name, own = selector_parts(alert.metric)
        buckets = selector(alert, name + (f"_bucket{{{','.join(own)}}}" if own else "_bucket"), env, services)
        return f"histogram_quantile({alert.quantile}, {aggregate('sum', ['le', *alert.grouping], f'rate({buckets}[{window}])')})"
    if alert.measure == "ratio":
        assert alert.numerator and alert.denominator
        numerator, denominator = rates(alert.numerator), rates(alert.denominator)
        wrap = lambda text, parts: f"({text})" if len(parts) > 1 else text  # noqa: E731
        return f"{wrap(numerator, alert.numerator)} / {wrap(denominator, alert.denominator)}"
    if alert.measure == "age":
        assert alert.metric is not None
        return f"time() - {aggregate('max', alert.grouping, selector(alert, alert.metric, env, services))}"
    assert alert.metric is not None and alert.aggregation is not None
    return aggregate(alert.aggregation, alert.grouping, f"avg_over_time({selector(alert, alert.metric, env, services)}[{window}])")


def expression(alert: Alert, env: Environment, services: list[str]) -> str:
    return f"{measured(alert, env, services)} {alert.comparison} {number(alert.value)}"


def rule(alert: Alert, env: Environment, services: list[str]) -> dict[str, Any]:
    rule_labels = {"severity": alert.severity}
    # a rollback is a switch of colors: where there are none, the condition pages like any other
    rollback = alert.action == "rollback" and env.blue_green
    if alert.action and (rollback or alert.action != "rollback"):
        rule_labels[ROUTING_LABEL] = alert.action
    where = " ".join(f"{label}={{{{ $labels.{label} }}}}" for label in alert.grouping)
    description = (
        f"{where + ': ' if where else ''}{alert.what} is {HUMANIZE[alert.metric_unit]}, "
        f"{SAYS[alert.comparison]} {alert.threshold} for {alert.for_}. The seed's threshold: {alert.seed}."
    )
    if rollback:
        description += (" An automatic rollback condition when the color that serves shows it (see `version`): "
                        f"switch the live Services back to the previous color (`gen rollback {env.name}`, merge, "
                        f"sync {env.name}-live).")
    return {
        "alert": alert.alert,
        "expr": expression(alert, env, services),
        "for": alert.for_,
        "labels": rule_labels,
        "annotations": {"summary": f"{alert.what} {SAYS[alert.comparison]} {alert.threshold}", "description": description},
    }


def prometheus_rule(catalog: Catalog, env: Environment, concern: str) -> Manifest:
    services = [s.name for s in catalog.services.services]
    name = RULE_PREFIX + concern
    return {
        "apiVersion": API_VERSION,
        "kind": "PrometheusRule",
        "metadata": {
            "name": name,
            "namespace": env.namespace,
            "labels": {labels.NAME: name, labels.COMPONENT: COMPONENT, **catalog.monitoring.prometheus.object_labels},
        },
        "spec": {
            "groups": [{
                "name": f"{labels.PLATFORM}.{concern}",
                "rules": [rule(a, env, services) for a in catalog.monitoring.alerts if a.concern == concern],
            }],
        },
    }


def manifests_for(catalog: Catalog, env: Environment) -> list[Manifest]:
    """Every monitoring object of the environment; none where there is no Prometheus Operator."""
    if not monitored(env):
        return []
    return [
        *(service_monitor(catalog, env, s) for s in catalog.services.services),
        *(prometheus_rule(catalog, env, concern) for concern in catalog.monitoring.concerns()),
    ]


class PlatformMonitoring(Construct):
    """The environment's ServiceMonitors and PrometheusRules (nothing without a Prometheus Operator)."""

    def __init__(self, scope: Construct, id: str, *, catalog: Catalog, env: Environment) -> None:
        super().__init__(scope, id)
        self.manifests: list[Manifest] = manifests_for(catalog, env)
        for manifest in self.manifests:
            api_object(self, manifest, id=f"{manifest['kind']}-{manifest['metadata']['name']}")
