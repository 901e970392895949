"""Shell completion, through click's completion API as bash, zsh and fish call it."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from click.shell_completion import ShellComplete
from click.testing import CliRunner

from generator.cli import cli
from generator.catalog import load_catalog
from tests.conftest import PROJECT, new_project

ENVS = [env.name for env in load_catalog(PROJECT).environments.environments]


def complete(args: str, incomplete: str = "", project: Path | None = PROJECT) -> list[str]:
    """What the shell offers after `gen ARGS INCOMPLETE`."""
    words = (["--project", str(project)] if project else []) + args.split()
    return [item.value for item in ShellComplete(cli, {}, "gen", "_GEN_COMPLETE").get_completions(words, incomplete)]


def test_commands():
    assert {"render", "validate", "check", "diff", "promote", "rollback", "retire", "list", "hook"} <= set(complete(""))
    assert complete("", "ro") == ["rollback"]
    assert complete("hook") == ["check", "validate"]


@pytest.mark.parametrize("command", ["render", "validate", "capacity", "promote", "rollback", "retire"])
def test_environments_from_the_catalog(command):
    assert complete(command) == ENVS
    assert complete(command, "d") == ["development"]


def test_colors():
    assert complete("render production --color") == ["blue", "green"]
    assert complete("promote production") == ["blue", "green"]
    assert complete("retire production", "g") == ["green"]


def test_promote_and_retire_offer_only_the_colors_deployed(tmp_path):
    """A retired color is no color of the environment any more: only `render --color` brings it back."""
    project = new_project(tmp_path)
    releases = project / "blueprints/catalog/releases.yaml"
    text = releases.read_text()
    assert "production: {active: blue, deployed: [blue, green]}" in text
    releases.write_text(text.replace("production: {active: blue, deployed: [blue, green]}",
                                     "production: {active: blue, deployed: [blue]}"))
    assert complete("promote production", project=project) == ["blue"]
    assert complete("retire production", project=project) == ["blue"]
    assert complete("render production --color", project=project) == ["blue", "green"]
    assert complete("promote development", project=project) == []  # not blue-green
    assert complete("promote", project=project) == ENVS


def test_store_arguments_offer_the_environments_stores():
    stores = list(load_catalog(PROJECT).environment("production").stores())  # the typed catalog's, in order
    assert "postgres" in stores and "mongodb" in stores
    assert complete("restore-plan production") == stores
    assert complete("restore-plan production", "m") == ["mongodb"]
    assert complete("downgrade-plan staging", "p") == ["postgres"]
    assert complete("restore-plan nowhere") == []


def test_diff_offers_environments_and_their_committed_parts():
    committed = sorted(f"production/{p.name}" for p in (PROJECT / "rendered/production").iterdir() if p.is_dir())
    assert {"production/shared", "production/blue", "production/green", "production/argocd"} <= set(committed)
    assert complete("diff", "production") == ["production", *committed]
    assert complete("diff", "local/") == ["local/app", "local/shared"]
    assert complete("diff staging", "production/g") == ["production/green"]
    assert complete("diff", "nowhere/") == []


def test_the_environment_variable_protocol_prints_the_choices():
    """What `eval "$(_GEN_COMPLETE=bash_source gen)"` installs calls gen back like this."""
    result = CliRunner().invoke(cli, [], prog_name="gen", env={
        "_GEN_COMPLETE": "bash_complete", "COMP_WORDS": f"gen --project {PROJECT} render --color ",
        "COMP_CWORD": "5"})
    assert result.exit_code == 0
    assert result.output == "plain,blue\nplain,green\n"
    source = CliRunner().invoke(cli, [], prog_name="gen", env={"_GEN_COMPLETE": "zsh_source"})
    assert source.exit_code == 0 and "#compdef gen" in source.output


@pytest.mark.parametrize("catalog", ["none", "broken"])
def test_no_project_or_a_broken_catalog_offers_nothing_and_prints_nothing(tmp_path, monkeypatch, catalog):
    if catalog == "broken":
        shutil.copytree(PROJECT / "blueprints/catalog", tmp_path / "blueprints/catalog")
        (tmp_path / "blueprints/catalog/environments.yaml").write_text("environments: [unclosed\n")
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("GEN_PROJECT", raising=False)
    assert complete("render", project=None) == []
    assert complete("diff", "production/", project=None) == []
    result = CliRunner().invoke(cli, [], prog_name="gen", env={
        "_GEN_COMPLETE": "bash_complete", "COMP_WORDS": "gen render ", "COMP_CWORD": "2"})
    assert (result.exit_code, result.stdout.strip(), result.stderr) == (0, "", "")  # bash reads no choices
