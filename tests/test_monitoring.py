"""Monitoring (issue 7): the seed's thresholds, in the one table and in the rendered alerts;
ServiceMonitors per service where a Prometheus Operator runs; bad rows fail with file, line, field.

The seed's facts are typed below from shared/seed/deployment-guide.md ("Production Monitoring",
"Automated Rollback Triggers"), so a table or blueprint change that drifts from them fails here.
"""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path, PurePosixPath

import promql_parser
import pytest

from blueprints.exporters import EXPORTERS
from blueprints.monitoring_spec import MonitoringCatalog
from generator import yamlio
from generator.catalog import ENVIRONMENTS_FILE, MONITORING_FILE, load_catalog
from tests.netpolicy import Pod, allows
from generator.rendered import selects
from tests.conftest import PROJECT, edit, find, located, part_objects, plan_project, refuses_bad_input, strings
from tests.test_chart_keys import pinned

CATALOG = load_catalog(PROJECT)
TABLE = CATALOG.monitoring
SERVICES = [s.name for s in CATALOG.services.services]
ARGOCD_ENVS = [e.name for e in CATALOG.environments.environments if e.argocd]
NAMESPACES = {e.name: e.namespace for e in CATALOG.environments.environments}
NAMESPACE = NAMESPACES["production"]  # the tests that read production's objects

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
    """(comparison, number) at the top of an alert's expression, as PromQL parses it (left of the
    minimum volume's `and`, where a ratio has one)."""
    tree = promql_parser.parse(expr)
    assert isinstance(tree, promql_parser.BinaryExpr), expr
    if str(tree.op) == "and":
        tree = tree.lhs
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
        assert row.duration == for_, words
        rows.append(row.alert)
    for words, (comparison, number, unit, value) in SEED_CHECKLIST.items():
        row = row_for(words)
        assert (row.comparison, row.threshold_number, row.threshold_unit, row.value) == (comparison, number, unit, value)
        rows.append(row.alert)
    # nothing in the table that the seed does not ask for
    assert sorted(rows) == sorted(a.alert for a in TABLE.alerts)
    assert len(rows) == len(set(rows)) == len(SEED_SLOS) + len(SEED_ROLLBACK) + len(SEED_CHECKLIST)  # one row each


def test_milliseconds_become_seconds_and_percent_a_ratio():
    """The metrics are in seconds and ratios (histograms in _seconds, counters divided)."""
    assert row_for("API Gateway <100ms").metric_unit == "seconds"
    assert row_for("<1% for all 20 services").metric_unit == "ratio"
    assert row_for(">85% hit rate").metric_unit == "ratio"
    assert row_for("<80% average for BGE/Qwen hosts").metric_unit == "percent"


def test_production_has_one_alert_per_row_with_the_seed_threshold_in_its_expression(objects):
    alerts = rendered_alerts(objects, "production")
    idle = [a.idle_alert.alert for a in TABLE.alerts if a.idle_alert]
    assert sorted(alerts) == sorted([*(a.alert for a in TABLE.alerts), *idle, "ScrapeJobMissing", "ScrapeTargetDown"])
    assert len(alerts) == len(TABLE.alerts) + len(idle) + 2  # the table's rows, their idle-color twins, 2 per scrape job
    expected = {words: (fact[0], fact[3]) for words, fact in [*SEED_SLOS.items(), *SEED_ROLLBACK.items()]}
    for words, (comparison, value) in expected.items():
        alert = alerts[row_for(words).alert]
        assert threshold_of(alert["expr"]) == (comparison, value), f"{alert['alert']}: {alert['expr']}"
        assert words in alert["annotations"]["description"], alert["alert"]


@pytest.mark.parametrize("env", ARGOCD_ENVS)
def test_every_environment_gets_the_same_thresholds(objects, env):
    rows = {a.alert for a in TABLE.alerts}
    mine = {name: threshold_of(a["expr"]) for name, a in rendered_alerts(objects, env).items() if name in rows}
    assert len(mine) == len(rows)
    assert mine == {name: threshold_of(a["expr"]) for name, a in rendered_alerts(objects, "production").items() if name in rows}


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
            assert namespaces == [NAMESPACES[env]], f"{name}: {vs.name} {vs.matchers}"


