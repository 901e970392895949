"""The command line's words as typed objects: the one place an environment is looked up by name
and a color made from its word. Everything after it receives an Environment, a Part, a Color.
"""

from __future__ import annotations

from pathlib import Path, PurePosixPath
from typing import TYPE_CHECKING

from blueprints.layout import OVERLAYS, RENDERED
from blueprints.model import Catalog, Color, Environment
from generator.errors import UsageError
from generator.rendered import Part, parts
from generator.rendered.parts import SHARED

if TYPE_CHECKING:  # imported where used: `gen validate` and `gen capacity` load no render or diff machinery
    from generator.diff.sides import Target
    from generator.render.select import Selection

COLORS = [c.value for c in Color]


def environment(catalog: Catalog, name: str) -> Environment:
    """The profile named `name`, or a usage error listing the environments."""
    found = catalog.env_by_name.get(name)
    if found is None:
        raise UsageError(f"unknown environment {name!r}; choose one of: {', '.join(catalog.env_by_name)}")
    return found


def color(word: str) -> Color:
    if word not in COLORS:
        raise UsageError(f"unknown color {word!r}; choose one of: {', '.join(COLORS)}")
    return Color(word)


def environments(catalog: Catalog, env: str | None, every: bool) -> list[Environment]:
    """`gen validate [ENV] [--all]`: one environment, or all of them."""
    if every and env:
        raise UsageError("--all validates every environment: give no ENV with it")
    if env is None:
        return list(catalog.environments.environments)
    return [environment(catalog, env)]


def selection(catalog: Catalog, env: str | None, word: str | None, every: bool) -> Selection:
    """`gen render ENV [--color C] | --all` as parts, or a usage error with the choices."""
    from generator.render.select import Selection, everything, whole

    if every:
        if env or word:
            raise UsageError("--all renders every environment: give no ENV and no --color with it")
        return everything(catalog)
    if env is None:
        raise UsageError(f"name an environment ({', '.join(catalog.env_by_name)}) or give --all")
    profile = environment(catalog, env)
    if word is None:
        return whole(catalog, [profile])
    if not profile.blue_green:
        raise UsageError(f"{env} has no blue-green (its part is 'app'); drop --color")
    # the color, and `shared` with it: the environment's ConfigMap, the policies and the live
    # Services there follow the catalog too, so a one-color render never leaves them stale
    return Selection((Part.colored(profile, color(word)),), companions=(Part(profile, SHARED),))


def diff_targets(project: Path, catalog: Catalog, args: tuple[str, ...]) -> list[Target]:
    """`gen diff [A [B]]`: each argument an environment or a part of one, both of one sort, rendered."""
    if len(args) > 2:
        raise UsageError(f"gen diff compares at most two environments or parts; got {len(args)}: {' '.join(args)}")
    targets = [target(project, catalog, arg) for arg in args]
    if len(targets) < 2:
        return targets
    old, new = targets
    if (old.part is None) != (new.part is None):
        raise UsageError("cannot compare an environment with a part: give two environments (staging production) "
                         "or two parts (production/blue production/green)")
    for t in targets:
        if not (project / t.folder).is_dir():
            raise UsageError(f"{t.folder} is not rendered; run `gen render {t.environment.name}` first")
    return targets


# files every environment is made from: the catalog and blueprints, the generator, the custom
# resources' schemas, the pinned dependencies
EVERY_ENVIRONMENT = ("blueprints", "generator", "schemas", "pyproject.toml")


def touched_environments(catalog: Catalog, files: tuple[str, ...]) -> list[Environment]:
    """`gen hook check|validate FILE...`: the environments the files touch, in the catalog's
    order. A file under `rendered/<env>/` or `overlays/<env>/` touches that environment; one of
    EVERY_ENVIRONMENT touches them all, and so does a folder of an environment the catalog no
    longer has (`gen check` of everything removes it); other files (docs, tests) none."""
    every = list(catalog.environments.environments)
    touched: set[str] = set()
    for file in files:
        pieces = PurePosixPath(file).parts
        if not pieces:
            continue
        if pieces[0] in EVERY_ENVIRONMENT:
            return every
        if pieces[0] in (RENDERED.name, OVERLAYS.name) and len(pieces) > 2:
            if pieces[1] not in catalog.env_by_name:
                return every
            touched.add(pieces[1])
    return [env for env in every if env.name in touched]


def tree_target(project: Path, catalog: Catalog, args: tuple[str, ...]) -> Target | None:
    """`gen diff --old-tree DIR [ENV | ENV/PART]`: everything, or one environment or part."""
    if len(args) > 1:
        raise UsageError(f"gen diff --old-tree compares one tree with this project's: give at most one ENV or "
                         f"ENV/PART; got {len(args)}: {' '.join(args)}")
    return target(project, catalog, args[0]) if args else None


def target(project: Path, catalog: Catalog, arg: str) -> Target:
    """`staging`, `production/blue` (also `rendered/production/blue/`) as a Target."""
    from generator.diff.sides import Target

    path = arg.strip().strip("/")
    if path.startswith(f"{RENDERED}/"):
        path = path[len(f"{RENDERED}/"):]
    pieces = path.split("/") if path else []
    if not pieces or len(pieces) > 2:
        raise UsageError(f"{arg!r} is not an environment or a part: give ENV (staging) or ENV/PART (production/blue)")
    profile = environment(catalog, pieces[0])
    if len(pieces) == 1:
        return Target(profile)
    name = pieces[1]
    known = {p.name: p for p in parts(catalog, profile)}
    if name in known:
        return Target(profile, known[name])
    if not (project / RENDERED / profile.name / name).is_dir():
        raise UsageError(f"unknown part {name!r} of {profile.name}; choose one of: {', '.join(known)}")
    # a folder the catalog no longer renders (a retired color, say)
    return Target(profile, Part.colored(profile, Color(name)) if name in COLORS else Part(profile, name))
