"""The one YAML reader: every file gen reads (catalog, release record, rendered files, kustomize's
output) goes through `load` / `load_all`, which refuse what two YAML readers could read two ways.

libyaml composes the node tree in C; a lean constructor turns nodes into plain data (str, int,
float, bool, None, dict, list) and refuses, with the line, what is ambiguous or unsafe:

- a duplicate key (PyYAML keeps the last one silently; kustomize refuses the file);
- a scalar that YAML 1.1 (PyYAML, go-yaml v2 in kubectl and Argo CD) and YAML 1.2 (kustomize's
  parser, ruamel.yaml) read differently: `yes`/`no`/`on`/`off` booleans, `012`, `0x1F`, `1_000`,
  `1:30` numbers, dates;
- merge keys (`<<`), anchors and aliases, explicit tags other than the core ones, non-string keys.

`=` and a `<<` value read as the strings they are (kustomize writes them unquoted).
Bytes that are not UTF-8 are refused by `decode`, naming the line.
"""

from __future__ import annotations

import re
from functools import lru_cache
from typing import Any

import yaml
from yaml.events import AliasEvent, CollectionStartEvent, ScalarEvent
from yaml.nodes import MappingNode, ScalarNode, SequenceNode

try:  # libyaml ships in PyYAML's wheels; the pure-Python fallback is ~8x slower
    from yaml import CSafeLoader as SafeLoader
except ImportError:  # pragma: no cover
    from yaml import SafeLoader  # type: ignore[assignment]

_TAG = "tag:yaml.org,2002:"
STR, INT, FLOAT, BOOL, NULL, MAP, SEQ, MERGE, VALUE = (
    _TAG + t for t in ("str", "int", "float", "bool", "null", "map", "seq", "merge", "value")
)
NUMBER_1_2_TAG = "gen:number-in-yaml-1.2"
# numbers as YAML 1.2 reads them (kustomize's parser), which YAML 1.1 (PyYAML) may call strings
NUMBER_1_2 = re.compile(
    r"^([-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?|0o[0-7]+|0x[0-9a-fA-F]+|[-+]?\.(inf|Inf|INF)|\.(nan|NaN|NAN))$"
)
_DECIMAL = re.compile(r"^-?(0|[1-9][0-9]*)$")
_FLOAT = re.compile(r"^[-+]?([0-9]+\.[0-9]*|\.[0-9]+)([eE][-+]?[0-9]+)?$")
_SPECIAL_FLOAT = {".inf": float("inf"), "+.inf": float("inf"), "-.inf": float("-inf"), ".nan": float("nan")}
_NUMBER_FORM = ("{value!r}: YAML readers disagree on numbers written this way; "
                "write it as a plain decimal number, or quote it for a string")
INT64 = 2**63 - 1
MAX_DEPTH = 200  # deeper than any Kubernetes object; Python's own recursion limit is 1,000


@lru_cache(maxsize=1 << 16)
def resolve_scalar(value: str, implicit: tuple[bool, bool]) -> str:
    """The tag YAML 1.1 gives a scalar (NUMBER_1_2 for a plain string that YAML 1.2 reads as a
    number); each distinct plain scalar is resolved once."""
    tag = SafeLoader.resolve(_RESOLVER, ScalarNode, value, implicit)
    if tag == STR and implicit[0] and NUMBER_1_2.match(value):
        return NUMBER_1_2_TAG
    return tag


class _Loader(SafeLoader):  # type: ignore[misc, valid-type]
    def resolve(self, kind: Any, value: Any, implicit: Any) -> str:
        if kind is ScalarNode:
            return resolve_scalar(value, tuple(implicit))
        return super().resolve(kind, value, implicit)


_RESOLVER = SafeLoader("")


class YamlProblem(yaml.MarkedYAMLError):
    """A document gen refuses to read: `line` (1-based) and what is wrong (`problem`)."""

    def __init__(self, line: int, problem: str) -> None:
        super().__init__(problem=problem)
        self.line = line

    def __str__(self) -> str:
        return f"line {self.line}: {self.problem}"


def decode(data: bytes) -> str:
    """UTF-8 text (a leading byte order mark, which YAML allows, is kept for the parser)."""
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = data.count(b"\n", 0, exc.start) + 1
        raise YamlProblem(line, f"not UTF-8 (byte 0x{data[exc.start]:02x}); save the file as UTF-8") from None


def load(text: str) -> Any:
    """One YAML document as plain data, or None for an empty one."""
    try:
        _refuse_anchors(text)
        loader = _Loader(text)
        try:
            node = loader.get_single_node()
        finally:
            loader.dispose()
    except yaml.reader.ReaderError as exc:
        raise _unreadable(text, exc) from None
    return None if node is None else _construct(node, 0)


