"""JSON Schema, compiled once into plain Python closures.

Kubernetes' schemas use a small part of JSON Schema (type, properties, additionalProperties,
required, items, enum, oneOf, $ref); the project's CRD schemas a little more. `jsonschema`
walks a schema per instance at about 1,000 Deployments/s here; the closures below skip the
keyword dispatch and run several times faster. Any keyword outside the supported set is an
error when compiling, never silently ignored, and tests check verdicts against `jsonschema`.
"""

from __future__ import annotations

import re
from typing import Any, Callable

# (path, message): path is the tuple of keys and indexes to the offending field
Problem = tuple[tuple[str | int, ...], str]
Check = Callable[[Any, tuple, list], None]

ANNOTATIONS = {
    "description", "title", "default", "format", "examples", "example", "$schema", "$id",
    "$comment", "deprecated", "readOnly", "writeOnly",
}
SUPPORTED = {
    "type", "properties", "additionalProperties", "required", "items", "enum", "const",
    "oneOf", "anyOf", "allOf", "not", "pattern", "minimum", "maximum", "exclusiveMinimum",
    "exclusiveMaximum", "minLength", "maxLength", "minItems", "maxItems", "minProperties",
    "maxProperties", "uniqueItems", "$ref", "$defs",
}


class SchemaCompileError(Exception):
    pass


def json_type(value: Any) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "boolean"
    if isinstance(value, int):
        return "integer"
    if isinstance(value, float):
        return "integer" if value.is_integer() else "number"
    if isinstance(value, str):
        return "string"
    if isinstance(value, list):
        return "array"
    if isinstance(value, dict):
        return "object"
    return type(value).__name__


def _accepts(types: frozenset[str], actual: str) -> bool:
    return actual in types or (actual == "integer" and "number" in types)


# the common single types, tested directly (json_type names the value only when it is refused)
_IS: dict[str, Callable[[Any], bool]] = {
    "string": lambda v: isinstance(v, str),
    "object": lambda v: isinstance(v, dict),
    "array": lambda v: isinstance(v, list),
    "boolean": lambda v: isinstance(v, bool),
}


def _type_test(types: frozenset[str]) -> Callable[[Any], bool]:
    if len(types) == 1:
        (only,) = types
        if only in _IS:
            return _IS[only]
    return lambda v: _accepts(types, json_type(v))


class Compiler:
    """Compiles the schemas of one document; `resolve(ref)` returns the schema a `$ref` names."""

    def __init__(self, resolve: Callable[[str], dict]) -> None:
        self._resolve = resolve
        self._refs: dict[str, Check] = {}

    def compile(self, schema: dict | bool) -> Check:
        if schema is True or schema == {}:
            return _anything
        if schema is False:
            return _nothing
        keywords = {k for k in schema if not k.startswith("x-kubernetes-") and k not in ANNOTATIONS}
        unknown = keywords - SUPPORTED
        if unknown:
            raise SchemaCompileError(f"unsupported keyword(s) {sorted(unknown)}")
        checks: list[Check] = []
        if "$ref" in schema:
            checks.append(self._ref(schema["$ref"]))
        if "type" in schema or "properties" in schema or "required" in schema or "additionalProperties" in schema:
            checks.append(self._typed(schema))
        if "items" in schema:
            checks.append(self._items(self.compile(schema["items"])))
        for keyword in ("enum", "const", "pattern", "minimum", "maximum", "exclusiveMinimum", "exclusiveMaximum",
                        "minLength", "maxLength", "minItems", "maxItems", "minProperties", "maxProperties",
                        "uniqueItems"):
            if keyword in schema:
                checks.append(_BOUNDS[keyword](schema[keyword]))
        for keyword in ("oneOf", "anyOf", "allOf"):
            if keyword in schema:
                checks.append(_combine(keyword, [self.compile(s) for s in schema[keyword]]))
        if "not" in schema:
            checks.append(_negate(self.compile(schema["not"])))
        if not checks:
            return _anything
        if len(checks) == 1:
            return checks[0]
        return _all_of(checks)

    def _ref(self, ref: str) -> Check:
        if ref not in self._refs:
            # a placeholder first: recursive schemas refer to themselves
            holder: list[Check] = []
            self._refs[ref] = lambda v, p, out: holder[0](v, p, out)
            holder.append(self.compile(self._resolve(ref)))
        return self._refs[ref]

    def _typed(self, schema: dict) -> Check:
        declared = schema.get("type")
        types = frozenset([declared] if isinstance(declared, str) else declared or ())
        properties = {name: self.compile(sub) for name, sub in schema.get("properties", {}).items()}
        required = tuple(schema.get("required", ()))
        extra = schema.get("additionalProperties", True)
        extra_check = None if extra is True or extra is False else self.compile(extra)
        closed = extra is False
        is_object = bool(properties) or bool(required) or "additionalProperties" in schema or "object" in types
        accepts = _type_test(types) if types else None

        def check(value: Any, path: tuple, out: list) -> None:
            if accepts is not None and not accepts(value):
                expected = ' or '.join(sorted(types - {'null'}) or types)
                out.append((path, f"expected {expected}, got {json_type(value)}"))
                return
            if is_object and isinstance(value, dict):
                for name in required:
                    if name not in value:
                        out.append((path + (name,), "missing required field"))
                for key, item in value.items():
                    sub = properties.get(key)
                    if sub is not None:
                        sub(item, path + (key,), out)
                    elif closed:
                        out.append((path + (key,), "unknown field"))
                    elif extra_check is not None:
                        extra_check(item, path + (key,), out)

        return check

    @staticmethod
    def _items(item_check: Check) -> Check:
        def check(value: Any, path: tuple, out: list) -> None:
            if isinstance(value, list):
                for index, item in enumerate(value):
                    item_check(item, path + (index,), out)

        return check


