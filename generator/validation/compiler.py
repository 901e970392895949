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
# A check returns the problems of a value, their paths relative to it, or None when it has none:
# a valid value allocates nothing on its way through, and paths are built only for problems.
Check = Callable[[Any], "list[Problem] | None"]

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


# the Python types a loader makes for each JSON type (a float with no fraction is also an integer)
_PYTHON: dict[str, tuple[type, ...]] = {
    "string": (str,), "object": (dict,), "array": (list,), "boolean": (bool,), "null": (type(None),),
    "integer": (int,), "number": (int, float),
}
_PLAIN = frozenset(t for ts in _PYTHON.values() for t in ts)


def _type_test(types: frozenset[str]) -> Callable[[Any], bool]:
    """A test of `types` by the value's exact type; a value of another Python type (a subclass)
    is named by json_type, as is every test of a type name outside JSON's seven."""
    if not types <= _PYTHON.keys():
        return lambda v: _accepts(types, json_type(v))
    exact = frozenset(t for name in types for t in _PYTHON[name])  # bool is not int here: type() is exact
    whole_floats = "integer" in types and "number" not in types

    def test(value: Any) -> bool:
        kind = type(value)
        if kind in exact:
            return True
        if kind in _PLAIN:
            return whole_floats and kind is float and value.is_integer()
        return _accepts(types, json_type(value))

    return test


def _under(key: str | int, found: list[Problem], out: list[Problem] | None) -> list[Problem]:
    """`found` (problems of the value at `key`) added to `out`, their paths made relative to its parent."""
    if out is None:
        out = []
    out.extend(((key, *path), message) for path, message in found)
    return out


class Compiler:
    """Compiles the schemas of one document; `resolve(ref)` returns the schema a `$ref` names.

    A property's schema is compiled when a value first has that property (`eager=False`, the
    default): an object uses a small part of what its kind allows (a Deployment reaches the whole
    PodSpec), so validating compiles a fifth of the schemas. A schema that cannot be compiled then
    raises SchemaCompileError from the check; `eager=True` compiles everything up front (the tests
    compile every schema the project uses that way)."""

    def __init__(self, resolve: Callable[[str], dict], eager: bool = False) -> None:
        self._resolve = resolve
        self._eager = eager
        self._refs: dict[str, Check] = {}
        self._pending: dict[str, list[Check]] = {}  # refs being compiled: a recursive one waits for itself

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
        checks = [c for c in checks if c is not _anything]
        if not checks:
            return _anything
        if len(checks) == 1:
            return checks[0]
        return _all_of(checks)

    def _ref(self, ref: str) -> Check:
        if ref in self._refs:
            return self._refs[ref]
        if ref in self._pending:  # a schema that contains itself: its check is found when it runs
            holder = self._pending[ref]
            return lambda value: holder[0](value)
        holder = self._pending[ref] = []
        try:
            compiled = self.compile(self._resolve(ref))
        finally:
            del self._pending[ref]
        holder.append(compiled)
        self._refs[ref] = compiled
        return compiled

    def _typed(self, schema: dict) -> Check:
        declared = schema.get("type")
        types = frozenset([declared] if isinstance(declared, str) else declared or ())
        schemas = schema.get("properties", {})
        known = frozenset(schemas)
        # a property's check, compiled on first use (all of them now when eager)
        properties = {name: self.compile(sub) for name, sub in schemas.items()} if self._eager else {}
        compile_ = self.compile
        required = tuple(schema.get("required", ()))
        extra = schema.get("additionalProperties", True)
        extra_check = None if extra is True or extra is False else self.compile(extra)
        if extra_check is _anything:
            extra_check = None
        closed = extra is False
        is_object = bool(known) or bool(required) or "additionalProperties" in schema or "object" in types
        accepts = _type_test(types) if types else None
        expected = " or ".join(sorted(types - {"null"}) or types)

        def check(value: Any) -> list[Problem] | None:
            if accepts is not None and not accepts(value):
                return [((), f"expected {expected}, got {json_type(value)}")]
            if not is_object or not isinstance(value, dict):
                return None
            out = None
            for name in required:
                if name not in value:
                    out = _under(name, [((), "missing required field")], out)
            for key, item in value.items():
                sub = properties.get(key)
                if sub is None and key in known:
                    sub = properties[key] = compile_(schemas[key])
                if sub is not None:
                    if sub is not _anything:
                        found = sub(item)
                        if found:
                            out = _under(key, found, out)
                elif closed:
                    out = _under(key, [((), "unknown field")], out)
                elif extra_check is not None:
                    found = extra_check(item)
                    if found:
                        out = _under(key, found, out)
            return out

        return check

    @staticmethod
    def _items(item_check: Check) -> Check:
        if item_check is _anything:
            return _anything

        def check(value: Any) -> list[Problem] | None:
            if not isinstance(value, list):
                return None
            out = None
            for index, item in enumerate(value):
                found = item_check(item)
                if found:
                    out = _under(index, found, out)
            return out

        return check