def test_the_rollback_alerts_carry_the_routing_label_and_the_seeds_durations(objects):
    alerts = rendered_alerts(objects, "production")
    rollback = {name: a for name, a in alerts.items() if a["labels"].get("action") == "rollback"}
    assert len(rollback) == 2
    for words, (comparison, _, _, value, for_) in SEED_ROLLBACK.items():
        row = row_for(words)
        alert = rollback[row.alert]
        # the seed's duration, less one scrape: the 1m window shows the condition a scrape late
        assert (row.duration, alert["for"]) == (for_, {"5m": "4m30s", "3m": "2m30s"}[for_])
        assert threshold_of(alert["expr"]) == (comparison, value)
        assert alert["labels"] == {"severity": "critical", "action": "rollback", "namespace": NAMESPACE}
        idle = alerts[row.idle_alert.alert]
        assert idle["labels"] == {"severity": "warning", "namespace": NAMESPACE}
        assert (idle["for"], threshold_of(idle["expr"])) == (alert["for"], (comparison, value))
    for name, alert in alerts.items():
        assert alert["labels"]["severity"] in ("critical", "warning", "info"), name
        assert set(alert["annotations"]) == {"summary", "description"}, name


@pytest.mark.parametrize("env", ARGOCD_ENVS)
def test_every_environment_gets_the_same_table_with_its_action_label(objects, env):
    """Development too: the README promises one table; without colors a rollback is a revert."""
    alerts = rendered_alerts(objects, env)
    routed = sorted(name for name, a in alerts.items() if a["labels"].get("action") == "rollback")
    assert routed == ["RollbackErrorRateHigh", "RollbackHealthChecksFailing"], env
    labels = {name: a["labels"] for name, a in alerts.items() if not name.startswith("IdleColor")}
    assert labels == {name: a["labels"] for name, a in rendered_alerts(objects, "production").items()
                      if not name.startswith("IdleColor")}
    mentions = sorted(name for name, a in alerts.items() if "gen rollback" in a["annotations"]["description"])
    assert mentions == (routed if CATALOG.environment(env).blue_green else []), env


@pytest.mark.parametrize("env,serving", [("staging", "blue"), ("production", "blue")])
def test_rollback_alerts_watch_the_serving_color_and_idle_alerts_the_other(objects, env, serving):
    """The serving color is the release record's, as the live Services' selectors are."""
    assert CATALOG.release(env).active.value == serving
    idle = {"blue": "green", "green": "blue"}[serving]
    alerts = rendered_alerts(objects, env)
    for row in [a for a in TABLE.alerts if a.action == "rollback"]:
        for name, color in ((row.alert, serving), (row.idle_alert.alert, idle)):
            colors = set()
            promql_parser.walk(promql_parser.parse(alerts[name]["expr"]), lambda node: colors.update(
                m.value for m in node.matchers.matchers if m.name in ("version", "label_version")
            ) if isinstance(node, promql_parser.VectorSelector) else None)
            assert colors == {color}, name


def test_without_colors_the_rollback_alerts_read_every_pod(objects):
    for name in ("RollbackErrorRateHigh", "RollbackHealthChecksFailing"):
        expr = rendered_alerts(objects, "development")[name]["expr"]
        assert "version=" not in expr and "kube_pod_labels" not in expr, name
    assert not [n for n in rendered_alerts(objects, "development") if n.startswith("IdleColor")]


def test_the_health_check_rollback_ignores_startup_probes_and_takes_the_pods_color(objects):
    """A GPU host's startup probe fails for minutes while its model loads: not a rollback condition.
    Probe counters carry no pod labels: the color comes from kube_pod_labels, joined on the pod."""
    expr = rendered_alerts(objects, "production")["RollbackHealthChecksFailing"]["expr"]
    probes = []
    promql_parser.walk(promql_parser.parse(expr), lambda node: probes.append(node)
                       if isinstance(node, promql_parser.VectorSelector) and node.name == "prober_probe_total" else None)
    assert len(probes) == 3  # numerator, denominator, minimum volume
    for vs in probes:
        assert ("probe_type", "Startup") in [(m.name, m.value) for m in vs.matchers.matchers
                                             if str(m.op) == "MatchOp.NotEqual"]
    assert expr.count('group_left (version) label_replace(kube_pod_labels{namespace="therapeutic-ai",label_version="blue"}') == 3


