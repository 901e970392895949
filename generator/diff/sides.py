"""The two sides `gen diff` compares, from its arguments: objects read from the committed tree or
rendered now (in memory), normalized, and keyed by (part, kind, namespace, name).

  (none)            the committed rendered/ (every environment)  against a fresh render of all
  ENV | ENV/PART    the committed folder                         against a fresh render of it
  ENV ENV           two committed environments, part by part     environment names normalized
  ENV/PART ENV/PART two committed parts                          colors (and environments) normalized
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from typing import Callable, Iterable

import yaml

from blueprints.model import Catalog, Color
from generator import normalize, yamlio
from generator.catalog import load_catalog
from generator.diff import Entry, Key
from generator.errors import RenderedFileError, UsageError
from generator.parts import RENDERED, known_environment
from generator.pipeline import RenderOptions, plan

COLORS = {c.value for c in Color}
Objects = list[tuple[PurePosixPath, dict]]  # (file, parsed object), in file order


@dataclass(frozen=True)
class Target:
    """One argument: an environment, or one part of it."""

    env: str
    part: str | None = None

    @property
    def folder(self) -> PurePosixPath:
        return RENDERED / self.env / self.part if self.part else RENDERED / self.env

    def __str__(self) -> str:
        return f"{self.env}/{self.part}" if self.part else self.env


@dataclass(frozen=True)
class Comparison:
    title: str  # `gen diff staging production`
    old_label: str
    new_label: str
    old: dict[Key, Entry]
    new: dict[Key, Entry]


def comparison(project: Path, args: tuple[str, ...]) -> Comparison:
    """Resolve `gen diff`'s arguments into the two sides, or fail with a UsageError."""
    title = " ".join(("gen diff", *args))
    if len(args) > 2:
        raise UsageError(f"gen diff compares at most two environments or parts; got {len(args)}: {' '.join(args)}")
    catalog = load_catalog(project)
    targets = [target(project, catalog, arg) for arg in args]
    if len(targets) < 2:
        return against_render(project, catalog, targets[0] if targets else None, title)
    old, new = targets
    if (old.part is None) != (new.part is None):
        raise UsageError("cannot compare an environment with a part: give two environments (staging production) "
                         "or two parts (production/blue production/green)")
    for t in targets:
        if not (project / t.folder).is_dir():
            raise UsageError(f"{t.folder} is not rendered; run `gen render {t.env}` first")
    if old.part is None:
        return environments(project, old.env, new.env, title)
    return parts(project, old, new, title)


def target(project: Path, catalog: Catalog, arg: str) -> Target:
    """`staging`, `production/blue` (also `rendered/production/blue/`) as a Target."""
    path = arg.strip().strip("/")
    if path.startswith(f"{RENDERED}/"):
        path = path[len(f"{RENDERED}/"):]
    pieces = path.split("/") if path else []
    if not pieces or len(pieces) > 2:
        raise UsageError(f"{arg!r} is not an environment or a part: give ENV (staging) or ENV/PART (production/blue)")
    known_environment(catalog, pieces[0])
    if len(pieces) == 1:
        return Target(pieces[0])
    env, part = pieces
    known = catalog.parts(env)
    if part not in known and not (project / RENDERED / env / part).is_dir():
        raise UsageError(f"unknown part {part!r} of {env}; choose one of: {', '.join(known)}")
    return Target(env, part)


def against_render(project: Path, catalog: Catalog, where: Target | None, title: str) -> Comparison:
    """The committed folder(s) against what `gen render` would write there now."""
    if where is None:
        options, folders = RenderOptions(project, everything=True), part_folders(project)
    elif where.part is None:
        options, folders = RenderOptions(project, where.env), part_folders(project, where.env)
    else:
        color = where.part if where.part in COLORS and catalog.environment(where.env).blue_green else None
        options, folders = RenderOptions(project, where.env, color), [where.folder]
    fresh = sorted(plan(options, catalog).objects.items())
    if where is not None and where.part is not None:
        fresh = [(path, obj) for path, obj in fresh if path.parent == where.folder]
    committed = [item for folder in folders for item in read_folder(project, folder)]
    scope = f"{where.folder}" if where else f"{RENDERED}"
    return Comparison(title, f"{scope} (committed)", f"{scope} (fresh render)",
                      keyed(committed, env_and_part), keyed(fresh, env_and_part))