def _anything(value: Any, path: tuple, out: list) -> None:
    return None


def _nothing(value: Any, path: tuple, out: list) -> None:
    out.append((path, "no value is allowed here"))


def _all_of(checks: list[Check]) -> Check:
    def check(value: Any, path: tuple, out: list) -> None:
        for each in checks:
            each(value, path, out)

    return check


def _combine(keyword: str, checks: list[Check]) -> Check:
    def passing(value: Any, path: tuple) -> int:
        count = 0
        for each in checks:
            trial: list = []
            each(value, path, trial)
            count += not trial
        return count

    if keyword == "allOf":
        return _all_of(checks)
    if keyword == "anyOf":
        def any_of(value: Any, path: tuple, out: list) -> None:
            if not passing(value, path):
                out.append((path, f"matches none of the {len(checks)} allowed forms (got {json_type(value)})"))
        return any_of

    def one_of(value: Any, path: tuple, out: list) -> None:
        count = passing(value, path)
        if count != 1:
            out.append((path, f"must match exactly one of {len(checks)} forms, matches {count} (got {json_type(value)})"))
    return one_of


def _negate(inner: Check) -> Check:
    def check(value: Any, path: tuple, out: list) -> None:
        trial: list = []
        inner(value, path, trial)
        if not trial:
            out.append((path, "matches a form that is not allowed"))

    return check


def _enum(allowed: list) -> Check:
    keyed = [(json_type(a), a) for a in allowed]

    def check(value: Any, path: tuple, out: list) -> None:
        if (json_type(value), value) not in keyed:
            out.append((path, f"{value!r} is not one of {allowed}"))

    return check


def _const(expected: Any) -> Check:
    return _enum([expected])


def _pattern(regex: str) -> Check:
    compiled = re.compile(regex)

    def check(value: Any, path: tuple, out: list) -> None:
        if isinstance(value, str) and not compiled.search(value):
            out.append((path, f"{value!r} does not match {regex!r}"))

    return check


def _bound(kind: type, measure: Callable[[Any], Any], test: Callable[[Any, Any], bool], words: str) -> Callable[[Any], Check]:
    def make(limit: Any) -> Check:
        def check(value: Any, path: tuple, out: list) -> None:
            if isinstance(value, kind) and not isinstance(value, bool) and not test(measure(value), limit):
                out.append((path, f"{words} {limit}"))

        return check

    return make


def _unique(flag: bool) -> Check:
    def check(value: Any, path: tuple, out: list) -> None:
        if flag and isinstance(value, list):
            seen = [repr(v) for v in value]
            if len(seen) != len(set(seen)):
                out.append((path, "items must be unique"))

    return check


_number = (int, float)
_BOUNDS: dict[str, Callable[[Any], Check]] = {
    "enum": _enum,
    "const": _const,
    "pattern": _pattern,
    "minimum": _bound(_number, lambda v: v, lambda v, n: v >= n, "must be at least"),
    "maximum": _bound(_number, lambda v: v, lambda v, n: v <= n, "must be at most"),
    "exclusiveMinimum": _bound(_number, lambda v: v, lambda v, n: v > n, "must be greater than"),
    "exclusiveMaximum": _bound(_number, lambda v: v, lambda v, n: v < n, "must be less than"),
    "minLength": _bound(str, len, lambda v, n: v >= n, "length must be at least"),
    "maxLength": _bound(str, len, lambda v, n: v <= n, "length must be at most"),
    "minItems": _bound(list, len, lambda v, n: v >= n, "must have at least this many items:"),
    "maxItems": _bound(list, len, lambda v, n: v <= n, "must have at most this many items:"),
    "minProperties": _bound(dict, len, lambda v, n: v >= n, "must have at least this many fields:"),
    "maxProperties": _bound(dict, len, lambda v, n: v <= n, "must have at most this many fields:"),
    "uniqueItems": _unique,
}
