"""Where gen keeps what only saves time (parsed files, remembered outputs): outside the project,
in $GEN_CACHE, else $XDG_CACHE_HOME/gen or ~/.cache/gen; GEN_CACHE=off keeps nothing. A leaf:
commands that must start fast import it without the rest of gen."""

from __future__ import annotations

import os
from pathlib import Path

OFF = "off"


def folder() -> Path | None:
    chosen = os.environ.get("GEN_CACHE")
    if chosen == OFF:
        return None
    if chosen:
        return Path(chosen)
    base = os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache"
    return Path(base) / "gen"
