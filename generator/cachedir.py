"""Where gen keeps what only saves time (parsed files, remembered outputs): outside the project,
in $GEN_CACHE, else $XDG_CACHE_HOME/gen or ~/.cache/gen; GEN_CACHE=off keeps nothing. A leaf:
commands that must start fast import it without the rest of gen."""

from __future__ import annotations

import hashlib
import json
import os
import tempfile
from pathlib import Path
from typing import Any

from generator import regular
from generator.errors import GenError, UsageError

OFF = "off"


def folder() -> Path | None:
    chosen = os.environ.get("GEN_CACHE")
    if chosen == OFF:
        return None
    if chosen:
        return Path(chosen)
    base = os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache"
    return Path(base) / "gen"


def project_file(project: Path, suffix: str = "") -> Path | None:
    """The cache file of one project (and `suffix`: what it holds), or None when caching is off.
    A cache folder inside the project is refused (exit 2): gen would write into the tree it reads."""
    base = folder()
    if base is None:
        return None
    if base.resolve() == project.resolve() or project.resolve() in base.resolve().parents:
        raise UsageError(f"GEN_CACHE={os.environ.get('GEN_CACHE') or base}: inside the project {project}; "
                         "gen keeps its cache outside the tree it renders (point it elsewhere, or GEN_CACHE=off)")
    return base / f"{hashlib.sha256(str(project.resolve()).encode()).hexdigest()[:32]}{suffix}.json"


def read_json(path: Path) -> Any:
    """A cache file's JSON, or None when it cannot be read or parsed (a miss, never an error)."""
    try:
        return json.loads(regular.read(path.parent, path).decode("utf-8"))
    except (OSError, ValueError, GenError):  # missing, unreadable, corrupt, not a regular file
        return None


def write_json(path: Path, data: Any) -> None:
    """Write a cache file atomically (a concurrent gen wins or loses whole); a failure to write
    is ignored: the cache only ever saves time."""
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        with tempfile.NamedTemporaryFile("w", encoding="utf-8", dir=path.parent, delete=False,
                                         prefix=".tmp-", suffix=".json") as out:
            json.dump(data, out, ensure_ascii=False, separators=(",", ":"))
        os.replace(out.name, path)
    except OSError:
        try:
            os.unlink(out.name)
        except (OSError, NameError):
            pass
