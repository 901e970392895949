"""`gen downgrade-plan ENV STORE [--color C] [--out DIR]`: the seed's `alembic downgrade -1` as a
Job rendered on demand (generator/output.py): the store's `downgrade` command of databases.yaml
in the migration image of the color's release (default: the one serving), run like the PreSync
migration (its pods are `migrate-<store>`: the same NetworkPolicy lets them reach the store alone).
Blue-green rollbacks need none (every migration beside a serving color is expand-only); it is
for undoing a contract step by hand."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from blueprints.model import Catalog, Color, Environment
from generator.errors import UsageError
from generator.ondemand import output


@dataclass(frozen=True)
class DowngradePlanOptions:
    project: Path
    catalog: Catalog
    env: Environment
    store: str
    color: Color | None = None
    out: Path | None = None


def plan(options: DowngradePlanOptions) -> output.OnDemand:
    catalog, env = options.catalog, options.env
    jobs = catalog.databases.migrations.jobs
    downgradable = [name for name, job in jobs.items() if job.downgrade]
    migration = jobs.get(options.store)
    if migration is None or not migration.downgrade:
        raise UsageError(f"{options.store!r} has no downgrade in databases.yaml migrations.jobs; "
                         f"choose one of: {', '.join(downgradable) or 'none'}")
    if not env.argocd:
        raise UsageError(f"{env.name} runs no migration Jobs (no Argo CD): downgrade with the tool itself")
    release = catalog.release(env.name)
    color = options.color
    if color is not None and (release is None or color not in release.deployed):
        raise UsageError(f"--color {color.value}: not deployed in {env.name}")
    if color is None and release is not None:
        color = release.active
    if options.out is not None:
        output.check_out(options.project, options.out)
    chart = output.chart()  # first: it points jsii at the project's Node before cdk8s loads
    from blueprints.k8s import api_object
    from blueprints.identities import migration_image
    from blueprints.migrations import migration_job

    manifests = migration_job(env, options.store, migration, migration_image(env, migration, color), migration.downgrade,
                              f"downgrade-{options.store}", {})
    job = manifests[1]
    job["metadata"]["annotations"]["therapeutic-ai.io/release"] = env.images.tag_for(color)
    for manifest in manifests:
        api_object(chart, manifest, id=f"{manifest['kind']}-{manifest['metadata']['name']}")
    return output.validated(options.project, catalog, env, manifests, f"downgrade-plan {env.name} {options.store}")
