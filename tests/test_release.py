"""Blue-green releases: gen promote, rollback and retire on a copy of the committed tree.

Each step must be one reviewable change: promote changes the live Services' selectors and the
release record and nothing else, rollback gives back the bytes exactly, refusals change nothing.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from blueprints.model import Color
from blueprints.monitoring_spec import recolored
from generator import yamlio
from generator.release import record
from generator.catalog import load_catalog
from tests.conftest import PROJECT, gen, snapshot_tree

SERVICES = [s.name for s in load_catalog(PROJECT).services.services]
RECORD = "blueprints/catalog/releases.yaml"


@pytest.fixture(scope="module")
def committed(tmp_path_factory) -> Path:
    """The project's catalog, vendored charts, schemas and committed overlays/ and rendered/ (read-only: copy it)."""
    root = tmp_path_factory.mktemp("committed")
    for folder in ("blueprints/catalog", "charts", "schemas", "overlays", "rendered"):
        shutil.copytree(PROJECT / folder, root / folder, ignore=shutil.ignore_patterns("upstream", "convert.py", "upstream.yaml"))
    return root


@pytest.fixture
def project(committed: Path, tmp_path: Path) -> Path:
    shutil.copytree(committed, tmp_path / "project")
    return tmp_path / "project"


def changed(before: dict[str, bytes], after: dict[str, bytes]) -> set[str]:
    return {p for p in before.keys() | after.keys() if before.get(p) != after.get(p)}


def test_promote_changes_only_the_live_selectors_and_the_record_and_rollback_restores_the_bytes(project):
    before = snapshot_tree(project)
    result = gen(project, "promote", "production", "green")
    assert result.exit_code == 0, result.output
    after = snapshot_tree(project)

    live = {f"rendered/production/shared/service-{name}.yaml" for name in SERVICES}
    # the rollback alerts watch the color that serves: their color matchers follow it
    rules = {"rendered/production/shared/prometheusrule-alerts-rollback.yaml",
             "overlays/production/shared/resources/monitoring.yaml"}
    # the pages that say which color serves (not synced): shared's and both colors'
    pages = {f"rendered/production/{part}/README.md" for part in ("shared", "blue", "green")}
    assert changed(before, after) == live | rules | pages | {"overlays/production/shared/resources/live.yaml", RECORD}
    assert "**green serves production**" in after["rendered/production/shared/README.md"].decode()
    assert "**green serves production now**" in after["rendered/production/green/README.md"].decode()
    assert "**blue is idle**: green serves production" in after["rendered/production/blue/README.md"].decode()
    for path in live:
        old, new = yamlio.load(before[path].decode()), yamlio.load(after[path].decode())
        assert (old["spec"]["selector"]["version"], new["spec"]["selector"]["version"]) == ("blue", "green")
        old["spec"]["selector"]["version"] = "green"
        assert old == new, path  # the selector is all that changed
    for path in rules:
        old, new = before[path].decode(), after[path].decode()
        assert recolored(old, Color.BLUE, Color.GREEN) == new, path  # the color matchers are all that changed
        assert 'version="green",code=~"5.."' in new.replace('\\"', '"')  # RollbackErrorRateHigh now watches green
    assert b"production: {active: green, previous: blue, deployed: [blue, green]}" in after[RECORD]
    assert "Service api-gateway: selector version blue -> green" in result.output
    assert result.output.splitlines()[-1] == (
        f"gen promote production: {len(SERVICES)} live Services switch from blue to green; commit, review, merge, then "
        "sync production-live, and sync production-shared (the rollback alerts watch green)")

    assert gen(project, "check").exit_code == 0
    validated = gen(project, "validate", "--all")
    assert validated.exit_code == 0, validated.output

    back = gen(project, "rollback", "production")
    assert back.exit_code == 0, back.output
    assert snapshot_tree(project) == before


def refused(project: Path, *args: str, says: str) -> None:
    before = snapshot_tree(project)
    result = gen(project, *args)
    assert result.exit_code == 1, result.output
    assert says in result.output
    assert snapshot_tree(project) == before
    assert not list(project.glob(".gen-tmp-*"))


def test_promoting_the_active_color_is_refused(project):
    refused(project, "promote", "production", "blue", says="blue already serves production")


