"""The rendered alerts, evaluated by Prometheus's own rule engine (promtool test rules).

For every alert of the rendered PrometheusRules, synthetic series (scraped every 30s, the table's
interval; rules evaluated every 15s, the groups' interval) put it through: a condition well above
its threshold, one just above, one just below, one shorter than its duration, quiet traffic below
its minimum volume, and, for the rollback alerts, a failing idle color beside a healthy serving
one. Each alert must fire between its seed duration D and D + one scrape + one evaluation interval
after its condition starts (the rule beside monitoring.yaml's table), stop within one scrape + one
evaluation interval after it ends, not fire below its threshold or on too little traffic, and
name the failing service and color only, while the other color stays healthy.

promtool comes from Debian's `prometheus` package; without it these tests fail (README, "Set up").
"""

from __future__ import annotations

import shutil
import subprocess
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import Callable

import pytest
import yaml

from blueprints.monitoring import scrape_jobs
from blueprints.monitoring_spec import Alert, seconds
from generator.catalog import load_catalog
from tests.conftest import PROJECT, part_objects

CATALOG = load_catalog(PROJECT)
TABLE = CATALOG.monitoring
NAMESPACE = "therapeutic-ai"
SCRAPE = int(TABLE.scrape_interval)                                  # 30
EVALUATION = int(seconds(TABLE.prometheus.evaluation_interval))      # 15
START = 600          # t0: ten minutes of healthy series first
VOLUME = 1000        # requests (operations, probes) per scrape interval: 33 a second
PROMTOOL_MISSING = ("promtool is not on PATH: run .ci/promtool (Debian's `prometheus` package; "
                    "the README's set-up command runs it)")


def promtool() -> str:
    path = shutil.which("promtool")
    if path is None:
        pytest.fail(PROMTOOL_MISSING, pytrace=False)
    return path


# --- the rendered alerts -------------------------------------------------------------------------

def rendered_rules(objects, env: str) -> dict[str, tuple[dict, dict]]:
    """alert name -> (rule, its group), from the rendered PrometheusRules of env."""
    found = {}
    for obj in part_objects(objects, env, "shared"):
        if obj["kind"] == "PrometheusRule":
            for group in obj["spec"]["groups"]:
                for rule in group["rules"]:
                    found[rule["alert"]] = (rule, group)
    return found


def row(name: str) -> Alert:
    rows = [a for a in TABLE.alerts if name in (a.alert, a.idle_alert.alert if a.idle_alert else None)]
    assert len(rows) == 1, name
    return rows[0]


# --- synthetic series ---------------------------------------------------------------------------

@dataclass
class Timeline:
    """When the condition holds: the scrape intervals (start, end], and the level it has then."""

    start: int
    end: int
    samples: int

    def bad(self, k: int) -> bool:
        """Interval k (from sample k-1 to sample k) lies in the condition; for a gauge, sample k
        shows it."""
        return self.start < k * SCRAPE <= self.end


def counter(per_interval: Callable[[int], float], samples: int) -> str:
    total, values = 0.0, ["0"]
    for k in range(1, samples):
        total += per_interval(k)
        values.append(repr(round(total, 6)))
    return " ".join(values)


def gauge(value: Callable[[int], float], samples: int) -> str:
    return " ".join(repr(round(value(k), 6)) for k in range(samples))


@dataclass
class Case:
    """The input series of one promtool test."""

    series: list[dict] = field(default_factory=list)

    def add(self, name: str, labels: dict[str, str], values: str) -> None:
        matchers = ",".join(f'{k}="{v}"' for k, v in sorted(labels.items()))
        self.series.append({"series": f"{name}{{{matchers}}}", "values": values})


GO_SERVICE, PYTHON_SERVICE = "api-gateway", "ai-gateway"


def status_labels(service: str, error: bool) -> dict[str, str]:
    tier = next(s.tier.value for s in CATALOG.services.services if s.name == service)
    contract = TABLE.contract.tiers[tier]
    if contract.status_label == "code":
        return {"code": "503" if error else "200"}
    return {contract.status_label: "5xx" if error else "2xx"}


def color_labels(color: str | None) -> dict[str, str]:
    return {"version": color} if color else {}


# Each kind makes the series an alert reads: `share(k)` is the condition's level in interval k for
# the failing target, `healthy` its level elsewhere; `volume` the traffic per interval.

