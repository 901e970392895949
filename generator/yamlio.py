"""YAML in and out, fast (libyaml) and deterministic: insertion order, no line folding.

Loading: libyaml composes the node tree in C, but PyYAML's constructor that turns nodes into
Python objects is pure Python and was half the cost of `gen validate`. `load` builds the objects
with a lean constructor for the tags rendered YAML uses (str, int, bool, null, map, seq), resolves
each distinct plain scalar once, and hands anything unusual (merge keys, anchors, floats, dates,
custom tags) to PyYAML's own SafeConstructor. Tests hold it to CSafeLoader's results.
"""

from __future__ import annotations

import json
import re
from functools import lru_cache
from typing import Any, Iterable

import yaml
from yaml.nodes import MappingNode, ScalarNode, SequenceNode

try:  # libyaml ships in PyYAML's wheels; the pure-Python fallback is ~8x slower
    from yaml import CSafeDumper as Dumper, CSafeLoader as SafeLoader
except ImportError:  # pragma: no cover
    from yaml import SafeDumper as Dumper, SafeLoader  # type: ignore[assignment]


def dump(obj: Any) -> str:
    return dump_all([obj])


def dump_all(objs: Iterable[Any]) -> str:
    """Documents of plain data (dicts, lists, strings, numbers, booleans, None) as block YAML.
    Written here rather than by PyYAML, whose Python representer cost a tenth of a second per
    hundred objects: strings that could read as anything but a string are double-quoted (JSON's
    quoting, which YAML reads alike), all others are plain. Tests load every dump back."""
    return "---\n".join(_block(obj, 0) for obj in objs)


_PLAIN = re.compile(r"^[A-Za-z0-9_./][A-Za-z0-9_./-]*$")
# numbers as YAML 1.2 reads them (kustomize's parser), which YAML 1.1 (PyYAML) may call strings
_NUMBER_1_2 = re.compile(
    r"^([-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?|0o[0-7]+|0x[0-9a-fA-F]+|[-+]?\.(inf|Inf|INF)|\.(nan|NaN|NAN))$"
)


def _plain(value: str) -> bool:
    """Safe to write unquoted: read back as this very string by YAML 1.1 and 1.2 parsers alike."""
    return bool(_PLAIN.match(value)) and not _NUMBER_1_2.match(value) and _resolve_scalar(value, (True, False)) == STR


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
        return json.dumps(value, ensure_ascii=False)
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


_TAG = "tag:yaml.org,2002:"
STR, INT, BOOL, NULL, MAP, SEQ = (_TAG + t for t in ("str", "int", "bool", "null", "map", "seq"))
_TRUE = {"yes", "true", "on"}


class _Unusual(Exception):
    """A node the lean constructor leaves to PyYAML."""


@lru_cache(maxsize=1 << 16)
def _resolve_scalar(value: str, implicit: tuple[bool, bool]) -> str:
    return SafeLoader.resolve(_RESOLVER, ScalarNode, value, implicit)


class _Loader(SafeLoader):  # type: ignore[misc, valid-type]
    def resolve(self, kind: Any, value: Any, implicit: Any) -> str:
        if kind is ScalarNode:
            return _resolve_scalar(value, tuple(implicit))
        return super().resolve(kind, value, implicit)


_RESOLVER = SafeLoader("")


def _construct(node: Any) -> Any:
    cls = node.__class__
    if cls is ScalarNode:
        tag, value = node.tag, node.value
        if tag == STR:
            return value
        if tag == INT and value.isdigit() and (value[0] != "0" or len(value) == 1):
            return int(value)
        if tag == BOOL:
            return value.lower() in _TRUE
        if tag == NULL:
            return None
        raise _Unusual
    if cls is MappingNode:
        if node.tag != MAP:
            raise _Unusual
        out = {}
        for key, value in node.value:
            if key.__class__ is not ScalarNode or key.tag != STR:
                raise _Unusual  # merge keys (<<), non-string keys
            out[key.value] = _construct(value)
        return out
    if cls is SequenceNode and node.tag == SEQ:
        return [_construct(item) for item in node.value]
    raise _Unusual


def load(text: str) -> Any:
    """One YAML document, as `yaml.load(text, CSafeLoader)` would give it."""
    loader = _Loader(text)
    try:
        node = loader.get_single_node()
    finally:
        loader.dispose()
    if node is None:
        return None
    try:
        return _construct(node)
    except (_Unusual, RecursionError):
        return yaml.load(text, Loader=SafeLoader)


def load_all(text: str) -> list[Any]:
    return [doc for doc in yaml.load_all(text, Loader=SafeLoader) if doc is not None]