def load_all(text: str) -> list[Any]:
    """Every non-empty document of a stream, as plain data."""
    docs = []
    try:
        _refuse_anchors(text)
        loader = _Loader(text)
        try:
            while loader.check_node():
                node = loader.get_node()
                if node is not None:
                    doc = _construct(node, 0)
                    if doc is not None:
                        docs.append(doc)
        finally:
            loader.dispose()
    except yaml.reader.ReaderError as exc:
        raise _unreadable(text, exc) from None
    return docs


def _unreadable(text: str, exc: yaml.reader.ReaderError) -> YamlProblem:
    """libyaml names a character YAML does not allow by its position only: give its line."""
    line = text.count("\n", 0, exc.position) + 1 if isinstance(exc.position, int) else 0
    char = exc.character if isinstance(exc.character, int) else ord(str(exc.character)[:1] or "\0")
    return YamlProblem(line, f"character U+{char:04X} is not allowed in a YAML file; remove it or write it escaped")


def _refuse_anchors(text: str) -> None:
    # an alias needs an anchor, and an anchor needs `&`: most files skip this scan
    if "&" not in text:
        return
    for event in yaml.parse(text, Loader=SafeLoader):
        if isinstance(event, AliasEvent) or (
            isinstance(event, (ScalarEvent, CollectionStartEvent)) and event.anchor
        ):
            raise YamlProblem(
                event.start_mark.line + 1,
                f"anchors and aliases (&{event.anchor}, *{event.anchor}) are not supported; write the value out",
            )


def _line(node: Any) -> int:
    return node.start_mark.line + 1


def _construct(node: Any, depth: int) -> Any:
    cls = node.__class__
    if cls is ScalarNode:
        return _scalar(node)
    if depth > MAX_DEPTH:
        raise YamlProblem(_line(node), f"nested more than {MAX_DEPTH} levels deep")
    if cls is MappingNode:
        if node.tag != MAP:
            raise YamlProblem(_line(node), f"tag {node.tag} is not supported")
        out: dict[str, Any] = {}
        for key, value in node.value:
            if key.__class__ is not ScalarNode or (key.tag != STR and key.tag != VALUE):
                raise YamlProblem(_line(key), _bad_key(key))
            name = key.value
            if name in out:
                raise YamlProblem(_line(key), f"duplicate key {name!r}; a key may appear once in a mapping")
            out[name] = _construct(value, depth + 1)
        return out
    if cls is SequenceNode and node.tag == SEQ:
        return [_construct(item, depth + 1) for item in node.value]
    raise YamlProblem(_line(node), f"tag {node.tag} is not supported")


def _bad_key(key: Any) -> str:
    if key.__class__ is not ScalarNode:
        return "a key must be a string, not a list or mapping"
    if key.tag == MERGE:
        return "merge keys (<<) are not supported; write the keys out (quote '<<' for a key of that name)"
    return f"key {key.value!r} reads as {key.tag[len(_TAG):] if key.tag.startswith(_TAG) else key.tag}, not a string; quote it"


def _scalar(node: Any) -> Any:
    tag, value = node.tag, node.value
    if tag == STR or tag == VALUE or tag == MERGE:
        return value
    if tag == NUMBER_1_2_TAG:
        raise YamlProblem(_line(node), _NUMBER_FORM.format(value=value))
    if tag == INT:
        if _DECIMAL.match(value) and len(value) <= 19 and abs(int(value)) <= INT64:
            return int(value)
        if _DECIMAL.match(value):
            raise YamlProblem(_line(node), f"{value[:30]}: larger than any Kubernetes integer (64 bits)")
        raise YamlProblem(_line(node), _NUMBER_FORM.format(value=value))
    if tag == BOOL:
        lower = value.lower()
        if lower in ("true", "false"):
            return lower == "true"
        raise YamlProblem(_line(node), f"{value!r} is a boolean in YAML 1.1 but a string in YAML 1.2; "
                                       "write true or false, or quote it for a string")
    if tag == NULL:
        return None
    if tag == FLOAT:
        if _FLOAT.match(value):
            return float(value)
        if value.lower() in _SPECIAL_FLOAT:
            return _SPECIAL_FLOAT[value.lower()]
        raise YamlProblem(_line(node), _NUMBER_FORM.format(value=value))
    if tag == _TAG + "timestamp":
        raise YamlProblem(_line(node), f"{value!r} is a date in YAML 1.1 but a string in YAML 1.2; quote it")
    raise YamlProblem(_line(node), f"tag {tag} is not supported")
