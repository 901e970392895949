"""Backups of the stores: the profile's schedule, retention and targets, and the value blocks the
Bitnami charts' dump CronJobs (`backup.cronjob`) share.

A profile's `databases.backups` (environments.yaml) says when every store is backed up, how long a
backup is kept, how big the dump volumes are and where Scylla Manager uploads snapshots. No
`backups:` (local) means none. Each store turns it into its chart's own feature (its module's
`backup_values`): PostgreSQL and MongoDB dump on `schedule` into a volume of the environment's
encrypted StorageClass, pruning dumps older than `retention_days`; ScyllaDB's ScyllaCluster gets a
Scylla Manager backup task (snapshots kept: `retention_days`) and a weekly repair task.
"""

from __future__ import annotations

import re

from pydantic import Field

from blueprints.databases.bitnami import RESTRICTED_CONTAINER, Amounts, ContainerSecurityContext, Resources
from blueprints.databases.store import Values
from blueprints.types import Bytes, Strict

# five fields of a Kubernetes CronJob schedule (no @daily: the freshness alert needs a period it can read)
_FIELD = r"[0-9*/,-]+"
CRON = rf"^{_FIELD} {_FIELD} {_FIELD} {_FIELD} {_FIELD}$"
NAME = r"^[a-z0-9][a-z0-9._-]{0,127}$"  # a backup's name, as `gen restore-plan --backup` takes it
# What a dump pod requests (and is limited to): pg_dumpall and mongodump stream, they hold little.
DUMP = Amounts(cpu="500m", memory="512Mi")


class Backups(Strict):
    """`databases.backups` of a profile: every store's backups in that environment."""

    schedule: str = Field(pattern=CRON, description="when the stores are backed up (cron, the cluster's time zone)")
    retention_days: int = Field(ge=1, le=3650, description="how long a backup is kept")
    storage: Bytes = Field(description="size of each dump volume (PostgreSQL's, MongoDB's)")
    location: str = Field(
        pattern=r"^(s3|gcs|azure):[a-z0-9][a-z0-9.-]{1,62}$",
        description="where Scylla Manager uploads ScyllaDB's snapshots (provider:bucket)",
    )
    repair_schedule: str = Field(default="0 3 * * 0", pattern=CRON, description="ScyllaDB's repair task (weekly)")

    def daily(self) -> bool:
        """Whether the schedule runs at least once a day (a fixed minute and hour, every day)."""
        minute, hour, day, month, weekday = self.schedule.split()
        return day == "*" and month == "*" and weekday == "*"


def prune(directory: str, pattern: str, days: int) -> str:
    """Shell that deletes the dumps older than `days` days: what the retention is."""
    return f'find "{directory}" -maxdepth 1 -name \'{pattern}\' -mtime +{days - 1} -delete'


def dump_command(dump: str, directory: str, name: str, days: int) -> list[str]:
    """The CronJob's command: `dump` writes `$OUT` (a partial file, renamed when complete, so a failed
    dump never looks like a backup), then the retention prunes older ones."""
    if not re.match(NAME, f"{name}-2026-01-01-00-00"):
        raise ValueError(f"{name!r} cannot name a backup")
    stamp = "$(date -u '+%Y-%m-%d-%H-%M')"
    script = (
        f'set -eu; NAME="{name}-{stamp}"; OUT="{directory}/.$NAME.partial"; {dump}; '
        f'mv "$OUT" "{directory}/$NAME"; {prune(directory, f"{name}-*", days)}; echo "backup $NAME done"'
    )
    return ["/bin/sh", "-c", script]


class DumpStorage(Values):
    """The dump volume the chart claims (`<release>-pgdumpall`, `<release>-mongodump`)."""

    storageClass: str | None = None
    size: str

    def makes(self) -> tuple[str, ...]:
        return ("PersistentVolumeClaim",)


class CronJob(Values):
    """`backup.cronjob` keys both charts take."""

    schedule: str
    concurrencyPolicy: str = "Forbid"  # a slow dump is never overlapped by the next one
    successfulJobsHistoryLimit: int = 3
    failedJobsHistoryLimit: int = 3  # kept for the freshness alert's kube-state-metrics series and for kubectl logs
    command: list[str]
    containerSecurityContext: ContainerSecurityContext = RESTRICTED_CONTAINER
    resources: Resources = Resources(requests=DUMP, limits=DUMP)
    storage: DumpStorage


class Backup(Values):
    enabled: bool = True
    cronjob: CronJob

    def makes(self) -> tuple[str, ...]:
        return ("CronJob",) if self.enabled else ()

    def kinds(self) -> frozenset[str]:
        return super().kinds() if self.enabled else frozenset()
