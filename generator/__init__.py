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

    catalog = load_catalog(project)
    render(RenderOptions(project, catalog, arguments.selection(catalog, "production", "green", False)))
"""

from generator.catalog import load_catalog
from generator.errors import CatalogError, GenError, KustomizeError, RenderError, UsageError
from generator.files import Changes
from generator.render import RenderOptions, Selection, check, plan, render

__all__ = [
    "CatalogError",
    "Changes",
    "GenError",
    "KustomizeError",
    "RenderError",
    "RenderOptions",
    "Selection",
    "UsageError",
    "check",
    "load_catalog",
    "plan",
    "render",
]
