"""ScyllaDB: `datacenters` x `racks` x `members` nodes.

With charts: scylla-operator's `scylla` chart, one ScyllaCluster, one datacenter, per release.
Three datacenters (the seed's production) are three releases of one cluster name, each in its own
namespace (`<namespace>-scylla-dc<n>`); the second and third find the first through `externalSeeds`.
The operator manages what the chart has no keys for: TLS certificates (its
AutomaticTLSCertificates), PodDisruptionBudgets, and the security context (Scylla runs as root with
SYS_NICE, so its namespaces cannot be Pod Security `restricted`). Authentication is a `scylla.yaml`
setting in the racks' `scyllaConfig`, a ConfigMap in each datacenter's namespace.

Local: its image is built to start as root. Its entrypoint (`/docker-entrypoint.py`) writes
`/etc/scylla.d/*.conf`, `$HOME/.cassandra/cqlshrc` and supervisord's pid file, then supervisord
starts scylla, a housekeeping job and exporters; run non-root on a read-only root filesystem, every
one of those paths would have to be mounted writable. Instead the container runs the `scylla`
binary itself with what the entrypoint would have passed (`--developer-mode=1 --smp=1
--memory=... --overprovisioned`, log to stdout), so Scylla writes only under its data volume,
`/var/lib/scylla`, and `/tmp`. Scylla refuses data directories not owned by the user it runs as
(only root is exempt); it creates `data`, `commitlog`, `hints`, ... itself, so they are. The node
talks to itself on 127.0.0.1 (one node: no gossip peers, and the address survives a new pod IP)
and serves CQL on the pod IP. CQL has no authentication here (Scylla's default). This ScyllaDB
setup was written from the image's sources and has not been tried on a real cluster here.
"""

from __future__ import annotations

from decimal import ROUND_DOWN, Decimal
from typing import Any

from pydantic import Field

from blueprints import argocd, labels
from blueprints.databases.backup import Backups
from blueprints.databases.bitnami import Amounts, Resources
from blueprints.databases.container import env, probes, tcp_probe
from blueprints.databases.store import Chart, Endpoint, Prerequisite, Release, Size, Store, Values
from blueprints.identities import pod_security_labels
from blueprints.quantity import parse_bytes
from blueprints.types import Manifest

NAME = "scylladb"
PORT = 9042
# the manager agent sidecar of every Scylla pod
AGENT = Amounts(cpu="50m", memory="128Mi")


class ScyllaSpec(Size):
    """ScyllaDB: `datacenters` x `racks` x `members` nodes. One scylla-operator ScyllaCluster holds
    one datacenter, so each datacenter is a release of its own, in a namespace of its own."""

    datacenters: int = Field(ge=1, description="seed production: 3")
    racks: int = Field(default=1, ge=1, description="racks per datacenter")
    members: int = Field(ge=1, description="nodes per rack")

    @property
    def pods(self) -> int:
        return self.datacenters * self.racks * self.members


# --- scylla-operator's scylla chart values --------------------------------------------------------

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

    def makes(self) -> tuple[str, ...]:
        return ("ServiceMonitor",) if self.create else ()


class BackupTask(Values):
    """A Scylla Manager backup task of the ScyllaCluster (`spec.backups[]`)."""

    name: str = "backup"
    cron: str
    location: list[str]
    retention: int = Field(ge=1, description="snapshots kept")
    dc: list[str]


class RepairTask(Values):
    """A Scylla Manager repair task (`spec.repairs[]`): tombstones are only safe to drop after one."""

    name: str = "repair"
    cron: str


def backup_values(backups: Backups | None, datacenter: str) -> tuple[list[BackupTask], list[RepairTask]] | None:
    """`backups` and `repairs` of the first datacenter's release: every datacenter holds a full
    replica, so snapshots of one are a backup of the cluster, and one repair task repairs it all.
    Snapshots go to the profile's bucket (the agents reach it with the nodes' cloud identity:
    no key in a Secret), one a day, `retention_days` of them kept."""
    if backups is None:
        return None
    return (
        [BackupTask(cron=backups.schedule, location=[backups.location], retention=backups.retention_days, dc=[datacenter])],
        [RepairTask(cron=backups.repair_schedule)],
    )


class ScyllaValues(Values):
    """One datacenter: the chart renders a ScyllaCluster, which scylla-operator runs."""

    fullnameOverride: str = NAME
    scyllaImage: ScyllaImage
    agentImage: ScyllaImage
    developerMode: bool = False
    datacenter: str
    racks: list[Rack]
    externalSeeds: list[str] | None = None
    serviceMonitor: ServiceMonitor = ServiceMonitor()
    backups: list[BackupTask] | None = None  # backup_values
    repairs: list[RepairTask] | None = None

    def makes(self) -> tuple[str, ...]:
        return ("ScyllaCluster",)


def values(spec: ScyllaSpec, chart: Chart, storage_class: str | None, datacenter: str,
           seeds: list[str] | None, config: str,
           tasks: tuple[list[BackupTask], list[RepairTask]] | None = None) -> ScyllaValues:
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
        backups=tasks[0] if tasks else None,
        repairs=tasks[1] if tasks else None,
    )


