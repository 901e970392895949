"""What the pre-commit hooks check (`.pre-commit-config.yaml`): the environments a commit's
files touch, rendered and validated like `gen check` and `gen validate`, and no others.

A file under `rendered/<env>/` or `overlays/<env>/` touches that environment. A file that every
environment is made from (the catalog, the blueprints, the generator, the custom resources'
schemas, the pinned dependencies) touches them all, and so does a folder of an environment the
catalog no longer has (`gen check` of everything removes it). Anything else (docs, tests) none.
"""

from __future__ import annotations

from pathlib import Path, PurePosixPath

from blueprints.model import Catalog
from generator.parts import OVERLAYS, RENDERED, Selection, all_parts
from generator.pipeline import RenderOptions, diff, plan
from generator.progress import Callback, silent
from generator.tree import Changes

EVERY_ENVIRONMENT = ("blueprints", "generator", "schemas", "pyproject.toml")


def environments_of(catalog: Catalog, files: list[str]) -> list[str]:
    """The environments the files touch, in the catalog's order."""
    names = [e.name for e in catalog.environments.environments]
    touched: set[str] = set()
    for file in files:
        parts = PurePosixPath(file).parts
        if not parts:
            continue
        if parts[0] in EVERY_ENVIRONMENT:
            return names
        if parts[0] in (RENDERED.name, OVERLAYS.name) and len(parts) > 2:
            if parts[1] not in names:
                return names
            touched.add(parts[1])
    return [name for name in names if name in touched]


def check(project: Path, catalog: Catalog, envs: list[str], progress: Callback = silent) -> Changes:
    """Like `gen check`, for these environments only: their committed folders against a fresh render."""
    selection = Selection(tuple(part for env in envs for part in all_parts(catalog, env)), tuple(envs),
                          everything=len(envs) == len(catalog.environments.environments))
    return diff(project, plan(RenderOptions(project), catalog, selection, progress))
