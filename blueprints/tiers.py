"""The three tier blueprints of the seed: 12 Go services, 6 Python AI services, 2 GPU hosts.

Each sets its default requests and limits (a service's `resources` in the catalog overrides
them key by key); the GPU host adds GPU scheduling and a startup probe for model loading.
"""

from __future__ import annotations

from typing import Any

from blueprints.model import Environment, GpuMode, ResourceAmounts, Resources, Tier
from blueprints.quantity import GPU_RESOURCE
from blueprints.workload import ServiceWorkload, http_probe


def _resources(requests: dict[str, str], limits: dict[str, str]) -> Resources:
    return Resources(requests=ResourceAmounts(**requests), limits=ResourceAmounts(**limits))


class GoService(ServiceWorkload):
    """A Go microservice: small, fast to start."""

    tier = Tier.GO
    default_resources = _resources(
        {"cpu": "50m", "memory": "128Mi", "ephemeral-storage": "64Mi"},
        {"cpu": "500m", "memory": "256Mi", "ephemeral-storage": "256Mi"},
    )


class PythonAIService(ServiceWorkload):
    """A Python AI service: more memory for model clients and NLP libraries."""

    tier = Tier.PYTHON_AI
    default_resources = _resources(
        {"cpu": "200m", "memory": "512Mi", "ephemeral-storage": "128Mi"},
        {"cpu": "1", "memory": "1Gi", "ephemeral-storage": "512Mi"},
    )


# Model loading: up to 60 x 10 s = 10 minutes before liveness takes over.
STARTUP = {"path": "/health/live", "periodSeconds": 10, "failureThreshold": 60}
MODEL_CACHE = "/models"


class GpuHost(ServiceWorkload):
    """A model host (BGE, Qwen). On GPU nodes where the environment has them (`gpu_hosts: gpu`),
    otherwise the catalog's smaller `cpu_model` on ordinary nodes (`cpu`) or not at all (`off`)."""

    tier = Tier.GPU_HOST
    default_resources = _resources(
        {"cpu": "2", "memory": "16Gi", "ephemeral-storage": "20Gi"},
        {"cpu": "4", "memory": "24Gi", "ephemeral-storage": "40Gi"},
    )
    cpu_mode_resources = _resources(
        {"cpu": "500m", "memory": "2Gi", "ephemeral-storage": "2Gi"},
        {"cpu": "2", "memory": "4Gi", "ephemeral-storage": "8Gi"},
    )

    @property
    def on_gpu(self) -> bool:
        return self.env.gpu_hosts is GpuMode.GPU

    def default_resources_for(self, env: Environment) -> Resources:
        return self.default_resources if env.gpu_hosts is GpuMode.GPU else self.cpu_mode_resources

    def container(self) -> tuple[dict[str, Any], list[dict[str, Any]]]:
        container, volumes = super().container()
        if self.on_gpu:
            # Extended resources are set as limits; Kubernetes takes the request from the limit.
            container["resources"]["limits"][GPU_RESOURCE] = "1"
        return container, volumes

    def extra_env(self) -> list[dict[str, Any]]:
        return [
            {"name": "MODEL_ID", "value": self.service.model if self.on_gpu else self.service.cpu_model},
            {"name": "MODEL_DEVICE", "value": "cuda" if self.on_gpu else "cpu"},
            {"name": "HF_HOME", "value": MODEL_CACHE},
        ]

    def extra_volumes(self) -> list[tuple[dict[str, Any], dict[str, Any]]]:
        limit = self.resources.limits.ephemeral_storage
        return [
            (
                {"name": "model-cache", "emptyDir": {"sizeLimit": limit}},
                {"name": "model-cache", "mountPath": MODEL_CACHE},
            )
        ]

    def extra_probes(self) -> dict[str, Any]:
        return {"startupProbe": http_probe(self.service.port, **STARTUP)}

    def scheduling(self) -> dict[str, Any]:
        if not self.on_gpu:
            return {}
        gpu_nodes = self.env.cluster.gpu_nodes
        assert gpu_nodes is not None  # Environment refuses `gpu` without gpu_nodes
        return {
            "nodeSelector": dict(gpu_nodes.node_selector),
            "tolerations": [{"key": gpu_nodes.taint_key, "operator": "Exists", "effect": "NoSchedule"}],
        }


BLUEPRINTS: dict[Tier, type[ServiceWorkload]] = {cls.tier: cls for cls in (GoService, PythonAIService, GpuHost)}
