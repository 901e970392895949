"""Issue 25: the pull request's comment reads like a review, on two routine changes
(tests/routine_changes.py) made in copies of the project: billing's production replicas, and a
21st service that calls auth-rbac and uses postgres. The base is this project as committed.

Each comment is committed as a snapshot for review (`pytest tests/test_review_comment.py
--snapshot-update` after an intended change, then read its diff); the tests below assert what it
must say, computed from the two trees, not from the snapshot."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import yaml

from generator.catalog import load_catalog
from generator.diff.markdown import BUDGET, MARKER
from generator.validation.capacity import amount
from generator.validation.run import environment_capacity
from tests.conftest import PROJECT, gen
from tests.diagrams import mermaid_errors
from tests.routine_changes import CHANGES, copy_project

CHANGED = ("billing-replicas", "notifications-service")
BASE = "BASE"  # the old tree's path, as the snapshots write it


@pytest.fixture(scope="module")
def heads(tmp_path_factory) -> dict[str, Path]:
    """Each change made in a copy of the project and rendered (once for the module)."""
    out = {}
    for change in CHANGED:
        copy = copy_project(PROJECT, tmp_path_factory.mktemp(change) / "project")
        CHANGES[change](copy)
        render = gen(copy, "render", "--all", "-q")
        assert render.exit_code == 0, render.output
        out[change] = copy
    return out


@pytest.fixture(scope="module")
def comments(heads) -> dict[str, str]:
    """Each change's comment: `gen diff --old-tree BASE --format markdown`, the workflow's command."""
    out = {}
    for change, head in heads.items():
        result = gen(head, "diff", "--old-tree", str(PROJECT), "--format", "markdown")
        assert result.exit_code == 1, result.output
        out[change] = result.output
    return out


def fenced(text: str, info: str) -> list[str]:
    return re.findall(rf"^ *```{info}\n(.*?)^ *```$", text, flags=re.MULTILINE | re.DOTALL)


def dedent(block: str) -> str:
    lines = block.splitlines()
    pad = min(len(line) - len(line.lstrip(" ")) for line in lines if line.strip())
    return "\n".join(line[pad:] for line in lines) + "\n"


@pytest.mark.parametrize("change", CHANGED)
def test_the_comment_is_committed_for_review(change, comments, snapshot):
    assert comments[change].replace(str(PROJECT), BASE) == snapshot


@pytest.mark.parametrize("change", CHANGED)
def test_no_index_only_list_paths_no_escaped_quotes_within_the_limit(change, comments):
    text = comments[change]
    assert text.startswith(MARKER + "\n") and len(text.encode()) <= BUDGET
    assert '\\"' not in text
    paths = re.findall(r"^ +- `([^`]+)`", text, flags=re.MULTILINE)
    assert paths  # the changed fields are listed
    assert [p for p in paths if re.search(r"\[\d+\]", p)] == []


@pytest.mark.parametrize("change", CHANGED)
def test_the_header_states_the_catalog_files_and_the_capacity_change(change, heads, comments):
    head, text = heads[change], comments[change]
    changed = sorted(p.name for p in (head / "blueprints/catalog").iterdir()
                     if p.read_bytes() != (PROJECT / "blueprints/catalog" / p.name).read_bytes())
    assert changed
    line = next(line for line in text.splitlines() if line.startswith("**Catalog files changed**"))
    assert re.findall(r"`blueprints/catalog/([^`]+)` \(changed\)", line) == changed
    before, after = load_catalog(PROJECT), load_catalog(head)
    moved = 0
    for env in after.environments.environments:
        old = environment_capacity(PROJECT, before, before.environment(env.name))
        new = environment_capacity(head, after, env)
        cpu_before, cpu_after = (next(x for x in c.lines if x.resource == "cpu") for c in (old, new))
        row = f"| {env.name} | {amount('cpu', cpu_before.requested)} → {amount('cpu', cpu_after.requested)} of "
        assert (row in text) == (old != new), (env.name, row)
        moved += old != new
    assert moved  # both changes move some environment's requests


def test_a_new_service_s_flows_are_named_in_words_and_drawn(heads, comments):
    text = comments["notifications-service"]
    before, after = load_catalog(PROJECT), load_catalog(heads["notifications-service"])
    known = {s.name for s in before.services.services}
    (new,) = [s for s in after.services.services if s.name not in known]
    ports = {s.name: s.port for s in after.services.services}
    for callee in new.calls:
        assert f"- `{new.name}` → `{callee}`:{ports[callee]} (new)" in text
    for database in new.databases:
        assert re.search(rf"^- `{new.name}` → `{database}[^`]*`:\d+ \(new\)$", text, flags=re.MULTILINE), database
    assert " (removed)" not in text  # a new service takes no flow away
    diagrams = fenced(text, "mermaid")
    assert diagrams and all(f'["{new.name}"]:::changed' in d for d in diagrams)


def test_the_new_network_policies_show_their_content(heads, comments):
    head, text = heads["notifications-service"], comments["notifications-service"]
    added = sorted(p for p in head.glob("rendered/*/shared/networkpolicy-*.yaml")
                   if not (PROJECT / p.relative_to(head)).exists())
    assert added
    for path in added:
        obj = yaml.safe_load(path.read_text())
        entry = f"- added `NetworkPolicy/{obj['metadata']['name']}` (`{path.relative_to(head)}`)"
        assert entry in text
        block = fenced(text.split(entry, 1)[1], "yaml")[0]
        assert yaml.safe_load(dedent(block)) == obj


def test_a_replica_bump_changes_no_flow_and_draws_nothing(heads, comments):
    text = comments["billing-replicas"]
    assert "**Network**: no flow added or removed." in text
    assert "```mermaid" not in text
    before, after = (next(s.replicas for s in load_catalog(root).services.services if s.name == "billing")
                     for root in (PROJECT, heads["billing-replicas"]))
    assert f"  - `spec.replicas`: `{before}` → `{after}`" in text


def test_the_comment_s_diagrams_render(comments):
    """Each Mermaid diagram of the comments, by Mermaid's own parser and renderer (tests/diagrams.py)."""
    diagrams = [dedent(block) for text in comments.values() for block in fenced(text, "mermaid")]
    assert diagrams
    assert [(d, e) for d, e in zip(diagrams, mermaid_errors(diagrams)) if e is not None] == []
    # and a diagram Mermaid refuses is caught: the check can fail
    assert mermaid_errors([diagrams[0].replace("-->", "-->>", 1)])[0] is not None
