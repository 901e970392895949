"""Monitoring (issue 7): the seed's thresholds, in the one table and in the rendered alerts;
ServiceMonitors per service where a Prometheus Operator runs; bad rows fail with file, line, field.

The seed's facts are typed below from shared/seed/deployment-guide.md ("Production Monitoring",
"Automated Rollback Triggers"), so a table or blueprint change that drifts from them fails here.
"""

from __future__ import annotations

from decimal import Decimal

import promql_parser
import pytest

from blueprints.monitoring_spec import MonitoringCatalog
from generator import yamlio
from generator.catalog import MONITORING_FILE, load_catalog
from tests.netpolicy import Pod, allows
from generator.rendered import selects
from tests.conftest import PROJECT, edit, find, part_objects, plan_project, refuses_bad_input

CATALOG = load_catalog(PROJECT)
TABLE = CATALOG.monitoring
SERVICES = [s.name for s in CATALOG.services.services]
ARGOCD_ENVS = ["development", "staging", "production"]
NAMESPACE = "therapeutic-ai"

# The seed's words -> (comparison that fires the alert, threshold number, its unit, the number the
# expression compares with, in the metric's unit). The seed states objectives ("<100ms"), so those
# alerts fire on the opposite ("at or above 100ms"); the rollback conditions fire as stated.
SEED_SLOS = {
    "API Gateway <100ms": (">=", 100, "ms", Decimal("0.1")),
    "AI Gateway <2s": (">=", 2, "s", Decimal("2")),
    "Auth <50ms": (">=", 50, "ms", Decimal("0.05")),
    "<1% for all 20 services": (">=", 1, "%", Decimal("0.01")),
    "<10ms PostgreSQL": (">=", 10, "ms", Decimal("0.01")),
    "<20ms MongoDB": (">=", 20, "ms", Decimal("0.02")),
    "<5ms Redis": (">=", 5, "ms", Decimal("0.005")),
    "<5ms ScyllaDB": (">=", 5, "ms", Decimal("0.005")),
    "<500ms search": (">=", 500, "ms", Decimal("0.5")),
    "<1s embedding": (">=", 1, "s", Decimal("1")),
    "<2s generation": (">=", 2, "s", Decimal("2")),
    "<100 background tasks": (">=", 100, None, Decimal("100")),
    ">85% hit rate": ("<=", 85, "%", Decimal("0.85")),
    "<80% average for BGE/Qwen hosts": (">=", 80, "%", Decimal("80")),  # DCGM reports 0-100
}
# The seed's automatic rollback conditions: (comparison, threshold, unit, expression number, for).
SEED_ROLLBACK = {
    "Health check failure rate >10% for 5 minutes": (">", 10, "%", Decimal("0.1"), "5m"),
    "Error rate >5% for 3 minutes": (">", 5, "%", Decimal("0.05"), "3m"),
}

# The seed's checklist item "Backup and recovery procedures tested" as an alert: a dump older
# than a day plus a margin (comparison, threshold, unit, expression number in seconds).
SEED_CHECKLIST = {
    "Backup and recovery procedures tested": (">", 26, "h", Decimal("93600")),
}


def row_for(words: str):
    rows = [a for a in TABLE.alerts if words in a.seed]
    assert len(rows) == 1, f"{words!r}: {len(rows)} rows of monitoring.yaml quote it"
    return rows[0]


def rendered_alerts(objects, env: str) -> dict[str, dict]:
    rules = [o for o in part_objects(objects, env, "shared") if o["kind"] == "PrometheusRule"]
    alerts = [r for o in rules for g in o["spec"]["groups"] for r in g["rules"]]
    names = [a["alert"] for a in alerts]
    assert len(names) == len(set(names)), names
    return {a["alert"]: a for a in alerts}


def threshold_of(expr: str) -> tuple[str, Decimal]:
    """(comparison, number) at the top of an alert's expression, as PromQL parses it."""
    tree = promql_parser.parse(expr)
    assert isinstance(tree, promql_parser.BinaryExpr), expr
    assert isinstance(tree.rhs, promql_parser.NumberLiteral), expr
    return str(tree.op), Decimal(repr(tree.rhs.val))


# --- the seed's thresholds: in the table, then in the rendered alerts --------------------------

