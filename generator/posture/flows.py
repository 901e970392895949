"""What a set of NetworkPolicies admits, the way Kubernetes decides it, over the pods the posture
knows (generator/posture/declared.py `Endpoint`s).

A connection from pod A to pod B on a port is allowed when A's egress allows it and B's ingress
allows it. A direction is open for a pod that no policy of its namespace selects for that
direction; once one does, only what some selecting policy's rules allow gets through. Namespaces
are matched by their `kubernetes.io/metadata.name` label, which Kubernetes sets on every one (the
only namespace label the posture knows). An ipBlock peer matches the outside world, a rule
without peers everything. Named ports resolve against the target pod's container ports.

Only the platform's side is judged: a pod outside the platform's namespaces (DNS, Prometheus,
the ingress controller) is open in both directions as far as these policies know.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Iterable, Iterator

from generator.posture.declared import Endpoint
from generator.rendered import selects

NAMESPACE_NAME = "kubernetes.io/metadata.name"
PROTOCOLS = ("TCP", "UDP", "SCTP")
EVERY_PORT = (1, 65535)

Ranges = dict[str, list[tuple[int, int]]]  # protocol -> inclusive port ranges


def every_port() -> Ranges:
    return {protocol: [EVERY_PORT] for protocol in PROTOCOLS}


@dataclass
class Grant:
    """What the rules of one direction admit between two pods: port ranges per protocol, named
    ports (resolved against the target), and the policies that admit them."""

    ranges: Ranges
    named: set[tuple[str, str]]
    policies: list[str]

    def add(self, ports: Any, policy: str) -> None:
        if policy not in self.policies:
            self.policies.append(policy)
        if not ports:
            for protocol in PROTOCOLS:
                self.ranges.setdefault(protocol, []).append(EVERY_PORT)
            return
        for entry in ports if isinstance(ports, list) else []:
            if not isinstance(entry, dict):
                continue
            protocol = entry.get("protocol") or "TCP"
            port, end = entry.get("port"), entry.get("endPort")
            if port is None:
                self.ranges.setdefault(protocol, []).append(EVERY_PORT)
            elif isinstance(port, str) and not port.isdigit():
                self.named.add((protocol, port))
            else:
                first = int(port)
                self.ranges.setdefault(protocol, []).append((first, int(end) if isinstance(end, int) else first))

    def resolved(self, target_ports: dict[tuple[str, str], int]) -> Ranges:
        ranges = {protocol: list(spans) for protocol, spans in self.ranges.items()}
        for key in self.named:
            if key in target_ports:
                ranges.setdefault(key[0], []).append((target_ports[key], target_ports[key]))
        return {protocol: merge(spans) for protocol, spans in ranges.items() if spans}


def merge(spans: Iterable[tuple[int, int]]) -> list[tuple[int, int]]:
    merged: list[tuple[int, int]] = []
    for first, last in sorted(spans):
        if merged and first <= merged[-1][1] + 1:
            merged[-1] = (merged[-1][0], max(merged[-1][1], last))
        else:
            merged.append((first, last))
    return merged


def intersect(a: Ranges, b: Ranges) -> Ranges:
    out: Ranges = {}
    for protocol in a.keys() & b.keys():
        spans = [(max(x0, y0), min(x1, y1)) for x0, x1 in a[protocol] for y0, y1 in b[protocol] if max(x0, y0) <= min(x1, y1)]
        if spans:
            out[protocol] = merge(spans)
    return out


def ports_of(ranges: Ranges) -> Iterator[tuple[str, int, int]]:
    for protocol in sorted(ranges):
        for first, last in ranges[protocol]:
            yield protocol, first, last


@dataclass(frozen=True)
class Pod:
    """An endpoint as the evaluator sees it: its labels and its container ports by name."""

    endpoint: Endpoint
    labels: dict[str, str]
    ports: dict[tuple[str, str], int]
    workload: Any = field(default=None, compare=False, hash=False)  # the rendered workload running it, if any

    @property
    def namespace(self) -> str | None:
        return self.endpoint.namespace


def _types(spec: dict[str, Any]) -> list[str]:
    types = spec.get("policyTypes")
    if isinstance(types, list) and types:
        return types
    return ["Ingress", "Egress"] if "egress" in spec else ["Ingress"]


class PodIndex:
    """The pods by namespace and by (namespace, label, value), in their order: a selector's pods
    are looked up through one of its matchLabels, not by asking every pod (a 1,000-service
    environment has 2,000 pods and 2,000 policies: 20 million selector tests otherwise)."""

    def __init__(self, pods: list[Pod]) -> None:
        self.pods = pods
        self.position = {id(pod): index for index, pod in enumerate(pods)}
        self.outside = [pod for pod in pods if pod.namespace is None]
        self.by_namespace: dict[str, list[Pod]] = {}
        self.by_label: dict[tuple[str, str, str], list[Pod]] = {}
        for pod in pods:
            if pod.namespace is None:
                continue
            self.by_namespace.setdefault(pod.namespace, []).append(pod)
            for key, value in pod.labels.items():
                if isinstance(value, str):
                    self.by_label.setdefault((pod.namespace, key, value), []).append(pod)

    def selected(self, namespace: str | None, selector: Any) -> list[Pod]:
        """The pods of `namespace` that `selector` selects (a missing selector: none)."""
        if namespace is None or selector is None:
            return []
        candidates = self.by_namespace.get(namespace, [])
        for narrowed in self._narrowing(namespace, selector):  # the narrowest: the full test runs on few pods
            candidates = narrowed if len(narrowed) < len(candidates) else candidates
        return [pod for pod in candidates if selects(selector, pod.labels)]

    def _narrowing(self, namespace: str, selector: Any) -> Iterator[list[Pod]]:
        """For each matchLabels entry and `In` expression: the pods that can satisfy it."""
        if not isinstance(selector, dict):
            return
        match = selector.get("matchLabels")
        for key, value in match.items() if isinstance(match, dict) else ():
            if isinstance(value, str):
                yield self.by_label.get((namespace, key, value), [])
        expressions = selector.get("matchExpressions")
        for expression in expressions if isinstance(expressions, list) else ():
            if not isinstance(expression, dict):
                continue
            key, values = expression.get("key"), expression.get("values")
            if expression.get("operator") == "In" and isinstance(key, str) and isinstance(values, list) and \
                    all(isinstance(value, str) for value in values):
                found = {id(pod): pod for value in values for pod in self.by_label.get((namespace, key, value), [])}
                yield sorted(found.values(), key=lambda pod: self.position[id(pod)])

    def peers(self, peer: Any, policy_namespace: str | None) -> list[Pod]:
        """The pods a rule's peer (`from`/`to` entry) names, in pod order."""
        if not isinstance(peer, dict):
            return []
        if "ipBlock" in peer:
            return self.outside
        namespaces = peer.get("namespaceSelector")
        if namespaces is None:
            chosen = [] if policy_namespace is None else [policy_namespace]
        else:
            chosen = [name for name in self.by_namespace if selects(namespaces, {NAMESPACE_NAME: name})]
        selector = peer.get("podSelector")
        found = [pod for name in chosen for pod in (
            self.by_namespace.get(name, []) if selector is None else self.selected(name, selector))]
        return sorted(found, key=lambda pod: self.position[id(pod)]) if len(chosen) > 1 else found