# --- ServiceMonitors ---------------------------------------------------------------------------

def service_monitors(objects, env: str) -> dict[str, dict]:
    """The services' monitors: those of the shared part (a store's chart brings its own, in its part)."""
    found = [o for p, o in objects.items() if p.parts[1] == env and p.parts[2] == "shared" and o["kind"] == "ServiceMonitor"]
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
        assert spec["namespaceSelector"] == {"matchNames": [NAMESPACES[env]]}
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
    "old,new,anchor,expected",
    [
        ('    comparison: ">="\n    threshold: 100ms\n', '    comparison: "=>"\n    threshold: 100ms\n',
         '    comparison: "=>"',
         "alerts[{ApiGatewayLatencyHigh}].comparison: Input should be '>', '>=', '<' or '<='"),
        ("    threshold: 50ms\n", "    threshold: -50ms\n",
         '    threshold: -50ms',
         "alerts[{AuthLatencyHigh}].threshold: '-50ms': a threshold is not negative"),
        ("  services: {}", "  services: {qwen-hots: {path: /stats}}",
         '  services: {qwen-hots',
         "scrape.services.qwen-hots: 'qwen-hots' is not a service of the catalog"),
        ("  services: {}", "  services: {qwen-host: {port: metrics}}",
         '  services: {qwen-host: {port: metrics}}',
         "scrape.services.qwen-host.number: qwen-host: a metrics port other than http ('metrics') needs its number"),
        ("    services: [auth-rbac]\n", "    services: [auth-rbca]\n",
         '    services: [auth-rbca]',
         "alerts[{AuthLatencyHigh}].services[0]: 'auth-rbca' is not a service of the catalog"),
        ("    threshold: 1%\n", "    threshold: 1ms\n",
         '    threshold: 1ms\n',
         'alerts[{ServiceErrorRateHigh}].threshold: 1ms does not fit this errors (values in ratio): give it in %'),
        ("    threshold: 85%\n", "    threshold: 185%\n",
         '    threshold: 185%',
         "alerts[{CacheHitRateLow}].threshold: '185%': a percentage is at most 100%"),
        ("    duration: 3m\n", "    duration: 45s\n",
         '    duration: 45s',
         'alerts[{RollbackErrorRateHigh}].duration: 45s is shorter than the window of two scrapes at the longest interval (1m)'),
        ("    quantile: 0.95\n    metric: http_request_duration_seconds\n    services: [api-gateway]\n",
         "    metric: http_request_duration_seconds\n    services: [api-gateway]\n",
         '  - alert: ApiGatewayLatencyHigh',
         'alerts[{ApiGatewayLatencyHigh}].quantile: a quantile row needs quantile'),
        ("    duration: 3m\n", "    duration: 3 minutes\n",
         '    duration: 3 minutes',
         'alerts[{RollbackErrorRateHigh}].duration: String should match pattern'),
        ("    threshold: 100ms\n", "    threshold: 100ms\n    min_rate: 1\n",
         ('    threshold: 100ms\n', '    min_rate: 1\n'),
         'alerts[{ApiGatewayLatencyHigh}].min_rate: a quantile row takes no min_rate (ratios only)'),
        ("    idle_alert: {alert: IdleColorErrorRateHigh, severity: warning}\n", "",
         '  - alert: RollbackErrorRateHigh',
         "alerts[{RollbackErrorRateHigh}].idle_alert: a rollback row needs idle_alert: the idle color's verification alert"),
        ("    idle_alert: {alert: IdleColorErrorRateHigh, severity: warning}\n",
         "    idle_alert: {alert: IdleColorHealthChecksFailing, severity: warning}\n",
         ('  - alert: RollbackErrorRateHigh', '    idle_alert:'),
         "alerts[{RollbackErrorRateHigh}].idle_alert: duplicate alert 'IdleColorHealthChecksFailing' (also alerts[{RollbackHealthChecksFailing}])"),
        ("    gpu-host:                                          # assumed: the model hosts are FastAPI servers like the Python AI tier\n"
         "      instrumentation: prometheus-fastapi-instrumentator (status grouped by class)\n",
         "    python-ai-copy:\n      instrumentation: prometheus-fastapi-instrumentator (status grouped by class)\n",
         '    python-ai-copy:',
         "contract.tiers.python-ai-copy.[key]: Input should be 'go', 'python-ai' or 'gpu-host'"),
        ("    min_rate: 0.1 ", "    min_rate: 0 ",
         '    min_rate: 0 ',
         'alerts[{RollbackHealthChecksFailing}].min_rate: Input should be greater than 0'),
    ],
    ids=["unknown-comparison", "negative-threshold", "unknown-service-override", "port-without-number",
         "unknown-service-in-row", "threshold-unit", "percent-over-100", "duration-below-window", "missing-input",
         "bad-duration", "min-rate-on-a-quantile", "rollback-without-idle-alert", "idle-alert-twice",
         "unknown-tier", "zero-min-rate"],
)
def test_a_bad_monitoring_row_is_one_line_naming_file_line_and_field(scratch, old, new, anchor, expected):
    edit(scratch, MONITORING_FILE, old, new)
    refuses_bad_input(scratch, located(scratch, MONITORING_FILE, anchor, expected))


