"""What the on-call engineer paged at night reads in a part's README (issue 25): whether the part's
color serves, the dependency graph as the NetworkPolicies enforce it (`gen graph`'s, in Mermaid),
and per service its port, health endpoints, callers and callees and the alerts that watch it, with
their thresholds, and the release commands of the environment.

Read from the environment's rendered objects (the policies and the alert rules live in `shared`,
the workloads in the color's part) and the release record: nothing here is typed twice.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any, Iterator

from blueprints.identities import colored
from blueprints.model import Catalog
from generator.posture.graph import Edge, EnvironmentGraph, as_mermaid
from generator.rendered import APP, SHARED, Doc, Part, workloads

PROBES = (("readinessProbe", "readiness"), ("livenessProbe", "liveness"), ("startupProbe", "startup"))
# a label matcher of an alert expression: `job="x"`, `container=~"a|b"`, `version="blue"`
MATCHER = re.compile(r'(?<![\w])(job|container|version|label_version)\s*(=~|=)\s*"((?:[^"\\]|\\.)*)"')


@dataclass(frozen=True)
class Alert:
    name: str
    severity: str
    threshold: str  # the rule's summary and how long it must hold

    def text(self) -> str:
        return f"`{self.name}` ({self.severity}): {self.threshold}"


@dataclass(frozen=True)
class ServiceFacts:
    name: str  # as the part runs it: `api-gateway-blue`
    port: int
    health: list[str]  # `/health/ready` (readiness), ...
    callers: list[str]  # who may open connections to it, by the policies
    callees: list[str]  # what it may reach, with the ports: `auth-rbac:8080`
    alerts: list[Alert]


@dataclass(frozen=True)
class Pager:
    serving: str | None  # the color that serves the environment (None without blue-green)
    deployed: list[str]  # the colors deployed
    mermaid: list[str]  # the part's dependency graph (`gen graph ENV [--color C]`), or none
    services: list[ServiceFacts]
    commands: list[str]  # Markdown lines: the release commands of this environment


def facts(catalog: Catalog, part: Part, graph: EnvironmentGraph, env_docs: list[Doc]) -> Pager | None:
    """The pager's facts of `part` (None for a part without them: a store's release, argocd)."""
    if part.name != SHARED and part.color is None and part.name != APP:
        return None
    release = catalog.release(part.env)
    found = graph.edges(part.color.value if part.color else None)
    serving = release.active.value if release else None
    deployed = [c.value for c in release.colors] if release else []
    return Pager(
        serving=serving,
        deployed=deployed,
        # the environment's graph is shared's page's; `app` (no colors) would repeat it
        mermaid=list(as_mermaid(found)) if part.name != APP else [],
        services=service_facts(catalog, part, found, env_docs) if part.name != SHARED else [],
        commands=list(commands(part, serving, deployed)),
    )


def commands(part: Part, serving: str | None, deployed: list[str]) -> Iterator[str]:
    """The release commands that apply to the part: the environment's (`shared`), or its color's."""
    env = part.env
    if serving is None:
        yield (f"{env} has no blue-green: nothing to roll back to but git (`git revert`, then "
               f"`gen render {env}`, review and merge).")
        return
    if part.color is None or part.name == serving:
        yield f"- roll back: `gen rollback {env}` (the color the last promotion replaced serves again)"
    idle = [part.name] if part.color is not None else [c for c in deployed if c != serving]
    for color in idle if part.name != serving else ():
        yield f"- serve {color}: `gen promote {env} {color}`"
        yield f"- retire {color}: `gen retire {env} {color}` (its Argo CD Application prunes it)"


def service_facts(catalog: Catalog, part: Part, found: list[Edge], env_docs: list[Doc]) -> list[ServiceFacts]:
    color = part.color
    suffix = f"-{color.value}" if color else ""
    short = lambda node: node[: -len(suffix)] if suffix and node.endswith(suffix) else node  # noqa: E731
    mine = {w.doc.name: w for w in workloads(env_docs) if w.doc.part == part and w.doc.kind == "Deployment"}
    rules = alert_rules(env_docs)
    out = []
    for service in sorted(catalog.services.services, key=lambda s: s.name):
        node = colored(service.name, color)
        workload = mine.get(node)
        if workload is None:
            continue
        callers = sorted({short(e.source) for e in found if e.target == node})
        callees = [f"{short(e.target)}:{e.label()}" for e in found if e.source == node]
        alerts = [alert for alert, watched, colors in rules
                  if service.name in watched and (not colors or color is None or color.value in colors)]
        out.append(ServiceFacts(node, service.port, health(workload.containers(init=False), service.name), callers,
                                callees, alerts))
    return out


def health(containers: Any, name: str) -> list[str]:
    """The service container's probes, each endpoint once with what probes it: `/health/live`
    (liveness, startup), or `tcp 8080`, `exec`."""
    found: dict[str, list[str]] = {}
    for container in containers:
        if container.get("name") != name:
            continue
        for key, role in PROBES:
            probe = container.get(key)
            if not isinstance(probe, dict):
                continue
            if "httpGet" in probe:
                endpoint = f"`{probe['httpGet'].get('path', '/')}`"
            elif "tcpSocket" in probe:
                endpoint = f"tcp {probe['tcpSocket'].get('port')}"
            else:
                endpoint = next(iter(probe), "probe")
            found.setdefault(endpoint, []).append(role)
    return [f"{endpoint} ({', '.join(roles)})" for endpoint, roles in found.items()]


def alert_rules(env_docs: list[Doc]) -> list[tuple[Alert, set[str], set[str]]]:
    """Each alert of the rendered PrometheusRules, the jobs or containers its expression watches,
    and the colors it is limited to (none: every color)."""
    found = []
    for doc in env_docs:
        if doc.kind != "PrometheusRule":
            continue
        for group in (doc.obj.get("spec") or {}).get("groups") or []:
            for rule in group.get("rules") or []:
                if "alert" not in rule:
                    continue
                watched, colors = matched(str(rule.get("expr", "")))
                summary = (rule.get("annotations") or {}).get("summary", "")
                held = f" for {rule['for']}" if rule.get("for") else ""
                severity = (rule.get("labels") or {}).get("severity", "none")
                found.append((Alert(rule["alert"], severity, f"{summary}{held}"), watched, colors))
    return sorted(found, key=lambda entry: entry[0].name)


def matched(expr: str) -> tuple[set[str], set[str]]:
    """The names an expression's job and container matchers select (alternatives of `=~` split),
    and the colors its version matchers name."""
    watched: set[str] = set()
    colors: set[str] = set()
    for label, operator, value in MATCHER.findall(expr):
        names = value.split("|") if operator == "=~" else [value]
        (colors if "version" in label else watched).update(names)
    return watched, colors
