"""The render, as named phases over a Selection, usable without the CLI.

  redeploy   rendering a retired color deploys it again: the release record and its Application
  scaffold   an empty hand-patches Component for environments that have none
  build      synthesize -> overlays -> kustomize -> rendered files and README pages (build.py)
  scope      the folders the render owns: its parts, and stale parts and environments
  validate   the new objects with the environment's other parts as committed
  write      compare with the tree and replace the scope's folders, all or nothing
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from pathlib import Path, PurePosixPath

from blueprints.layout import OVERLAYS, PATCHES, RENDERED
from blueprints.model import Catalog
from generator import files as disk
from generator.catalog import load_catalog
from generator.errors import ValidationFailed
from generator.files import Changes, Files
from generator.progress import Callback, silent
from generator.release import record, traffic
from generator.release.migrations import refuse_contract
from generator.render import patches
from generator.render.build import build
from generator.render.select import Selection, everything
from generator.rendered import ARGOCD, Doc, Part
from generator.validation import Report, validate


@dataclass(frozen=True)
class RenderOptions:
    """One `gen render`: the project, its catalog, what to render, and whether to validate first."""

    project: Path
    catalog: Catalog
    selection: Selection
    validate: bool = True  # refuse to write objects that fail `gen validate`


@dataclass(frozen=True)
class Plan:
    """What a selection renders to: the folders it owns and their desired files."""

    catalog: Catalog  # what was rendered: the project's, or with a changed release record
    selection: Selection
    scope: list[PurePosixPath]  # folders (and the release record, when it changes) the write replaces
    files: Files
    docs: list[Doc]  # the rendered objects, in file order
    new_patches: Files  # scaffolds for environments that have no patches folder yet

    @property
    def objects(self) -> dict[PurePosixPath, dict]:
        """The rendered objects by file."""
        return {PurePosixPath(doc.file): doc.obj for doc in self.docs}


@dataclass(frozen=True)
class Redeployed:
    catalog: Catalog
    selection: Selection
    record: Files  # the release record, when it changes


def redeploy(catalog: Catalog, selection: Selection) -> Redeployed:
    """A color rendered that the record does not list as deployed (a retired one) is deployed
    again: the record lists it, and its Argo CD Application comes back with it."""
    original, added = catalog, []
    for part in selection.parts:
        updated = record.with_color_deployed(catalog, part.environment, part.color) if part.color else None
        if updated is None:
            continue
        catalog = updated
        if part.environment.argocd:
            added.append(Part(part.environment, ARGOCD))
    if catalog is original:
        return Redeployed(catalog, selection, {})
    return Redeployed(catalog, replace(selection, parts=(*selection.parts, *added)), record.file(catalog))


def plan(project: Path, catalog: Catalog, selection: Selection, progress: Callback = silent) -> Plan:
    """Everything up to the write: nothing in the project changes."""
    selection = with_companions(project, selection)
    redeployed = redeploy(catalog, selection)
    catalog, selection = redeployed.catalog, redeployed.selection
    scaffolds = patches.missing(project, selection.parts)
    built = build(project, catalog, selection.parts, scaffolds, progress)
    files = {**built.files, **redeployed.record}
    return Plan(catalog, selection, scope(project, selection) + list(redeployed.record), files, built.docs, scaffolds)


def with_companions(project: Path, selection: Selection) -> Selection:
    """The selection with its companion parts that are committed already."""
    committed = tuple(p for p in selection.companions if (project / p.rendered_dir).is_dir() and p not in selection.parts)
    return replace(selection, parts=(*selection.parts, *committed), companions=())


def scope(project: Path, selection: Selection) -> list[PurePosixPath]:
    """The folders a selection owns: its parts, and stale parts of the environments it renders
    whole (and stale environments, for --all). Hand patches are never in scope."""
    folders = {p.overlay_dir for p in selection.parts} | {p.rendered_dir for p in selection.parts}
    whole = {env.name for env in selection.whole_envs}
    for env in whole:
        folders |= stale(project, OVERLAYS / env, keep={PATCHES}) | stray(project, OVERLAYS / env)
        folders |= stale(project, RENDERED / env) | stray(project, RENDERED / env)
    if selection.everything:
        folders |= stray(project, RENDERED) | stray(project, OVERLAYS)
        for env_dir in stale(project, RENDERED):
            if env_dir.name not in whole:
                folders.add(env_dir)
        for env_dir in stale(project, OVERLAYS):
            if env_dir.name not in whole:
                folders |= stale(project, env_dir, keep={PATCHES})
    # a folder inside another would be swapped twice
    return sorted(f for f in folders if not any(o != f and disk.under(f, o) for o in folders))


def stale(project: Path, folder: PurePosixPath, keep: set[str] = frozenset()) -> set[PurePosixPath]:
    base = project / folder
    if not base.is_dir():
        return set()
    return {folder / child.name for child in base.iterdir() if child.is_dir() and child.name not in keep}


def stray(project: Path, folder: PurePosixPath) -> set[PurePosixPath]:
    """Files directly in a folder that gen fills with folders only (rendered/, rendered/<env>/, ...):
    nothing renders them, so `gen check` lists them as extra and a render removes them."""
    base = project / folder
    if not base.is_dir():
        return set()
    return {folder / child.name for child in base.iterdir() if child.is_file() or child.is_symlink()}


@dataclass(frozen=True)
class Rendered:
    changes: Changes
    report: Report | None  # None with validate=False
    catalog: Catalog  # what was rendered (with the release record it wrote, if any)


def render(options: RenderOptions, progress: Callback = silent) -> Rendered:
    """Render, validate what would be written, and write; returns what changed on disk. A color
    whose release contracts the schema beside another color is refused (release/migrations.py)."""
    result = plan(options.project, options.catalog, options.selection, progress)
    traffic.check(options.project, result.catalog, result.selection)  # only promote and rollback move traffic
    for part in result.selection.parts:
        if part.color is not None:
            refuse_contract(result.catalog, part.environment, part.color, "render")
    return write_plan(options.project, result, options.validate, progress=progress)


def write_plan(project: Path, result: Plan, validated: bool = True,
               refusal: str = "the render fails validation", progress: Callback = silent) -> Rendered:
    """Validate a plan (unless told not to), then replace its scope on disk, all or nothing."""
    report = None
    if validated:
        report = validate(project, result.catalog, result.selection.environments, fresh=result.docs, progress=progress)
        if not report.ok:
            raise ValidationFailed(f"{refusal} ({report.errors} errors); nothing was written", report)
    found = changes(project, result)
    if found:
        # new patch scaffolds join the same swap: a kill never leaves half a patches folder
        scaffolds = sorted({PurePosixPath(*path.parts[:3]) for path in result.new_patches})
        disk.replace(project, result.scope + scaffolds, {**result.files, **result.new_patches})
    return Rendered(found, report, result.catalog)


def check(project: Path, progress: Callback = silent) -> Changes:
    """Compare the committed overlays/ and rendered/ with a fresh render of everything."""
    catalog = load_catalog(project)
    return changes(project, plan(project, catalog, everything(catalog), progress))


def changes(project: Path, result: Plan) -> Changes:
    """What writing the plan would change on disk."""
    current = disk.read(project, result.scope)
    found = disk.compare(current, result.files)
    return Changes(sorted(found.added + list(result.new_patches)), found.changed, found.removed)
