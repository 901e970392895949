"""The building blocks of every catalog model."""

from __future__ import annotations

from typing import Annotated, Any

from pydantic import BaseModel, ConfigDict, Field, ValidationError


class CatalogProblem(ValueError):
    """A rule that spans fields broke; `loc` is the path of the field to blame."""

    def __init__(self, loc: tuple[str | int, ...], message: str) -> None:
        super().__init__(message)
        self.loc = loc
        self.message = message

    @classmethod
    def of(cls, exc: ValidationError, at: tuple[str | int, ...]) -> "CatalogProblem":
        """The first error of a model validated inside another one's validator, located from `at`."""
        first = exc.errors()[0]
        loc, message = (*at, *first["loc"]), first["msg"]
        problem = (first.get("ctx") or {}).get("error")
        if isinstance(problem, CatalogProblem):
            loc, message = (*loc, *problem.loc), problem.message
        return cls(loc, message.removeprefix("Value error, "))


Manifest = dict[str, Any]  # a Kubernetes object as plain data (blueprints/k8s.py hands it to cdk8s)


class BlueprintError(ValueError):
    """A catalog the models accept that the blueprints cannot build (two objects of one name)."""


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


Cpu = Annotated[str, Field(pattern=r"^([0-9]+m|[0-9]+(\.[0-9]+)?)$")]
Bytes = Annotated[str, Field(pattern=r"^[0-9]+(\.[0-9]+)?(Ki|Mi|Gi|Ti|Pi|k|M|G|T|P)?$")]
# an OCI image tag (the distribution spec's grammar)
TAG_PATTERN = r"^[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}$"
Tag = Annotated[str, Field(pattern=TAG_PATTERN)]
Digest = Annotated[str, Field(pattern=r"^sha256:[0-9a-f]{64}$")]