def test_a_tier_without_a_contract_is_refused(scratch):
    text = (scratch / MONITORING_FILE).read_text()
    start = text.index("    gpu-host:  ")
    end = text.index("  services:", start)
    (scratch / MONITORING_FILE).write_text(text[:start] + text[end:])
    refuses_bad_input(scratch, located(scratch, MONITORING_FILE, ("contract:\n", "  tiers:"),
                                       "contract.tiers: tier 'gpu-host' has services but no contract"))


# --- every series an alert reads has a live source -----------------------------------------------

TIERS = {s.name: s.tier.value for s in CATALOG.services.services}
SERVICE_LABELS = ("job", "container", "exported_container")


def named(vs, labels: tuple[str, ...]) -> list[str] | None:
    """The names a selector's matchers on `labels` admit (= or =~ of a plain alternation)."""
    for m in vs.matchers.matchers:
        if m.name in labels:
            assert str(m.op) in ("MatchOp.Equal", "MatchOp.Re"), f"{vs}: {m.name} {m.op}"
            return m.value.split("|")
    return None


def helm_values(fresh, env: str, release: str) -> dict:
    return yamlio.load(fresh.files[PurePosixPath("rendered", env, "argocd", "helm-values", f"{release}.yaml")].decode())


def exporter_is_live(fresh, objects, env: str, store: str) -> None:
    """Enabled in its store's values, scraped by the chart's ServiceMonitor (for the platform's
    Prometheus, as `exporter.job`), and let through by the store's NetworkPolicy."""
    exporter = EXPORTERS[store]
    metrics = helm_values(fresh, env, store)["metrics"]
    assert metrics["enabled"] is True and metrics["containerPorts"]["http"] == exporter.port
    monitor = metrics["serviceMonitor"]
    assert monitor["enabled"] is True
    assert {"action": "replace", "targetLabel": "job", "replacement": exporter.job} in monitor["relabelings"]
    selection = monitor.get("labels") or monitor.get("additionalLabels")
    assert selection == TABLE.prometheus.object_labels
    policies = [o for o in part_objects(objects, env, "shared") if o["kind"] == "NetworkPolicy"]
    pods = Pod(NAMESPACE, {"app.kubernetes.io/instance": store})
    prometheus = Pod("monitoring", {"app.kubernetes.io/name": "prometheus"})
    assert allows(policies, prometheus, pods, exporter.port)