@dataclass
class Admitted:
    """The evaluation: per pod and direction, whether a policy isolates it, and what is granted."""

    isolated: dict[tuple[str, str], bool]  # (endpoint, "Ingress" | "Egress")
    egress: dict[tuple[str, str], Grant]  # (source, target)
    ingress: dict[tuple[str, str], Grant]  # (source, target)
    pods: dict[str, Pod]

    def _granted(self, judged: bool, side: tuple[str, str], grants: dict[tuple[str, str], Grant],
                 key: tuple[str, str], target: Pod) -> tuple[Ranges, list[str]] | None:
        """What one side's policies admit for `key` (every port where that side is not judged or
        not isolated), with the policies that admit it; None where they admit nothing."""
        if not (judged and self.isolated[side]):
            return every_port(), []
        grant = grants.get(key)
        return None if grant is None else (grant.resolved(target.ports), grant.policies)

    def flows(self, platform: set[str]) -> Iterator[tuple[Pod, Pod, Ranges, list[str]]]:
        """Every (source, target, admitted ports, the policies that admit them) where at least one
        side is a platform pod and some port is admitted, in pod order."""
        pods = list(self.pods.values())
        judged = {pod.endpoint.name: pod.namespace in platform for pod in pods}
        open_out = [p for p in pods if not (judged[p.endpoint.name] and self.isolated[(p.endpoint.name, "Egress")])]
        open_in = [p for p in pods if not (judged[p.endpoint.name] and self.isolated[(p.endpoint.name, "Ingress")])]
        # a pair admits something only where each side is open or grants it: the pairs to look at
        pairs = set(self.egress) | set(self.ingress)
        if open_out and open_in:
            pairs |= {(s.endpoint.name, t.endpoint.name) for s in open_out for t in open_in}
        order = {name: index for index, name in enumerate(self.pods)}
        for key in sorted(pairs, key=lambda pair: (order[pair[0]], order[pair[1]])):
            if not (judged[key[0]] or judged[key[1]]):
                continue
            source, target = self.pods[key[0]], self.pods[key[1]]
            out = self._granted(judged[key[0]], (key[0], "Egress"), self.egress, key, target)
            into = self._granted(judged[key[1]], (key[1], "Ingress"), self.ingress, key, target)
            if out is None or into is None:
                continue
            ports = intersect(out[0], into[0])
            if ports:
                yield source, target, ports, [*out[1], *into[1]]


