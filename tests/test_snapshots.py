"""Snapshots of the rendered trees, for reviewing change (the seed's facts are asserted elsewhere).

After an intended change: `pytest --snapshot-update`, then read the snapshot diff in the PR.
"""

from __future__ import annotations

from pathlib import PurePosixPath

import pytest

PARTS = [
    ("local", "shared"), ("local", "app"), ("development", "shared"), ("development", "app"),
    ("staging", "shared"), ("staging", "blue"), ("staging", "green"),
    ("production", "shared"), ("production", "blue"), ("production", "green"),
]


@pytest.mark.parametrize("env,part", PARTS, ids=[f"{e}-{p}" for e, p in PARTS])
def test_rendered_part(fresh, snapshot, env, part):
    folder = PurePosixPath("rendered", env, part)
    files = {str(path.name): content.decode() for path, content in sorted(fresh.files.items()) if path.parent == folder}
    assert files
    assert files == snapshot
