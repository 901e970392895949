"""YAML in and out, fast (libyaml) and deterministic: insertion order, no line folding.

Loading is `generator/yamlstrict.py`'s: the one strict reader of everything gen reads.
"""

from __future__ import annotations

import re
from typing import Any, Iterable

import yaml

from generator import yamlquote, yamlstrict
from generator.errors import RenderError

try:  # libyaml ships in PyYAML's wheels
    from yaml import CSafeDumper as Dumper
except ImportError:  # pragma: no cover
    from yaml import SafeDumper as Dumper  # type: ignore[assignment]


def dump(obj: Any) -> str:
    return dump_all([obj])


def dump_all(objs: Iterable[Any]) -> str:
    """Documents of plain data (dicts, lists, strings, numbers, booleans, None) as block YAML.
    Written here rather than by PyYAML, whose Python representer cost a tenth of a second per
    hundred objects: strings that could read as anything but a string are double-quoted
    (`generator/yamlquote.py`), all others are plain. Tests load every dump back."""
    return "---\n".join(_block(obj, 0) for obj in objs)


_PLAIN = re.compile(r"^[A-Za-z0-9_./][A-Za-z0-9_./-]*$")


def _plain(value: str) -> bool:
    """Safe to write unquoted: read back as this very string by YAML 1.1 and 1.2 parsers alike."""
    return bool(_PLAIN.fullmatch(value)) and yamlstrict.resolve_scalar(value, (True, False)) == yamlstrict.STR


def _scalar(value: Any) -> str:
    if value is None:
        return "null"
    if value is True or value is False:
        return "true" if value else "false"
    if isinstance(value, int):
        return repr(value)
    if isinstance(value, float):  # YAML 1.1 floats need a dot (1e-05 would read as a string)
        return yaml.dump(value, Dumper=Dumper).split("\n", 1)[0]
    if isinstance(value, str):
        if _plain(value):
            return value
        bad = yamlquote.unwritable(value)
        if bad:
            raise RenderError(f"cannot write {value[:40]!r}: {bad} does not pass through kustomize unchanged")
        return yamlquote.quoted(value)
    raise TypeError(f"cannot write {type(value).__name__} as YAML")


def _block(node: Any, indent: int) -> str:
    pad = " " * indent
    if isinstance(node, dict):
        if not node:
            return pad + "{}\n"
        out = []
        for key, value in node.items():
            if isinstance(value, dict) and value:
                out.append(f"{pad}{_scalar(key)}:\n{_block(value, indent + 2)}")
            elif isinstance(value, list) and value:
                out.append(f"{pad}{_scalar(key)}:\n{_block(value, indent)}")
            else:
                out.append(f"{pad}{_scalar(key)}: {_inline(value)}\n")
        return "".join(out)
    if isinstance(node, list):
        if not node:
            return pad + "[]\n"
        out = []
        for item in node:
            if isinstance(item, (dict, list)) and item:
                inner = _block(item, indent + 2)
                out.append(f"{pad}- {inner[indent + 2:]}")
            else:
                out.append(f"{pad}- {_inline(item)}\n")
        return "".join(out)
    return pad + _scalar(node) + "\n"


def _inline(value: Any) -> str:
    if isinstance(value, dict):
        return "{}"
    if isinstance(value, list):
        return "[]"
    return _scalar(value)


def load(text: str) -> Any:
    """One YAML document, read strictly (`generator/yamlstrict.py`)."""
    return yamlstrict.load(text)


def load_all(text: str) -> list[Any]:
    return yamlstrict.load_all(text)
