"""Blue-green releases, each one reviewed git change made by one command (DESIGN.md, "Blue-green").

  gen promote ENV COLOR   COLOR serves: the live Services select it; the record keeps the previous color
  gen rollback ENV        the previous color serves again: the rendered files byte for byte as before
                          the promotion; the record then names no previous color (one step back)
  gen retire ENV COLOR    the idle COLOR's overlay, rendered part and Argo CD Application are removed

Each step changes the release record (`blueprints/catalog/releases.yaml`) and re-renders only what
depends on it, validates the result like `gen render`, and writes it all or nothing. A promotion
or rollback changes the live Services' selectors and the record, nothing else: it refuses while
the `shared` part differs from a fresh render in any other file, or the color to serve differs
from a fresh render, so that the pull request of a traffic switch holds the switch alone and what
serves is what the catalog says. A retirement likewise refuses to carry other `argocd` changes.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from fnmatch import fnmatch
from pathlib import Path, PurePosixPath

from blueprints import labels
from blueprints.argocd import LIVE, LIVE_FILES, application, rendered_file
from blueprints.model import Catalog, Color, Release
from generator import record
from generator.catalog import load_catalog
from generator.errors import Refused, UsageError
from generator.migrations import refuse_contract
from generator.overlays import render_command
from generator.parts import Part, Selection, known_environment
from generator.pipeline import Plan, RenderOptions, Rendered, diff, plan, write_plan
from generator.tree import Changes


@dataclass(frozen=True)
class Switch:
    """What a promotion or rollback did: the live Services that now select `active`."""

    env: str
    was: Color
    active: Color
    services: list[str]
    rendered: Rendered


@dataclass(frozen=True)
class Retirement:
    env: str
    color: Color
    removed_folders: list[PurePosixPath]  # the color's overlay and rendered part
    rendered: Rendered


def blue_green(catalog: Catalog, env: str) -> Release:
    """The release state of `env`, or a usage error naming why it has none."""
    release = catalog.release(known_environment(catalog, env))
    if release is None:
        blue_greens = [e.name for e in catalog.environments.environments if e.blue_green]
        raise UsageError(f"{env} is not blue-green (blue-green: {', '.join(blue_greens) or 'none'})")
    return release


def promote(project: Path, env: str, color: Color) -> Switch:
    catalog = load_catalog(project)
    release = blue_green(catalog, env)
    if color == release.active:
        raise Refused(f"{color.value} already serves {env}: nothing to promote")
    if color not in release.deployed:
        raise Refused(
            f"{color.value} is not deployed in {env}: render it (`gen render {env} --color {color.value}`), "
            "merge, sync and check it, then promote"
        )
    refuse_contract(catalog, env, color, "promote")
    return switch(project, catalog, env, release.active, record.promoted(release, color), "promote")


def rollback(project: Path, env: str) -> Switch:
    catalog = load_catalog(project)
    release = blue_green(catalog, env)
    if release.previous is None:
        raise Refused(
            f"{env} has no previous color to roll back to: {release.active.value} serves it and the record "
            "names no other (the last promotion was rolled back already, or its color was retired)"
        )
    return switch(project, catalog, env, release.active, record.rolled_back(release), "rollback")


def switch(project: Path, catalog: Catalog, env: str, was: Color, new: Release, verb: str) -> Switch:
    """Make `new.active` serve `env` in place of `was`: re-render the shared part (the live
    Services) and the record."""
    color = new.active
    folder = Part(env, color.value).rendered_dir
    if not any((project / folder).glob("*.yaml")):
        raise Refused(f"{color.value} is not rendered in {env} ({folder}/ is missing): run "
                      f"`{render_command(Part(env, color.value))}` and merge it before you {verb}")
    updated = catalog.with_release(env, new)
    shared, serving = Part(env, "shared"), Part(env, color.value)
    # the color too, to prove that what will serve is what the catalog says (it is not written)
    result = plan(RenderOptions(project), updated, Selection((shared, serving), ()))
    stale = changed_files(diff(project, only(result, serving)))
    if stale:
        raise Refused(
            f"{serving.rendered_dir}/ differs from a fresh render ({len(stale)} files, e.g. {stale[0]}): "
            f"run `{render_command(serving)}`, review, merge and sync it, then {verb}"
        )
    result = with_record(only(result, shared), updated)
    changes = diff(project, result)
    live = {path for path in changes.changed if is_live(path, shared)}
    other = [p for p in changed_files(changes) if p not in live and p != record.PATH]
    if other:
        raise Refused(
            f"{shared.rendered_dir}/ is not up to date with the catalog ({len(other)} files besides the live Services "
            f"differ, e.g. {other[0]}): run `gen render {env}`, review and merge that first, so that the {verb} "
            "changes the live Services alone"
        )
    services = sorted(selected_services(result, live, color))
    rendered = write_plan(project, result, refusal=f"{env} with {color.value} serving fails validation")
    return Switch(env, was, color, services, rendered)


def retire(project: Path, env: str, color: Color) -> Retirement:
    catalog = load_catalog(project)
    release = blue_green(catalog, env)
    if color == release.active:
        raise Refused(f"{color.value} serves {env}: promote the other color (and watch it) before retiring {color.value}")
    if color not in release.deployed:
        raise Refused(f"{color.value} is not deployed in {env}: nothing to retire")
    updated = catalog.with_release(env, record.retired(release, color))
    retired_part = Part(env, color.value)
    folders = [retired_part.overlay_dir, retired_part.rendered_dir]
    delivery = (Part(env, "argocd"),) if updated.environment(env).argocd else ()
    result = with_record(plan(RenderOptions(project), updated, Selection(delivery, ())), updated, extra_scope=folders)
    changes = diff(project, result)
    expected = {record.PATH, *(p for p in changes.removed if any(f in p.parents for f in folders))}
    if delivery:
        argocd_part = delivery[0]
        expected |= {argocd_part.rendered_dir / rendered_file("Application", application(env, color.value)),
                     argocd_part.overlay_dir / "resources" / "argocd.yaml", argocd_part.rendered_dir / "README.md"}
    other = [p for p in changed_files(changes) if p not in expected]
    if other:
        raise Refused(
            f"{env}'s Argo CD part is not up to date with the catalog ({len(other)} files besides the retired "
            f"color's differ, e.g. {other[0]}): run `gen render {env}`, review and merge that first, so that "
            "the retirement removes the color alone"
        )
    rendered = write_plan(project, result, refusal=f"{env} without {color.value} fails validation")
    return Retirement(env, color, folders, rendered)


def changed_files(changes: Changes) -> list[PurePosixPath]:
    return sorted([*changes.added, *changes.changed, *changes.removed])


def only(result: Plan, part: Part) -> Plan:
    """The plan of one of its parts: its files and objects, its folders as the scope."""
    keep = lambda path: any(folder in path.parents for folder in (part.overlay_dir, part.rendered_dir))  # noqa: E731
    return replace(
        result,
        selection=Selection((part,), ()),
        scope=[part.overlay_dir, part.rendered_dir],
        files={p: c for p, c in result.files.items() if keep(p)},
        objects={p: o for p, o in result.objects.items() if keep(p)},
    )


def with_record(result: Plan, catalog: Catalog, extra_scope: list[PurePosixPath] = ()) -> Plan:
    """The plan, also writing the release record (and removing `extra_scope`'s folders)."""
    files = {**result.files, **record.file(catalog)}
    scope = sorted({*result.scope, *extra_scope, record.PATH})
    return Plan(catalog, result.selection, scope, files, result.objects, result.new_patches)


def is_live(path: PurePosixPath, shared: Part) -> bool:
    """A file of the live Services: rendered (`service-<svc>.yaml`) or their overlay source."""
    if path.parent == shared.rendered_dir:
        return fnmatch(path.name, LIVE_FILES)
    return path == shared.overlay_dir / "resources" / f"{LIVE}.yaml"


def selected_services(result: Plan, live: set[PurePosixPath], color: Color) -> list[str]:
    names = []
    for path in live:
        obj = result.objects.get(path)
        if obj and obj["spec"]["selector"].get(labels.VERSION) == color.value:
            names.append(obj["metadata"]["name"])
    return names

