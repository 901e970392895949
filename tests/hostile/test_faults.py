"""Crash consistency: a kill after EVERY filesystem step of the swap of `gen render --all`,
`gen promote` and `gen retire` leaves, once the next command has run, the old tree or the new one,
never a mix, and no scratch; a failure inside the process (ENOSPC, EPERM) puts the old tree back
at once. Real SIGKILLs of a subprocess check the same end to end.

Each command runs once for real (its swap recorded: scope, desired files, the new tree); the swap
is then replayed on fresh copies with `generator.swap.step_hook` stopping it after step k, as a
SIGKILL would (no cleanup runs: the hook raises a BaseException the swap does not catch).
"""

from __future__ import annotations

import errno
import os
import shutil
import signal
import subprocess
import sys
from pathlib import Path

import pytest

from generator import files as tree, swap
from tests.hostile.harness import copy_project, edit, run_gen, tree_state

SERVICES = "blueprints/catalog/services.yaml"


class Killed(BaseException):
    """What a SIGKILL is to the swap: it stops, nothing after it runs."""


def spoil_for_render_all(project: Path) -> None:
    """A change that reaches every environment (a port), and an environment removed since."""
    edit(project, SERVICES, "port: 8090", "port: 8091")
    for top in ("rendered", "overlays"):
        gone = project / top / "gone-env" / "shared"
        gone.mkdir(parents=True)
        (gone / "configmap-x.yaml").write_text("kind: ConfigMap\n")


COMMANDS = {
    "render --all": (spoil_for_render_all, ("render", "--all", "-q")),
    "promote": (lambda project: None, ("promote", "production", "green")),
    "retire": (lambda project: None, ("retire", "production", "green")),
}


class Recorded:
    def __init__(self, pristine, scope, desired, old, new, steps):
        self.pristine, self.scope, self.desired = pristine, scope, desired
        self.old, self.new, self.steps = old, new, steps


_RECORDED: dict[str, Recorded] = {}


def record(name: str, tmp_path_factory) -> Recorded:
    """The command run once for real: its pristine project, its swap's arguments, old and new trees."""
    if name in _RECORDED:
        return _RECORDED[name]
    setup, args = COMMANDS[name]
    root = tmp_path_factory.mktemp(name.replace(" ", "").replace("-", ""))
    pristine = copy_project(root)
    setup(pristine)
    work = root / "run"
    shutil.copytree(pristine, work, symlinks=True)
    calls, steps = [], []
    real = tree.replace
    monkey = pytest.MonkeyPatch()
    monkey.setattr(tree, "replace", lambda *a: (calls.append(a), real(*a))[1])
    monkey.setattr(swap, "step_hook", lambda step, path: steps.append((step, path)))
    try:
        result = run_gen(work, *args)
    finally:
        monkey.undo()
    assert result.exit_code == 0, result.output + result.stderr
    assert len(calls) == 1
    _, scope, desired = calls[0]
    _RECORDED[name] = Recorded(pristine, scope, desired, tree_state(pristine), tree_state(work), len(steps))
    return _RECORDED[name]


@pytest.fixture(params=sorted(COMMANDS))
def recorded(request, tmp_path_factory) -> Recorded:
    return record(request.param, tmp_path_factory)


def linked_copy(source: Path, target: Path) -> None:
    """A copy whose files are hard links: the swap only renames and unlinks, never edits a file."""
    shutil.copytree(source, target, symlinks=True, copy_function=os.link)


def replay(target: Path, rec: Recorded, hook) -> None:
    linked_copy(rec.pristine, target)
    swap.step_hook = hook
    try:
        tree.replace(target, rec.scope, rec.desired)
    finally:
        swap.step_hook = None


def stop_at(k: int, exc: BaseException):
    count = [0]

    def hook(step, path):
        count[0] += 1
        if count[0] == k:
            raise exc

    return hook


def test_the_recorded_swap_changes_the_tree_in_many_steps(recorded):
    rec = recorded
    assert rec.old != rec.new
    assert rec.steps >= 6  # scratch, journal (2), a rename or more, journal removed, scratch removed


def test_a_kill_after_every_step_leaves_old_or_new_once_the_next_command_ran(recorded, tmp_path):
    rec = recorded
    outcomes = []
    for k in range(1, rec.steps + 1):
        work = tmp_path / str(k)
        with pytest.raises(Killed):
            replay(work, rec, stop_at(k, Killed()))
        result = run_gen(work, "list")  # any command heals first
        assert result.exit_code == 0, result.output + result.stderr
        state = tree_state(work)
        assert state in (rec.old, rec.new), f"kill after step {k} of {rec.steps}: a mixed tree or scratch left"
        outcomes.append("new" if state == rec.new else "old")
        shutil.rmtree(work)
    # before the journal is committed: old; after: new (finished, not undone)
    assert outcomes[0] == "old" and outcomes[-1] == "new"
    assert outcomes == sorted(outcomes, key=["old", "new"].index)


