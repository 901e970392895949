"""The seed's facts, asserted on the rendered objects directly (not through the catalog).

The seed's figures are declared once, in tests/seed.py (with the catalog's deliberate deviations
from them), so a change to the catalog or the blueprints that breaks the seed fails here, whatever
the snapshots say; what the seed does not fix (how many services and environments there are now)
is read from the catalog.
"""

from __future__ import annotations

import pytest

from tests.conftest import find, part_objects, project_catalog
from tests.seed import GPU_HOSTS, SEED_PRODUCTION_CONFIG, SEED_SERVICES, SEED_STAGING_CLUSTER, figure

CATALOG = project_catalog()
SERVICES = [s.name for s in CATALOG.services.services]
ENVIRONMENTS = [e.name for e in CATALOG.environments.environments]


def service_parts(env: str) -> list[str]:
    """The parts of `env` that run the services: its deployed colors, or `app`."""
    return [p for p in CATALOG.parts(env) if p not in ("shared", "argocd", *CATALOG.release_parts(env))]


def platform_objects(objects):
    """The objects gen builds from its blueprints: not those of a store's hydrated chart (judged by
    tests/test_hydrate.py and the gate)."""
    return {path: obj for path, obj in objects.items() if path.parts[2] not in CATALOG.release_parts(path.parts[1])}


def test_seed_counts_12_go_6_python_ai_2_gpu_hosts():
    tiers = [tier for _, _, tier in SEED_SERVICES.values()]
    assert (tiers.count("go"), tiers.count("python-ai"), tiers.count("gpu-host")) == (12, 6, 2)


@pytest.mark.parametrize("color", ["blue", "green"])
def test_production_color_holds_exactly_the_catalogs_deployments_the_seeds_among_them(objects, color):
    deployments = {o["metadata"]["name"] for o in part_objects(objects, "production", color) if o["kind"] == "Deployment"}
    assert deployments == {f"{name}-{color}" for name in SERVICES}
    assert set(SEED_SERVICES) <= set(SERVICES)


@pytest.mark.parametrize("service", sorted(SEED_SERVICES))
def test_production_green_deployment_matches_the_seed(objects, service):
    port, replicas, tier = (figure(service, field) for field in ("port", "replicas", "tier"))
    objs = part_objects(objects, "production", "green")
    deployment = find(objs, "Deployment", f"{service}-green")
    spec = deployment["spec"]
    assert spec["replicas"] == replicas
    assert deployment["metadata"]["namespace"] == "therapeutic-ai"
    assert deployment["metadata"]["labels"]["version"] == "green"
    assert spec["selector"]["matchLabels"]["version"] == "green"
    assert spec["template"]["metadata"]["labels"]["app.kubernetes.io/component"] == tier

    (container,) = spec["template"]["spec"]["containers"]
    assert container["ports"] == [{"containerPort": port, "name": "http", "protocol": "TCP"}]
    assert container["readinessProbe"]["httpGet"]["path"] == "/health/ready"
    assert container["readinessProbe"]["httpGet"]["port"] == port
    assert container["readinessProbe"]["initialDelaySeconds"] == 10
    assert container["readinessProbe"]["periodSeconds"] == 5
    assert container["livenessProbe"]["httpGet"]["path"] == "/health/live"
    assert container["livenessProbe"]["httpGet"]["port"] == port
    assert container["livenessProbe"]["initialDelaySeconds"] == 30
    assert container["livenessProbe"]["periodSeconds"] == 10

    svc = find(objs, "Service", f"{service}-green")
    assert svc["spec"]["ports"][0]["port"] == port
    assert svc["spec"]["selector"] == {"app.kubernetes.io/name": service, "version": "green"}


@pytest.mark.parametrize("service", sorted(SEED_SERVICES))
def test_gpu_scheduling_only_on_the_two_gpu_hosts(objects, service):
    pod = find(part_objects(objects, "production", "green"), "Deployment", f"{service}-green")["spec"]["template"]["spec"]
    (container,) = pod["containers"]
    if service in GPU_HOSTS:
        assert container["resources"]["limits"]["nvidia.com/gpu"] == "1"
        assert {"key": "nvidia.com/gpu", "operator": "Exists", "effect": "NoSchedule"} in pod["tolerations"]
        assert pod["nodeSelector"] == {"nvidia.com/gpu.present": "true"}
        startup = container["startupProbe"]
        # model loading: the startup probe allows minutes, not the liveness probe's seconds
        assert startup["periodSeconds"] * startup["failureThreshold"] >= 300
    else:
        assert "nvidia.com/gpu" not in container["resources"]["limits"]
        assert "tolerations" not in pod and "nodeSelector" not in pod


def test_environments_without_gpu_nodes_run_gpu_hosts_on_the_cpu(objects):
    for env in ("local", "development"):
        for service in GPU_HOSTS:
            pod = find(part_objects(objects, env, "app"), "Deployment", service)["spec"]["template"]["spec"]
            (container,) = pod["containers"]
            assert "nvidia.com/gpu" not in container["resources"]["limits"]
            assert "nodeSelector" not in pod
            assert {"name": "MODEL_DEVICE", "value": "cpu"} in container["env"]


def test_production_config_carries_every_seed_key_and_value(objects):
    config = find(part_objects(objects, "production", "shared"), "ConfigMap", "production-config")
    assert config["metadata"]["namespace"] == "therapeutic-ai"
    for key, value in SEED_PRODUCTION_CONFIG.items():
        assert config["data"][key] == value, key
    # every service's replicas (the seed names all but three Python AI services; they count 2 too)
    for service in SEED_SERVICES:
        assert config["data"][service.replace("-", "_") + "_replicas"] == str(figure(service, "replicas")), service


