"""MongoDB: standalone with 1 member, a replica set (no arbiter) with more.

With charts: `bitnami/mongodb` (16.x keys), TLS per member (`mongodb-<n>-tls`), `requireTLS`,
passwords from `mongodb-credentials`. Local: the upstream image as one StatefulSet.
"""

from __future__ import annotations

from decimal import ROUND_DOWN, Decimal
from typing import Any

from pydantic import Field, model_validator

from blueprints.databases.backup import Backup, Backups, CronJob, DumpStorage, dump_command
from blueprints.databases.bitnami import (
    Global, checked_images,
    RESTRICTED_CONTAINER, RESTRICTED_POD,
    ContainerSecurityContext, Image, NetworkPolicy, Pdb, PodSecurityContext, ReplicatedValues, Resources, ServiceAccount,
    pdb,
)
from blueprints.databases.container import env, probes, tcp_probe
from blueprints.databases.store import (
    DATABASE, LOOPBACK_IPS, LOOPBACK_NAMES, Chart, ConnectionUrl, Credentials, Endpoint, Release, Restore, Scratch, Size, Store,
    Values, in_cluster, url_password,
)
from blueprints.quantity import GIB, parse_bytes
from blueprints.tls_files import CA_FILE
from blueprints.types import CatalogProblem

NAME = "mongodb"
# the chart's fixed key names: mongodb-root-password, mongodb-replica-set-key, mongodb-passwords
SECRET, ADMIN_KEY = f"{NAME}-credentials", "mongodb-root-password"
REPLICA_SET = "rs0"  # bitnami/mongodb's default `replicaSetName` (the values leave it)
PORT = 27017


class MongoSpec(Size):
    """MongoDB: standalone with 1 member, a replica set (no arbiter) with more."""

    members: int = Field(ge=1)

    @model_validator(mode="after")
    def _odd(self) -> "MongoSpec":
        if self.members > 1 and self.members % 2 == 0:
            raise CatalogProblem(("members",), f"a replica set of {self.members} has no majority after one loss; use an odd number")
        return self

    @property
    def replica_set(self) -> bool:
        return self.members > 1


def tls_secret(member: int | None) -> str:
    """The TLS Secret of a replica set member, or of the standalone server (cert-manager's)."""
    return f"{NAME}-tls" if member is None else f"{NAME}-{member}-tls"


# --- bitnami/mongodb values -----------------------------------------------------------------------

class Auth(Values):
    enabled: bool = True
    existingSecret: str = SECRET
    usernames: list[str] = Field(default_factory=lambda: [DATABASE])
    databases: list[str] = Field(default_factory=lambda: [DATABASE])


class Arbiter(Values):
    enabled: bool = False  # the chart's default is true: 3 data members need no arbiter


class Persistence(Values):
    enabled: bool = True
    size: str
    storageClass: str | None = None


class ReplicaSetTls(Values):
    existingSecrets: list[str]  # one cert-manager Secret per member


class StandaloneTls(Values):
    existingSecret: str


class Tls(Values):
    enabled: bool = True
    mTLS: dict = Field(default_factory=lambda: {"enabled": False})  # clients present no certificates
    mode: str = "requireTLS"
    replicaset: ReplicaSetTls | None = None
    standalone: StandaloneTls | None = None
    image: Image  # the cert init container's image (nginx), pinned like the rest
    securityContext: ContainerSecurityContext = RESTRICTED_CONTAINER  # the chart leaves it empty


# --- backups: the chart's mongodump CronJob ------------------------------------------------------------

DUMPS = "mongodump"  # the dump files' prefix, and the chart's component label of the dump pods


def mongodump(replica_set: bool) -> str:
    """The chart's own dump (root credentials, from the env or the password file the chart gives,
    and TLS flags from the env it sets; a point in time with --oplog in a replica set), written to
    `$OUT` as one gzipped archive."""
    return (
        'mongodump --username="$MONGODB_ROOT_USER" '
        '--password="${MONGODB_ROOT_PASSWORD:-$(cat "${MONGODB_ROOT_PASSWORD_FILE:-/dev/null}")}" --authenticationDatabase=admin '
        '--host="$MONGODB_SERVICE_NAME" --port="$MONGODB_PORT_NUMBER" $MONGODB_CLIENT_EXTRA_FLAGS'
        + (" --oplog" if replica_set else "") + ' --gzip --archive="$OUT"'
    )


# gen restore-plan: as root, into the scratch server
# with CA_FILE (a drill where the environment has TLS) the clients speak TLS and verify the server
CONNECT = (f'--host="$HOST" --port={PORT} --username=root --password="$(cat "$PASSWORD_FILE")" --authenticationDatabase=admin'
           ' ${CA_FILE:+--tls --tlsCAFile="$CA_FILE"}')


