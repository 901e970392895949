"""The generator's house rules, read from its source: after the command line, nothing looks an
environment up by name or reads environment, part or color back from a path; the library never
exits the process; the blueprints never import the generator; the committed tree has one reader."""

from __future__ import annotations

import re

import pytest

from tests.conftest import PROJECT

# where words become typed objects, the only modules allowed a lookup by name: the command line's
# arguments, and the catalog loader (which checks the release record's names against the profiles)
PARSING = {"generator/cli.py", "generator/arguments.py", "generator/catalog.py"}
LOOKUPS = {
    "an environment by name": re.compile(r"\.environment\(|\bknown_environment\b|\benv_by_name\b"),
    "a path position": re.compile(r"\.parts\[\s*-?\d"),
    "a color from its word": re.compile(r"\bColor\("),
}


def offenders(pattern: re.Pattern[str], folder: str, allowed: set[str] = frozenset()) -> list[str]:
    found = []
    for path in sorted((PROJECT / folder).rglob("*.py")):
        relative = path.relative_to(PROJECT).as_posix()
        if relative in allowed:
            continue
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            if pattern.search(line):
                found.append(f"{relative}:{number}: {line.strip()}")
    return found


@pytest.mark.parametrize("what", LOOKUPS)
def test_no_environment_lookup_after_the_command_line(what):
    assert offenders(LOOKUPS[what], "generator", PARSING) == []


def test_the_blueprints_receive_the_color_typed():
    """The part's Color reaches the blueprint as it left the command line (the catalog's pydantic
    models type the record's colors themselves)."""
    assert offenders(LOOKUPS["a color from its word"], "blueprints", {"blueprints/model.py", "blueprints/enums.py"}) == []


@pytest.mark.parametrize("line,what", [
    ("    env = catalog.environment(part.env)", "an environment by name"),
    ("    release = catalog.release(known_environment(catalog, env))", "an environment by name"),
    ("    profiles = catalog.env_by_name", "an environment by name"),
    ("        fresh[path.parts[1]].append(Doc(str(path), obj))", "a path position"),
    ("    return path.parts[ 2 ]", "a path position"),
    ("        result = release.promote(project, env, Color(color))", "a color from its word"),
])
def test_the_patterns_catch_the_lookups_they_forbid(line, what):
    assert [name for name, pattern in LOOKUPS.items() if pattern.search(line)] == [what]


def test_the_library_never_exits_the_process():
    """Only a synthesis worker (a process of gen's own) ends itself, once its parent is gone."""
    exits = re.compile(r"\bsys\.exit\b|\bos\._exit\b")
    assert offenders(exits, "generator", {"generator/render/synth.py"}) == []
    worker = (PROJECT / "generator/render/synth.py").read_text(encoding="utf-8")
    (before, _after) = exits.split(worker)  # exactly one, and the last function before it is the watchdog
    assert before.rsplit("\ndef ", 1)[1].startswith("_leave_with(")


def test_blueprints_never_import_the_generator():
    assert offenders(re.compile(r"^\s*(from|import)\s+generator\b"), "blueprints") == []


def test_the_output_layout_is_a_leaf():
    text = (PROJECT / "blueprints/layout.py").read_text(encoding="utf-8")
    assert re.findall(r"^\s*(?:from|import)\s+(\w+)", text, re.M) == ["__future__", "pathlib"]


def test_the_committed_tree_has_one_reader():
    """Only one module lists a folder's object files (by a glob or by the name's ending)."""
    listing = re.compile(r"""\.glob\(\s*["']\*\.yaml|endswith\(\s*["']\.yaml""")
    readers = {line.split(":")[0] for line in offenders(listing, "generator")}
    assert readers == {"generator/rendered/reader.py"}
