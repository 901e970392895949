"""Start-up: a command imports what it needs when it runs. `gen --help` and `gen rules` never load
the typed models (pydantic), cdk8s, the schema validators or the YAML writer's round-trip
library; bench/render.py measures what that is worth. Each runs in a fresh interpreter."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import PROJECT

HEAVY = ("pydantic", "cdk8s", "jsii", "jsonschema", "ruamel", "jinja2", "kubernetes_validate")

SCRIPT = """
import json, sys
from generator.cli import cli
try:
    cli(sys.argv[1:], prog_name="gen", standalone_mode=False)
except SystemExit:
    pass
print(json.dumps(sorted({name.split(".")[0] for name in sys.modules})))
"""


def imported(*args: str, cache: Path | None = None) -> tuple[set[str], str]:
    """The top-level modules a fresh interpreter imported to run `gen ARGS`, and its output;
    `cache`: the GEN_CACHE folder it keeps and finds remembered outputs in."""
    env = {**os.environ, "GEN_CACHE": str(cache)} if cache else None
    result = subprocess.run([sys.executable, "-c", SCRIPT, "--project", str(PROJECT), *args],
                            capture_output=True, text=True, cwd=PROJECT, check=True, env=env)
    output, _, last = result.stdout.rstrip("\n").rpartition("\n")
    return set(json.loads(last)), output


@pytest.mark.parametrize("args,shown", [(["--help"], "Commands:"), (["rules"], "gen rules: ")])
def test_help_and_rules_import_none_of_the_pipeline(args, shown):
    modules, output = imported(*args)
    assert shown in output  # the command did run
    assert modules.isdisjoint(HEAVY), sorted(modules & set(HEAVY))


def test_list_loads_the_catalog_once_then_prints_the_remembered_table(tmp_path):
    modules, output = imported("list", cache=tmp_path)
    assert "gen list: " in output and "pydantic" in modules  # the typed catalog is what it prints
    assert modules.isdisjoint({"cdk8s", "jsii", "jsonschema", "kubernetes_validate"})
    again, same = imported("list", cache=tmp_path)
    assert same == output
    assert again.isdisjoint(HEAVY), sorted(again & set(HEAVY))  # nothing changed: the models are not built
    uncached, fresh = imported("list", cache=Path("off"))  # GEN_CACHE=off
    assert fresh == output and "pydantic" in uncached
