"""Backups: every store's chart feature from the profile's schedule, retention and targets, only
keys the pinned charts read, restricted dump pods with Vault-made Secrets and their own
NetworkPolicies, and an alert when a dump is late."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from blueprints.databases.backup import Backups, dump_command
from generator import yamlio
from tests.conftest import PROJECT, find, part_objects
from generator.catalog import load_catalog
from tests.test_chart_keys import chart_keys, pinned  # read off the vendored charts (generator/vendor/keys.py)

CATALOG = load_catalog(PROJECT)


def release_values(env: str) -> dict[str, dict]:
    """Each release's values, by release: what its values file records and its part is rendered
    from (tests/test_databases.py proves the three agree)."""
    return {r.name: r.values.dump() for r in CATALOG.store_releases(env)}



def paths(node, prefix=""):
    """Every leaf key path of a values document; maps and lists the chart renders whole stop here."""
    if isinstance(node, dict) and node:
        for key, value in node.items():
            yield from paths(value, f"{prefix}.{key}" if prefix else key)
    elif prefix:
        yield prefix


def unknown_keys(values: dict, keys: dict[str, str]) -> list[str]:
    """Paths of `values` the chart does not read: not listed, and not under a listed map or list."""
    out = []
    for path in paths(values):
        parts = path.split(".")
        if not any(".".join(parts[:n]) in keys and (n == len(parts) or keys[".".join(parts[:n])] in ("map", "list"))
                   for n in range(1, len(parts) + 1)):
            out.append(path)
    return out


# the values keys this issue adds (the rest of each chart's values: issue 13's own check)
BACKUP_KEYS = ("backup", "backups", "repairs")


@pytest.mark.parametrize("env", ["staging", "production"])
def test_every_backup_values_key_is_one_the_pinned_chart_reads(env):
    checked = 0
    for release in CATALOG.store_releases(env):
        keys = chart_keys(release.chart.name, release.chart.version)
        ours = {key: value for key, value in release.values.dump().items() if key in BACKUP_KEYS}
        assert unknown_keys(ours, keys) == [], release
        checked += len(ours)
    assert checked == 4  # postgres' and mongodb's backup, scylladb-dc1's backups and repairs


def test_the_key_check_catches_a_key_the_chart_ignores():
    keys = chart_keys("postgresql", pinned("postgresql"))
    assert unknown_keys({"backup": {"cronjob": {"schedule": "x", "schedul": "y"}}}, keys) == ["backup.cronjob.schedul"]
    assert unknown_keys({"backup": {"cronjob": {"resources": {"limits": {"cpu": "1"}}}}}, keys) == []


def profile_backups(env: str) -> dict | None:
    profiles = yamlio.load((PROJECT / "blueprints/catalog/environments.yaml").read_text())["environments"]
    return next(p for p in profiles if p["name"] == env)["databases"].get("backups")


@pytest.mark.parametrize("env", ["staging", "production"])
def test_postgres_and_mongodb_dump_on_the_profiles_schedule_into_an_encrypted_volume(env):
    backups = profile_backups(env)
    values = release_values(env)
    for release, component in (("postgres", "pg_dumpall"), ("mongodb", "mongodump")):
        backup = values[release]["backup"]
        cronjob = backup["cronjob"]
        assert backup["enabled"] is True
        assert cronjob["schedule"] == backups["schedule"]
        assert cronjob["storage"] == {"storageClass": "encrypted-ssd", "size": backups["storage"]}
        script = cronjob["command"][2]
        # retention: dumps older than the profile's days are deleted, and only dumps
        assert f"-name '{component}-*' -mtime +{backups['retention_days'] - 1} -delete" in script
        # a dump is named only when complete
        assert script.index('mv "$OUT"') > script.index('--') and script.startswith("set -eu;")
        security = cronjob["containerSecurityContext"]
        assert security["runAsNonRoot"] is True and security["allowPrivilegeEscalation"] is False
        assert security["readOnlyRootFilesystem"] is True and security["capabilities"] == {"drop": ["ALL"]}
        assert security["seccompProfile"] == {"type": "RuntimeDefault"}
        assert cronjob["concurrencyPolicy"] == "Forbid"


def test_production_backs_up_daily_and_keeps_35_days():
    backups = Backups.model_validate(profile_backups("production"))
    assert backups.daily() and backups.retention_days == 35


@pytest.mark.parametrize("env", ["development", "local"])
def test_no_backups_where_the_profile_names_none(objects, env):
    assert profile_backups(env) is None
    for values in release_values(env).values():
        assert "backup" not in values and "backups" not in values
    assert not [o for o in part_objects(objects, env, "shared") if o["metadata"]["name"].endswith("-backup")]


def test_dump_pods_read_the_vault_made_credentials(objects):
    """The charts' CronJobs read the store's existing Secret, which an ExternalSecret makes."""
    values = release_values("production")
    shared = part_objects(objects, "production", "shared")
    for release, secret in (("postgres", "postgres-credentials"), ("mongodb", "mongodb-credentials")):
        assert values[release]["auth"]["existingSecret"] == secret
        assert find(shared, "ExternalSecret", secret)["spec"]["secretStoreRef"]["name"] == "vault-production"


def test_scylla_manager_backs_up_the_first_datacenter_to_the_bucket_and_repairs_weekly():
    values = release_values("production")
    backups = profile_backups("production")
    first = values["scylladb-dc1"]
    assert first["backups"] == [{"name": "backup", "cron": backups["schedule"], "location": [backups["location"]],
                                 "retention": 35, "dc": ["production-dc1"]}]
    assert first["repairs"] == [{"name": "repair", "cron": "0 3 * * 0"}]
    for other in ("scylladb-dc2", "scylladb-dc3"):
        assert "backups" not in values[other] and "repairs" not in values[other]


def test_scylla_tasks_fit_the_scyllacluster_schema():
    """The chart copies `backups` and `repairs` into the ScyllaCluster's spec: its CRD's fields."""
    schema = json.loads((PROJECT / "schemas/scylla.scylladb.com/v1/scyllacluster.json").read_text())
    spec = schema["properties"]["spec"]["properties"]
    values = release_values("production")["scylladb-dc1"]
    for key in ("backups", "repairs"):
        fields = spec[key]["items"]["properties"]
        for task in values[key]:
            assert set(task) <= set(fields), key
            for field, value in task.items():
                kind = fields[field]["type"]
                assert isinstance(value, {"string": str, "integer": int, "array": list}[kind]), field


def test_redis_has_no_backup(objects):
    assert "backup" not in release_values("production")["redis"]
    assert not [o for o in part_objects(objects, "production", "redis") if o["kind"] in ("CronJob", "PersistentVolumeClaim")]


@pytest.mark.parametrize("store, component", [("postgres", "pg_dumpall"), ("mongodb", "mongodump")])
def test_dump_pods_have_their_own_policy_to_their_store_only(objects, store, component):
    shared = part_objects(objects, "production", "shared")
    policy = find(shared, "NetworkPolicy", f"{store}-backup")["spec"]
    assert policy["podSelector"] == {"matchLabels": {"app.kubernetes.io/instance": store,
                                                     "app.kubernetes.io/component": component}}
    assert policy["ingress"] == []
    port = {"postgres": 5432, "mongodb": 27017}[store]
    to_store, dns = policy["egress"]
    assert to_store == {"to": [{"podSelector": {"matchLabels": {"app.kubernetes.io/instance": store}}}],
                        "ports": [{"port": port, "protocol": "TCP"}]}
    assert dns["ports"][0]["port"] == 53


def test_the_dump_volume_is_counted_in_capacity(fresh):
    """The chart's dump claim is a rendered object: gen capacity counts it like any other."""
    from blueprints.quantity import parse_bytes
    from generator.validation.capacity import capacity

    env = CATALOG.environment("production")
    docs = [d for d in fresh.docs if d.part.env == env.name]
    (claim,) = [d for d in docs if d.kind == "PersistentVolumeClaim" and d.part.name == "postgres"]
    assert claim.obj["spec"]["resources"]["requests"]["storage"] == profile_backups("production")["storage"]
    storage = {c.lines[-1].requested for c in (capacity(env, docs), capacity(env, [d for d in docs if d is not claim]))}
    assert max(storage) - min(storage) == parse_bytes(profile_backups("production")["storage"])


