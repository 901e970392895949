"""Durability (issue 26): a render's staged files and their folders are on disk (fsynced) before
the journal that commits them is renamed into place, so that a power cut after the journal
cannot leave it naming files the disk lost. The calls are recorded in order."""

from __future__ import annotations

import os
from pathlib import Path

from generator import swap
from tests.hostile.harness import copy_project, edit, run_gen


def test_staged_files_and_folders_are_fsynced_before_the_journal_commits_them(tmp_path: Path, monkeypatch) -> None:
    project = copy_project(tmp_path)
    edit(project, "blueprints/catalog/services.yaml", "port: 8090", "port: 8091")
    calls: list[tuple[str, str]] = []
    real_fsync, real_rename = os.fsync, os.rename

    def fsync(fd: int) -> None:
        calls.append(("fsync", os.readlink(f"/proc/self/fd/{fd}")))
        real_fsync(fd)

    def rename(source, target) -> None:
        calls.append(("rename", str(target)))
        real_rename(source, target)

    monkeypatch.setattr(os, "fsync", fsync)
    monkeypatch.setattr(os, "rename", rename)
    staged: list[str] = []
    monkeypatch.setattr(swap, "step_hook", lambda step, path: staged.extend(
        str(Path(d, n)) for d, ds, fs in os.walk(path / "new") for n in ds + fs) if step == "write" and path.name.startswith(swap.SCRATCH_PREFIX) else None)
    result = run_gen(project, "render", "local", "-q")
    assert result.exit_code == 0, result.output + result.stderr
    journal = next(i for i, call in enumerate(calls) if call == ("rename", str(project / swap.JOURNAL)))
    synced = {path for op, path in calls[:journal] if op == "fsync"}
    assert staged, "nothing was staged"
    missing = [path for path in staged if path not in synced]
    assert missing == [], f"{len(missing)} staged files or folders not fsynced before the journal, e.g. {missing[:3]}"
    scratch = Path(staged[0]).parents[len(Path(staged[0]).relative_to(project).parts) - 2]
    assert str(scratch) in synced and str(scratch / "new") in synced
