"""Every file gen reads is a regular file inside its tree (the project, or an `--old-tree`),
checked before it is opened: a FIFO would block for ever, a device or socket is no input, and
a symlink that leaves the tree would put another file's content (a secret, say) into an error
message or a pull request comment. Each is refused (exit 2) naming the path, without reading it.

A symlink whose target stays inside the tree is followed, as git and kustomize follow it.
"""

from __future__ import annotations

import errno
import os
import stat
from pathlib import Path

from generator.errors import GenError


class NotRegular(GenError):
    """A path gen would read that is not a regular file inside its tree."""


def _shown(root: Path, path: Path) -> str:
    try:
        return path.relative_to(root).as_posix()
    except ValueError:
        return str(path)


def _kind(mode: int) -> str:
    for test, what in ((stat.S_ISFIFO, "a named pipe (FIFO)"), (stat.S_ISCHR, "a character device"),
                       (stat.S_ISBLK, "a block device"), (stat.S_ISSOCK, "a socket"), (stat.S_ISDIR, "a folder")):
        if test(mode):
            return what
    return "not a regular file"


def check(root: Path, path: Path) -> None:
    """Refuse `path` unless it is, after its symlinks, a regular file inside `root`. A path
    that does not exist raises FileNotFoundError, as opening it would."""
    info = os.lstat(path)
    if stat.S_ISLNK(info.st_mode):
        try:
            path.resolve(strict=True).relative_to(root.resolve())
        except (ValueError, OSError, RuntimeError):  # outside, dangling, or a loop
            raise NotRegular(f"{_shown(root, path)}: a symlink that leaves {root} (or leads nowhere); "
                             "gen does not follow it (replace it by the file)") from None
        info = os.stat(path)
    if stat.S_ISDIR(info.st_mode):  # as opening it would say
        raise IsADirectoryError(errno.EISDIR, os.strerror(errno.EISDIR), str(path))
    if not stat.S_ISREG(info.st_mode):
        raise NotRegular(f"{_shown(root, path)}: {_kind(info.st_mode)}, not a regular file; gen does not read it")


def inside(root: Path, folder: Path) -> None:
    """Refuse a folder gen lists (a part of rendered/, say) that is, or lies under, a symlink
    leaving `root`; one check per folder, so that each file's check stays one lstat."""
    try:
        folder.resolve().relative_to(root.resolve())
    except (ValueError, RuntimeError):
        raise NotRegular(f"{_shown(root, folder)}: a symlink that leaves {root}; gen does not follow it") from None


def read(root: Path, path: Path) -> bytes:
    """The bytes of `path`, a regular file inside `root` (checked first, and again once open:
    O_NONBLOCK, so that a file swapped for a FIFO in between cannot block the read)."""
    check(root, path)
    fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK | os.O_CLOEXEC)
    try:
        info = os.fstat(fd)
        if not stat.S_ISREG(info.st_mode):
            raise NotRegular(f"{_shown(root, path)}: {_kind(info.st_mode)}, not a regular file; gen does not read it")
        with os.fdopen(fd, "rb", closefd=False) as handle:
            return handle.read()
    finally:
        os.close(fd)