def restore_script(oplog: bool) -> str:
    return (
        f'until mongosh --quiet {CONNECT} --eval "db.adminCommand({{ping: 1}})" >/dev/null 2>&1; '
        'do echo "waiting for $HOST"; sleep 5; done; '
        f'mongorestore {CONNECT} --drop{" --oplogReplay" if oplog else ""} --gzip --archive="$BACKUP"; '
        'echo "replayed $BACKUP"'
    )


CHECK = (
    f'mongosh --quiet {CONNECT} --eval \'const d = db.getSiblingDB("{DATABASE}"); const names = d.getCollectionNames(); '
    'names.sort().forEach(c => print(c, d.getCollection(c).countDocuments())); '
    'if (names.length === 0) { print("no collection restored"); quit(1); } '
    'print("restored " + names.length + " collections from " + process.env.BACKUP)\''
)


class DumpServiceAccount(Values):
    name: str = NAME  # the chart's own (`serviceAccount`), which mounts no token; unset, `default`


class MongoCronJob(CronJob):
    serviceAccount: DumpServiceAccount = DumpServiceAccount()


def backup_values(spec: MongoSpec, backups: Backups | None, storage_class: str | None) -> Backup | None:
    """`backup`: the profile's schedule of mongodump into the dump volume."""
    if backups is None:
        return None
    return Backup(cronjob=MongoCronJob(
        schedule=backups.schedule,
        command=dump_command(mongodump(spec.replica_set), "${MONGODUMP_DIR}", DUMPS, backups.retention_days),
        storage=DumpStorage(storageClass=storage_class, size=backups.storage),
    ))


class MongodbValues(ReplicatedValues):
    global_: Global = checked_images()  # the chart refuses the pinned images without it
    replicaCount: int | None = None
    arbiter: Arbiter = Arbiter()
    usePasswordFiles: bool = True
    auth: Auth = Auth()
    tls: Tls
    persistence: Persistence
    resources: Resources
    podSecurityContext: PodSecurityContext = RESTRICTED_POD
    containerSecurityContext: ContainerSecurityContext = RESTRICTED_CONTAINER
    podAntiAffinityPreset: str = "hard"
    pdb: Pdb
    serviceAccount: ServiceAccount = ServiceAccount()
    automountServiceAccountToken: bool = False
    networkPolicy: NetworkPolicy = NetworkPolicy()
    backup: Backup | None = None  # backup_values

    def makes(self) -> tuple[str, ...]:
        if self.architecture == "replicaset":
            return super().makes()
        # 16.5.45 runs a standalone server as a Deployment, its data on a claim of its own
        return ("Deployment", "PersistentVolumeClaim", "Service", "ConfigMap")


def values(spec: MongoSpec, chart: Chart, storage_class: str | None, backup: Backup | None = None) -> MongodbValues:
    replica_set = spec.replica_set
    tls = Tls(
        image=Image.of(chart.images["nginx"]),
        replicaset=ReplicaSetTls(existingSecrets=[tls_secret(i) for i in range(spec.members)]) if replica_set else None,
        # 16.5.45's dump CronJob mounts `tls.standalone.existingSecret` whatever the architecture: in a
        # replica set, member 0's Secret (the platform CA and a certificate of the same issuer); unset,
        # the CronJob's secret volume had no secretName and the API server refused it
        standalone=StandaloneTls(existingSecret=tls_secret(0 if replica_set else None)),
    )
    return MongodbValues(
        fullnameOverride=NAME, image=Image.of(chart.images["mongodb"]),
        architecture="replicaset" if replica_set else "standalone",
        replicaCount=spec.members if replica_set else None,
        tls=tls,
        persistence=Persistence(size=spec.storage, storageClass=storage_class),
        resources=Resources.of(spec),
        pdb=pdb(spec.members),
        backup=backup,
    )


# --- local ------------------------------------------------------------------------------------------

DATA = "/data/db"
LOCAL_PEM = "/tmp/mongod.pem"  # a TLS-only local server's key and certificate, joined (local_tls)


def cache_gb(spec: Size) -> str:
    """`--wiredTigerCacheSizeGB` (GiB): MongoDB's own default, half of (memory - 1GiB) and at least
    0.25, applied to the pod's limit rather than to the node's memory it might see."""
    half = (parse_bytes(spec.memory) - GIB) / 2 / GIB
    gb = max(Decimal("0.25"), half).quantize(Decimal("0.01"), ROUND_DOWN)
    return f"{gb.normalize():f}"


