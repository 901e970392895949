"""The pre-commit hooks: which environments a commit's files touch, and the hooks run by
`pre-commit` itself in a fresh clone of this branch's HEAD (with this environment's gen)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from generator.catalog import load_catalog
from generator.arguments import touched_environments
from tests.conftest import PROJECT, edit

ALL = [env.name for env in load_catalog(PROJECT).environments.environments]  # every environment, in the catalog's order


@pytest.mark.parametrize("files,envs", [
    (["rendered/staging/blue/deployment-billing-blue.yaml"], ["staging"]),
    (["overlays/production/patches/kustomization.yaml", "rendered/local/app/service-billing.yaml"],
     ["local", "production"]),
    (["README.md", "tests/test_cli.py", "rendered/README.md"], []),
    (["rendered/staging/blue/x.yaml", "blueprints/catalog/services.yaml"], ALL),
    (["blueprints/workload.py"], ALL),
    (["generator/pipeline.py"], ALL),
    (["rendered/gone-env/app/service-billing.yaml"], ALL),  # an environment the catalog no longer has
])
def test_files_map_to_the_environments_they_touch(files, envs):
    assert [env.name for env in touched_environments(load_catalog(PROJECT), tuple(files))] == envs


@pytest.fixture(scope="module")
def clone(tmp_path_factory) -> Path:
    """A fresh clone of this branch's HEAD (committed work only)."""
    root = tmp_path_factory.mktemp("clone") / "repo"
    head = subprocess.run(["git", "-C", str(PROJECT), "rev-parse", "HEAD"], capture_output=True, text=True, check=True)
    subprocess.run(["git", "clone", "--quiet", "--no-checkout", str(PROJECT), str(root)], check=True)
    subprocess.run(["git", "-C", str(root), "checkout", "--quiet", head.stdout.strip()], check=True)
    return root


def pre_commit(clone: Path, *args: str) -> subprocess.CompletedProcess:
    """`pre-commit run ARGS` in the clone, with this environment's bin/ (gen) first on PATH."""
    bin_dir = Path(sys.executable).parent
    env = {name: value for name, value in os.environ.items() if name != "GEN_PROJECT"}  # the clone is the project
    env.update(PATH=f"{bin_dir}{os.pathsep}{env['PATH']}", PRE_COMMIT_HOME=str(clone.parent / "pre-commit-home"))
    return subprocess.run([str(bin_dir / "pre-commit"), "run", *args], cwd=clone, env=env, capture_output=True,
                          text=True)


def test_the_hooks_pass_on_a_fresh_clone_and_fail_on_a_hand_edit(clone):
    result = pre_commit(clone, "--all-files")
    assert result.returncode == 0, result.stdout + result.stderr
    assert [line.rsplit(".", 1)[-1] for line in result.stdout.splitlines() if line.startswith("gen ")] == \
        ["Passed", "Passed"]

    edited = "rendered/staging/blue/deployment-billing-blue.yaml"
    edit(clone, Path(edited), "  replicas: 2\n", "  replicas: 3\n")
    try:
        failed = pre_commit(clone, "--files", edited)
    finally:  # the clone is the module's: the next test gets it clean
        subprocess.run(["git", "-C", str(clone), "checkout", "--quiet", "--", edited], check=True)
    assert failed.returncode == 1
    assert f"changed  {edited}" in failed.stdout
    assert ("gen hook check (staging): 1 files differ from a fresh render; run `gen render staging` and commit"
            in failed.stdout)


def test_the_hooks_find_the_clones_gen_without_path(clone, tmp_path):
    """No virtual environment on PATH and none activated: the hooks run this clone's .venv gen
    (here a link to this environment, as the README's install command makes it)."""
    venv = Path(sys.prefix)
    link = clone / ".venv"
    link.symlink_to(venv, target_is_directory=True)
    try:
        bare = os.pathsep.join(p for p in os.environ["PATH"].split(os.pathsep)
                               if not (Path(p) / "gen").exists())  # no gen anywhere on PATH
        env = {name: value for name, value in os.environ.items() if name not in ("GEN_PROJECT", "VIRTUAL_ENV")}
        env.update(PATH=bare, PRE_COMMIT_HOME=str(clone.parent / "pre-commit-home"))
        result = subprocess.run([str(venv / "bin" / "pre-commit"), "run", "--files", "blueprints/catalog/services.yaml"],
                                cwd=clone, env=env, capture_output=True, text=True)
        assert result.returncode == 0, result.stdout + result.stderr
        assert "Executable `gen` not found" not in result.stdout
        assert [line.rsplit(".", 1)[-1] for line in result.stdout.splitlines() if line.startswith("gen ")] == \
            ["Passed", "Passed"]
    finally:
        link.unlink()
