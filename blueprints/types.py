"""The building blocks of every catalog model."""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Annotated, Any

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, ValidationError

from blueprints import names


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


# --- values that reach a Kubernetes name, key, label or image: checked at the catalog line by the
# one set of validators (blueprints/names.py), so kustomize and the API server never see them


def checked(problem: Callable[[str], str | None]) -> AfterValidator:
    """A validator raising what `problem` finds (the loader names file, line and field)."""
    def check(value: str) -> str:
        found = problem(value)
        if found:
            raise ValueError(found)
        return value
    return AfterValidator(check)


def check_map(values: dict[str, str], key: Callable[[str], str | None],
              value: Callable[[str], str | None] | None = None) -> dict[str, str]:
    """A map's keys (and values), each problem located at its key."""
    for name, item in values.items():
        problem = key(name) or (value(item) if value else None)
        if problem:
            raise CatalogProblem((name,), problem)
    return values


Int32 = Annotated[int, Field(le=names.INT32_MAX)]  # the API server's int32 fields (replicas, counts)
def described(pattern: "re.Pattern[str]", max_length: int | None = None) -> Any:
    """The same rule for editors (the catalog's JSON Schemas): the pattern anchored, the length."""
    extra: dict[str, Any] = {"pattern": f"^(?:{pattern.pattern})$"}
    if max_length:
        extra["maxLength"] = max_length
    return Field(json_schema_extra=extra)


DnsLabel = Annotated[str, checked(names.label_problem), described(names.DNS1123_LABEL, names.LABEL_MAX)]
DnsSubdomain = Annotated[str, checked(names.subdomain_problem), described(names.DNS1123_SUBDOMAIN, names.SUBDOMAIN_MAX)]
LabelKey = Annotated[str, checked(names.qualified_key_problem)]
LabelValue = Annotated[str, checked(names.label_value_problem)]
ConfigKey = Annotated[str, checked(names.config_key_problem)]
Image = Annotated[str, checked(names.image_problem)]
Registry = Annotated[str, checked(names.registry_problem), described(names.REGISTRY)]
Labels = Annotated[dict[str, str], AfterValidator(
    lambda labels: check_map(labels, names.qualified_key_problem, names.label_value_problem))]
