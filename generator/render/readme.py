"""`rendered/<env>/<part>/README.md`: what a part is, what it runs and what syncs it, for the
reviewer of a pull request (marked generated in .gitattributes, so review hosts fold it).

Built from the part's own rendered objects (replicas, images, requests and limits as rendered,
hand patches included) and the catalog; the page's layout is a jinja2 template beside this module.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from decimal import Decimal
from functools import cache
from pathlib import Path
from typing import Any, Iterable

from blueprints import argocd, labels
from blueprints.model import Catalog
from blueprints.layout import README
from blueprints.quantity import GIB, gib, plain
from generator.files import Files
from generator.posture.graph import EnvironmentGraph
from generator.render.pager import Pager, facts
from generator.rendered import Doc, Part, Workload, workloads
from generator.validation.capacity import annotated, pod_amounts


@cache
def template() -> Any:
    """The page's jinja2 template, loaded on the first render (commands that render nothing
    do not pay for importing jinja2)."""
    import jinja2

    environment = jinja2.Environment(
        loader=jinja2.PackageLoader("generator.render", "templates"),
        keep_trailing_newline=True,
        undefined=jinja2.StrictUndefined,
        autoescape=False,  # Markdown, not HTML
    )
    return environment.get_template("part-readme.md.j2")


@dataclass(frozen=True)
class Row:
    name: str
    kind: str
    replicas: int
    images: str
    requests: str
    limits: str


@dataclass(frozen=True)
class Application:
    name: str
    applies: str
    sync: str


@dataclass(frozen=True)
class DatabaseRelease:
    name: str
    chart: str
    version: str
    namespace: str
    requests: str  # as annotated, for the table
    claim: dict[str, Decimal]  # the same, parsed: for the totals


def readme(catalog: Catalog, part: Part, docs: list[Doc], pager: Pager | None = None) -> bytes:
    """The README.md of `part`, from its rendered objects (in file order) and, for the parts that
    have them, the pager's facts (generator/render/pager.py)."""
    measured = [Measured(w, pod_amounts(w.spec, "requests"), pod_amounts(w.spec, "limits")) for w in workloads(docs)]
    releases = database_releases(docs)
    page = template().render(
        pager=pager,
        graph_command=f"gen graph {part.env}" + (f" --color {part.color.value}" if part.color else ""),
        part=str(part),
        part_name=part.name,
        env=part.env,
        command=part.render_command,
        description=describe(catalog, part),
        applications=applications(catalog, part),
        workloads=workload_rows(measured),
        gpus=any(m.requests["gpu"] or m.limits["gpu"] for m in measured),
        releases=releases,
        totals=totals(docs, measured, releases),
        kinds=sorted(Counter(doc.kind for doc in docs).items()),
    )
    return page.encode()


def pages(project: Path, catalog: Catalog, parts: Iterable[Part], fresh: list[Doc]) -> Files:
    """The README.md of each of `parts`, from `fresh` (the objects of the parts rendered now) and,
    for the pager's facts, the environment's other parts as committed."""
    from generator.validation.run import environment_tree

    by_env: dict[str, list[Part]] = {}
    for part in parts:
        by_env.setdefault(part.env, []).append(part)
    out: Files = {}
    for env_parts in by_env.values():
        env = env_parts[0].environment
        docs = environment_tree(project, catalog, env, [d for d in fresh if d.part.env == env.name]).docs
        graph = EnvironmentGraph(catalog, env, docs)
        for part in env_parts:
            mine = [d for d in docs if d.part == part]
            out[part.rendered_dir / README] = readme(catalog, part, mine, facts(catalog, part, graph, docs))
    return out


def describe(catalog: Catalog, part: Part) -> str:
    env = part.environment
    count = len(catalog.services.services)
    if part.name == "shared":
        stores = ("the ScyllaDB datacenters' namespaces (the databases' Applications are in `argocd`)" if env.argocd
                  else "the databases")
        text = (f"What {part.env} runs once, whatever the color: the namespace `{env.namespace}`, "
                f"`{env.config_map_name}`, {stores}, secret references, certificates, network policies")
        if env.argocd:
            text += " and monitoring"
        if catalog.release(part.env):
            text += ("; and the live Services (`service-*.yaml`): the seed's names and ports, selecting the color "
                     "that serves, as `blueprints/catalog/releases.yaml` records it (`gen promote` changes them)")
        return text + "."
    if part.name == "argocd":
        return (f"How Argo CD delivers {part.env}: the AppProjects `{argocd.PROJECT}` (the platform's namespaces) and "
                f"`{argocd.DELIVERY_PROJECT}` (this folder's, in `{argocd.NAMESPACE}` only), one Application per part, "
                "the databases' Applications among them (each syncs its release's folder; the Helm values it was "
                "rendered with are in `helm-values/`). Bootstrap a cluster with "
                f"`kubectl apply -f rendered/{part.env}/argocd/`.")
    if part.name in catalog.release_parts(part.env):
        (release,) = [r for r in catalog.store_releases(part.env) if r.name == part.name]
        return (f"The database release `{part.name}` of {part.env}: chart `{release.chart.name}` {release.chart.version}, "
                f"vendored in `charts/` and locked (`charts/lock.yaml`), rendered by gen's Helm engine with the values "
                f"`rendered/{part.env}/argocd/helm-values/{part.name}.yaml`; gen adds only its environment labels. "
                f"`helm template {part.name} charts/{release.chart.name}-{release.chart.version} -n "
                f"{release.namespace or env.namespace} -f <those values>` prints the same objects.")
    if part.color:
        # whether it serves is said under "On call": a promotion rewrites that line and nothing else here
        return (f"The {count} services of {part.env} in {part.name}, named `<service>-{part.name}` and labelled "
                f"`version: {part.name}`, each with its own Service for checking the color before it serves "
                f"(which color serves: `blueprints/catalog/releases.yaml`). Image tag "
                f"`{env.images.tag_for(part.color)}`.")
    return f"The {count} services of {part.env} (no blue-green). Image tag `{env.images.tag}`."


