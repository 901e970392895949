"""Snapshots for reviewing change: what a small fixture catalog renders to, and the CLI's tables
and messages. The committed rendered/ is guarded by `gen check`, the seed's facts by explicit
assertions (test_seed_facts.py); these show in a PR's diff how a change to the blueprints or the
CLI reads.

The fixture (tests/fixtures/catalog/) has two services of each tier but the GPU hosts' one, a
plain environment (development) and a blue-green one (production, GPU nodes); the charts are the
project's own (blueprints/catalog/databases.yaml). After an intended change:
`pytest tests/test_snapshots.py --snapshot-update`, then read the snapshot diff.
"""

from __future__ import annotations

import shutil
from pathlib import Path, PurePosixPath

import pytest

from generator.catalog import load_catalog
from generator.render import Plan, everything, plan
from tests.conftest import PROJECT, gen, new_project

FIXTURE = PROJECT / "tests" / "fixtures" / "catalog"
PARTS = [
    ("development", "shared"), ("development", "app"), ("development", "argocd"),
    ("production", "shared"), ("production", "blue"), ("production", "green"), ("production", "argocd"),
]


@pytest.fixture(scope="module")
def fixture_project(tmp_path_factory) -> Path:
    """The project's schemas and charts, and the fixture's services, environments, releases and alerts."""
    root = new_project(tmp_path_factory.mktemp("fixture"))
    for path in FIXTURE.iterdir():
        shutil.copy(path, root / "blueprints" / "catalog" / path.name)
    return root


@pytest.fixture(scope="module")
def rendered(fixture_project: Path) -> Plan:
    catalog = load_catalog(fixture_project)
    return plan(fixture_project, catalog, everything(catalog))


def test_the_fixture_renders_every_part_of_both_environments(rendered: Plan):
    """The platform's parts (snapshotted below) and the stores' hydrated releases (the vendored
    charts' output: tests/test_hydrate.py compares it with Helm's own)."""
    parts = {path.parts[1:3] for path in rendered.files if path.parts[0] == "rendered"}
    releases = {(env, part) for env in ("development", "production") for part in rendered.catalog.release_parts(env)}
    assert releases and parts == set(PARTS) | releases


@pytest.mark.parametrize("env,part", PARTS, ids=[f"{e}-{p}" for e, p in PARTS])
def test_rendered_part(rendered: Plan, snapshot, env: str, part: str):
    folder = PurePosixPath("rendered", env, part)
    files = {
        str(path.relative_to(folder)): content.decode()
        for path, content in sorted(rendered.files.items())
        if path.is_relative_to(folder)
    }
    assert files == snapshot


@pytest.mark.parametrize("args", [
    ("list",),
    ("rules",),
    ("render", "development", "--color", "green"),  # refused: development has no blue-green
    ("promote", "production", "blue"),              # refused: blue already serves
    ("retire", "production", "blue"),               # refused: blue serves
], ids=lambda args: "-".join(args))
def test_cli_output(fixture_project: Path, snapshot, args: tuple[str, ...]):
    result = gen(fixture_project, *args)
    assert {"exit": result.exit_code, "stdout": result.stdout, "stderr": result.stderr} == snapshot
