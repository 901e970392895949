"""What the pre-commit hooks check (`.pre-commit-config.yaml`): the environments a commit's
files touch (`arguments.touched_environments`), rendered like `gen check`, and no others."""

from __future__ import annotations

from pathlib import Path

from blueprints.model import Catalog, Environment
from generator.files import Changes
from generator.progress import Callback, silent
from generator.render.pipeline import changes, plan
from generator.render.select import whole

def check(project: Path, catalog: Catalog, envs: list[Environment], progress: Callback = silent) -> Changes:
    """Like `gen check`, for these environments only: their committed folders against a fresh render."""
    selection = whole(catalog, envs, everything=len(envs) == len(catalog.environments.environments))
    return changes(project, plan(project, catalog, selection, progress))
