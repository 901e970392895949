"""Monitoring (issue 7): the seed's thresholds in the one table; bad rows fail with file, line, field.

The seed's facts are typed below from shared/seed/deployment-guide.md ("Production Monitoring",
"Automated Rollback Triggers"), so a table or blueprint change that drifts from them fails here.
"""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pytest
from click.testing import CliRunner

from generator.catalog import MONITORING_FILE, load_catalog
from generator.cli import cli
from tests.conftest import PROJECT, snapshot_tree

CATALOG = load_catalog(PROJECT)
TABLE = CATALOG.monitoring

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


def row_for(words: str):
    rows = [a for a in TABLE.alerts if words in a.seed]
    assert len(rows) == 1, f"{words!r}: {len(rows)} rows of monitoring.yaml quote it"
    return rows[0]


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
    # nothing in the table that the seed does not ask for
    assert sorted(rows) == sorted(a.alert for a in TABLE.alerts)
    assert len(rows) == 16


def test_milliseconds_become_seconds_and_percent_a_ratio():
    """The metrics are in seconds and ratios (histograms in _seconds, counters divided)."""
    assert row_for("API Gateway <100ms").metric_unit == "seconds"
    assert row_for("<1% for all 20 services").metric_unit == "ratio"
    assert row_for(">85% hit rate").metric_unit == "ratio"
    assert row_for("<80% average for BGE/Qwen hosts").metric_unit == "percent"


# --- bad rows: exit 2, one line naming file, line and field, nothing written -------------------

def gen(project: Path, *args: str):
    return CliRunner().invoke(cli, ["--project", str(project), *args])


@pytest.mark.parametrize(
    "old,new,expected",
    [
        ('    comparison: ">="\n    threshold: 100ms\n', '    comparison: "=>"\n    threshold: 100ms\n',
         "blueprints/catalog/monitoring.yaml:40: alerts[0].comparison: Input should be '>', '>=', '<' or '<='"),
        ("    threshold: 50ms\n", "    threshold: -50ms\n",
         "blueprints/catalog/monitoring.yaml:65: alerts[2].threshold: '-50ms': a threshold is not negative"),
        ("  services: {}", "  services: {qwen-hots: {path: /stats}}",
         "blueprints/catalog/monitoring.yaml:25: scrape.services.qwen-hots: 'qwen-hots' is not a service of the catalog"),
        ("  services: {}", "  services: {qwen-host: {port: metrics}}",
         "blueprints/catalog/monitoring.yaml:25: scrape.services.qwen-host.number: qwen-host: a metrics port other than http ('metrics') needs its number"),
        ("    services: [auth-rbac]\n", "    services: [auth-rbca]\n",
         "blueprints/catalog/monitoring.yaml:63: alerts[2].services[0]: 'auth-rbca' is not a service of the catalog"),
        ("    threshold: 1%\n", "    threshold: 1ms\n",
         "blueprints/catalog/monitoring.yaml:79: alerts[3].threshold: 1ms does not fit this ratio (values in ratio): give it in %"),
        ("    threshold: 85%\n", "    threshold: 185%\n",
         "blueprints/catalog/monitoring.yaml:193: alerts[12].threshold: '185%': a percentage is at most 100%"),
        ("    window: 2m\n    comparison: \">\"\n    threshold: 5%\n", "    window: 1m\n    comparison: \">\"\n    threshold: 5%\n",
         "blueprints/catalog/monitoring.yaml:241: alerts[15].window: 1m holds fewer than 4 scrapes at the longest interval (30s)"),
        ("    quantile: 0.95\n    metric: http_request_duration_seconds\n    services: [api-gateway]\n",
         "    metric: http_request_duration_seconds\n    services: [api-gateway]\n",
         "blueprints/catalog/monitoring.yaml:32: alerts[0].quantile: a quantile row needs quantile"),
        ("    for: 3m\n", "    for: 3 minutes\n",
         "blueprints/catalog/monitoring.yaml:244: alerts[15].for: String should match pattern"),
    ],
    ids=["unknown-comparison", "negative-threshold", "unknown-service-override", "port-without-number",
         "unknown-service-in-row", "threshold-unit", "percent-over-100", "window-too-short", "missing-input", "bad-for"],
)
def test_a_bad_monitoring_row_is_one_line_naming_file_line_and_field(scratch, old, new, expected):
    path = scratch / MONITORING_FILE
    text = path.read_text()
    assert old in text, old
    path.write_text(text.replace(old, new, 1))
    before = snapshot_tree(scratch)
    result = gen(scratch, "render", "--all")
    assert result.exit_code == 2
    lines = result.output.strip().splitlines()
    assert len(lines) == 1, result.output
    assert lines[0].startswith("gen: error: " + expected), lines[0]
    assert snapshot_tree(scratch) == before
