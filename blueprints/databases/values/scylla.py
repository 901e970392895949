"""Values of scylla-operator's `scylla` chart: one ScyllaCluster, one datacenter, per release.

Three datacenters (the seed's production) are three releases of one cluster name, each in its own
namespace; the second and third find the first through `externalSeeds`. The operator manages what
the chart has no keys for: TLS certificates (its AutomaticTLSCertificates), PodDisruptionBudgets,
and the security context (Scylla runs as root with SYS_NICE, so its namespaces cannot be Pod
Security `restricted`). Authentication is a `scylla.yaml` setting in the racks' `scyllaConfig`.
"""

from __future__ import annotations

from pydantic import Field

from blueprints.databases.endpoints import SCYLLA
from blueprints.databases.spec import Chart, ScyllaSpec
from blueprints.databases.values.bitnami import Amounts, Resources, Values

# the manager agent sidecar of every Scylla pod
AGENT = Amounts(cpu="50m", memory="128Mi")


class ScyllaImage(Values):
    repository: str
    tag: str


class Storage(Values):
    capacity: str
    storageClassName: str | None = None


class Rack(Values):
    name: str
    members: int = Field(ge=1)
    scyllaConfig: str  # the datacenter's ConfigMap: `authenticator: PasswordAuthenticator`
    storage: Storage
    resources: Resources
    agentResources: Resources


class ServiceMonitor(Values):
    create: bool = False


class ScyllaValues(Values):
    fullnameOverride: str = SCYLLA
    scyllaImage: ScyllaImage
    agentImage: ScyllaImage
    developerMode: bool = False
    datacenter: str
    racks: list[Rack]
    externalSeeds: list[str] | None = None
    serviceMonitor: ServiceMonitor = ServiceMonitor()


def values(spec: ScyllaSpec, chart: Chart, storage_class: str | None, datacenter: str,
           seeds: list[str] | None, config: str) -> ScyllaValues:
    def image(key: str) -> ScyllaImage:
        pin = chart.images[key]
        return ScyllaImage(repository=f"{pin.registry}/{pin.repository}", tag=pin.tag)

    return ScyllaValues(
        scyllaImage=image("scylla"),
        agentImage=image("agent"),
        datacenter=datacenter,
        racks=[
            Rack(
                name=f"{datacenter}-rack{n}",
                members=spec.members,
                scyllaConfig=config,
                storage=Storage(capacity=spec.storage, storageClassName=storage_class),
                resources=Resources.of(spec),
                agentResources=Resources(requests=AGENT, limits=AGENT),
            )
            for n in range(1, spec.racks + 1)
        ],
        externalSeeds=seeds,
    )
