"""The seed's facts, asserted on the rendered objects directly (not through the catalog).

The tables below are typed from shared/seed/deployment-guide.md and shared/DESIGN.md, so a change
to the catalog or the blueprints that breaks the seed fails here, whatever the snapshots say.
"""

from __future__ import annotations

import pytest

from tests.conftest import find, part_objects

# service -> (port, production replicas, tier), from the seed
SEED_SERVICES = {
    "api-gateway": (8090, 5, "go"),
    "auth-rbac": (8080, 3, "go"),
    "chat-history": (8002, 3, "go"),
    "search-service": (8001, 3, "go"),
    "billing": (8081, 2, "go"),
    "audit-logging": (8084, 3, "go"),
    "content-safety": (8007, 2, "go"),
    "consent": (8083, 2, "go"),
    "emergency-access": (8085, 2, "go"),
    "background-tasks": (8086, 2, "go"),
    "relationship-mgmt": (8087, 2, "go"),
    "user-subscription": (8088, 2, "go"),
    "ai-gateway": (8000, 3, "python-ai"),
    "embedding-service": (8005, 2, "python-ai"),
    "generation-service": (8006, 2, "python-ai"),
    "emotion-analysis": (8003, 2, "python-ai"),
    "crisis-detection": (8004, 2, "python-ai"),
    "knowledge-ingestion": (8010, 2, "python-ai"),
    "bge-host": (8008, 2, "gpu-host"),
    "qwen-host": (8009, 2, "gpu-host"),
}
GPU_HOSTS = {"bge-host", "qwen-host"}

# the seed's production-config, key for key
SEED_PRODUCTION_CONFIG = {
    "postgres_replicas": "3",
    "mongodb_replica_set": "true",
    "redis_cluster_mode": "true",
    "scylla_datacenter_count": "3",
    "api_gateway_replicas": "5",
    "auth_rbac_replicas": "3",
    "chat_history_replicas": "3",
    "search_service_replicas": "3",
    "billing_replicas": "2",
    "audit_logging_replicas": "3",
    "content_safety_replicas": "2",
    "consent_replicas": "2",
    "emergency_access_replicas": "2",
    "background_tasks_replicas": "2",
    "relationship_mgmt_replicas": "2",
    "user_subscription_replicas": "2",
    "ai_gateway_replicas": "3",
    "embedding_service_replicas": "2",
    "generation_service_replicas": "2",
    "bge_host_replicas": "2",
    "qwen_host_replicas": "2",
    "max_connections_per_service": "100",
    "cache_ttl_seconds": "3600",
    "request_timeout_seconds": "30",
    "confidence_threshold": "0.7",
}


def test_seed_counts_12_go_6_python_ai_2_gpu_hosts():
    tiers = [tier for _, _, tier in SEED_SERVICES.values()]
    assert (tiers.count("go"), tiers.count("python-ai"), tiers.count("gpu-host")) == (12, 6, 2)


@pytest.mark.parametrize("color", ["blue", "green"])
def test_production_color_holds_exactly_the_20_deployments(objects, color):
    deployments = {o["metadata"]["name"] for o in part_objects(objects, "production", color) if o["kind"] == "Deployment"}
    assert deployments == {f"{name}-{color}" for name in SEED_SERVICES}


@pytest.mark.parametrize("service", sorted(SEED_SERVICES))
def test_production_green_deployment_matches_the_seed(objects, service):
    port, replicas, tier = SEED_SERVICES[service]
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
    # plus the three Python AI services the seed counts but does not name
    for key in ("emotion_analysis_replicas", "crisis_detection_replicas", "knowledge_ingestion_replicas"):
        assert config["data"][key] == "2"


@pytest.mark.parametrize(
    "env,parts", [("local", ["app"]), ("development", ["app"]), ("staging", ["blue", "green"]), ("production", ["blue", "green"])]
)
def test_every_deployment_replicas_equal_its_configmap_key(objects, env, parts):
    config = find(part_objects(objects, env, "shared"), "ConfigMap", f"{env}-config")["data"]
    for part in parts:
        suffix = "" if part == "app" else f"-{part}"
        for service in SEED_SERVICES:
            deployment = find(part_objects(objects, env, part), "Deployment", service + suffix)
            assert str(deployment["spec"]["replicas"]) == config[service.replace("-", "_") + "_replicas"]
            assert deployment["spec"]["template"]["spec"]["containers"][0]["envFrom"] == [
                {"configMapRef": {"name": f"{env}-config"}}
            ]


def all_pods(objects):
    for path, obj in objects.items():
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
    accounts = [o for o in objects.values() if o["kind"] == "ServiceAccount"]
    components = [a["metadata"]["labels"]["app.kubernetes.io/component"] for a in accounts]
    services = [c for c in components if c not in ("database", "verification", "migration")]
    assert len(services) == 20 * 6  # local, development, 2 x staging, 2 x production
    assert components.count("database") == 4  # local's database StatefulSets
    assert components.count("verification") == 5  # the health check: development, 2 x staging, 2 x production
    assert components.count("migration") == 2 * 5  # PostgreSQL's and ScyllaDB's, in the same five parts
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
    expected = {
        "local": "localhost:5001/therapeutic-ai/{}:3.0.0-dev",
        "development": "registry.therapeutic-ai.internal/platform/{}:3.0.0-rc",
        "staging": "registry.therapeutic-ai.internal/platform/{}:3.0.0",
        "production": "registry.therapeutic-ai.internal/platform/{}:3.0.0",
    }
    for path, deployment in all_pods(objects):
        service = deployment["metadata"]["labels"]["app.kubernetes.io/name"]
        assert deployment["spec"]["template"]["spec"]["containers"][0]["image"] == expected[path.parts[1]].format(service)


def test_staging_declares_the_seed_cluster():
    from generator.catalog import load_catalog
    from tests.conftest import PROJECT

    cluster = load_catalog(PROJECT).environment("staging").cluster
    assert (cluster.workers, cluster.cpu, cluster.memory, cluster.storage) == (3, 16, "64Gi", "500Gi")


def test_namespace_enforces_pod_security_restricted(objects):
    for env in ("local", "development", "staging", "production"):
        ns = find(part_objects(objects, env, "shared"), "Namespace", "therapeutic-ai")
        for mode in ("enforce", "audit", "warn"):
            assert ns["metadata"]["labels"][f"pod-security.kubernetes.io/{mode}"] == "restricted"
