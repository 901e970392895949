"""Progress of a long command on a terminal: one status line on stderr, rewritten in place and
cleared at the end. Off when stderr is not a terminal (CI, pipes, tests), so logs stay clean and
stdout (what scripts read) never carries it."""

from __future__ import annotations

import sys
from typing import Callable

Callback = Callable[[str], None]  # told what a long command is doing now


def silent(message: str) -> None:
    """The default: report nothing."""


class Progress:
    def __init__(self, enabled: bool) -> None:
        self.enabled = enabled
        self.shown = False

    @classmethod
    def on_terminal(cls, quiet: bool = False) -> "Progress":
        return cls(not quiet and sys.stderr.isatty())

    def __call__(self, message: str) -> None:
        if self.enabled:
            sys.stderr.write(f"\r\033[K{message}")  # not click.echo: it would strip the erase code
            sys.stderr.flush()
            self.shown = True

    def __enter__(self) -> "Progress":
        return self

    def __exit__(self, *exc: object) -> None:
        if self.shown:
            sys.stderr.write("\r\033[K")
            sys.stderr.flush()
