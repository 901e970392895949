"""What every service shares: the base construct the three tiers extend.

A `ServiceWorkload` is one catalog service in one environment: its ServiceAccount, Deployment and
Service, plus a PodDisruptionBudget and spread over nodes when it runs two or more replicas.
Containers pass Pod Security Standards `restricted`. Tiers change only what differs: default
resources, extra environment, volumes and scheduling.
"""

from __future__ import annotations

from typing import Any, ClassVar

from constructs import Construct
from pydantic import BaseModel, ConfigDict

from blueprints import labels, scanners
from blueprints.k8s import Manifest, api_object
from blueprints.model import Color, Environment, ResourceAmounts, Resources, Service, Tier
from blueprints.secrets import certificate_volume, secret_volume
from blueprints.security import container_security_context, pod_security_context, service_account, tmp_volume

# The seed's probes (deployment-guide.md, "Readiness vs Liveness").
READINESS = {"path": "/health/ready", "initialDelaySeconds": 10, "periodSeconds": 5}
LIVENESS = {"path": "/health/live", "initialDelaySeconds": 30, "periodSeconds": 10}


class WorkloadProps(BaseModel):
    """What a tier blueprint needs: the service and the environment (and color) it runs in."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    service: Service
    environment: Environment
    color: Color | None = None
    metrics_port: tuple[str, int] | None = None  # a port of its own for /metrics (monitoring.yaml); default: http
    callees: dict[str, int] = {}  # the services it calls (services.yaml's `calls`), with their ports


COLOR_VARIABLE = "SERVICE_COLOR"


def endpoint_variable(service: str, what: str) -> str:
    """`auth-rbac`, `HOST` -> `AUTH_RBAC_HOST`: where a called service is, in the caller's env."""
    return f"{service.upper().replace('-', '_')}_{what}"


def endpoint_env(callees: dict[str, int], colored: bool) -> list[dict[str, Any]]:
    """Where each called service is. In a color's part the pod reads its color from its own
    `version` label (kustomize's, so one blueprint serves both colors) and calls that color's
    Services (`auth-rbac-$(SERVICE_COLOR)`): a color under verification talks to itself only. In a
    color-less part, the Services themselves. The live Services are for traffic from outside."""
    env: list[dict[str, Any]] = []
    if colored and callees:
        env.append({"name": COLOR_VARIABLE, "valueFrom": {"fieldRef": {"fieldPath": f"metadata.labels['{labels.VERSION}']"}}})
    for callee, port in sorted(callees.items()):
        host = f"{callee}-$({COLOR_VARIABLE})" if colored else callee
        env += [{"name": endpoint_variable(callee, "HOST"), "value": host},
                {"name": endpoint_variable(callee, "PORT"), "value": str(port)}]
    return env


def named_ports(props: WorkloadProps) -> list[tuple[str, int]]:
    """(name, number) of every port the service serves: http, and a metrics port of its own if any."""
    return [("http", props.service.port), *([props.metrics_port] if props.metrics_port else [])]


def merge_resources(base: Resources, override: Resources | None) -> Resources:
    """The tier's defaults with the service's override laid over them, key by key."""
    if override is None:
        return base

    def merged(a: ResourceAmounts, b: ResourceAmounts) -> ResourceAmounts:
        return ResourceAmounts(**{**a.model_dump(exclude_none=True), **b.model_dump(exclude_none=True)})

    return Resources(requests=merged(base.requests, override.requests), limits=merged(base.limits, override.limits))


def cluster_service(metadata: dict[str, Any], selector: dict[str, str], ports: list[tuple[str, int]]) -> Manifest:
    """A service's ClusterIP Service on its (name, number) ports: its own per color, and the live
    one of a blue-green environment."""
    return {
        "apiVersion": "v1",
        "kind": "Service",
        "metadata": metadata,
        "spec": {
            "type": "ClusterIP",
            "selector": selector,
            "ports": [{"name": name, "port": number, "targetPort": name, "protocol": "TCP"} for name, number in ports],
        },
    }


def http_probe(port: int, path: str, **timing: int) -> dict[str, Any]:
    return {"httpGet": {"path": path, "port": port, "scheme": "HTTP"}, **timing}


