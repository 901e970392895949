"""The README's promise: its two set-up commands are what CI runs, word for word."""

from __future__ import annotations

import re

from tests.conftest import PROJECT


def setup_commands() -> list[str]:
    readme = (PROJECT / "README.md").read_text()
    section = readme.split("## Set up on a fresh machine", 1)[1].split("\n## ", 1)[0]
    (block,) = re.findall(r"```sh\n(.*?)```", section, flags=re.S)
    return [line for line in block.splitlines() if line.strip() and not line.startswith("#")]


def test_ci_runs_the_readmes_two_commands():
    commands = setup_commands()
    assert len(commands) == 2
    assert commands[1] == ".venv/bin/python -m pytest"
    ci = [line.replace(" --quiet", "") for line in (PROJECT / ".ci" / "run").read_text().splitlines()]
    assert all(command in ci for command in commands), commands


def test_the_first_command_brings_promtool_and_renders_the_main_job():
    install = setup_commands()[0]
    assert install.startswith(".ci/promtool && python3 -m venv .venv")
    assert install.endswith("gen render production --color green")
