"""The render pipeline, one named stage per step, usable without the CLI.

  load catalog -> synthesize (cdk8s) -> overlays -> kustomize build -> split into rendered files
  -> compare with the tree -> replace the scope's folders (render) or report (check)
"""

from __future__ import annotations

import shutil
import tempfile
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, replace
from pathlib import Path, PurePosixPath

from blueprints.model import Catalog, Color
from generator import record, rendered, summary, tree
from generator.catalog import load_catalog
from generator.errors import ValidationFailed
from generator.migrations import refuse_contract
from generator.overlays import overlay, patches_scaffold
from generator.parts import OVERLAYS, PATCHES, RENDERED, Part, Selection, select
from generator.progress import Callback, silent
from generator.synth import synthesize
from generator.tree import Changes, Files
from generator.validation import Report, validate
from generator.validation.objects import Doc


@dataclass(frozen=True)
class RenderOptions:
    """One `gen render` (or `gen check`): which project, which environments and color."""

    project: Path
    env: str | None = None
    color: str | None = None
    everything: bool = False
    validate: bool = True  # refuse to write objects that fail `gen validate`


@dataclass(frozen=True)
class Plan:
    """What a selection renders to: the folders it owns and their desired files."""

    catalog: Catalog  # what was rendered: the project's, or with a changed release record
    selection: Selection
    scope: list[PurePosixPath]  # folders (and the release record, when it changes) the write replaces
    files: Files
    objects: dict[PurePosixPath, dict]  # the rendered files' objects, parsed once
    new_patches: Files  # scaffolds for environments that have no patches folder yet


def plan(options: RenderOptions, catalog: Catalog | None = None, selection: Selection | None = None,
         progress: Callback = silent) -> Plan:
    """Everything up to the write: nothing in the project changes. Without `selection`, the
    options' ENV / --color / --all; rendering a retired color deploys it again (record, Application)."""
    catalog = catalog or load_catalog(options.project)
    record_files: Files = {}
    if selection is None:
        selection = select(catalog, options.env, options.color, options.everything)
        redeployed = record.with_color_deployed(catalog, options.env, Color(options.color)) if options.color else None
        if redeployed is not None:
            catalog, record_files = redeployed, record.file(redeployed)
            if catalog.environment(options.env).argocd:  # its Application comes back with it
                selection = replace(selection, parts=(*selection.parts, Part(options.env, "argocd")))
    patches = {OVERLAYS / env / PATCHES for env in {part.env for part in selection.parts}}
    new_patches: Files = {}
    for folder in sorted(patches):
        if not (options.project / folder).is_dir():
            new_patches.update(patches_scaffold(folder.parent.name))

    files: Files = {}
    objects: dict[PurePosixPath, dict] = {}
    with tempfile.TemporaryDirectory(prefix="gen-kustomize-") as workspace, ThreadPoolExecutor() as pool:
        # the overlays are built in a scratch copy, with the project's hand patches as they are
        root = Path(workspace)
        write(root, new_patches)
        for folder in patches:
            if (options.project / folder).is_dir():
                shutil.copytree(options.project / folder, root / folder)
        builds = []
        # kustomize runs on each part (its own process) while cdk8s synthesizes the next one
        total = len(selection.parts)
        for number, synth in enumerate(synthesize(catalog, selection.parts), 1):
            progress(f"gen: synthesized {synth.part} ({number}/{total}), kustomize running")
            part_overlay = overlay(catalog, synth)
            write(root, part_overlay.files)
            files.update(part_overlay.files)
            jobs = [pool.submit(rendered.build, root, build_root) for build_root in part_overlay.roots]
            builds.append((synth, part_overlay, jobs))
        for number, (synth, part_overlay, jobs) in enumerate(builds, 1):
            progress(f"gen: kustomize {synth.part} ({number}/{total})")
            part_files, part_objects = rendered.rendered_files(
                synth, part_overlay, [obj for job in jobs for obj in job.result()]
            )
            files.update(part_files)
            objects.update(part_objects)
            files.update(rendered.side_files(synth))
            files[synth.part.rendered_dir / summary.README] = summary.readme(catalog, synth.part, part_objects)

    files.update(record_files)
    return Plan(catalog, selection, scope(options.project, selection) + list(record_files), files, objects, new_patches)


