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
from typing import Any, Literal

from pydantic import Field, ValidationInfo, field_validator, model_validator

from blueprints.types import CatalogProblem, Strict

DNS_LABEL = r"^[a-z0-9]([-a-z0-9]*[a-z0-9])?$"
LABEL_NAME = r"^[a-zA-Z_][a-zA-Z0-9_]*$"
# A Prometheus duration, largest unit first: 30s, 5m, 1h30m.
DURATION = r"^([0-9]+y)?([0-9]+w)?([0-9]+d)?([0-9]+h)?([0-9]+m)?([0-9]+s)?([0-9]+ms)?$"
_DURATION_PART = re.compile(r"([0-9]+)(ms|y|w|d|h|m|s)")
_SECONDS = {"ms": Decimal("0.001"), "s": 1, "m": 60, "h": 3600, "d": 86400, "w": 604800, "y": 31536000}
# A metric name with optional label matchers: http_requests_total{code=~"5.."}
_MATCHER = r'[a-zA-Z_][a-zA-Z0-9_]*(=|!=|=~|!~)"[^"\\]*"'
SELECTOR = re.compile(rf"^(?P<name>[a-zA-Z_:][a-zA-Z0-9_:]*)(\{{(?P<matchers>{_MATCHER}(,{_MATCHER})*)\}})?$")
_THRESHOLD = re.compile(r"^(?P<number>-?[0-9]+(\.[0-9]+)?)(?P<unit>ms|s|h|%)?$")
# Rate windows must hold several scrapes for rate() to be steady.
SCRAPES_PER_WINDOW = 4
HTTP = "http"  # the port every service serves (blueprints/workload.py): its own, the catalog's

Duration = str  # validated by DURATION where declared


def seconds(duration: str) -> Decimal:
    """A Prometheus duration in seconds."""
    return sum((Decimal(n) * _SECONDS[unit] for n, unit in _DURATION_PART.findall(duration)), Decimal(0))


def selector_parts(selector: str) -> tuple[str, list[str]]:
    """(metric name, its own matchers) of `name{a="b",...}`."""
    match = SELECTOR.match(selector)
    assert match, selector
    matchers = match.group("matchers") or ""
    return match.group("name"), [m.group(0) for m in re.finditer(_MATCHER, matchers)]