def evaluate(policies: list[tuple[str, dict[str, Any]]], pods: list[Pod]) -> Admitted:
    """`policies`: (reference, NetworkPolicy object) pairs."""
    isolated = {(p.endpoint.name, d): False for p in pods for d in ("Ingress", "Egress")}
    index = PodIndex(pods)
    egress: dict[tuple[str, str], Grant] = {}
    ingress: dict[tuple[str, str], Grant] = {}
    for ref, policy in policies:
        spec = policy.get("spec") if isinstance(policy.get("spec"), dict) else {}
        namespace = (policy.get("metadata") or {}).get("namespace")
        selected = index.selected(namespace, spec.get("podSelector"))
        if not selected:
            continue
        for direction, rules_key, peers_key, grants in (("Ingress", "ingress", "from", ingress),
                                                        ("Egress", "egress", "to", egress)):
            if direction not in _types(spec):
                continue
            for pod in selected:
                isolated[(pod.endpoint.name, direction)] = True
            rules = spec.get(rules_key)
            for rule in rules if isinstance(rules, list) else []:
                if not isinstance(rule, dict):
                    continue
                peers = rule.get(peers_key)
                if peers:
                    others = {id(p): p for peer in (peers if isinstance(peers, list) else [peers])
                              for p in index.peers(peer, namespace)}.values()
                else:
                    others = pods
                for pod in selected:
                    for other in others:
                        key = (pod.endpoint.name, other.endpoint.name) if direction == "Egress" else \
                            (other.endpoint.name, pod.endpoint.name)
                        grants.setdefault(key, Grant({}, set(), [])).add(rule.get("ports"), ref)
    return Admitted(isolated, egress, ingress, {p.endpoint.name: p for p in pods})


def container_ports(template_spec: dict[str, Any]) -> dict[tuple[str, str], int]:
    found = {}
    for container in template_spec.get("containers") or []:
        for port in (container.get("ports") or []) if isinstance(container, dict) else []:
            if isinstance(port, dict) and isinstance(port.get("name"), str) and isinstance(port.get("containerPort"), int):
                found[(port.get("protocol") or "TCP", port["name"])] = port["containerPort"]
    return found


def universe(endpoints: Iterable[Endpoint], workloads: Iterable[Any]) -> tuple[list[Pod], list[Any]]:
    """The pods to judge the policies over: each declared endpoint, with the labels and ports of
    the rendered workload that runs it where there is one; and every rendered workload that runs
    no declared endpoint (returned too, as undeclared), as a pod of its own."""
    pods: list[Pod] = []
    claimed: set[int] = set()
    workloads = list(workloads)
    by_label: dict[tuple[str, str, str], list[Any]] = {}  # (namespace, label, value): the workloads, in order
    for w in workloads:
        for key, value in (w.labels.items() if isinstance(w.labels, dict) else ()):
            if isinstance(value, str):
                by_label.setdefault((w.doc.namespace, key, value), []).append(w)
    for endpoint in endpoints:
        wanted = dict(endpoint.labels)
        match = None
        if endpoint.role in ("service", "job", "store") and wanted:
            first = next(iter(wanted.items()))
            match = next((w for w in by_label.get((endpoint.namespace, *first), [])
                          if all(w.labels.get(k) == v for k, v in wanted.items())), None)
        if match is not None:
            claimed.add(id(match))
            pods.append(Pod(endpoint, dict(match.labels), container_ports(match.spec), match))
        else:
            pods.append(Pod(endpoint, wanted, {}))
    strays = [w for w in workloads if id(w) not in claimed]
    for w in strays:
        pods.append(Pod(Endpoint(w.doc.ref, w.doc.namespace or "", (), "undeclared"),
                        dict(w.labels) if isinstance(w.labels, dict) else {}, container_ports(w.spec), w))
    return pods, strays
