"""No hang, no leak (issue 26): every file gen reads is a regular file inside its tree, checked
before it is opened, and every wait and every size is bounded. Each case runs gen in a fresh
process with a time bound: a hang fails the case (it does not hang the suite)."""

from __future__ import annotations

import fcntl
import os
import shutil
from pathlib import Path

import pytest

from tests.hostile.harness import (
    Case, assert_fresh_failure, check_fresh, copy_project, run_fresh, tree_state,
)
from tests.test_diff_markdown import ORDER, many_changes

SERVICES = "blueprints/catalog/services.yaml"
SECRET = "AWS_SECRET_ACCESS_KEY=wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY"
BOUND = 60  # seconds: each of these finishes in a few


def first_rendered(project: Path, env: str = "local") -> str:
    """The first committed object file of one of env's parts (computed, not assumed)."""
    folder = sorted(p for p in (project / "rendered" / env).iterdir() if p.is_dir())[0]
    return sorted(p for p in folder.iterdir() if p.name.endswith(".yaml"))[0].relative_to(project).as_posix()


def fifo(relative: str | None):
    def setup(project: Path) -> None:
        path = project / (relative or first_rendered(project))
        path.unlink()
        os.mkfifo(path)
    return setup


def secret_outside(project: Path) -> Path:
    outside = project.parent / "credentials"
    outside.write_text(f"{SECRET}\n", encoding="utf-8")
    return outside


def symlink_out(relative: str | None):
    def setup(project: Path) -> None:
        path = project / (relative or first_rendered(project))
        path.unlink()
        path.symlink_to(secret_outside(project))
    return setup


CASES = [
    Case("services.yaml is a FIFO, check", fifo(SERVICES), ("check",), 2, (SERVICES, "named pipe")),
    Case("services.yaml is a FIFO, render", fifo(SERVICES), ("render", "local"), 2, (SERVICES, "named pipe")),
    Case("services.yaml is a FIFO, list", fifo(SERVICES), ("list",), 2, (SERVICES, "named pipe")),
    Case("a rendered file is a FIFO, check", fifo(None), ("check",), 2, ("rendered/local/", "named pipe")),
    Case("a rendered file is a FIFO, render", fifo(None), ("render", "local"), 2, ("rendered/local/", "named pipe")),
    Case("a rendered file is a FIFO, validate", fifo(None), ("validate", "local"), 2, ("rendered/local/", "named pipe")),
    Case("services.yaml links outside, check", symlink_out(SERVICES), ("check",), 2, (SERVICES, "symlink")),
    Case("services.yaml links outside, validate", symlink_out(SERVICES), ("validate", "--all"), 2, (SERVICES, "symlink")),
    Case("a rendered file links outside, validate", symlink_out(None), ("validate", "local"), 2, ("rendered/local/", "symlink")),
    Case("a rendered file links outside, diff", symlink_out(None), ("diff", "local", "--format", "markdown"), 2,
         ("rendered/local/", "symlink")),
]


@pytest.mark.parametrize("case", CASES, ids=[c.id for c in CASES])
def test_a_file_that_is_not_a_regular_file_inside_the_tree_is_refused_unread(case: Case, tmp_path: Path) -> None:
    result = check_fresh(case, tmp_path, timeout=BOUND)
    assert SECRET not in result.stderr + result.stdout


def test_an_old_tree_file_linking_outside_is_refused_and_not_shown(tmp_path: Path) -> None:
    """The pull request job: `gen diff --old-tree .base --format markdown` into the PR comment."""
    project = copy_project(tmp_path)
    old = tmp_path / "base"
    shutil.copytree(project / "rendered", old / "rendered", symlinks=True)
    relative = first_rendered(project)
    (old / relative).unlink()
    (old / relative).symlink_to(secret_outside(project))
    before = tree_state(tmp_path)
    result = run_fresh(project, "diff", "--old-tree", str(old), "--format", "markdown", timeout=BOUND)
    assert_fresh_failure(result, 2, (relative, "symlink"))
    assert SECRET not in result.stdout + result.stderr
    assert tree_state(tmp_path) == before


@pytest.mark.parametrize("value", ["nan", "inf", "-inf", "-1", "1e400", "NaN", "1e9"])
def test_the_lock_timeout_is_a_finite_number_of_seconds(tmp_path: Path, value: str) -> None:
    """Another gen holds the project: a timeout that would wait for ever is refused at once."""
    project = copy_project(tmp_path)
    fd = os.open(project, os.O_RDONLY)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX)
        result = run_fresh(project, "list", env={"GEN_LOCK_TIMEOUT": value}, timeout=BOUND)
    finally:
        os.close(fd)
    assert_fresh_failure(result, 2, ("GEN_LOCK_TIMEOUT", repr(value)))


@pytest.mark.parametrize("objects", [10_000, 40_000])
def test_the_markdown_report_is_linear_in_the_objects_it_lists(objects: int) -> None:
    """Was quadratic (10,000 objects 6.7 s, 40,000 109 s): its speed is measured by
    bench/markdown.py; here the report of a large diff stays within its budget and counts the rest."""
    from generator.diff.markdown import BUDGET, markdown

    result = many_changes(parts=1, objects=objects)
    text = markdown("gen diff", result, ORDER)
    assert len(text.encode()) <= BUDGET and "more changes not shown" in text


def patch_objects(count: int, env: str = "production"):
    """A hand patch adding `count` ConfigMaps to every part of env."""
    def setup(project: Path) -> None:
        folder = project / "overlays" / env / "patches"
        kustomization = folder / "kustomization.yaml"
        kustomization.write_text(kustomization.read_text(encoding="utf-8") + "resources: [extra.yaml]\n", encoding="utf-8")
        docs = [f"apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: extra-{i}\ndata:\n  a: b\n" for i in range(count)]
        (folder / "extra.yaml").write_text("---\n".join(docs), encoding="utf-8")
    return setup


@pytest.mark.parametrize("count", [201, 2_000, 10_000])
def test_a_hand_patch_of_too_many_objects_is_refused_at_once(tmp_path: Path, count: int) -> None:
    """Was 34 s at 2,000 objects in kustomize, over 300 s at 10,000."""
    from generator.render.patches import OBJECTS_MAX

    assert count > OBJECTS_MAX
    case = Case(f"{count} objects", patch_objects(count), ("render", "production"), 2,
                ("overlays/production/patches/", f"{count} objects", f"at most {OBJECTS_MAX}"))
    check_fresh(case, tmp_path, timeout=BOUND)  # refused with the limit named (a hang fails at BOUND)


def test_a_hand_patch_at_the_limit_renders(tmp_path: Path) -> None:
    from generator.render.patches import OBJECTS_MAX

    project = copy_project(tmp_path)
    patch_objects(OBJECTS_MAX, "local")(project)
    result = run_fresh(project, "render", "local", "-q", "--no-validate", timeout=120)
    assert result.exit_code == 0, result.stderr


def test_a_file_where_the_patches_folder_goes_is_refused_not_deleted(tmp_path: Path) -> None:
    def setup(project: Path) -> None:
        folder = project / "overlays" / "production" / "patches"
        shutil.rmtree(folder)
        folder.write_text("my notes\n", encoding="utf-8")
    case = Case("patches is a file", setup, ("render", "production"), 2, ("overlays/production/patches", "not a folder"))
    check_fresh(case, tmp_path, timeout=BOUND)

