"""gen: typed cdk8s blueprints -> Kustomize overlays -> committed, deterministic YAML.

The library works without the CLI: `render(RenderOptions(project, "production", "green"))`.
"""

from generator.catalog import load_catalog
from generator.errors import CatalogError, GenError, KustomizeError, RenderError, UsageError
from generator.pipeline import RenderOptions, check, plan, render
from generator.tree import Changes

__all__ = [
    "CatalogError",
    "Changes",
    "GenError",
    "KustomizeError",
    "RenderError",
    "RenderOptions",
    "UsageError",
    "check",
    "load_catalog",
    "plan",
    "render",
]
