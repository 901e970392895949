"""The comment's header as Markdown lines (generator/diff/review.py says what goes in it): the
serving colors the change reaches, the catalog files changed, the capacity change per
environment, the waivers in force, then the network's changes in words and as diagrams."""

from __future__ import annotations

from generator.diff import network
from generator.diff.review import Review
from generator.diff.values import fence
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


def waivers(review: Review) -> list[str]:
    if not review.waivers:
        return []
    return ["**Waivers in force** (`blueprints/catalog/waivers.yaml`):", "", *(f"- {w}" for w in review.waivers)]


def summary(review: Review) -> list[str]:
    """Serving colors, catalog, capacity, waivers: each block followed by a blank line."""
    out: list[str] = []
    for block in (serving(review), catalog(review), capacity(review), waivers(review)):
        if block:
            out += [*block, ""]
    return out


def flows(review: Review, diagrams: bool = True) -> list[str]:
    """The network's changes: per group of environments and colors, the flows in words, then
    (with `diagrams`) the graph of what changed."""
    if not review.network:
        return ["**Network**: no flow added or removed.", ""]
    out = ["**Network**: the flows the policies admit, before → after:", ""]
    for change in review.network:
        out += [f"{', '.join(f'`{g}`' for g in change.groups)}:", "", *network.words(change), ""]
        if diagrams:
            out += [*fence("\n".join(network.mermaid(change)), "mermaid"), ""]
            left = network.faded_left_out(change)
            if left:
                out += [f"({left} more unchanged neighbouring flows not drawn.)", ""]
    return out
