"""Hostile input against the release record and the drift check (issue 12, findings 4's hand edit
of `active:` and 9): traffic moves only through `gen promote` / `gen rollback`; `gen check` sees
stray files; the kubernetes_version error names its file and line."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.hostile.harness import Case, check_case, copy_project, edit, run_gen, tree_state

RELEASES = "blueprints/catalog/releases.yaml"
STAGING = "staging: {active: blue, deployed: [blue, green]}"


def hand_promote(project: Path) -> None:
    edit(project, RELEASES, STAGING, STAGING.replace("active: blue", "active: green"))


def one_live_service_edited(project: Path) -> None:
    edit(project, "rendered/staging/shared/service-api-gateway.yaml", "version: blue", "version: green")


def environments_line(project: Path, key: str) -> int:
    lines = (project / "blueprints/catalog/environments.yaml").read_text().splitlines()
    return next(n for n, line in enumerate(lines, 1) if line.startswith(f"{key}:"))


def unknown_kubernetes(project: Path) -> None:
    path = project / "blueprints/catalog/environments.yaml"
    text = path.read_text()
    line = next(l for l in text.splitlines() if l.startswith("kubernetes_version:"))
    path.write_text(text.replace(line, 'kubernetes_version: "1.99"'))


CASES = [
    Case("hand edit of active, render ENV", hand_promote, ("render", "staging"), code=1,
         mentions=(RELEASES, "environments.staging.active", "gen promote staging green", "gen rollback staging")),
    Case("hand edit of active, render --all", hand_promote, ("render", "--all"), code=1,
         mentions=(RELEASES, "gen promote staging green")),
    Case("a live Service edited to the other color", one_live_service_edited, ("render", "staging"), code=1,
         mentions=("rendered/staging/shared/service-api-gateway.yaml", "gen promote staging")),
    Case("unknown kubernetes_version, validate", unknown_kubernetes, ("validate", "local"),
         mentions=("blueprints/catalog/environments.yaml:", "kubernetes_version", "1.99")),
    Case("unknown kubernetes_version, render", unknown_kubernetes, ("render", "local"),
         mentions=("blueprints/catalog/environments.yaml:", "kubernetes_version")),
    Case("unknown --kubernetes-version", lambda p: None, ("validate", "local", "--kubernetes-version", "1.99"),
         mentions=("--kubernetes-version", "1.99")),
]


@pytest.mark.parametrize("case", CASES, ids=[c.id for c in CASES])
def test_refused(case: Case, tmp_path: Path) -> None:
    check_case(case, tmp_path)


def test_the_kubernetes_version_error_names_its_line(tmp_path: Path) -> None:
    project = copy_project(tmp_path)
    unknown_kubernetes(project)
    result = run_gen(project, "validate", "local")
    line = environments_line(project, "kubernetes_version")
    assert result.stderr.startswith(f"gen: error: blueprints/catalog/environments.yaml:{line}: kubernetes_version: ")


def test_a_new_environment_without_live_services_renders_its_record(tmp_path: Path) -> None:
    """Nothing serves yet, so there is no traffic to move: the record's color is rendered."""
    project = copy_project(tmp_path)
    hand_promote(project)
    for service in (project / "rendered/staging/shared").glob("service-*.yaml"):
        if "therapeutic-ai.io/traffic: live" in service.read_text():
            service.unlink()
    result = run_gen(project, "render", "staging", "-q")
    assert result.exit_code == 0, result.output + result.stderr
    assert "version: green" in (project / "rendered/staging/shared/service-api-gateway.yaml").read_text()


def test_promote_still_moves_traffic(tmp_path: Path) -> None:
    project = copy_project(tmp_path)
    assert run_gen(project, "promote", "staging", "green").exit_code == 0
    result = run_gen(project, "render", "staging", "-q")
    assert result.exit_code == 0, result.output + result.stderr
    assert "up to date" in result.stdout


STRAYS = ["rendered/stray.yaml", "overlays/notes.txt", "rendered/production/stray.yaml", "overlays/staging/stray.yaml"]


def test_check_reports_stray_files_and_render_all_removes_them(tmp_path: Path) -> None:
    """At the top of rendered/ and overlays/ and inside an environment's folder: each named by
    gen check, all removed by one render (one copy for the four: each render --all costs ~15 s)."""
    project = copy_project(tmp_path)
    for stray in STRAYS:
        (project / stray).write_text("kind: ConfigMap\n")
    before = tree_state(tmp_path)
    result = run_gen(project, "check")
    assert result.exit_code == 1
    for stray in STRAYS:
        assert f"extra    {stray}" in result.stdout.splitlines(), stray
    assert tree_state(tmp_path) == before
    result = run_gen(project, "render", "--all", "-q")
    assert result.exit_code == 0, result.output + result.stderr
    assert [stray for stray in STRAYS if (project / stray).exists()] == []
    assert run_gen(project, "check").exit_code == 0
