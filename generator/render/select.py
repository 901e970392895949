"""What one render acts on: parts, and which environments it renders whole.

The command line builds a Selection (`generator/arguments.py`); release steps build their own.
"""

from __future__ import annotations

from dataclasses import dataclass

from blueprints.model import Catalog, Environment
from generator.rendered import Part, parts


@dataclass(frozen=True)
class Selection:
    parts: tuple[Part, ...]
    whole_envs: tuple[Environment, ...] = ()  # environments rendered whole: their stale parts are removed
    everything: bool = False  # every environment: stale environments are removed too
    # parts rendered along with `parts` where they are committed already: a one-color render's
    # `shared` (kept up to date with the catalog; a first render of one color leaves it to
    # `gen render ENV`)
    companions: tuple[Part, ...] = ()

    @property
    def environments(self) -> list[Environment]:
        """The environments of the selected parts, in the order the parts come."""
        found: dict[str, Environment] = {}
        for part in self.parts:
            found.setdefault(part.env, part.environment)
        return list(found.values())


def whole(catalog: Catalog, environments: list[Environment], everything: bool = False) -> Selection:
    """Every part of these environments (with `everything`: they are all the catalog's)."""
    return Selection(tuple(p for env in environments for p in parts(catalog, env)), tuple(environments), everything)


def everything(catalog: Catalog) -> Selection:
    return whole(catalog, list(catalog.environments.environments), everything=True)
