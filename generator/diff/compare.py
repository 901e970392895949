"""A semantic diff of rendered objects: which objects changed, were added or removed, and for
each changed object which fields, with their old and new values. Pure: no files, no output.

Objects are paired by key (part, kind, namespace, name), as the caller normalized them. Within
an object:
- mappings are compared key by key, in sorted key order;
- lists whose items are all mappings with a unique `name` (containers, env, ports, volumes) are
  compared item by item by that name, `containers[api-gateway]`, so inserting one item does not
  shift the others; a change of the order of the common names is reported once, as `reordered`;
- other lists are aligned (difflib) and compared by position, each item named by what it is
  (generator/diff/identity.py: `egress[8082/TCP]`, `values[notifications]`), never by its index: a
  removed item carries its old label, every other change its new one;
- scalars differ when their value or their type differs (`"2"` against `2`).
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from difflib import SequenceMatcher
from typing import Any

from generator.diff.identity import labels
from generator.fieldpath import Item, Label, readable

Key = tuple[str, str, str, str]  # part, kind, namespace ("" if cluster-scoped), name


class _Absent:
    """The value of a field that is not there (on the old side of an added field, say)."""

    def __repr__(self) -> str:
        return "ABSENT"


ABSENT: Any = _Absent()


@dataclass(frozen=True)
class Entry:
    """One object of one side: where it is (or would be) written, its real name, and the
    object as normalized for comparison."""

    file: str
    name: str
    obj: dict


@dataclass(frozen=True)
class FieldChange:
    path: str  # `spec.template.spec.containers[api-gateway].image`
    change: str  # changed | added | removed | reordered
    old: Any = ABSENT
    new: Any = ABSENT


@dataclass(frozen=True)
class ObjectChange:
    key: Key
    old: Entry | None  # None when added
    new: Entry | None  # None when removed
    fields: tuple[FieldChange, ...] = ()

    @property
    def kind(self) -> str:
        return self.key[1]


@dataclass(frozen=True)
class Result:
    changed: tuple[ObjectChange, ...] = ()
    added: tuple[ObjectChange, ...] = ()
    removed: tuple[ObjectChange, ...] = ()

    def __bool__(self) -> bool:
        return bool(self.changed or self.added or self.removed)


def compare(old: dict[Key, Entry], new: dict[Key, Entry]) -> Result:
    """Two sides' objects by key: what changed, what only the new side has, what only the old."""
    changed = []
    for key in sorted(old.keys() & new.keys()):
        found = fields(old[key].obj, new[key].obj)
        if found:
            changed.append(ObjectChange(key, old[key], new[key], tuple(found)))
    return Result(
        changed=tuple(changed),
        added=tuple(ObjectChange(key, None, new[key]) for key in sorted(new.keys() - old.keys())),
        removed=tuple(ObjectChange(key, old[key], None) for key in sorted(old.keys() - new.keys())),
    )


def fields(old: Any, new: Any) -> list[FieldChange]:
    """Every difference between two values, by field path; empty when they are the same."""
    return [FieldChange(readable(path), change, a, b) for path, change, a, b in _walk(old, new, ())]


Found = tuple[tuple[Any, ...], str, Any, Any]


def _walk(old: Any, new: Any, path: tuple[Any, ...]) -> list[Found]:
    if isinstance(old, dict) and isinstance(new, dict):
        return _mapping(old, new, path)
    if isinstance(old, list) and isinstance(new, list):
        old_names, new_names = _names(old), _names(new)
        if old_names is not None and new_names is not None:
            return _named(old, new, old_names, new_names, path)
        return _positional(old, new, path)
    if type(old) is type(new) and old == new:
        return []
    return [(path, "changed", old, new)]


def _mapping(old: dict, new: dict, path: tuple[Any, ...]) -> list[Found]:
    out: list[Found] = []
    for key in sorted(old.keys() | new.keys(), key=str):
        if key not in new:
            out.append(((*path, key), "removed", old[key], ABSENT))
        elif key not in old:
            out.append(((*path, key), "added", ABSENT, new[key]))
        else:
            out += _walk(old[key], new[key], (*path, key))
    return out


def _names(items: list) -> list[str] | None:
    """The items' names when every item is a mapping with a distinct string `name`."""
    names = [item.get("name") if isinstance(item, dict) else None for item in items]
    if all(isinstance(name, str) for name in names) and len(set(names)) == len(names):
        return names
    return None


def _named(old: list, new: list, old_names: list[str], new_names: list[str], path: tuple[Any, ...]) -> list[Found]:
    old_by, new_by = dict(zip(old_names, old)), dict(zip(new_names, new))
    out: list[Found] = []
    kept_old = [name for name in old_names if name in new_by]
    kept_new = [name for name in new_names if name in old_by]
    if kept_old != kept_new:
        out.append((path, "reordered", kept_old, kept_new))
    for name in new_names:
        if name in old_by:
            out += _walk(old_by[name], new_by[name], (*path, Item(name)))
        else:
            out.append(((*path, Item(name)), "added", ABSENT, new_by[name]))
    for name in old_names:
        if name not in new_by:
            out.append(((*path, Item(name)), "removed", old_by[name], ABSENT))
    return out


def _positional(old: list, new: list, path: tuple[Any, ...]) -> list[Found]:
    matcher = SequenceMatcher(None, [_canonical(i) for i in old], [_canonical(i) for i in new], autojunk=False)
    out: list[Found] = []
    old_labels, new_labels = [Label(x) for x in labels(old)], [Label(x) for x in labels(new)]
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        if tag == "equal":
            continue
        paired = min(i2 - i1, j2 - j1)  # a replaced run: its items compared one to one
        for k in range(paired):
            out += _walk(old[i1 + k], new[j1 + k], (*path, new_labels[j1 + k]))
        for j in range(j1 + paired, j2):
            out.append(((*path, new_labels[j]), "added", ABSENT, new[j]))
        for i in range(i1 + paired, i2):
            out.append(((*path, old_labels[i]), "removed", old[i], ABSENT))
    return out


def _canonical(value: Any) -> str:
    """A value as text, equal for equal values of equal types (`true` is not `1`)."""
    return json.dumps(value, sort_keys=True, default=repr)