def test_promoting_a_color_that_is_not_rendered_is_refused(project):
    shutil.rmtree(project / "rendered/production/green")
    refused(project, "promote", "production", "green", says="green is not rendered in production")


def test_promoting_a_retired_color_is_refused(project):
    assert gen(project, "retire", "production", "green").exit_code == 0
    refused(project, "promote", "production", "green", says="green is not deployed in production")


def test_promoting_a_color_that_fails_validation_is_refused(project):
    """Rendered as the catalog says, but the environment would not pass `gen validate` (here: the
    declared cluster shrank below what production requests)."""
    path = project / "blueprints/catalog/environments.yaml"
    path.write_text(path.read_text().replace("      cpu: 96\n", "      cpu: 40\n", 1))
    before = snapshot_tree(project)
    result = gen(project, "promote", "production", "green")
    assert result.exit_code == 1, result.output
    assert "CAPACITY" in result.output
    assert "production with green serving fails validation" in result.output and "nothing was written" in result.output
    assert snapshot_tree(project) == before


def test_promote_refuses_while_shared_differs_from_a_fresh_render_beyond_the_live_services(project):
    path = project / RECORD.replace("releases", "environments")
    path.write_text(path.read_text().replace("postgres: {instances: 3,", "postgres: {instances: 2,", 1))
    refused(project, "promote", "production", "green", says="rendered/production/shared/ is not up to date")


def test_rollback_without_a_previous_color_is_refused(project):
    refused(project, "rollback", "production", says="production has no previous color to roll back to")


def test_retiring_the_active_color_is_refused(project):
    refused(project, "retire", "production", "blue", says="blue serves production")


def test_retire_removes_the_idle_color_its_application_and_rollback_to_it(project):
    assert gen(project, "promote", "production", "green").exit_code == 0
    result = gen(project, "retire", "production", "blue")
    assert result.exit_code == 0, result.output
    assert "removed  rendered/production/blue/ (" in result.output
    assert not (project / "rendered/production/blue").exists()
    assert not (project / "overlays/production/blue").exists()
    assert not (project / "rendered/production/argocd/application-production-blue.yaml").exists()
    assert (project / "rendered/production/green").is_dir()
    assert b"production: {active: green, deployed: [green]}" in (project / RECORD).read_bytes()
    assert gen(project, "check").exit_code == 0
    assert gen(project, "validate", "production").exit_code == 0
    refused(project, "rollback", "production", says="no previous color")

    # the next release goes to blue: rendering it deploys it again, record and Application included
    again = gen(project, "render", "production", "--color", "blue", "-q")
    assert again.exit_code == 0, again.output
    assert (project / "rendered/production/argocd/application-production-blue.yaml").exists()
    assert b"production: {active: green, deployed: [blue, green]}" in (project / RECORD).read_bytes()
    assert gen(project, "check").exit_code == 0


@pytest.mark.parametrize("args", [["promote", "development", "green"], ["rollback", "local"],
                                  ["retire", "no-such-env", "blue"], ["promote", "production", "purple"]])
def test_release_commands_on_a_wrong_environment_or_color_exit_2(project, args):
    before = snapshot_tree(project)
    assert gen(project, *args).exit_code == 2
    assert snapshot_tree(project) == before


def test_the_committed_record_is_in_the_form_gen_writes():
    """Otherwise a promotion and its rollback could not give back the committed bytes."""
    assert record.dump(load_catalog(PROJECT).releases) == (PROJECT / RECORD).read_bytes()


def test_a_blue_green_environment_the_record_does_not_list_gets_its_line_from_its_first_render(project):
    """A new blue-green environment needs no hand edit of the record: its first render writes its
    line (both colors deployed, blue serving); a render of another environment leaves it out."""
    path = project / RECORD
    recorded = path.read_text()
    line = next(entry for entry in recorded.splitlines(keepends=True) if entry.startswith("  staging: "))
    path.write_text(recorded.replace(line, ""))
    assert gen(project, "render", "production", "--quiet").exit_code == 0
    assert "  staging: " not in path.read_text()
    result = gen(project, "render", "staging", "--quiet")
    assert result.exit_code == 0, result.output
    assert "  staging: {active: blue, deployed: [blue, green]}\n" in path.read_text()
    assert path.read_text() == recorded.replace(line, "  staging: {active: blue, deployed: [blue, green]}\n")


