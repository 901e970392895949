"""What the pull request comment says before its objects (`gen diff --old-tree DIR --format
markdown`): the catalog files the change edits, the capacity each environment requests of its
declared cluster before and after (`gen capacity`'s count), the parts of serving colors that
change, the waivers in force, and the network's changes (generator/diff/network.py).

The old side is read with its own catalog (DIR/blueprints/catalog/, which the workflow checks out
beside DIR/rendered/): the pods the old policies are judged over are the old catalog's. Where DIR
has no catalog, or one today's gen cannot load, the project's catalog stands in for it.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from blueprints.layout import CATALOG, RENDERED
from blueprints.model import Catalog, Environment
from generator import regular
from generator.diff import network
from generator.errors import GenError
from generator.rendered import Doc
from generator.validation.capacity import Capacity, capacity


@dataclass(frozen=True)
class Side:
    """One tree: its root, the catalog its policies are judged with, each environment's objects."""

    root: Path
    catalog: Catalog
    docs: dict[str, list[Doc]]  # environment -> its rendered objects (absent: not rendered there)
    profiles: dict[str, Environment]  # environment -> its profile in this side's catalog


@dataclass(frozen=True)
class Review:
    catalog_files: list[tuple[str, str]] = field(default_factory=list)  # (file, added|changed|removed)
    catalog_compared: bool = True  # False: the old tree has no catalog to compare with
    capacity: list[tuple[str, Capacity | None, Capacity | None]] = field(default_factory=list)
    serving: list[tuple[str, str]] = field(default_factory=list)  # (env, color) of serving colors
    waivers: list[str] = field(default_factory=list)
    network: list[network.Change] = field(default_factory=list)


def old_catalog(old_tree: Path, catalog: Catalog) -> tuple[Catalog, bool]:
    """The old tree's catalog, and whether it was its own."""
    from generator.catalog import load_catalog

    if not (old_tree / CATALOG).is_dir():
        return catalog, False
    try:
        return load_catalog(old_tree), True
    except GenError:
        return catalog, False


def side(root: Path, catalog: Catalog, only: str | None = None) -> Side:
    """`root`'s rendered environments (or the one named `only`), read as committed."""
    from generator.validation.run import environment_tree

    profiles = {env.name: env for env in catalog.environments.environments
                if (root / RENDERED / env.name).is_dir() and only in (None, env.name)}
    return Side(root, catalog, {name: environment_tree(root, catalog, env).docs for name, env in profiles.items()},
                profiles)


def catalog_files(old_tree: Path, project: Path) -> list[tuple[str, str]]:
    """The catalog files that differ, byte for byte, with what happened to each (each read as
    generator/regular.py allows: a FIFO or a symlink out of its tree is refused, unread)."""
    def files(root: Path) -> dict[str, bytes]:
        folder = root / CATALOG
        return {p.name: regular.read(root, p) for p in sorted(folder.iterdir()) if not p.is_dir()} \
            if folder.is_dir() else {}

    old, new = files(old_tree), files(project)
    out = []
    for name in sorted(old.keys() | new.keys()):
        verb = "added" if name not in old else "removed" if name not in new else "changed" if old[name] != new[name] else ""
        if verb:
            out.append((f"{CATALOG}/{name}", verb))
    return out


def capacities(old: Side, new: Side, envs: list[Environment]) -> list[tuple[str, Capacity | None, Capacity | None]]:
    """Each environment's capacity before and after, where its requests or its cluster changed."""
    out = []
    for env in envs:
        before = capacity(old.profiles[env.name], old.docs[env.name]) if env.name in old.docs else None
        after = capacity(new.profiles[env.name], new.docs[env.name]) if env.name in new.docs else None
        if before != after:
            out.append((env.name, before, after))
    return out


def flows(s: Side) -> dict[str, set]:
    """Each rendered environment's admitted flows, judged with the side's own catalog."""
    return {name: network.admitted_in(s.catalog, s.profiles[name], docs) for name, docs in s.docs.items()}


def waivers(project: Path, catalog: Catalog, old_tree: Path, old: Catalog) -> list[str]:
    """The waivers in force, one line each, those this change adds or edits marked."""
    from generator.validation.waivers import load_waivers

    now = load_waivers(project, catalog)
    try:
        before = load_waivers(old_tree, old)
    except GenError:
        before = []
    out = [f"`{w.rule}` on `{w.environment}` `{w.object}` until {w.expires} ({w.owner})"
           + ("" if w in before else " **new or changed in this change**") for w in now]
    gone = [w for w in before if w not in now]
    out += [f"`{w.rule}` on `{w.environment}` `{w.object}` **removed in this change**" for w in gone]
    return out


def review(project: Path, catalog: Catalog, old_tree: Path, changed_parts: set[str], only: str | None = None) -> Review:
    """Everything the comment's header says, for the old tree `old_tree` and this project (every
    environment, or the one named `only`)."""
    before_catalog, own = old_catalog(old_tree, catalog)
    old, new = side(old_tree, before_catalog, only), side(project, catalog, only)
    envs = [e for e in catalog.environments.environments if only in (None, e.name)]
    envs += [e for e in before_catalog.environments.environments
             if e.name not in {x.name for x in envs} and only in (None, e.name)]
    serving = [(env.name, release.active.value) for env in reversed(catalog.environments.environments)
               if (release := catalog.release(env.name)) is not None
               and ({f"{env.name}/{release.active.value}", f"{env.name}/shared"} & changed_parts)]
    order = [e.name for e in reversed(envs)]  # production first
    return Review(
        catalog_files=catalog_files(old_tree, project) if own else [],
        catalog_compared=own,
        capacity=capacities(old, new, list(reversed(envs))),
        serving=serving,
        waivers=waivers(project, catalog, old_tree, before_catalog),
        network=network.changes(flows(old), flows(new), order),
    )
