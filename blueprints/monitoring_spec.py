"""The monitoring table, typed: `blueprints/catalog/monitoring.yaml`.

One place for what Prometheus scrapes on each service and for every alert threshold. A row of
`alerts` is one alert: what it measures (a histogram quantile, a ratio of counters, a gauge), the
comparison that fires it and the threshold with its unit (`100ms`, `2s`, `5%`, `100`). Thresholds
are converted to the metric's unit once, here (`Alert.value`): milliseconds to seconds, percent
to a ratio, so a row reads as the seed says it and the expression as Prometheus needs it.

Rules that span the catalog (a service an override or a row names must exist; a separate metrics
port needs its number) read the service catalog from the validation context that the loader
passes (`generator/catalog.py`); they raise `CatalogProblem` so the error names file, line, field.
"""

from __future__ import annotations

import re
from decimal import Decimal
from typing import TYPE_CHECKING, Any, Literal

from pydantic import Field, ValidationInfo, field_validator, model_validator

from blueprints.types import CatalogProblem, DnsLabel, Labels, Strict

if TYPE_CHECKING:
    from blueprints.model import Color

DNS_LABEL = r"^[a-z0-9]([-a-z0-9]*[a-z0-9])?$"
LABEL_NAME = r"^[a-zA-Z_][a-zA-Z0-9_]*$"
# A Prometheus duration, largest unit first: 30s, 5m, 1h30m.
DURATION = r"^([0-9]+y)?([0-9]+w)?([0-9]+d)?([0-9]+h)?([0-9]+m)?([0-9]+s)?([0-9]+ms)?$"
_DURATION_PART = re.compile(r"([0-9]+)(ms|y|w|d|h|m|s)")
_SECONDS = {"ms": Decimal("0.001"), "s": 1, "m": 60, "h": 3600, "d": 86400, "w": 604800, "y": 31536000}
# A metric name with optional label matchers: http_requests_total{code=~"5.."}
_MATCHER = r'[a-zA-Z_][a-zA-Z0-9_]*(=|!=|=~|!~)"[^"\\\x00-\x1f\x7f]*"'
SELECTOR = re.compile(rf"^(?P<name>[a-zA-Z_:][a-zA-Z0-9_:]*)(\{{(?P<matchers>{_MATCHER}(,{_MATCHER})*)\}})?$")
STATUS_PATTERN = re.compile(r"[A-Za-z0-9.|()\[\]*+?^$-]+")
_THRESHOLD = re.compile(r"^(?P<number>-?[0-9]+(\.[0-9]+)?)(?P<unit>ms|s|h|%)?$")
# The one rule for windows and `for` (README, "Monitoring"): a rate or quantile reads a window of
# two scrape intervals, the shortest in which rate() always has two samples, and holds for the
# row's duration less one scrape interval, because such a window shows a condition fully one
# scrape after the first sample that shows it; a gauge reads its last sample and holds for the
# duration. Either fires between `duration` and `duration` + one scrape + one evaluation interval
# after the condition starts, and stops within one scrape + one evaluation interval after it ends.
SCRAPES_PER_WINDOW = 2
HTTP = "http"  # the port every service serves (blueprints/workload.py): its own, the catalog's

Duration = str  # validated by DURATION where declared


def seconds(duration: str) -> Decimal:
    """A Prometheus duration in seconds."""
    return sum((Decimal(n) * _SECONDS[unit] for n, unit in _DURATION_PART.findall(duration)), Decimal(0))


def duration(total: Decimal | int) -> str:
    """Seconds as a Prometheus duration, largest unit first: 150 -> 2m30s."""
    total = int(total)
    if total <= 0:
        return "0s"
    hours, rest = divmod(total, 3600)
    minutes, secs = divmod(rest, 60)
    return "".join(f"{n}{u}" for n, u in ((hours, "h"), (minutes, "m"), (secs, "s")) if n)


def selector_parts(selector: str) -> tuple[str, list[str]]:
    """(metric name, its own matchers) of `name{a="b",...}`."""
    match = SELECTOR.fullmatch(selector)
    assert match, selector
    matchers = match.group("matchers") or ""
    return match.group("name"), [m.group(0) for m in re.finditer(_MATCHER, matchers)]


class Prometheus(Strict):
    """The Prometheus (run by the Prometheus Operator) that scrapes the platform."""

    namespace: DnsLabel = Field(description="where it runs; its pods reach the services' metrics ports")
    pod_labels: Labels = Field(min_length=1, description="labels of its pods (the NetworkPolicy peer)")
    object_labels: Labels = Field(
        default_factory=dict, description="labels its serviceMonitorSelector and ruleSelector match"
    )
    evaluation_interval: Duration = Field(
        default="15s", pattern=DURATION, description="every rule group's `interval`: how often its alerts are evaluated"
    )