@pytest.mark.parametrize("env", ENVIRONMENTS)
def test_every_deployment_replicas_equal_its_configmap_key(objects, env):
    config = find(part_objects(objects, env, "shared"), "ConfigMap", f"{env}-config")["data"]
    for part in service_parts(env):
        suffix = "" if part == "app" else f"-{part}"
        for service in SERVICES:
            deployment = find(part_objects(objects, env, part), "Deployment", service + suffix)
            assert str(deployment["spec"]["replicas"]) == config[service.replace("-", "_") + "_replicas"]
            assert deployment["spec"]["template"]["spec"]["containers"][0]["envFrom"] == [
                {"configMapRef": {"name": f"{env}-config"}}
            ]


def all_pods(objects):
    for path, obj in platform_objects(objects).items():
        if obj["kind"] == "Deployment":
            yield path, obj


def test_every_container_passes_restricted_and_the_projects_rules(objects):
    for path, deployment in all_pods(objects):
        pod = deployment["spec"]["template"]["spec"]
        assert pod["automountServiceAccountToken"] is False, path
        assert pod["securityContext"]["runAsNonRoot"] is True, path
        assert pod["securityContext"]["seccompProfile"] == {"type": "RuntimeDefault"}, path
        for container in pod["containers"]:
            sc = container["securityContext"]
            assert sc["allowPrivilegeEscalation"] is False, path
            assert sc["capabilities"] == {"drop": ["ALL"]}, path
            assert sc["readOnlyRootFilesystem"] is True, path
            assert sc["runAsUser"] >= 10000 and sc["runAsGroup"] >= 10000, path
            assert {"mountPath": "/tmp", "name": "tmp"} in container["volumeMounts"], path
            for kind in ("requests", "limits"):
                assert {"cpu", "memory"} <= set(container["resources"][kind]), path
            image = container["image"]
            assert ":" in image.rsplit("/", 1)[-1] and not image.endswith(":latest"), path
        volumes = {v["name"]: v for v in pod["volumes"]}
        assert "emptyDir" in volumes["tmp"], path


def test_service_accounts_do_not_automount_tokens(objects):
    every = [o for o in objects.values() if o["kind"] == "ServiceAccount"]  # the charts' too
    assert all(a["automountServiceAccountToken"] is False for a in every)
    # the namespace's own `default` account, taken over so that it mounts nothing either: one per environment
    defaults = [a for a in platform_objects(objects).values() if a["kind"] == "ServiceAccount" and a["metadata"]["name"] == "default"]
    assert len(defaults) == len(CATALOG.environments.environments)
    accounts = [o for o in platform_objects(objects).values() if o["kind"] == "ServiceAccount" and o not in defaults]
    components = [a["metadata"]["labels"]["app.kubernetes.io/component"] for a in accounts]
    services = [c for c in components if c not in ("database", "verification", "migration")]
    synced = sum(len(service_parts(e.name)) for e in CATALOG.environments.environments if e.argocd)
    unsynced = [e for e in CATALOG.environments.environments if not e.argocd]
    assert len(services) == len(SERVICES) * (synced + len(unsynced))  # one per service and part
    # the stores' StatefulSets where Argo CD does not sync (local), one per store
    assert components.count("database") == sum(len(e.databases.specs) for e in unsynced)
    assert components.count("verification") == synced  # the health check, in each synced part
    assert components.count("migration") == 2 * synced  # PostgreSQL's and ScyllaDB's, in the same parts
    assert all(a["automountServiceAccountToken"] is False for a in accounts)


def test_pdb_and_spread_exactly_where_replicas_at_least_2(objects):
    for path, deployment in all_pods(objects):
        name = deployment["metadata"]["name"]
        folder = path.parent
        pdbs = [o for p, o in objects.items() if p.parent == folder and o["kind"] == "PodDisruptionBudget" and o["metadata"]["name"] == name]
        spread = deployment["spec"]["template"]["spec"].get("topologySpreadConstraints", [])
        if deployment["spec"]["replicas"] >= 2:
            assert len(pdbs) == 1, path
            assert pdbs[0]["spec"]["selector"] == deployment["spec"]["selector"], path
            hard = [c for c in spread if c["topologyKey"] == "kubernetes.io/hostname"]
            assert hard and hard[0]["whenUnsatisfiable"] == "DoNotSchedule", path
            assert hard[0]["labelSelector"] == deployment["spec"]["selector"], path
        else:
            assert not pdbs and not spread, path


def test_images_are_built_from_the_environment_registry_and_tag(objects):
    for path, deployment in all_pods(objects):
        images = CATALOG.environment(path.parts[1]).images
        service = deployment["metadata"]["labels"]["app.kubernetes.io/name"]
        assert deployment["spec"]["template"]["spec"]["containers"][0]["image"] == \
            f"{images.registry}/{service}:{images.tag}"


def test_staging_declares_the_seed_cluster():
    cluster = CATALOG.environment("staging").cluster
    assert (cluster.workers, cluster.cpu, cluster.memory, cluster.storage) == SEED_STAGING_CLUSTER


def test_namespace_enforces_pod_security_restricted(objects):
    for env in ENVIRONMENTS:
        ns = find(part_objects(objects, env, "shared"), "Namespace", "therapeutic-ai")
        for mode in ("enforce", "audit", "warn"):
            assert ns["metadata"]["labels"][f"pod-security.kubernetes.io/{mode}"] == "restricted"
