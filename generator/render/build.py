"""Build a selection's parts, in a scratch workspace, into the files a render writes.

  per part: synthesize (cdk8s) -> overlay -> kustomize build -> split into rendered files
            -> Helm values beside them
  per database release part: its vendored chart hydrated by the Helm engine (generator/hydrate/),
            on a thread while cdk8s synthesizes (the engine releases the GIL)
  then each part's README page, with the environment's objects (its policies and alert rules are
            in `shared`): the fresh ones and the other parts' as committed

Nothing in the project changes: the overlays are written to the workspace (with the project's
hand patches as they are) and kustomize builds them there.
"""

from __future__ import annotations

import os
import shutil
import tempfile
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

from blueprints.model import Catalog
from generator.files import Files, write
from generator.progress import Callback, silent
from generator.render import patches, readme, split
from generator.render.overlays import overlay
from generator.render.synth import synthesize
from generator.hydrate.hydrate import hydrate
from generator.rendered import Doc, Part


SCRATCH = "gen-kustomize-"  # + the pid of the gen that made it, "-", and tempfile's random part


def scratch_prefix() -> str:
    return f"{SCRATCH}{os.getpid()}-"


def sweep_scratch(folder: Path | None = None) -> list[Path]:
    """Remove the workspaces a killed gen left in the temporary folder: those whose process no
    longer exists (a live gen's, this one's or another project's, stay). Returns what it removed."""
    removed = []
    for path in Path(folder or tempfile.gettempdir()).glob(SCRATCH + "*"):
        pid = path.name[len(SCRATCH):].partition("-")[0]
        if not pid.isdigit() or not path.is_dir() or path.is_symlink() or alive(int(pid)):
            continue
        shutil.rmtree(path, ignore_errors=True)
        removed.append(path)
    return removed


def alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # someone else's process
        return True
    return True


@dataclass
class Built:
    files: Files = field(default_factory=dict)  # overlays and rendered files, by path
    docs: list[Doc] = field(default_factory=list)  # the rendered objects, parsed once


def build(project: Path, catalog: Catalog, parts: tuple[Part, ...], scaffolds: Files,
          progress: Callback = silent) -> Built:
    built = Built()
    sweep_scratch()
    with tempfile.TemporaryDirectory(prefix=scratch_prefix()) as scratch, ThreadPoolExecutor() as pool:
        workspace = Path(scratch)
        write(workspace, scaffolds)
        patches.copy(project, workspace, parts)
        hydrated = [p for p in parts if p.name in catalog.release_parts(p.env)]
        charts = [(part, pool.submit(hydrate, project, catalog, part)) for part in hydrated]
        synthesized = tuple(p for p in parts if p not in hydrated)
        # kustomize runs on each part (its own process) while cdk8s synthesizes the next one
        builds = []
        total = len(synthesized)
        for number, synth in enumerate(synthesize(catalog, synthesized), 1):
            progress(f"gen: synthesized {synth.part} ({number}/{total}), kustomize running")
            part_overlay = overlay(synth)
            write(workspace, part_overlay.files)
            built.files.update(part_overlay.files)
            jobs = [pool.submit(split.build, workspace, root) for root in part_overlay.roots]
            builds.append((synth, part_overlay, jobs))
        for number, (synth, part_overlay, jobs) in enumerate(builds, 1):
            progress(f"gen: kustomize {synth.part} ({number}/{total})")
            part_files, part_docs = split.rendered_files(synth, part_overlay, [obj for job in jobs for obj in job.result()])
            built.files.update(part_files)
            built.docs.extend(part_docs)
            built.files.update(split.side_files(synth))
        for part, job in charts:
            release = job.result()
            built.files.update(release.files)
            built.docs.extend(release.docs)
    built.docs.sort(key=lambda d: d.file)
    built.files.update(readme.pages(project, catalog, parts, built.docs))
    return built