class Scrape(Strict):
    """Where a service serves its metrics. `port` names a port of the service's Service: `http` is
    the service's own port; any other name is a port of its own, and needs its `number`."""

    port: str = Field(default=HTTP, pattern=r"^[a-z]([-a-z0-9]{0,13}[a-z0-9])?$", description="IANA_SVC_NAME")
    number: int | None = Field(default=None, ge=1, le=65535, description="only for a port other than http")
    path: str = Field(default="/metrics", pattern=r"^/[!-~]*$")
    interval: Duration = Field(default="30s", min_length=1, pattern=DURATION)

    @field_validator("interval")
    @classmethod
    def _positive(cls, interval: str) -> str:
        if seconds(interval) <= 0:
            raise ValueError("a scrape interval is longer than 0")
        return interval


class ScrapeOverride(Strict):
    """A service's differences from `scrape.default` (unset fields: the default's)."""

    port: str | None = Field(default=None, pattern=r"^[a-z]([-a-z0-9]{0,13}[a-z0-9])?$")
    number: int | None = Field(default=None, ge=1, le=65535)
    path: str | None = Field(default=None, pattern=r"^/[!-~]*$")
    interval: Duration | None = Field(default=None, min_length=1, pattern=DURATION)


class ScrapeTable(Strict):
    default: Scrape = Scrape()
    services: dict[str, ScrapeOverride] = Field(default_factory=dict, description="per service, by name")

    def for_service(self, name: str) -> Scrape:
        override = self.services.get(name)
        if override is None:
            return self.default
        return Scrape(**{**self.default.model_dump(), **override.model_dump(exclude_none=True)})



Measure = Literal["quantile", "ratio", "gauge", "errors", "age"]
Unit = Literal["seconds", "ratio", "percent", "count"]
# The unit each measure's value is in; a gauge states its own.
MEASURE_UNIT: dict[str, Unit | None] = {
    "quantile": "seconds", "ratio": "ratio", "gauge": None, "errors": "ratio", "age": "seconds"}
# Measures that read a rate over a window (the others read a gauge's last sample).
WINDOWED = ("quantile", "ratio", "errors")
# Measures that divide one rate by another: they take a minimum volume.
RATIOS = ("ratio", "errors")
# Which threshold units fit a metric unit, and the factor to the metric's unit.
CONVERSIONS: dict[Unit, dict[str | None, Decimal]] = {
    "seconds": {"ms": Decimal("0.001"), "s": Decimal(1), "h": Decimal(3600)},
    "ratio": {"%": Decimal("0.01")},
    "percent": {"%": Decimal(1)},
    "count": {None: Decimal(1)},
}
UNIT_HINT = {"seconds": "ms, s or h", "ratio": "%", "percent": "%", "count": "a plain number"}
TIERS = ("go", "python-ai", "gpu-host")


# --- the metric contract -----------------------------------------------------------------------

class TierContract(Strict):
    """What every service of a tier serves on its metrics endpoint."""

    instrumentation: str = Field(min_length=1, description="the library that serves the metrics, in words")
    requests: str = Field(pattern=r"^[a-zA-Z_:][a-zA-Z0-9_:]*$", description="the counter of requests answered")
    status_label: str = Field(pattern=LABEL_NAME, description="the label of `requests` that holds the status")
    server_errors: str = Field(min_length=1, description="a regular expression on status_label: a server error")
    metrics: list[str] = Field(min_length=1, description="every metric name the tier serves that an alert may read")

    @field_validator("server_errors")
    @classmethod
    def _status_pattern(cls, pattern: str) -> str:
        """It goes into PromQL as a matcher's string: a regular expression on status values, of
        characters that need no escape there (no quote, backslash, brace, space or `#`)."""
        if not STATUS_PATTERN.fullmatch(pattern):
            raise ValueError(f"{pattern!r} is not a status pattern: letters, digits and . | ( ) [ ] * + ? ^ $ - only")
        try:
            re.compile(pattern)
        except re.error as exc:
            raise ValueError(f"{pattern!r} is not a regular expression: {exc}") from None
        return pattern

    @model_validator(mode="after")
    def _requests_served(self) -> "TierContract":
        if self.requests not in self.metrics:
            raise CatalogProblem(("metrics",), f"{self.requests} (requests) is not among the tier's metrics")
        return self


