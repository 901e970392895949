"""Files on disk as a mapping path -> bytes: read a scope, compare, replace it whole.

A render owns a set of folders (its scope). The new content of every folder is written beside
the project first; only when all of it is written are the folders swapped in by renames, and a
failure during the swap puts back what was there. So a failed render leaves the tree as it was.
"""

from __future__ import annotations

import os
import shutil
import tempfile
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath

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
        if base.is_file():
            files[folder] = base.read_bytes()
        if not base.is_dir():
            continue
        for dirpath, dirnames, filenames in os.walk(base):
            dirnames.sort()
            for name in sorted(filenames):
                full = Path(dirpath) / name
                files[PurePosixPath(full.relative_to(root).as_posix())] = full.read_bytes()
    return files


def write(root: Path, files: Files) -> None:
    """Write files under `root` as they are (a scratch workspace; the project only through `replace`)."""
    for path, content in files.items():
        (root / path).parent.mkdir(parents=True, exist_ok=True)
        (root / path).write_bytes(content)


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
    stray = [p for p in desired if not any(under(p, folder) for folder in scope)]
    if stray:
        raise ValueError(f"files outside the render's scope: {stray[:3]}")
    staging = Path(tempfile.mkdtemp(prefix=".gen-tmp-", dir=root))
    swapped: list[tuple[Path, Path | None]] = []  # (target, backup or None if it did not exist)
    try:
        for path, content in desired.items():
            target = staging / "new" / path
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes(content)
        # folders first, single files (the release record) last: a file is the commit point
        ordered = [f for f in scope if f not in desired] + [f for f in scope if f in desired]
        for index, folder in enumerate(ordered):
            target = root / folder
            new = staging / "new" / folder
            backup = staging / "old" / str(index)
            if target.exists():
                backup.parent.mkdir(parents=True, exist_ok=True)
                os.rename(target, backup)
                swapped.append((target, backup))
            else:
                swapped.append((target, None))
            if new.exists():
                target.parent.mkdir(parents=True, exist_ok=True)
                os.rename(new, target)
    except BaseException:
        for target, backup in reversed(swapped):
            if target.is_dir() and not target.is_symlink():
                shutil.rmtree(target)
            elif target.exists() or target.is_symlink():
                target.unlink()
            if backup is not None:
                os.rename(backup, target)
        raise
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    prune_empty(root, scope)


def prune_empty(root: Path, scope: list[PurePosixPath]) -> None:
    """Remove folders a removal left empty (rendered/<env>/ once its last part is gone)."""
    for folder in scope:
        parent = (root / folder).parent
        # stop below the top-level folders: rendered/ and overlays/ themselves always stay
        while parent.parent != root and parent != root and parent.is_dir() and not any(parent.iterdir()):
            parent.rmdir()
            parent = parent.parent
