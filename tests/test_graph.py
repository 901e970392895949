"""`gen graph` (issue 25): the dependency graph read from the committed NetworkPolicies is exactly
what the tests' own evaluator (tests/netpolicy.py) admits between the platform's pods, both ways,
and its Mermaid and DOT forms carry every edge."""

from __future__ import annotations

import json

import pytest
from click.testing import CliRunner

from generator.catalog import load_catalog
from generator.cli import cli
from generator.posture.declared import derive
from generator.validation.run import environment_tree
from tests.conftest import PROJECT
from tests.netpolicy import Pod, allows

CATALOG = load_catalog(PROJECT)
ENVS = [e.name for e in CATALOG.environments.environments if e.argocd]


def graph(env: str, *args: str) -> str:
    result = CliRunner().invoke(cli, ["--project", str(PROJECT), "graph", env, *args])
    assert result.exit_code == 0, result.output
    return result.stdout


def span_of(text: str) -> tuple[str, int, int]:
    """`8080`, `UDP 53`, `7000-7001` as (protocol, first, last)."""
    protocol, _, ports = text.rpartition(" ")
    first, _, last = ports.partition("-")
    return protocol or "TCP", int(first), int(last or first)


@pytest.mark.parametrize("env_name", ENVS)
def test_the_graph_is_what_the_policies_admit_both_ways(env_name: str) -> None:
    env = CATALOG.environment(env_name)
    posture = derive(CATALOG, env)
    docs = environment_tree(PROJECT, CATALOG, env).docs
    policies = [d.obj for d in docs if d.kind == "NetworkPolicy"]
    pods = {e.name: Pod(e.namespace, dict(e.labels)) for e in posture.endpoints
            if e.namespace is not None and e.role in ("service", "job", "store", "cluster") and e.name != "dns"}
    edges = {(e["source"], e["target"]): e["ports"] for e in json.loads(graph(env_name, "--format", "json"))["edges"]}
    assert edges, "a graph without edges proves nothing"
    for (source, target), ports in edges.items():  # every edge is admitted
        for text in ports:
            protocol, first, last = span_of(text)
            for port in {first, last}:
                assert allows(policies, pods[source], pods[target], port, protocol), (source, target, text)
    spans = {span_of(p) for ps in edges.values() for p in ps}
    candidates = {(f.protocol, f.port) for f in posture.flows} | {(s[0], s[1]) for s in spans} | {(s[0], s[2]) for s in spans}
    platform = set(posture.namespaces)
    for a, source in pods.items():  # everything admitted is an edge
        for b, target in pods.items():
            if source.namespace not in platform and target.namespace not in platform:
                continue  # nobody's policy judges two pods outside the platform
            for protocol, port in candidates:
                if allows(policies, source, target, port, protocol):
                    assert (a, b) in edges, (a, b, port)
                    assert any(s[0] == protocol and s[1] <= port <= s[2] for s in map(span_of, edges[(a, b)])), (a, b, port)


def test_a_color_graph_names_no_pod_of_the_other_color() -> None:
    env = next(e for e in CATALOG.environments.environments if e.blue_green)
    release = CATALOG.release(env.name)
    color, other = release.colors[0].value, ("green" if release.colors[0].value == "blue" else "blue")
    edges = json.loads(graph(env.name, "--color", color, "--format", "json"))["edges"]
    names = {n for e in edges for n in (e["source"], e["target"])}
    assert any(n.endswith(f"-{color}") for n in names)
    assert not any(n.endswith(f"-{other}") for n in names), sorted(names)


def test_mermaid_and_dot_carry_every_edge() -> None:
    env = ENVS[0]
    edges = json.loads(graph(env, "--format", "json"))["edges"]
    mermaid = graph(env).splitlines()
    dot = graph(env, "--format", "dot").splitlines()
    assert mermaid[0] == "flowchart LR" and dot[0].startswith("digraph") and dot[-1] == "}"
    assert sum(" -->|" in line for line in mermaid) == len(edges)
    assert sum(" -> " in line for line in dot) == len(edges)