def test_every_seed_threshold_is_one_row_of_the_table_with_its_number_and_unit():
    rows = []
    for words, (comparison, number, unit, value) in SEED_SLOS.items():
        row = row_for(words)
        assert (row.comparison, row.threshold_number, row.threshold_unit) == (comparison, number, unit), words
        assert row.value == value, f"{words}: {row.threshold} compares as {row.value}, not {value}"
        assert row.action is None, words
        rows.append(row.alert)
    for words, (comparison, number, unit, value, for_) in SEED_ROLLBACK.items():
        row = row_for(words)
        assert (row.comparison, row.threshold_number, row.threshold_unit, row.value) == (comparison, number, unit, value)
        assert row.for_ == for_, words
        rows.append(row.alert)
    for words, (comparison, number, unit, value) in SEED_CHECKLIST.items():
        row = row_for(words)
        assert (row.comparison, row.threshold_number, row.threshold_unit, row.value) == (comparison, number, unit, value)
        rows.append(row.alert)
    # nothing in the table that the seed does not ask for
    assert sorted(rows) == sorted(a.alert for a in TABLE.alerts)
    assert len(rows) == 17


def test_milliseconds_become_seconds_and_percent_a_ratio():
    """The metrics are in seconds and ratios (histograms in _seconds, counters divided)."""
    assert row_for("API Gateway <100ms").metric_unit == "seconds"
    assert row_for("<1% for all 20 services").metric_unit == "ratio"
    assert row_for(">85% hit rate").metric_unit == "ratio"
    assert row_for("<80% average for BGE/Qwen hosts").metric_unit == "percent"


def test_production_has_one_alert_per_row_with_the_seed_threshold_in_its_expression(objects):
    alerts = rendered_alerts(objects, "production")
    assert len(alerts) == len(TABLE.alerts)
    assert sorted(alerts) == sorted(a.alert for a in TABLE.alerts)
    expected = {words: (fact[0], fact[3]) for words, fact in [*SEED_SLOS.items(), *SEED_ROLLBACK.items()]}
    for words, (comparison, value) in expected.items():
        alert = alerts[row_for(words).alert]
        assert threshold_of(alert["expr"]) == (comparison, value), f"{alert['alert']}: {alert['expr']}"
        assert words in alert["annotations"]["description"], alert["alert"]


@pytest.mark.parametrize("env", ARGOCD_ENVS)
def test_every_environment_gets_the_same_thresholds(objects, env):
    mine = {name: threshold_of(a["expr"]) for name, a in rendered_alerts(objects, env).items()}
    assert mine == {name: threshold_of(a["expr"]) for name, a in rendered_alerts(objects, "production").items()}


@pytest.mark.parametrize("env", ARGOCD_ENVS)
def test_every_alert_expression_parses_and_reads_only_the_platforms_namespace(objects, env):
    for name, alert in rendered_alerts(objects, env).items():
        try:
            tree = promql_parser.parse(alert["expr"])
        except ValueError as exc:
            pytest.fail(f"{env}: alert {name}: expr does not parse: {exc}\n{alert['expr']}")
        selectors = []
        promql_parser.walk(tree, lambda node: selectors.append(node) if isinstance(node, promql_parser.VectorSelector) else None)
        assert selectors, name
        for vs in selectors:
            namespaces = [m.value for m in vs.matchers.matchers if m.name in ("namespace", "exported_namespace")]
            assert namespaces == [NAMESPACE], f"{name}: {vs.name} {vs.matchers}"


def test_the_rollback_alerts_carry_the_routing_label_and_the_seeds_durations(objects):
    alerts = rendered_alerts(objects, "production")
    rollback = {name: a for name, a in alerts.items() if a["labels"].get("action") == "rollback"}
    assert len(rollback) == 2
    for words, (comparison, _, _, value, for_) in SEED_ROLLBACK.items():
        alert = rollback[row_for(words).alert]
        assert alert["for"] == for_
        assert threshold_of(alert["expr"]) == (comparison, value)
        assert alert["labels"] == {"severity": "critical", "action": "rollback"}
    for name, alert in alerts.items():
        assert alert["labels"]["severity"] in ("critical", "warning", "info"), name
        assert set(alert["annotations"]) == {"summary", "description"}, name