class ServiceWorkload(Construct):
    """Base of the tier blueprints. Subclasses set `tier` and `default_resources`."""

    tier: ClassVar[Tier]
    default_resources: ClassVar[Resources]

    def __init__(self, scope: Construct, id: str, props: WorkloadProps) -> None:
        super().__init__(scope, id)
        if props.service.tier is not self.tier:
            raise ValueError(
                f"service {props.service.name!r} is tier {props.service.tier.value!r}; "
                f"{type(self).__name__} builds {self.tier.value!r}"
            )
        self.props = props
        self.service = props.service
        self.env = props.environment
        self.replicas = self.env.replicas_for(self.service)
        self.image = self.env.images.image_for(self.service.name, props.color)
        self.resources = merge_resources(self.default_resources_for(self.env), self.service.resources)
        self.selector = {labels.NAME: self.service.name}
        self.labels = {**self.selector, labels.COMPONENT: self.tier.value}

        self.manifests: list[Manifest] = [self.service_account(), self.deployment(), self.cluster_service()]
        if self.replicas >= 2:
            self.manifests.append(self.disruption_budget())
        for manifest in self.manifests:
            api_object(self, manifest)

    # --- what tiers override -------------------------------------------------------------

    def default_resources_for(self, env: Environment) -> Resources:
        return self.default_resources

    def extra_env(self) -> list[dict[str, Any]]:
        return []

    def extra_volumes(self) -> list[tuple[dict[str, Any], dict[str, Any]]]:
        """(volume, mount) pairs beyond the `/tmp` every container gets."""
        return []

    def secret_volumes(self) -> list[tuple[dict[str, Any], dict[str, Any]]]:
        """The catalog's `secrets` as read-only files under /var/run/secrets/therapeutic-ai/ (never
        environment variables). None without Vault (local): there only the databases read Secrets."""
        if self.env.vault is None:
            return []
        return [secret_volume(secret) for secret in self.service.secrets]

    def tls_volumes(self) -> list[tuple[dict[str, Any], dict[str, Any]]]:
        """Its own certificate and the CA (blueprints/tls_files.py), where cert-manager issues them."""
        if self.env.tls is None:
            return []
        return [certificate_volume(self.service.name)]

    def extra_probes(self) -> dict[str, Any]:
        return {}

    def scheduling(self) -> dict[str, Any]:
        """Pod spec fields that place the pod (tolerations, nodeSelector)."""
        return {}

    # --- the objects ----------------------------------------------------------------------

    def metadata(self) -> dict[str, Any]:
        return {"name": self.service.name, "namespace": self.env.namespace, "labels": dict(self.labels)}

    def service_account(self) -> Manifest:
        return service_account(self.metadata())

    def container(self) -> tuple[dict[str, Any], list[dict[str, Any]]]:
        """The service's container and the volumes its mounts need."""
        port = self.service.port
        volumes = [tmp_volume()]
        volumes += self.extra_volumes()
        volumes += self.secret_volumes()
        volumes += self.tls_volumes()
        return {
            "name": self.service.name,
            "image": self.image,
            "imagePullPolicy": "Always",
            "ports": [{"name": name, "containerPort": number, "protocol": "TCP"} for name, number in named_ports(self.props)],
            "env": [
                {"name": "SERVICE_NAME", "value": self.service.name},
                {"name": "SERVICE_PORT", "value": str(port)},
                {"name": "ENVIRONMENT", "value": self.env.name},
                *endpoint_env(self.props.callees, self.props.color is not None),
                *self.extra_env(),
            ],
            "envFrom": [{"configMapRef": {"name": self.env.config_map_name}}],
            "readinessProbe": http_probe(port, **READINESS),
            "livenessProbe": http_probe(port, **LIVENESS),
            **self.extra_probes(),
            "resources": {"requests": self.resources.requests.as_k8s(), "limits": self.resources.limits.as_k8s()},
            "securityContext": container_security_context(),
            "volumeMounts": [mount for _, mount in volumes],
        }, [volume for volume, _ in volumes]

    def spread(self) -> list[dict[str, Any]]:
        """Replicas spread over nodes (hard) and zones (soft); per ReplicaSet, so rollouts are not blocked."""
        if self.replicas < 2:
            return []
        common = {
            "maxSkew": 1,
            "labelSelector": {"matchLabels": dict(self.selector)},
            "matchLabelKeys": ["pod-template-hash"],
            # Only nodes this pod may run on count as domains (GPU nodes are tainted).
            "nodeTaintsPolicy": "Honor",
        }
        return [
            {**common, "topologyKey": "kubernetes.io/hostname", "whenUnsatisfiable": "DoNotSchedule"},
            {**common, "topologyKey": "topology.kubernetes.io/zone", "whenUnsatisfiable": "ScheduleAnyway"},
        ]

    def deployment(self) -> Manifest:
        container, volumes = self.container()
        pod_spec: dict[str, Any] = {
            "serviceAccountName": self.service.name,
            "automountServiceAccountToken": False,
            "enableServiceLinks": False,
            "securityContext": pod_security_context(),
            "containers": [container],
            "volumes": volumes,
            **self.scheduling(),
        }
        spread = self.spread()
        if spread:
            pod_spec["topologySpreadConstraints"] = spread
        metadata = self.metadata()
        skips = scanners.annotations([self.image])
        if skips:
            metadata["annotations"] = skips
        return {
            "apiVersion": "apps/v1",
            "kind": "Deployment",
            "metadata": metadata,
            "spec": {
                "replicas": self.replicas,
                "revisionHistoryLimit": 5,
                "strategy": {"type": "RollingUpdate", "rollingUpdate": {"maxSurge": 1, "maxUnavailable": 0}},
                "selector": {"matchLabels": dict(self.selector)},
                "template": {"metadata": {"labels": dict(self.labels)}, "spec": pod_spec},
            },
        }

    def cluster_service(self) -> Manifest:
        return cluster_service(self.metadata(), dict(self.selector), named_ports(self.props))

    def disruption_budget(self) -> Manifest:
        return {
            "apiVersion": "policy/v1",
            "kind": "PodDisruptionBudget",
            "metadata": self.metadata(),
            "spec": {
                "maxUnavailable": 1,
                "unhealthyPodEvictionPolicy": "AlwaysAllow",
                "selector": {"matchLabels": dict(self.selector)},
            },
        }
