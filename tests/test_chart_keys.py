"""Every Helm values key gen can emit is a key the pinned chart reads.

Helm ignores a key its chart does not know, silently: a misplaced key (`master.pdb` in a chart
whose budget is the top-level `pdb`) renders nothing and fails nothing. `tests/charts/` holds each
pinned chart's key list (`<chart>-<version>.keys.txt`: every key path of its default values with
the default's type; README "The databases" says how to regenerate one). A key is known when its
path is in the list, or when it sits under a map or list the chart renders whole: a default that is
an empty map or a list (`primary.resources`, `racks`), or a security context (Bitnami renders
`podSecurityContext` and `containerSecurityContext` whole, minus `enabled`).

Every branch of every values model is reached: each environment's own databases, and each store
again in every shape its values take (standalone and replicated, cluster mode or not, one
datacenter or several).
"""

from __future__ import annotations

from pathlib import Path

import pytest

from blueprints.databases.store import Release, Store
from generator.catalog import load_catalog
from generator.vendor.lock import read as read_lock
from tests.conftest import PROJECT

KEYS = Path(__file__).parent / "charts"
# Keys a pinned chart's templates read although its default values do not carry them (so the key
# list, made from the defaults, cannot know them), with the default's type they would have. Read
# off the chart's templates at the pinned tag: scylla v1.17.1's templates/scyllacluster.yaml writes
# `spec.externalSeeds` from `with .Values.externalSeeds` (likewise podMetadata, dnsDomains,
# exposeOptions).
TEMPLATE_ONLY: dict[tuple[str, str], dict[str, str]] = {
    ("scylla", "v1.17.1"): {"externalSeeds": "list", "podMetadata": "map", "dnsDomains": "list", "exposeOptions": "map"},
}
RENDERED_WHOLE = {"podSecurityContext", "containerSecurityContext"}

# every shape a store's values take (the branches of its values function), on top of each
# environment's own spec
SHAPES: dict[str, list[dict]] = {
    "postgres": [{"instances": 1}, {"instances": 3}],
    "mongodb": [{"members": 1}, {"members": 3}],
    "redis": [{"cluster": False, "shards": 1, "replicas": 0}, {"cluster": False, "shards": 1, "replicas": 2},
              {"cluster": True, "shards": 3, "replicas": 1}],
    "scylladb": [{"datacenters": 1}, {"datacenters": 3, "racks": 2}],
}


def pinned(name: str) -> str:
    """The version chart `name` is vendored and locked at (charts/lock.yaml): a bump moves it."""
    (version,) = {entry.version for entry in read_lock(PROJECT).charts.values() if entry.name == name}
    return version


def chart_keys(name: str, version: str) -> dict[str, str]:
    """The vendored chart's key paths (`backup.cronjob.schedule`) -> their default's type."""
    path = KEYS / f"{name}-{version}.keys.txt"
    assert path.is_file(), f"no key list for the pinned chart {name} {version}: {path}"
    lines = [line.split("\t") for line in path.read_text().splitlines() if line and not line.startswith("#")]
    return {key: kind for key, kind in lines} | TEMPLATE_ONLY.get((name, version), {})


def test_the_key_lists_are_derived_from_the_vendored_charts():
    """tests/charts/ is what generator.vendor.keys reads off the vendored values.yaml, byte for
    byte: `python -m generator.vendor.keys` rewrites them after a chart comes in."""
    from generator.vendor.keys import key_files

    derived = key_files(PROJECT)
    assert sorted(p.name for p in derived) == sorted(p.name for p in KEYS.glob("*.keys.txt"))
    for path, text in derived.items():
        assert (PROJECT / path).read_text(encoding="utf-8") == text, path


def paths(values: dict, prefix: str = "") -> list[str]:
    """Key paths of the leaves, and of the lists (their items are the chart's business)."""
    out = []
    for key, value in values.items():
        path = f"{prefix}{key}"
        if isinstance(value, dict) and value:
            out.extend(paths(value, f"{path}."))
        else:
            out.append(path)
    return out


def unknown(keys: dict[str, str], path: str) -> bool:
    if path in keys:
        return False
    parts = path.split(".")
    for n in range(1, len(parts)):
        prefix = ".".join(parts[:n])
        if keys.get(prefix) in ("map", "list") or parts[n - 1] in RENDERED_WHOLE:
            return False
    return True