def write(root: Path, files: Files) -> None:
    for path, content in files.items():
        (root / path).parent.mkdir(parents=True, exist_ok=True)
        (root / path).write_bytes(content)


def scope(project: Path, selection: Selection) -> list[PurePosixPath]:
    """The folders a selection owns: its parts, and stale parts of the environments it renders
    whole (and stale environments, for --all). Hand patches are never in scope."""
    folders = {p.overlay_dir for p in selection.parts} | {p.rendered_dir for p in selection.parts}
    for env in selection.whole_envs:
        folders |= stale(project, OVERLAYS / env, keep={PATCHES})
        folders |= stale(project, RENDERED / env)
    if selection.everything:
        current = {RENDERED / env for env in selection.whole_envs}
        for env_dir in stale(project, RENDERED):
            if env_dir not in current:
                folders.add(env_dir)
        for env_dir in stale(project, OVERLAYS):
            if env_dir.name not in selection.whole_envs:
                folders |= stale(project, env_dir, keep={PATCHES})
    # a folder inside another would be swapped twice
    return sorted(f for f in folders if not any(o != f and tree.under(f, o) for o in folders))


def stale(project: Path, folder: PurePosixPath, keep: set[str] = frozenset()) -> set[PurePosixPath]:
    base = project / folder
    if not base.is_dir():
        return set()
    return {folder / child.name for child in base.iterdir() if child.is_dir() and child.name not in keep}


@dataclass(frozen=True)
class Rendered:
    changes: Changes
    report: Report | None  # None with validate=False
    catalog: Catalog  # what was rendered (with the release record it wrote, if any)


def render(options: RenderOptions, progress: Callback = silent) -> Rendered:
    """Render, validate what would be written, and write; returns what changed on disk. A color
    whose release contracts the schema beside another color is refused (generator/migrations.py)."""
    result = plan(options, progress=progress)
    for part in result.selection.parts:
        if part.color is not None:
            refuse_contract(result.catalog, part.env, part.color, "render")
    return write_plan(options.project, result, options.validate, progress=progress)


def write_plan(project: Path, result: Plan, validated: bool = True,
               refusal: str = "the render fails validation", progress: Callback = silent) -> Rendered:
    """Validate a plan (unless told not to), then replace its scope on disk, all or nothing."""
    report = None
    if validated:
        report = validate_plan(project, result, progress)
        if not report.ok:
            raise ValidationFailed(f"{refusal} ({report.errors} errors); nothing was written", report)
    changes = diff(project, result)
    if changes:
        tree.replace(project, result.scope, result.files)
    write(project, result.new_patches)
    return Rendered(changes, report, result.catalog)


def validate_plan(project: Path, result: Plan, progress: Callback = silent) -> Report:
    """Validate every environment the plan touches: its new parts with the committed others."""
    catalog = result.catalog
    order = [e.name for e in catalog.environments.environments]
    envs = sorted({part.env for part in result.selection.parts}, key=order.index)
    fresh: dict[str, list[Doc]] = {env: [] for env in envs}
    for path, obj in sorted(result.objects.items()):
        fresh[path.parts[1]].append(Doc(str(path), obj))
    return validate(project, catalog, envs, rendered=fresh, progress=progress)


def check(project: Path, progress: Callback = silent) -> Changes:
    """Compare the committed overlays/ and rendered/ with a fresh render of everything."""
    return diff(project, plan(RenderOptions(project, everything=True), progress=progress))


def diff(project: Path, result: Plan) -> Changes:
    current = tree.read(project, result.scope)
    changes = tree.compare(current, result.files)
    return Changes(sorted(changes.added + list(result.new_patches)), changes.changed, changes.removed)

