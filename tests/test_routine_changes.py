"""Issue 24: the platform team's routine changes (tests/routine_changes.py), each made in a copy of
the project as the README says, then `gen render --all`: `gen check` and `gen validate --all`
pass, and the tests that read the committed catalog's facts hold on the copy. The whole suite on
each copy is .ci/routine-changes (a full run per change); here the catalog-reading tests run
against the copy in a child pytest whose PROJECT is the copy."""

from __future__ import annotations

import subprocess
import sys

import pytest

from tests.conftest import PROJECT, gen
from tests.routine_changes import CHANGES, copy_project

# the tests that hold the committed catalog and tree to the seed and count what is there
CATALOG_FACTS = ["tests/test_seed_facts.py",
                 *(f"tests/test_committed_tree.py::{name}" for name in (
                     "test_committed_overlays_and_rendered_match_a_fresh_render", "test_every_part_is_committed",
                     "test_rendered_files_are_named_by_kind_and_name")),
                 "tests/test_cli.py::test_list_shows_environments_parts_and_services",
                 "tests/test_alert_evaluation.py::test_every_scrape_job_has_both_alerts",
                 "tests/test_validate.py::test_validate_all_passes_on_the_committed_tree"]


@pytest.mark.parametrize("change", sorted(CHANGES))
def test_a_routine_change_leaves_the_checks_and_the_catalog_facts_green(change, tmp_path):
    copy = copy_project(PROJECT, tmp_path / "project")
    CHANGES[change](copy)
    render = gen(copy, "render", "--all", "-q")
    assert render.exit_code == 0, render.output
    assert gen(copy, "check").exit_code == 0
    validated = gen(copy, "validate", "--all")
    assert validated.exit_code == 0, validated.output
    facts = subprocess.run([sys.executable, "-m", "pytest", "-q", "-n", "0", "-p", "no:cacheprovider", *CATALOG_FACTS],
                           cwd=copy, capture_output=True, text=True)
    assert facts.returncode == 0, facts.stdout[-3000:]
