"""ScyllaDB: `datacenters` x `racks` x `members` nodes.

With charts: scylla-operator's `scylla` chart, one ScyllaCluster, one datacenter, per release.
Three datacenters (the seed's production) are three releases of one cluster name, each in its own
namespace (`<namespace>-scylla-dc<n>`); the second and third find the first through `externalSeeds`.
The operator manages what the chart has no keys for: PodDisruptionBudgets and the security context
(Scylla runs as root with SYS_NICE, so its namespaces cannot be Pod Security `restricted`).
Authentication and client encryption are `scylla.yaml` settings in the racks' `scyllaConfig`, a
ConfigMap in each datacenter's namespace.

CQL is TLS only where the environment has `tls:`. The certificate is cert-manager's, from the
internal issuer like every other store's (`scylladb-dc<n>-tls` in each datacenter's namespace,
naming every datacenter's client Service and every Service of its namespace), mounted into the Scylla
containers through the racks' `volumes`/`volumeMounts`; clients verify it with the CA they already
hold (`scylla_tls_ca_file` in <env>-config). scylla-operator v1.17 writes scylla.yaml as the
image's default, then its managed config, then the rack's `scyllaConfig`, each replacing the
previous one's top-level keys (its sidecar's mergeYAMLs); with AutomaticTLSCertificates its managed
config adds `native_transport_port_ssl: 9142` beside a plaintext 9042. The rack's config therefore
sets `client_encryption_options` whole and both `*_ssl` ports equal to the plain ones: Scylla then
encrypts the listeners on 9042 and 19042 instead of opening TLS ones beside them. Written from
scylla-operator's and Scylla's sources; not tried on a cluster here.

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
from blueprints.databases.store import Chart, Endpoint, Prerequisite, Release, Size, Store, Values, in_cluster, unique
from blueprints.identities import pod_security_labels
from blueprints.quantity import parse_bytes
from blueprints.tls_files import MOUNT_ROOT
from blueprints.types import Manifest

NAME = "scylladb"
PORT = 9042
SHARD_AWARE_PORT = 19042  # Scylla's shard-aware CQL port: encrypted like the other
TLS_DIR = f"{MOUNT_ROOT}/scylla-tls"  # in the Scylla containers: tls.crt, tls.key (and ca.crt)
TLS_VOLUME = "scylla-tls"
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


class SecretVolumeSource(Values):
    secretName: str
    defaultMode: int = 0o400  # Scylla runs as root


class Volume(Values):
    name: str
    secret: SecretVolumeSource


class VolumeMount(Values):
    name: str
    mountPath: str
    readOnly: bool = True


class Rack(Values):
    name: str
    members: int = Field(ge=1)
    scyllaConfig: str  # the datacenter's ConfigMap: scylla_yaml()
    storage: Storage
    resources: Resources
    agentResources: Resources
    volumes: list[Volume] | None = None  # the TLS certificate, where the environment has TLS
    volumeMounts: list[VolumeMount] | None = None  # into the Scylla container


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
           tasks: tuple[list[BackupTask], list[RepairTask]] | None = None, tls: str | None = None) -> ScyllaValues:
    """`tls`: the datacenter's certificate Secret, mounted into the Scylla containers; None: no TLS."""

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
                volumes=[Volume(name=TLS_VOLUME, secret=SecretVolumeSource(secretName=tls))] if tls else None,
                volumeMounts=[VolumeMount(name=TLS_VOLUME, mountPath=TLS_DIR)] if tls else None,
            )
            for n in range(1, spec.racks + 1)
        ],
        externalSeeds=seeds,
        backups=tasks[0] if tasks else None,
        repairs=tasks[1] if tasks else None,
    )


def tls_secret(datacenter: int) -> str:
    """The datacenter's certificate (cert-manager's Secret), in its namespace."""
    return f"{NAME}-dc{datacenter}-tls"


def scylla_yaml(tls: bool) -> str:
    """The racks' `scyllaConfig`: password authentication, and with `tls` CQL over TLS only (see
    the module: the operator's managed config is overridden key by key)."""
    text = "authenticator: PasswordAuthenticator\nauthorizer: CassandraAuthorizer\n"
    if tls:
        text += (
            "client_encryption_options:\n"
            "  enabled: true\n"
            f"  certificate: {TLS_DIR}/tls.crt\n"
            f"  keyfile: {TLS_DIR}/tls.key\n"
            f"native_transport_port_ssl: {PORT}\n"
            f"native_shard_aware_transport_port_ssl: {SHARD_AWARE_PORT}\n"
        )
    return text


def datacenter_namespace(namespace: str, config: str, tls: bool) -> list[Manifest]:
    """A datacenter's namespace, and its `scylla.yaml` (scylla_yaml).
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
            "data": {"scylla.yaml": scylla_yaml(tls)},
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

    ca_key = "scylla_tls_ca_file"  # the CQL drivers take the CA as a file

    def tls_names(self) -> dict[str, tuple[list[str], list[str]]]:
        """One certificate per datacenter, each naming every datacenter's client Service (a client
        may dial any, and verifies them all alike) and every Service of the datacenters'
        namespaces (the operator's per-member Services: they hold nothing else)."""
        if not self.placement.charts:
            return {}
        names = unique([name for dc in self.datacenters for name in in_cluster(f"{NAME}-client", self.namespace(dc))])
        names += [f"*.{self.namespace(dc)}.svc" for dc in self.datacenters]
        return {tls_secret(dc): (names, []) for dc in self.datacenters}

    def tls_namespace(self, secret: str) -> str:
        return next(self.namespace(dc) for dc in self.datacenters if tls_secret(dc) == secret)

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
                               [first_seed] if first_seed else None, config_name(dc), tasks,
                               tls_secret(dc) if self.placement.tls else None)
            releases.append(Release(f"{NAME}-dc{dc}", chart, dc_values, spec.racks * spec.members, spec, namespace,
                                    (AGENT.cpu, AGENT.memory)))
            first_seed = first_seed or f"{NAME}-client.{namespace}.svc"
        return releases

    def prerequisites(self) -> list[Prerequisite]:
        return [Prerequisite(f"{NAME}-dc{dc}-namespace", "ScyllaNamespace",
                             datacenter_namespace(self.namespace(dc), config_name(dc), self.placement.tls))
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
