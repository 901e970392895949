"""GEN-UNKNOWN-PART: what lies under rendered/ that gen does not render is a finding of gen
validate (before, only gen check noticed: `gen validate --all` passed a privileged Pod there)."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner

from generator.cli import cli
from tests.conftest import PROJECT

POD = ("apiVersion: v1\nkind: Pod\nmetadata: {name: miner, namespace: therapeutic-ai}\n"
       "spec: {containers: [{name: miner, image: ghcr.io/someone/miner:1, securityContext: {privileged: true}}]}\n")


@pytest.fixture
def project(tmp_path: Path) -> Path:
    """A copy of what gen validate reads: the catalog, the rendered tree, the schemas."""
    for folder in ("blueprints/catalog", "rendered", "schemas"):
        shutil.copytree(PROJECT / folder, tmp_path / folder)
    return tmp_path


def validate(project: Path, *args: str):
    return CliRunner().invoke(cli, ["--project", str(project), "validate", *args])


def test_the_committed_tree_has_nothing_gen_does_not_render(project):
    result = validate(project, "--all")
    assert result.exit_code == 0, result.output
    assert "GEN-UNKNOWN-PART" not in result.output


@pytest.mark.parametrize("where, named", [
    ("rendered/production/extra/pod.yaml", "rendered/production/extra: Folder/extra"),
    ("rendered/production/pod.yaml", "rendered/production/pod.yaml: File/pod.yaml"),
    ("rendered/nowhere/pod.yaml", "rendered/nowhere: Folder/nowhere"),
])
def test_a_privileged_pod_where_gen_renders_nothing_fails_validate(project, where, named):
    (project / where).parent.mkdir(parents=True, exist_ok=True)
    (project / where).write_text(POD)
    result = validate(project, "--all")
    assert result.exit_code == 1, result.output
    (line,) = [line for line in result.output.splitlines() if "GEN-UNKNOWN-PART" in line]
    assert line.startswith(f"{named}: GEN-UNKNOWN-PART: ")


def test_one_environment_is_judged_for_its_own_folder(project):
    (project / "rendered/production/extra").mkdir()
    (project / "rendered/nowhere").mkdir()
    staging = validate(project, "staging")
    assert staging.exit_code == 0 and "GEN-UNKNOWN-PART" not in staging.output
    production = validate(project, "production")
    assert production.exit_code == 1 and "rendered/production/extra: Folder/extra: GEN-UNKNOWN-PART" in production.output
    assert "rendered/nowhere" not in production.output
