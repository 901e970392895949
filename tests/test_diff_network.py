"""The comment's network section (generator/diff/network.py): flows before and after in words,
groups that change alike said once, and the diagram of what changed, rendered by Mermaid."""

from __future__ import annotations

from generator.diff import network
from tests.diagrams import mermaid_errors

BEFORE = {("api-blue", "auth-blue", "8080"), ("api-green", "auth-green", "8080"),
          ("api-blue", "postgres/primary", "5432"), ("api-green", "postgres/primary", "5432"),
          ("prometheus", "postgres/primary", "9187"), ("auth-blue", "redis", "6379"), ("auth-green", "redis", "6379")}


def test_added_and_removed_flows_per_color_said_once_in_words():
    after = (BEFORE - {("api-blue", "postgres/primary", "5432"), ("api-green", "postgres/primary", "5432")}) | {
        ("billing-blue", "postgres/primary", "5432"), ("billing-green", "postgres/primary", "5432"),
        ("prometheus", "redis", "UDP 53")}
    (shared, colors) = network.changes({"production": BEFORE}, {"production": after}, ["production"])
    assert shared.groups == ("production",)  # flows of no color come first
    assert network.words(shared) == ["- `prometheus` → `redis` (UDP 53) (new)"]
    assert colors.groups == ("production/blue", "production/green")
    assert network.words(colors) == ["- `billing` → `postgres/primary`:5432 (new)",
                                     "- `api` → `postgres/primary`:5432 (removed)"]
    # the unchanged flows around the changed endpoints are kept for the diagram, the rest are not
    assert ("api", "auth", "8080") in colors.kept and ("auth", "redis", "6379") not in colors.kept


def test_two_environments_that_change_alike_are_one_group_and_nothing_changed_is_nothing():
    after = BEFORE | {("notify-blue", "auth-blue", "8080"), ("notify-green", "auth-green", "8080")}
    (change,) = network.changes({"staging": BEFORE, "production": BEFORE}, {"staging": after, "production": after},
                                ["production", "staging"])
    assert change.groups == ("production/blue", "production/green", "staging/blue", "staging/green")
    assert network.changes({"production": BEFORE}, {"production": set(BEFORE)}, ["production"]) == []
    # an environment only one side renders: all its flows are new (or removed)
    (new_env,) = network.changes({}, {"qa": {("a", "b", "80")}}, ["qa"])
    assert network.words(new_env) == ["- `a` → `b`:80 (new)"]


def test_the_diagram_highlights_what_changed_and_renders():
    after = (BEFORE - {("api-blue", "postgres/primary", "5432")}) | {("billing-blue", "postgres/primary", "5432")}
    (change,) = network.changes({"production": BEFORE}, {"production": after}, ["production"])
    diagram = "\n".join(network.mermaid(change))
    assert 'n_billing["billing"]:::changed' in diagram and 'n_auth["auth"]:::faded' in diagram
    assert 'n_billing -->|"5432 (new)"| n_postgres_primary' in diagram
    assert 'n_api -.->|"5432 (removed)"| n_postgres_primary' in diagram
    assert 'n_api -->|"8080"| n_auth' in diagram  # an unchanged neighbour, faded
    assert mermaid_errors([diagram]) == [None]
