"""A `gen diff` result as one Markdown document, for a pull request's comment.

Bounded: the document never exceeds its byte budget (a GitHub comment holds 65,536 characters).
It opens with a marker (so a workflow finds its previous comment and updates it), the summary,
the promotions the change makes (a live Service's `version` selector that changes in an
environment's `shared` part), and a table of every part's counts; then one section per part,
the last environment of the promotion order (production) first, each part folded in a
<details> block when it is long. What no longer fits the budget is counted in one line.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from functools import cached_property

from generator.diff.compare import ObjectChange, Result
from generator.diff.report import compact_pair, summary

MARKER = "<!-- gen diff --format markdown -->"
BUDGET = 60_000  # bytes of UTF-8: under GitHub's 65,536 characters, with room for the workflow's note
FOLD = 20  # a part listing more lines than this is folded
SHARED = "shared"
SELECTOR = "spec.selector.version"  # the field a promotion changes on each live Service


@dataclass(frozen=True)
class Promotion:
    env: str
    old: str
    new: str
    services: int


def markdown(title: str, result: Result, order: list[str], budget: int = BUDGET) -> str:
    """`order`: the environments in promotion order (local ... production); the last comes first."""
    groups = grouped(result, order)
    totals = summary(title, result)[len(title) + 2:]  # `3 objects changed, 1 added, 0 removed`
    head = [MARKER, f"### {code(title)}: {totals}", ""]
    for p in promotions(result):
        head.append(f"> **Promotion of {p.env}**: its {p.services} live Service{plural(p.services)} "
                    f"switch from {code(p.old)} to {code(p.new)}.")
        head.append("")
    if groups:
        head += ["| part | changed | added | removed |", "|---|---:|---:|---:|"]
        for number, (part, changes) in enumerate(groups):
            if size("\n".join(head)) > budget // 4:  # the table leaves room for the parts' changes
                head.append(f"| {len(groups) - number} more parts | | | |")
                break
            counts = [sum(1 for _c, verb in changes if verb == v) for v in ("changed", "added", "removed")]
            head.append(f"| {code(part)} | {' | '.join(map(str, counts))} |")
        head.append("")
    out = ["\n".join(head) + "\n"]
    used = size(out[0])
    shown, total = 0, len(result_objects(result))
    for part, changes in groups:
        section = part_section(part, changes)
        room = budget - used - size(more_line(total - shown))
        text = section.text
        if size(text) > room:
            fitting = section.fitting(room)
            if fitting is not None:
                out.append(fitting[0])
                shown += fitting[1]
            break
        out.append(text)
        used += size(text)
        shown += len(changes)
    out.append(more_line(total - shown))
    return "".join(out)


def result_objects(result: Result) -> list[ObjectChange]:
    return [*result.changed, *result.added, *result.removed]


def more_line(hidden: int) -> str:
    if not hidden:
        return ""
    return (f"**{hidden} more change{plural(hidden)} not shown** (this comment's size is bounded); "
            f"run the same `gen diff` locally for all of them.\n")


def grouped(result: Result, order: list[str]) -> list[tuple[str, list[tuple[ObjectChange, str]]]]:
    """The changes by part, in reading order: environments last-promoted first, `shared` first."""
    parts: dict[str, list[tuple[ObjectChange, str]]] = defaultdict(list)
    for verb, changes in (("changed", result.changed), ("added", result.added), ("removed", result.removed)):
        for change in changes:
            parts[change.key[0]].append((change, verb))
    rank = {env: len(order) - i for i, env in enumerate(order)}  # production (last) ranks 1

    def reading(part: str) -> tuple:
        env, _, name = part.rpartition("/")
        return (rank.get(env, len(order) + 1) if env else 0, env, name != SHARED, name)

    return [(part, parts[part]) for part in sorted(parts, key=reading)]


def promotions(result: Result) -> list[Promotion]:
    """Live Services whose `version` selector changes, by environment (keys `<env>/shared`)."""
    found: dict[tuple[str, str, str], int] = defaultdict(int)
    for change in result.changed:
        env, _, part = change.key[0].rpartition("/")
        if change.kind != "Service" or part != SHARED or not env:
            continue
        for field in change.fields:
            if field.path == SELECTOR and field.change == "changed":
                found[(env, str(field.old), str(field.new))] += 1
    return [Promotion(env, old, new, n) for (env, old, new), n in sorted(found.items())]


@dataclass(frozen=True)
class Section:
    heading: str
    entries: list[list[str]]  # each object's lines

    @cached_property
    def folded(self) -> bool:
        return sum(len(e) for e in self.entries) > FOLD

    @cached_property
    def text(self) -> str:
        return self.render(self.entries)

    def frame(self, shown: int, hidden: int) -> list[str]:
        """The section's lines around its objects' lines (which go at index `BODY`)."""
        if not self.folded:
            return [self.heading, "", ""]
        label = f"{shown} object{plural(shown)}" + (f" of {shown + hidden}" if hidden else "")
        return [self.heading, "", f"<details><summary>{label}</summary>", "", "", "</details>", ""]

    def render(self, entries: list[list[str]], hidden: int = 0) -> str:
        frame = self.frame(len(entries), hidden)
        body = [line for entry in entries for line in entry]
        at = len(frame) - (3 if self.folded else 1)
        return "\n".join([*frame[:at], *body, *frame[at:]]) + "\n"

    def fitting(self, room: int) -> tuple[str, int] | None:
        """The heading and as many whole objects as fit `room` bytes, or None if none does.
        Linear: each object's bytes are summed once, and only the text that fits is joined."""
        total = len(self.entries)
        before = [0]  # bytes of the first n objects' lines, each with its newline
        for entry in self.entries:
            before.append(before[-1] + sum(size(line) + 1 for line in entry))
        for count in range(total - 1, 0, -1):
            frame = self.frame(count, total - count)
            if size("\n".join(frame)) + 1 + before[count] <= room:
                return self.render(self.entries[:count], total - count), count
        return None


def part_section(part: str, changes: list[tuple[ObjectChange, str]]) -> Section:
    counts = ", ".join(f"{n} {verb}" for verb in ("changed", "added", "removed")
                       if (n := sum(1 for _c, v in changes if v == verb)))
    return Section(f"#### {code(part)}: {counts}", [object_lines(c, verb) for c, verb in changes])


def object_lines(change: ObjectChange, verb: str) -> list[str]:
    entry = change.new or change.old
    lines = [f"- {verb} {code(f'{change.kind}/{entry.name}')} ({code(entry.file)})"]
    for field in change.fields:
        old, new = compact_pair(field.old, field.new)
        order = "order " if field.change == "reordered" else ""
        lines.append(f"  - {code(field.path)}: {order}{code(old)} → {code(new)}")
    return lines


def code(text: str) -> str:
    """`text` as a Markdown code span, whatever backticks it holds."""
    fence = "`"
    while fence in text:
        fence += "`"
    pad = " " if text.startswith("`") or text.endswith("`") else ""
    return f"{fence}{pad}{text}{pad}{fence}"


def size(text: str) -> int:
    return len(text.encode("utf-8"))


def plural(n: int) -> str:
    return "" if n == 1 else "s"