@pytest.mark.parametrize("entries,expected", [
    (["development: {active: blue, deployed: [blue]}"], "environments.development: development is not blue-green"),
    (["staging: {active: green, deployed: [blue]}"], "environments.staging.active: green is active but not deployed"),
    (["staging: {active: blue, previous: blue, deployed: [blue]}"], "environments.staging.previous: the previous color"),
    (["staging: {active: blue, deployed: [blue, blue]}"], "environments.staging.deployed: a color is listed twice"),
])
def test_a_bad_record_is_one_line_naming_the_file(project, entries, expected):
    path = project / RECORD
    header, recorded = path.read_text().split("environments:\n")
    kept = {line.split(":")[0].strip(): line for line in recorded.splitlines(keepends=True)}
    for entry in entries:
        kept[entry.split(":")[0]] = f"  {entry}\n"
    path.write_text(header + "environments:\n" + "".join(kept.values()))
    before = snapshot_tree(project)
    result = gen(project, "render", "--all")
    assert result.exit_code == 2
    assert len(result.output.strip().splitlines()) == 1, result.output
    assert result.output.startswith(f"gen: error: {RECORD}:")
    assert expected in result.output, result.output
    assert snapshot_tree(project) == before


@pytest.mark.parametrize("failing", ["rendered/production/shared", "blueprints/catalog/releases.yaml"])
def test_a_promotion_that_fails_while_swapping_puts_every_file_back(project, monkeypatch, failing):
    """The folders and the record are swapped in by renames; a failure on any of them (here the
    shared part's folder, or the record, swapped last) restores all that was swapped before."""
    import os

    from generator import files as tree

    real = os.rename

    def rename(src, dst):
        if str(dst).endswith(failing) and ".gen-tmp-" in str(src) and "/new/" in str(src):
            raise OSError("disk full")
        return real(src, dst)

    monkeypatch.setattr(tree.os, "rename", rename)
    before = snapshot_tree(project)
    result = gen(project, "promote", "production", "green")
    assert result.exit_code != 0
    assert snapshot_tree(project) == before
    assert not list(project.glob(".gen-tmp-*"))


def test_promoting_a_color_that_differs_from_a_fresh_render_is_refused(project):
    """What would serve must be what the catalog says: a hand-edited color is refused."""
    path = project / "rendered/production/green/deployment-api-gateway-green.yaml"
    path.write_text(path.read_text().replace("  replicas: 5\n", "  replicas: 1\n"))
    refused(project, "promote", "production", "green", says="rendered/production/green/ differs from a fresh render")


def test_retire_refuses_to_carry_other_pending_changes_of_the_argocd_part(project):
    path = project / "blueprints/catalog/environments.yaml"
    path.write_text(path.read_text().replace("  revision: main ", "  revision: develop ", 1))
    refused(project, "retire", "production", "green", says="production's shared and Argo CD parts are not up to date")


def test_promote_twice_then_rollback_restores_the_rendered_files(project):
    assert gen(project, "promote", "production", "green").exit_code == 0
    before = snapshot_tree(project)
    assert gen(project, "promote", "production", "blue").exit_code == 0
    assert gen(project, "rollback", "production").exit_code == 0
    after = snapshot_tree(project)
    assert changed(before, after) == {RECORD}  # the rendered files are back; the record has no previous color now
    assert b"production: {active: green, deployed: [blue, green]}" in after[RECORD]


def test_rendering_the_color_that_serves_says_so(project):
    path = project / "blueprints/catalog/environments.yaml"
    path.write_text(path.read_text().replace("    images: {registry: registry.therapeutic-ai.internal/platform, tag: 3.0.0}\n    gpu_hosts: gpu",
                             "    images: {registry: registry.therapeutic-ai.internal/platform, tag: 3.0.0, color_tags: {blue: 3.0.1}}\n"
                             "    gpu_hosts: gpu", 1))
    live = gen(project, "render", "production", "--color", "blue", "-q")
    assert live.exit_code == 0, live.output
    assert "gen: note: this changes what serves production (rendered/production/blue)" in live.output
    idle = gen(project, "render", "production", "--color", "green", "-q")
    assert "gen: note" not in idle.output
