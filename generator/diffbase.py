"""`gen diff --old-tree DIR`: another checkout's committed rendered/ (DIR/rendered, say the pull
request's base) against this project's committed rendered/, paired by environment and part.
Both sides are read as committed; nothing is rendered."""

from __future__ import annotations

from pathlib import Path

from generator.catalog import load_catalog
from generator.diffsides import Comparison, env_and_part, keyed, part_folders, read_folder, target
from generator.errors import RenderedFileError, UsageError
from generator.parts import RENDERED


def against_tree(project: Path, old_tree: Path, args: tuple[str, ...], title: str) -> Comparison:
    """DIR's rendered/ (old) and the project's (new): every environment, or the one ENV or
    ENV/PART given. A folder DIR lacks (a first render) reads as empty: everything is added."""
    if len(args) > 1:
        raise UsageError(f"gen diff --old-tree compares one tree with this project's: give at most one ENV or "
                         f"ENV/PART; got {len(args)}: {' '.join(args)}")
    where = target(project, load_catalog(project), args[0]) if args else None
    sides = []
    for root in (old_tree, project):
        if where is None:
            folders = part_folders(root)
        elif where.part is None:
            folders = part_folders(root, where.env)
        else:
            folders = [where.folder] if (root / where.folder).is_dir() else []
        try:
            sides.append(keyed([item for folder in folders for item in read_folder(root, folder)], env_and_part))
        except RenderedFileError as exc:
            raise RenderedFileError(f"{old_tree}/{exc}" if root == old_tree else str(exc)) from None
    scope = where.folder if where else RENDERED
    return Comparison(title, f"{old_tree / scope}", f"{scope}", *sides)
