"""The vendored charts and their lock: verified offline; a tampered, added or removed file fails;
a pulled tree comes in only when it matches the lock, or when recorded."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from generator.errors import CatalogError, Refused
from generator.vendor import lock
from generator.vendor.intake import intake
from tests.conftest import PROJECT, new_project


@pytest.fixture
def project(tmp_path: Path) -> Path:
    shutil.copytree(PROJECT / lock.CHARTS, tmp_path / lock.CHARTS)
    return tmp_path


def test_the_committed_charts_match_their_lock():
    assert lock.verify(PROJECT) == []


def test_every_chart_the_catalog_pins_is_vendored_at_its_version():
    from generator.catalog import load_catalog

    locked = lock.read(PROJECT).charts
    for key, chart in load_catalog(PROJECT).databases.charts.items():
        assert (locked[key].name, locked[key].version) == (chart.name, chart.version)
        assert (PROJECT / locked[key].folder / "Chart.yaml").is_file()


def test_a_changed_file_fails(project):
    entry = next(iter(lock.read(project).charts.values()))
    template = next((project / entry.folder / "templates").glob("*.yaml"))
    template.write_text(template.read_text() + "# tampered\n")
    (problem,) = lock.verify(project)
    assert problem.startswith(f"{entry.folder}: files digest") and "changed, added or removed" in problem


@pytest.mark.parametrize("how", ["added", "removed", "symlink", "stray folder"])
def test_an_added_removed_or_linked_file_fails(project, how):
    entry = next(iter(lock.read(project).charts.values()))
    folder = project / entry.folder
    if how == "added":
        (folder / "templates" / "extra.yaml").write_text("kind: Pod\n")
    elif how == "removed":
        (folder / "values.yaml").unlink()
    elif how == "symlink":
        (folder / "link.yaml").symlink_to(folder / "values.yaml")
    else:
        (project / lock.CHARTS / "nginx-1.0.0").mkdir()
    assert lock.verify(project)


def test_a_pulled_tree_that_matches_the_lock_comes_in_and_one_that_does_not_is_refused(project, tmp_path):
    key, entry = next(iter(lock.read(project).charts.items()))
    pulled = tmp_path / "pulled" / entry.name
    shutil.copytree(project / entry.folder, pulled)
    shutil.rmtree(project / entry.folder)
    assert not intake(project, key, pulled).recorded
    assert lock.verify(project) == []
    (pulled / "values.yaml").write_text("image: {registry: evil.example}\n")
    with pytest.raises(Refused, match="does not match"):
        intake(project, key, pulled)
    assert lock.verify(project) == []


def test_a_new_version_needs_record(project, tmp_path):
    key, entry = next(iter(lock.read(project).charts.items()))
    pulled = tmp_path / "pulled" / entry.name
    shutil.copytree(project / entry.folder, pulled)
    chart_yaml = pulled / "Chart.yaml"
    chart_yaml.write_text(chart_yaml.read_text().replace(f"version: {entry.version}", "version: 99.0.0"))
    with pytest.raises(Refused, match="pass --record"):
        intake(project, key, pulled)
    recorded = intake(project, key, pulled, record=True)
    assert recorded.recorded and recorded.entry.version == "99.0.0"
    assert not (project / entry.folder).exists() and (project / recorded.entry.folder).is_dir()
    assert lock.verify(project) == []


def test_gen_chart_import_brings_in_a_matching_tree_and_refuses_another(project, tmp_path):
    from click.testing import CliRunner

    from generator.cli import cli

    key, entry = next(iter(lock.read(project).charts.items()))
    pulled = tmp_path / "pulled" / entry.name
    shutil.copytree(project / entry.folder, pulled)
    ok = CliRunner().invoke(cli, ["--project", str(project), "chart", "import", key, str(pulled)])
    assert ok.exit_code == 0 and "matches charts/lock.yaml" in ok.output, ok.output
    (pulled / "values.yaml").write_text("image: {registry: evil.example}\n")
    refused = CliRunner().invoke(cli, ["--project", str(project), "chart", "import", key, str(pulled)])
    assert refused.exit_code != 0 and "does not match" in refused.output
    assert lock.verify(project) == []


def test_the_lock_is_read_anew_when_its_file_changes_in_the_same_process(tmp_path):
    """The lock (and the engine's loaded charts, by the lock's digest) are kept per version of the
    file, not per path: a `gen chart import` a library caller runs between two renders is seen."""
    project = new_project(tmp_path)
    before = lock.cached(project)
    text = (project / lock.LOCK).read_text()
    (project / lock.LOCK).write_text(text.replace("  postgresql:\n", "  postgres-renamed:\n", 1))
    after = lock.cached(project)
    assert "postgres-renamed" in after.charts and "postgres-renamed" not in before.charts
    (project / lock.LOCK).unlink()
    with pytest.raises(CatalogError, match="missing"):
        lock.cached(project)
