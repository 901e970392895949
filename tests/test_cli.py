"""The CLI end to end on scratch projects: exact exit codes, messages, and what is (not) written."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from blueprints.layout import SERVICES_FILE
from blueprints.types import BlueprintError, CatalogProblem
from generator.catalog import load_catalog
from tests.conftest import edit, gen, located, part_objects, project_catalog, refuses_bad_input, set_service_field, snapshot_tree
from tests.seed import SEED_SERVICES, SEED_STAGING_CLUSTER

SERVICES = Path("blueprints/catalog/services.yaml")
ENVIRONMENTS = Path("blueprints/catalog/environments.yaml")
CATALOG = project_catalog()
ENV_NAMES = ", ".join(e.name for e in CATALOG.environments.environments)


# --- bad command lines: exit 2, the valid choices, nothing written ------------------------------

@pytest.mark.parametrize(
    "args,message",
    [
        (["render", "prod"], f"unknown environment 'prod'; choose one of: {ENV_NAMES}"),
        (["render", "local", "--color", "green"], "local has no blue-green (its part is 'app'); drop --color"),
        (["render", "development", "--color", "blue"], "development has no blue-green"),
        (["render"], f"name an environment ({ENV_NAMES}) or give --all"),
        (["render", "--all", "staging"], "--all renders every environment: give no ENV and no --color with it"),
        (["render", "production", "--color", "red"], "'red' is not one of 'blue', 'green'"),
    ],
)
def test_bad_arguments_exit_2_with_choices_and_write_nothing(scratch, args, message):
    before = snapshot_tree(scratch)
    result = gen(scratch, *args)
    assert result.exit_code == 2
    assert message in result.output
    assert snapshot_tree(scratch) == before


# --- bad catalogs: exit 2, one line naming file, line and field, nothing written ----------------

DATABASES = Path("blueprints/catalog/databases.yaml")
PRODUCTION = "  - name: production\n"


# (file, old, new, where the error is: the line `anchor` starts on after the edit, and the message:
# `{service}`, `{environment}` stand for its index in its file; tests.conftest.located)
@pytest.mark.parametrize(
    "relative,old,new,anchor,expected",
    [
        (SERVICES, "    port: 8080\n", "    port: 8090\n", "    port: 8090\n    replicas: 3\n    role: authentication",
         "services[{auth-rbac}].port: duplicate port 8090 (already used by api-gateway)"),
        (SERVICES, "  - name: billing\n", "  - name: api-gateway\n", "  - name: api-gateway\n    tier: go\n    port: 8081",
         "services[{billing}].name: duplicate name 'api-gateway' (already used by api-gateway)"),
        (SERVICES, "  - name: consent\n", "  - name: Consent_Svc\n", "  - name: Consent_Svc",
         "services[{consent}].name: 'Consent_Svc' is not a DNS-1035 label"),
        (SERVICES, "    port: 8083\n    replicas: 2", "    port: 8083\n    replicas: -1", "    replicas: -1",
         "services[{consent}].replicas: Input should be greater than or equal to 0"),
        (SERVICES, "    tier: go\n    port: 8083", "    tier: rust\n    port: 8083", "    tier: rust",
         "services[{consent}].tier: Input should be 'go', 'python-ai' or 'gpu-host'"),
        (SERVICES, "    model: BAAI/bge-large-en-v1.5\n", "", "  - name: bge-host",
         "services[{bge-host}].model: a gpu-host service needs model"),
        (ENVIRONMENTS, "    gpu_hosts: gpu\n", "    gpu_hosts: gpu\n    gpu_host: gpu\n", "    gpu_host: gpu\n",
         "environments[{production}].gpu_host: Extra inputs are not permitted"),
        (ENVIRONMENTS, "tag: 3.0.0}\n    gpu_hosts: gpu", "tag: latest}\n    gpu_hosts: gpu", (PRODUCTION, "    images:"),
         "environments[{production}].images.tag: 'latest' is not a release"),
        (ENVIRONMENTS, "      gpu_nodes: {count: 4, gpus_per_node: 2}", "", (PRODUCTION, "    gpu_hosts:"),
         "environments[{production}].gpu_hosts: 'gpu' needs cluster.gpu_nodes"),
        (ENVIRONMENTS, "    replicas: {max: 2}", "    replicas: {max: 0}", "    replicas: {max: 0}",
         "environments[{staging}].replicas.max: Input should be greater than or equal to 1"),
        (ENVIRONMENTS, "mongodb: {members: 3, cpu: \"1\"", "mongodb: {members: 4, cpu: \"1\"", "      mongodb: {members: 4",
         "environments[{production}].databases.mongodb.members: a replica set of 4 has no majority"),
        (ENVIRONMENTS, "redis: {cluster: true, shards: 3,", "redis: {cluster: true, shards: 2,", "      redis: {cluster: true, shards: 2",
         "environments[{production}].databases.redis.shards: Redis Cluster needs at least 3 shards"),
        (ENVIRONMENTS, "      storage_class: encrypted-ssd   # assumed name of the cluster's encrypted class (real PHI)\n", "",
         (PRODUCTION, "    databases:"),
         "environments[{production}].databases.storage_class: real-phi data must be on an encrypted StorageClass"),
        (DATABASES, "version: 16.7.27", "version: latest", "    version: latest",
         "charts.postgresql.version: String should match pattern"),
        (ENVIRONMENTS, "      scylladb: {datacenters: 3", "      scylla: {datacenters: 3", "      scylla: {datacenters: 3",
         "environments[{production}].databases.scylla: 'scylla' is not a store (one of postgres, mongodb, redis, scylladb)"),
        (ENVIRONMENTS, "      redis: {cluster: true, shards: 3, replicas: 1, cpu: 500m, memory: 2Gi, storage: 10Gi}\n", "",
         (PRODUCTION, "    databases:"),
         "environments[{production}].databases: every environment sizes every store: redis missing"),
        (DATABASES, "\n  scylladb: {", "\n  scylla: {", ("\nlocal_images:", "  scylla: {"),
         "local_images.scylla: 'scylla' is not a store"),
        (SERVICES, "  - name: billing\n", "  - name: redis-database\n", "  - name: redis-database\n",
         "services[{billing}].name: 'redis-database' is taken by the store redis"),
        (SERVICES, "  - name: billing\n", "  - name: health-check\n", "  - name: health-check\n",
         "services[{billing}].name: 'health-check' is taken by the post-sync health check"),
        (DATABASES, "  redis-cluster:  ", "  redis-sharded:  ", "  redis-sharded:  ",
         "charts.redis-sharded: no store installs chart 'redis-sharded'"),
    ],
    ids=["duplicate-port", "duplicate-name", "not-dns", "negative-replicas", "unknown-tier", "gpu-host-without-model",
         "unknown-key", "latest-tag", "gpu-without-nodes", "zero-replica-cap", "even-replica-set", "two-redis-shards",
         "phi-without-encrypted-storage", "chart-not-pinned", "unknown-store", "store-not-sized", "local-image-of-no-store",
         "chart-of-no-store", "service-named-like-a-store", "service-named-like-the-health-check"],
)
def test_bad_catalog_exits_2_with_one_line_and_writes_nothing(project, relative, old, new, anchor, expected):
    edit(project, relative, old, new)
    refuses_bad_input(project, located(project, relative, anchor, expected))


@pytest.mark.parametrize("refusal,message", [
    (BlueprintError("two objects are Service/postgres: postgres and api-gateway"),
     "local/shared: two objects are Service/postgres: postgres and api-gateway"),
    (ValueError("replicas must be at least 1"), "local/shared: replicas must be at least 1"),
    (CatalogProblem(("services", 3, "port"), "port 80 is privileged"), "local/shared: services[3].port: port 80 is privileged"),
], ids=["blueprint-error", "value-error", "catalog-problem"])
def test_a_blueprint_that_cannot_build_the_catalog_is_one_line(project, monkeypatch, refusal, message):
    """A blueprint refusing the catalog's values (two objects of one kind and name in a part, which
    the catalog checks should prevent; any ValueError) is a one-line error naming the part, and the
    field when the blueprint names it, not a traceback."""
    import blueprints.charts

    def refuse(*args, **kwargs):
        raise refusal

    monkeypatch.setattr(blueprints.charts, "part_chart", refuse)
    refuses_bad_input(project, message, "render", "local")


def test_missing_catalog_names_the_file(tmp_path):
    result = gen(tmp_path, "list")
    assert result.exit_code == 2
    assert "blueprints/catalog/services.yaml: cannot read" in result.output


# --- render, check, and the hand patches ----------------------------------------------------------

def test_render_prints_what_it_wrote_then_is_up_to_date(scratch):
    before = snapshot_tree(scratch)
    first = gen(scratch, "render", "production", "--color", "green")
    assert first.exit_code == 0, first.output
    assert "added    rendered/production/green/deployment-api-gateway-green.yaml" in first.output
    assert "added    overlays/production/patches/kustomization.yaml" in first.output
    added = sorted(set(snapshot_tree(scratch)) - set(before))
    assert sorted(line.split()[1] for line in first.stdout.splitlines() if line.startswith("added ")) == added
    assert first.stdout.strip().splitlines()[-1] == (
        f"gen render production --color green: {len(added)} added, 0 changed, 0 removed; validated: 0 errors, 0 warnings"
    )
    assert not (scratch / "rendered/production/blue").exists()  # one color only
    # and shared only where it is committed already (tests/test_serving_color.py): a first render
    # of one color leaves it to `gen render production`
    assert not (scratch / "rendered/production/shared").exists()

    second = gen(scratch, "render", "production", "--color", "green")
    assert second.output == "gen render production --color green: up to date; validated: 0 errors, 0 warnings\n"


def test_check_reports_missing_changed_and_extra_files_and_writes_nothing(project):
    assert gen(project, "check").exit_code == 0

    (project / "rendered/staging/blue/service-billing-blue.yaml").unlink()
    edited = project / "rendered/production/green/deployment-consent-green.yaml"
    edited.write_text(re.sub(r"\n  replicas: \d+\n", "\n  replicas: 7\n", edited.read_text()))
    (project / "rendered/local/app/extra.yaml").write_text("kind: ConfigMap\n")
    (project / "rendered/no-such-env").mkdir()
    (project / "rendered/no-such-env/stray.yaml").write_text("kind: ConfigMap\n")
    before = snapshot_tree(project)

    result = gen(project, "check")
    assert result.exit_code == 1
    assert result.output.splitlines() == [
        "missing  rendered/staging/blue/service-billing-blue.yaml",
        "changed  rendered/production/green/deployment-consent-green.yaml",
        "extra    rendered/local/app/extra.yaml",
        "extra    rendered/no-such-env/stray.yaml",
        "gen check: 4 files differ from a fresh render; run `gen render --all` and commit",
    ]
    assert snapshot_tree(project) == before


def test_render_env_removes_stale_parts_but_keeps_hand_patches(project):
    edit(project, ENVIRONMENTS, "    blue_green: false\n    replicas: {max: 1}\n    images: {registry: registry",
         "    blue_green: true\n    replicas: {max: 1}\n    images: {registry: registry")  # development
    patches = (project / "overlays/development/patches/kustomization.yaml").read_bytes()
    result = gen(project, "render", "development", "--quiet")
    assert result.exit_code == 0, result.output
    # no hand edit of the release record: the first render writes development's line
    assert "  development: {active: blue, deployed: [blue, green]}\n" in \
        (project / "blueprints/catalog/releases.yaml").read_text()
    releases = load_catalog(project).release_parts("development")  # the stores' charts, hydrated
    assert sorted(p.name for p in (project / "rendered/development").iterdir()) == sorted(
        ["argocd", "blue", "green", "shared", *releases])
    assert sorted(p.name for p in (project / "overlays/development").iterdir()) == [
        "argocd", "blue", "green", "patches", "shared"]
    assert (project / "overlays/development/patches/kustomization.yaml").read_bytes() == patches


def test_hand_patch_is_applied_to_every_color(project):
    (project / "overlays/production/patches/kustomization.yaml").write_text(
        "apiVersion: kustomize.config.k8s.io/v1alpha1\nkind: Component\npatches:\n"
        "- target: {kind: Deployment, name: billing}\n"
        "  patch: |-\n    - op: add\n      path: /metadata/annotations\n      value: {owner: payments}\n"
    )
    result = gen(project, "render", "production", "--quiet")
    assert result.exit_code == 0, result.output
    # (the committed waivers' findings are counted after the warnings)
    assert result.stdout.startswith("gen render production: 0 added, 2 changed, 0 removed; validated: 0 errors, 0 warnings")
    assert result.stderr.startswith("gen: note: this changes what serves production")  # the patch reaches the serving color
    for color in ("blue", "green"):
        text = (project / f"rendered/production/{color}/deployment-billing-{color}.yaml").read_text()
        assert "annotations:\n    owner: payments\n" in text


def test_broken_hand_patch_fails_with_exit_2_and_leaves_the_tree_as_it_was(project):
    (project / "overlays/staging/patches/kustomization.yaml").write_text(
        "apiVersion: kustomize.config.k8s.io/v1alpha1\nkind: Component\npatches:\n- path: missing.yaml\n"
    )
    set_service_field(project, "billing", "port", "8099")  # would change every env
    before = snapshot_tree(project)
    result = gen(project, "render", "--all")
    assert result.exit_code == 2
    assert re.match(r"gen: error: overlays/staging/(shared|blue|green): kustomize failed: .*missing\.yaml", result.output)
    assert snapshot_tree(project) == before
    assert not list(project.glob(".gen-tmp-*"))


def test_list_shows_environments_parts_and_services(scratch, objects):
    result = gen(scratch, "list")
    assert result.exit_code == 0
    lines = result.output.splitlines()
    assert lines[0].split() == ["ENVIRONMENT", "COMPLIANCE", "DATA", "BLUE-GREEN", "PARTS", "GPU", "HOSTS", "CLUSTER"]
    staging = next(line for line in lines if line.startswith("staging "))
    parts = ",".join(CATALOG.parts("staging"))  # the stores' releases among them
    assert staging.split()[:6] == ["staging", "hipaa-like", "anonymized", "yes", parts, "cpu"]
    assert "{} workers, {} cores, {}, {}".format(*SEED_STAGING_CLUSTER) in staging
    # api-gateway's replicas per environment, as rendered (the first color where there are two)
    replicas = [str(next(o["spec"]["replicas"] for part in CATALOG.parts(env.name)
                         for o in part_objects(objects, env.name, part)
                         if o["kind"] == "Deployment" and o["metadata"]["labels"]["app.kubernetes.io/name"] == "api-gateway"))
                for env in CATALOG.environments.environments]
    api = next(line for line in lines if line.startswith("api-gateway "))
    port, _, tier = SEED_SERVICES["api-gateway"]
    assert api.split()[:3 + len(replicas)] == ["api-gateway", tier, str(port), *replicas]
    assert lines[-1] == f"gen list: {len(CATALOG.environments.environments)} environments, {len(CATALOG.services.services)} services"


def test_list_follows_every_catalog_edit_although_it_remembers_its_table(scratch):
    """`gen list` prints a remembered table only while the catalog's bytes are the same: an edit
    shows at once, and a broken catalog is refused every time, not hidden by the last good table."""
    first = gen(scratch, "list")
    assert first.exit_code == 0 and gen(scratch, "list").output == first.output
    edit(scratch, SERVICES_FILE, "role: AI orchestration", "role: AI orchestration, edited")
    edited = gen(scratch, "list")
    assert "AI orchestration, edited" in edited.output and edited.output != first.output
    edit(scratch, SERVICES_FILE, "role: AI orchestration, edited", "role: [AI orchestration")
    for _ in range(2):
        broken = gen(scratch, "list")
        assert broken.exit_code == 2 and broken.output.startswith(f"gen: error: {SERVICES_FILE}:")
    edit(scratch, SERVICES_FILE, "role: [AI orchestration", "role: AI orchestration")
    assert gen(scratch, "list").output == first.output


def test_a_color_tag_renders_only_that_color_with_the_new_release(project):
    edit(project, ENVIRONMENTS, "    images: {registry: registry.therapeutic-ai.internal/platform, tag: 3.0.0}\n    revision:",
         "    images: {registry: registry.therapeutic-ai.internal/platform, tag: 3.0.0, color_tags: {green: 3.1.0}}\n"
         "    revision:")  # staging's (production has no revision of its own)
    result = gen(project, "render", "staging", "--quiet")
    assert result.exit_code == 0, result.output
    # each service's overlay and Deployment, README; the migrations' overlay and its two Jobs (green's migration image)
    assert result.output.startswith(f"gen render staging: 0 added, {2 * len(CATALOG.services.services) + 1 + 3} changed, 0 removed")
    green = (project / "rendered/staging/green/deployment-billing-green.yaml").read_text()
    blue = (project / "rendered/staging/blue/deployment-billing-blue.yaml").read_text()
    assert "image: registry.therapeutic-ai.internal/platform/billing:3.1.0" in green
    assert "image: registry.therapeutic-ai.internal/platform/billing:3.0.0" in blue
