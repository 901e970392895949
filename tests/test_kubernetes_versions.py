"""`kubernetes_version` per environment (issue 24): an environment may run another cluster version
than the catalog's (staging upgrades first); `gen validate` judges each environment against its
own version's schemas and says which ran which; a version with no schemas is refused at its line."""

from __future__ import annotations

import json
from pathlib import Path

from generator.catalog import load_catalog
from tests.hostile.harness import Case, check_case, copy_project, edit, run_gen

PROJECT = Path(__file__).resolve().parents[1]
CATALOG = load_catalog(PROJECT)
DEFAULT = CATALOG.environments.kubernetes_version
FIRST = CATALOG.environments.environments[-1]  # any environment: it moves first
OTHER = f"1.{int(DEFAULT.split('.')[1]) + 1}"  # the next minor version, which the schemas package ships
ENVIRONMENTS = "blueprints/catalog/environments.yaml"


def moved(project: Path, version: str) -> None:
    edit(project, ENVIRONMENTS, f"  - name: {FIRST.name}\n", f'  - name: {FIRST.name}\n    kubernetes_version: "{version}"\n')


def test_each_environment_is_validated_against_its_own_version(tmp_path: Path) -> None:
    project = copy_project(tmp_path)
    moved(project, OTHER)
    result = run_gen(project, "validate", "--all", "--format", "json")
    assert result.exit_code == 0, result.output
    versions = {env["name"]: env["kubernetes_version"] for env in json.loads(result.stdout)["environments"]}
    assert versions == {env.name: OTHER if env.name == FIRST.name else DEFAULT
                        for env in CATALOG.environments.environments}
    text = run_gen(project, "validate", "--all")
    assert f"Kubernetes {DEFAULT} ({FIRST.name} {OTHER})" in text.stdout.splitlines()[-1]
    alone = run_gen(project, "validate", FIRST.name)
    assert f"Kubernetes {OTHER}:" in alone.stdout.splitlines()[-1]


def test_an_environment_version_without_schemas_is_refused_at_its_line(tmp_path: Path) -> None:
    index = CATALOG.environments.environments.index(FIRST)
    case = Case("no schemas", lambda project: moved(project, "1.99"), ("validate", "--all"), code=2,
                mentions=(f"{ENVIRONMENTS}:", f"environments[{index}].kubernetes_version", "1.99"))
    check_case(case, tmp_path)


def test_the_command_line_version_overrides_every_environment(tmp_path: Path) -> None:
    project = copy_project(tmp_path)
    moved(project, OTHER)
    result = run_gen(project, "validate", "--all", "--kubernetes-version", DEFAULT, "--format", "json")
    assert result.exit_code == 0, result.output
    assert {env["kubernetes_version"] for env in json.loads(result.stdout)["environments"]} == {DEFAULT}
