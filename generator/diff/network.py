"""What a change does to the network, from the NetworkPolicies of both trees: the flows the
product's evaluator admits (generator/posture/graph.py, as `gen graph` draws them) before and
after, per environment and color, in words ("`notifications` → `auth-rbac`:8080 (new)") and as a
Mermaid diagram of what changed (added and removed edges highlighted, unchanged neighbours
faded). Groups whose changes read the same (both colors, two environments) are said once.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from typing import Any, Iterator

from blueprints.enums import Color
from generator.posture import graph

COLORS = tuple(c.value for c in Color)
FADED_EDGES = 12  # unchanged neighbour flows drawn at most (those between changed endpoints first)

Flow = tuple[str, str, str]  # source, target, port ("8080", "UDP 53"), names without their color


@dataclass(frozen=True)
class Change:
    """The flows one or more groups (`production/blue`, `staging` for color-less flows) gain and lose."""

    groups: tuple[str, ...]
    added: tuple[Flow, ...]
    removed: tuple[Flow, ...]
    kept: tuple[Flow, ...]  # unchanged flows touching an endpoint of a changed one


def admitted_in(catalog: Any, env: Any, docs: list[Any]) -> set[tuple[str, str, str]]:
    """Every flow an environment's policies admit, one per port (gen graph's edges); none where no
    `shared` part holds its policies (the environment is not rendered there)."""
    found = graph.EnvironmentGraph(catalog, env, docs)
    if not found.whole:
        return set()
    return {(e.source, e.target, port) for e in found.edges() for port in e.ports}


def color_of(name: str) -> str | None:
    return next((c for c in COLORS if name.endswith(f"-{c}")), None)


def uncolored(name: str) -> str:
    color = color_of(name)
    return name[:-len(color) - 1] if color else name


def grouped(env: str, flows: set[tuple[str, str, str]]) -> dict[str, set[Flow]]:
    """Flows by group: `env/color` where an end runs in a color, else `env`."""
    out: dict[str, set[Flow]] = defaultdict(set)
    for source, target, port in flows:
        color = color_of(source) or color_of(target)
        out[f"{env}/{color}" if color else env].add((uncolored(source), uncolored(target), port))
    return out


def changes(old: dict[str, set], new: dict[str, set], envs: list[str]) -> list[Change]:
    """`old`, `new`: each environment's admitted flows (`admitted`); `envs` in reading order.
    The changes, groups that change alike merged, in the order of their first group."""
    by_change: dict[tuple, list[str]] = {}
    for env in envs:
        before, after = grouped(env, old.get(env, set())), grouped(env, new.get(env, set()))
        for group in sorted(before.keys() | after.keys(), key=lambda g: (g != env, g)):
            a, b = before.get(group, set()), after.get(group, set())
            added, removed = tuple(sorted(b - a)), tuple(sorted(a - b))
            if not (added or removed):
                continue
            touched = {n for flow in (*added, *removed) for n in flow[:2]}
            kept = tuple(sorted((f for f in a & b if f[0] in touched or f[1] in touched),
                                key=lambda f: (-(f[0] in touched) - (f[1] in touched), f)))
            by_change.setdefault((added, removed, kept), []).append(group)
    return [Change(tuple(groups), *key) for key, groups in by_change.items()]


def port_text(target: str, port: str) -> str:
    return f"`{target}`:{port}" if port.isdigit() else f"`{target}` ({port})"


def words(change: Change) -> list[str]:
    """One line per flow gained or lost."""
    return ([f"- `{s}` → {port_text(t, p)} (new)" for s, t, p in change.added]
            + [f"- `{s}` → {port_text(t, p)} (removed)" for s, t, p in change.removed])


def mermaid(change: Change) -> Iterator[str]:
    """The diagram of one change: added edges green and thick, removed ones red and dashed,
    unchanged neighbours (at most FADED_EDGES) grey, the endpoints of changes highlighted."""
    edges: list[tuple[str, str, str, str]] = []  # source, target, ports, status
    for status, flows in (("new", change.added), ("removed", change.removed), ("kept", change.kept[:FADED_EDGES])):
        ports: dict[tuple[str, str], list[str]] = defaultdict(list)
        for s, t, p in flows:
            ports[(s, t)].append(p)
        edges += [(s, t, ", ".join(p), status) for (s, t), p in sorted(ports.items())]
    changed = {n for flow in (*change.added, *change.removed) for n in flow[:2]}
    names = sorted({n for e in edges for n in e[:2]})
    classes = ["  classDef changed fill:#fff8c5,stroke:#9a6700,stroke-width:2px",
               "  classDef faded fill:#f6f8fa,stroke:#d0d7de,color:#8c959f"]
    yield from graph.flowchart(((name, "changed" if name in changed else "faded") for name in names),
                               ((source, target, label if status == "kept" else f"{label} ({status})", status == "removed")
                                for source, target, label, status in edges), classes)
    styles = {"new": "stroke:#1a7f37,stroke-width:3px", "removed": "stroke:#cf222e,stroke-width:3px,stroke-dasharray:5 5",
              "kept": "stroke:#d0d7de,stroke-width:1px"}
    for status in ("new", "removed", "kept"):
        numbers = [str(i) for i, e in enumerate(edges) if e[3] == status]
        if numbers:
            yield f"  linkStyle {','.join(numbers)} {styles[status]}"


def faded_left_out(change: Change) -> int:
    return max(0, len(change.kept) - FADED_EDGES)
