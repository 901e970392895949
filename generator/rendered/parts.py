"""Parts: the unit gen renders, `overlays/<env>/<part>/` and `rendered/<env>/<part>/`.

A part carries its environment's typed profile and its color from the command line to the
written file: nothing after the command line looks an environment up by name or reads it back
from a path.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import PurePosixPath
from typing import TYPE_CHECKING

from blueprints import layout
from blueprints.enums import Color

if TYPE_CHECKING:  # the typed models (pydantic) are not imported for the names alone: start-up
    from blueprints.model import Catalog, Environment

SHARED, APP, ARGOCD = "shared", "app", "argocd"


@dataclass(frozen=True, eq=False)
class Part:
    environment: Environment  # the typed profile
    name: str  # shared | app | blue | green | argocd
    color: Color | None = None  # for blue and green: the color, typed

    def __post_init__(self) -> None:
        if self.color is not None and self.name != self.color.value:
            raise ValueError(f"part {self.name!r} cannot be of color {self.color.value}")

    @classmethod
    def colored(cls, environment: Environment, color: Color) -> Part:
        return cls(environment, color.value, color)

    @property
    def env(self) -> str:
        """The environment's name, as it appears in paths and messages."""
        return self.environment.name

    @property
    def key(self) -> tuple[str, str]:
        return (self.env, self.name)

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Part) and self.key == other.key

    def __hash__(self) -> int:
        return hash(self.key)

    def __lt__(self, other: Part) -> bool:
        return self.key < other.key

    @property
    def overlay_dir(self) -> PurePosixPath:
        return layout.overlay_dir(self.env, self.name)

    @property
    def rendered_dir(self) -> PurePosixPath:
        return layout.rendered_dir(self.env, self.name)

    @property
    def name_suffix(self) -> str:
        return f"-{self.name}" if self.color else ""

    @property
    def render_command(self) -> str:
        """The command that renders this part (what every generated file tells a reader to run)."""
        return f"gen render {self.env}" + (f" --color {self.name}" if self.color else "")

    def __str__(self) -> str:
        return f"{self.env}/{self.name}"


def parts(catalog: Catalog, environment: Environment) -> tuple[Part, ...]:
    """The parts `environment` renders, in order (`Catalog.parts`), each color typed from the
    release record."""
    release = catalog.release(environment.name)
    colors = {c.value: c for c in release.colors} if release else {}
    return tuple(Part(environment, name, colors.get(name)) for name in catalog.parts(environment.name))
