"""The journaled swap: a render's new folders replace the old ones all or nothing, even under SIGKILL.

A write happens in four phases, each leaving a state the next gen command can finish or undo:

1. the new content is written to a scratch folder `.gen-tmp-*` in the project (same filesystem,
   so renames are atomic); a kill here leaves scratch without a journal: the old tree stands and
   the scratch is removed by the next command;
2. the journal `.gen-journal` (the scratch's name, and per folder whether it existed and whether it
   has new content) is written to a temporary file, fsynced and renamed into place, then the
   project folder is fsynced: from here on the write is decided;
3. folder by folder, the old one is renamed into the scratch (`old/<n>`), the new one into place;
4. the journal is removed, then the scratch.

Every step of phase 3 is decided by what exists (the backup, the new folder), so replaying it is
idempotent: `recover` (run by every command, under the project lock) finishes an interrupted
swap, and `undo` (run when a step fails in this process, say EPERM or ENOSPC) puts every old folder
back. Between a kill and the next command the folders may be mixed; no gen command ever reads them
before healing them. `step_hook`, when set (tests only), is called after every filesystem step.
"""

from __future__ import annotations

import json
import os
import shutil
from collections.abc import Callable
from pathlib import Path, PurePosixPath

from generator.errors import EnvironmentFailure

JOURNAL = ".gen-journal"
SCRATCH_PREFIX = ".gen-tmp-"

step_hook: Callable[[str, Path], None] | None = None

Move = tuple[str, bool, bool]  # folder (relative), it existed, it has new content


def done(step: str, path: Path) -> None:
    """A filesystem step just happened (tests hook in here to kill or fail the write)."""
    if step_hook is not None:
        step_hook(step, path)


def _rename(source: Path, target: Path) -> None:
    target.parent.mkdir(parents=True, exist_ok=True)
    os.rename(source, target)
    done("rename", target)


def fsync(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def swap(root: Path, staging: Path, ordered: list[PurePosixPath]) -> None:
    """Replace each folder (or file) of `ordered` by `staging/new/<folder>` (absent: removed)."""
    moves: list[Move] = [
        (str(folder), os.path.lexists(root / folder), os.path.lexists(staging / "new" / folder)) for folder in ordered
    ]
    journal = {"scratch": staging.name, "moves": moves}
    pending = root / (JOURNAL + ".tmp")
    try:
        with open(pending, "w", encoding="utf-8") as out:
            json.dump(journal, out)
            out.flush()
            os.fsync(out.fileno())
        done("write", pending)
        os.rename(pending, root / JOURNAL)
        fsync(root)
        done("rename", root / JOURNAL)
    except Exception:
        if not (root / JOURNAL).exists():  # not decided: the old tree stands
            if os.path.lexists(pending):
                pending.unlink()
            remove_scratch(staging)
            raise
        undo(root, staging, moves)
        raise
    try:
        forward(root, staging, moves)
    except Exception:
        undo(root, staging, moves)
        raise
    finish(root, staging, moves)


def forward(root: Path, staging: Path, moves: list[Move]) -> None:
    for index, (folder, existed, has_new) in enumerate(moves):
        target, backup, new = root / folder, staging / "old" / str(index), staging / "new" / folder
        if existed and not os.path.lexists(backup) and os.path.lexists(target):
            _rename(target, backup)
        if has_new and os.path.lexists(new):
            _rename(new, target)


def undo(root: Path, staging: Path, moves: list[Move]) -> None:
    """Put every old folder back and the new ones into the scratch; then drop journal and scratch."""
    for index, (folder, existed, has_new) in reversed(list(enumerate(moves))):
        target, backup, new = root / folder, staging / "old" / str(index), staging / "new" / folder
        if has_new and not os.path.lexists(new) and os.path.lexists(target):
            _rename(target, new)
        if existed and os.path.lexists(backup):
            _rename(backup, target)
    finish(root, staging, moves)


def finish(root: Path, staging: Path, moves: list[Move]) -> None:
    """Prune the folders the swap emptied, drop the journal, then the scratch (each replayable)."""
    prune_empty(root, [PurePosixPath(folder) for folder, _, _ in moves])
    journal = root / JOURNAL
    if journal.exists():
        journal.unlink()
        done("unlink", journal)
    remove_scratch(staging)


def remove_scratch(staging: Path) -> None:
    if os.path.lexists(staging):
        shutil.rmtree(staging)
        done("rmtree", staging)


def recover(root: Path) -> None:
    """Finish a swap a killed gen left (its journal), and remove every scratch folder left behind.
    Run at the start of every command, under the project lock: no other gen is writing."""
    journal = root / JOURNAL
    try:
        if journal.exists():
            data = json.loads(journal.read_text(encoding="utf-8"))
            if not data["scratch"].startswith(SCRATCH_PREFIX) or "/" in data["scratch"]:
                raise ValueError(f"scratch {data['scratch']!r} is not gen's")
            staging = root / data["scratch"]
            moves = [(str(folder), bool(existed), bool(has_new)) for folder, existed, has_new in data["moves"]]
            if any(PurePosixPath(f).is_absolute() or ".." in PurePosixPath(f).parts for f, _, _ in moves):
                raise ValueError("a folder outside the project")
            forward(root, staging, moves)
            finish(root, staging, moves)
        pending = root / (JOURNAL + ".tmp")
        if pending.exists():
            pending.unlink()
            done("unlink", pending)
        for scratch in sorted(root.glob(SCRATCH_PREFIX + "*")):
            remove_scratch(scratch)
    except (ValueError, KeyError, TypeError) as exc:
        raise EnvironmentFailure(
            f"{JOURNAL}: an interrupted write's journal cannot be read ({exc}); restore the tree with git and delete it"
        ) from None


def prune_empty(root: Path, scope: list[PurePosixPath]) -> None:
    """Remove folders a removal left empty (rendered/<env>/ once its last part is gone)."""
    for folder in scope:
        parent = (root / folder).parent
        # stop below the top-level folders: rendered/ and overlays/ themselves always stay
        while parent.parent != root and parent != root and parent.is_dir() and not any(parent.iterdir()):
            parent.rmdir()
            parent = parent.parent
