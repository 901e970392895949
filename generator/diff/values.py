"""Values as a reviewer reads them in Markdown, unescaped: short ones inline (`2` → `4`), long
strings (PromQL, scripts) as a small unified diff of the pieces that changed, structures and
objects as YAML blocks (literal blocks for multi-line strings, never `\\"`)."""

from __future__ import annotations

import difflib
import re
from typing import Any

import yaml

from generator.diff.compare import ABSENT, FieldChange
from generator.diff.report import WIDTH, compact

CONTEXT = 2  # unchanged lines kept around each changed one (of a one-line string's pieces: 1)
# where a one-line string is cut into the pieces a diff compares: after `|`, `,` and a run of spaces
PIECE = re.compile(r"(?<=[|,])(?! )|(?<= )(?! )")


class _Dumper(yaml.SafeDumper):
    """Block YAML for people: multi-line strings as literal blocks, no line folding."""


def _string(dumper: yaml.SafeDumper, value: str) -> yaml.Node:
    return dumper.represent_scalar("tag:yaml.org,2002:str", value, style="|" if "\n" in value else None)


_Dumper.add_representer(str, _string)


def as_yaml(value: Any) -> str:
    return yaml.dump(value, Dumper=_Dumper, sort_keys=False, allow_unicode=True, width=1_000_000,
                     default_flow_style=False)


def size(text: str) -> int:
    """Bytes of UTF-8: what the comment's budget counts."""
    return len(text.encode("utf-8"))


def fence(text: str, info: str = "") -> list[str]:
    """`text` in a fenced code block, the fence longer than any backtick run inside."""
    longest = max((len(run) for run in re.findall(r"`+", text)), default=0)
    mark = "`" * max(3, longest + 1)
    return [f"{mark}{info}", *text.rstrip("\n").split("\n"), mark]


def inline(value: Any) -> str | None:
    """A short value as its inline text (JSON, so `"2"` and `2` differ), or None where that would
    be long or escaped: a string with a quote or backslash reads as itself."""
    text = compact(value)
    if isinstance(value, str) and "\\" in text and "\n" not in value and len(value) <= WIDTH:
        return value
    return text if len(text) <= WIDTH and "\\" not in text else None


def pieces(text: str, lines: bool) -> list[str]:
    return text.split("\n") if lines else [p for p in PIECE.split(text) if p]


def string_diff(old: str, new: str) -> list[str]:
    """A small unified diff of two strings: lines, or a one-line string's pieces; hunks joined by `@@`."""
    out = []
    lines = "\n" in old or "\n" in new
    for line in difflib.unified_diff(pieces(old, lines), pieces(new, lines), n=CONTEXT if lines else 1, lineterm=""):
        if line.startswith(("---", "+++")):
            continue
        out.append("@@" if line.startswith("@@") else line)
    return out[1:] if out and out[0] == "@@" else out


def field_lines(field: FieldChange, code) -> list[str]:
    """A changed field as Markdown list lines (indented under its object's line)."""
    head = f"  - {code(field.path)}"
    if field.change == "reordered":
        return [f"{head}: order {code(', '.join(field.old))} → {code(', '.join(field.new))}"]
    old, new = inline(field.old), inline(field.new)
    if old is not None and new is not None:
        return [f"{head}: {code(old)} → {code(new)}"]
    if isinstance(field.old, str) and isinstance(field.new, str):
        return [f"{head}: changed", "", *indented(fence("\n".join(string_diff(field.old, field.new)), "diff")), ""]
    if field.change in ("added", "removed"):
        value = field.new if field.change == "added" else field.old
        return [f"{head}: {field.change}", "", *indented(fence(as_yaml(value), "yaml")), ""]
    diff = string_diff(as_yaml(field.old), as_yaml(field.new))
    return [f"{head}: changed", "", *indented(fence("\n".join(diff), "diff")), ""]


def indented(lines: list[str], by: int = 4) -> list[str]:
    return [(" " * by + line) if line else line for line in lines]
