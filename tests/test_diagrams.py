"""The diagram harness (tests/diagrams.py) judges with the real renderers: each rejects a broken
diagram with its own message and accepts a good one; and `gen graph`'s Mermaid and DOT forms render
for every environment of the committed catalog, and for each color of a blue-green one."""

from __future__ import annotations

import pytest
from click.testing import CliRunner

from generator.catalog import load_catalog
from generator.cli import cli
from tests.conftest import PROJECT
from tests.diagrams import dot_error, mermaid_error, mermaid_errors

CATALOG = load_catalog(PROJECT)

GOOD_MERMAID = 'flowchart LR\n  n_a["api-gateway"]\n  n_b["auth-rbac"]\n  n_a -->|"8080"| n_b\n'
GOOD_DOT = 'digraph "x" {\n  rankdir=LR;\n  "api-gateway" -> "auth-rbac" [label="8080"];\n}\n'


def test_mermaid_accepts_a_good_flowchart_and_rejects_broken_ones() -> None:
    unclosed_label = GOOD_MERMAID.replace('|"8080"|', '|"8080|')
    quote_in_label = GOOD_MERMAID.replace('["auth-rbac"]', '["auth"rbac"]')
    unknown_direction = GOOD_MERMAID.replace("flowchart LR", "flowchart XY")
    good, *broken = mermaid_errors([GOOD_MERMAID, unclosed_label, quote_in_label, unknown_direction])
    assert good is None
    for source, error in zip((unclosed_label, quote_in_label, unknown_direction), broken):
        assert error and ("error" in error.lower()), (source, error)


def test_mermaid_error_judges_one_diagram() -> None:
    assert mermaid_error(GOOD_MERMAID) is None
    assert "Parse error" in (mermaid_error(GOOD_MERMAID + "  n_a -->|") or "")


def test_dot_accepts_a_good_graph_and_rejects_a_broken_one() -> None:
    assert dot_error(GOOD_DOT) is None
    assert "syntax error" in (dot_error(GOOD_DOT.replace('-> "auth-rbac"', "->")) or "")
    assert dot_error(GOOD_DOT.replace("}\n", "")), "an unclosed graph renders"


def test_a_dot_warning_is_an_error() -> None:
    warned = GOOD_DOT.replace('[label="8080"]', '[label="8080"];\n  "auth-rbac" [shape=nosuchshape]')
    assert "nosuchshape" in (dot_error(warned) or "")


def graph(env: str, *args: str) -> str:
    result = CliRunner().invoke(cli, ["--project", str(PROJECT), "graph", env, *args])
    assert result.exit_code == 0, result.output
    return result.stdout


def graphs() -> list[tuple[str, ...]]:
    """Every environment, and each deployed color of a blue-green one, as `gen graph` arguments."""
    found: list[tuple[str, ...]] = []
    for env in CATALOG.environments.environments:
        found.append((env.name,))
        release = CATALOG.release(env.name)
        found += [(env.name, "--color", color.value) for color in (release.colors if release else ())]
    return found


def test_gen_graph_renders_in_mermaid_for_every_environment_and_color() -> None:
    chosen = graphs()
    sources = [graph(*args, "--format", "mermaid") for args in chosen]
    assert all(" -->|" in source for source in sources), "a graph without edges proves little"
    errors = {" ".join(args): error for args, error in zip(chosen, mermaid_errors(sources)) if error}
    assert not errors, errors


def test_gen_graph_renders_in_dot_for_every_environment_and_color() -> None:
    for args in graphs():
        source = graph(*args, "--format", "dot")
        assert " -> " in source, args
        assert dot_error(source) is None, (args, dot_error(source))


def test_without_mermaid_installed_the_harness_fails_saying_how_to_install(monkeypatch, tmp_path) -> None:
    from tests import diagrams

    monkeypatch.setattr(diagrams, "INSTALLED", tmp_path)
    with pytest.raises(AssertionError, match=r"run \.ci/diagrams"):
        diagrams.mermaid_errors([GOOD_MERMAID + "%% never judged before\n"])
