"""A read-only command's output, remembered by everything that made it.

`gen list` prints a table of the typed catalog; loading that catalog means building its pydantic
models (a quarter of a second) for a table that changes only when the catalog or gen changes. So
the text is kept with a key made of exactly those inputs, and printed again while the key holds:

  - the bytes of every file in the catalog folder (`blueprints/catalog/`);
  - gen's own code: every module of the `generator` and `blueprints` packages and of pydantic
    (path, size and modification time, as Python's bytecode cache judges a source), and the
    interpreter's version.

Anything else changed gives another key, and the command runs as if nothing were kept; a run
that fails keeps nothing, so bad input is refused every time. Kept beside the parse cache
(generator/cachedir.py: $GEN_CACHE, else $XDG_CACHE_HOME/gen or ~/.cache/gen; GEN_CACHE=off turns
both off), one small file per project and command, written atomically; a cache that cannot
be read or written only costs the time it would have saved.
"""

from __future__ import annotations

import hashlib
import importlib.util
import os
import sys
from pathlib import Path

from blueprints.layout import CATALOG
from generator.cachedir import project_file, read_json, write_json

CODE = ("generator", "blueprints", "pydantic", "pydantic_core")  # packages whose code makes the output


def _package_dirs() -> list[Path]:
    """The folders of CODE's packages, found without importing them."""
    found = []
    for name in CODE:
        spec = importlib.util.find_spec(name)
        if spec is not None and spec.submodule_search_locations:
            found.extend(Path(p) for p in spec.submodule_search_locations)
    return found


def _stat_lines(root: Path) -> list[str]:
    lines = []
    for path, dirs, names in os.walk(root):
        dirs[:] = sorted(d for d in dirs if d != "__pycache__")
        for name in sorted(names):
            if name.endswith((".py", ".so")):
                info = os.stat(os.path.join(path, name))
                lines.append(f"{os.path.join(path, name)} {info.st_size} {info.st_mtime_ns}")
    return lines


def key(project: Path) -> str:
    """The digest of the catalog's bytes and of gen's code, as described above."""
    digest = hashlib.sha256(sys.version.encode())
    for root in _package_dirs():
        digest.update("\n".join(_stat_lines(root)).encode())
    catalog = project / CATALOG
    for path in sorted(catalog.iterdir()) if catalog.is_dir() else ():
        if path.is_file():
            digest.update(f"\n{path.name}\n".encode())
            digest.update(path.read_bytes())
    return digest.hexdigest()


def recall(project: Path, command: str, made_of: str) -> str | None:
    """The output kept for `command` if it was made of `made_of` (a key()), else None."""
    place = project_file(project, f"-{command}")
    kept = read_json(place) if place is not None else None
    if not isinstance(kept, dict) or kept.get("key") != made_of or not isinstance(kept.get("output"), str):
        return None
    return kept["output"]


def keep(project: Path, command: str, made_of: str, output: str) -> None:
    """Remember `output` of `command`, made of `made_of`."""
    place = project_file(project, f"-{command}")
    if place is not None:
        write_json(place, {"key": made_of, "output": output})
