"""The comment's header as Markdown lines (generator/diff/review.py says what goes in it): the
serving colors the change reaches, the catalog files changed, the capacity change per
environment, the waivers in force, then the network's changes in words and as diagrams."""

from __future__ import annotations

from generator.diff import network
from generator.diff.review import Review
from generator.diff.values import fence, size
from generator.validation.capacity import RESOURCES, Capacity, amount


def serving(review: Review) -> list[str]:
    out: list[str] = []
    for env, color in review.serving:
        out += [*([""] if out else []), f"> **`{env}/{color}` serves**: these changes reach live traffic on sync."]
    return out


def catalog(review: Review) -> list[str]:
    if not review.catalog_compared:
        return ["**Catalog files changed**: not compared (the base's `blueprints/catalog/` is not in the old tree)."]
    if not review.catalog_files:
        return ["**Catalog files changed**: none."]
    return ["**Catalog files changed**: " + ", ".join(f"`{file}` ({verb})" for file, verb in review.catalog_files) + "."]


def cell(resource: str, before: Capacity | None, after: Capacity | None) -> str:
    old = next((line for line in before.lines if line.resource == resource), None) if before else None
    new = next((line for line in after.lines if line.resource == resource), None) if after else None
    if old is not None and new is not None and old == new:
        return "unchanged"
    was = amount(resource, old.requested) if old else "(none)"
    now = amount(resource, new.requested) if new else "(none)"
    declared = new or old
    over = " **over**" if new is not None and not new.fits else ""
    return f"{was} → {now} of {amount(resource, declared.declared)}{over}"


def capacity(review: Review) -> list[str]:
    if not review.capacity:
        return ["**Capacity** (requests against the declared cluster): unchanged."]
    out = ["**Capacity** (requests against the declared cluster, before → after):", "",
           "| environment | " + " | ".join(RESOURCES) + " |", "|---|" + "---|" * len(RESOURCES)]
    for env, before, after in review.capacity:
        out.append(f"| {env} | " + " | ".join(cell(r, before, after) for r in RESOURCES) + " |")
    return out


WAIVERS = 20  # waivers listed at most; the rest are counted


def waivers(review: Review) -> list[str]:
    if not review.waivers:
        return []
    more = len(review.waivers) - WAIVERS
    return ["**Waivers in force** (`blueprints/catalog/waivers.yaml`):", "",
            *(f"- {w}" for w in review.waivers[:WAIVERS]), *([f"- and {more} more"] if more > 0 else [])]


def summary(review: Review) -> list[str]:
    """Serving colors, catalog, capacity, waivers: each block followed by a blank line."""
    out: list[str] = []
    for block in (serving(review), catalog(review), capacity(review), waivers(review)):
        if block:
            out += [*block, ""]
    return out


def flows(review: Review, diagrams: bool = True, room: int | None = None) -> list[str]:
    """The network's changes: per group of environments and colors, the flows in words, then
    (with `diagrams`) the graph of what changed. `room`: at most that many bytes; the flows past
    it are counted in a last line."""
    if not review.network:
        return ["**Network**: no flow added or removed.", ""]
    out = ["**Network**: the flows the policies admit, before → after:", ""]
    total = sum(len(change.added) + len(change.removed) for change in review.network)
    said = 0
    used = size("\n".join(out))
    for change in review.network:
        block = [f"{', '.join(f'`{g}`' for g in change.groups)}:", ""]
        taken = size(block[0]) + 2
        for line in network.words(change):
            taken += size(line) + 1
            if room is not None and used + taken + 1 > room - MORE_FLOWS:
                break
            block.append(line)
            said += 1
        if len(block) == 2:  # not one of its flows fits
            break
        block.append("")
        if diagrams:
            block += [*fence("\n".join(network.mermaid(change)), "mermaid"), ""]
            left = network.faded_left_out(change)
            if left:
                block += [f"({left} more unchanged neighbouring flows not drawn.)", ""]
        out += block
        used += size("\n".join(block)) + 1
    if said < total:
        out += [f"**{total - said} more flow change{'' if total - said == 1 else 's'} not shown** "
                "(this comment's size is bounded); `gen graph ENV` draws each environment's flows.", ""]
    return out


MORE_FLOWS = 160  # bytes the line counting the flows not shown takes, at most
