"""The pull request workflow: what it runs, what it may do, and two outside checks of it
(zizmor's security audits, offline; the workflow schema through check-jsonschema)."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from tests.conftest import PROJECT

WORKFLOW = PROJECT / ".github/workflows/pull-request.yml"
BIN = Path(sys.executable).parent


@pytest.fixture(scope="module")
def workflow() -> dict:
    return yaml.safe_load(WORKFLOW.read_text())


def zizmor(path: Path) -> subprocess.CompletedProcess:
    return subprocess.run([str(BIN / "zizmor"), "--offline", "--pedantic", "--no-progress", str(path)],
                          capture_output=True, text=True)


def schema_check(path: Path) -> subprocess.CompletedProcess:
    return subprocess.run([str(BIN / "check-jsonschema"), "--builtin-schema", "vendor.github-workflows", str(path)],
                          capture_output=True, text=True)


def test_zizmor_finds_nothing_even_pedantic():
    result = zizmor(WORKFLOW)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "No findings to report" in result.stdout + result.stderr


def test_zizmor_catches_a_planted_template_injection(tmp_path):
    planted = tmp_path / "planted.yml"
    planted.write_text(WORKFLOW.read_text().replace(
        "        run: .venv/bin/gen check\n",
        "        run: .venv/bin/gen check \"${{ github.event.pull_request.title }}\"\n"))
    result = zizmor(planted)
    assert result.returncode != 0
    assert "template-injection" in result.stdout


def test_the_workflow_schema_passes_and_catches_a_planted_mistake(tmp_path):
    assert schema_check(WORKFLOW).returncode == 0
    planted = tmp_path / "planted.yml"
    planted.write_text(WORKFLOW.read_text().replace("    runs-on: ubuntu-latest\n", "    runs_on: ubuntu-latest\n", 1))
    assert schema_check(planted).returncode == 1


def test_on_pull_requests_only_with_read_contents_and_write_pull_requests(workflow):
    assert list(workflow[True]) == ["pull_request"]  # YAML 1.1 reads `on` as true
    assert workflow["permissions"] == {"contents": "read"}
    jobs = workflow["jobs"]
    assert "permissions" not in jobs["gen"]  # runs the pull request's code: the read-only default
    assert jobs["comment"]["permissions"] == {"contents": "read", "pull-requests": "write"}
    assert not any(".venv" in step.get("run", "") for step in jobs["comment"]["steps"])  # runs none of its code


def test_every_action_is_pinned_by_commit_with_its_tag_beside_it():
    uses = re.findall(r"uses: (\S+)(.*)$", WORKFLOW.read_text(), flags=re.MULTILINE)
    assert len(uses) == 6
    for action, comment in uses:
        assert re.fullmatch(r"actions/[a-z-]+@[0-9a-f]{40}", action), action
        assert re.fullmatch(r"  # v\d+\.\d+\.\d+", comment), comment


def test_no_expression_is_expanded_inside_a_shell_script(workflow):
    for job in workflow["jobs"].values():
        for step in job["steps"]:
            assert "${{" not in step.get("run", ""), step


def test_it_runs_the_readme_install_then_diff_check_validate(workflow):
    readme = (PROJECT / "README.md").read_text()
    # the README's install, promtool first and Mermaid after pip: the tests evaluate the alerts and
    # render the diagrams with them (never skipped)
    install = re.search(r"^(\.ci/promtool && python3 -m venv .venv && .venv/bin/pip install -e '\.\[test\]' && \.ci/diagrams)",
                        readme, flags=re.MULTILINE)
    assert install
    runs = [step.get("run", "") for step in workflow["jobs"]["gen"]["steps"]]
    assert runs.index(install.group(1)) < runs.index(".venv/bin/python -m pytest -q")
    assert runs.index(install.group(1)) < \
        next(i for i, r in enumerate(runs) if "gen diff --old-tree .base --format markdown" in r) < \
        runs.index(".venv/bin/gen check") < \
        next(i for i, r in enumerate(runs) if "gen validate --all --format junit" in r)
    base = next(s for s in workflow["jobs"]["gen"]["steps"] if s.get("with", {}).get("path") == ".base")
    assert base["with"]["ref"] == "${{ github.event.pull_request.base.sha }}"


def test_the_local_run_of_the_job_has_a_stand_in_for_each_of_its_actions(workflow):
    """.ci/pull-request plays the job's `uses:` steps by their effect: one for each action used."""
    script = (PROJECT / ".ci/pull-request").read_text()
    for step in workflow["jobs"]["gen"]["steps"]:
        if "uses" in step:
            assert f'action == "{step["uses"].split("@")[0]}"' in script, step["uses"]