def environments(project: Path, old: str, new: str, title: str) -> Comparison:
    """Two committed environments, every part paired with the part of the same name."""
    sides = []
    for env in (old, new):
        objects = [item for folder in part_folders(project, env) for item in read_folder(project, folder)]
        sides.append(keyed(objects, part_name, environment_normalizer(env, objects) if old != new else None))
    return Comparison(title, f"{RENDERED / old}", f"{RENDERED / new}", *sides)


def parts(project: Path, old: Target, new: Target, title: str) -> Comparison:
    """Two committed parts, whatever their colors (and environments)."""
    label = normalize.COLOR if new.part in COLORS else new.part
    sides = []
    for t in (old, new):
        steps = []
        if old.env != new.env:
            everything = [item for folder in part_folders(project, t.env) for item in read_folder(project, folder)]
            steps.append(environment_normalizer(t.env, everything))
        if t.part in COLORS:
            steps.append(lambda obj, color=t.part: normalize.recolor(obj, color))
        sides.append(keyed(read_folder(project, t.folder), lambda _path: label, chain(steps)))
    return Comparison(title, f"{old.folder}", f"{new.folder}", *sides)


Normalizer = Callable[[dict], dict]


def environment_normalizer(env: str, objects: Objects) -> Normalizer:
    references = normalize.renamed((obj["metadata"]["name"] for _path, obj in objects), env)
    return lambda obj: normalize.unenv(obj, env, references)


def chain(steps: list[Normalizer]) -> Normalizer | None:
    if not steps:
        return None

    def run(obj: dict) -> dict:
        for step in steps:
            obj = step(obj)
        return obj

    return run


def env_and_part(path: PurePosixPath) -> str:
    return f"{path.parts[1]}/{path.parts[2]}"  # rendered/<env>/<part>/<file>


def part_name(path: PurePosixPath) -> str:
    return path.parts[2]


def keyed(objects: Iterable[tuple[PurePosixPath, dict]], part_of: Callable[[PurePosixPath], str],
          normalizer: Normalizer | None = None) -> dict[Key, Entry]:
    """Objects by key, normalized; two objects with one key are an error naming both files."""
    out: dict[Key, Entry] = {}
    for path, obj in objects:
        normal = normalizer(obj) if normalizer else obj
        metadata = normal["metadata"]
        key = (part_of(path), normal["kind"], metadata.get("namespace") or "", metadata["name"])
        if key in out:
            raise RenderedFileError(f"{path}: {key[1]}/{key[3]} is also in {out[key].file}; gen diff cannot pair them")
        out[key] = Entry(str(path), obj["metadata"]["name"], normal)
    return out


def part_folders(project: Path, env: str | None = None) -> list[PurePosixPath]:
    """The committed part folders: rendered/<env>/<part>/, of one environment or all."""
    envs = [RENDERED / env] if env else [RENDERED / name for name in subfolders(project / RENDERED)]
    return [folder / name for folder in envs for name in subfolders(project / folder)]


def subfolders(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir() if p.is_dir()) if folder.is_dir() else []


def read_folder(project: Path, folder: PurePosixPath) -> Objects:
    """The objects of a committed part: each `*.yaml` file right in the folder holds one."""
    return [(folder / path.name, read_object(project, folder / path.name))
            for path in sorted((project / folder).glob("*.yaml")) if path.is_file()]


def read_object(project: Path, relative: PurePosixPath) -> dict:
    try:
        obj = yamlio.load((project / relative).read_text(encoding="utf-8"))
    except (yaml.YAMLError, UnicodeDecodeError) as exc:
        raise RenderedFileError(f"{relative}: not one YAML document ({str(exc).splitlines()[0]})") from exc
    metadata = obj.get("metadata") if isinstance(obj, dict) else None
    if not (isinstance(obj, dict) and isinstance(obj.get("kind"), str) and isinstance(metadata, dict)
            and isinstance(metadata.get("name"), str)):
        raise RenderedFileError(f"{relative}: not a Kubernetes object (kind and metadata.name are required)")
    return obj
