"""The release record, `blueprints/catalog/releases.yaml`: its one written form, and the changes
gen makes to it. gen writes the whole file (so a promotion and its rollback give back the same
bytes); the loader (`generator/catalog.py`) reads it like the other catalog files.
"""

from __future__ import annotations

from pathlib import PurePosixPath

from blueprints.model import Catalog, Color, Environment, Release, ReleaseCatalog
from generator.catalog import RELEASES_FILE, modeline
from generator.files import Files

PATH = PurePosixPath(RELEASES_FILE.as_posix())

HEADER = f"""\
{modeline(RELEASES_FILE)}
# Blue-green release state, one line per blue-green environment: the color that serves traffic
# (`active`: the live Services select it), the colors deployed (rendered and synced), and the color
# the last promotion replaced (`previous`: what `gen rollback` returns to).
# Written by gen promote, gen rollback, gen retire and gen render --color: a change here is a release.
"""


def dump(releases: ReleaseCatalog) -> bytes:
    """The file's one form: the header, then one flow-style line per environment, by name."""
    lines = [f"version: {releases.version}"]
    if not releases.environments:
        lines.append("environments: {}")
    else:
        lines.append("environments:")
        for env, release in sorted(releases.environments.items()):
            fields = [f"active: {release.active.value}"]
            if release.previous is not None:
                fields.append(f"previous: {release.previous.value}")
            fields.append(f"deployed: [{', '.join(c.value for c in release.colors)}]")
            lines.append(f"  {env}: {{{', '.join(fields)}}}")
    return (HEADER + "\n".join(lines) + "\n").encode()


def file(catalog: Catalog) -> Files:
    """The record of `catalog`, as the one file a change to it writes."""
    return {PATH: dump(catalog.releases)}


def with_color_deployed(catalog: Catalog, env: Environment, color: Color) -> Catalog | None:
    """`catalog` with `color` deployed in `env`, or None when it already is (rendering a retired
    color deploys it again: its part and its Argo CD Application come back)."""
    release = catalog.release(env.name)
    if release is None or color in release.deployed:
        return None
    return catalog.with_release(env.name, release.model_copy(update={"deployed": [*release.deployed, color]}))


def promoted(release: Release, color: Color) -> Release:
    return Release(active=color, previous=release.active, deployed=release.deployed)


def rolled_back(release: Release) -> Release:
    assert release.previous is not None
    return Release(active=release.previous, previous=None, deployed=release.deployed)


def retired(release: Release, color: Color) -> Release:
    previous = None if release.previous == color else release.previous
    return Release(active=release.active, previous=previous, deployed=[c for c in release.deployed if c != color])