def source_of(vs, fresh, objects, env: str) -> str:
    """Who serves the series `vs` selects, or a failure naming the selector nothing serves."""
    name = vs.name
    monitors = {o["metadata"]["name"] for o in part_objects(objects, env, "shared") if o["kind"] == "ServiceMonitor"}
    cluster = TABLE.contract.cluster_metrics()
    exporters = {m: store for store, e in EXPORTERS.items() for m in e.metrics}
    if name == "up":  # per scrape job: each must be a ServiceMonitor's or an exporter's
        for job in named(vs, ("job",)) or []:
            store = next((name for name, e in EXPORTERS.items() if e.job == job), None)
            if store:
                exporter_is_live(fresh, objects, env, store)
            else:
                assert job in monitors, f"{env}: up{{job={job}}}: no ServiceMonitor"
        return "Prometheus"
    if name in cluster:
        return cluster[name]
    if name in exporters:
        exporter_is_live(fresh, objects, env, exporters[name])
        return EXPORTERS[exporters[name]].job
    base = name.removesuffix("_bucket")

    def serves(service: str) -> bool:
        return base in [*TABLE.contract.tiers[TIERS[service]].metrics, *TABLE.contract.services.get(service, [])]

    services = named(vs, SERVICE_LABELS)
    if services is None:  # any service of the namespace: some scraped service must serve it
        assert [s for s in TIERS if serves(s) and s in monitors], f"{env}: {name}: no scraped service serves it"
        return "services"
    for service in services:
        assert serves(service), f"{env}: {name}: {service} ({TIERS[service]}) does not serve it (contract)"
        assert service in monitors, f"{env}: {name}: no ServiceMonitor scrapes {service}"
        contract = TABLE.contract.tiers[TIERS[service]]
        for m in vs.matchers.matchers:  # a status matcher is the tier's own status label
            if m.name in ("code", "status"):
                assert (m.name, m.value) == (contract.status_label, contract.server_errors), f"{env}: {service}: {vs}"
    return "services"


@pytest.mark.parametrize("env", ARGOCD_ENVS)
def test_every_selector_of_every_expression_has_a_live_source(fresh, objects, env):
    """Finding 4: no alert reads a series nothing in the rendered tree produces or scrapes."""
    sources = set()
    for name, alert in rendered_alerts(objects, env).items():
        selectors = []
        promql_parser.walk(promql_parser.parse(alert["expr"]),
                           lambda node: selectors.append(node) if isinstance(node, promql_parser.VectorSelector) else None)
        for vs in selectors:
            sources.add(source_of(vs, fresh, objects, env))
    assert "redis-exporter" in sources and "services" in sources and "Prometheus" in sources


def test_the_error_alerts_read_each_tiers_own_status_label(objects):
    """Go's promhttp labels `code="503"`, the Python instrumentation `status="5xx"`: each tier's
    services are read with their own, so the six Python services are not invisible."""
    expr = rendered_alerts(objects, "production")["RollbackErrorRateHigh"]["expr"]
    selectors = []
    promql_parser.walk(promql_parser.parse(expr),
                       lambda node: selectors.append(node) if isinstance(node, promql_parser.VectorSelector) else None)
    errors = {}
    for vs in selectors:
        for m in vs.matchers.matchers:
            if m.name in ("code", "status"):
                errors[(m.name, m.value)] = sorted(named(vs, ("job",)))
    python = sorted(n for n, t in TIERS.items() if t != "go")
    assert errors == {("code", "5.."): sorted(n for n, t in TIERS.items() if t == "go"), ("status", "5xx"): python}
    assert len(python) == 8  # 6 Python AI services and the 2 GPU hosts


def test_scylladb_latency_reads_opentelemetrys_name_for_cassandra_protocol_clients():
    assert row_for("<5ms ScyllaDB").metric == 'db_client_operation_duration_seconds{db_system_name="cassandra"}'


# every key path of the pinned charts' default values (helm show values, flattened), with its type
CHART_KEYS = Path(__file__).parent / "charts"


def flat_keys(node, prefix: str = "") -> list[str]:
    if isinstance(node, dict) and node:
        return [k for key, value in node.items() for k in flat_keys(value, f"{prefix}.{key}" if prefix else key)]
    return [prefix]


