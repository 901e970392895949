"""The lock of the vendored charts, and its offline check.

`charts/lock.yaml` records, per chart (its key in databases.yaml's `charts`): the version, where it
is published (`source`), the upstream commit it was cut from, the sha256 of the published archive
where one is known, the versions of its bundled dependencies, the registries of the images its
default values name, and `files`: the digest of the vendored folder (every file's path and sha256,
sorted; see `tree_digest`). `verify` recomputes it: a changed, added or removed file, a symlink, a
folder under charts/ that the lock does not name, or a lock entry without its folder is a problem.
"""

from __future__ import annotations

import hashlib
import os
from functools import cache
from pathlib import Path, PurePosixPath
from typing import Iterator

from pydantic import BaseModel, ConfigDict, Field

CHARTS = PurePosixPath("charts")
LOCK = CHARTS / "lock.yaml"
DIGEST = r"^sha256:[0-9a-f]{64}$"


class LockedChart(BaseModel):
    """One vendored chart."""

    model_config = ConfigDict(extra="forbid", frozen=True, strict=True)

    name: str = Field(description="the chart's name (Chart.yaml)")
    version: str = Field(description="the chart's version (Chart.yaml)")
    source: str = Field(description="where the chart is published: OCI reference or Helm repository URL")
    upstream: str = Field(description="the source repository, commit and folder it was cut from")
    archive: str | None = Field(default=None, pattern=DIGEST,
                                description="sha256 of the published .tgz; null where none could be read offline")
    files: str = Field(pattern=DIGEST, description="digest of the vendored folder (lock.tree_digest)")
    dependencies: dict[str, str] = Field(default_factory=dict, description="bundled charts (charts/<name>/): version")
    registries: list[str] = Field(default_factory=list, description="image registries its default values name")

    @property
    def folder(self) -> PurePosixPath:
        return CHARTS / f"{self.name}-{self.version}"


class Lock(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, strict=True)

    version: int = 1
    charts: dict[str, LockedChart]


def read(project: Path) -> Lock:
    from generator.errors import CatalogError
    from generator.yamlstrict import load

    try:
        return Lock.model_validate(load((project / LOCK).read_text(encoding="utf-8")))
    except FileNotFoundError:
        raise CatalogError(f"{LOCK}: missing: the vendored charts have no lock") from None
    except ValueError as exc:
        raise CatalogError(f"{LOCK}: {str(exc).splitlines()[0]}") from None


def cached(project: Path) -> Lock:
    """`read`, once per version of the lock file (its path, inode, size and modification time):
    a `gen chart import` in the same process, or another project at the same path, is read anew."""
    try:
        stat = (project / LOCK).stat()
    except FileNotFoundError:
        return read(project)  # raises the missing-lock error
    return _read_once(project / LOCK, stat.st_ino, stat.st_size, stat.st_mtime_ns, project)


@cache
def _read_once(_lock: Path, _inode: int, _size: int, _mtime: int, project: Path) -> Lock:
    return read(project)


def files(folder: Path) -> Iterator[tuple[str, Path]]:
    """(relative POSIX path, path) of every entry under `folder`, sorted; symlinks and special
    files are yielded too so that the digest refuses them."""
    for root, dirs, names in os.walk(folder, followlinks=False):
        dirs.sort()
        for name in sorted(names + [d for d in dirs if os.path.islink(os.path.join(root, d))]):
            path = Path(root) / name
            yield path.relative_to(folder).as_posix(), path


class Tampered(ValueError):
    """A vendored tree that cannot be digested (a symlink, a special file)."""


def tree_digest(folder: Path) -> str:
    """sha256 over `<sha256 of the file>  <path>` lines (sha256sum's format), sorted by path."""
    lines = []
    for rel, path in sorted(files(folder)):
        if path.is_symlink() or not path.is_file():
            raise Tampered(f"{rel}: not a plain file")
        lines.append(f"{hashlib.sha256(path.read_bytes()).hexdigest()}  {rel}\n")
    return "sha256:" + hashlib.sha256("".join(lines).encode()).hexdigest()


def verify(project: Path, lock: Lock | None = None) -> list[str]:
    """Problems of the vendored charts against the lock, one line each (empty: they match)."""
    lock = lock or read(project)
    problems = []
    expected = {entry.folder.name: entry for entry in lock.charts.values()}
    base = project / CHARTS
    for child in sorted(base.iterdir()) if base.is_dir() else []:
        if child.name in (LOCK.name, "README.md"):
            continue
        if child.name not in expected:
            problems.append(f"{CHARTS / child.name}: not in {LOCK}")
    for key, entry in sorted(lock.charts.items()):
        problems.extend(f"{entry.folder}: {problem}" for problem in check_folder(project / entry.folder, entry))
    return problems


def check_folder(folder: Path, entry: LockedChart) -> list[str]:
    """What is wrong with one vendored folder (or a pulled tree) against its lock entry."""
    if folder.is_symlink() or not folder.is_dir():
        return ["missing (the lock names it)"]
    try:
        digest = tree_digest(folder)
    except Tampered as exc:
        return [str(exc)]
    if digest != entry.files:
        return [f"files digest {digest} is not the locked {entry.files}: a vendored file was changed, added or removed"]
    return []


def chart_registries(project: Path) -> dict[str, list[str]]:
    """Per locked chart (its key in databases.yaml's `charts`), the image registries its default
    values name: what a posture gate admits for the hydrated parts besides the catalog's pins."""
    return {key: list(entry.registries) for key, entry in sorted(cached(project).charts.items())}


def release_parts(catalog: object) -> dict[str, dict[str, str]]:
    """Per environment, its release parts (`rendered/<env>/<release>/`) and the chart key each renders."""
    out: dict[str, dict[str, str]] = {}
    for env in catalog.environments.environments:  # type: ignore[attr-defined]
        charts = catalog.databases.charts  # type: ignore[attr-defined]
        keys = {(c.name, c.version): key for key, c in charts.items()}
        out[env.name] = {r.name: keys[(r.chart.name, r.chart.version)] for r in catalog.store_releases(env.name)}  # type: ignore[attr-defined]
    return out
