"""generator/memo.py: a remembered output is found only under the key of what made it."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from generator import memo


@pytest.fixture
def code(tmp_path, monkeypatch) -> Path:
    """A stand-in for gen's code: one package folder with one module."""
    package = tmp_path / "code" / "package"
    package.mkdir(parents=True)
    (package / "module.py").write_text("X = 1\n")
    monkeypatch.setattr(memo, "_package_dirs", lambda: [package])
    return package


@pytest.fixture
def project(tmp_path) -> Path:
    catalog = tmp_path / "project" / "blueprints" / "catalog"
    catalog.mkdir(parents=True)
    (catalog / "services.yaml").write_text("services: []\n")
    return tmp_path / "project"


def test_the_key_changes_with_the_catalog_bytes_and_with_the_code(code, project):
    first = memo.key(project)
    assert memo.key(project) == first
    services = project / "blueprints" / "catalog" / "services.yaml"
    services.write_text("services: [] \n")
    assert memo.key(project) != first
    services.write_text("services: []\n")
    assert memo.key(project) == first
    (project / "blueprints" / "catalog" / "new.yaml").write_text("")
    assert memo.key(project) != first
    (project / "blueprints" / "catalog" / "new.yaml").unlink()
    module = code / "module.py"
    stat = module.stat()
    os.utime(module, ns=(stat.st_atime_ns, stat.st_mtime_ns + 1_000_000_000))  # gen upgraded in place
    assert memo.key(project) != first


def test_an_output_is_recalled_only_under_its_key(code, project, tmp_path, monkeypatch):
    monkeypatch.setenv("GEN_CACHE", str(tmp_path / "cache"))
    made_of = memo.key(project)
    assert memo.recall(project, "list", made_of) is None
    memo.keep(project, "list", made_of, "the table\n")
    assert memo.recall(project, "list", made_of) == "the table\n"
    assert memo.recall(project, "list", "another key") is None
    assert memo.recall(project, "other", made_of) is None


@pytest.mark.parametrize("stored", ["not json", "[]", '{"key": "k"}', '{"key": "k", "output": 3}'])
def test_a_damaged_cache_file_is_a_miss_not_an_error(code, project, tmp_path, monkeypatch, stored):
    monkeypatch.setenv("GEN_CACHE", str(tmp_path / "cache"))
    memo.keep(project, "list", "k", "kept")
    [place] = (tmp_path / "cache").glob("*-list.json")
    place.write_text(stored)
    assert memo.recall(project, "list", "k") is None


def test_gen_cache_off_keeps_nothing(code, project, tmp_path, monkeypatch):
    monkeypatch.setenv("GEN_CACHE", "off")
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg"))
    memo.keep(project, "list", "k", "kept")
    assert memo.recall(project, "list", "k") is None
    assert not (tmp_path / "xdg").exists()
