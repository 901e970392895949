"""When the machine fails gen (disk full, permission, a missing or broken kubectl or Node, an
unusable TMPDIR, another gen holding the project): exit 3, one line naming what failed, no
traceback, the tree unchanged. What a killed run leaves is healed by the next command."""

from __future__ import annotations

import errno
import fcntl
import os
import stat
from pathlib import Path

import pytest

from generator import swap
from tests.hostile.harness import (
    Case, assert_one_line_failure, check_case, copy_project, edit, run_gen, tree_state,
)

SERVICES = "blueprints/catalog/services.yaml"


def changed_port(project: Path) -> None:
    """A catalog change, so that a render has something to write."""
    edit(project, SERVICES, "port: 8090", "port: 8091")


def script(body: str):
    """A fake kubectl at PROJECT/../fake-kubectl (outside the project, so the tree check holds)."""
    def setup(project: Path) -> None:
        path = project.parent / "fake-kubectl"
        path.write_text("#!/bin/sh\n" + body)
        path.chmod(path.stat().st_mode | stat.S_IEXEC)
    return setup


ENV_CASES = [
    Case("TMPDIR does not exist", changed_port, ("render", "local"), 3, ("TMPDIR=/nonexistent/tmp",),
         env={"TMPDIR": "/nonexistent/tmp"}),
    Case("TMPDIR is a file", changed_port, ("render", "local"), 3, ("TMPDIR=/etc/hostname", "not a folder"),
         env={"TMPDIR": "/etc/hostname"}),
    Case("kubectl missing", changed_port, ("render", "local"), 3, ("/nonexistent/kubectl", "No such file"),
         env={"GEN_KUBECTL": "/nonexistent/kubectl"}),
    Case("kubectl is a folder", changed_port, ("render", "local"), 3, ("/etc kustomize", "Permission denied"),
         env={"GEN_KUBECTL": "/etc"}),
    Case("Node missing", changed_port, ("render", "local"), 3, ("JSII_NODE=/nonexistent/node",),
         env={"JSII_NODE": "/nonexistent/node"}),
]


@pytest.mark.parametrize("case", ENV_CASES, ids=[c.id for c in ENV_CASES])
def test_an_environment_failure_is_one_line_exit_3(case: Case, tmp_path: Path) -> None:
    check_case(case, tmp_path)


@pytest.mark.parametrize("body,mentions", [
    ('echo "apiVersion: v1"\necho "kind: Con"\n', ("kustomize printed a document that is not a Kubernetes object",)),
    ('printf "apiVersion: v1\\nkind: ConfigMap\\nmetadata:\\n  name: [x\\n"\n', ("not a Kubernetes object",)),
    ('printf "\\377\\376garbage"\n', ("not UTF-8",)),
    ('echo "Error: boom" >&2\nexit 1\n', ("kustomize failed", "boom")),
], ids=["truncated object", "truncated YAML", "binary output", "kustomize error"])
def test_a_kubectl_that_prints_garbage_is_one_line(tmp_path: Path, body: str, mentions: tuple[str, ...]) -> None:
    project = copy_project(tmp_path)
    changed_port(project)
    script(body)(project)
    before = tree_state(tmp_path)
    result = run_gen(project, "render", "local", env={"GEN_KUBECTL": str(tmp_path / "fake-kubectl")})
    line = assert_one_line_failure(result, 2 if "failed" in mentions[0] else 3, mentions)
    assert "overlays/local/" in line
    assert tree_state(tmp_path) == before


@pytest.mark.parametrize("error,step", [
    (errno.ENOSPC, "mkdir"), (errno.ENOSPC, "write"), (errno.ENOSPC, "rename"),
    (errno.EPERM, "rename"), (errno.EACCES, "rename"), (errno.EROFS, "rename"), (errno.EIO, "unlink"),
])
def test_a_disk_or_permission_failure_during_the_write_is_exit_3_and_changes_nothing(tmp_path, error, step):
    project = copy_project(tmp_path)
    changed_port(project)
    before = tree_state(tmp_path)
    seen = []

    def fail(done: str, path: Path) -> None:
        seen.append(done)
        if done == step and seen.count(step) == (2 if step == "rename" else 1):  # a rename inside the swap
            raise OSError(error, os.strerror(error), str(path))

    swap.step_hook = fail
    try:
        result = run_gen(project, "render", "local", "-q")
    finally:
        swap.step_hook = None
    assert_one_line_failure(result, 3, (os.strerror(error), errno.errorcode[error]))
    if step == "unlink":  # the journal was already gone: the write is done, only scratch was left
        assert run_gen(project, "list").exit_code == 0
        assert not any(p.name.startswith(".gen-") for p in project.iterdir())
    else:
        assert tree_state(tmp_path) == before


def test_a_second_gen_waits_then_refuses_in_one_line(tmp_path: Path) -> None:
    project = copy_project(tmp_path)
    fd = os.open(project, os.O_RDONLY)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX)
        result = run_gen(project, "render", "--all", env={"GEN_LOCK_TIMEOUT": "0.3"})
        assert_one_line_failure(result, 3, (str(project), "another gen command is running", "0.3 s"))
    finally:
        os.close(fd)
    assert run_gen(project, "list", env={"GEN_LOCK_TIMEOUT": "0.3"}).exit_code == 0  # released: it runs


def test_the_next_command_removes_the_scratch_a_killed_run_left(tmp_path: Path) -> None:
    project = copy_project(tmp_path)
    before = tree_state(project)
    for name in (".gen-tmp-abc123/new/rendered/local/app", ".gen-tmp-zz/old/0"):
        (project / name).mkdir(parents=True)
        (project / name / "x.yaml").write_text("kind: Half\n")
    (project / ".gen-journal.tmp").write_text('{"scratch": ".gen-tm')  # killed while writing the journal
    result = run_gen(project, "validate", "local")
    assert result.exit_code == 0, result.output
    assert tree_state(project) == before


def test_a_journal_that_is_not_gens_is_one_line_exit_3(tmp_path: Path) -> None:
    project = copy_project(tmp_path)
    (project / swap.JOURNAL).write_text('{"scratch": "../../etc", "moves": []}')
    before = tree_state(tmp_path)
    result = run_gen(project, "list")
    assert_one_line_failure(result, 3, (swap.JOURNAL, "restore the tree with git"))
    assert tree_state(tmp_path) == before


def test_a_file_where_a_part_folder_should_be_is_one_line(tmp_path: Path) -> None:
    project = copy_project(tmp_path)
    changed_port(project)
    (project / "rendered/local/app").rename(project / "app-moved")
    (project / "rendered/local/app").write_text("not a folder\n")
    result = run_gen(project, "render", "local", "-q")
    # a file in place of the part's folder is replaced by the folder (the scope is gen's own)
    assert result.exit_code == 0, result.output + result.stderr
    assert (project / "rendered/local/app").is_dir()