def releases() -> list[tuple[str, Release]]:
    catalog = load_catalog(PROJECT)
    charts = catalog.databases.charts
    out: list[tuple[str, Release]] = []
    for env in catalog.environments.environments:
        if not env.argocd:
            continue
        for name, store in env.stores().items():
            specs = [store.spec, *(store.spec.model_copy(update=shape) for shape in SHAPES.get(name, []))]
            for n, spec in enumerate(specs):
                shaped: Store = type(store)(spec, env.placement)
                out.extend((f"{env.name}/{name}#{n}/{r.name}", r) for r in shaped.releases(charts))
    return out


RELEASES = releases()


def test_every_store_of_the_registry_has_its_shapes():
    assert sorted({label.split("/")[1].split("#")[0] for label, _ in RELEASES}) == sorted(SHAPES)


@pytest.mark.parametrize("label,release", RELEASES, ids=[label for label, _ in RELEASES])
def test_every_values_key_is_a_key_of_the_pinned_chart(label, release):
    keys = chart_keys(release.chart.name, release.chart.version)
    emitted = paths(release.values.dump())
    assert emitted
    assert [p for p in emitted if unknown(keys, p)] == []


def test_the_template_only_keys_are_not_in_the_default_values():
    """Each is there because the key list cannot know it: once a regenerated list carries it, it goes."""
    for (chart, version), extra in TEMPLATE_ONLY.items():
        path = KEYS / f"{chart}-{version}.keys.txt"
        listed = {line.split("\t")[0] for line in path.read_text().splitlines() if line and not line.startswith("#")}
        assert listed.isdisjoint(extra)


def test_the_check_catches_the_keys_the_pinned_charts_ignored():
    redis = chart_keys("redis", pinned("redis"))
    cluster = chart_keys("redis-cluster", pinned("redis-cluster"))
    assert unknown(redis, "master.pdb.create") and unknown(redis, "replica.pdb.maxUnavailable")
    assert not unknown(redis, "pdb.create")
    assert unknown(redis, "global.security.allowInsecureImages")
    assert unknown(cluster, "global.security.allowInsecureImages")
    assert not unknown(chart_keys("postgresql", pinned("postgresql")), "global.security.allowInsecureImages")
    # under a map the chart renders whole: anything; beside it: no
    assert not unknown(redis, "master.resources.requests.cpu")
    assert unknown(redis, "master.resourcez.requests.cpu")


def test_postgresql_accepts_tls_logins_only(postgres_hba):
    """hostssl only (replication included) wherever PostgreSQL runs from the chart; the CA file set."""
    postgres = [r for label, r in RELEASES if r.chart.name == "postgresql"]
    assert postgres
    for release in postgres:
        values = release.values.dump()
        assert values["tls"]["enabled"] and values["tls"]["certCAFilename"] == "ca.crt"
        hba = values["primary"]["pgHbaConfiguration"]
        rules = [line.split() for line in hba.splitlines()]
        assert {rule[0] for rule in rules} == {"local", "hostssl"}
        assert {rule[1] for rule in rules if rule[0] == "hostssl"} == {"all", "replication"}
        assert all(rule[-1] == "scram-sha-256" for rule in rules)
        if "readReplicas" in values:  # the same file, from the ConfigMap the replicas mount
            replicas = values["readReplicas"]
            (volume,) = replicas["extraVolumes"]
            (mount,) = replicas["extraVolumeMounts"]
            assert (mount["name"], mount["mountPath"], mount["readOnly"]) == (volume["name"], "/bitnami/postgresql/conf/pg_hba.conf", True)
            assert postgres_hba[volume["configMap"]["name"]] == {mount["subPath"]: hba}


@pytest.fixture(scope="module")
def postgres_hba() -> dict[str, dict]:
    """The ConfigMaps the PostgreSQL store puts in `shared`, by name."""
    catalog = load_catalog(PROJECT)
    env = catalog.environment("production")
    return {m["metadata"]["name"]: m["data"] for p in env.stores()["postgres"].prerequisites() for m in p.manifests}