def test_only_blue_green_environments_route_alerts_to_a_rollback(objects):
    """A rollback switches colors: development has none, so its alerts page like any other."""
    for env in ARGOCD_ENVS:
        alerts = rendered_alerts(objects, env)
        routed = sorted(name for name, a in alerts.items() if a["labels"].get("action") == "rollback")
        mentions = sorted(name for name, a in alerts.items() if "gen rollback" in a["annotations"]["description"])
        expected = ["RollbackErrorRateHigh", "RollbackHealthChecksFailing"] if CATALOG.environment(env).blue_green else []
        assert routed == mentions == expected, env


def test_the_health_check_rollback_ignores_startup_probes(objects):
    """A GPU host's startup probe fails for minutes while its model loads: not a rollback condition."""
    expr = rendered_alerts(objects, "production")["RollbackHealthChecksFailing"]["expr"]
    assert expr.count('probe_type!="Startup"') == 2  # numerator and denominator


# --- ServiceMonitors ---------------------------------------------------------------------------

def service_monitors(objects, env: str) -> dict[str, dict]:
    found = [o for p, o in objects.items() if p.parts[1] == env and o["kind"] == "ServiceMonitor"]
    return {o["metadata"]["name"]: o for o in found}


@pytest.mark.parametrize("env", ARGOCD_ENVS)
def test_one_service_monitor_per_service_with_the_tables_endpoint(objects, env):
    monitors = service_monitors(objects, env)
    assert sorted(monitors) == sorted(SERVICES)
    shared = part_objects(objects, env, "shared")
    for name, monitor in monitors.items():
        assert find(shared, "ServiceMonitor", name) is monitor  # in the shared part
        scrape = TABLE.scrape.for_service(name)
        spec = monitor["spec"]
        assert spec["endpoints"] == [{"port": scrape.port, "path": scrape.path, "interval": scrape.interval, "scheme": "http"}]
        assert (scrape.port, scrape.path, scrape.interval) == ("http", "/metrics", "30s")  # the table's default
        assert spec["podTargetLabels"] == ["version"]
        assert spec["namespaceSelector"] == {"matchNames": [NAMESPACE]}
        assert spec["jobLabel"] == "app.kubernetes.io/name"


def test_local_has_no_prometheus_objects(objects):
    """A workstation has no Prometheus Operator: its CRDs are not there to apply them to."""
    local = [o for p, o in objects.items() if p.parts[1] == "local"]
    assert local
    assert not [o for o in local if o["apiVersion"].startswith("monitoring.coreos.com/")]


@pytest.mark.parametrize("env,colors", [("development", [None]), ("production", ["blue", "green"])])
def test_a_monitor_selects_each_colors_service_once_and_never_a_live_service(objects, env, colors):
    services = [o for p, o in objects.items() if p.parts[1] == env and o["kind"] == "Service"]
    for name, monitor in service_monitors(objects, env).items():
        selector = monitor["spec"]["selector"]
        selected = [s for s in services if selects(selector, s["metadata"].get("labels") or {})]
        expected = [name if c is None else f"{name}-{c}" for c in colors]
        assert sorted(s["metadata"]["name"] for s in selected) == expected
        port = monitor["spec"]["endpoints"][0]["port"]
        for service in selected:
            assert port in [p["name"] for p in service["spec"]["ports"]], service["metadata"]["name"]
        # the live Service of a blue-green environment fronts the active color's pods again
        live = {**selected[0]["metadata"]["labels"], "therapeutic-ai.io/traffic": "live"}
        live.pop("version", None)
        assert not selects(selector, live)


