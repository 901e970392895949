"""Argo CD delivery: the AppProject and Applications of each environment, sync order, the live
Services and the post-sync health check, checked on a fresh render against the catalog."""

from __future__ import annotations

import os
import stat
import subprocess
from collections import Counter
from fnmatch import fnmatch
from pathlib import Path, PurePosixPath

import pytest

from blueprints.health import SCRIPT
from generator.catalog import load_catalog
from tests.netpolicy import Pod, allows
from tests.conftest import PROJECT, find, part_objects

CATALOG = load_catalog(PROJECT)
SERVICES = CATALOG.services.services
ARGOCD_ENVS = [e.name for e in CATALOG.environments.environments if e.argocd]
WAVE = "argocd.argoproj.io/sync-wave"


def applications(objects, env: str) -> list[dict]:
    """The Applications: every one syncs a folder of rendered/ (the databases' their hydrated releases)."""
    return [o for o in part_objects(objects, env, "argocd") if o["kind"] == "Application" and "path" in o["spec"]["source"]]


def databases(objects, env: str) -> list[dict]:
    return [o for o in part_objects(objects, env, "argocd") if o["kind"] == "Application"
            and o["metadata"]["labels"].get("app.kubernetes.io/component") == "database"]


def wave(obj: dict) -> int:
    """The object's sync wave (Argo CD's default: 0)."""
    return int((obj["metadata"].get("annotations") or {}).get(WAVE, "0"))


def test_argo_cd_environments_and_only_they_have_an_argocd_part(objects):
    envs = {path.parts[1] for path in objects if path.parts[2] == "argocd"}
    assert envs == set(ARGOCD_ENVS) == {"development", "staging", "production"}


@pytest.mark.parametrize("env", ARGOCD_ENVS)
def test_every_application_points_at_a_rendered_folder_of_this_repository(objects, fresh, env):
    delivery = CATALOG.environments.delivery
    revision = CATALOG.environment(env).revision or delivery.revision
    folders = {path.parent for path in fresh.files if path.parts[0] == "rendered"}
    apps = applications(objects, env)
    assert {a["metadata"]["name"] for a in apps} == {f"{env}-{part}" for part in CATALOG.parts(env)} | (
        {f"{env}-live"} if CATALOG.release(env) else set())
    for app in apps:
        source = app["spec"]["source"]
        assert source["repoURL"] == delivery.repository
        assert source["targetRevision"] == revision
        assert PurePosixPath(source["path"]) in folders, source["path"]
        assert (PROJECT / source["path"]).is_dir(), f"{source['path']} is not committed"
        assert source["directory"]["recurse"] is False  # helm-values/ are not manifests
        root = source["path"] == f"rendered/{env}/argocd"
        assert app["spec"]["project"] == ("therapeutic-ai-delivery" if root else "therapeutic-ai")
        releases = {r.name: r.namespace for r in CATALOG.store_releases(env)}
        part = PurePosixPath(source["path"]).name
        namespace = "argocd" if root else (releases.get(part) or "therapeutic-ai")
        assert app["spec"]["destination"] == {"server": "https://kubernetes.default.svc", "namespace": namespace}


def covers(app: dict, path: PurePosixPath) -> bool:
    """Whether Argo CD's directory source of `app` applies the rendered file `path`."""
    source = app["spec"]["source"]
    if path.parent != PurePosixPath(source["path"]):
        return False
    directory = source.get("directory", {})
    if "include" in directory and not fnmatch(path.name, directory["include"]):
        return False
    return not ("exclude" in directory and fnmatch(path.name, directory["exclude"]))


@pytest.mark.parametrize("env", ARGOCD_ENVS)
def test_every_rendered_object_is_managed_by_exactly_one_application(objects, env):
    apps = applications(objects, env)
    owners = Counter()
    for path in (p for p in objects if p.parts[1] == env):
        managing = [a["metadata"]["name"] for a in apps if covers(a, path)]
        assert len(managing) == 1, f"{path}: managed by {managing or 'no Application'}"
        owners[managing[0]] += 1
    assert all(owners[a["metadata"]["name"]] > 0 for a in apps)  # no Application syncs an empty folder
    if CATALOG.release(env):
        assert owners[f"{env}-live"] == len(SERVICES)


def admits(project: dict, obj: dict) -> bool:
    """Whether an AppProject's destinations and resource lists admit this object (Argo CD's rules:
    no clusterResourceWhitelist = no cluster-scoped kind; no namespaceResourceWhitelist = any)."""
    spec = project["spec"]
    group, kind = obj["apiVersion"].rpartition("/")[0], obj["kind"]
    namespace = obj["metadata"].get("namespace")
    if namespace is None:
        return {"group": group, "kind": kind} in spec.get("clusterResourceWhitelist", [])
    if namespace not in {d["namespace"] for d in spec["destinations"]}:
        return False
    listed = spec.get("namespaceResourceWhitelist")
    return listed is None or {"group": group, "kind": kind} in listed


