"""What a list item is, in words, for a field path: `egress[8082/TCP]`,
`from[pods app.kubernetes.io/name In (auth-rbac), version=blue]`, `values[notifications]`,
`rules[alert RollbackHealthChecksFailing]`. `gen diff` names the items of lists without unique
`name`s by these labels instead of their position, so no path is an index alone.

Each item offers labels from the shortest to the fullest; a list's items take the shortest label
that tells them apart, and only items that are whole-equal in every word take `#2`, `#3` after the
label (never the index alone).
"""

from __future__ import annotations

import json
from collections import Counter
from typing import Any

SHORT = 60  # a scalar or a fallback longer than this is cut to it
ELLIPSIS = "…"
# keys that say what a mapping is, most telling first (an alerting rule by its alert, a
# toleration or a match expression by its key, a volume mount by its path, ...)
IDENTITY_KEYS = ("name", "alert", "record", "secretKey", "topologyKey", "mountPath", "containerPort", "port",
                 "path", "receiver", "key", "type", "uid")
PEER_KEYS = {"podSelector", "namespaceSelector", "ipBlock"}


def shortened(text: str, width: int = SHORT) -> str:
    first = text.splitlines()[0] if text else text
    if first != text or len(first) > width:
        return first[:width - 1].rstrip() + ELLIPSIS
    return first


def scalar(value: Any) -> str:
    return shortened(value) if isinstance(value, str) else json.dumps(value)


NAMESPACE_NAME = "kubernetes.io/metadata.name"
FEW = 3  # a short label lists this many values of a match expression, then counts the rest


def selector(sel: Any, few: int | None = None) -> str:
    """A label selector in words: `app.kubernetes.io/name In (a, b), version=blue`; `{}` is `all`.
    `few`: list at most that many values of an expression (`(a, b, c, 10 more)`)."""
    if not isinstance(sel, dict):
        return "all"
    words = [f"{k}={v}" for k, v in sorted((sel.get("matchLabels") or {}).items())]
    for expr in sel.get("matchExpressions") or []:
        if isinstance(expr, dict):
            values = [str(v) for v in expr.get("values") or []]
            if few is not None and len(values) > few:
                values = [*values[:few], f"{len(values) - few} more"]
            words.append(f"{expr.get('key')} {expr.get('operator')}" + (f" ({', '.join(values)})" if values else ""))
    return ", ".join(words) or "all"


def namespaces(sel: Any) -> str:
    """A namespace selector in words: `namespace monitoring` (by its name label), else the selector."""
    if isinstance(sel, dict) and not sel.get("matchExpressions") and list(sel.get("matchLabels") or {}) == [NAMESPACE_NAME]:
        return f"namespace {sel['matchLabels'][NAMESPACE_NAME]}"
    return f"namespaces {selector(sel)}"


def peer(item: dict, few: int | None = None) -> str:
    """A NetworkPolicy peer by the pods and namespace it selects."""
    if "ipBlock" in item:
        block = item["ipBlock"] if isinstance(item["ipBlock"], dict) else {}
        except_ = block.get("except") or []
        return f"ipBlock {block.get('cidr')}" + (f" except {', '.join(map(str, except_))}" if except_ else "")
    pods = f"pods {selector(item['podSelector'], few)}" if "podSelector" in item else "all pods"
    if "namespaceSelector" not in item:
        return f"{pods} of this namespace"
    return f"{pods} in {namespaces(item['namespaceSelector'])}"


def scope(item: Any) -> str:
    """Where a peer's pods are: `this namespace`, `namespace monitoring`, `ipBlock ...`."""
    if not isinstance(item, dict):
        return scalar(item)
    if "ipBlock" in item:
        return peer(item)
    return namespaces(item["namespaceSelector"]) if "namespaceSelector" in item else "this namespace"


def ports(items: Any) -> str:
    """A rule's ports: `8080/TCP, 53/UDP`; none is every port."""
    if not isinstance(items, list) or not items:
        return "every port"
    words = []
    for entry in items:
        if isinstance(entry, dict):
            span = f"{entry.get('port', 'every port')}" + (f"-{entry['endPort']}" if "endPort" in entry else "")
            words.append(f"{span}/{entry.get('protocol', 'TCP')}")
    return ", ".join(words)


def candidates(item: Any) -> list[str]:
    """The item's labels, shortest first."""
    if not isinstance(item, dict):
        return [scalar(item)] if not isinstance(item, list) else [shortened(compact(item))]
    if item and set(item) <= PEER_KEYS:
        return [peer(item, FEW), peer(item)]
    peers_key = "from" if "from" in item else "to" if "to" in item else None
    if peers_key is not None or (set(item) == {"ports"}):
        said = ports(item.get("ports"))
        peers = item.get(peers_key) if peers_key else None
        if not peers:
            return [said, f"{said} {peers_key or 'with'} every peer"]
        where = "; ".join(dict.fromkeys(scope(p) for p in peers))
        return [said, f"{said} {peers_key} {where}",
                *(f"{said} {peers_key} " + "; ".join(peer(p, few) if isinstance(p, dict) else scalar(p) for p in peers)
                  for few in (FEW, None))]
    if "port" in item and set(item) <= {"port", "protocol", "endPort"}:
        return [ports([item])]
    for key in IDENTITY_KEYS:
        value = item.get(key)
        if isinstance(value, (str, int)) and not isinstance(value, bool):
            label = f"{key} {scalar(value)}" if key != "name" else scalar(value)
            rest = [f"{k}={scalar(v)}" for k, v in sorted(item.items(), key=lambda kv: str(kv[0]))
                    if k != key and not isinstance(v, (dict, list))]
            return [label, f"{label}, {', '.join(rest)}" if rest else f"{label}, {shortened(compact(item))}"]
    return [shortened(compact(item))]


def compact(value: Any) -> str:
    return json.dumps(value, sort_keys=True, ensure_ascii=False, separators=(", ", ": "), default=str)


def labels(items: list) -> list[str]:
    """Each item's label: the shortest that no other item of the list shares; items alike in
    every label are numbered after it (`53/UDP #2`). Linear in the items."""
    options = [candidates(item) for item in items]
    depth = max((len(o) for o in options), default=0)
    counts = [Counter(o[d] for o in options if len(o) > d) for d in range(depth)]
    chosen = [next((label for d, label in enumerate(mine) if counts[d][label] == 1), mine[-1]) for mine in options]
    total, seen = Counter(chosen), Counter()
    out = []
    for label in chosen:
        seen[label] += 1
        out.append(label if total[label] == 1 else f"{label} #{seen[label]}")
    return out
