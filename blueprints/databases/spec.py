"""The stateful tier in the catalog: one spec per store per environment, and the pinned charts.

An environment's `databases:` (environments.yaml) says how big and how replicated each store is,
under the store's name, typed by the store's own module; `blueprints/catalog/databases.yaml` pins
the charts and images every environment installs. Every registered store must be in both, and
nothing else may.
"""

from __future__ import annotations

from typing import Any, Literal

from pydantic import Field, ValidationError, model_validator

from blueprints.databases import registry
from blueprints.databases.backup import Backups
from blueprints.databases.store import Chart, Image, Placement, Size, Store
from blueprints.types import CatalogProblem, Strict


def known(name: str, loc: tuple[str | int, ...]) -> type[Store]:
    """The registered store `name`, or a problem at `loc` listing those there are."""
    store = registry.store(name)
    if store is None:
        raise CatalogProblem(loc, f"{name!r} is not a store (one of {', '.join(registry.names())})")
    return store


class DatabasesSpec(Strict):
    """An environment's stores: `storage_class`, and one entry per store (`postgres: {instances: 3, ...}`)."""

    storage_class: str | None = Field(
        default=None, description="StorageClass of every database volume; PHI-bearing environments name an encrypted one"
    )
    backups: Backups | None = Field(default=None, description="every store's backups; none: no backups (local)")
    specs: dict[str, Size] = Field(description="store name -> its spec, of the store's own type")

    @model_validator(mode="before")
    @classmethod
    def _by_store(cls, data: Any) -> Any:
        if not isinstance(data, dict) or "specs" in data:
            return data
        specs = {}
        for name, value in data.items():
            if name in ("storage_class", "backups"):
                continue
            store = known(name, (name,))
            try:
                specs[name] = store.spec_type.model_validate(value)
            except ValidationError as exc:
                raise CatalogProblem.of(exc, (name,)) from None
        missing = [name for name in registry.names() if name not in specs]
        if missing:
            raise CatalogProblem((), f"every environment sizes every store: {', '.join(missing)} missing")
        return {"storage_class": data.get("storage_class"), "backups": data.get("backups"), "specs": specs}

    @classmethod
    def __get_pydantic_json_schema__(cls, core_schema: Any, handler: Any) -> Any:
        """The form the catalog file has (what `_by_store` reads), for editors' schemas:
        `storage_class`, `backups` and one key per registered store, of the store's own spec type."""
        reference = handler(core_schema)
        schema = handler.resolve_ref_schema(reference)
        properties = {"storage_class": schema["properties"]["storage_class"], "backups": schema["properties"]["backups"]}
        for store in registry.stores():
            properties[store.name] = handler(store.spec_type.__pydantic_core_schema__)
        schema["properties"] = properties
        schema["required"] = list(registry.names())
        return reference

    def stores(self, placement: Placement) -> dict[str, Store]:
        """Each store as it runs where `placement` says, in registry order."""
        return {store.name: store(self.specs[store.name], placement) for store in registry.stores()}


class Migration(Strict):
    """A store's schema migration: a Job of the release's own image (`<registry>/<image>:<tag>` of
    the color being deployed) that runs `command` before the color's services start."""

    image: str = Field(pattern=r"^[a-z0-9]([a-z0-9._-]*[a-z0-9])?$", description="image name, beside the services'")
    command: list[str] = Field(min_length=1, description="upgrades the schema to the release's (idempotent)")
    downgrade: list[str] | None = Field(default=None, min_length=1, description="one step back (gen downgrade-plan)")


class Migrations(Strict):
    """`migrations:` of databases.yaml: the Jobs per store with a schema, and what each release's
    migration is. `expand`: the previous release runs on the migrated schema (add, never remove or
    rename), so the serving color is safe while the other one migrates; `contract`: it is not.
    A release not listed is `expand`: list every release whose migration removes or renames."""

    jobs: dict[str, Migration] = Field(default_factory=dict, description="store name -> its migration")
    releases: dict[str, Literal["expand", "contract"]] = Field(default_factory=dict, description="image tag -> kind")

    @model_validator(mode="after")
    def _stores(self) -> "Migrations":
        for name in self.jobs:
            known(name, ("jobs", name))
        return self

    def contracts(self, tag: str) -> bool:
        return bool(self.jobs) and self.releases.get(tag, "expand") == "contract"


class DatabaseCatalog(Strict):
    """`blueprints/catalog/databases.yaml`: the charts (and images) every environment installs,
    and the images of the plain StatefulSets of environments without Argo CD (local)."""

    version: Literal[1]
    charts: dict[str, Chart]
    local_images: dict[str, Image]
    migrations: Migrations = Migrations()

    @model_validator(mode="after")
    def _every_store(self) -> "DatabaseCatalog":
        used = {chart: store.name for store in registry.stores() for chart in store.charts}
        for chart in self.charts:
            if chart not in used:
                raise CatalogProblem(("charts", chart), f"no store installs chart {chart!r} (stores install {', '.join(used)})")
        for chart, name in used.items():
            if chart not in self.charts:
                raise CatalogProblem(("charts",), f"{name} installs chart {chart!r}: pin it")
        for name in self.local_images:
            known(name, ("local_images", name))
        for name in registry.names():
            if name not in self.local_images:
                raise CatalogProblem(("local_images",), f"{name} runs locally: pin its image")
        return self
