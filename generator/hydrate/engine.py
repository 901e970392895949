"""The Helm engine: `helm template` of a vendored chart, in this process.

helm-python-sdk (PyPI, Helm v4.2's Go SDK through ctypes: no helm binary, nothing downloaded)
renders a chart offline; `lookup` returns nothing. The Kubernetes version and the API versions the
cluster serves are passed explicitly (`.Capabilities`), so the output never depends on a cluster.
Its Python `Chart.render` takes neither, so the native call is made with the options Helm's own
`template` takes (`kube_version`, `api_versions`). Charts are loaded once per process.
"""

from __future__ import annotations

import json
from functools import cache
from pathlib import Path
from typing import Any

from generator.errors import EnvironmentFailure, RenderError


@cache
def _chart(folder: str) -> Any:
    try:
        from helm_python.chart import Chart
    except (ImportError, OSError) as exc:  # the package or its native library is missing or broken
        raise EnvironmentFailure(f"helm-python-sdk: {exc} (pip install -e . installs it)") from None
    return Chart.load(folder)


def render(folder: Path, values: dict[str, Any], *, release: str, namespace: str, kube_version: str,
           api_versions: tuple[str, ...]) -> dict[str, str]:
    """Template path -> rendered text (NOTES.txt included), as `helm template RELEASE FOLDER -n
    NAMESPACE -f values --kube-version V --api-versions ...` prints it (an install, revision 1)."""
    from helm_python import _native
    from helm_python.errors import HelmError

    chart = _chart(str(folder))
    options = {"name": release, "namespace": namespace, "is_install": True, "kube_version": kube_version,
               "api_versions": list(api_versions)}
    try:
        return json.loads(_native.call_string("helm_render", chart._raw(), json.dumps(values), json.dumps(options)))
    except HelmError as exc:
        raise RenderError(f"{folder}: release {release}: Helm refused the values: {str(exc).splitlines()[0]}") from None
