"""gen: typed cdk8s blueprints -> Kustomize overlays -> committed, deterministic YAML.

  cli.py, arguments.py   the command line: its words become typed objects once, in arguments.py
  catalog.py             the catalog files into typed models
  render/                gen render, gen check: the pipeline (render/pipeline.py)
  release/               gen promote, rollback, retire (release/steps.py) and the release record
  diff/                  gen diff
  validation/            gen validate, gen capacity, gen rules
  rendered/              the model of the rendered tree (parts, objects) and its one reader
  files.py, errors.py, progress.py, yamlio.py, fieldpath.py, runtime.py   shared leaves

The library works without the CLI:

    from generator import arguments, load_catalog
    from generator.render import RenderOptions, render

    catalog = load_catalog(project)
    render(RenderOptions(project, catalog, arguments.selection(catalog, "production", "green", False)))

The names below are imported on first use (PEP 562): the command line imports this package, and
its start-up should not pay for the whole pipeline. `render` itself is `generator.render.render`
(a lazily imported name cannot share its name with the subpackage).
"""

from __future__ import annotations

from importlib import import_module
from typing import Any

# name -> the module that defines it
_EXPORTS = {
    "CatalogError": "generator.errors",
    "Changes": "generator.files",
    "GenError": "generator.errors",
    "KustomizeError": "generator.errors",
    "RenderError": "generator.errors",
    "RenderOptions": "generator.render",
    "Selection": "generator.render",
    "UsageError": "generator.errors",
    "check": "generator.render",
    "load_catalog": "generator.catalog",
    "plan": "generator.render",
}
__all__ = sorted(_EXPORTS)


def __getattr__(name: str) -> Any:
    if name in _EXPORTS:
        return getattr(import_module(_EXPORTS[name]), name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