class MongoDB(Store[MongoSpec]):
    name = NAME
    port = PORT
    many_hosts = True
    ca_key = "mongodb_tls_ca_file"
    charts = ("mongodb",)
    credentials = Credentials(SECRET, ADMIN_KEY, {
        ADMIN_KEY: "mongodb_root_password",
        "mongodb-passwords": "mongodb_password",  # one user (therapeutic_ai): the password of mongodb-url
        "mongodb-replica-set-key": "mongodb_replica_set_key",
    })
    data_path = DATA
    scratch = (Scratch("configdb", "/data/configdb", "16Mi"),)  # the image's second VOLUME
    backup_component = DUMPS

    def topology_keys(self) -> dict[str, str]:
        return {"mongodb_replica_set": str(self.spec.replica_set).lower()}

    def endpoint(self) -> Endpoint:
        if self.placement.charts and self.spec.replica_set:  # members advertise their own names
            return Endpoint(tuple(f"{NAME}-{i}.{NAME}-headless" for i in range(self.spec.members)), PORT)
        return Endpoint((NAME,), PORT)

    def server_components(self) -> tuple[str, ...]:
        return ("mongodb",)  # its members, standalone or not (no arbiter, no hidden members); the dump pods beside them

    def url(self) -> ConnectionUrl:
        hosts = ",".join(f"{host}:{PORT}" for host in self.endpoint().hosts)
        options = f"tls=true&tlsCAFile={CA_FILE}" + (f"&replicaSet={REPLICA_SET}" if self.spec.replica_set else "")
        user = Auth().usernames[0]
        return ConnectionUrl("mongodb-url", "mongodb_password",
                             f"mongodb://{user}:{url_password('mongodb_password')}@{hosts}/{DATABASE}?{options}")

    def tls_names(self) -> dict[str, tuple[list[str], list[str]]]:
        """A Secret per replica set member (members advertise `<pod>.<headless>.<ns>.svc.cluster.local`)."""
        ns, hosts = self.placement.namespace, self.endpoint().hosts
        members = list(enumerate(hosts)) if self.spec.replica_set else [(None, hosts[0])]
        return {tls_secret(member): ([*in_cluster(host, ns), *LOOPBACK_NAMES], list(LOOPBACK_IPS))
                for member, host in members}

    def releases(self, charts: dict[str, Chart]) -> list[Release]:
        chart, placement = charts["mongodb"], self.placement
        backup = backup_values(self.spec, placement.backups, placement.storage_class)
        return [Release(NAME, chart, values(self.spec, chart, placement.storage_class, backup), self.spec.members, self.spec,
                        backup_storage=backup.cronjob.storage.size if backup else "0")]

    def restore(self, charts: dict[str, Chart]) -> Restore:
        """mongorestore replays the archive (and, from a replica set, its oplog: one point in time)
        into the scratch server, dropping what is there; the check wants at least one collection in
        the platform's database and prints every collection's document count."""
        return Restore(f"{DUMPS}-", f"{NAME}-mongodump", charts["mongodb"].images["mongodb"].reference(),
                       restore_script(self.spec.replica_set), CHECK)

    def local_args(self) -> list[str]:
        return ["mongod", "--bind_ip_all", "--dbpath", DATA, "--wiredTigerCacheSizeGB", cache_gb(self.spec)]

    def local_tls(self, tls_dir: str) -> dict[str, Any]:
        # mongod reads its key and certificate from one PEM file: joined in /tmp (0600), then the
        # image's entrypoint, which starts its first-start server with TLS allowed, not required
        joined = (f'umask 077; cat {tls_dir}/tls.crt {tls_dir}/tls.key > {LOCAL_PEM}; '
                  'exec docker-entrypoint.sh "$@"')
        return {
            "command": ["sh", "-c", joined, "sh"],
            "args": [*self.local_args(), "--tlsMode", "requireTLS", "--tlsCertificateKeyFile", LOCAL_PEM,
                     "--tlsCAFile", f"{tls_dir}/ca.crt", "--tlsAllowConnectionsWithoutCertificates"],
        }

    def local_container(self, secret_file: str | None) -> dict[str, Any]:
        # The entrypoint creates the root user on first start from *_FILE, then adds --auth.
        # mongosh probes would start a Node.js process every period: the port is probed instead.
        return {
            "args": self.local_args(),
            "env": env(MONGO_INITDB_ROOT_USERNAME="root", MONGO_INITDB_ROOT_PASSWORD_FILE=str(secret_file)),
            **probes(tcp_probe(self.port_name), tcp_probe(self.port_name), startup_seconds=self.startup_seconds),
        }
