"""One gen at a time per project: every command holds an exclusive `flock` on the project folder
itself while it runs, and first heals what a killed run left (`generator/swap.py`).

The folder is locked rather than a lock file in it: nothing is created (the tree stays byte for
byte as it was, and a read-only checkout still validates), and the kernel releases the lock when
the process ends, however it ends. A second command waits up to GEN_LOCK_TIMEOUT seconds
(default 60), then refuses with one line (exit 3).
"""

from __future__ import annotations

import fcntl
import math
import os
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from generator import swap
from generator.errors import EnvironmentFailure, UsageError

DEFAULT_TIMEOUT = 60.0


MAX_TIMEOUT = 86_400.0  # a day: longer is a mistake, not a wait


def timeout() -> float:
    """GEN_LOCK_TIMEOUT, strictly: a finite number of seconds from 0 to a day (`nan`, `inf`,
    `-1` and `1e400` would wait for ever or make no sense; each is refused, exit 2)."""
    text = os.environ.get("GEN_LOCK_TIMEOUT", "")
    if not text:
        return DEFAULT_TIMEOUT
    try:
        seconds = float(text)
    except ValueError:
        seconds = math.nan
    if not (math.isfinite(seconds) and 0 <= seconds <= MAX_TIMEOUT):
        raise UsageError(f"GEN_LOCK_TIMEOUT: {text[:40]!r} is not a number of seconds from 0 to {MAX_TIMEOUT:g}")
    return seconds


@contextmanager
def project_lock(project: Path) -> Iterator[None]:
    """Hold the project's lock; heal an interrupted write first. A project that does not exist
    is not locked (the command then fails on its catalog)."""
    wait = timeout()
    try:
        fd = os.open(project, os.O_RDONLY | os.O_DIRECTORY)
    except OSError:
        yield
        return
    try:
        deadline = time.monotonic() + wait
        while True:
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except BlockingIOError:
                if time.monotonic() >= deadline:
                    raise EnvironmentFailure(
                        f"{project}: another gen command is running in this project; waited {wait:g} s "
                        "(GEN_LOCK_TIMEOUT), try again when it ends"
                    ) from None
                time.sleep(0.05)
        swap.recover(project)
        yield
    finally:
        os.close(fd)