def datacenter_namespace(namespace: str, config: str) -> list[Manifest]:
    """A datacenter's namespace, and its `scylla.yaml` turning on password authentication.
    scylla-operator runs Scylla as root with SYS_NICE: Pod Security `privileged`, on purpose."""
    psa = pod_security_labels(ScyllaDB.pod_security)
    return [
        {
            "apiVersion": "v1",
            "kind": "Namespace",
            "metadata": {
                "name": namespace,
                "labels": psa,
                "annotations": {"therapeutic-ai.io/pod-security-reason":
                                "scylla-operator runs ScyllaDB as root with SYS_NICE",
                                **argocd.wave(argocd.NAMESPACES_WAVE)},
            },
        },
        {
            "apiVersion": "v1",
            "kind": "ConfigMap",
            "metadata": {"name": config, "namespace": namespace,
                         "annotations": argocd.wave(argocd.CONFIGURATION_WAVE)},
            "data": {"scylla.yaml": "authenticator: PasswordAuthenticator\nauthorizer: CassandraAuthorizer\n"},
        },
    ]


# --- local ------------------------------------------------------------------------------------------

DATA = "/var/lib/scylla"
MIB = Decimal(2**20)


def seastar_memory(spec: Size) -> str:
    """Seastar's `--memory`: three quarters of the pod's memory, leaving the rest to the binary,
    its threads and the kernel's view of the cgroup (`1Gi` -> `768M`, Seastar's M being MiB)."""
    mib = (parse_bytes(spec.memory) * 3 / 4 / MIB).to_integral_value(ROUND_DOWN)
    return f"{mib}M"


class ScyllaDB(Store[ScyllaSpec]):
    name = NAME
    port = PORT
    port_name = "cql"
    pod_security = "privileged"  # of its own namespaces: scylla-operator runs Scylla as root with SYS_NICE
    extra_peer_ports = (7000, 7001)  # inter-node (gossip, streaming), plain and TLS: each datacenter with the others
    config_prefix = "scylla"
    many_hosts = True
    charts = ("scylla",)
    data_path = DATA  # everything else it writes is under it (and /tmp)
    grace = 120  # drains: flushes memtables
    startup_seconds = 600

    @property
    def datacenters(self) -> range:
        return range(1, self.spec.datacenters + 1)

    def namespace(self, datacenter: int) -> str:
        """Each datacenter runs in a namespace of its own: one ScyllaCluster per datacenter, all
        named alike, and scylla-operator's pods need more than Pod Security `restricted` allows."""
        return f"{self.placement.namespace}-scylla-dc{datacenter}"

    def topology_keys(self) -> dict[str, str]:
        return {"scylla_datacenter_count": str(self.spec.datacenters)}

    def endpoint(self) -> Endpoint:
        if not self.placement.charts:
            return Endpoint((NAME,), PORT)
        return Endpoint(tuple(f"{NAME}-client.{self.namespace(dc)}.svc" for dc in self.datacenters), PORT)

    def client_credentials(self) -> dict[str, str]:
        """The services' CQL login (PasswordAuthenticator is on), from Vault like the others' passwords."""
        return {"scylla-username": "scylla_username", "scylla-password": "scylla_password"}

    def pods(self) -> dict[str, Any]:
        """scylla-operator labels the pods it makes with the application's name, not the Helm
        release; each datacenter's namespace holds its ScyllaCluster's pods alone."""
        if self.placement.charts:
            return {"matchLabels": {labels.NAME: "scylla"}}
        return super().pods()

    def own_namespaces(self) -> list[str]:
        return [self.namespace(dc) for dc in self.datacenters] if self.placement.charts else []

    def releases(self, charts: dict[str, Chart]) -> list[Release]:
        chart, spec, first_seed = charts["scylla"], self.spec, None
        releases = []
        for dc in self.datacenters:
            namespace = self.namespace(dc)
            datacenter = f"{self.placement.environment}-dc{dc}"
            tasks = backup_values(self.placement.backups, datacenter) if dc == 1 else None
            dc_values = values(spec, chart, self.placement.storage_class, datacenter,
                               [first_seed] if first_seed else None, config_name(dc), tasks)
            releases.append(Release(f"{NAME}-dc{dc}", chart, dc_values, spec.racks * spec.members, spec, namespace,
                                    (AGENT.cpu, AGENT.memory)))
            first_seed = first_seed or f"{NAME}-client.{namespace}.svc"
        return releases

    def prerequisites(self) -> list[Prerequisite]:
        return [Prerequisite(f"{NAME}-dc{dc}-namespace", "ScyllaNamespace",
                             datacenter_namespace(self.namespace(dc), config_name(dc)))
                for dc in self.datacenters]

    def local_container(self, secret_file: str | None) -> dict[str, Any]:
        # The scylla binary, not the image's root-only entrypoint (see the module).
        return {
            "command": ["/usr/bin/scylla"],
            "args": [
                "--developer-mode=1",
                "--smp=1",
                f"--memory={seastar_memory(self.spec)}",
                "--overprovisioned",
                f"--workdir={DATA}",
                "--listen-address=127.0.0.1",
                "--seed-provider-parameters=seeds=127.0.0.1",
                "--rpc-address=0.0.0.0",
                "--broadcast-rpc-address=$(POD_IP)",
                "--api-address=127.0.0.1",
                "--log-to-syslog=0",
                "--log-to-stdout=1",
                "--blocked-reactor-notify-ms=999999999",  # as the image does: stall reports on a shared CPU are noise
            ],
            "env": [
                {"name": "POD_IP", "valueFrom": {"fieldRef": {"fieldPath": "status.podIP"}}},
                *env(SCYLLA_CONF="/etc/scylla", SCYLLA_HOME=DATA),
            ],
            # CQL listens once the node has joined: the port is its readiness
            **probes(tcp_probe(self.port_name), tcp_probe(self.port_name), startup_seconds=self.startup_seconds),
        }


def config_name(datacenter: int) -> str:
    return f"{NAME}-dc{datacenter}-config"
