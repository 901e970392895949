"""Schema migrations ordered with blue-green: PreSync Jobs of the color being deployed, restricted,
credentials from Vault, their own NetworkPolicy; a contract migration is refused beside a serving
color by `gen render --color` and `gen promote`; the seed's downgrade renders on demand."""

from __future__ import annotations

from pathlib import Path

import pytest

from generator import yamlio
from tests.netpolicy import Pod, allows
from tests.conftest import edit, find, gen, part_objects, snapshot_tree

DATABASES = Path("blueprints/catalog/databases.yaml")
ENVIRONMENTS = Path("blueprints/catalog/environments.yaml")
PRODUCTION_IMAGES = "    images: {registry: registry.therapeutic-ai.internal/platform, tag: 3.0.0}\n    gpu_hosts: gpu"


@pytest.mark.parametrize("env, part, suffix", [
    ("production", "green", "-green"), ("production", "blue", "-blue"), ("staging", "green", "-green"),
    ("development", "app", ""),
])
def test_each_services_part_migrates_its_stores_before_its_services(objects, env, part, suffix):
    objs = part_objects(objects, env, part)
    for store, command in (("postgres", ["alembic", "upgrade", "head"]), ("scylladb", ["cql-migrate", "up"])):
        job = find(objs, "Job", f"migrate-{store}{suffix}")
        assert job["metadata"]["annotations"]["argocd.argoproj.io/hook"] == "PreSync"
        account = find(objs, "ServiceAccount", f"migrate-{store}{suffix}")
        # the hook's ServiceAccount is a hook too, in an earlier wave: it exists before the Job
        assert account["metadata"]["annotations"]["argocd.argoproj.io/hook"] == "PreSync"
        assert int(account["metadata"]["annotations"]["argocd.argoproj.io/sync-wave"]) < 0
        pod = job["spec"]["template"]["spec"]
        assert pod["serviceAccountName"] == f"migrate-{store}{suffix}"
        [container] = pod["containers"]
        assert container["command"] == command
        tag = {"development": "3.0.0-rc"}.get(env, "3.0.0")
        assert container["image"] == f"registry.therapeutic-ai.internal/platform/{store}-migrations:{tag}"
        assert container["securityContext"]["runAsNonRoot"] and container["securityContext"]["readOnlyRootFilesystem"]
        assert container["securityContext"]["capabilities"] == {"drop": ["ALL"]}
        assert not [e for e in container["env"] if "valueFrom" in e]  # secrets are files
        secrets = [v["secret"]["secretName"] for v in pod["volumes"] if "secret" in v]
        assert secrets == ["database-secrets", f"migrate-{store}-tls"]  # the URLs, and the CA they name
        assert job["spec"]["backoffLimit"] == 0
        if suffix:
            assert job["metadata"]["labels"]["version"] == part


def test_database_secrets_come_from_vault(objects):
    secret = find(part_objects(objects, "production", "shared"), "ExternalSecret", "database-secrets")
    assert secret["spec"]["secretStoreRef"]["name"] == "vault-production"


def test_no_migration_job_without_argo_cd(objects):
    assert not [o for o in part_objects(objects, "local", "app") if o["metadata"]["name"].startswith("migrate-")]


def test_migration_pods_reach_their_store_and_nothing_else(objects):
    policies = [o for o in part_objects(objects, "production", "shared") if o["kind"] == "NetworkPolicy"]
    migrate = Pod("therapeutic-ai", {"app.kubernetes.io/name": "migrate-postgres", "version": "green"})
    postgres = Pod("therapeutic-ai", {"app.kubernetes.io/instance": "postgres"})
    mongodb = Pod("therapeutic-ai", {"app.kubernetes.io/instance": "mongodb"})
    gateway = Pod("therapeutic-ai", {"app.kubernetes.io/name": "api-gateway"})
    assert allows(policies, migrate, postgres, 5432)
    assert not allows(policies, migrate, mongodb, 27017)
    assert not allows(policies, migrate, gateway, 8090)
    assert not allows(policies, gateway, migrate, 8090)
    scylla = Pod("therapeutic-ai-scylla-dc1", {"app.kubernetes.io/name": "scylla"})
    assert allows(policies, Pod("therapeutic-ai", {"app.kubernetes.io/name": "migrate-scylladb"}), scylla, 9042)
    assert not allows(policies, Pod("therapeutic-ai", {"app.kubernetes.io/name": "migrate-scylladb"}), postgres, 5432)


# `project` (conftest): a private copy of a scratch project rendered once per module

