"""Parts: the unit gen renders, a folder `overlays/<env>/<part>` and `rendered/<env>/<part>`."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import PurePosixPath

from blueprints import argocd
from blueprints.model import Catalog, Color
from generator.errors import UsageError

OVERLAYS = PurePosixPath("overlays")
RENDERED = PurePosixPath(argocd.RENDERED)
PATCHES = "patches"


@dataclass(frozen=True, order=True)
class Part:
    env: str
    name: str  # shared | app | blue | green | argocd

    @property
    def color(self) -> Color | None:
        return Color(self.name) if self.name in (c.value for c in Color) else None

    @property
    def overlay_dir(self) -> PurePosixPath:
        return OVERLAYS / self.env / self.name

    @property
    def rendered_dir(self) -> PurePosixPath:
        return RENDERED / self.env / self.name

    @property
    def name_suffix(self) -> str:
        return f"-{self.name}" if self.color else ""

    def __str__(self) -> str:
        return f"{self.env}/{self.name}"


@dataclass(frozen=True)
class Selection:
    """What one command acts on: whole environments, or one color of one environment."""

    parts: tuple[Part, ...]
    whole_envs: tuple[str, ...]  # environments rendered whole: their stale parts are removed
    everything: bool = False  # every environment: stale environments are removed too


def all_parts(catalog: Catalog, env: str) -> tuple[Part, ...]:
    return tuple(Part(env, name) for name in catalog.parts(env))


def known_environment(catalog: Catalog, env: str) -> str:
    """`env`, if the catalog has it; else a usage error listing the environments."""
    if env not in catalog.env_by_name:
        raise UsageError(f"unknown environment {env!r}; choose one of: {', '.join(catalog.env_by_name)}")
    return env


def select(catalog: Catalog, env: str | None, color: str | None, everything: bool) -> Selection:
    """Resolve the command line's ENV / --color / --all into parts, or fail with the choices."""
    names = [e.name for e in catalog.environments.environments]
    if everything:
        if env or color:
            raise UsageError("--all renders every environment: give no ENV and no --color with it")
        return Selection(tuple(p for e in names for p in all_parts(catalog, e)), tuple(names), everything=True)
    if env is None:
        raise UsageError(f"name an environment ({', '.join(names)}) or give --all")
    profile = catalog.environment(known_environment(catalog, env))
    if color is None:
        return Selection(all_parts(catalog, env), (env,))
    if not profile.blue_green:
        raise UsageError(f"{env} has no blue-green (its part is 'app'); drop --color")
    colors = [c.value for c in Color]
    if color not in colors:
        raise UsageError(f"unknown color {color!r}; choose one of: {', '.join(colors)}")
    return Selection((Part(env, color),), ())
