"""The building blocks of every catalog model."""

from __future__ import annotations

from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field


class CatalogProblem(ValueError):
    """A rule that spans fields broke; `loc` is the path of the field to blame."""

    def __init__(self, loc: tuple[str | int, ...], message: str) -> None:
        super().__init__(message)
        self.loc = loc
        self.message = message


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


Cpu = Annotated[str, Field(pattern=r"^([0-9]+m|[0-9]+(\.[0-9]+)?)$")]
Bytes = Annotated[str, Field(pattern=r"^[0-9]+(\.[0-9]+)?(Ki|Mi|Gi|Ti|Pi|k|M|G|T|P)?$")]