def green_release(project: Path, kind: str | None) -> None:
    """Green runs 3.1.0, whose migration is `kind` (None: not listed, so expand)."""
    edit(project, ENVIRONMENTS, PRODUCTION_IMAGES, PRODUCTION_IMAGES.replace("tag: 3.0.0}", "tag: 3.0.0, color_tags: {green: 3.1.0}}"))
    if kind:
        edit(project, DATABASES, "    3.0.0: expand\n", f"    3.0.0: expand\n    3.1.0: {kind}\n")


def test_render_refuses_a_contract_migration_while_the_other_color_serves(project):
    green_release(project, "contract")
    before = snapshot_tree(project)
    result = gen(project, "render", "production", "--color", "green")
    assert result.exit_code == 1
    assert result.output.strip().splitlines()[-1] == (
        "gen: error: cannot render production green: release 3.1.0 has a contract migration (databases.yaml "
        "migrations.releases) and blue serves production on the schema this migration contracts; ship an "
        "expand-only release first, promote it, `gen retire production blue`, then contract in the serving color "
        "(README, 'Migrations')"
    )
    assert snapshot_tree(project) == before


def test_render_of_every_part_refuses_it_too(project):
    green_release(project, "contract")
    result = gen(project, "render", "production")
    assert result.exit_code == 1 and "cannot render production green: release 3.1.0" in result.output


def test_an_expand_migration_renders_into_the_idle_color(project):
    green_release(project, "expand")
    result = gen(project, "render", "production", "--color", "green")
    assert result.exit_code == 0, result.output
    job = yamlio.load((project / "rendered/production/green/job-migrate-postgres-green.yaml").read_text())
    assert job["spec"]["template"]["spec"]["containers"][0]["image"].endswith("/postgres-migrations:3.1.0")
    blue = yamlio.load((project / "rendered/production/blue/job-migrate-postgres-blue.yaml").read_text())
    assert blue["spec"]["template"]["spec"]["containers"][0]["image"].endswith("/postgres-migrations:3.0.0")


def test_a_release_not_listed_is_expand(project):
    green_release(project, None)
    assert gen(project, "render", "production", "--color", "green").exit_code == 0


def test_promote_refuses_a_contract_migration_while_the_other_color_serves(project):
    green_release(project, "expand")
    assert gen(project, "render", "production", "--color", "green").exit_code == 0
    edit(project, DATABASES, "    3.1.0: expand\n", "    3.1.0: contract\n")
    before = snapshot_tree(project)
    result = gen(project, "promote", "production", "green")
    assert result.exit_code == 1
    assert "cannot promote production green: release 3.1.0 has a contract migration" in result.output
    assert snapshot_tree(project) == before


def test_contract_in_the_serving_color_waits_for_the_other_to_be_retired(project):
    edit(project, DATABASES, "    3.0.0: expand\n", "    3.0.0: expand\n    3.0.1: contract\n")
    edit(project, ENVIRONMENTS, PRODUCTION_IMAGES, PRODUCTION_IMAGES.replace("tag: 3.0.0}", "tag: 3.0.0, color_tags: {blue: 3.0.1}}"))
    refused = gen(project, "render", "production", "--color", "blue")
    assert refused.exit_code == 1
    assert "green is still deployed in production: a rollback would return to it" in refused.output
    assert gen(project, "retire", "production", "green").exit_code == 0
    assert gen(project, "render", "production", "--color", "blue").exit_code == 0


def test_downgrade_renders_on_demand_and_touches_no_output(project, tmp_path):
    before = snapshot_tree(project)
    result = gen(project, "downgrade-plan", "production", "postgres", "--out", str(tmp_path / "down"))
    assert result.exit_code == 0, result.output
    assert snapshot_tree(project) == before
    job = yamlio.load((tmp_path / "down" / "02-job-downgrade-postgres.yaml").read_text())
    container = job["spec"]["template"]["spec"]["containers"][0]
    assert container["command"] == ["alembic", "downgrade", "-1"]  # the seed's rollback step
    assert container["image"] == "registry.therapeutic-ai.internal/platform/postgres-migrations:3.0.0"
    # its pods are the migration's: the shared NetworkPolicy lets them reach PostgreSQL alone
    assert job["spec"]["template"]["metadata"]["labels"]["app.kubernetes.io/name"] == "migrate-postgres"
    assert "argocd.argoproj.io/hook" not in job["metadata"]["annotations"]


def test_downgrade_refuses_a_store_without_one(project):
    result = gen(project, "downgrade-plan", "production", "scylladb")
    assert result.exit_code == 2
    assert result.output.strip() == ("gen: error: 'scylladb' has no downgrade in databases.yaml migrations.jobs; "
                                     "choose one of: postgres")
