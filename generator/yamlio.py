"""YAML in and out, fast (libyaml) and deterministic: insertion order, no line folding.

Loading: libyaml composes the node tree in C, but PyYAML's constructor that turns nodes into
Python objects is pure Python and was half the cost of `gen validate`. `load` builds the objects
with a lean constructor for the tags rendered YAML uses (str, int, bool, null, map, seq), resolves
each distinct plain scalar once, and hands anything unusual (merge keys, anchors, floats, dates,
custom tags) to PyYAML's own SafeConstructor. Tests hold it to CSafeLoader's results.
"""

from __future__ import annotations

from functools import lru_cache
from typing import Any, Iterable

import yaml
from yaml.nodes import MappingNode, ScalarNode, SequenceNode

try:  # libyaml ships in PyYAML's wheels; the pure-Python fallback is ~8x slower
    from yaml import CSafeDumper as Dumper, CSafeLoader as SafeLoader
except ImportError:  # pragma: no cover
    from yaml import SafeDumper as Dumper, SafeLoader  # type: ignore[assignment]


def dump(obj: Any) -> str:
    return yaml.dump(obj, Dumper=Dumper, sort_keys=False, default_flow_style=False, width=1 << 16, allow_unicode=True)


def dump_all(objs: Iterable[Any]) -> str:
    return yaml.dump_all(
        list(objs), Dumper=Dumper, sort_keys=False, default_flow_style=False, width=1 << 16, allow_unicode=True
    )


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

