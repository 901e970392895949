"""Blue-green releases, each one reviewed git change made by one command.

  gen promote ENV COLOR   COLOR serves: the live Services select it; the record keeps the previous color
  gen rollback ENV        the previous color serves again: the rendered files byte for byte as before
                          the promotion; the record then names no previous color (one step back)
  gen retire ENV COLOR    the idle COLOR's overlay, rendered part and Argo CD Application are removed

Each step changes the release record (`blueprints/catalog/releases.yaml`) and re-renders only what
depends on it, validates the result like `gen render`, and writes it all or nothing. A promotion
or rollback changes the live Services' selectors, the alert rules' serving-color matchers (the
rollback alerts watch the color that serves), the record, and the READMEs that say which color
serves (shared's and both colors'; not synced), nothing else: it refuses while
the `shared` part differs from a fresh render in any other way, or the color to serve differs
from a fresh render, so that the pull request of a traffic switch holds the switch alone and what
serves is what the catalog says. A retirement likewise refuses to carry other `argocd` changes.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from fnmatch import fnmatch
from pathlib import Path, PurePosixPath

from blueprints import labels
from blueprints.argocd import LIVE, LIVE_FILES
from blueprints.layout import README
from blueprints.model import Catalog, Color, Environment, Release
from blueprints.monitoring_spec import recolored
from generator import regular
from generator.errors import Refused, UsageError
from generator.files import Changes, Files
from generator.release import record
from generator.release.migrations import refuse_contract
from generator.render import readme
from generator.render.pipeline import Plan, Rendered, changes as diff, plan, write_plan
from generator.render.select import Selection
from generator.rendered import ARGOCD, SHARED, Part
from generator.rendered.reader import files as committed_files


@dataclass(frozen=True)
class Switch:
    """What a promotion or rollback did: the live Services that now select `active`."""

    env: Environment
    was: Color
    active: Color
    services: list[str]
    rendered: Rendered


@dataclass(frozen=True)
class Retirement:
    env: Environment
    color: Color
    removed_folders: list[PurePosixPath]  # the color's overlay and rendered part
    rendered: Rendered


def blue_green(catalog: Catalog, env: Environment) -> Release:
    """The release state of `env`, or a usage error naming why it has none."""
    release = catalog.release(env.name)
    if release is None:
        blue_greens = [e.name for e in catalog.environments.environments if e.blue_green]
        raise UsageError(f"{env.name} is not blue-green (blue-green: {', '.join(blue_greens) or 'none'})")
    return release


def promote(project: Path, catalog: Catalog, env: Environment, color: Color) -> Switch:
    release = blue_green(catalog, env)
    if color == release.active:
        raise Refused(f"{color.value} already serves {env.name}: nothing to promote")
    if color not in release.deployed:
        raise Refused(
            f"{color.value} is not deployed in {env.name}: render it (`{Part.colored(env, color).render_command}`), "
            "merge, sync and check it, then promote"
        )
    refuse_contract(catalog, env, color, "promote")
    return switch(project, catalog, env, release.active, record.promoted(release, color), "promote")


def rollback(project: Path, catalog: Catalog, env: Environment) -> Switch:
    release = blue_green(catalog, env)
    if release.previous is None:
        raise Refused(
            f"{env.name} has no previous color to roll back to: {release.active.value} serves it and the record "
            "names no other (the last promotion was rolled back already, or its color was retired)"
        )
    return switch(project, catalog, env, release.active, record.rolled_back(release), "rollback")


def switch(project: Path, catalog: Catalog, env: Environment, was: Color, new: Release, verb: str) -> Switch:
    """Make `new.active` serve `env` in place of `was`: re-render the shared part (the live
    Services) and the record."""
    color = new.active
    shared, serving = Part(env, SHARED), Part.colored(env, color)
    if not committed_files(project, serving):
        raise Refused(f"{color.value} is not rendered in {env.name} ({serving.rendered_dir}/ is missing): run "
                      f"`{serving.render_command}` and merge it before you {verb}")
    updated = catalog.with_release(env.name, new)
    # the color too, to prove that what will serve is what the catalog says (only its README,
    # which says that it serves now, is written)
    whole = plan(project, updated, Selection((shared, serving)))
    stale = [p for p in changed_files(diff(project, only(whole, serving))) if p.name != README]
    if stale:
        raise Refused(
            f"{serving.rendered_dir}/ differs from a fresh render ({len(stale)} files, e.g. {stale[0]}): "
            f"run `{serving.render_command}`, review, merge and sync it, then {verb}"
        )
    pages = {serving.rendered_dir / README: whole.files[serving.rendered_dir / README],
             **readme.pages(project, updated, [Part.colored(env, was)], whole.docs)}
    result = with_pages(with_record(only(whole, shared), updated), pages)
    changes = diff(project, result)
    live = {path for path in changes.changed if is_live(path, shared)}
    # the rules that know which color serves (blueprints/monitoring.py) change their color matchers alone
    rules = {path for path in changes.changed if path not in live and only_recolored(project, result, path, was, color)}
    other = [p for p in changed_files(changes) if p not in live | rules | {record.PATH, shared.rendered_dir / README, *pages}]
    if other:
        raise Refused(
            f"{shared.rendered_dir}/ is not up to date with the catalog ({len(other)} files besides the live Services "
            "and the rules' serving color "
            f"differ, e.g. {other[0]}): run `gen render {env.name}`, review and merge that first, so that the {verb} "
            "changes the live Services alone"
        )
    services = sorted(selected_services(result, live, color))
    rendered = write_plan(project, result, refusal=f"{env.name} with {color.value} serving fails validation")
    return Switch(env, was, color, services, rendered)


def retire(project: Path, catalog: Catalog, env: Environment, color: Color) -> Retirement:
    release = blue_green(catalog, env)
    if color == release.active:
        raise Refused(f"{color.value} serves {env.name}: promote the other color (and watch it) before retiring {color.value}")
    if color not in release.deployed:
        raise Refused(f"{color.value} is not deployed in {env.name}: nothing to retire")
    updated = catalog.with_release(env.name, record.retired(release, color))
    retired_part = Part.colored(env, color)
    folders = [retired_part.overlay_dir, retired_part.rendered_dir]
    # shared (the color's policies, its names in the certificates, its idle alerts) and the Argo CD
    # part (its Application) change with it: first proven up to date, so the change is the retirement alone
    kept = Selection((Part(env, SHARED), *((Part(env, ARGOCD),) if env.argocd else ())))
    stale = changed_files(diff(project, plan(project, catalog, kept)))
    if stale:
        raise Refused(
            f"{env.name}'s shared and Argo CD parts are not up to date with the catalog ({len(stale)} files differ, "
            f"e.g. {stale[0]}): run `gen render {env.name}`, review and merge that first, so that "
            "the retirement removes the color alone"
        )
    result = with_record(plan(project, updated, kept), updated, extra_scope=folders)
    rendered = write_plan(project, result, refusal=f"{env.name} without {color.value} fails validation")
    return Retirement(env, color, folders, rendered)


def changed_files(changes: Changes) -> list[PurePosixPath]:
    return sorted([*changes.added, *changes.changed, *changes.removed])


def only(result: Plan, part: Part) -> Plan:
    """The plan of one of its parts: its files and objects, its folders as the scope."""
    keep = lambda path: any(folder in path.parents for folder in (part.overlay_dir, part.rendered_dir))  # noqa: E731
    return replace(
        result,
        selection=Selection((part,)),
        scope=[part.overlay_dir, part.rendered_dir],
        files={p: c for p, c in result.files.items() if keep(p)},
        docs=[doc for doc in result.docs if doc.part == part],
    )


def with_record(result: Plan, catalog: Catalog, extra_scope: list[PurePosixPath] = ()) -> Plan:
    """The plan, also writing the release record (and removing `extra_scope`'s folders)."""
    files = {**result.files, **record.file(catalog)}
    scope = sorted({*result.scope, *extra_scope, record.PATH})
    return replace(result, catalog=catalog, scope=scope, files=files)


def with_pages(result: Plan, pages: Files) -> Plan:
    """The plan, also writing these README pages of other parts: files of the scope, before the
    record, which is swapped last."""
    return replace(result, files={**result.files, **pages}, scope=[*sorted(pages), *result.scope])


def is_live(path: PurePosixPath, shared: Part) -> bool:
    """A file of the live Services: rendered (`service-<svc>.yaml`) or their overlay source."""
    if path.parent == shared.rendered_dir:
        return fnmatch(path.name, LIVE_FILES)
    return path == shared.overlay_dir / "resources" / f"{LIVE}.yaml"


def only_recolored(project: Path, result: Plan, path: PurePosixPath, was: Color, now: Color) -> bool:
    """Whether the file's sole change is the alert rules' color matchers, from `was` serving to `now`."""
    committed = regular.read(project, project / path).decode("utf-8")
    fresh = result.files[path]
    fresh = fresh.decode("utf-8") if isinstance(fresh, bytes) else fresh
    return committed != fresh and recolored(committed, was, now) == fresh


def selected_services(result: Plan, live: set[PurePosixPath], color: Color) -> list[str]:
    return [doc.name for doc in result.docs
            if PurePosixPath(doc.file) in live and doc.obj["spec"]["selector"].get(labels.VERSION) == color.value]

