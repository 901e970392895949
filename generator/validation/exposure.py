"""NetworkPolicy rules: no rule of a policy admits every source (ingress) or every destination
(egress). The platform's namespace denies everything, then each policy admits exactly a service's
declared callers and callees; one rule open to all would undo that for the pods it selects."""

from __future__ import annotations

from typing import Any, Iterator

from generator.validation.policies import Context, Finding, found, rule

DIRECTIONS = (("ingress", "from", "source"), ("egress", "to", "destination"))


def empty_selector(selector: Any) -> bool:
    """A LabelSelector with no requirement selects everything."""
    return isinstance(selector, dict) and not selector.get("matchLabels") and not selector.get("matchExpressions")


def open_peer(peer: Any) -> str | None:
    """Why a peer admits everything, or None."""
    if not isinstance(peer, dict) or not peer:
        return "an empty peer ({}) matches everything"
    block = peer.get("ipBlock")
    if isinstance(block, dict) and str(block.get("cidr", "")).endswith("/0"):
        return f"ipBlock {block.get('cidr')} is every address"
    if "namespaceSelector" in peer and empty_selector(peer["namespaceSelector"]) and (
        "podSelector" not in peer or empty_selector(peer["podSelector"])
    ):
        return "namespaceSelector {} with no pod selector is every pod of every namespace"
    return None


def open_rules(policy: dict[str, Any]) -> Iterator[str]:
    spec = policy.get("spec") if isinstance(policy.get("spec"), dict) else {}
    for direction, peers_key, what in DIRECTIONS:
        rules = spec.get(direction)
        for index, rule_ in enumerate(rules if isinstance(rules, list) else []):
            peers = rule_.get(peers_key) if isinstance(rule_, dict) else None
            if not peers:
                yield f"{direction}[{index}] has no '{peers_key}': it admits every {what}"
                continue
            for n, peer in enumerate(peers if isinstance(peers, list) else [peers]):
                why = open_peer(peer)
                if why:
                    yield f"{direction}[{index}].{peers_key}[{n}]: {why}: it admits every {what}"


@rule("GEN-NETWORK-OPEN", "no NetworkPolicy rule admits every source or destination (no from/to, an empty peer, "
      "namespaceSelector {}, an ipBlock of /0)", waivable=False)
def _network_open(ctx: Context) -> Iterator[Finding]:
    for doc in ctx.of_kind("NetworkPolicy"):
        for message in open_rules(doc.obj):
            yield found("GEN-NETWORK-OPEN", doc, message)