@pytest.mark.parametrize("env,chart", [("development", "redis"), ("production", "redis-cluster")])
def test_the_exporters_values_are_keys_of_the_pinned_chart(fresh, env, chart):
    """Helm ignores an unknown key silently: each key of the metrics block is the chart's own
    (or under a map the chart renders whole: resources, the security context)."""
    listed = {}
    for line in (CHART_KEYS / f"{chart}-{pinned(chart)}.keys.txt").read_text().splitlines():
        key, _, kind = line.partition("\t")
        listed[key] = kind
    whole = ("metrics.resources", "metrics.containerSecurityContext")
    metrics = helm_values(fresh, env, "redis")["metrics"]
    keys = flat_keys(metrics, "metrics")
    assert "metrics.serviceMonitor.relabelings" in keys
    maps = tuple(f"{key}." for key, kind in listed.items() if kind == "map")
    for key in keys:
        assert key in listed or key.startswith(whole + maps), f"{chart}: {key} is not a key of the chart"


# --- routing: action: rollback reaches the release on-call --------------------------------------

def routing(objects, env: str) -> dict:
    found = [o for o in part_objects(objects, env, "shared") if o["kind"] == "AlertmanagerConfig"]
    assert len(found) == 1, env
    return found[0]


@pytest.mark.parametrize("env", ARGOCD_ENVS)
def test_an_alertmanager_config_routes_rollbacks_to_the_release_on_call_and_the_rest_by_severity(objects, env):
    profile = CATALOG.environment(env).alerting
    config = routing(objects, env)
    assert config["apiVersion"] == "monitoring.coreos.com/v1alpha1"
    assert config["metadata"]["namespace"] == NAMESPACES[env]
    assert config["metadata"]["labels"]["release"] == "kube-prometheus-stack"
    route = config["spec"]["route"]
    assert route["receiver"] == profile.warning.name
    assert route["routes"] == [
        {"receiver": profile.release_on_call.name, "matchers": [{"name": "action", "value": "rollback"}]},
        {"receiver": profile.critical.name, "matchers": [{"name": "severity", "value": "critical"}]},
    ]
    # the operator matches an AlertmanagerConfig's alerts on their namespace: every alert has it
    for name, alert in rendered_alerts(objects, env).items():
        assert alert["labels"]["namespace"] == NAMESPACES[env], name
    names = [r["name"] for r in config["spec"]["receivers"]]
    assert sorted(names) == sorted({profile.release_on_call.name, profile.critical.name, profile.warning.name})


@pytest.mark.parametrize("env", ARGOCD_ENVS)
def test_receivers_read_their_urls_and_keys_from_a_secret_that_vault_fills(objects, env):
    """No URL or key in git: each receiver references key <receiver> of Secret alertmanager-receivers,
    made by an ExternalSecret from the environment's Vault key."""
    config = routing(objects, env)
    shared = part_objects(objects, env, "shared")
    secret = find(shared, "ExternalSecret", "alertmanager-receivers")
    data = {d["secretKey"]: d["remoteRef"] for d in secret["spec"]["data"]}
    for receiver in config["spec"]["receivers"]:
        configs = [c for key, value in receiver.items() if key.endswith("Configs") for c in value]
        assert len(configs) == 1, receiver
        refs = [v for v in configs[0].values() if isinstance(v, dict)]
        assert refs == [{"name": "alertmanager-receivers", "key": receiver["name"]}], receiver
        assert data[receiver["name"]] == {"key": f"therapeutic-ai/{env}",
                                          "property": "alertmanager_" + receiver["name"].replace("-", "_")}
    assert not [value for _, value in strings(config) if "://" in value]


def test_local_has_no_routing(objects):
    local = [o for p, o in objects.items() if p.parts[1] == "local"]
    assert not [o for o in local if o["kind"] in ("AlertmanagerConfig", "ExternalSecret")]


def test_a_slack_receiver_without_its_channel_is_one_line_naming_file_line_and_field(scratch):
    edit(scratch, ENVIRONMENTS_FILE, '      warning: {name: platform-alerts, kind: slack, channel: "#therapeutic-ai-alerts"}\n',
         "      warning: {name: platform-alerts, kind: slack}\n")
    refuses_bad_input(scratch, located(scratch, ENVIRONMENTS_FILE, "      warning: {name: platform-alerts, kind: slack}\n",
                                       "environments[{production}].alerting.warning.channel: "
                                       "a slack receiver names its channel; no other kind has one"))
