"""A `gen diff` result for people (text) and for programs (JSON, sorted keys)."""

from __future__ import annotations

import json
from typing import Any

from generator.diff import identity
from generator.diff.compare import ABSENT, FieldChange, ObjectChange, Result

WIDTH = 80  # a value longer than this is shortened in the text output (never in JSON)
CONTEXT = 20  # characters kept before the first difference of two long values
ELLIPSIS = "..."


def summary(title: str, result: Result) -> str:
    if not result:
        return f"{title}: no difference"
    changed = len(result.changed)
    return (f"{title}: {changed} object{'' if changed == 1 else 's'} changed, "
            f"{len(result.added)} added, {len(result.removed)} removed")


def text(title: str, result: Result) -> list[str]:
    """Each changed object with its fields, then the added and removed objects, then the summary."""
    lines = []
    for change in result.changed:
        lines.append(heading("changed", change))
        lines += [f"  {field_line(f)}" for f in change.fields]
    lines += [heading("added", change) for change in result.added]
    lines += [heading("removed", change) for change in result.removed]
    return [*lines, summary(title, result)]


def heading(verb: str, change: ObjectChange) -> str:
    entry = change.new or change.old
    return f"{verb:8} {change.kind}/{entry.name} ({entry.file})"


def field_line(change: FieldChange) -> str:
    old, new = compact_pair(change.old, change.new)
    order = "order " if change.change == "reordered" else ""
    return f"{change.path}: {order}{old} -> {new}"


def compact_pair(old: Any, new: Any) -> tuple[str, str]:
    """Two values on one line each, as JSON (`(absent)` for a field that is not there); long
    ones are shortened, and where they start alike, cut to begin near their first difference."""
    a, b = compact(old), compact(new)
    if len(a) <= WIDTH and len(b) <= WIDTH:
        return a, b
    same = 0
    while same < min(len(a), len(b)) and a[same] == b[same]:
        same += 1
    cut = same - CONTEXT if same > CONTEXT + len(ELLIPSIS) else 0
    return shorten(a, cut), shorten(b, cut)


def compact(value: Any) -> str:
    return "(absent)" if value is ABSENT else identity.compact(value)


def shorten(text: str, cut: int) -> str:
    if cut:
        text = ELLIPSIS + text[cut:]
    return text if len(text) <= WIDTH else text[:WIDTH - len(ELLIPSIS)] + ELLIPSIS


def as_json(title: str, old_label: str, new_label: str, result: Result) -> str:
    document = {
        "title": title,
        "old": old_label,
        "new": new_label,
        "equal": not result,
        "summary": summary(title, result),
        "counts": {"changed": len(result.changed), "added": len(result.added), "removed": len(result.removed)},
        "changed": [object_data(c) for c in result.changed],
        "added": [object_data(c) for c in result.added],
        "removed": [object_data(c) for c in result.removed],
    }
    return json.dumps(document, indent=2, sort_keys=True, ensure_ascii=False, default=str)


def object_data(change: ObjectChange) -> dict:
    part, kind, namespace, name = change.key
    data: dict[str, Any] = {"part": part, "kind": kind, "namespace": namespace, "name": name}
    for side, entry in (("old", change.old), ("new", change.new)):
        if entry is not None:
            data[side] = {"file": entry.file, "name": entry.name}
    if change.old is not None and change.new is not None:
        data["fields"] = [field_data(f) for f in change.fields]
    return data


def field_data(change: FieldChange) -> dict:
    data: dict[str, Any] = {"path": change.path, "change": change.change}
    if change.old is not ABSENT:
        data["old"] = change.old
    if change.new is not ABSENT:
        data["new"] = change.new
    return data
