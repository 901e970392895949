"""`gen diff --old-tree DIR`: another checkout's committed rendered/ (DIR/rendered, say the pull
request's base) against this project's committed rendered/, paired by environment and part.
Both sides are read as committed; nothing is rendered."""

from __future__ import annotations

from pathlib import Path

from blueprints.layout import RENDERED
from blueprints.model import Catalog, Environment
from generator.diff.sides import Comparison, Target, committed_parts, env_and_part, keyed, objects
from generator.errors import RenderedFileError
from generator.rendered import Part


def against_tree(project: Path, catalog: Catalog, old_tree: Path, where: Target | None, title: str) -> Comparison:
    """DIR's rendered/ (old) and the project's (new): every environment, or the one ENV or
    ENV/PART given. A folder DIR lacks (a first render) reads as empty: everything is added."""
    sides = []
    for root in (old_tree, project):
        try:
            sides.append(keyed(objects(root, tree_parts(root, catalog, where)), env_and_part))
        except RenderedFileError as exc:
            raise RenderedFileError(f"{old_tree}/{exc}" if root == old_tree else str(exc)) from None
    scope = where.folder if where else RENDERED
    return Comparison(title, f"{old_tree / scope}", f"{scope}", *sides)


def tree_parts(root: Path, catalog: Catalog, where: Target | None) -> list[Part]:
    """The parts rendered under `root`: of the catalog's environments, and of environment
    folders the catalog no longer has (an environment the change removes)."""
    if where is not None and where.part is not None:
        return [where.part] if (root / where.part.rendered_dir).is_dir() else []
    if where is not None:
        return committed_parts(root, catalog, where.environment)
    found = [p for env in catalog.environments.environments for p in committed_parts(root, catalog, env)]
    names = {env.name for env in catalog.environments.environments}
    for name in subfolders(root / RENDERED):
        if name not in names:
            removed = removed_environment(catalog, name)
            found += [Part(removed, part) for part in subfolders(root / RENDERED / name)]
    return found


def subfolders(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir() if p.is_dir()) if folder.is_dir() else []


def removed_environment(catalog: Catalog, name: str) -> Environment:
    """A stand-in profile for an environment only the old tree has: its parts need a profile,
    and only the name is read (to key its objects `<name>/<part>`)."""
    return catalog.environments.environments[0].model_copy(update={"name": name})
