"""The catalog's JSON Schemas (for editors) are the models', and the catalog files name them."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from generator import catalogschemas
from generator.release import record
from generator.catalog import CATALOG_DIR, RELEASES_FILE, load_catalog, modeline, schema_path
from tests.conftest import PROJECT, edit, gen

CHECK_JSONSCHEMA = Path(sys.executable).with_name("check-jsonschema")
CATALOG_FILES = sorted(catalogschemas.MODELS)


def test_every_catalog_file_has_a_schema():
    assert sorted(p.name for p in (PROJECT / CATALOG_DIR).glob("*.yaml")) == sorted(p.name for p in CATALOG_FILES)


def test_the_committed_schemas_are_the_models():
    assert catalogschemas.stale(PROJECT) == []
    assert sorted((PROJECT / "schemas/catalog").iterdir()) == sorted(PROJECT / schema_path(f) for f in CATALOG_FILES)


def test_the_generator_writes_what_differs_and_check_fails_until_then(tmp_path):
    (tmp_path / "schemas/catalog").mkdir(parents=True)
    shutil.copy(PROJECT / "schemas/catalog/services.schema.json", tmp_path / "schemas/catalog")
    run = lambda *args: subprocess.run([sys.executable, "-m", "generator.catalogschemas", *args], cwd=tmp_path,
                                       capture_output=True, text=True)
    stale = run("--check")
    assert stale.returncode == 1
    others = len(CATALOG_FILES) - 1
    assert stale.stdout.splitlines()[-1] == f"catalog schemas: {others} differ from the models; run `python -m generator.catalogschemas`"
    assert run().stdout.splitlines()[-1] == f"catalog schemas: {others} written, 1 up to date"
    assert run("--check").returncode == 0
    for path, content in catalogschemas.files().items():
        assert (tmp_path / path).read_bytes() == content


@pytest.mark.parametrize("catalog_file", CATALOG_FILES, ids=lambda p: p.stem)
def test_each_catalog_file_names_its_schema_on_its_first_line(catalog_file):
    first = (PROJECT / catalog_file).read_text().splitlines()[0]
    assert first == f"# yaml-language-server: $schema=../../schemas/catalog/{catalog_file.stem}.schema.json"
    assert first == modeline(catalog_file)
    # the path resolves from the file, as an editor resolves it
    assert ((PROJECT / catalog_file).parent / first.split("=", 1)[1]).resolve() == PROJECT / schema_path(catalog_file)


def test_the_release_record_gen_writes_keeps_the_schema_line():
    written = record.dump(load_catalog(PROJECT).releases).decode()
    assert written.splitlines()[0] == modeline(RELEASES_FILE)
    assert written == (PROJECT / RELEASES_FILE).read_text()


def editor_check(project: Path, catalog_file: Path) -> subprocess.CompletedProcess:
    """What an editor's YAML language server does with the first line, from the command line."""
    return subprocess.run([str(CHECK_JSONSCHEMA), "--schemafile", str(project / schema_path(catalog_file)),
                           str(project / catalog_file)], capture_output=True, text=True)


@pytest.mark.parametrize("catalog_file", CATALOG_FILES, ids=lambda p: p.stem)
def test_the_catalog_passes_the_editor_check(catalog_file):
    result = editor_check(PROJECT, catalog_file)
    assert result.returncode == 0, result.stdout + result.stderr


@pytest.mark.parametrize("catalog_file,old,new,reported", [
    (Path("blueprints/catalog/services.yaml"), "    replicas: 5\n", "    replicsa: 5\n",
     "Additional properties are not allowed ('replicsa' was unexpected)"),
    (Path("blueprints/catalog/environments.yaml"), "    gpu_hosts: gpu\n", "    gpu_hosts: gpus\n",
     "'gpus' is not one of ['gpu', 'cpu', 'off']"),
    (Path("blueprints/catalog/releases.yaml"), "production: {active: blue,", "production: {active: bleu,",
     "'bleu' is not one of ['blue', 'green']"),
    (Path("blueprints/catalog/environments.yaml"), "      scylladb: {datacenters: 3", "      scylla: {datacenters: 3",
     "'scylla' was unexpected"),
], ids=["misspelled-key", "unknown-gpu-mode", "unknown-color", "unknown-store"])
def test_a_planted_typo_fails_the_editor_check_as_it_fails_gen(tmp_path, catalog_file, old, new, reported):
    shutil.copytree(PROJECT / CATALOG_DIR, tmp_path / CATALOG_DIR)
    shutil.copytree(PROJECT / "schemas/catalog", tmp_path / "schemas/catalog")
    edit(tmp_path, catalog_file, old, new)
    result = editor_check(tmp_path, catalog_file)
    assert result.returncode == 1
    assert reported in result.stdout
    assert gen(tmp_path, "list").exit_code == 2  # the loader refuses it too
