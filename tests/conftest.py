"""Shared fixtures: the real project, a fresh in-memory render of it, scratch copies."""

from __future__ import annotations

import shutil
from pathlib import Path, PurePosixPath

import pytest
from click.testing import CliRunner

from generator.cli import cli
from generator.pipeline import Plan, RenderOptions, plan

PROJECT = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="session")
def fresh() -> Plan:
    """Every environment rendered now, in memory, from the committed catalog and blueprints."""
    return plan(RenderOptions(PROJECT, everything=True))


@pytest.fixture(scope="session")
def objects(fresh: Plan) -> dict[PurePosixPath, dict]:
    """The rendered objects of the fresh render, by file path (Helm values files are not objects)."""
    return dict(fresh.objects)


def part_objects(objects: dict[PurePosixPath, dict], env: str, part: str) -> list[dict]:
    folder = PurePosixPath("rendered", env, part)
    return [obj for path, obj in objects.items() if path.parent == folder]


def find(objs: list[dict], kind: str, name: str) -> dict:
    matches = [o for o in objs if o["kind"] == kind and o["metadata"]["name"] == name]
    assert len(matches) == 1, f"{kind}/{name}: {len(matches)} objects"
    return matches[0]


def new_project(root: Path) -> Path:
    """A project holding copies of the real catalog and custom-resource schemas, and no output."""
    shutil.copytree(PROJECT / "blueprints" / "catalog", root / "blueprints" / "catalog")
    shutil.copytree(PROJECT / "schemas", root / "schemas", ignore=shutil.ignore_patterns("upstream", "*.py", "*.yaml"))
    return root


@pytest.fixture
def scratch(tmp_path: Path) -> Path:
    return new_project(tmp_path)


def snapshot_tree(root: Path) -> dict[str, bytes]:
    """Every file under root (for 'nothing was written' checks)."""
    return {str(p.relative_to(root)): p.read_bytes() for p in sorted(root.rglob("*")) if p.is_file()}


def strings(node, name=None):
    """Every string of an object with the key it sits under (list items: the list's key)."""
    if isinstance(node, dict):
        for key, value in node.items():
            yield from strings(value, key)
    elif isinstance(node, list):
        for item in node:
            yield from strings(item, name)
    elif isinstance(node, str):
        yield name, node


def gen(project: Path, *args: str):
    """`gen --project PROJECT ARGS...`, in process."""
    return CliRunner().invoke(cli, ["--project", str(project), *args])


def edit(project: Path, relative: Path, old: str, new: str) -> None:
    """Replace `old`, which must be in the file exactly once, by `new`."""
    path = project / relative
    text = path.read_text()
    assert text.count(old) == 1, f"{old!r} is not once in {relative}"
    path.write_text(text.replace(old, new))


def refuses_bad_input(project: Path, expected: str, *args: str) -> None:
    """`gen ARGS` (default: render --all) exits 2 with one line starting `gen: error: EXPECTED`
    and writes nothing."""
    before = snapshot_tree(project)
    result = gen(project, *(args or ("render", "--all")))
    assert result.exit_code == 2
    lines = result.output.strip().splitlines()
    assert len(lines) == 1, result.output
    assert lines[0].startswith("gen: error: " + expected), lines[0]
    assert snapshot_tree(project) == before
