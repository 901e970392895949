"""The Helm engine's own process: reads one JSON request per line on stdin, answers one JSON line.

Run by generator/hydrate/engine.py as `python helmchild.py` (by path, importing nothing of gen).
Helm's Go runtime (helm-python-sdk, through ctypes) lives here and never in gen's process: gen
forks its synthesis workers, and a fork of a process running Go's threads can inherit a lock
one of them held (the child then waits for ever).

Request: {"folder", "values", "options"}. Answer: {"documents": {template: text}}, or
{"refused": first line of Helm's error}, or {"broken": why the engine cannot run}.
"""

from __future__ import annotations

import json
import sys
from typing import Any

_charts: dict[str, Any] = {}


def answer(request: dict[str, Any]) -> dict[str, Any]:
    try:
        from helm_python import _native
        from helm_python.chart import Chart
        from helm_python.errors import HelmError
    except (ImportError, OSError) as exc:  # the package or its native library is missing or broken
        return {"broken": f"helm-python-sdk: {exc} (pip install -e . installs it)"}
    folder, key = request["folder"], (request["folder"], request.get("tree", ""))
    try:
        if key not in _charts:
            _charts[key] = Chart.load(folder)
        raw = _native.call_string("helm_render", _charts[key]._raw(), json.dumps(request["values"]),
                                  json.dumps(request["options"]))
    except HelmError as exc:
        return {"refused": (str(exc).splitlines() or [type(exc).__name__])[0]}
    return {"documents": json.loads(raw)}


def main() -> None:
    for line in sys.stdin:
        sys.stdout.write(json.dumps(answer(json.loads(line))) + "\n")
        sys.stdout.flush()


if __name__ == "__main__":
    main()
