"""`gen render ENV --color C` starts cdk8s's runtime on a thread while it loads the catalog
(generator/runtime.py start_cdk8s). Run as users run it, in a fresh process: what it renders is
what the committed tree holds, and a failure of the early start, or bad input while it runs,
is still one line with the right exit code and no traceback."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.hostile.harness import copy_project, edit, tree_state

SERVICES = "blueprints/catalog/services.yaml"


def gen(project: Path, *args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "generator", "--project", str(project), *args],
                          capture_output=True, text=True, env={**os.environ, **(env or {})}, timeout=300)


@pytest.fixture
def project(tmp_path: Path) -> Path:
    return copy_project(tmp_path)


def test_the_early_runtime_renders_the_committed_bytes_and_a_change(project: Path, tmp_path: Path):
    result = gen(project, "render", "production", "--color", "green", "-q")
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith("gen render production --color green: up to date"), result.stdout
    edit(project, SERVICES, "port: 8090", "port: 8091")
    changed = gen(project, "render", "production", "--color", "green", "-q", "--no-validate")
    assert changed.returncode == 0, changed.stderr
    assert "changed" in changed.stdout
    assert all(line.startswith("gen: note: ") for line in changed.stderr.splitlines()), changed.stderr  # nothing else


@pytest.mark.parametrize("env,code,mention", [
    ({"TMPDIR": "/nonexistent/tmp"}, 3, "TMPDIR=/nonexistent/tmp"),
    ({"JSII_NODE": "/nonexistent/node"}, 3, "JSII_NODE=/nonexistent/node"),
], ids=["TMPDIR missing", "Node missing"])
def test_a_failed_early_start_is_the_same_one_line(project: Path, tmp_path: Path, env, code, mention):
    edit(project, SERVICES, "port: 8090", "port: 8091")
    before = tree_state(tmp_path)
    result = gen(project, "render", "production", "--color", "green", env=env)
    assert result.returncode == code, result.stderr
    assert result.stderr.startswith("gen: error: ") and len(result.stderr.splitlines()) == 1, result.stderr
    assert mention in result.stderr
    assert tree_state(tmp_path) == before


def test_bad_input_while_the_runtime_starts_is_one_line_exit_2(project: Path, tmp_path: Path):
    edit(project, SERVICES, "port: 8090", "port: eighty")
    before = tree_state(tmp_path)
    result = gen(project, "render", "production", "--color", "green")
    assert result.returncode == 2, result.stderr
    assert result.stderr.startswith(f"gen: error: {SERVICES}:") and len(result.stderr.splitlines()) == 1, result.stderr
    assert "Traceback" not in result.stderr and result.stdout == ""
    assert tree_state(tmp_path) == before


def test_a_starting_runtime_forbids_forking_synthesis_workers():
    """A fork while a thread is importing cdk8s would hand the child the import's locks (or the
    runtime's pipe): once the early start began, and after, synthesis stays in this process."""
    script = ("from generator import runtime\n"
              "from generator.render.synth import workers_for\n"
              "before = workers_for(4)\n"
              "runtime.start_cdk8s()\n"
              "during = workers_for(4)\n"
              "runtime.settle_cdk8s()\n"
              "print(before, during, workers_for(4))\n")
    result = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr
    cores = len(os.sched_getaffinity(0))
    assert result.stdout.split() == [str(min(cores, 4) if cores > 1 else 0), "0", "0"]
