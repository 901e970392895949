"""The hostile-input harness: every case runs in a fresh copy of the whole project and must fail
the way the README promises: the right exit code, one line on stderr naming the file and field,
no traceback, and the project (and the folder around it) unchanged byte for byte."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from click.testing import CliRunner, Result

from generator.cli import cli

PROJECT = Path(__file__).resolve().parents[2]
PRODUCT = ("blueprints/catalog", "charts", "schemas", "overlays", "rendered", ".gitattributes")


def copy_project(root: Path) -> Path:
    """A copy of the project's product (catalog, schemas, overlays, rendered) in root/project."""
    project = root / "project"
    for name in PRODUCT:
        source = PROJECT / name
        if source.is_dir():
            shutil.copytree(source, project / name, symlinks=True)
        elif source.exists():
            (project / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(source, project / name)
    return project


def tree_state(root: Path) -> dict[str, tuple[str, bytes | str]]:
    """Every entry under root: files by content, links by target, folders by name."""
    state: dict[str, tuple[str, bytes | str]] = {}
    for dirpath, dirnames, filenames in os.walk(root):
        for name in dirnames + filenames:
            path = Path(dirpath, name)
            key = str(path.relative_to(root))
            if path.is_symlink():
                state[key] = ("link", os.readlink(path))
            elif path.is_dir():
                state[key] = ("dir", "")
            elif not path.is_file():  # a named pipe or socket: reading it would block
                state[key] = ("special", "")
            else:
                state[key] = ("file", path.read_bytes())
    return state


def run_gen(project: Path, *args: str, env: dict[str, str] | None = None) -> Result:
    """`gen --project PROJECT ARGS...` in process (exceptions are not caught for us: a traceback
    is a failure of the case, not an exit code)."""
    return CliRunner().invoke(cli, ["--project", str(project), *args], env=env, catch_exceptions=True)


def one_error_line(stderr: str, mentions: Sequence[str]) -> str:
    """stderr is exactly one line `gen: error: ...` holding every mention; that line."""
    lines = stderr.strip().splitlines()
    assert len(lines) == 1, f"stderr is not one line:\n{stderr}"
    assert lines[0].startswith("gen: error: "), lines[0]
    for mention in mentions:
        assert mention in lines[0], f"{mention!r} not in {lines[0]!r}"
    return lines[0]


def assert_one_line_failure(result: Result, code: int, mentions: Sequence[str]) -> str:
    """Exit `code`, no traceback, exactly one stderr line `gen: error: ...` holding every mention."""
    assert result.exception is None or isinstance(result.exception, SystemExit), (
        f"traceback: {result.exception!r}\n{result.output}"
    )
    assert "Traceback" not in result.output and "Traceback" not in result.stderr
    assert result.exit_code == code, f"exit {result.exit_code}, expected {code}\n{result.output}{result.stderr}"
    return one_error_line(result.stderr, mentions)


@dataclass(frozen=True)
class Case:
    """One hostile case: `setup` spoils a fresh copy of the project, then `gen ARGS` must fail
    with exit `code` and one stderr line holding every string of `mentions`."""

    id: str
    setup: Callable[[Path], None]
    args: tuple[str, ...] = ("render", "--all")
    code: int = 2
    mentions: tuple[str, ...] = ()
    env: dict[str, str] = field(default_factory=dict)


def check_case(case: Case, tmp_path: Path) -> Result:
    """Run one case and assert the four properties; the folder around the project counts too
    (a path that escapes the project must not land beside it). Returns the result, for more checks."""
    project = copy_project(tmp_path)
    case.setup(project)
    before = tree_state(tmp_path)
    result = run_gen(project, *case.args, env=case.env or None)
    assert_one_line_failure(result, case.code, case.mentions)
    assert tree_state(tmp_path) == before, "the tree changed"
    return result


def edit(project: Path, relative: str, old: str, new: str) -> None:
    """Replace `old`, which must be in the file exactly once, by `new`."""
    path = project / relative
    text = path.read_text(encoding="utf-8")
    assert text.count(old) == 1, f"{old!r} is not once in {relative}"
    path.write_text(text.replace(old, new), encoding="utf-8")


@dataclass(frozen=True)
class Fresh:
    """What a `gen` run in a fresh process did."""

    exit_code: int
    stdout: str
    stderr: str
    seconds: float


def run_fresh(project: Path, *args: str, env: dict[str, str] | None = None, timeout: float = 120,
              stdin: int | None = subprocess.DEVNULL, stdout: int | None = subprocess.PIPE) -> Fresh:
    """`python -m generator --project PROJECT ARGS...` in a new process, bounded by `timeout`
    seconds (a hang fails the case instead of the suite)."""
    started = time.monotonic()
    proc = subprocess.run([sys.executable, "-m", "generator", "--project", str(project), *args],
                          stdin=stdin, stdout=stdout, stderr=subprocess.PIPE, timeout=timeout,
                          env={**os.environ, **(env or {})}, cwd=project.parent)
    out = proc.stdout.decode("utf-8", "replace") if proc.stdout else ""
    return Fresh(proc.returncode, out, proc.stderr.decode("utf-8", "replace"), time.monotonic() - started)


def assert_fresh_failure(result: Fresh, code: int, mentions: Sequence[str] = ()) -> str:
    """As assert_one_line_failure, for a fresh process."""
    assert "Traceback" not in result.stderr and "Traceback" not in result.stdout, result.stderr
    assert result.exit_code == code, f"exit {result.exit_code}, expected {code}\n{result.stdout}{result.stderr}"
    return one_error_line(result.stderr, mentions)


def check_fresh(case: Case, tmp_path: Path, timeout: float = 120) -> Fresh:
    """check_case in a fresh process, bounded by `timeout` seconds."""
    project = copy_project(tmp_path)
    case.setup(project)
    before = tree_state(tmp_path)
    result = run_fresh(project, *case.args, env=case.env, timeout=timeout)
    assert_fresh_failure(result, case.code, case.mentions)
    assert tree_state(tmp_path) == before, "the tree changed"
    return result
