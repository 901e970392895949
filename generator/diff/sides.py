"""The two sides `gen diff` compares: objects read from the committed tree or rendered now (in
memory), normalized, and keyed by (part, kind, namespace, name). The command line resolves its
arguments into Targets (`generator/arguments.py`).

  (none)            the committed rendered/ (every environment)  against a fresh render of all
  ENV | ENV/PART    the committed folder                         against a fresh render of it
  ENV ENV           two committed environments, part by part     environment names normalized
  ENV/PART ENV/PART two committed parts                          colors (and environments) normalized
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from typing import Callable, Iterable

from blueprints.layout import RENDERED
from blueprints.model import Catalog, Environment
from generator.diff import normalize
from generator.diff.compare import Entry, Key
from generator.errors import RenderedFileError
from generator.progress import Callback, silent
from generator.render.pipeline import plan
from generator.render.select import Selection, everything
from generator.rendered import Doc, Part, parts, read


@dataclass(frozen=True)
class Target:
    """One argument: an environment, or one part of it."""

    environment: Environment
    part: Part | None = None

    @property
    def folder(self) -> PurePosixPath:
        return self.part.rendered_dir if self.part else RENDERED / self.environment.name

    def __str__(self) -> str:
        return str(self.part) if self.part else self.environment.name


@dataclass(frozen=True)
class Comparison:
    title: str  # `gen diff staging production`
    old_label: str
    new_label: str
    old: dict[Key, Entry]
    new: dict[Key, Entry]


def comparison(project: Path, catalog: Catalog, targets: list[Target], title: str,
               progress: Callback = silent) -> Comparison:
    """The two sides of `gen diff` for its (resolved) arguments: none, one or two targets;
    `progress` hears what a fresh render is doing."""
    if len(targets) < 2:
        return against_render(project, catalog, targets[0] if targets else None, title, progress)
    old, new = targets
    if old.part is None:
        return environments(project, catalog, old.environment, new.environment, title)
    return two_parts(project, catalog, old, new, title)


def against_render(project: Path, catalog: Catalog, where: Target | None, title: str,
                   progress: Callback = silent) -> Comparison:
    """The committed folder(s) against what `gen render` would write there now."""
    if where is None:
        committed = [p for env in catalog.environments.environments for p in committed_parts(project, catalog, env)]
        fresh = plan(project, catalog, everything(catalog), progress).docs
    elif where.part is None:
        committed = committed_parts(project, catalog, where.environment)
        fresh = plan(project, catalog, Selection(parts(catalog, where.environment)), progress).docs
    else:
        committed = [where.part]
        # a part the catalog renders (or a color, which a render deploys again); else nothing is rendered there
        renders = where.part in parts(catalog, where.environment) or (where.part.color and where.environment.blue_green)
        fresh = ([d for d in plan(project, catalog, Selection((where.part,)), progress).docs if d.part == where.part]
                 if renders else [])
    scope = f"{where.folder}" if where else f"{RENDERED}"
    return Comparison(title, f"{scope} (committed)", f"{scope} (fresh render)",
                      keyed(objects(project, committed), env_and_part), keyed(fresh, env_and_part))


def environments(project: Path, catalog: Catalog, old: Environment, new: Environment, title: str) -> Comparison:
    """Two committed environments, every part paired with the part of the same name."""
    sides = []
    for env in (old, new):
        docs = objects(project, committed_parts(project, catalog, env))
        sides.append(keyed(docs, part_name, environment_normalizer(env, docs) if old.name != new.name else None))
    return Comparison(title, f"{RENDERED / old.name}", f"{RENDERED / new.name}", *sides)


def two_parts(project: Path, catalog: Catalog, old: Target, new: Target, title: str) -> Comparison:
    """Two committed parts, whatever their colors (and environments)."""
    assert old.part is not None and new.part is not None
    label = normalize.COLOR if new.part.color else new.part.name
    sides = []
    for t in (old, new):
        assert t.part is not None
        steps = []
        if old.environment.name != new.environment.name:
            steps.append(environment_normalizer(t.environment, objects(project, committed_parts(project, catalog, t.environment))))
        if t.part.color:
            steps.append(lambda obj, color=t.part.color.value: normalize.recolor(obj, color))
        sides.append(keyed(objects(project, [t.part]), lambda _doc: label, chain(steps)))
    return Comparison(title, f"{old.folder}", f"{new.folder}", *sides)


Normalizer = Callable[[dict], dict]


def environment_normalizer(env: Environment, docs: list[Doc]) -> Normalizer:
    references = normalize.renamed((doc.obj["metadata"]["name"] for doc in docs), env.name)
    return lambda obj: normalize.unenv(obj, env.name, references)


def chain(steps: list[Normalizer]) -> Normalizer | None:
    if not steps:
        return None

    def run(obj: dict) -> dict:
        for step in steps:
            obj = step(obj)
        return obj

    return run


def env_and_part(doc: Doc) -> str:
    return str(doc.part)  # production/blue


def part_name(doc: Doc) -> str:
    return doc.part.name


def keyed(docs: Iterable[Doc], label: Callable[[Doc], str], normalizer: Normalizer | None = None) -> dict[Key, Entry]:
    """Objects by key (`label` names the part), normalized; two objects with one key are an
    error naming both files."""
    out: dict[Key, Entry] = {}
    for doc in docs:
        normal = normalizer(doc.obj) if normalizer else doc.obj
        metadata = normal["metadata"]
        key = (label(doc), normal["kind"], metadata.get("namespace") or "", metadata["name"])
        if key in out:
            raise RenderedFileError(f"{doc.file}: {key[1]}/{key[3]} is also in {out[key].file}; gen diff cannot pair them")
        out[key] = Entry(doc.file, doc.obj["metadata"]["name"], normal)
    return out


def committed_parts(project: Path, catalog: Catalog, env: Environment) -> list[Part]:
    """The parts of `env` that are rendered: the catalog's, and folders it no longer has (which a
    render would remove; such a part carries no color)."""
    known = [p for p in parts(catalog, env) if (project / p.rendered_dir).is_dir()]
    names = {p.name for p in known}
    folder = project / RENDERED / env.name
    stale = sorted(p.name for p in folder.iterdir() if p.is_dir() and p.name not in names) if folder.is_dir() else []
    return sorted([*known, *(Part(env, name) for name in stale)])


NOT_AN_OBJECT = "not a Kubernetes object (kind and metadata.name are required)"


def objects(project: Path, committed: list[Part]) -> list[Doc]:
    """The committed objects of these parts; a file that is not one is an error naming it."""
    tree = read(project, committed)
    for problem in tree.unreadable:
        if problem.not_yaml:
            raise RenderedFileError(f"{problem.file}: {problem.message}")
        raise RenderedFileError(f"{problem.file}: {NOT_AN_OBJECT}")
    for doc in tree.docs:
        metadata = doc.obj.get("metadata")
        if not (isinstance(doc.obj.get("kind"), str) and isinstance(metadata, dict) and isinstance(metadata.get("name"), str)):
            raise RenderedFileError(f"{doc.file}: {NOT_AN_OBJECT}")
    return tree.docs