def errors_series(t: Timeline, case: Case, services: list[str], colors: list[str | None], failing, share, volume: int) -> None:
    for service in services:
        for color in colors:
            labels = {"namespace": NAMESPACE, "job": service, **color_labels(color)}
            level = share if (service, color) == failing else (lambda k: 0.0)
            case.add("http_requests_total", {**labels, **status_labels(service, True)},
                     counter(lambda k, level=level: volume * level(k), t.samples))
            case.add("http_requests_total", {**labels, **status_labels(service, False)},
                     counter(lambda k, level=level: volume * (1 - level(k)), t.samples))


def histogram_series(t: Timeline, case: Case, metric: str, labels_for: list[dict], failing: dict, share, volume: int,
                     threshold: float) -> None:
    """Buckets at threshold/2, 2 x threshold and +Inf: the failing series' slow share lands in the
    middle one (p95 above the threshold from 7.5% slow on)."""
    for labels in labels_for:
        level = share if labels == failing else (lambda k: 0.0)
        for le, slow_counts in ((repr(threshold / 2), False), (repr(threshold * 2), True), ("+Inf", True)):
            def per(k, level=level, slow_counts=slow_counts):
                return volume if slow_counts else volume * (1 - level(k))
            case.add(f"{metric}_bucket", {**labels, "le": le}, counter(per, t.samples))


@dataclass(frozen=True)
class Scenario:
    name: str
    level: str                  # strong, edge (just past the threshold), below (just short of it)
    lasts: int                  # seconds the condition holds
    quiet: bool = False
    failing_color: str | None = None
    fires: bool = True          # whether the alert should fire at all


def levels(alert: Alert) -> dict[str, float]:
    """The condition's level: well past the threshold, just past it, just short of it."""
    value = float(alert.value)
    if alert.measure in ("ratio", "errors") and alert.comparison in (">", ">="):
        return {"strong": min(1.0, value * 10), "edge": value * 1.2, "below": value * 0.8}
    if alert.measure == "ratio":  # a low ratio fires (cache hits)
        return {"strong": 0.5, "edge": value - 0.01, "below": value + 0.01}
    if alert.measure == "quantile":  # the share of slow requests (see histogram_series)
        return {"strong": 1.0, "edge": 0.08, "below": 0.07}
    if alert.measure == "age":  # time() runs past the last sample by up to one scrape interval
        return {"strong": value * 2, "edge": value + 1, "below": value - SCRAPE - 1}
    return {"strong": value * 2, "edge": value + 1, "below": value - 1}


