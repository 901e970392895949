"""The parse cache (generator/rendered/cache.py): a committed file read again with the same bytes
gives the same objects without being parsed; changed bytes are parsed again; a file the reader
refuses is never kept; the cache is the reader's own and lives outside the project."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from generator import cachedir, yamlio
from generator.catalog import load_catalog
from generator.rendered import cache, parts, read
from tests.conftest import snapshot_tree


@pytest.fixture
def tree(project: Path, tmp_path: Path, monkeypatch) -> tuple[Path, list]:
    monkeypatch.setenv("GEN_CACHE", str(tmp_path / "cache"))
    catalog = load_catalog(project)
    return project, list(parts(catalog, catalog.env_by_name["production"]))


def parsing_forbidden(monkeypatch) -> None:
    def refuse(text):
        raise AssertionError("parsed a file the cache knows")

    monkeypatch.setattr(yamlio, "load", refuse)
    monkeypatch.setattr(yamlio, "load_all", refuse)


def test_a_second_read_gives_the_same_objects_without_parsing(tree, monkeypatch):
    project, production = tree
    first = read(project, production)
    assert len(first.docs) > 50
    parsing_forbidden(monkeypatch)
    second = read(project, production)
    assert [(d.file, d.obj) for d in second.docs] == [(d.file, d.obj) for d in first.docs]
    assert second.docs[0].obj is not first.docs[0].obj  # fresh objects: callers may change theirs


def test_changed_bytes_are_parsed_again(tree):
    project, production = tree
    read(project, production)
    path = project / "rendered/production/shared/namespace-therapeutic-ai.yaml"
    path.write_text(path.read_text().replace("name: therapeutic-ai", "name: therapeutic-ai-2", 1))
    names = [d.obj["metadata"]["name"] for d in read(project, production).docs if d.file.endswith(path.name)]
    assert names == ["therapeutic-ai-2"]


def test_a_file_the_reader_refuses_is_never_kept(tree):
    project, production = tree
    path = project / "rendered/production/shared/namespace-therapeutic-ai.yaml"
    path.write_text("kind: [unclosed\n")
    for _ in range(2):
        unreadable = read(project, production).unreadable
        assert [u.file for u in unreadable] == ["rendered/production/shared/namespace-therapeutic-ai.yaml"]


def test_documents_json_cannot_carry_are_parsed_each_time(tmp_path, monkeypatch):
    monkeypatch.setenv("GEN_CACHE", str(tmp_path / "cache"))  # beside the project, never in it
    kept = cache.ParseCache.load(tmp_path / "project")
    kept.put(b"a", [{1: "integer key"}])
    kept.put(b"b", [{"when": __import__("datetime").date(2026, 11, 28)}])
    kept.put(b"c", [{"replicas": 2, "on": True, "name": "x", "none": None}])
    kept.save()
    again = cache.ParseCache.load(tmp_path / "project")
    assert (again.get(b"a"), again.get(b"b")) == (None, None)
    assert again.get(b"c") == [{"replicas": 2, "on": True, "name": "x", "none": None}]


def test_another_reader_finds_nothing(tree, monkeypatch):
    project, production = tree
    read(project, production)
    [stored] = (Path(cachedir.folder())).glob("*.json")
    content = json.loads(stored.read_text())
    assert len(content["entries"]) > 50
    monkeypatch.setattr(cache, "reader_version", lambda: "a changed reader")
    assert cache.ParseCache.load(project).get((project / "rendered/production/shared/namespace-therapeutic-ai.yaml")
                                              .read_bytes()) is None


def test_off_writes_nothing_and_nothing_is_written_in_the_project(tree, tmp_path, monkeypatch):
    project, production = tree
    before = snapshot_tree(project)
    read(project, production)
    assert snapshot_tree(project) == before
    assert list((tmp_path / "cache").glob("*.json"))  # it went to GEN_CACHE
    monkeypatch.setenv("GEN_CACHE", "off")
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg"))
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    read(project, production)
    assert not (tmp_path / "xdg").exists() and not (tmp_path / "home").exists()
    monkeypatch.delenv("GEN_CACHE")
    read(project, production)  # without GEN_CACHE: the XDG cache folder
    assert list((tmp_path / "xdg" / "gen").glob("*.json"))


def test_the_cache_keeps_what_this_run_used_and_the_newest_of_the_rest(tmp_path, monkeypatch):
    monkeypatch.setenv("GEN_CACHE", str(tmp_path / "cache"))  # beside the project, never in it
    monkeypatch.setattr(cache, "KEEP", 2)
    first = cache.ParseCache.load(tmp_path / "project")
    for name in (b"a", b"b", b"c", b"d"):
        first.put(name, [{"name": name.decode()}])
    first.save()
    second = cache.ParseCache.load(tmp_path / "project")
    assert second.get(b"a") == [{"name": "a"}]  # used again: kept, as the newest
    second.put(b"e", [{"name": "e"}])
    second.save()
    third = cache.ParseCache.load(tmp_path / "project")
    kept = {name for name in (b"a", b"b", b"c", b"d", b"e") if third.get(name)}
    assert kept == {b"a", b"e", b"c", b"d"}  # two earlier ones (the newest: c, d) beside the two used
