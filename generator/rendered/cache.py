"""Parsed committed files, kept by content: a file gen has read once is not parsed again while its
bytes are unchanged (`gen validate` after another `gen validate`, a render's validation, a diff).

An entry is the JSON of the documents the reader made of one file's exact bytes, found by their
sha256, in a cache made by this very reader (the digest of yamlio.py, yamlstrict.py, reader.py and
this file, and PyYAML's version: a change to any empties it). So a hit returns what parsing would: only files the
reader accepted are kept, and only documents that JSON carries exactly (every other file is
parsed each time). JSON is read back ten times faster than YAML is parsed (bench/validate.py).

It lives outside the project, one file per project: in $GEN_CACHE, else $XDG_CACHE_HOME/gen or
~/.cache/gen; GEN_CACHE=off turns it off. A cache that cannot be read or written is ignored:
it only ever saves time, and nothing in the project is written.
"""

from __future__ import annotations

import hashlib
import json
from pathlib import Path
from typing import Any

import yaml

from generator.cachedir import project_file, read_json, write_json

KEEP = 2_000  # at least this many entries of earlier runs are kept beside those this run used


# the reader: what made the entries, and this file, which stores them
READER = (Path(__file__).parent.parent / "yamlio.py", Path(__file__).parent.parent / "yamlstrict.py",
          Path(__file__).with_name("reader.py"), Path(__file__))


def reader_version() -> str:
    digest = hashlib.sha256(yaml.__version__.encode())
    for source in READER:
        digest.update(source.read_bytes())
    return digest.hexdigest()


class ParseCache:
    """The documents of files by their bytes, for one project; `save` writes what was added."""

    def __init__(self, path: Path | None, version: str, entries: dict[str, str]) -> None:
        self.path, self.version, self.entries = path, version, entries
        self.used: dict[str, str] = {}
        self.added = False

    @classmethod
    def load(cls, project: Path) -> ParseCache:
        path = project_file(project)
        if path is None:
            return cls(None, "", {})
        version = reader_version()
        stored = read_json(path)
        entries = stored.get("entries") if isinstance(stored, dict) and stored.get("reader") == version else {}
        return cls(path, version, entries if isinstance(entries, dict) else {})

    def get(self, data: bytes) -> list[Any] | None:
        """The documents of a file of these bytes, as the reader made them; None when unknown."""
        if self.path is None:
            return None
        key = hashlib.sha256(data).hexdigest()
        text = self.entries.get(key)
        if not isinstance(text, str):
            return None
        try:
            documents = json.loads(text)
        except ValueError:
            documents = None
        if not isinstance(documents, list):  # a corrupt entry: dropped, the file is parsed again
            self.entries.pop(key, None)
            return None
        self.used[key] = text
        return documents

    def put(self, data: bytes, documents: list[Any]) -> None:
        """Keep what the reader made of these bytes, if JSON gives back exactly that."""
        if self.path is None:
            return
        try:
            text = json.dumps(documents, ensure_ascii=False, separators=(",", ":"), allow_nan=False)
        except (TypeError, ValueError):  # dates, binary, non-finite floats: parsed each time
            return
        if json.loads(text) != documents:  # keys that are not strings
            return
        key = hashlib.sha256(data).hexdigest()
        self.used[key] = text
        self.added = True

    def save(self) -> None:
        """Write the cache if this run added to it (atomically: a concurrent run wins or loses whole)."""
        if self.path is None or not self.added:
            return
        # earlier entries stay up to as many as this run used: the file stays near its working set
        entries = dict(list(self.entries.items())[-max(len(self.used), KEEP):])
        for key in self.used:  # most recently used last, so the oldest go first
            entries.pop(key, None)
        entries.update(self.used)
        write_json(self.path, {"reader": self.version, "entries": entries})
