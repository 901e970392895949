"""Monitoring (issues 7, 14): ServiceMonitors and PrometheusRules from the one table,
`blueprints/catalog/monitoring.yaml` (typed in `blueprints/monitoring_spec.py`).

In every environment with a Prometheus Operator (`monitored`: the environments Argo CD syncs;
local has none), the shared part holds:
- one ServiceMonitor per service, selecting its Services by name, whatever their color, but not
  the live Services (label `therapeutic-ai.io/traffic`), which front the same pods as one color's
  Service: a pod is scraped once. The job is the service's name and the pod's `version` (its
  color) is copied onto its series, so both colors' metrics stay apart;
- one PrometheusRule per concern of the table (latency, errors, stores, ...), one alert per row,
  evaluated every `prometheus.evaluation_interval`, windows and `for` by the table's one rule.
  A rollback row alerts, where there are colors, for the color that serves (the release record's,
  like the live Services' selectors) with `action: rollback`, and for the idle color as a
  verification alert without it; elsewhere once, with it. Ratios need a minimum volume;
- `alerts-targets`: per scrape job (each service's, each store exporter's) a target down and a job
  with no target.
Every alert carries `namespace`, which the AlertmanagerConfig's routes match (blueprints/alerting.py).
The NetworkPolicies let the Prometheus pods reach each service's metrics port (blueprints/network.py).
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from constructs import Construct

from blueprints import labels
from blueprints.k8s import Manifest, api_objects
from blueprints.exporters import EXPORTERS
from blueprints.model import Catalog, Color, Environment, Release, Service
from blueprints.identities import monitored
from blueprints.monitoring_spec import Alert, selector_parts

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

TARGETS = "targets"  # the concern of the per-job alerts
COLOR_SOURCE = "kube_pod_labels"  # kube-state-metrics: a pod's labels as label_<name> (contract, cluster)


def number(value: Decimal) -> str:
    """A threshold as PromQL reads it: 0.1, 2, 100."""
    return format(value.normalize(), "f")


def string(value: str) -> str:
    """A PromQL string literal: every catalog value goes into an expression through it, escaped,
    so that no value (a quote, a backslash, a newline) can end the string and add PromQL."""
    escaped = value.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n")
    return f'"{escaped}"'


def matcher(label: str, operator: str, value: str) -> str:
    return f"{label}{operator}{string(value)}"


def any_of(label: str, names: list[str]) -> str:
    return matcher(label, "=", names[0]) if len(names) == 1 else matcher(label, "=~", "|".join(sorted(names)))


class Expressions:
    """The PromQL of one row in one environment, for one color (None: every color)."""

    def __init__(self, alert: Alert, env: Environment, catalog: Catalog, color: Color | None) -> None:
        self.alert, self.env, self.catalog, self.color = alert, env, catalog, color
        self.table = catalog.monitoring
        self.window = self.table.window
        self.grouping = alert.grouping(colored=color is not None)
        self.services = [s for s in catalog.services.services if alert.services == "all" or s.name in alert.services]

    def selector(self, metric: str, services: list[Service] | None = None, extra: list[str] = ()) -> str:
        """`metric` with the row's namespace, service and (for a series' own color) color matchers."""
        alert = self.alert
        name, own = selector_parts(metric)
        matchers = [matcher(alert.namespace_label, "=", self.env.namespace)]
        chosen = self.services if services is None else services
        if alert.services:
            matchers.append(any_of(alert.service_label, [s.name for s in chosen]))
        if self.color is not None and alert.color == "series":
            matchers.append(matcher(labels.VERSION, "=", self.color.value))
        return f"{name}{{{','.join([*matchers, *own, *extra])}}}"

    def rate(self, selector: str) -> str:
        text = f"rate({selector}[{self.window}])"
        if self.color is not None and self.alert.color == "pod-labels":
            # the series carry no pod labels: take the pod's color from kube-state-metrics
            pods = (f'{COLOR_SOURCE}{{{matcher(self.alert.namespace_label, "=", self.env.namespace)},'
                    f'{matcher(f"label_{labels.VERSION}", "=", self.color.value)}}}')
            text += (f" * on ({self.alert.namespace_label}, pod) group_left ({labels.VERSION}) "
                     f'label_replace({pods}, "{labels.VERSION}", "$1", "label_{labels.VERSION}", "(.+)")')
        return text

    def summed(self, selector: str) -> str:
        return aggregate("sum", self.grouping, self.rate(selector))

    @staticmethod
    def either(terms: list[str], combine: str) -> str:
        return terms[0] if len(terms) == 1 else "(" + f" {combine} ".join(terms) + ")"

    def ratio(self) -> tuple[str, str]:
        """(numerator, denominator) of a ratio or errors row."""
        alert = self.alert
        if alert.measure == "ratio":
            assert alert.numerator and alert.denominator
            return (self.either([self.summed(self.selector(s)) for s in alert.numerator], "+"),
                    self.either([self.summed(self.selector(s)) for s in alert.denominator], "+"))
        # errors: each tier's counter and status label, from the contract; tiers are disjoint jobs
        errors: dict[tuple[str, str, str], list[Service]] = {}
        requests: dict[str, list[Service]] = {}
        for service in self.services:
            tier = self.table.contract.tiers[service.tier.value]
            errors.setdefault((tier.requests, tier.status_label, tier.server_errors), []).append(service)
            requests.setdefault(tier.requests, []).append(service)
        numerator = [self.summed(self.selector(metric, group, [matcher(label, "=~", pattern)]))
                     for (metric, label, pattern), group in errors.items()]
        denominator = [self.summed(self.selector(metric, group)) for metric, group in requests.items()]
        return self.either(numerator, "or"), self.either(denominator, "or")

    def measured(self) -> str:
        """What the row measures, before its comparison."""
        alert = self.alert
        if alert.measure == "quantile":
            assert alert.metric is not None and alert.quantile is not None
            name, own = selector_parts(alert.metric)
            buckets = self.selector(name + (f"_bucket{{{','.join(own)}}}" if own else "_bucket"))
            return f"histogram_quantile({alert.quantile}, {aggregate('sum', ['le', *self.grouping], self.rate(buckets))})"
        if alert.measure in ("ratio", "errors"):
            numerator, denominator = self.ratio()
            return f"{numerator} / {denominator}"
        if alert.measure == "age":
            assert alert.metric is not None
            return f"time() - {aggregate('max', self.grouping, self.selector(alert.metric))}"
        assert alert.metric is not None and alert.aggregation is not None
        return aggregate(alert.aggregation, self.grouping, self.selector(alert.metric))

    def expression(self) -> str:
        text = f"{self.measured()} {self.alert.comparison} {number(self.alert.value)}"
        minimum = self.table.min_rate(self.alert)
        if minimum is not None:  # a ratio alerts only on enough volume
            text += f" and {self.ratio()[1]} >= {number(minimum)}"
        return text


def aggregate(operator: str, grouping: list[str], inner: str) -> str:
    return f"{operator} by ({', '.join(grouping)}) ({inner})" if grouping else f"{operator}({inner})"


def colors(alert: Alert, env: Environment, release: Release | None) -> list[tuple[Color | None, bool]]:
    """(color, serves) for each alert a row makes: a rollback row in an environment with colors
    makes one for the serving color and one for the idle color; any other row one for all."""
    if alert.action != "rollback" or release is None:
        return [(None, True)]
    idle = Color.GREEN if release.active is Color.BLUE else Color.BLUE
    return [(release.active, True), *([(idle, False)] if idle in release.deployed else [])]


def rule(alert: Alert, env: Environment, catalog: Catalog, color: Color | None, serves: bool) -> dict[str, Any]:
    table = catalog.monitoring
    name, severity = (alert.alert, alert.severity) if serves else (alert.idle_alert.alert, alert.idle_alert.severity)  # type: ignore[union-attr]
    rule_labels = {"severity": severity, "namespace": env.namespace}
    if alert.action and serves:
        rule_labels[ROUTING_LABEL] = alert.action
    grouping = alert.grouping(colored=color is not None)
    where = " ".join(f"{label}={{{{ $labels.{label} }}}}" for label in grouping)
    minimum = table.min_rate(alert)
    description = (
        f"{where + ': ' if where else ''}{alert.what} is {HUMANIZE[alert.metric_unit]}, "
        f"{SAYS[alert.comparison]} {alert.threshold} for {alert.duration}"
        f"{f' (at {number(minimum)}/s or more)' if minimum is not None else ''}. The seed's threshold: {alert.seed}."
    )
    if alert.action == "rollback" and serves:
        if color is not None:
            description += (" An automatic rollback condition on the color that serves: switch the live Services back "
                            f"to the previous color (`gen rollback {env.name}`, merge, sync {env.name}-live).")
        else:
            description += (" An automatic rollback condition: roll the release back (revert the change that "
                            f"deployed it, render, merge, sync {env.name}-app).")
    elif alert.action == "rollback":
        description += (" The idle color, under verification before it serves: not a rollback; fix it and render "
                        "it again before promoting it.")
    return {
        "alert": name,
        "expr": Expressions(alert, env, catalog, color).expression(),
        "for": table.rule_for(alert),
        "labels": rule_labels,
        "annotations": {"summary": f"{alert.what} {SAYS[alert.comparison]} {alert.threshold}", "description": description},
    }


def scrape_jobs(catalog: Catalog, env: Environment) -> list[str]:
    """Every scrape job of the environment: each running service's, each store exporter's."""
    services = [s.name for s in catalog.services.services if env.replicas_for(s) > 0]
    return [*services, *(e.job for e in EXPORTERS.values())]


def target_rules(catalog: Catalog, env: Environment) -> list[dict[str, Any]]:
    """Per scrape job: a target that does not answer, and a job with no target at all."""
    targets = catalog.monitoring.targets
    jobs = scrape_jobs(catalog, env)
    namespace = matcher("namespace", "=", env.namespace)
    rule_labels = {"severity": targets.severity, "namespace": env.namespace}
    return [
        {
            "alert": "ScrapeTargetDown",
            "expr": f"up{{{namespace},{any_of('job', jobs)}}} == 0",
            "for": targets.duration,
            "labels": rule_labels,
            "annotations": {
                "summary": "a scrape target does not answer",
                "description": f"job={{{{ $labels.job }}}} pod={{{{ $labels.pod }}}}: Prometheus cannot scrape it for "
                               f"{targets.duration}: its alerts see nothing from it.",
            },
        },
        {
            "alert": "ScrapeJobMissing",
            "expr": " or ".join(f"absent(up{{{namespace},{matcher('job', '=', job)}}})" for job in jobs),
            "for": targets.duration,
            "labels": rule_labels,
            "annotations": {
                "summary": "a scrape job has no target",
                "description": f"job={{{{ $labels.job }}}}: no target for {targets.duration} (not deployed, not "
                               "selected by its ServiceMonitor, or not serving metrics): its alerts cannot fire.",
            },
        },
    ]


def prometheus_rule(catalog: Catalog, env: Environment, concern: str) -> Manifest:
    release = catalog.release(env.name)
    if concern == TARGETS:
        rules = target_rules(catalog, env)
    else:
        rules = [rule(a, env, catalog, color, serves)
                 for a in catalog.monitoring.alerts if a.concern == concern
                 for color, serves in colors(a, env, release)]
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
                "interval": catalog.monitoring.prometheus.evaluation_interval,
                "rules": rules,
            }],
        },
    }


def manifests_for(catalog: Catalog, env: Environment) -> list[Manifest]:
    """Every monitoring object of the environment; none where there is no Prometheus Operator."""
    if not monitored(env):
        return []
    return [
        *(service_monitor(catalog, env, s) for s in catalog.services.services),
        *(prometheus_rule(catalog, env, concern) for concern in [*catalog.monitoring.concerns(), TARGETS]),
    ]


class PlatformMonitoring(Construct):
    """The environment's ServiceMonitors and PrometheusRules (nothing without a Prometheus Operator)."""

    def __init__(self, scope: Construct, id: str, *, catalog: Catalog, env: Environment) -> None:
        super().__init__(scope, id)
        self.manifests: list[Manifest] = manifests_for(catalog, env)
        api_objects(self, self.manifests)