class ClusterSeries(Strict):
    """A series the cluster's monitoring stack provides (not scraped through gen's objects)."""

    metric: str = Field(pattern=r"^[a-zA-Z_:][a-zA-Z0-9_:]*$")
    provider: str = Field(min_length=1, description="what serves it, and how it is scraped")


class Contract(Strict):
    """Who serves each metric the alerts read: the tiers, particular services, the cluster."""

    tiers: dict[Literal["go", "python-ai", "gpu-host"], TierContract]
    services: dict[str, list[str]] = Field(default_factory=dict, description="metrics only these services serve")
    cluster: list[ClusterSeries] = Field(default_factory=list)

    def cluster_metrics(self) -> dict[str, str]:
        return {s.metric: s.provider for s in self.cluster}


class Defaults(Strict):
    min_rate: Decimal = Field(gt=0, description="per second: below this volume a ratio does not alert")


class Targets(Strict):
    """The alerts every scrape job gets: a target down (`up == 0`), or no target at all (`absent`)."""

    duration: Duration = Field(min_length=1, pattern=DURATION)
    severity: Literal["critical", "warning", "info"]


class IdleAlert(Strict):
    """A rollback row's alert for the color that does not serve: verification, not a rollback."""

    alert: str = Field(pattern=r"^[A-Z][A-Za-z0-9]*$")
    severity: Literal["critical", "warning", "info"]