@pytest.mark.parametrize("env", ARGOCD_ENVS)
def test_each_project_admits_exactly_what_its_applications_apply(objects, env):
    argocd_part = part_objects(objects, env, "argocd")
    platform = find(argocd_part, "AppProject", "therapeutic-ai")
    delivery = find(argocd_part, "AppProject", "therapeutic-ai-delivery")
    # the stores' charts are hydrated into this repository: no chart repository is a source
    assert platform["spec"]["sourceRepos"] == [CATALOG.environments.delivery.repository]
    assert delivery["spec"]["sourceRepos"] == [CATALOG.environments.delivery.repository]
    for project in (platform, delivery):
        assert {d["server"] for d in project["spec"]["destinations"]} == {"https://kubernetes.default.svc"}
    # the platform's project never reaches Argo CD's namespace: no Application of it can make
    # Applications, projects, or touch Argo CD's Secrets and ConfigMaps
    assert {d["namespace"] for d in platform["spec"]["destinations"]} == {"therapeutic-ai"} | {
        f"therapeutic-ai-scylla-dc{dc}" for dc in range(1, CATALOG.environment(env).databases.specs["scylladb"].datacenters + 1)}
    assert {d["namespace"] for d in delivery["spec"]["destinations"]} == {"argocd"}
    assert not admits(delivery, {"apiVersion": "v1", "kind": "Secret", "metadata": {"namespace": "argocd"}})
    assert not admits(platform, {"apiVersion": "v1", "kind": "Secret", "metadata": {"namespace": "argocd"}})

    for path, obj in objects.items():
        if path.parts[1] != env:
            continue
        project = delivery if path.parts[2] == "argocd" else platform
        assert admits(project, obj), f"{path}: not admitted by {project['metadata']['name']}"
    for app in databases(objects, env):  # the charts' Applications: the platform's project and namespaces
        assert app["spec"]["project"] == "therapeutic-ai"
        assert app["spec"]["source"]["repoURL"] in platform["spec"]["sourceRepos"]
        assert admits(platform, {"apiVersion": "v1", "kind": "Pod",
                                 "metadata": {"namespace": app["spec"]["destination"]["namespace"]}})


def test_no_two_objects_of_an_environment_are_the_same_kubernetes_object(objects):
    """Argo CD tracks objects by group, kind, namespace and name: two files must never be one object."""
    seen: dict[tuple, PurePosixPath] = {}
    for path, obj in sorted(objects.items()):
        identity = (path.parts[1], obj["apiVersion"].rpartition("/")[0], obj["kind"],
                    obj["metadata"].get("namespace"), obj["metadata"]["name"])
        assert identity not in seen, f"{path} and {seen[identity]} are one object"
        seen[identity] = path


@pytest.mark.parametrize("env", ARGOCD_ENVS)
def test_sync_waves_put_the_platform_first_the_services_next_and_live_traffic_last(objects, env):
    shared = part_objects(objects, env, "shared")
    waves = {}
    for obj in shared:
        if obj["kind"] in ("Service",):
            continue
        waves.setdefault(obj["kind"], set()).add(wave(obj))
    assert max(waves["Namespace"]) < min(waves["ConfigMap"] | waves["NetworkPolicy"])
    assert max(waves["ConfigMap"] | waves["NetworkPolicy"]) < min(waves["ExternalSecret"] | waves["Certificate"])
    assert max(waves["ExternalSecret"] | waves["ClusterSecretStore"] | waves["Certificate"]) < 0

    # the root Application: projects, shared (secrets among it), the databases, the services, live traffic
    root = part_objects(objects, env, "argocd")
    projects = [wave(o) for o in root if o["kind"] == "AppProject"]
    apps = {a["metadata"]["name"]: a for a in applications(objects, env)}
    stores = [wave(a) for a in databases(objects, env)]
    services = [wave(apps[f"{env}-{part}"]) for part in CATALOG.parts(env)
                if part not in ("shared", "argocd", *CATALOG.release_parts(env))]
    assert services and stores and len(projects) == 2
    assert max(projects) < wave(apps[f"{env}-shared"]) < min(stores)
    assert max(stores) < min(services)
    if CATALOG.release(env):
        assert max(services) < wave(apps[f"{env}-live"])


@pytest.mark.parametrize("env", ARGOCD_ENVS)
def test_development_and_staging_sync_themselves_and_production_waits_for_a_person(objects, env):
    stores = {app["metadata"]["name"] for app in databases(objects, env)}
    for app in applications(objects, env):
        automated = app["spec"]["syncPolicy"].get("automated")
        if env == "production":
            assert automated is None, app["metadata"]["name"]
        else:  # a store's objects are never pruned by a sync
            prune = app["metadata"]["name"] not in stores
            assert automated == {"prune": prune, "selfHeal": True}, app["metadata"]["name"]


@pytest.mark.parametrize("env", ARGOCD_ENVS)
def test_only_the_services_parts_are_pruned_when_their_application_is_deleted(objects, env):
    for app in applications(objects, env):
        part = PurePosixPath(app["spec"]["source"]["path"]).name
        cascades = "resources-finalizer.argocd.argoproj.io" in app["metadata"].get("finalizers", [])
        assert cascades == (part not in ("shared", "argocd", *CATALOG.release_parts(env))), app["metadata"]["name"]


