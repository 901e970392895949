"""A `gen diff` result as one Markdown document, for a pull request's comment.

Bounded: the document never exceeds its byte budget (a GitHub comment holds 65,536 characters).
It opens with a marker (so a workflow finds its previous comment and updates it), the summary,
the promotions the change makes (a live Service's `version` selector that changes in an
environment's `shared` part), for a pull request the review's header (generator/diff/header.py:
serving colors reached, catalog files, capacity, waivers, the network's changes; at most half
the budget), and a table of every part's counts; then one section per part, the last
environment of the promotion order (production) first. In a part the security-relevant objects
come first and open, the others folded in a <details> block when they are long; added and
removed objects carry their content, folded, as room remains. The security-relevant objects go
in first, so they are never the ones cut; what no longer fits is counted exactly.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from functools import cached_property

from generator.diff import header, values
from generator.diff.compare import ObjectChange, Result
from generator.diff.report import summary
from generator.diff.review import Review
from generator.diff.values import size

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


def markdown(title: str, result: Result, order: list[str], budget: int = BUDGET, review: Review | None = None) -> str:
    """`order`: the environments in promotion order (local ... production); the last comes first.
    `review`: what the header says beyond the counts (generator/diff/review.py), for a pull request."""
    groups = grouped(result, order)
    totals = summary(title, result)[len(title) + 2:]  # `3 objects changed, 1 added, 0 removed`
    head = [MARKER, f"### {code(title)}: {totals}", ""]
    for p in promotions(result):
        head.append(f"> **Promotion of {p.env}**: its {p.services} live Service{plural(p.services)} "
                    f"switch from {code(p.old)} to {code(p.new)}.")
        head.append("")
    if review is not None and result:
        head += header.summary(review)
        network = header.flows(review)
        if size("\n".join([*head, *network])) > budget // 2:  # the diagrams give way to the objects
            network = header.flows(review, diagrams=False, room=budget // 2 - size("\n".join(head)))
        head += network
    if groups:
        table_start = size("\n".join(head))
        head += ["| part | changed | added | removed |", "|---|---:|---:|---:|"]
        for number, (part, changes) in enumerate(groups):
            if size("\n".join(head)) - table_start > budget // 4:  # the table leaves room for the parts' changes
                head.append(f"| {len(groups) - number} more parts | | | |")
                break
            counts = [sum(1 for _c, verb in changes if verb == v) for v in ("changed", "added", "removed")]
            head.append(f"| {code(part)} | {' | '.join(map(str, counts))} |")
        head.append("")
    first = "\n".join(head) + "\n"
    sections = [part_section(part, changes) for part, changes in groups]
    total = len(result_objects(result))
    return first + chosen(sections, budget - size(first), total)


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
class Shown:
    """One object's lines in the comment: its line and fields, and (an added or removed one) its
    content, folded, made only when there is room for it."""

    lines: list[str]
    security: bool
    change: ObjectChange
    verb: str

    @cached_property
    def content(self) -> list[str]:
        if self.verb not in ("added", "removed"):
            return []
        entry = self.change.new or self.change.old
        assert entry is not None
        what = "content" if self.verb == "added" else "last content"
        return ["", f"  <details><summary>{what}</summary>", "",
                *values.indented(values.fence(values.as_yaml(entry.obj), "yaml"), 2), "", "  </details>", ""]


FRAME = 120  # bytes a part's frame takes beyond its heading, at most (blank lines, the fold)
CONTENT_ROOM = 400  # below this many bytes left, no object's content is tried


@dataclass(frozen=True)
class Section:
    heading: str
    entries: list[Shown]

    def render(self, picked: dict[int, bool]) -> str:
        """The section with the objects `picked` (index -> with its content), in order: the
        security-relevant ones open, the others folded when they are long."""
        def body(entry: int) -> list[str]:
            shown = self.entries[entry]
            return [*shown.lines, *(shown.content if picked[entry] else [])]

        open_ = [i for i in sorted(picked) if self.entries[i].security]
        rest = [i for i in sorted(picked) if not self.entries[i].security]
        lines = [self.heading, ""]
        for i in open_:
            lines += body(i)
        others = sum(1 for e in self.entries if not e.security)
        if rest and sum(len(self.entries[i].lines) for i in rest) > FOLD:
            label = f"{len(rest)} object{plural(len(rest))}" + (f" of {others}" if len(rest) < others else "")
            if open_:
                label = f"{label} more"
            lines += [*([""] if lines[-1] else []), f"<details><summary>{label}</summary>", ""]
            for i in rest:
                lines += body(i)
            lines += ["", "</details>"]
        else:
            for i in rest:
                lines += body(i)
        return "\n".join([*lines, ""]) + "\n"


def chosen(sections: list[Section], room: int, total: int) -> str:
    """The sections with as many objects as fit `room` bytes, and the count of those left out.
    Objects go in by weight: first the security-relevant ones' lines (network, RBAC, Secrets, pod
    security), then the others' lines, each in reading order; then, as room remains, the added and
    removed objects' contents, the security-relevant ones' first. An object that does not fit is
    left out (and counted); the ones after it may still fit."""
    listed = sum(1 for section in sections for entry in section.entries if entry.verb in ("added", "removed"))
    room -= size(more_line(total)) + size(contents_line(listed))
    picked: list[dict[int, bool]] = [{} for _ in sections]
    used = 0
    for security, with_content in ((True, False), (False, False), (True, True), (False, True)):
        for s, section in enumerate(sections):
            for i, entry in enumerate(section.entries):
                if with_content and room - used < CONTENT_ROOM:
                    break
                if entry.security != security or (with_content and (i not in picked[s] or not entry.content)):
                    continue
                if not with_content and i in picked[s]:
                    continue
                lines = entry.content if with_content else entry.lines
                cost = sum(size(line) + 1 for line in lines)
                if not picked[s]:
                    cost += size(section.heading) + FRAME
                if used + cost <= room:
                    picked[s][i] = with_content
                    used += cost
    shown = sum(len(p) for p in picked)
    bare = sum(1 for section, p in zip(sections, picked) for i, with_content in p.items()
               if not with_content and section.entries[i].verb in ("added", "removed"))
    text = "".join(section.render(p) for section, p in zip(sections, picked) if p)
    return text + contents_line(bare) + more_line(total - shown)


def contents_line(bare: int) -> str:
    if not bare:
        return ""
    return (f"**{bare} added or removed object{plural(bare)} listed without {'its' if bare == 1 else 'their'} "
            f"content** (this comment's size is bounded).\n\n")


SECURITY_KINDS = {"NetworkPolicy", "Role", "RoleBinding", "ClusterRole", "ClusterRoleBinding", "ServiceAccount",
                  "Secret", "ExternalSecret", "SecretStore", "ClusterSecretStore", "Namespace"}
SECURITY_FIELDS = ("securityContext", "privileged", "capabilities", "hostNetwork", "hostPID", "hostIPC", "hostPath",
                   "serviceAccount", "automountServiceAccountToken", "secret", "Secret", "pod-security")


def security(change: ObjectChange) -> bool:
    """Whether a change touches the network, RBAC, Secrets or pod security (never cut first)."""
    return change.kind in SECURITY_KINDS or any(word in f.path for f in change.fields for word in SECURITY_FIELDS)


def part_section(part: str, changes: list[tuple[ObjectChange, str]]) -> Section:
    counts = ", ".join(f"{n} {verb}" for verb in ("changed", "added", "removed")
                       if (n := sum(1 for _c, v in changes if v == verb)))
    return Section(f"#### {code(part)}: {counts}", [object_lines(c, verb) for c, verb in changes])


def object_lines(change: ObjectChange, verb: str) -> Shown:
    entry = change.new or change.old
    lines = [f"- {verb} {code(f'{change.kind}/{entry.name}')} ({code(entry.file)})"]
    for field in change.fields:
        lines += values.field_lines(field, code)
    return Shown(lines, security(change), change, verb)


def code(text: str) -> str:
    """`text` as a Markdown code span, whatever backticks it holds."""
    fence = "`"
    while fence in text:
        fence += "`"
    pad = " " if text.startswith("`") or text.endswith("`") else ""
    return f"{fence}{pad}{text}{pad}{fence}"


def plural(n: int) -> str:
    return "" if n == 1 else "s"
