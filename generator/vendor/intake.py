"""A chart the user pulled (`helm pull <repo>/<chart> --version V`: an archive, or the folder
`--untar` makes) brought into `charts/<name>-<version>/`.

Against a locked version the pulled tree must match the lock's digest, or it is refused; a new
version (or a new chart) is recorded only when asked (`record`): its folder replaces the old
version's and its lock entry is rewritten, with the archive's sha256 when an archive was given.
"""

from __future__ import annotations

import hashlib
import shutil
import tempfile
from dataclasses import dataclass
from pathlib import Path

import yaml

from generator.errors import GenError, Refused
from generator.vendor import lock as locks
from generator.vendor.lock import CHARTS, LOCK, Lock, LockedChart


@dataclass(frozen=True)
class Intake:
    key: str
    entry: LockedChart
    recorded: bool  # the lock changed


def unpack(source: Path, scratch: Path) -> tuple[Path, str | None]:
    """The chart's folder (in `scratch` for an archive) and the archive's sha256, if an archive."""
    if source.is_dir():
        return source, None
    if not source.is_file():
        raise GenError(f"{source}: no such chart archive or folder")
    from helm_python import chart as helm_chart

    helm_chart.expand(scratch, source)
    (folder,) = [child for child in scratch.iterdir() if child.is_dir()]
    return folder, "sha256:" + hashlib.sha256(source.read_bytes()).hexdigest()


def metadata(folder: Path) -> tuple[str, str]:
    data = yaml.safe_load((folder / "Chart.yaml").read_text(encoding="utf-8"))
    return str(data["name"]), str(data["version"])


def bundled(folder: Path) -> dict[str, str]:
    """The versions of the charts bundled under charts/ (its dependencies)."""
    sub = folder / "charts"
    return dict(sorted(metadata(child) for child in sub.iterdir() if child.is_dir())) if sub.is_dir() else {}


def intake(project: Path, key: str, source: Path, *, record: bool = False, origin: str = "", upstream: str = "") -> Intake:
    lock = locks.read(project) if (project / LOCK).is_file() else Lock(charts={})
    with tempfile.TemporaryDirectory(prefix="gen-chart-") as scratch:
        folder, archive = unpack(source, Path(scratch))
        name, version = metadata(folder)
        digest = locks.tree_digest(folder)
        old = lock.charts.get(key)
        if old and (old.name, old.version) == (name, version):
            if digest != old.files or (archive and old.archive and archive != old.archive):
                raise Refused(f"{source}: {name} {version} does not match {LOCK} (files {digest}, locked {old.files}); "
                              "nothing was changed")
            entry, recorded = old, False
        elif not record:
            locked = f"{old.name} {old.version}" if old else "nothing"
            raise Refused(f"{source}: {name} {version} is not locked ({key}: {locked}); pass --record to vendor it")
        else:
            entry = LockedChart(name=name, version=version, source=origin or (old.source if old else ""),
                                upstream=upstream or (old.upstream if old else ""), archive=archive, files=digest,
                                dependencies=bundled(folder), registries=registries(folder))
            recorded = True
        target = project / entry.folder
        if old and old.folder != entry.folder and (project / old.folder).is_dir():
            shutil.rmtree(project / old.folder)
        if not target.is_dir() or locks.tree_digest(target) != digest:
            shutil.rmtree(target, ignore_errors=True)
            shutil.copytree(folder, target, symlinks=True)
    if recorded:
        write_lock(project, Lock(charts=dict(sorted({**lock.charts, key: entry}.items()))))
    return Intake(key, entry, recorded)


def registries(folder: Path) -> list[str]:
    """Every `registry:` of an image block in the chart's default values (`image.registry`, ...)."""
    found: set[str] = set()

    def walk(node: object) -> None:
        if isinstance(node, dict):
            if isinstance(node.get("registry"), str) and "repository" in node and node["registry"]:
                found.add(node["registry"])
            for value in node.values():
                walk(value)
        elif isinstance(node, list):
            for value in node:
                walk(value)

    walk(yaml.safe_load((folder / "values.yaml").read_text(encoding="utf-8")))
    return sorted(found)


def write_lock(project: Path, lock: Lock) -> None:
    from generator import yamlio

    header = (f"# The vendored Helm charts ({CHARTS}/<name>-<version>/), locked. Written by `gen chart import`: "
              "do not edit.\n# files: sha256 over `<sha256>  <path>` lines of every vendored file, sorted "
              "(generator/vendor/lock.py); archive: the published .tgz's sha256, null where unknown offline.\n")
    (project / LOCK).write_text(header + yamlio.dump(lock.model_dump(mode="json")), encoding="utf-8")
