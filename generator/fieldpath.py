"""Field paths as people read them: `services[3].port`, `spec.template.spec.containers[0].image`."""

from __future__ import annotations

import json
import re
from typing import Any


class Item(str):
    """A list item found by its `name` key, not its position: `containers[api-gateway]`."""


class Label(str):
    """A list item named by what it is (generator/diff/identity.py), written as is:
    `egress[8082/TCP]`, `from[pods app.kubernetes.io/name=postgres of this namespace]`."""


def dotted(path: tuple[Any, ...]) -> str:
    out = ""
    for part in path:
        key = str(part) if isinstance(part, int) or str(part).isprintable() else json.dumps(str(part))
        out += f"[{key}]" if isinstance(part, int) else (f".{key}" if out else key)
    return out


_BARE_KEY = re.compile(r"^[A-Za-z0-9_-]+$")
_BARE_ITEM = re.compile(r"^[A-Za-z_][A-Za-z0-9_.:/-]*$")


def readable(path: tuple[Any, ...]) -> str:
    """Like `dotted`, but unambiguous: keys holding dots or brackets are quoted
    (`metadata.labels["app.kubernetes.io/name"]`), and named items are `[name]`."""
    out = ""
    for part in path:
        if isinstance(part, Label):
            out += f"[{part}]"
        elif isinstance(part, Item):
            out += f"[{part}]" if _BARE_ITEM.fullmatch(part) else f"[{json.dumps(str(part))}]"
        elif isinstance(part, int):
            out += f"[{part}]"
        elif _BARE_KEY.fullmatch(str(part)):
            out += f".{part}" if out else str(part)
        else:
            out += f"[{json.dumps(str(part), ensure_ascii=False)}]"
    return out