class Alert(Strict):
    """One alert: one threshold of the seed.

    quantile: histogram_quantile(`quantile`, <`metric`>_bucket) per `by`, over the window.
    ratio:    sum of `numerator` rates / sum of `denominator` rates per `by`, over the window.
    errors:   server errors / requests per `by`, each tier's counter and status label from the contract.
    gauge:    `aggregation` per `by` of the gauge's last samples.
    age:      seconds since the newest timestamp per `by` of `metric` (a gauge of Unix times).
    Every selector gets `<namespace_label>="<the platform's namespace>"` and, with `services`, a
    matcher of those services on `service_label` (`all`: every service of the catalog). Ratios
    alert only while their denominator is at least `min_rate` per second.
    """

    alert: str = Field(pattern=r"^[A-Z][A-Za-z0-9]*$", description="the alert's name")
    concern: DnsLabel = Field(description="rows of one concern make one PrometheusRule")
    what: str = Field(min_length=1, description="what is measured, in words (the alert's summary)")
    seed: str = Field(min_length=1, description="the seed's own words for this threshold")
    measure: Measure
    metric: str | None = Field(default=None, description="quantile: the histogram (no _bucket); gauge: the gauge")
    numerator: list[str] | None = Field(default=None, min_length=1, description="ratio: counters summed above the line")
    denominator: list[str] | None = Field(default=None, min_length=1, description="ratio: counters summed below it")
    quantile: float | None = Field(default=None, gt=0, lt=1)
    aggregation: Literal["avg", "max", "sum"] | None = Field(default=None, description="gauge: across series")
    unit: Unit | None = Field(default=None, description="gauge: the unit its values are in")
    services: list[str] | Literal["all"] = Field(default_factory=list, description="empty: no service matcher")
    service_label: str = Field(default="job", pattern=LABEL_NAME)
    namespace_label: str = Field(default="namespace", pattern=LABEL_NAME)
    by: list[str] | None = Field(default=None, description="the alert's grouping; default: service_label, version")
    color: Literal["series", "pod-labels"] = Field(
        default="series",
        description="where the color comes from: the series' own `version`, or the pod's (kube_pod_labels, joined on pod)",
    )
    comparison: Literal[">", ">=", "<", "<="] = Field(description="fires when the measure compares so to threshold")
    # a bare count may be a YAML number (`100`): the validator below reads it as text
    threshold: str = Field(description="with its unit: 100ms, 2s, 5%, 100",
                           json_schema_extra={"type": ["string", "number"]})
    min_rate: Decimal | None = Field(default=None, gt=0, description="ratios: the volume below which they do not alert")
    duration: Duration = Field(min_length=1, pattern=DURATION, description="how long the condition lasts before it alerts")
    severity: Literal["critical", "warning", "info"]
    action: Literal["rollback"] | None = Field(default=None, description="rollback: an automatic rollback trigger")
    idle_alert: IdleAlert | None = Field(default=None, description="rollback rows: the idle color's alert")

    @field_validator("threshold", mode="before")
    @classmethod
    def _threshold(cls, value: Any) -> Any:
        if isinstance(value, bool):
            return value
        if isinstance(value, (int, float)):
            value = str(value)
        if not isinstance(value, str):
            return value
        match = _THRESHOLD.fullmatch(value.strip())
        if not match:
            raise ValueError(f"{value!r} is not a threshold: a number, then ms, s or % (or no unit for a count)")
        if match.group("number").startswith("-"):
            raise ValueError(f"{value!r}: a threshold is not negative")
        if match.group("unit") == "%" and Decimal(match.group("number")) > 100:
            raise ValueError(f"{value!r}: a percentage is at most 100%")
        return value.strip()

    @field_validator("numerator", "denominator")
    @classmethod
    def _selectors(cls, selectors: list[str] | None) -> list[str] | None:
        for position, selector in enumerate(selectors or []):
            if not SELECTOR.fullmatch(selector):
                raise CatalogProblem((position,), f"{selector!r} is not a metric name with optional {{label=\"value\"}} matchers")
        return selectors

    @field_validator("metric")
    @classmethod
    def _metric(cls, selector: str | None) -> str | None:
        if selector is not None and not SELECTOR.fullmatch(selector):
            raise ValueError(f"{selector!r} is not a metric name with optional {{label=\"value\"}} matchers")
        return selector

    @field_validator("by")
    @classmethod
    def _label_names(cls, names: list[str] | None) -> list[str] | None:
        for position, name in enumerate(names or []):
            if not re.fullmatch(LABEL_NAME, name):
                raise CatalogProblem((position,), f"{name!r} is not a Prometheus label name")
        return names

    @model_validator(mode="after")
    def _inputs_fit_measure(self) -> "Alert":
        needs: dict[str, tuple[str, ...]] = {
            "quantile": ("metric", "quantile"),
            "ratio": ("numerator", "denominator"),
            "gauge": ("metric", "aggregation", "unit"),
            "age": ("metric",),
            "errors": (),
        }
        for field in ("metric", "numerator", "denominator", "quantile", "aggregation", "unit"):
            given = getattr(self, field) is not None
            if field in needs[self.measure] and not given:
                raise CatalogProblem((field,), f"a {self.measure} row needs {field}")
            if field not in needs[self.measure] and given:
                raise CatalogProblem((field,), f"a {self.measure} row takes no {field}")
        if self.measure == "errors" and not self.services:
            raise CatalogProblem(("services",), "an errors row reads the services' requests: name them (or all)")
        if self.min_rate is not None and self.measure not in RATIOS:
            raise CatalogProblem(("min_rate",), f"a {self.measure} row takes no min_rate (ratios only)")
        if self.action == "rollback" and self.idle_alert is None:
            raise CatalogProblem(("idle_alert",), "a rollback row needs idle_alert: the idle color's verification alert")
        if self.action != "rollback" and self.idle_alert is not None:
            raise CatalogProblem(("idle_alert",), "only a rollback row has an idle color's alert")
        fits = CONVERSIONS[self.metric_unit]
        if self.threshold_unit not in fits:
            raise CatalogProblem(
                ("threshold",),
                f"{self.threshold} does not fit this {self.measure} (values in {self.metric_unit}): "
                f"give it in {UNIT_HINT[self.metric_unit]}",
            )
        return self

    @property
    def metric_unit(self) -> Unit:
        unit = MEASURE_UNIT[self.measure] or self.unit
        assert unit is not None
        return unit

    @property
    def threshold_number(self) -> Decimal:
        match = _THRESHOLD.fullmatch(self.threshold)
        assert match
        return Decimal(match.group("number"))

    @property
    def threshold_unit(self) -> str | None:
        match = _THRESHOLD.fullmatch(self.threshold)
        assert match
        return match.group("unit")

    @property
    def value(self) -> Decimal:
        """The threshold in the metric's unit: 100ms -> 0.1 (seconds), 5% -> 0.05 (a ratio)."""
        return (self.threshold_number * CONVERSIONS[self.metric_unit][self.threshold_unit]).normalize()

    @property
    def windowed(self) -> bool:
        return self.measure in WINDOWED

    def grouping(self, colored: bool = False) -> list[str]:
        """The alert's labels; a row whose color comes from the pods' labels gains `version` where
        there are colors."""
        names = list(self.by) if self.by is not None else [self.service_label, "version"]
        if colored and self.color == "pod-labels" and "version" not in names:
            names.append("version")
        return names