def test_backup_stale_alert_fires_a_day_and_two_hours_after_the_last_dump(objects):
    shared = part_objects(objects, "production", "shared")
    rule = find(shared, "PrometheusRule", "alerts-backups")["spec"]["groups"][0]["rules"][0]
    assert rule["alert"] == "BackupStale"
    assert rule["expr"] == (
        'time() - max by (cronjob) (kube_cronjob_status_last_successful_time{namespace="therapeutic-ai",'
        'cronjob=~".+-(pgdumpall|mongodump)"}) > 93600'
    )
    assert rule["labels"] == {"severity": "critical", "namespace": "therapeutic-ai"}  # routes match both


def test_the_alert_names_match_the_charts_cronjobs():
    """<primary fullname>-pgdumpall (`postgres-primary` when replicated) and <fullname>-mongodump."""
    pattern = re.compile(".+-(pgdumpall|mongodump)")
    for name in ("postgres-primary-pgdumpall", "postgres-pgdumpall", "mongodb-mongodump"):
        assert pattern.fullmatch(name)


def test_a_dump_command_refuses_a_name_a_backup_cannot_have():
    with pytest.raises(ValueError):
        dump_command("true", "/d", "../x", 7)


@pytest.mark.parametrize("edit, message", [
    ({"schedule": "@daily"}, "schedule"),
    ({"retention_days": 0}, "retention_days"),
    ({"location": "ftp:bucket"}, "location"),
])
def test_bad_backups_are_refused(edit, message):
    good = profile_backups("production")
    with pytest.raises(Exception, match=message):
        Backups.model_validate({**good, **edit})
