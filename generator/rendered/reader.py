"""The one reader of the committed tree: `rendered/<env>/<part>/*.yaml` to objects.

Every file right in a part's folder holds objects (side files, such as Helm values, sit in
subfolders; the README is not YAML). A file that is not YAML, or a document that is not a
mapping, is not an object: it is returned as `Unreadable`, for the caller to report its way.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Iterable

import yaml

from generator import collector, regular, yamlio, yamlstrict
from generator.rendered.cache import ParseCache
from generator.rendered.objects import Doc
from generator.rendered.parts import Part


@dataclass(frozen=True)
class Unreadable:
    file: str
    message: str  # `not valid YAML: ...`, `a document is a str, not an object`
    not_yaml: bool  # the file does not parse at all (else: a document that is not a mapping)


@dataclass(frozen=True)
class Tree:
    """Objects of some parts, in file order, and the files that are not objects."""

    docs: list[Doc] = field(default_factory=list)
    unreadable: list[Unreadable] = field(default_factory=list)


def files(project: Path, part: Part) -> dict[str, bytes]:
    """The committed object files of a part, by path relative to the project (none when the
    part is not rendered). os.scandir: the folder's listing says which entries are files."""
    folder = project / part.rendered_dir
    if os.path.lexists(folder):
        regular.inside(project, folder)
    try:
        # a FIFO, device or symlink leaving the tree is refused by name (generator/regular.py)
        entries = sorted((e.name, e.path) for e in os.scandir(folder)
                         if e.name.endswith(".yaml") and (e.is_symlink() or not e.is_dir(follow_symlinks=False)))
    except (FileNotFoundError, NotADirectoryError):
        return {}
    prefix = f"{part.rendered_dir}/"
    contents = {}
    for name, path in entries:
        contents[prefix + name] = regular.read(project, Path(path))
    return contents


def parse(part: Part, contents: dict[str, bytes], cache: ParseCache | None = None) -> Tree:
    """A part's files (path -> bytes) to objects; a file `cache` knows by its bytes is not parsed."""
    tree = Tree()
    for path in sorted(contents):
        data = contents[path]
        found = cache.get(data) if cache else None
        if found is None:
            try:
                text = yamlstrict.decode(data)
                # one document per file is the rule: the C loader's single-document call is the fast path
                found = [yamlio.load(text)] if "\n---" not in text else yamlio.load_all(text)
            except yaml.YAMLError as exc:
                tree.unreadable.append(Unreadable(path, f"not valid YAML: {str(exc).splitlines()[0]}", True))
                continue
            if cache:
                cache.put(data, found)
        for obj in found:
            if isinstance(obj, dict):
                tree.docs.append(Doc(path, obj, part))
            elif obj is not None:
                tree.unreadable.append(Unreadable(path, f"a document is a {type(obj).__name__}, not an object", False))
    return tree


def read(project: Path, parts: Iterable[Part]) -> Tree:
    """The committed objects of these parts (files unchanged since gen last read them come from
    the parse cache, generator/rendered/cache.py)."""
    tree = Tree()
    with collector.paused():  # a tree of plain data: no cycles to find
        cache = ParseCache.load(project)
        for part in parts:
            one = parse(part, files(project, part), cache)
            tree.docs.extend(one.docs)
            tree.unreadable.extend(one.unreadable)
        cache.save()
    return tree
