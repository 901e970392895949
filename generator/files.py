"""Files on disk as a mapping path -> bytes: read a scope, compare, replace it whole.

A render owns a set of folders (its scope). The new content of every folder is written beside
the project first; only when all of it is written are the folders swapped in by renames, under a
journal (`generator/swap.py`): a failure puts back what was there, a kill is healed by the next command.
"""

from __future__ import annotations

import os
import tempfile
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath

from generator import regular, swap
from generator.swap import prune_empty  # noqa: F401  (the tree's API)

Files = dict[PurePosixPath, bytes]


@dataclass(frozen=True)
class Changes:
    added: list[PurePosixPath] = field(default_factory=list)
    changed: list[PurePosixPath] = field(default_factory=list)
    removed: list[PurePosixPath] = field(default_factory=list)

    def __bool__(self) -> bool:
        return bool(self.added or self.changed or self.removed)

    def lines(self, verbs: tuple[str, str, str] = ("added", "changed", "removed")) -> list[str]:
        out = []
        for verb, paths in zip(verbs, (self.added, self.changed, self.removed)):
            out += [f"{verb:8} {path}" for path in paths]
        return out


def read(root: Path, scope: list[PurePosixPath]) -> Files:
    """Every file under the scope's folders (a scope may also name single files)."""
    files: Files = {}
    for folder in scope:
        base = root / folder
        if os.path.lexists(base):
            regular.inside(root, base)
        if not base.is_dir() and os.path.lexists(base):
            files[folder] = regular.read(root, base)
        if not base.is_dir():
            continue
        for dirpath, dirnames, filenames in os.walk(base):
            dirnames.sort()
            for name in sorted(filenames):
                full = Path(dirpath) / name
                files[PurePosixPath(full.relative_to(root).as_posix())] = regular.read(root, full)
    return files


def write(root: Path, files: Files) -> None:
    """Write files under `root` as they are (a scratch workspace; the project only through `replace`)."""
    for path, content in files.items():
        (root / path).parent.mkdir(parents=True, exist_ok=True)
        write_file(root / path, content)


def write_file(path: Path, content: bytes, durable: bool = False) -> None:
    """Write one file; `durable`: on disk (fsynced) before this returns. A failure names the file
    (a full disk is often noticed only when the file is closed, by an error naming nothing)."""
    try:
        with open(path, "wb") as out:
            out.write(content)
            if durable:
                out.flush()
                os.fsync(out.fileno())
    except OSError as exc:
        if exc.filename is None:
            raise OSError(exc.errno, exc.strerror, str(path)) from None
        raise


def sync_folders(top: Path) -> None:
    """fsync every folder under `top`, deepest first, and `top`: the new files' names are on disk."""
    folders = [Path(dirpath) for dirpath, _dirs, _files in os.walk(top)]
    for folder in sorted(folders, key=lambda f: len(f.parts), reverse=True):
        swap.fsync(folder)


def compare(current: Files, desired: Files) -> Changes:
    return Changes(
        added=sorted(p for p in desired if p not in current),
        changed=sorted(p for p in desired if p in current and current[p] != desired[p]),
        removed=sorted(p for p in current if p not in desired),
    )


def under(path: PurePosixPath, folder: PurePosixPath) -> bool:
    return path == folder or folder in path.parents


def replace(root: Path, scope: list[PurePosixPath], desired: Files) -> None:
    """Make the scope's folders (and files) hold exactly `desired` (every desired path lies in the scope)."""
    folders = set(scope)  # a path is in scope when it, or a folder above it, is a scope entry
    stray = [p for p in desired if p not in folders and folders.isdisjoint(p.parents)]
    if stray:
        raise ValueError(f"files outside the render's scope: {stray[:3]}")
    staging = Path(tempfile.mkdtemp(prefix=swap.SCRATCH_PREFIX, dir=root))
    try:
        swap.done("mkdir", staging)
        for path, content in desired.items():
            target = staging / "new" / path
            target.parent.mkdir(parents=True, exist_ok=True)
            write_file(target, content, durable=True)
        sync_folders(staging)  # the journal may name only what a power cut cannot lose
        swap.done("write", staging)
    except Exception:
        swap.remove_scratch(staging)
        raise
    # folders first, single files (the release record) last: a file is the commit point
    ordered = [f for f in scope if f not in desired] + [f for f in scope if f in desired]
    swap.swap(root, staging, ordered)
