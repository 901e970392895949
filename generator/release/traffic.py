"""Traffic moves only through `gen promote` and `gen rollback`.

The release record's `active` decides which color the live Services select. A hand edit of it
(or a merge that changed it) would move production traffic on the next `gen render`, with no
promotion, no checks and nothing to roll back to. So a render of an environment's `shared` part
first compares the record with the committed live Services and refuses when they disagree;
where no live Service is committed yet (a new environment), there is no traffic to move.
"""

from __future__ import annotations

from collections import defaultdict
from pathlib import Path

import yaml

from blueprints import argocd, labels
from blueprints.layout import RENDERED
from blueprints.model import Catalog
from generator import regular, yamlio
from generator.catalog import RELEASES_FILE
from generator.errors import Refused, RenderedFileError
from generator.rendered import SHARED
from generator.render.select import Selection


def live_colors(project: Path, env: str) -> dict[str, list[str]]:
    """The colors the committed live Services of `env` select, each with the files selecting it."""
    colors: dict[str, list[str]] = defaultdict(list)
    for path in sorted((project / RENDERED / env / "shared").glob(argocd.LIVE_FILES)):
        relative = path.relative_to(project).as_posix()
        try:
            obj = yamlio.load(regular.read(project, path).decode("utf-8"))
        except (yaml.YAMLError, UnicodeDecodeError) as exc:
            raise RenderedFileError(f"{relative}: not valid YAML: {str(exc).splitlines()[0]}") from None
        if not isinstance(obj, dict):
            continue
        meta = obj.get("metadata") if isinstance(obj.get("metadata"), dict) else {}
        if (meta.get("labels") or {}).get(labels.TRAFFIC) != argocd.LIVE:
            continue
        selector = (obj.get("spec") or {}).get("selector") or {}
        colors[str(selector.get(labels.VERSION))].append(relative)
    return dict(colors)


def check(project: Path, catalog: Catalog, selection: Selection) -> None:
    """Refuse a render whose live Services would select another color than the committed ones."""
    for part in selection.parts:
        release = catalog.release(part.env) if part.name == SHARED else None
        if release is None:
            continue
        committed = live_colors(project, part.env)
        active = release.active.value
        if not committed or set(committed) == {active}:
            continue
        serving = ", ".join(sorted(committed))
        other = next(color for color in sorted(committed) if color != active)
        raise Refused(
            f"{RELEASES_FILE}: environments.{part.env}.active is {active}, but the committed live Services select "
            f"{serving} ({committed[other][0]}): traffic moves only through `gen promote {part.env} {active}` or "
            f"`gen rollback {part.env}`; put `active: {other}` back and run one of them; nothing was written"
        )