@pytest.mark.parametrize("env", ["staging", "production"])
def test_live_services_have_the_seeds_names_and_ports_and_select_the_active_color(objects, env):
    active = CATALOG.release(env).active.value
    live = {o["metadata"]["name"]: o for o in part_objects(objects, env, "shared") if o["kind"] == "Service"}
    assert set(live) == {s.name for s in SERVICES}
    assert live["api-gateway"]["spec"]["ports"][0]["port"] == 8090  # the seed: curl http://api-gateway:8090/health
    assert live["auth-rbac"]["spec"]["ports"][0]["port"] == 8080
    for service in SERVICES:
        spec = live[service.name]["spec"]
        assert spec["ports"][0]["port"] == service.port
        assert spec["selector"] == {"app.kubernetes.io/name": service.name, "version": active}
        assert live[service.name]["metadata"]["labels"]["therapeutic-ai.io/traffic"] == "live"
        for color in CATALOG.release(env).colors:  # each color keeps its own Service, to check it before it serves
            own = find(part_objects(objects, env, color.value), "Service", f"{service.name}-{color.value}")
            assert own["spec"]["selector"] == {"app.kubernetes.io/name": service.name, "version": color.value}
            assert own["spec"]["ports"] == spec["ports"]


@pytest.mark.parametrize("env", ["local", "development"])
def test_environments_without_colors_have_no_live_services(objects, env):
    assert not [o for o in part_objects(objects, env, "shared") if o["kind"] == "Service" and
                "therapeutic-ai.io/traffic" in o["metadata"].get("labels", {})]


@pytest.mark.parametrize("env,part", [("development", "app"), ("staging", "blue"), ("staging", "green"),
                                      ("production", "blue"), ("production", "green")])
def test_each_services_part_has_a_post_sync_health_check_of_all_its_services(objects, env, part):
    name = "health-check" if part == "app" else f"health-check-{part}"
    job = find(part_objects(objects, env, part), "Job", name)
    assert job["metadata"]["annotations"]["argocd.argoproj.io/hook"] == "PostSync"
    pod = job["spec"]["template"]
    assert pod["metadata"]["labels"].get("version") == (None if part == "app" else part)
    container = pod["spec"]["containers"][0]
    assert container["args"] == [f"{s.name}:{s.port}" for s in SERVICES]  # the seed's `make health`: all 20
    assert container["env"] == [{"name": "COLOR", "valueFrom": {"fieldRef": {"fieldPath": "metadata.labels['version']"}}}]
    assert pod["spec"]["restartPolicy"] == "Never" and job["spec"]["backoffLimit"] == 0


def test_local_has_no_health_check_job(objects):
    assert not [o for p, o in objects.items() if p.parts[1] == "local" and o["kind"] == "Job"]


@pytest.mark.parametrize("env,color", [("development", None), ("production", "green")])
def test_the_health_check_reaches_every_service_and_nothing_else_reaches_it(objects, env, color):
    policies = [o for o in part_objects(objects, env, "shared") if o["kind"] == "NetworkPolicy"]
    labels = {"app.kubernetes.io/name": "health-check", **({"version": color} if color else {})}
    check = Pod("therapeutic-ai", labels)
    for service in SERVICES:
        target = Pod("therapeutic-ai", {"app.kubernetes.io/name": service.name, **({"version": color} if color else {})})
        assert allows(policies, check, target, service.port), service.name
        assert not allows(policies, check, target, service.port + 1000), service.name
        assert not allows(policies, target, check, 8080), service.name


def run_script(tmp_path: Path, color: str, targets: list[str], failing: str) -> subprocess.CompletedProcess:
    """The Job's script with a stand-in `curl` that fails for URLs containing `failing`."""
    fake = tmp_path / "curl"
    fake.write_text(f'#!/bin/sh\nfor a in "$@"; do url="$a"; done\necho "$url" >> {tmp_path}/calls\n'
                    f'case "$url" in *{failing}*) exit 7;; esac\nexit 0\n')
    fake.chmod(fake.stat().st_mode | stat.S_IEXEC)
    env = {"PATH": f"{tmp_path}:{os.environ['PATH']}", "COLOR": color}
    return subprocess.run(["/bin/sh", "-c", SCRIPT, "health-check", *targets], env=env, capture_output=True, text=True)


def test_the_health_check_script_calls_each_colors_own_services_and_fails_on_one_unhealthy(tmp_path):
    ok = run_script(tmp_path, "green", ["api-gateway:8090", "auth-rbac:8080"], failing="nothing")
    assert ok.returncode == 0, ok.stdout + ok.stderr
    assert (tmp_path / "calls").read_text().split() == [
        "http://api-gateway-green:8090/health", "http://auth-rbac-green:8080/health"]
    (tmp_path / "calls").unlink()

    bad = run_script(tmp_path, "", ["api-gateway:8090", "auth-rbac:8080"], failing="auth-rbac")
    assert bad.returncode != 0
    assert "UNHEALTHY  http://auth-rbac:8080/health" in bad.stdout  # no color (an `app` part): the plain names
    assert "1 of 2 services unhealthy" in bad.stdout