def build(alert: Alert, env: str, scenario: Scenario, t: Timeline) -> tuple[list[dict], dict[str, str]]:
    """The input series of a scenario and the labels the alert fires with (less the rule's own)."""
    level = levels(alert)[scenario.level]
    share = lambda k: level if t.bad(k) else 0.0  # noqa: E731
    # quiet: half the row's minimum volume, for the failing service and color
    volume = float(TABLE.min_rate(alert) or 0) * SCRAPE / 2 if scenario.quiet else VOLUME
    colors: list[str | None] = ["blue", "green"] if CATALOG.environment(env).blue_green else [None]
    failing_color = scenario.failing_color or colors[0]
    case = Case()
    if alert.measure == "errors":
        services = [GO_SERVICE, PYTHON_SERVICE]
        errors_series(t, case, services, colors, (GO_SERVICE, failing_color), share, volume)
        return case.series, {"job": GO_SERVICE, **color_labels(failing_color)}
    if alert.measure == "quantile":
        assert alert.metric is not None
        name_, _, own = alert.metric.partition("{")
        extra = dict(part.split("=") for part in own.rstrip("}").split(",")) if own else {}
        extra = {k: v.strip('"') for k, v in extra.items()}
        service = alert.services[0] if alert.services and alert.services != "all" else "chat-history"
        labels_for = [{"namespace": NAMESPACE, "job": service, **color_labels(c), **extra} for c in colors]
        failing = {"namespace": NAMESPACE, "job": service, **color_labels(failing_color), **extra}
        histogram_series(t, case, name_, labels_for, failing, share, volume, float(alert.value))
        return case.series, {"job": service, **color_labels(failing_color)}
    if alert.measure == "gauge":
        assert alert.metric is not None
        if alert.namespace_label == "exported_namespace":  # dcgm-exporter: one series per GPU
            container = alert.services[0]  # type: ignore[index]
            for gpu in ("0", "1"):
                labels = {"exported_namespace": NAMESPACE, "exported_container": container, "gpu": gpu}
                case.add(alert.metric, labels, gauge(lambda k: level if t.bad(k) else 10.0, t.samples))
            return case.series, {"exported_container": container}
        service = alert.services[0]  # type: ignore[index]
        for color in colors:
            value = (lambda k: level if t.bad(k) else 10.0) if color == failing_color else (lambda k: 10.0)
            case.add(alert.metric, {"namespace": NAMESPACE, "job": service, "pod": f"{service}-{color}-0",
                                    **color_labels(color)}, gauge(value, t.samples))
        return case.series, {"job": service, **color_labels(failing_color)}
    if alert.measure == "age":  # a gauge of Unix times: a sample's age is its time less its value
        assert alert.metric is not None
        for cronjob, failing in (("postgres-pgdumpall", True), ("mongodb-mongodump", False)):
            age = (lambda k: level if t.bad(k) else 3600.0) if failing else (lambda k: 3600.0)
            case.add(alert.metric.partition("{")[0], {"namespace": NAMESPACE, "cronjob": cronjob, "job": "kube-state-metrics"},
                     gauge(lambda k, age=age: k * SCRAPE - age(k), t.samples))
        return case.series, {"cronjob": "postgres-pgdumpall"}
    # ratios of the table: the Redis cache (hits over operations) and the kubelet's probes
    if alert.numerator and alert.numerator[0].startswith("redis_keyspace_hits_total"):
        hit = lambda k: level if t.bad(k) else 0.95  # noqa: E731
        for pod in ("redis-0", "redis-1"):
            labels = {"namespace": NAMESPACE, "job": "redis-exporter", "pod": pod}
            case.add("redis_keyspace_hits_total", labels, counter(lambda k: volume / 2 * hit(k), t.samples))
            case.add("redis_keyspace_misses_total", labels, counter(lambda k: volume / 2 * (1 - hit(k)), t.samples))
        return case.series, {}
    # probes: readiness and liveness per pod, colors from kube_pod_labels; a startup probe that
    # always fails (a model loading) must not count
    service = GO_SERVICE
    for color in colors:
        for index in range(2):
            pod = f"{service}-{color or 'app'}-{index}"
            level_of = share if color == failing_color else (lambda k: 0.0)
            labels = {"namespace": NAMESPACE, "container": service, "pod": pod, "job": "kubelet"}
            for probe in ("Readiness", "Liveness"):
                case.add("prober_probe_total", {**labels, "probe_type": probe, "result": "failed"},
                         counter(lambda k, f=level_of: volume / 4 * f(k), t.samples))
                case.add("prober_probe_total", {**labels, "probe_type": probe, "result": "successful"},
                         counter(lambda k, f=level_of: volume / 4 * (1 - f(k)), t.samples))
            case.add("prober_probe_total", {**labels, "probe_type": "Startup", "result": "failed"},
                     counter(lambda k: VOLUME, t.samples))
            pod_labels = {"namespace": NAMESPACE, "pod": pod, "job": "kube-state-metrics"}
            if color:
                pod_labels["label_version"] = color
            case.add("kube_pod_labels", pod_labels, gauge(lambda k: 1, t.samples))
    return case.series, {"container": service, **color_labels(failing_color)}


# --- promtool ---------------------------------------------------------------------------------------

def evaluate(tmp_path: Path, rule: dict, group: dict, series: list[dict], checks: list[tuple[int, list[dict]]]) -> None:
    """Run promtool over one rule (annotations left out: they do not decide firing) and series;
    each check: (seconds, the alerts' full label sets expected firing then)."""
    quiet_rule = {k: v for k, v in rule.items() if k != "annotations"}
    (tmp_path / "rules.yaml").write_text(yaml.safe_dump(
        {"groups": [{"name": group["name"], "interval": group["interval"], "rules": [quiet_rule]}]}))
    tests = {
        "rule_files": ["rules.yaml"],
        "evaluation_interval": f"{EVALUATION}s",
        "tests": [{
            "interval": f"{SCRAPE}s",
            "input_series": series,
            "alert_rule_test": [
                {"eval_time": f"{at}s", "alertname": rule["alert"], "exp_alerts": [{"exp_labels": e} for e in expected]}
                for at, expected in checks
            ],
        }],
    }
    (tmp_path / "tests.yaml").write_text(yaml.safe_dump(tests, sort_keys=False))
    result = subprocess.run([promtool(), "test", "rules", "tests.yaml"], cwd=tmp_path, capture_output=True, text=True)
    assert result.returncode == 0, f"{rule['alert']}:\n{result.stdout}{result.stderr}"


