"""The harness itself: a case that does not fail, or fails differently, is caught."""

from pathlib import Path

import pytest

from tests.hostile.harness import Case, check_case, edit


def test_a_good_project_is_not_a_hostile_case(tmp_path: Path) -> None:
    with pytest.raises(AssertionError):
        check_case(Case("nothing wrong", lambda project: None, ("list",), code=2), tmp_path)


def test_a_bad_catalog_line_is_one_line_exit_2(tmp_path: Path) -> None:
    check_case(
        Case("port as text", lambda p: edit(p, "blueprints/catalog/services.yaml", "port: 8090", "port: [8090]"),
             mentions=("blueprints/catalog/services.yaml",)),
        tmp_path,
    )