class Prometheus(Strict):
    """The Prometheus (run by the Prometheus Operator) that scrapes the platform."""

    namespace: str = Field(pattern=DNS_LABEL, description="where it runs; its pods reach the services' metrics ports")
    pod_labels: dict[str, str] = Field(min_length=1, description="labels of its pods (the NetworkPolicy peer)")
    object_labels: dict[str, str] = Field(
        default_factory=dict, description="labels its serviceMonitorSelector and ruleSelector match"
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


Measure = Literal["quantile", "ratio", "gauge", "age"]
Unit = Literal["seconds", "ratio", "percent", "count"]
# The unit each measure's value is in; a gauge states its own.
MEASURE_UNIT: dict[str, Unit | None] = {"quantile": "seconds", "ratio": "ratio", "gauge": None, "age": "seconds"}
# Which threshold units fit a metric unit, and the factor to the metric's unit.
CONVERSIONS: dict[Unit, dict[str | None, Decimal]] = {
    "seconds": {"ms": Decimal("0.001"), "s": Decimal(1), "h": Decimal(3600)},
    "ratio": {"%": Decimal("0.01")},
    "percent": {"%": Decimal(1)},
    "count": {None: Decimal(1)},
}
UNIT_HINT = {"seconds": "ms, s or h", "ratio": "%", "percent": "%", "count": "a plain number"}


class Alert(Strict):
    """One alert: one threshold of the seed.

    quantile: histogram_quantile(`quantile`, <`metric`>_bucket) per `by`, over `window`.
    ratio:    sum of `numerator` rates / sum of `denominator` rates per `by`, over `window`.
    gauge:    `aggregation` per `by` of each series' average over `window`.
    age:      seconds since the newest timestamp per `by` of `metric` (a gauge of Unix times).
    Every selector gets `<namespace_label>="<the platform's namespace>"` and, with `services`, a
    matcher of those services on `service_label` (`all`: every service of the catalog).
    """

    alert: str = Field(pattern=r"^[A-Z][A-Za-z0-9]*$", description="the alert's name")
    concern: str = Field(pattern=DNS_LABEL, description="rows of one concern make one PrometheusRule")
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
    window: Duration = Field(default="5m", min_length=1, pattern=DURATION, description="the rate or average window")
    comparison: Literal[">", ">=", "<", "<="] = Field(description="fires when the measure compares so to threshold")
    # a bare count may be a YAML number (`100`): the validator below reads it as text
    threshold: str = Field(description="with its unit: 100ms, 2s, 5%, 100",
                           json_schema_extra={"type": ["string", "number"]})
    for_: Duration = Field(alias="for", min_length=1, pattern=DURATION, description="how long the condition holds before it fires")
    severity: Literal["critical", "warning", "info"]
    action: Literal["rollback"] | None = Field(default=None, description="rollback: an automatic rollback trigger")

    @field_validator("threshold", mode="before")
    @classmethod
    def _threshold(cls, value: Any) -> Any:
        if isinstance(value, bool):
            return value
        if isinstance(value, (int, float)):
            value = str(value)
        if not isinstance(value, str):
            return value
        match = _THRESHOLD.match(value.strip())
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
            if not SELECTOR.match(selector):
                raise CatalogProblem((position,), f"{selector!r} is not a metric name with optional {{label=\"value\"}} matchers")
        return selectors

    @field_validator("metric")
    @classmethod
    def _metric(cls, selector: str | None) -> str | None:
        if selector is not None and not SELECTOR.match(selector):
            raise ValueError(f"{selector!r} is not a metric name with optional {{label=\"value\"}} matchers")
        return selector

    @field_validator("by")
    @classmethod
    def _label_names(cls, names: list[str] | None) -> list[str] | None:
        for position, name in enumerate(names or []):
            if not re.match(LABEL_NAME, name):
                raise CatalogProblem((position,), f"{name!r} is not a Prometheus label name")
        return names

    @model_validator(mode="after")
    def _inputs_fit_measure(self) -> "Alert":
        needs: dict[str, tuple[str, ...]] = {
            "quantile": ("metric", "quantile"),
            "ratio": ("numerator", "denominator"),
            "gauge": ("metric", "aggregation", "unit"),
            "age": ("metric",),
        }
        for field in ("metric", "numerator", "denominator", "quantile", "aggregation", "unit"):
            given = getattr(self, field) is not None
            if field in needs[self.measure] and not given:
                raise CatalogProblem((field,), f"a {self.measure} row needs {field}")
            if field not in needs[self.measure] and given:
                raise CatalogProblem((field,), f"a {self.measure} row takes no {field}")
        fits = CONVERSIONS[self.metric_unit]
        if self.threshold_unit not in fits:
            raise CatalogProblem(
                ("threshold",),
                f"{self.threshold} does not fit this {self.measure} (values in {self.metric_unit}): "
                f"give it in {UNIT_HINT[self.metric_unit]}",
            )
        if seconds(self.window) <= 0:
            raise CatalogProblem(("window",), "a window is longer than 0")
        return self

    @property
    def metric_unit(self) -> Unit:
        unit = MEASURE_UNIT[self.measure] or self.unit
        assert unit is not None
        return unit

    @property
    def threshold_number(self) -> Decimal:
        match = _THRESHOLD.match(self.threshold)
        assert match
        return Decimal(match.group("number"))

    @property
    def threshold_unit(self) -> str | None:
        match = _THRESHOLD.match(self.threshold)
        assert match
        return match.group("unit")

    @property
    def value(self) -> Decimal:
        """The threshold in the metric's unit: 100ms -> 0.1 (seconds), 5% -> 0.05 (a ratio)."""
        return (self.threshold_number * CONVERSIONS[self.metric_unit][self.threshold_unit]).normalize()

    @property
    def grouping(self) -> list[str]:
        return list(self.by) if self.by is not None else [self.service_label, "version"]


class MonitoringCatalog(Strict):
    """`blueprints/catalog/monitoring.yaml`."""

    version: Literal[1]
    prometheus: Prometheus
    scrape: ScrapeTable = ScrapeTable()
    alerts: list[Alert] = Field(min_length=1)

    @field_validator("alerts")
    @classmethod
    def _unique(cls, alerts: list[Alert]) -> list[Alert]:
        seen: dict[str, int] = {}
        for index, alert in enumerate(alerts):
            if alert.alert in seen:
                raise CatalogProblem((index, "alert"), f"duplicate alert {alert.alert!r} (also alerts[{seen[alert.alert]}])")
            seen[alert.alert] = index
        return alerts

    @model_validator(mode="after")
    def _fits_the_catalog(self, info: ValidationInfo) -> "MonitoringCatalog":
        """Services named here exist, ports fit them, windows hold enough scrapes. The service
        catalog (name -> port) comes from the loader's context."""
        ports: dict[str, int] | None = (info.context or {}).get("service_ports")
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
        intervals = [self.scrape.default.interval, *(o.interval for o in self.scrape.services.values() if o.interval)]
        longest = max(intervals, key=seconds)
        for index, alert in enumerate(self.alerts):
            if seconds(alert.window) < SCRAPES_PER_WINDOW * seconds(longest):
                raise CatalogProblem(
                    ("alerts", index, "window"),
                    f"{alert.window} holds fewer than {SCRAPES_PER_WINDOW} scrapes at the longest interval ({longest})",
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

    def concerns(self) -> list[str]:
        """The concerns in the order the table first names them."""
        return list(dict.fromkeys(a.concern for a in self.alerts))
