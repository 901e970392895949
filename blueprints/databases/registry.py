"""The registry of stores: what every consumer iterates (network, secrets, certificates, endpoints,
`<env>-config`, the Argo CD Applications, the local StatefulSets, capacity). A new store is one
module under `stores/`, one line here, and its catalog entries (environments.yaml's `databases`,
databases.yaml's `charts` and `local_images`)."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from blueprints.databases.store import Store
from blueprints.databases.stores.mongodb import MongoDB
from blueprints.databases.stores.postgres import Postgres
from blueprints.databases.stores.redis import Redis
from blueprints.databases.stores.scylladb import ScyllaDB

# in the order <env>-config, policies, secrets and certificates list them
_STORES: dict[str, type[Store]] = {store.name: store for store in (Postgres, MongoDB, Redis, ScyllaDB)}


def stores() -> tuple[type[Store], ...]:
    return tuple(_STORES.values())


def names() -> tuple[str, ...]:
    return tuple(_STORES)


def store(name: str) -> type[Store] | None:
    return _STORES.get(name)


@contextmanager
def registered(extra: type[Store]) -> Iterator[None]:
    """`extra` registered for the duration (tests: a store from a fixture module, never the catalog's)."""
    if extra.name in _STORES:
        raise ValueError(f"a store {extra.name!r} is registered already")
    _STORES[extra.name] = extra
    try:
        yield
    finally:
        del _STORES[extra.name]