def test_a_metrics_port_of_its_own_is_exposed_scraped_and_let_through():
    """The custom case: qwen-host serves metrics on a port of its own, with its own path and interval."""
    data = yamlio.load((PROJECT / MONITORING_FILE).read_text())
    data["scrape"]["services"] = {"qwen-host": {"port": "metrics", "number": 9400, "path": "/stats", "interval": "15s"}}
    ports = {s.name: s.port for s in CATALOG.services.services}
    monitoring = MonitoringCatalog.model_validate(data, context={"service_ports": ports})
    result = plan_project(PROJECT, "production", CATALOG.model_copy(update={"monitoring": monitoring}))
    objects = result.objects

    monitor = service_monitors(objects, "production")["qwen-host"]
    assert monitor["spec"]["endpoints"] == [{"port": "metrics", "path": "/stats", "interval": "15s", "scheme": "http"}]
    assert service_monitors(objects, "production")["bge-host"]["spec"]["endpoints"][0]["port"] == "http"
    green = part_objects(objects, "production", "green")
    service = find(green, "Service", "qwen-host-green")
    assert {"name": "metrics", "port": 9400, "targetPort": "metrics", "protocol": "TCP"} in service["spec"]["ports"]
    container = find(green, "Deployment", "qwen-host-green")["spec"]["template"]["spec"]["containers"][0]
    assert {"name": "metrics", "containerPort": 9400, "protocol": "TCP"} in container["ports"]
    policies = [o for o in part_objects(objects, "production", "shared") if o["kind"] == "NetworkPolicy"]
    qwen = Pod(NAMESPACE, {"app.kubernetes.io/name": "qwen-host", "version": "green"})
    prometheus = Pod("monitoring", {"app.kubernetes.io/name": "prometheus"})
    assert allows(policies, prometheus, qwen, 9400)
    assert not allows(policies, prometheus, qwen, 8009)


# --- bad rows: exit 2, one line naming file, line and field, nothing written -------------------

@pytest.mark.parametrize(
    "old,new,expected",
    [
        ('    comparison: ">="\n    threshold: 100ms\n', '    comparison: "=>"\n    threshold: 100ms\n',
         "blueprints/catalog/monitoring.yaml:41: alerts[0].comparison: Input should be '>', '>=', '<' or '<='"),
        ("    threshold: 50ms\n", "    threshold: -50ms\n",
         "blueprints/catalog/monitoring.yaml:66: alerts[2].threshold: '-50ms': a threshold is not negative"),
        ("  services: {}", "  services: {qwen-hots: {path: /stats}}",
         "blueprints/catalog/monitoring.yaml:26: scrape.services.qwen-hots: 'qwen-hots' is not a service of the catalog"),
        ("  services: {}", "  services: {qwen-host: {port: metrics}}",
         "blueprints/catalog/monitoring.yaml:26: scrape.services.qwen-host.number: qwen-host: a metrics port other than http ('metrics') needs its number"),
        ("    services: [auth-rbac]\n", "    services: [auth-rbca]\n",
         "blueprints/catalog/monitoring.yaml:64: alerts[2].services[0]: 'auth-rbca' is not a service of the catalog"),
        ("    threshold: 1%\n", "    threshold: 1ms\n",
         "blueprints/catalog/monitoring.yaml:80: alerts[3].threshold: 1ms does not fit this ratio (values in ratio): give it in %"),
        ("    threshold: 85%\n", "    threshold: 185%\n",
         "blueprints/catalog/monitoring.yaml:194: alerts[12].threshold: '185%': a percentage is at most 100%"),
        ("    window: 2m\n    comparison: \">\"\n    threshold: 5%\n", "    window: 1m\n    comparison: \">\"\n    threshold: 5%\n",
         "blueprints/catalog/monitoring.yaml:243: alerts[15].window: 1m holds fewer than 4 scrapes at the longest interval (30s)"),
        ("    quantile: 0.95\n    metric: http_request_duration_seconds\n    services: [api-gateway]\n",
         "    metric: http_request_duration_seconds\n    services: [api-gateway]\n",
         "blueprints/catalog/monitoring.yaml:33: alerts[0].quantile: a quantile row needs quantile"),
        ("    for: 3m\n", "    for: 3 minutes\n",
         "blueprints/catalog/monitoring.yaml:246: alerts[15].for: String should match pattern"),
    ],
    ids=["unknown-comparison", "negative-threshold", "unknown-service-override", "port-without-number",
         "unknown-service-in-row", "threshold-unit", "percent-over-100", "window-too-short", "missing-input", "bad-for"],
)
def test_a_bad_monitoring_row_is_one_line_naming_file_line_and_field(scratch, old, new, expected):
    edit(scratch, MONITORING_FILE, old, new)
    refuses_bad_input(scratch, expected)
