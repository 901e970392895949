"""Nothing the tests, CI or gen read lies outside the repository: no test names a folder of the
machine it was written on (a fresh clone on a laptop or a CI runner has none of them).

Container paths (`/var/run/secrets/...`, `/tmp` as a mountPath) and the hostile inputs gen must
refuse (`/etc/hostname`) are data of the objects, not places read on this machine (so is
`/opt/bitnami/`, where the Bitnami images the stores run keep their files): the search is
for the places a developer's files live, a sibling folder of the clone, and /tmp opened as data.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from tests.conftest import PROJECT

OUTSIDE = re.compile(
    r"""(?P<home>["'`](?:/work|/home|/Users|/root|/mnt|/srv|/media|/opt(?!/bitnami/))(?:/|["'`]))"""
    r"""|(?P<sibling>(?:\.\./)+shared\b)"""
    r"""|(?P<tmp>(?:Path|open|read_text|read_bytes)\(\s*f?["']/tmp\b)"""
)
SEARCHED = ("tests", ".ci", ".github", "generator", "blueprints", "bench")


def outside_paths(text: str) -> list[str]:
    return [match.group(0) for match in OUTSIDE.finditer(text)]


def searched_files() -> list[Path]:
    files = [path for folder in SEARCHED for path in sorted((PROJECT / folder).rglob("*")) if path.is_file()]
    # this file plants outside paths to show the search finds them
    return [path for path in files if "__pycache__" not in path.parts and path.suffix != ".pyc"
            and path != Path(__file__).resolve()]


def test_nothing_names_a_path_outside_the_repository():
    found = []
    for path in searched_files():
        try:
            text = path.read_text(encoding="utf-8")
        except UnicodeDecodeError:
            continue
        found += [f"{path.relative_to(PROJECT)}: {hit}" for hit in outside_paths(text)]
    assert not found, "\n".join(found)
    assert PROJECT / "tests/test_backups.py" in searched_files()  # the search reaches tests/


@pytest.mark.parametrize("planted", [
    'KEYS_DIR = Path("/work/shared/charts")',
    "seed = Path('/home/someone/seed.md').read_text()",
    'CHARTS = PROJECT / "../shared/charts"',
    'data = Path("/tmp/charts.txt").read_text()',
    'run(["cat", "/Users/me/keys.txt"])',
])
def test_a_planted_outside_path_is_found(planted):
    assert outside_paths(planted)


@pytest.mark.parametrize("data", [
    '{"name": "tmp", "mountPath": "/tmp"}',
    '"/var/run/secrets/therapeutic-ai/tls/ca.crt"',
    'symlink("hostname.yaml", lambda p: "/etc/hostname")',
    "the seed (shared/seed/deployment-guide.md)",
])
def test_container_paths_and_references_are_not_outside_paths(data):
    assert not outside_paths(data)