def test_a_failure_at_any_step_puts_the_old_tree_back_at_once(recorded, tmp_path):
    """ENOSPC here; EPERM, EACCES, EROFS and EIO through the CLI in test_faults_environment.py."""
    error = errno.ENOSPC
    rec = recorded
    for k in range(1, rec.steps - 1):  # the last two steps (journal gone, scratch gone) are past the commit
        work = tmp_path / str(k)
        with pytest.raises(OSError):
            replay(work, rec, stop_at(k, OSError(error, os.strerror(error), str(work / "x"))))
        assert tree_state(work) == rec.old, f"failure at step {k} of {rec.steps}"
        shutil.rmtree(work)


KILLER = """
import os, signal, sys
from generator import swap
count = [0]
def hook(step, path):
    count[0] += 1
    if count[0] == int(os.environ["KILL_AT"]):
        os.kill(os.getpid(), signal.SIGKILL)
swap.step_hook = hook
from generator.cli import main
sys.argv = ["gen", *sys.argv[1:]]
main()
"""


@pytest.mark.parametrize("kill_at", [3, 6, -3])
def test_a_real_sigkill_of_gen_render_all_is_healed_by_the_next_command(tmp_path_factory, tmp_path, kill_at):
    rec = record("render --all", tmp_path_factory)
    work = tmp_path / "work"
    shutil.copytree(rec.pristine, work, symlinks=True)
    step = kill_at if kill_at > 0 else rec.steps + kill_at
    proc = subprocess.run(
        [sys.executable, "-c", KILLER, "--project", str(work), "render", "--all", "-q"],
        env={**os.environ, "KILL_AT": str(step)}, capture_output=True, text=True, timeout=600,
    )
    assert proc.returncode == -signal.SIGKILL, proc.stderr
    assert any(p.name.startswith(swap.SCRATCH_PREFIX) for p in work.iterdir()), "the kill left no scratch"
    result = run_gen(work, "validate", "--all")  # the next command heals the killed swap first
    state = tree_state(work)
    assert state in (rec.old, rec.new)
    if state == rec.new:
        assert result.exit_code == 0, result.output + result.stderr
    else:  # the old tree, whole, judged against the changed catalog: only its stale policies and the
        # removed environment's leftover folder are findings
        findings = [line for line in result.output.splitlines()
                    if (": GEN-" in line or ": PSS-" in line or ": SCHEMA" in line) and " (waived): " not in line]
        stale = [line for line in findings if ": GEN-NETWORK-FLOWS:" in line]
        gone = [line for line in findings if line.startswith("rendered/gone-env") and ": GEN-UNKNOWN-PART:" in line]
        assert stale and sorted(stale + gone) == sorted(findings), result.output


KILLED_IN_BUILD = """
import os, signal, sys
from generator.render import split
def build(*args, **kwargs):
    os.kill(os.getpid(), signal.SIGKILL)
split.build = build
from generator.cli import main
sys.argv = ["gen", *sys.argv[1:]]
main()
"""


def test_a_kill_during_the_kustomize_builds_leaves_a_workspace_the_next_render_removes(tmp_path_factory, tmp_path):
    rec = record("render --all", tmp_path_factory)
    work, temporary = tmp_path / "work", tmp_path / "tmp"
    shutil.copytree(rec.pristine, work, symlinks=True)
    temporary.mkdir()
    env = {**os.environ, "TMPDIR": str(temporary)}
    # returns only once every holder of its output pipes is gone: the synthesis workers (forked,
    # each with a Node runtime) must leave with their killed parent, not wait for ever
    proc = subprocess.run([sys.executable, "-c", KILLED_IN_BUILD, "--project", str(work), "render", "--all", "-q"],
                          env=env, capture_output=True, text=True, timeout=180)
    assert proc.returncode == -signal.SIGKILL, proc.stderr
    assert [p for p in temporary.iterdir() if p.name.startswith("gen-kustomize-")], "the kill left no workspace"
    again = subprocess.run([sys.executable, "-m", "generator", "--project", str(work), "render", "--all", "-q"],
                           env=env, capture_output=True, text=True, timeout=600)
    assert again.returncode == 0, again.stderr
    assert not [p for p in temporary.iterdir() if p.name.startswith("gen-kustomize-")]
    assert tree_state(work) == rec.new


def test_the_sweep_keeps_a_live_gens_workspace_and_what_is_not_a_workspace(tmp_path):
    from generator.render.build import SCRATCH, sweep_scratch

    gone = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"], capture_output=True, text=True)
    dead = tmp_path / f"{SCRATCH}{gone.stdout.strip()}-abc"
    live = tmp_path / f"{SCRATCH}{os.getpid()}-abc"
    odd = tmp_path / f"{SCRATCH}notapid-abc"
    a_file = tmp_path / f"{SCRATCH}999999999-file"
    for folder in (dead, live, odd):
        (folder / "overlays").mkdir(parents=True)
    a_file.write_text("x")
    assert sweep_scratch(tmp_path) == [dead]
    assert live.is_dir() and odd.is_dir() and a_file.is_file() and not dead.exists()
