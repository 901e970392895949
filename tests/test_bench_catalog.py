"""The benchmark's synthetic catalogs stay valid catalogs as the real one changes (bench/common.py
cuts the real catalog's service-specific rows by text): not a timing, only that they load and render."""

from __future__ import annotations

import sys

from tests.conftest import PROJECT, gen

sys.path.insert(0, str(PROJECT / "bench"))
import common  # noqa: E402  (bench/ is scripts, not a package)


def test_a_synthetic_catalog_of_thirty_services_renders_and_validates(tmp_path):
    project = common.synthetic_project(tmp_path / "p", 30, "development")
    result = gen(project, "render", "development", "-q")
    assert result.exit_code == 0, result.output
    assert len(list((project / "rendered" / "development" / "app").glob("deployment-*.yaml"))) == 30
