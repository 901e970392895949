"""What a set of NetworkPolicies lets through, the way Kubernetes decides it.

A connection from pod A to pod B on a port is allowed when A's egress allows it and B's ingress
allows it. A direction is open for a pod that no policy of its namespace selects for that
direction; once one does, only what some selecting policy's rules allow gets through. Namespaces
are matched by their `kubernetes.io/metadata.name` label, which Kubernetes sets on every one.
ipBlock peers match no pod (they are for traffic outside the cluster).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from generator.rendered import selects


@dataclass(frozen=True)
class Pod:
    namespace: str
    labels: dict[str, str] = field(hash=False)


def _types(policy: dict[str, Any]) -> list[str]:
    spec = policy.get("spec") or {}
    return spec.get("policyTypes") or (["Ingress", "Egress"] if "egress" in spec else ["Ingress"])


def _selecting(policies: list[dict], pod: Pod, direction: str) -> list[dict]:
    return [
        p for p in policies
        if (p.get("metadata") or {}).get("namespace") == pod.namespace
        and direction in _types(p)
        and selects((p.get("spec") or {}).get("podSelector"), pod.labels)
    ]


def _peer_matches(peer: dict[str, Any], policy_namespace: str, other: Pod) -> bool:
    if "ipBlock" in peer:
        return False
    namespaces = peer.get("namespaceSelector")
    if namespaces is None:
        in_namespace = other.namespace == policy_namespace
    else:
        in_namespace = selects(namespaces, {"kubernetes.io/metadata.name": other.namespace})
    pods = peer.get("podSelector")
    return in_namespace and (pods is None or selects(pods, other.labels))


def _port_matches(ports: list[dict] | None, port: int, protocol: str) -> bool:
    """Named ports are not resolved: the project's policies use numbers."""
    if not ports:
        return True
    for entry in ports:
        if entry.get("protocol", "TCP") != protocol:
            continue
        first, end = entry.get("port"), entry.get("endPort")
        if first is None or first == port or (isinstance(first, int) and end is not None and first <= port <= end):
            return True
    return False


def _rule_allows(rules: list[dict], peers_key: str, namespace: str, other: Pod, port: int, protocol: str) -> bool:
    for rule in rules:
        peers = rule.get(peers_key)
        peer_ok = not peers or any(_peer_matches(peer, namespace, other) for peer in peers)
        if peer_ok and _port_matches(rule.get("ports"), port, protocol):
            return True
    return False


def allows(policies: list[dict], source: Pod, target: Pod, port: int, protocol: str = "TCP") -> bool:
    """May `source` open a connection to `target` on `port`?"""
    egress = _selecting(policies, source, "Egress")
    if egress and not any(
        _rule_allows((p["spec"].get("egress") or []), "to", source.namespace, target, port, protocol) for p in egress
    ):
        return False
    ingress = _selecting(policies, target, "Ingress")
    return not ingress or any(
        _rule_allows((p["spec"].get("ingress") or []), "from", target.namespace, source, port, protocol) for p in ingress
    )
