"""`gen restore-plan ENV STORE --backup NAME [--out DIR]`: the manifests of a restore drill
(blueprints/restore.py), rendered on demand (generator/ondemand/output.py)."""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from blueprints.databases.backup import NAME
from blueprints.model import Catalog, Environment
from generator.errors import UsageError
from generator.ondemand import output


@dataclass(frozen=True)
class RestorePlanOptions:
    project: Path
    catalog: Catalog
    env: Environment
    store: str
    backup: str
    out: Path | None = None


def plan(options: RestorePlanOptions) -> output.OnDemand:
    """Check the request, build the drill and validate it; a refusal raises before anything is built."""
    catalog, env = options.catalog, options.env
    stores = env.stores()
    charts = catalog.databases.charts
    restorable = [name for name, s in stores.items() if s.restore(charts) is not None]
    if options.store not in stores:
        raise UsageError(f"unknown store {options.store!r}; choose one of: {', '.join(restorable)}")
    store = stores[options.store]
    restore = store.restore(charts)
    if restore is None:
        raise UsageError(f"{store.name} has no dumps to restore (README, 'Backups and restore'); "
                         f"gen restore-plan restores {', '.join(restorable)}")
    if env.databases.backups is None:
        raise UsageError(f"{env.name} takes no backups (no databases.backups in its profile): nothing to restore")
    if not re.match(NAME, options.backup) or not options.backup.startswith(restore.prefix):
        raise UsageError(f"--backup: {options.backup!r} is not a {store.name} dump's name "
                         f"({restore.prefix}YYYY-MM-DD-HH-MM, as `ls` of the dump volume shows)")
    if options.out is not None:
        output.check_out(options.project, options.out)
    chart = output.chart()  # first: it points jsii at the project's Node before cdk8s loads
    from blueprints.restore import RestorePlan

    drill = RestorePlan(chart, "restore", catalog=catalog, env=env, store=store, restore=restore, backup=options.backup)
    return output.validated(options.project, catalog, env, drill.manifests,
                              f"restore-plan {env.name} {store.name}")
