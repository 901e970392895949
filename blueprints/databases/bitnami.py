"""Value blocks the Bitnami charts share (PostgreSQL, MongoDB, Redis), under the charts' own key names."""

from __future__ import annotations

from typing import Any

from pydantic import Field

from blueprints.databases.store import Image as ImagePin
from blueprints.databases.store import Size, Values
from blueprints.security import container_security_context, pod_security_context


class Image(Values):
    registry: str
    repository: str
    tag: str
    # as every container of the platform: the kubelet asks the registry on each start, so a pod
    # never runs a cached image the registry no longer serves under that tag
    pullPolicy: str = "Always"

    @classmethod
    def of(cls, pin: ImagePin) -> "Image":
        return cls(registry=pin.registry, repository=pin.repository, tag=pin.tag)


class Security(Values):
    allowInsecureImages: bool


class OpenShift(Values):
    # the charts adapt their security contexts when the cluster serves OpenShift's security API
    # (`.Capabilities`): pinned off, the output cannot depend on the cluster it is rendered for
    adaptSecurityContext: str = "disabled"


class Compatibility(Values):
    openshift: OpenShift = OpenShift()


class Global(Values):
    compatibility: Compatibility = Compatibility()
    # the pinned images are bitnamilegacy's or the platform's own: charts that check images refuse
    # them without this (postgresql 16.7.27 and mongodb 16.5.45 do; redis checks from 20.5.0 and
    # redis-cluster from 11.2.0, so their pinned versions have no such key)
    security: Security | None = None


class Seccomp(Values):
    type: str


class Capabilities(Values):
    drop: list[str]


class PodSecurityContext(Values):
    enabled: bool = True
    fsGroup: int
    runAsUser: int
    runAsGroup: int
    runAsNonRoot: bool
    seccompProfile: Seccomp


class ContainerSecurityContext(Values):
    enabled: bool = True
    runAsUser: int
    runAsGroup: int
    runAsNonRoot: bool
    privileged: bool
    readOnlyRootFilesystem: bool
    allowPrivilegeEscalation: bool
    capabilities: Capabilities
    seccompProfile: Seccomp


# the charts' security contexts hold what every pod of the project runs with (blueprints/security.py)
RESTRICTED_POD = PodSecurityContext(**pod_security_context())
RESTRICTED_CONTAINER = ContainerSecurityContext(**container_security_context())


class Amounts(Values):
    cpu: str
    memory: str


class Resources(Values):
    """Requests equal to limits: databases get Guaranteed QoS. Always emitted in full: an empty
    `resources` would make the charts fall back to their `resourcesPreset`."""

    requests: Amounts
    limits: Amounts

    @classmethod
    def of(cls, size: Size) -> "Resources":
        amounts = Amounts(cpu=size.cpu, memory=size.memory)
        return cls(requests=amounts, limits=amounts)


class Persistence(Values):
    enabled: bool = True
    size: str
    storageClass: str | None = None


class Pdb(Values):
    create: bool
    maxUnavailable: int | None = None

    def makes(self) -> tuple[str, ...]:
        return ("PodDisruptionBudget",) if self.create else ()


class ServiceAccount(Values):
    create: bool = True
    automountServiceAccountToken: bool = False

    def makes(self) -> tuple[str, ...]:
        return ("ServiceAccount",) if self.create else ()


def pdb(pods: int) -> Pdb:
    """A budget wherever there is something to keep: at most one pod down at a time."""
    return Pdb(create=True, maxUnavailable=1) if pods >= 2 else Pdb(create=False)


class Pods(Values):
    """What every Bitnami chart takes per group of database pods (a role, a component)."""

    persistence: Persistence
    resources: Resources
    podSecurityContext: PodSecurityContext = RESTRICTED_POD
    containerSecurityContext: ContainerSecurityContext = RESTRICTED_CONTAINER


class BudgetedPods(Pods):
    """A group of pods with a PodDisruptionBudget of its own (`primary.pdb`, `readReplicas.pdb`)."""

    pdb: Pdb


class NetworkPolicy(Values):
    """Off: the chart's own policy admits any pod of the namespace. blueprints/network.py writes
    the stores' policies from the dependency graph instead."""

    enabled: bool = False

    def makes(self) -> tuple[str, ...]:
        return ("NetworkPolicy",) if self.enabled else ()


class ChartValues(Values):
    """How every Bitnami chart's values begin: `global` pins the OpenShift adaptation off; a chart
    that checks images redeclares it (`checked_images()`)."""

    global_: Global = Field(default=Global(), alias="global")
    fullnameOverride: str  # the store's name: the charts name their Services after it (the hosts services use)
    image: Image

    def makes(self) -> tuple[str, ...]:
        # the server: its pods, the Services naming them, its configuration and start-up scripts
        return ("StatefulSet", "Service", "ConfigMap")


def checked_images() -> Any:
    """`global` of a chart that checks images: `global_: Global = checked_images()`."""
    return Field(default=Global(security=Security(allowInsecureImages=True)), alias="global")


class ReplicatedValues(ChartValues):
    """A chart that runs one server or a replicated set (`architecture`)."""

    architecture: str
