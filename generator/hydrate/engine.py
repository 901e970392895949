"""The Helm engine: `helm template` of a vendored chart, in a child process of gen.

helm-python-sdk (PyPI, Helm v4.2's Go SDK through ctypes: no helm binary, nothing downloaded)
renders a chart offline; `lookup` returns nothing. The Kubernetes version and the API versions the
cluster serves are passed explicitly (`.Capabilities`), so the output never depends on a cluster.
Its Python `Chart.render` takes neither, so the native call is made with the options Helm's own
`template` takes (`kube_version`, `api_versions`).

Go's runtime is never loaded into gen's own process: gen forks its synthesis workers (render/synth.py)
while the charts are hydrated, and a fork of a process whose Go threads hold a lock deadlocks the
child. One engine process (helmchild.py) serves every release of this gen process, one request at
a time; it loads each chart once and ends when gen does (its stdin closes).
"""

from __future__ import annotations

import atexit
import json
import subprocess
import sys
import threading
from pathlib import Path
from typing import IO, Any

from generator.errors import EnvironmentFailure, RenderError

CHILD = Path(__file__).with_name("helmchild.py")

_lock = threading.Lock()
_child: subprocess.Popen[str] | None = None


def _engine() -> subprocess.Popen[str]:
    global _child
    if _child is None or _child.poll() is not None:
        try:
            # -I: neither PYTHON* variables nor the user's site folder change what the engine loads
            _child = subprocess.Popen([sys.executable, "-I", str(CHILD)], stdin=subprocess.PIPE,
                                      stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True,
                                      encoding="utf-8", close_fds=True)
        except OSError as exc:
            raise EnvironmentFailure(f"the Helm engine ({CHILD.name}) could not start: {exc.strerror or exc}") from None
        atexit.register(_stop, _child)
    return _child


def _stop(child: subprocess.Popen[str]) -> None:
    for stream in (child.stdin, child.stdout):
        _close(stream)
    try:
        child.wait(timeout=5)
    except subprocess.TimeoutExpired:
        child.kill()


def _close(stream: IO[str] | None) -> None:
    try:
        if stream is not None:
            stream.close()
    except OSError:
        pass


def _ask(request: dict[str, Any]) -> dict[str, Any]:
    with _lock:
        child = _engine()
        assert child.stdin is not None and child.stdout is not None
        try:
            child.stdin.write(json.dumps(request) + "\n")
            child.stdin.flush()
            line = child.stdout.readline()
        except OSError:
            line = ""
        if not line:
            code = child.wait()
            raise EnvironmentFailure(f"the Helm engine (helm-python-sdk, {CHILD.name}) died (exit {code}) "
                                     f"rendering {request['folder']}")
        return json.loads(line)


def render(folder: Path, values: dict[str, Any], *, release: str, namespace: str, kube_version: str,
           api_versions: tuple[str, ...], tree: str = "") -> dict[str, str]:
    """Template path -> rendered text (NOTES.txt included), as `helm template RELEASE FOLDER -n
    NAMESPACE -f values --kube-version V --api-versions ...` prints it (an install, revision 1).
    `tree` names the version of the chart's files (the lock's digest): the engine keeps a loaded
    chart per folder and tree, so a folder whose files changed is loaded again."""
    options = {"name": release, "namespace": namespace, "is_install": True, "kube_version": kube_version,
               "api_versions": list(api_versions)}
    reply = _ask({"folder": str(folder), "tree": tree, "values": values, "options": options})
    if "broken" in reply:
        raise EnvironmentFailure(reply["broken"])
    if "refused" in reply:
        raise RenderError(f"{folder}: release {release}: Helm refused the values: {reply['refused']}")
    return reply["documents"]
