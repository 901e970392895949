"""The part READMEs for the pager (issue 25): each committed page of `shared`, a color or `app`
carries `gen graph`'s Mermaid diagram of its environment or color, which Mermaid renders; says
which color serves, as the release record has it; and per service its port, health endpoints,
callers and callees and the alerts that watch it. Every expectation is computed here from the
catalog and the rendered objects (the alerts with the PromQL parser, not the product's matcher)."""

from __future__ import annotations

import re
from pathlib import Path

import promql_parser
import pytest
from click.testing import CliRunner

from blueprints.identities import colored
from generator import yamlio
from generator.catalog import load_catalog
from generator.cli import cli
from generator.rendered import APP, SHARED, Part, parts
from tests.conftest import PROJECT
from tests.diagrams import mermaid_errors

CATALOG = load_catalog(PROJECT)
PAGES = [part for env in CATALOG.environments.environments for part in parts(CATALOG, env)
         if part.name in (SHARED, APP) or part.color is not None]
WORKLOADS = [part for part in PAGES if part.name != SHARED]
SERVICES = {s.name: s for s in CATALOG.services.services}


def page(part: Part) -> str:
    return (PROJECT / part.rendered_dir / "README.md").read_text()


def graph_args(part: Part) -> list[str]:
    return [part.env, *(["--color", part.color.value] if part.color else [])]


def gen_graph(part: Part) -> str:
    result = CliRunner().invoke(cli, ["--project", str(PROJECT), "graph", *graph_args(part)])
    assert result.exit_code == 0, result.output
    return result.stdout


def diagram(text: str) -> str:
    (block,) = re.findall(r"```mermaid\n(.*?)```", text, flags=re.S)
    return block


def table(text: str, first: str) -> dict[str, dict[str, str]]:
    """The Markdown table whose first column is `first`, as rows by that column."""
    lines = text.splitlines()
    start = next(i for i, line in enumerate(lines) if line.startswith(f"| {first} |"))
    header = [cell.strip() for cell in lines[start].strip("|").split("|")]
    rows = {}
    for line in lines[start + 2:]:
        if not line.startswith("|"):
            break
        cells = dict(zip(header, (cell.strip() for cell in line.strip("|").split("|"))))
        rows[cells[first]] = cells
    return rows


def listed(cell: str) -> set[str]:
    return {item.strip() for item in cell.split(",") if item.strip()}


def test_the_pages_are_the_environments_parts():
    assert {p.name for p in PAGES} >= {SHARED} and WORKLOADS, "no page to judge"


def test_each_page_carries_gen_graphs_diagram_and_mermaid_renders_it():
    """The environment's graph on shared's page, each color's on its own; `app` (an environment
    without colors) has shared's and does not repeat it."""
    drawn = [part for part in PAGES if part.name != APP]
    diagrams = {str(part): diagram(page(part)) for part in drawn}
    for part in drawn:
        assert diagrams[str(part)] == gen_graph(part), part
        assert " -->|" in diagrams[str(part)], part
    assert not [part for part in PAGES if part.name == APP and "```mermaid" in page(part)]
    errors = {name: error for name, error in zip(diagrams, mermaid_errors(list(diagrams.values()))) if error}
    assert not errors, errors


def test_each_page_says_which_color_serves_as_the_record_has_it():
    for part in PAGES:
        release = CATALOG.release(part.env)
        text = page(part)
        if release is None:
            assert "serves" not in text.split("## On call", 1)[1].split("|", 1)[0], part
            continue
        active = release.active.value
        if part.name == SHARED:
            assert f"**{active} serves {part.env}**" in text
        elif part.name == active:
            assert f"**{active} serves {part.env} now**" in text
            assert f"`gen rollback {part.env}`" in text
        else:
            assert f"**{part.name} is idle**: {active} serves {part.env}" in text
            assert f"`gen retire {part.env} {part.name}`" in text and f"`gen promote {part.env} {part.name}`" in text


def probe_paths(part: Part, service: str) -> set[str]:
    obj = yamlio.load((PROJECT / part.rendered_dir / f"deployment-{colored(service, part.color)}.yaml").read_text())
    (container,) = [c for c in obj["spec"]["template"]["spec"]["containers"] if c["name"] == service]
    return {probe["httpGet"]["path"] for key, probe in container.items() if key.endswith("Probe") and "httpGet" in probe}


@pytest.mark.parametrize("part", WORKLOADS, ids=str)
def test_each_service_row_has_its_port_health_callers_and_callees(part: Part):
    rows = table(page(part), "service")
    assert set(rows) == {colored(name, part.color) for name in SERVICES}
    for name, service in SERVICES.items():
        row = rows[colored(name, part.color)]
        assert row["port"] == str(service.port)
        paths = probe_paths(part, name)
        assert paths and all(f"`{path}`" in row["health"] for path in paths), (name, row["health"])
        callees = listed(row["callees"])
        for callee in service.calls:
            assert f"{callee}:{SERVICES[callee].port}" in callees, (name, callee)
            assert name in listed(rows[colored(callee, part.color)]["callers"]), (callee, name)
        for store in service.databases:
            assert any(c.startswith(store) for c in callees), (name, store, callees)
        if service.public:
            assert any("ingress" in caller for caller in listed(row["callers"])), name


def selectors(node) -> list:
    """Every vector selector of a parsed PromQL expression."""
    if isinstance(node, promql_parser.VectorSelector):
        return [node]
    found = []
    for attribute in ("lhs", "rhs", "expr", "args", "param", "vector_selector"):
        child = getattr(node, attribute, None)
        for item in child if isinstance(child, list) else [child]:
            if item is not None and hasattr(item, "prettify"):
                found += selectors(item)
    return found


def watches(expr: str, service: str, color: str | None) -> bool:
    """Whether a selector of the expression picks the service's job or container, in no other color."""
    matchers = [m for s in selectors(promql_parser.parse(expr)) for m in s.matchers.matchers]
    other_color = any(m.name in ("version", "label_version") and "Equal" in str(m.op) and m.value != color
                      for m in matchers) if color else False
    picked = any(m.name in ("job", "container") and (
        m.value == service if "Equal" in str(m.op) else "Re" in str(m.op) and re.fullmatch(m.value, service))
        for m in matchers)
    return picked and not other_color


def alert_rules(env: str) -> list[dict]:
    found = []
    for path in sorted((PROJECT / "rendered" / env).rglob("prometheusrule-*.yaml")):
        obj = yamlio.load(path.read_text())
        found += [rule for group in obj["spec"]["groups"] for rule in group["rules"] if "alert" in rule]
    return found


@pytest.mark.parametrize("part", WORKLOADS, ids=str)
def test_each_service_lists_the_alerts_that_watch_it_with_their_thresholds(part: Part):
    text = page(part)
    rows = table(text, "service")
    rules = alert_rules(part.env)
    color = part.color.value if part.color else None
    for name in SERVICES:
        expected = {r["alert"] for r in rules if watches(r["expr"], name, color)}
        assert expected or not rules, f"{name}: no alert watches it in {part}"
        assert listed(rows[colored(name, part.color)]["alerts"]) == expected, name
    if not rules:
        assert "| alert |" not in text  # no empty table where the environment has no alerts
        return
    alerts = table(text, "alert")
    for rule in rules:
        if f"`{rule['alert']}`" in alerts:
            fires = alerts[f"`{rule['alert']}`"]["fires when"]
            assert rule["annotations"]["summary"] in fires and rule["for"] in fires, rule["alert"]