def applications(catalog: Catalog, part: Part) -> list[Application]:
    env = part.environment
    if not env.argocd:
        return []
    sync = "automated (prune, self-heal)" if env.sync == "automated" else "manual: an operator syncs after the merge"
    folder = f"`{part.rendered_dir}/`"
    if part.name == "shared" and catalog.release(part.env):
        return [
            Application(argocd.application(part.env, "shared"), f"{folder} except `{argocd.LIVE_FILES}`", sync),
            Application(argocd.application(part.env, argocd.LIVE), f"`{part.rendered_dir}/{argocd.LIVE_FILES}`", sync),
        ]
    return [Application(argocd.application(part.env, part.name), folder, sync)]


def cpu(cores: Decimal) -> str:
    """Cores as Kubernetes writes them: `50m` below one core, `2` or `2.5` above."""
    if cores < 1 and (cores * 1000) == (cores * 1000).to_integral_value():
        return f"{int(cores * 1000)}m"
    return plain(cores)


def size(value: Decimal) -> str:
    """Bytes as Kubernetes writes them where exact (`128Mi`, `16Gi`), else in Gi to 0.1 (`74.4Gi`)."""
    if value >= GIB:
        return gib(value) if value % GIB == 0 else gib(value, "0.1")
    if value % 2**20 == 0:
        return f"{int(value // 2**20)}Mi"
    return f"{int(value)}"


def resources(values: dict[str, Decimal], words: bool = False) -> str:
    """`50m, 128Mi` (one pod), or with `words`: `12.16 cores, 74.4Gi memory` (totals)."""
    shown = [cpu(values["cpu"]) + (" cores" if words else ""), size(values["memory"]) + (" memory" if words else "")]
    if values["gpu"]:
        shown.append(f"{plain(values['gpu'])} GPU")
    return ", ".join(shown)


@dataclass(frozen=True)
class Measured:
    """A workload and what one of its pods requests and is limited to."""

    workload: Workload
    requests: dict[str, Decimal]
    limits: dict[str, Decimal]


def workload_rows(measured: list[Measured]) -> list[Row]:
    rows = []
    for m in measured:
        doc = m.workload.doc
        annotations = doc.obj["metadata"].get("annotations") or {}
        kind = doc.kind + (f" ({annotations[argocd.HOOK]} hook)" if argocd.HOOK in annotations else "")
        images = "<br>".join(f"`{c['image']}`" for c in m.workload.containers(init=False))
        rows.append(Row(doc.name, kind, m.workload.replicas, images, resources(m.requests), resources(m.limits)))
    return sorted(rows, key=lambda r: (r.kind, r.name))


def database_releases(docs: list[Doc]) -> list[DatabaseRelease]:
    out = []
    for doc in docs:
        claim = (doc.obj["metadata"].get("annotations") or {}).get(labels.REQUESTS)
        if doc.kind != "Application" or not claim:
            continue
        source, destination = doc.obj["spec"]["source"], doc.obj["spec"]["destination"]
        out.append(DatabaseRelease(doc.name, source.get("chart", source.get("path", "")), source["targetRevision"],
                                   destination["namespace"], claim.replace(",", ", "), annotated(claim)))
    return out


def totals(docs: list[Doc], measured: list[Measured], releases: list[DatabaseRelease]) -> list[str]:
    lines = [f"{len(docs)} objects"]
    if measured:
        zero = {"cpu": Decimal(0), "memory": Decimal(0), "gpu": Decimal(0)}
        requested, limited = dict(zero), dict(zero)
        for m in measured:
            for key in zero:
                requested[key] += m.requests[key] * m.workload.replicas
                limited[key] += m.limits[key] * m.workload.replicas
        pods = sum(m.workload.replicas for m in measured)
        lines.append(f"{pods} pods in {len(measured)} workloads: requests {resources(requested, words=True)}; "
                     f"limits {resources(limited, words=True)}")
    if releases:
        claimed = {key: sum((r.claim.get(key, Decimal(0)) for r in releases), Decimal(0))
                   for key in ("cpu", "memory", "storage")}
        lines.append(f"databases ({len(releases)} Applications) request {cpu(claimed['cpu'])} cores, "
                     f"{size(claimed['memory'])} memory, {size(claimed['storage'])} storage")
    return lines
