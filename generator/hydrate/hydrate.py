"""A database release's part: its vendored chart rendered with its recorded values.

  render     the Helm engine on a sentinel copy of the locked chart (refuse.py), with the
             environment's Kubernetes version and the API versions its cluster serves
  refuse     a refused function reached, a Helm hook
  normalize  parsed as Kubernetes reads it (YAML 1.1: `defaultMode: 0550` is octal), nulls kept
  label      gen's environment labels where the chart set none of that key; nothing else
  split      one file per object, `<kind>-<name>.yaml`, headed by where it came from

`helm template <release> charts/<name>-<version> -n <namespace> -f rendered/<env>/argocd/helm-values/<release>.yaml
--kube-version <v> --api-versions ...` prints the same objects, without gen's labels.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from typing import Any

import yaml

from blueprints import labels
from blueprints.databases.store import Release
from blueprints.layout import rendered_file
from blueprints.model import Catalog, Environment
from generator import names, yamlio
from generator.errors import RenderError
from generator.files import Files
from generator.hydrate import engine, refuse
from generator.yamlstrict import SafeLoader  # libyaml's: the pure-Python parser was half the hydration
from generator.rendered import Doc, Part, pod_template
from generator.vendor import lock as locks
from generator.vendor.lock import LockedChart

# the API groups the platform's clusters serve besides Kubernetes' own: the operators whose
# custom resources gen renders (schemas/<group>/<version>/); the charts test some (`.Capabilities`)
SCHEMAS = PurePosixPath("schemas")
APPLIED = ("ServiceMonitor", "PrometheusRule")


@dataclass(frozen=True)
class Hydrated:
    files: Files
    docs: list[Doc]


def api_versions(project: Path) -> tuple[str, ...]:
    base = project / SCHEMAS
    return tuple(sorted(f"{group.name}/{version.name}" for group in base.iterdir() if group.is_dir() and "." in group.name
                        for version in group.iterdir() if version.is_dir()))


def kube_version(catalog: Catalog, env: Environment) -> str:
    """`.Capabilities.KubeVersion`: the version `env`'s cluster runs (environments.yaml)."""
    return f"v{catalog.environments.version_of(env)}.0"


def release_of(catalog: Catalog, part: Part) -> Release:
    for release in catalog.store_releases(part.env):
        if release.name == part.name:
            return release
    raise KeyError(part.name)


def locked_chart(project: Path, release: Release) -> LockedChart:
    for entry in locks.cached(project).charts.values():
        if (entry.name, entry.version) == (release.chart.name, release.chart.version):
            return entry
    raise RenderError(f"{locks.LOCK}: no vendored chart {release.chart.name} {release.chart.version} "
                      f"(release {release.name}); bring it in with `gen chart import`")


def render(project: Path, catalog: Catalog, part: Part, release: Release) -> list[dict[str, Any]]:
    """The release's objects as the chart renders them, in template order (refused: see refuse.py)."""
    chart = locked_chart(project, release)
    folder = project / chart.folder
    namespace = release.namespace or part.environment.namespace
    options = dict(release=release.name, namespace=namespace, kube_version=kube_version(catalog, part.environment),
                   api_versions=api_versions(project))
    values = release.values.dump()
    # the engine and the sentinel keep a loaded chart by its folder and the lock's digest of its
    # files: a chart imported again under the same folder is loaded again
    documents = engine.render(folder, values, tree=chart.files, **options)
    sentinel = refuse.sentinel(str(folder), chart.files)
    refuse.refuse(release.name, refuse.refusals(release.name, documents,
                                                engine.render(sentinel, values, tree=chart.files, **options)))
    objects = []
    for template, text in sorted(documents.items()):
        if not template.endswith((".yaml", ".yml")):
            continue  # NOTES.txt
        for obj in yaml.load_all(text, Loader=SafeLoader):  # YAML 1.1, as the API server reads Helm's output
            if obj is None:
                continue
            if refuse.hook(obj):
                raise RenderError(f"release {release.name}: {template}: {obj.get('kind')} {obj['metadata'].get('name')} "
                                  f"is a Helm hook ({refuse.HOOK}: {refuse.hook(obj)}); Argo CD would run it on every sync")
            objects.append(obj)
    return objects


def environment_labels(part: Part) -> dict[str, str]:
    from generator.render.overlays import environment_labels as overlay_labels

    return {key: value for key, value in overlay_labels(part.environment).items() if key.startswith("therapeutic-ai.io/")}


def label(obj: dict[str, Any], extra: dict[str, str]) -> None:
    """gen's environment labels on the object and its pod template, never replacing the chart's."""
    maps = [obj.setdefault("metadata", {})]
    template = pod_template(obj)
    if template is not None and template is not obj:  # a bare Pod is its own template
        maps.append(template.setdefault("metadata", {}))
    for metadata in maps:
        current = metadata.get("labels") or {}
        metadata["labels"] = {**current, **{k: v for k, v in extra.items() if k not in current}}


def hydrate(project: Path, catalog: Catalog, part: Part) -> Hydrated:
    release = release_of(catalog, part)
    extra = environment_labels(part)
    files: Files = {}
    docs: list[Doc] = []
    folder = locked_chart(project, release).folder
    head = (f"# Generated by gen from chart {release.chart.name} {release.chart.version} ({folder}/) with the values "
            f"rendered/{part.env}/argocd/helm-values/{release.name}.yaml: do not edit; run `{part.render_command}`.\n")
    for obj in render(project, catalog, part, release):
        label(obj, extra)
        kind, name = obj.get("kind"), (obj.get("metadata") or {}).get("name")
        problem = names.object_problem(kind, name, obj["metadata"].get("namespace")) or names.file_name_problem(
            rendered_file(str(kind), str(name)))
        if problem:
            raise RenderError(f"release {release.name}: {kind}/{str(name)[:60]}: {': '.join(problem)}")
        path = part.rendered_dir / rendered_file(kind, name)
        if path in files:
            raise RenderError(f"{path}: two objects of kind {kind} are named {name}")
        files[path] = (head + yamlio.dump(obj)).encode()
        docs.append(Doc(str(path), obj, part))
    return Hydrated(files, docs)