def _anything(value: Any) -> None:
    return None


def _nothing(value: Any) -> list[Problem]:
    return [((), "no value is allowed here")]


def _all_of(checks: list[Check]) -> Check:
    def check(value: Any) -> list[Problem] | None:
        out = None
        for each in checks:
            found = each(value)
            if found:
                out = found if out is None else out + found
        return out

    return check


def _combine(keyword: str, checks: list[Check]) -> Check:
    def passing(value: Any) -> int:
        return sum(not each(value) for each in checks)

    if keyword == "allOf":
        return _all_of(checks)
    if keyword == "anyOf":
        def any_of(value: Any) -> list[Problem] | None:
            if any(not each(value) for each in checks):
                return None
            return [((), f"matches none of the {len(checks)} allowed forms (got {json_type(value)})")]
        return any_of

    def one_of(value: Any) -> list[Problem] | None:
        count = passing(value)
        if count == 1:
            return None
        return [((), f"must match exactly one of {len(checks)} forms, matches {count} (got {json_type(value)})")]
    return one_of


def _negate(inner: Check) -> Check:
    def check(value: Any) -> list[Problem] | None:
        if inner(value):
            return None
        return [((), "matches a form that is not allowed")]

    return check


def _enum(allowed: list) -> Check:
    keyed = [(json_type(a), a) for a in allowed]
    try:
        hashed = frozenset(keyed)
    except TypeError:  # an allowed list or object: compared one by one
        hashed = None

    def check(value: Any) -> list[Problem] | None:
        key = (json_type(value), value)
        try:
            if hashed is not None and key in hashed:
                return None
        except TypeError:  # an unhashable value: compared one by one
            pass
        if key in keyed:
            return None
        return [((), f"{value!r} is not one of {allowed}")]

    return check


def _const(expected: Any) -> Check:
    return _enum([expected])


def _pattern(regex: str) -> Check:
    compiled = re.compile(regex)

    def check(value: Any) -> list[Problem] | None:
        if isinstance(value, str) and not compiled.search(value):
            return [((), f"{value!r} does not match {regex!r}")]
        return None

    return check


def _bound(kind: type, measure: Callable[[Any], Any], test: Callable[[Any, Any], bool], words: str) -> Callable[[Any], Check]:
    def make(limit: Any) -> Check:
        def check(value: Any) -> list[Problem] | None:
            if isinstance(value, kind) and not isinstance(value, bool) and not test(measure(value), limit):
                return [((), f"{words} {limit}")]
            return None

        return check

    return make


def _unique(flag: bool) -> Check:
    def check(value: Any) -> list[Problem] | None:
        if flag and isinstance(value, list):
            seen = [repr(v) for v in value]
            if len(seen) != len(set(seen)):
                return [((), "items must be unique")]
        return None

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