def run(tmp_path: Path, objects, env: str, name: str, scenario: Scenario) -> None:
    """Put alert `name` of env through `scenario`: silent just before its duration, firing by the
    end of its bound, silent again within the bound after the condition ends."""
    rule, group = rendered_rules(objects, env)[name]
    alert = row(name)
    duration = int(seconds(alert.duration))
    bound = SCRAPE + EVALUATION
    end = START + scenario.lasts
    timeline = Timeline(START, end, (end + duration + 600) // SCRAPE)
    series, fired = build(alert, env, scenario, timeline)
    expected = [{**fired, **rule["labels"]}]
    if scenario.fires:
        checks = [(START + duration - EVALUATION, []), (START + duration + bound, expected), (end + bound, [])]
    else:
        checks = [(START + duration + bound, []), (START + scenario.lasts + bound - EVALUATION, []),
                  (min(end, START + 2 * duration), [])]
    evaluate(tmp_path, rule, group, series, checks)


SERVING, IDLE = "blue", "green"  # production's record: blue serves (checked below)


def seed_alerts() -> list[str]:
    return [a.alert for a in TABLE.alerts]


def test_production_serves_blue_as_these_scenarios_assume():
    release = CATALOG.release("production")
    assert release is not None and release.active.value == SERVING


@pytest.mark.parametrize("name", seed_alerts())
@pytest.mark.parametrize("level", ["strong", "edge"])
def test_each_alert_fires_within_its_bound_and_stops_within_it(tmp_path, objects, name, level):
    """Held twice its duration (at least 3m past it), well past the threshold or just past it."""
    duration = int(seconds(row(name).duration))
    run(tmp_path, objects, "production", name, Scenario(level, level, lasts=max(2 * duration, duration + 180)))


@pytest.mark.parametrize("name", seed_alerts())
def test_no_alert_fires_just_short_of_its_threshold(tmp_path, objects, name):
    duration = int(seconds(row(name).duration))
    run(tmp_path, objects, "production", name, Scenario("below", "below", lasts=2 * duration, fires=False))


@pytest.mark.parametrize("name", seed_alerts())
def test_no_alert_fires_on_a_condition_shorter_than_its_duration(tmp_path, objects, name):
    """Well past the threshold, but a minute short of the duration (the issue's 90-second outage
    for the 3-minute error alert)."""
    duration = int(seconds(row(name).duration))
    run(tmp_path, objects, "production", name, Scenario("short", "strong", lasts=duration - 60, fires=False))


RATIO_ALERTS = [a.alert for a in TABLE.alerts if TABLE.min_rate(a) is not None]


def test_every_ratio_has_a_minimum_volume():
    assert sorted(RATIO_ALERTS) == ["CacheHitRateLow", "RollbackErrorRateHigh", "RollbackHealthChecksFailing",
                                    "ServiceErrorRateHigh"]
    assert TABLE.defaults.min_rate == Decimal("0.5")


@pytest.mark.parametrize("name", RATIO_ALERTS)
def test_quiet_traffic_below_the_minimum_volume_does_not_alert(tmp_path, objects, name):
    """Well past the threshold, at half the minimum volume: one failed request of a few is not a rate."""
    duration = int(seconds(row(name).duration))
    run(tmp_path, objects, "production", name, Scenario("quiet", "strong", lasts=2 * duration, quiet=True, fires=False))


ROLLBACK = [(a.alert, a.idle_alert.alert) for a in TABLE.alerts if a.action == "rollback" and a.idle_alert]


@pytest.mark.parametrize("serving,idle", ROLLBACK)
def test_a_failing_idle_color_is_a_verification_alert_not_a_rollback(tmp_path, objects, serving, idle):
    """Green (idle) fails while blue serves healthily: the rollback alert stays silent, the idle
    color's alert fires, for green."""
    duration = int(seconds(row(serving).duration))
    run(tmp_path, objects, "production", idle, Scenario("idle", "strong", lasts=2 * duration, failing_color=IDLE))
    (tmp_path / "serving").mkdir()
    run(tmp_path / "serving", objects, "production", serving,
        Scenario("idle", "strong", lasts=2 * duration, failing_color=IDLE, fires=False))


@pytest.mark.parametrize("serving,idle", ROLLBACK)
def test_a_failing_serving_color_calls_a_rollback_for_that_color_alone(tmp_path, objects, serving, idle):
    """Blue (serving) fails while green is healthy: the rollback alert fires for blue; the idle
    color's alert stays silent."""
    duration = int(seconds(row(serving).duration))
    run(tmp_path, objects, "production", serving, Scenario("serving", "strong", lasts=2 * duration))
    (tmp_path / "idle").mkdir()
    run(tmp_path / "idle", objects, "production", idle,
        Scenario("serving", "strong", lasts=2 * duration, failing_color=SERVING, fires=False))


@pytest.mark.parametrize("name", [serving for serving, _ in ROLLBACK])
def test_development_without_colors_calls_the_same_rollback(tmp_path, objects, name):
    duration = int(seconds(row(name).duration))
    run(tmp_path, objects, "development", name, Scenario("strong", "strong", lasts=2 * duration))


def test_the_issues_examples_hold():
    """Error rate > 5% for 3 minutes: fires from 3m to 3m45s; the old 2m window plus for: 3m
    fired after about 4m45s."""
    alert = row("RollbackErrorRateHigh")
    assert (alert.duration, TABLE.window, TABLE.rule_for(alert)) == ("3m", "1m", "2m30s")
    assert (SCRAPE, EVALUATION) == (30, 15)


# --- per scrape job: a target down, a job without targets -------------------------------------------

def target_case(t: Timeline, down: str, how: str) -> list[dict]:
    """`up` for every scrape job of production (a pod each), `down`'s target failing (`up` 0) or gone
    (stale: Prometheus marks a vanished target's series so) during the timeline."""
    case = Case()
    for job in scrape_jobs(CATALOG, CATALOG.environment("production")):
        labels = {"namespace": NAMESPACE, "job": job, "pod": f"{job}-0"}
        if job != down:
            case.add("up", labels, gauge(lambda k: 1, t.samples))
        elif how == "down":
            case.add("up", labels, gauge(lambda k: 0 if t.bad(k) else 1, t.samples))
        else:
            case.add("up", labels, " ".join("stale" if t.bad(k) else "1" for k in range(t.samples)))
    return case.series


@pytest.mark.parametrize("name,how,fired", [
    ("ScrapeTargetDown", "down", {"job": GO_SERVICE, "pod": f"{GO_SERVICE}-0"}),
    ("ScrapeJobMissing", "gone", {"job": GO_SERVICE}),
    ("ScrapeTargetDown", "down-exporter", {"job": "redis-exporter", "pod": "redis-exporter-0"}),
    ("ScrapeJobMissing", "gone-exporter", {"job": "redis-exporter"}),
])
def test_a_scrape_job_that_stops_answering_or_disappears_alerts_within_its_bound(tmp_path, objects, name, how, fired):
    rule, group = rendered_rules(objects, "production")[name]
    duration = int(seconds(TABLE.targets.duration))
    end = START + 2 * duration
    t = Timeline(START, end, (end + 600) // SCRAPE)
    series = target_case(t, fired["job"], how.split("-")[0])
    expected = [{"namespace": NAMESPACE, **fired, **rule["labels"]}]
    bound = SCRAPE + EVALUATION
    evaluate(tmp_path, rule, group, series,
             [(START + duration - EVALUATION, []), (START + duration + bound, expected), (end + bound, [])])


def test_every_scrape_job_has_both_alerts(objects):
    rules = rendered_rules(objects, "production")
    jobs = scrape_jobs(CATALOG, CATALOG.environment("production"))
    # one per service, and the store exporters the production values enable (redis's)
    assert set(jobs) == {s.name for s in CATALOG.services.services} | {"redis-exporter"}
    for job in jobs:
        assert f'absent(up{{namespace="{NAMESPACE}",job="{job}"}})' in rules["ScrapeJobMissing"][0]["expr"]
        assert job in rules["ScrapeTargetDown"][0]["expr"]
