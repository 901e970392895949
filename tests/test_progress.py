"""Long commands report progress on a terminal only; every command ends with a one-line summary."""

from __future__ import annotations

import json

import pytest
from click.testing import CliRunner

from generator.cli import cli
from generator.progress import Progress
from tests.conftest import PROJECT, plan_project


def test_the_render_reports_each_part_as_it_goes(scratch):
    messages: list[str] = []
    plan_project(scratch, "production", progress=messages.append)
    assert [m for m in messages if "synthesized" in m] == [
        f"gen: synthesized production/{part} ({n}/4), kustomize running" for n, part in
        enumerate(["shared", "blue", "green", "argocd"], 1)]
    assert messages[-1] == "gen: kustomize production/argocd (4/4)"


def test_progress_writes_to_a_terminal_and_clears_its_line(capsys):
    with Progress(enabled=True) as progress:
        progress("gen: validating staging (3/4)")
    assert capsys.readouterr().err == "\r\033[Kgen: validating staging (3/4)\r\033[K"
    with Progress(enabled=False) as progress:
        progress("gen: validating staging (3/4)")
    assert capsys.readouterr().err == ""


def test_without_a_terminal_commands_print_no_progress():
    result = CliRunner().invoke(cli, ["--project", str(PROJECT), "validate", "--all"])
    assert "\r" not in result.output and "\033" not in result.output


@pytest.mark.parametrize("args,summary", [
    (["check"], "gen check: "),
    (["validate", "--all"], "gen validate: "),
    (["validate", "production", "--format", "json"], "gen validate: "),
    (["capacity", "staging"], "gen capacity staging: "),
    (["rules"], "gen rules: "),
    (["list"], "gen list: "),
    (["diff", "production/blue", "production/green"], "gen diff production/blue production/green: "),
])
def test_every_command_ends_with_a_one_line_summary(args, summary):
    result = CliRunner().invoke(cli, ["--project", str(PROJECT), *args])
    assert result.exit_code == 0, result.output
    assert result.output.strip().splitlines()[-1].startswith(summary)


def test_json_output_stays_one_document_on_stdout(tmp_path):
    import subprocess
    import sys

    done = subprocess.run([sys.executable, "-m", "generator", "--project", str(PROJECT), "validate", "production",
                           "--format", "json"], capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout)["ok"] is True
    assert done.stderr.strip().startswith("gen validate: 1 environment")


@pytest.mark.parametrize("args", [["check"], ["diff", "production"]])
def test_commands_that_render_report_progress_on_a_terminal(monkeypatch, args):
    """`gen check` and `gen diff` against a fresh render say what the render is doing, as render does."""
    monkeypatch.setattr(Progress, "on_terminal", classmethod(lambda cls, quiet=False: cls(not quiet)))
    result = CliRunner().invoke(cli, ["--project", str(PROJECT), *args])
    assert result.exit_code == 0, result.output
    assert "\r\033[Kgen: synthesized production/shared" in result.stderr
    assert result.stderr.endswith("\r\033[K")  # the status line cleared at the end
    assert "\033" not in result.stdout
