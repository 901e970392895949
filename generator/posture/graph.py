"""`gen graph ENV`: the platform's dependency graph as the cluster will enforce it, read from the
committed NetworkPolicies (the truth), not from the catalog: the product's evaluator
(generator/posture/flows.py) over the posture's pods, one edge per admitted source and target with
its ports. DNS is left out (every pod may resolve names); a stranger pod or the outside world
appears only where a policy admits it, which `gen validate` refuses."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any, Iterable, Iterator

from generator.posture.flows import ports_of

DNS = "dns"


@dataclass(frozen=True, order=True)
class Edge:
    source: str
    target: str
    ports: tuple[str, ...]  # "8080", or "UDP 53", "TCP 1-65535"

    def label(self) -> str:
        return ", ".join(self.ports)


def port_text(protocol: str, first: int, last: int) -> str:
    span = str(first) if first == last else f"{first}-{last}"
    return span if protocol == "TCP" else f"{protocol} {span}"


def edges(network: Any, platform: set[str], color: str | None = None, colors: tuple[str, ...] = ()) -> list[Edge]:
    """The admitted flows of an evaluated network (policies.Network), as edges; with `color`, those
    of that color's pods and the color-less ones (stores, Prometheus, the ingress)."""
    others = tuple(f"-{c}" for c in colors if c != color) if color else ()
    found = []
    for source, target, ranges, _ in network.admitted.flows(platform):
        a, b = source.endpoint.name, target.endpoint.name
        if DNS in (a, b) or any(name.endswith(others) for name in (a, b) if others):
            continue
        found.append(Edge(a, b, tuple(port_text(*span) for span in ports_of(ranges))))
    return sorted(found)


class EnvironmentGraph:
    """An environment's rendered objects, their NetworkPolicies evaluated once over its pods: the
    graph of the whole environment or of one color (`gen graph`, the parts' READMEs)."""

    def __init__(self, catalog: Any, env: Any, docs: list[Any]) -> None:
        from blueprints.enums import Color
        from generator.validation.policies import Context

        context = Context(catalog, env, docs)
        self.whole = context.whole_environment  # its `shared` part, where the policies live, is among docs
        self.network, self.platform = context.network, set(context.posture.namespaces)
        self.colors = tuple(c.value for c in Color)

    def edges(self, color: str | None = None) -> list[Edge]:
        return edges(self.network, self.platform, color, self.colors)


def as_json(env: str, found: list[Edge]) -> dict[str, Any]:
    return {"environment": env, "edges": [{"source": e.source, "target": e.target, "ports": list(e.ports)}
                                          for e in found]}


def _quoted(text: str) -> str:
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


def as_dot(env: str, found: list[Edge]) -> Iterator[str]:
    yield f"digraph {_quoted(env)} {{"
    yield "  rankdir=LR;"
    yield "  node [shape=box];"
    for e in found:
        yield f"  {_quoted(e.source)} -> {_quoted(e.target)} [label={_quoted(e.label())}];"
    yield "}"


def node_id(name: str) -> str:
    """A Mermaid node id: letters, digits and underscores (the name itself is the node's label)."""
    return "n_" + re.sub(r"[^A-Za-z0-9]", "_", name)


def flowchart(nodes: Iterable[tuple[str, str | None]], edges: Iterable[tuple[str, str, str, bool]],
              preamble: Iterable[str] = ()) -> Iterator[str]:
    """Mermaid flowchart lines, the one writer of them: `nodes` (name, class or None), `edges`
    (source, target, label, dashed); `preamble` (class definitions) after the header."""
    yield "flowchart LR"
    yield from preamble
    for name, style in nodes:
        yield f'  {node_id(name)}["{name}"]' + (f":::{style}" if style else "")
    for source, target, label, dashed in edges:
        yield f'  {node_id(source)} {"-.->" if dashed else "-->"}|"{label}"| {node_id(target)}'


def as_mermaid(found: list[Edge]) -> Iterator[str]:
    names = sorted({n for e in found for n in (e.source, e.target)})
    return flowchart(((name, None) for name in names), ((e.source, e.target, e.label(), False) for e in found))
