"""The output layout: where gen writes what. A leaf: it imports nothing of the project.

  overlays/<env>/<part>/                      a part's generated Kustomize overlay
  overlays/<env>/patches/                     the environment's hand patches (a kustomize Component)
  rendered/<env>/<part>/<kind>-<name>.yaml    the rendered objects Argo CD syncs, one per file
  rendered/<env>/<part>/README.md             the part's summary page

It lives in blueprints/ because both sides need it and only one direction of import is allowed:
the blueprints name these folders (the Argo CD Applications sync `rendered/<env>/<part>/`), the
generator writes them, and the generator imports the blueprints, never the other way round.
"""

from __future__ import annotations

from pathlib import PurePosixPath

CATALOG = PurePosixPath("blueprints") / "catalog"  # the typed catalog gen reads (releases.yaml it also writes)
SERVICES_FILE = CATALOG / "services.yaml"  # marks a project's folder
OVERLAYS = PurePosixPath("overlays")
RENDERED = PurePosixPath("rendered")
PATCHES = "patches"  # overlays/<env>/patches/: hand-written, created once, never overwritten
KUSTOMIZATION = "kustomization.yaml"
README = "README.md"


def overlay_dir(env: str, part: str) -> PurePosixPath:
    return OVERLAYS / env / part


def rendered_dir(env: str, part: str) -> PurePosixPath:
    """What one Argo CD Application syncs (without recursing: side files go in subfolders)."""
    return RENDERED / env / part


def patches_dir(env: str) -> PurePosixPath:
    return OVERLAYS / env / PATCHES


def rendered_file(kind: str, name: str) -> str:
    """The file an object is rendered to inside its part's folder: `deployment-api-gateway.yaml`."""
    return f"{kind.lower()}-{name}.yaml"