class MonitoringCatalog(Strict):
    """`blueprints/catalog/monitoring.yaml`."""

    version: Literal[1]
    prometheus: Prometheus
    scrape: ScrapeTable = ScrapeTable()
    contract: Contract
    defaults: Defaults
    targets: Targets
    alerts: list[Alert] = Field(min_length=1)

    @field_validator("alerts")
    @classmethod
    def _unique(cls, alerts: list[Alert]) -> list[Alert]:
        seen: dict[str, tuple[int, str]] = {}
        for index, alert in enumerate(alerts):
            names = [(alert.alert, "alert")] + ([(alert.idle_alert.alert, "idle_alert")] if alert.idle_alert else [])
            for name, field in names:
                if name in seen:
                    raise CatalogProblem((index, field), f"duplicate alert {name!r} (also alerts[{seen[name][0]}])")
                seen[name] = (index, field)
        return alerts

    @model_validator(mode="after")
    def _fits_the_catalog(self, info: ValidationInfo) -> "MonitoringCatalog":
        """Services named here exist, ports fit them, every tier has a contract, durations hold a
        window. The service catalog (name -> port, name -> tier) comes from the loader's context."""
        context = info.context or {}
        ports: dict[str, int] | None = context.get("service_ports")
        tiers: dict[str, str] | None = context.get("service_tiers")
        if ports is not None:
            for name in self.scrape.services:
                if name not in ports:
                    raise CatalogProblem(("scrape", "services", name), f"{name!r} is not a service of the catalog")
            for name, port in ports.items():
                where = ("scrape", "services", name) if name in self.scrape.services else ("scrape", "default")
                self._port_fits(self.scrape.for_service(name), name, port, where)
            for index, alert in enumerate(self.alerts):
                if alert.services == "all":
                    continue
                for position, name in enumerate(alert.services):
                    if name not in ports:
                        raise CatalogProblem(("alerts", index, "services", position), f"{name!r} is not a service of the catalog")
            for name in self.contract.services:
                if name not in ports:
                    raise CatalogProblem(("contract", "services", name), f"{name!r} is not a service of the catalog")
        if tiers is not None:
            for tier in sorted(set(tiers.values())):
                if tier not in self.contract.tiers:
                    raise CatalogProblem(("contract", "tiers"), f"tier {tier!r} has services but no contract")
        for index, alert in enumerate(self.alerts):
            if seconds(alert.duration) < seconds(self.window):
                raise CatalogProblem(
                    ("alerts", index, "duration"),
                    f"{alert.duration} is shorter than the window of two scrapes at the longest interval ({self.window})",
                )
        return self

    @staticmethod
    def _port_fits(scrape: Scrape, name: str, port: int, where: tuple[str, ...]) -> None:
        if scrape.port == HTTP and scrape.number is not None:
            raise CatalogProblem((*where, "number"), f"{name}: port http is the service's own ({port}); drop number")
        if scrape.port != HTTP and scrape.number is None:
            raise CatalogProblem((*where, "number"), f"{name}: a metrics port other than http ({scrape.port!r}) needs its number")
        if scrape.port != HTTP and scrape.number == port:
            raise CatalogProblem((*where, "number"), f"{name}: {port} is the service's http port; use port: http")

    @property
    def scrape_interval(self) -> Decimal:
        """The longest scrape interval, in seconds: what the windows and `for` are made for."""
        intervals = [self.scrape.default.interval, *(o.interval for o in self.scrape.services.values() if o.interval)]
        return max(seconds(i) for i in intervals)

    @property
    def window(self) -> str:
        """Every rate's window: two scrape intervals (the rule at the top of this module)."""
        return duration(SCRAPES_PER_WINDOW * self.scrape_interval)

    def rule_for(self, alert: Alert) -> str:
        """The rule's `for`: the row's duration, less one scrape interval for a windowed measure."""
        lasting = seconds(alert.duration)
        return duration(lasting - self.scrape_interval if alert.windowed else lasting)

    def min_rate(self, alert: Alert) -> Decimal | None:
        if alert.measure not in RATIOS:
            return None
        return alert.min_rate if alert.min_rate is not None else self.defaults.min_rate

    def concerns(self) -> list[str]:
        """The concerns in the order the table first names them."""
        return list(dict.fromkeys(a.concern for a in self.alerts))


# --- the rules' serving color, as a promotion changes it (read by the release steps, which must not
# import the constructs: gen chooses Node before anything loads jsii) --------------------------------

# a color matcher of the rules, as rendered (`version="blue"`) or inside a double-quoted YAML string
COLOR_MATCHER = re.compile(r'\b(label_version|version)=(\\?")(blue|green)(\\?")')


def recolored(text: str, was: "Color", now: "Color") -> str:
    """`text` with the rules' color matchers as they are once `now` serves in place of `was`: the
    one change a promotion or rollback makes to the rules."""
    swap = {was.value: now.value, now.value: was.value}
    return COLOR_MATCHER.sub(lambda m: f"{m.group(1)}={m.group(2)}{swap.get(m.group(3), m.group(3))}{m.group(4)}", text)
