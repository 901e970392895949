"""`gen posture ENV`: the declared posture, printed for a reviewer (and the README's Security
section): namespaces, kinds, subjects, flows, entry, registries, Argo CD's sources."""

from __future__ import annotations

from collections import defaultdict
from typing import Any, Iterator

from generator.posture.declared import Posture


def flows_by_source(posture: Posture) -> dict[str, list[str]]:
    grouped: dict[str, list[str]] = defaultdict(list)
    for flow in sorted(posture.flows):
        protocol = "" if flow.protocol == "TCP" else f"/{flow.protocol}"
        grouped[flow.source].append(f"{flow.target}:{flow.port}{protocol}")
    return dict(grouped)


def as_json(posture: Posture) -> dict[str, Any]:
    return {
        "environment": posture.env,
        "namespaces": {ns: posture.pod_security.get(ns, "restricted") for ns in posture.namespaces},
        "kinds": {part: list(kinds) for part, kinds in posture.part_kinds.items()},
        "cluster_objects": [f"{kind}/{name}" for kind, name in posture.cluster_objects],
        "service_accounts": [f"{ns}/{name}" for ns, name in posture.service_accounts],
        "workloads": {e.name: {"service_account": e.account, "images": list(e.images)}
                      for e in posture.endpoints if e.account is not None},
        "flows": flows_by_source(posture),
        "entry": {"namespace": posture.entry_namespace, "public": list(posture.public)},
        "registries": list(posture.registries),
        "argocd": {"repositories": list(posture.repositories), "revision": posture.revision,
                   "sync": "automated" if posture.automated else "manual", "projects": list(posture.projects),
                   "applications": list(posture.applications)},
    }


def text(posture: Posture) -> Iterator[str]:
    yield f"posture of {posture.env} (default deny: the gate refuses what is not listed here)"
    yield ""
    yield "namespaces (Pod Security level):"
    for ns in posture.namespaces:
        yield f"  {ns} ({posture.pod_security.get(ns, 'restricted')})"
    yield "kinds, by part (cluster-scoped objects only by name):"
    for part, kinds in posture.part_kinds.items():
        yield f"  {part if part != 'services' else 'a color, or app'}: {', '.join(kinds)}"
    yield f"  cluster-scoped: {', '.join(f'{k}/{n}' for k, n in posture.cluster_objects) or 'none'}"
    yield "workloads (each runs as its own ServiceAccount; no Role or RoleBinding is declared), and their images:"
    for e in posture.endpoints:
        if e.account is not None:
            yield f"  {e.name}: {e.account}" + (f", {', '.join(e.images)}" if e.images else "")
    yield "flows (source -> target:port; everything else is denied):"
    for source, targets in flows_by_source(posture).items():
        yield f"  {source} -> {', '.join(targets)}"
    entry = posture.entry_namespace
    yield "entry:"
    yield f"  {'the ingress controller (' + entry + ') -> ' + ', '.join(posture.public) if entry else 'none'}; " \
          "Services are ClusterIP, no Ingress, Gateway, NodePort or LoadBalancer"
    yield "image registries and repositories:"
    yield from (f"  {r}" for r in posture.registries)
    if posture.repositories and posture.projects:
        yield "Argo CD:"
        yield f"  repositories: {', '.join(posture.repositories)}"
        yield f"  this repository at {posture.revision}, sync {'automated' if posture.automated else 'manual'}"
        yield f"  projects: {', '.join(posture.projects)}"
        yield f"  applications: {', '.join(posture.applications)}"
