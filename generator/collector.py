"""Python's cycle collector, paused while gen builds and checks a large tree of plain data.

Parsed objects (dicts, lists, strings) hold no reference cycles: reference counting frees them.
Yet every few hundred new containers start a collection, and each collection walks the young
objects made since the last one; a tree of 13,000 objects is about a million of them, walked
again and again as they age (a third of reading such a tree, and as much again while checking
it). `paused()` turns the collector off for one such job and back on as it was; whatever cyclic
garbage the job leaves is collected after it, by the next collection.
"""

from __future__ import annotations

import gc
from contextlib import contextmanager
from typing import Iterator


@contextmanager
def paused() -> Iterator[None]:
    """The cycle collector off inside, restored as it was (so pauses nest)."""
    was = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was:
            gc.enable()
