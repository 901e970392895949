"""rendered/<env>/<part>/README.md: every part has one, and what it says agrees with the part's
objects and with the Argo CD Application that syncs the folder."""

from __future__ import annotations

import re
import subprocess
from pathlib import PurePosixPath

import pytest

from generator.catalog import load_catalog
from generator.render import readme as readme_page
from generator.rendered import Part, parts, pod_template
from tests.conftest import PROJECT, part_objects

CATALOG = load_catalog(PROJECT)
PARTS = [(e.name, part) for e in CATALOG.environments.environments for part in CATALOG.parts(e.name)]


def readme(fresh, env: str, part: str) -> str:
    return fresh.files[PurePosixPath("rendered", env, part, "README.md")].decode()


def table(text: str, heading: str) -> list[list[str]]:
    """The rows of the Markdown table under `## heading` (cells stripped, header and rule dropped)."""
    section = text.split(f"## {heading}\n", 1)[1].split("\n## ", 1)[0]
    rows = [line for line in section.splitlines() if line.startswith("|")]
    return [[cell.strip() for cell in row.strip("|").split("|")] for row in rows[2:]]


@pytest.mark.parametrize("env,part", PARTS, ids=[f"{e}/{p}" for e, p in PARTS])
def test_every_part_has_its_summary_committed(fresh, env, part):
    text = readme(fresh, env, part)
    assert text.startswith(f"# {env}/{part}\n")
    assert (PROJECT / "rendered" / env / part / "README.md").read_text() == text


WORKLOAD_PARTS = [(e, p) for e, p in PARTS if p not in ("shared", "argocd")]  # the services' and the stores' releases
WORKLOADS = ("Deployment", "StatefulSet", "DaemonSet", "Job", "CronJob")


@pytest.mark.parametrize("env,part", WORKLOAD_PARTS, ids=[f"{e}/{p}" for e, p in WORKLOAD_PARTS])
def test_the_workloads_table_is_the_parts_workloads(fresh, objects, env, part):
    text = readme(fresh, env, part)
    rows = {row[0]: row for row in table(text, "Workloads")} if "## Workloads\n" in text else {}
    workloads = [o for o in part_objects(objects, env, part) if o["kind"] in WORKLOADS]
    assert sorted(rows) == sorted(o["metadata"]["name"] for o in workloads)
    if part not in CATALOG.release_parts(env):  # a part of the services: one Deployment each
        deployments = [o["kind"] for o in workloads if o["kind"] == "Deployment"]
        assert len(deployments) == len(CATALOG.services.services)
    for workload in workloads:
        row = rows[workload["metadata"]["name"]]
        hook = (workload["metadata"].get("annotations") or {}).get("argocd.argoproj.io/hook")
        assert row[1] == workload["kind"] + (f" ({hook} hook)" if hook else "")
        assert int(row[2]) == workload["spec"].get("replicas", 1)
        containers = pod_template(workload)["spec"]["containers"]
        assert row[3] == "<br>".join(f"`{c['image']}`" for c in containers)
        if len(containers) == 1:
            resources = containers[0]["resources"]["requests"]
            assert row[4].split(", ")[:2] == [resources["cpu"], resources["memory"]]
    pods = sum(int(row[2]) for row in rows.values())
    if rows:
        assert f"- {pods} pods in {len(rows)} workloads" in text


def test_the_seeds_production_replicas_read_in_the_summary(fresh):
    rows = {row[0]: row for row in table(readme(fresh, "production", "green"), "Workloads")}
    assert rows["api-gateway-green"][2] == "5" and rows["auth-rbac-green"][2] == "3"
    assert "1 GPU" in rows["bge-host-green"][4]


@pytest.mark.parametrize("env,part", [p for p in PARTS if CATALOG.environment(p[0]).argocd],
                         ids=[f"{e}/{p}" for e, p in PARTS if CATALOG.environment(e).argocd])
def test_the_summary_names_the_applications_that_sync_the_folder(fresh, objects, env, part):
    named = [re.sub(r"`", "", row[0]) for row in table(readme(fresh, env, part), "Synced by")]
    apps = [o for o in part_objects(objects, env, "argocd") if o["kind"] == "Application" and "path" in o["spec"]["source"]]
    syncing = sorted(a["metadata"]["name"] for a in apps if a["spec"]["source"]["path"] == f"rendered/{env}/{part}")
    assert sorted(named) == syncing


def test_local_says_it_is_applied_by_hand(fresh):
    assert "Not synced by Argo CD" in readme(fresh, "local", "app")


def test_a_promotion_changes_only_what_the_summaries_say_on_call(fresh):
    """Which color serves is said under "On call" (the pager's section), and nothing else in a
    summary depends on it: `gen promote` rewrites that section and the live Services."""
    release = CATALOG.release("production")
    other = next(c for c in release.colors if c != release.active)
    promoted = CATALOG.with_release("production", release.model_copy(update={"active": other}))
    chosen = parts(promoted, promoted.env_by_name["production"])
    pages = readme_page.pages(PROJECT, promoted, chosen, [d for d in fresh.docs if d.part.env == "production"])

    def aside(text: str) -> str:
        before, _, after = text.partition("## On call\n")
        return before + after.split("\n## ", 1)[-1]

    for part in chosen:
        old, new = readme(fresh, "production", part.name), pages[part.rendered_dir / "README.md"].decode()
        assert aside(new) == aside(old), part
        if part.color is not None or part.name == "shared":
            assert new != old, part  # its serving line
    assert f"**{other.value} serves production now**" in pages[Part.colored(promoted.env_by_name["production"], other).rendered_dir / "README.md"].decode()


def test_summaries_are_marked_generated_and_the_yaml_is_not():
    out = subprocess.run(
        ["git", "check-attr", "linguist-generated", "rendered/production/green/README.md",
         "rendered/production/green/deployment-api-gateway-green.yaml"],
        cwd=PROJECT, capture_output=True, text=True, check=True,
    ).stdout.splitlines()
    assert out == ["rendered/production/green/README.md: linguist-generated: true",
                   "rendered/production/green/deployment-api-gateway-green.yaml: linguist-generated: unspecified"]
