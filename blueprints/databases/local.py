"""The `local` environment's databases: plain single-instance StatefulSets, no Argo CD, no charts.

A workstation (kind or minikube) applies these with `kubectl apply -k`. Each store is a
ServiceAccount, a headless Service named after the store (the host `<env>-config` names) and a
one-replica StatefulSet of the upstream image pinned in `databases.yaml` (`local_images`), with one
ReadWriteOnce volume `data`. PostgreSQL also gets a ConfigMap of first-start SQL (pgvector).

The pods pass the same checks as the services: Pod Security Standards `restricted`, UID and GID
10001, a read-only root filesystem, probes, requests equal to limits. Every path a store writes
outside its data volume is an emptyDir (`/tmp` always). The stores create their own data
directories inside the volume (`pgdata`, Scylla's `data`, `commitlog`, ...), so they own them
whatever the provisioner does with the volume's root; `fsGroup` makes the root group-writable
where the volume plugin supports it (kind's and minikube's hostPath provisioners make it 0777).

Passwords come from Secrets that exist before this is applied (`postgres-credentials`,
`mongodb-credentials`, `redis-credentials`); they are referenced by name and mounted as files
(0400, group-readable through `fsGroup`), never put in the environment and never written here.

ScyllaDB: its image is built to start as root. Its entrypoint (`/docker-entrypoint.py`) writes
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

from constructs import Construct

from blueprints import labels, scanners
from blueprints.databases.endpoints import CREDENTIALS, DATABASE, PORTS
from blueprints.databases.spec import Image, Size
from blueprints.k8s import Manifest, api_object
from blueprints.quantity import parse_bytes
from blueprints.security import container_security_context, pod_security_context, service_account
from blueprints.workload import TMP_SIZE

COMPONENT = "database"
NAMES = tuple(PORTS)

# the Service's and container's port name: the protocol each store speaks
PORT_NAMES = {"postgres": "postgres", "mongodb": "mongodb", "redis": "redis", "scylladb": "cql"}

# Secrets that exist before `kubectl apply -k` (made by hand or a script on the workstation):
# store -> (Secret, key). Only names here.
SECRETS = {
    **CREDENTIALS,
}
SECRETS_DIR = "/run/secrets"

DATA_VOLUME = "data"
DATA_PATHS = {
    "postgres": "/var/lib/postgresql/data",
    "mongodb": "/data/db",
    "redis": "/data",
    "scylladb": "/var/lib/scylla",
}

POSTGRES_DB = DATABASE
POSTGRES_INIT = "postgres-init"
POSTGRES_INIT_SQL = {"01-pgvector.sql": "CREATE EXTENSION IF NOT EXISTS vector;\n"}
PGDATA = f"{DATA_PATHS['postgres']}/pgdata"  # a subdirectory: initdb wants an empty one it owns

# Small writable paths outside the data volume: (volume name, mount path, size limit).
SCRATCH = {
    "postgres": [("run", "/var/run/postgresql", "16Mi")],  # the Unix socket and its lock file
    "mongodb": [("configdb", "/data/configdb", "16Mi")],   # the image's second VOLUME
    "redis": [],
    "scylladb": [],                                         # everything else is under /var/lib/scylla
}

# emptyDirs, logs: what the pod may write outside its volume
EPHEMERAL_REQUEST = "64Mi"
EPHEMERAL_LIMIT = "256Mi"

# Shutting down: PostgreSQL checkpoints, MongoDB and Redis sync, ScyllaDB drains (flushes memtables).
GRACE = {"postgres": 60, "mongodb": 60, "redis": 60, "scylladb": 120}

MIB = Decimal(2**20)
GIB = Decimal(2**30)


def scylla_memory(size: Size) -> str:
    """Seastar's `--memory`: three quarters of the pod's memory, leaving the rest to the binary,
    its threads and the kernel's view of the cgroup (`1Gi` -> `768M`, Seastar's M being MiB)."""
    mib = (parse_bytes(size.memory) * 3 / 4 / MIB).to_integral_value(ROUND_DOWN)
    return f"{mib}M"


def mongodb_cache_gb(size: Size) -> str:
    """`--wiredTigerCacheSizeGB` (GiB): MongoDB's own default, half of (memory - 1GiB) and at least
    0.25, applied to the pod's limit rather than to the node's memory it might see."""
    half = (parse_bytes(size.memory) - GIB) / 2 / GIB
    gb = max(Decimal("0.25"), half).quantize(Decimal("0.01"), ROUND_DOWN)
    return f"{gb.normalize():f}"


def secret_file(name: str) -> str:
    secret, key = SECRETS[name]
    return f"{SECRETS_DIR}/{name}/{key}"


def tcp_probe(port: str, **timing: int) -> dict[str, Any]:
    return {"tcpSocket": {"port": port}, **timing}


def exec_probe(command: list[str], **timing: int) -> dict[str, Any]:
    return {"exec": {"command": command}, **timing}


READINESS = {"periodSeconds": 10, "timeoutSeconds": 5, "failureThreshold": 3}
LIVENESS = {"periodSeconds": 20, "timeoutSeconds": 5, "failureThreshold": 6}


class LocalDatabase(Construct):
    """One store of the `local` environment as a single-instance StatefulSet (see the module).

    `name` is one of "postgres", "mongodb", "redis", "scylladb"; `size` gives requests (equal to
    limits) and the volume; `storage_class` None means the cluster's default StorageClass.
    `manifests` holds every object in order, each also added under this construct.
    """

    def __init__(self, scope: Construct, id: str, *, name: str, namespace: str, image: Image, size: Size,
                 storage_class: str | None) -> None:
        super().__init__(scope, id)
        if name not in PORTS:
            raise ValueError(f"unknown database {name!r}; expected one of {', '.join(NAMES)}")
        self.name = name
        self.namespace = namespace
        self.image = image
        self.size = size
        self.storage_class = storage_class
        self.port = PORTS[name]
        self.port_name = PORT_NAMES[name]
        self.selector = {labels.NAME: name, labels.COMPONENT: COMPONENT}
        self.labels = dict(self.selector)

        self.manifests: list[Manifest] = [self.service_account()]
        if name == "postgres":
            self.manifests.append(self.postgres_init())
        self.manifests += [self.headless_service(), self.stateful_set()]
        for manifest in self.manifests:
            api_object(self, manifest)

    # --- the objects ----------------------------------------------------------------------

    def metadata(self, name: str | None = None) -> dict[str, Any]:
        return {"name": name or self.name, "namespace": self.namespace, "labels": dict(self.labels)}

    def service_account(self) -> Manifest:
        return service_account(self.metadata())

    def postgres_init(self) -> Manifest:
        """SQL the image runs once, on the first start with an empty data directory."""
        return {
            "apiVersion": "v1",
            "kind": "ConfigMap",
            "metadata": self.metadata(POSTGRES_INIT),
            "data": dict(POSTGRES_INIT_SQL),
        }

    def headless_service(self) -> Manifest:
        return {
            "apiVersion": "v1",
            "kind": "Service",
            "metadata": self.metadata(),
            "spec": {
                "clusterIP": "None",
                "selector": dict(self.selector),
                "ports": [{"name": self.port_name, "port": self.port, "targetPort": self.port_name, "protocol": "TCP"}],
            },
        }

    def stateful_set(self) -> Manifest:
        container, volumes = self.container()
        pod_spec: dict[str, Any] = {
            "serviceAccountName": self.name,
            "automountServiceAccountToken": False,
            "enableServiceLinks": False,
            "terminationGracePeriodSeconds": GRACE[self.name],
            # chgrp the volume only when its root does not match: a database's files stay as it made them
            "securityContext": pod_security_context(fsGroupChangePolicy="OnRootMismatch"),
            "containers": [container],
            "volumes": volumes,
        }
        claim: dict[str, Any] = {
            "accessModes": ["ReadWriteOnce"],
            "resources": {"requests": {"storage": self.size.storage}},
        }
        if self.storage_class:
            claim["storageClassName"] = self.storage_class
        metadata = self.metadata()
        skips = scanners.annotations([self.image.reference()])
        if skips:
            metadata["annotations"] = skips
        return {
            "apiVersion": "apps/v1",
            "kind": "StatefulSet",
            "metadata": metadata,
            "spec": {
                "replicas": 1,
                "serviceName": self.name,
                "revisionHistoryLimit": 5,
                "selector": {"matchLabels": dict(self.selector)},
                "updateStrategy": {"type": "RollingUpdate"},
                # the data outlives the StatefulSet: deleting it (or `kubectl delete -k`) keeps the volume
                "persistentVolumeClaimRetentionPolicy": {"whenDeleted": "Retain", "whenScaled": "Retain"},
                "template": {"metadata": {"labels": dict(self.labels)}, "spec": pod_spec},
                "volumeClaimTemplates": [{
                    "metadata": {"name": DATA_VOLUME, "labels": dict(self.labels)},
                    "spec": claim,
                }],
            },
        }

    def container(self) -> tuple[dict[str, Any], list[dict[str, Any]]]:
        """The database's container and the pod volumes its mounts need (the claim aside)."""
        volumes: list[tuple[dict[str, Any], dict[str, Any]]] = [
            ({"name": "tmp", "emptyDir": {"sizeLimit": TMP_SIZE}}, {"name": "tmp", "mountPath": "/tmp"}),
        ]
        for volume, path, limit in SCRATCH[self.name]:
            volumes.append(({"name": volume, "emptyDir": {"sizeLimit": limit}}, {"name": volume, "mountPath": path}))
        if self.name in SECRETS:
            secret, key = SECRETS[self.name]
            volumes.append((
                {"name": "credentials", "secret": {"secretName": secret, "items": [{"key": key, "path": key}],
                                                   "defaultMode": 0o400}},
                {"name": "credentials", "mountPath": f"{SECRETS_DIR}/{self.name}", "readOnly": True},
            ))
        if self.name == "postgres":
            volumes.append((
                {"name": "init", "configMap": {"name": POSTGRES_INIT, "defaultMode": 0o444}},
                {"name": "init", "mountPath": "/docker-entrypoint-initdb.d", "readOnly": True},
            ))
        mounts = [{"name": DATA_VOLUME, "mountPath": DATA_PATHS[self.name]}] + [mount for _, mount in volumes]

        amounts = {"cpu": self.size.cpu, "memory": self.size.memory}
        container: dict[str, Any] = {
            "name": self.name,
            "image": self.image.reference(),
            "imagePullPolicy": "Always",
            **getattr(self, f"_{self.name}")(),
            "ports": [{"name": self.port_name, "containerPort": self.port, "protocol": "TCP"}],
            "resources": {
                "requests": {**amounts, "ephemeral-storage": EPHEMERAL_REQUEST},
                "limits": {**amounts, "ephemeral-storage": EPHEMERAL_LIMIT},
            },
            "securityContext": container_security_context(),
            "volumeMounts": mounts,
        }
        return container, [volume for volume, _ in volumes]

    # --- per store: command, environment, probes ---------------------------------------------

    def _env(self, **values: str) -> list[dict[str, Any]]:
        # HOME: the shells a developer runs in the pod (psql, mongosh, redis-cli, cqlsh) keep history
        # there, and UID 10001 has no home on a read-only root filesystem
        return [{"name": "HOME", "value": "/tmp"}] + [{"name": k, "value": v} for k, v in values.items()]

    def _probes(self, ready: dict[str, Any], alive: dict[str, Any], startup_seconds: int) -> dict[str, Any]:
        """Readiness and liveness after a startup probe that allows a slow first start (initdb,
        Scylla's bootstrap): liveness only asks whether the port answers, so recovery is not killed."""
        return {
            "startupProbe": {**alive, "periodSeconds": 5, "timeoutSeconds": 5,
                             "failureThreshold": startup_seconds // 5},
            "readinessProbe": {**ready, **READINESS},
            "livenessProbe": {**alive, **LIVENESS},
        }

    def _postgres(self) -> dict[str, Any]:
        # The image's entrypoint runs initdb as any UID (nss_wrapper in /tmp), creates PGDATA,
        # reads the password from the file and runs /docker-entrypoint-initdb.d on first start.
        return {
            "env": self._env(
                PGDATA=PGDATA,
                POSTGRES_DB=POSTGRES_DB,
                POSTGRES_PASSWORD_FILE=secret_file("postgres"),
            ),
            # Kubernetes stops with SIGTERM, PostgreSQL's "smart" shutdown, which waits for every
            # client to leave (the image's STOPSIGNAL SIGINT does not apply): ask for "fast" instead.
            "lifecycle": {"preStop": {"exec": {"command": ["pg_ctl", "stop", "-D", PGDATA, "-m", "fast", "-W"]}}},
            **self._probes(
                exec_probe(["pg_isready", "-q", "-h", "127.0.0.1", "-p", str(self.port), "-U", "postgres",
                            "-d", POSTGRES_DB]),
                tcp_probe(self.port_name),
                startup_seconds=300,
            ),
        }

    def _mongodb(self) -> dict[str, Any]:
        # The entrypoint creates the root user on first start from *_FILE, then adds --auth.
        # mongosh probes would start a Node.js process every period: the port is probed instead.
        return {
            "args": ["mongod", "--bind_ip_all", "--dbpath", DATA_PATHS["mongodb"],
                     "--wiredTigerCacheSizeGB", mongodb_cache_gb(self.size)],
            "env": self._env(
                MONGO_INITDB_ROOT_USERNAME="root",
                MONGO_INITDB_ROOT_PASSWORD_FILE=secret_file("mongodb"),
            ),
            **self._probes(tcp_probe(self.port_name), tcp_probe(self.port_name), startup_seconds=300),
        }

    def _redis(self) -> dict[str, Any]:
        # `exec`: redis-server is PID 1 and gets SIGTERM (it syncs the append-only file and exits).
        # Redis replaces its process title, so the password does not stay in /proc/1/cmdline.
        password = f"$(cat {secret_file('redis')})"
        return {
            "command": ["sh", "-c", f'exec redis-server --appendonly yes --dir {DATA_PATHS["redis"]} '
                                    f'--requirepass "{password}"'],
            "env": self._env(),
            **self._probes(
                exec_probe(["sh", "-c", f'test "$(REDISCLI_AUTH="{password}" redis-cli -h 127.0.0.1 '
                                        f'-p {self.port} ping)" = PONG']),
                tcp_probe(self.port_name),
                startup_seconds=120,
            ),
        }

    def _scylladb(self) -> dict[str, Any]:
        # The scylla binary, not the image's root-only entrypoint (see the module).
        return {
            "command": ["/usr/bin/scylla"],
            "args": [
                "--developer-mode=1",
                "--smp=1",
                f"--memory={scylla_memory(self.size)}",
                "--overprovisioned",
                f"--workdir={DATA_PATHS['scylladb']}",
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
                *self._env(SCYLLA_CONF="/etc/scylla", SCYLLA_HOME=DATA_PATHS["scylladb"]),
            ],
            # CQL listens once the node has joined: the port is its readiness
            **self._probes(tcp_probe(self.port_name), tcp_probe(self.port_name), startup_seconds=600),
        }
