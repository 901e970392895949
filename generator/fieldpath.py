"""Field paths as people read them: `services[3].port`, `spec.template.spec.containers[0].image`."""

from __future__ import annotations

from typing import Any


def dotted(path: tuple[Any, ...]) -> str:
    out = ""
    for part in path:
        out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else str(part))
    return out
