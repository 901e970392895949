"""PostgreSQL with pgvector: a primary and `instances - 1` streaming read replicas.

With charts: `bitnami/postgresql` (16.x keys), `architecture: replication` when replicated, TLS from
`postgres-tls`, passwords from `postgres-credentials`. Local: the upstream pgvector image as one
StatefulSet that creates the extension at first start.
"""

from __future__ import annotations

from typing import Any

from pydantic import Field

from blueprints import argocd
from blueprints.databases.backup import Backup, Backups, CronJob, DumpStorage, dump_command
from blueprints.databases.bitnami import (
    Global, checked_images,
    BudgetedPods, Image, NetworkPolicy, Pdb, Persistence, ReplicatedValues, Resources, ServiceAccount, pdb,
)
from blueprints.databases.container import env, exec_probe, probes, tcp_probe
from blueprints.databases.store import (
    DATABASE, ConnectionUrl, Credentials, Endpoint, Chart, Prerequisite, Release, Restore, Scratch, Size, Store, Values,
    in_cluster, unique, url_password,
)
from blueprints.tls_files import CA_FILE
from blueprints.types import Manifest

NAME = "postgres"
SECRET, ADMIN_KEY = f"{NAME}-credentials", "postgres-password"  # made by External Secrets from Vault
TLS_SECRET = f"{NAME}-tls"  # a cert-manager Certificate's Secret
USER = "therapeutic_ai"
PORT = 5432


class PostgresSpec(Size):
    """PostgreSQL with pgvector: a primary, and `instances - 1` streaming read replicas."""

    instances: int = Field(ge=1, description="primary plus read replicas (seed production: 3)")


# --- bitnami/postgresql values ------------------------------------------------------------------

# Runs once, on the primary's first start (Bitnami sources .sh init scripts, so its
# postgresql_execute helper is at hand), as the postgres superuser: the app user may not create an
# untrusted extension. The password is read from the file the chart mounts from the existing
# Secret (usePasswordFiles). Read replicas get the extension by streaming replication.
PGVECTOR = {
    "01-pgvector.sh": (
        'echo "CREATE EXTENSION IF NOT EXISTS vector;" | postgresql_execute "$POSTGRESQL_DATABASE" postgres '
        f'"$(cat /opt/bitnami/postgresql/secrets/{ADMIN_KEY})"'
    )
}


class SecretKeys(Values):
    adminPasswordKey: str = ADMIN_KEY
    userPasswordKey: str = "password"
    replicationPasswordKey: str = "replication-password"


class Auth(Values):
    existingSecret: str = SECRET
    secretKeys: SecretKeys = SecretKeys()
    usePasswordFiles: bool = True
    username: str = USER
    database: str = DATABASE


class Tls(Values):
    enabled: bool = True
    certificatesSecret: str = TLS_SECRET
    certFilename: str = "tls.crt"
    certKeyFilename: str = "tls.key"
    # the issuing CA (cert-manager writes it beside the certificate); Bitnami's default pg_hba.conf
    # would then demand client certificates, which `pgHbaConfiguration` below replaces
    certCAFilename: str = "ca.crt"


# pg_hba.conf of every instance: TCP only over TLS (`hostssl`), replication included, passwords by
# SCRAM; the Unix socket inside the pod for the chart's own scripts. No `host` line: a plaintext
# login over the network is refused (Bitnami's default file keeps `host ... md5` lines).
PG_HBA = "".join(f"{line}\n" for line in (
    "local    all          all                 scram-sha-256",
    "hostssl  all          all    0.0.0.0/0    scram-sha-256",
    "hostssl  all          all    ::/0         scram-sha-256",
    "hostssl  replication  all    0.0.0.0/0    scram-sha-256",
    "hostssl  replication  all    ::/0         scram-sha-256",
))


# Read replicas: bitnami/postgresql 16.7.27 has no `readReplicas.pgHbaConfiguration`, and its
# start-up script would prepend `hostssl ... cert` to the default `host ... md5` lines. It copies a
# `pg_hba.conf` found in its mounted configuration folder instead, so the replicas mount the same
# rules from a ConfigMap of `shared` (the primary takes them by `primary.pgHbaConfiguration`).
HBA_CONFIG_MAP, HBA_FILE = f"{NAME}-hba", "pg_hba.conf"
MOUNTED_CONF = "/bitnami/postgresql/conf"  # Bitnami's POSTGRESQL_MOUNTED_CONF_DIR


class Initdb(Values):
    scripts: dict[str, str]


class Instance(BudgetedPods):
    """The keys `primary` and `readReplicas` share."""

    networkPolicy: NetworkPolicy = NetworkPolicy()
    # presets only keep pods of one component apart; this spreads primary and replicas together
    topologySpreadConstraints: list[dict] = Field(default_factory=list)


class Primary(Instance):
    initdb: Initdb
    pgHbaConfiguration: str = PG_HBA


class ReadReplicas(Instance):
    replicaCount: int = Field(ge=1)
    extraVolumes: list[dict] = Field(default_factory=lambda: [
        {"name": "pg-hba", "configMap": {"name": HBA_CONFIG_MAP, "defaultMode": 0o444}}])
    extraVolumeMounts: list[dict] = Field(default_factory=lambda: [
        {"name": "pg-hba", "mountPath": f"{MOUNTED_CONF}/{HBA_FILE}", "subPath": HBA_FILE, "readOnly": True}])


class VolumePermissions(Values):
    image: Image  # the os-shell image the TLS init container runs, even with volumePermissions off


# --- backups: the chart's pg_dumpall CronJob ----------------------------------------------------------

DUMPS = "pg_dumpall"  # the dump files' prefix, and the chart's component label of the dump pods
# the chart sets PGHOST (the primary), PGPORT, PGUSER, PGPASSFILE (the admin password file of
# postgres-credentials), PGDUMP_DIR and, with TLS on, PGSSLROOTCERT (the CA of `postgres-tls`, the
# platform's issuer): the dump travels over TLS and verifies the server's name (verify-full)
# (PGPASSFILE names the chart's password file, which holds the password alone: read as PGPASSWORD)
PG_DUMPALL = (
    'export PGPASSWORD="${PGPASSWORD:-$(cat "$PGPASSFILE")}"; unset PGPASSFILE; '
    'PGSSLMODE=verify-full pg_dumpall --clean --if-exists --load-via-partition-root --quote-all-identifiers '
    '--no-password --file="$OUT"'
)


class DumpPodSecurityContext(Values):
    enabled: bool = True
    fsGroup: int = 10001  # the dump volume is writable by the restricted user


class DumpNetworkPolicy(Values):
    enabled: bool = False  # blueprints/network.py writes the dump pods' policy

    def makes(self) -> tuple[str, ...]:
        return ("NetworkPolicy",) if self.enabled else ()


# gen restore-plan: as the admin user, into the scratch server
CONNECT = (f'export PGPASSWORD="$(cat "$PASSWORD_FILE")" PGHOST="$HOST" PGPORT={PORT} PGUSER=postgres; '
           'if [ -n "${CA_FILE:-}" ]; then export PGSSLMODE=verify-full PGSSLROOTCERT="$CA_FILE"; fi; ')
RESTORE = (
    CONNECT + 'until pg_isready -q -d postgres; do echo "waiting for $HOST"; sleep 5; done; '
    'psql -q -d postgres -f "$BACKUP"; echo "replayed $BACKUP"'
)
CHECK = (
    CONNECT + f'psql -d {DATABASE} -v ON_ERROR_STOP=1 -Atc "SELECT extname FROM pg_extension WHERE extname = \'vector\'" '
    '| grep -qx vector || { echo "pgvector is missing"; exit 1; }; '
    f'psql -d {DATABASE} -v ON_ERROR_STOP=1 -c ANALYZE '
    '-c "SELECT schemaname, relname, n_live_tup AS rows FROM pg_stat_user_tables ORDER BY 1, 2"; '
    f'tables="$(psql -d {DATABASE} -v ON_ERROR_STOP=1 -Atc "SELECT count(*) FROM pg_stat_user_tables")"; '
    'test "$tables" -gt 0 || { echo "no table restored"; exit 1; }; echo "restored $tables tables from $BACKUP"'
)


class PostgresCronJob(CronJob):
    podSecurityContext: DumpPodSecurityContext = DumpPodSecurityContext()
    networkPolicy: DumpNetworkPolicy = DumpNetworkPolicy()


def backup_values(backups: Backups | None, storage_class: str | None) -> Backup | None:
    """`backup`: a daily (or the profile's) pg_dumpall of every database into the dump volume."""
    if backups is None:
        return None
    directory = "${PGDUMP_DIR}"
    return Backup(cronjob=PostgresCronJob(
        schedule=backups.schedule,
        command=dump_command(PG_DUMPALL, directory, DUMPS, backups.retention_days),
        storage=DumpStorage(storageClass=storage_class, size=backups.storage),
    ))


class PostgresqlValues(ReplicatedValues):
    global_: Global = checked_images()  # the chart refuses the pinned images without it
    auth: Auth = Auth()
    tls: Tls = Tls()
    primary: Primary
    readReplicas: ReadReplicas | None = None
    volumePermissions: VolumePermissions
    serviceAccount: ServiceAccount = ServiceAccount()
    backup: Backup | None = None  # backup_values


def spread() -> list[dict]:
    return [{
        "maxSkew": 1,
        "topologyKey": "kubernetes.io/hostname",
        "whenUnsatisfiable": "DoNotSchedule",
        "labelSelector": {"matchLabels": {"app.kubernetes.io/instance": NAME, "app.kubernetes.io/name": "postgresql"}},
    }]


def values(spec: PostgresSpec, chart: Chart, storage_class: str | None, backup: Backup | None = None) -> PostgresqlValues:
    replicated = spec.instances > 1
    instance = {
        "persistence": Persistence(size=spec.storage, storageClass=storage_class),
        "resources": Resources.of(spec),
        "topologySpreadConstraints": spread() if replicated else [],
    }
    return PostgresqlValues(
        fullnameOverride=NAME, image=Image.of(chart.images["postgresql"]),
        architecture="replication" if replicated else "standalone",
        primary=Primary(**instance, pdb=Pdb(create=False), initdb=Initdb(scripts=PGVECTOR)),
        readReplicas=ReadReplicas(**instance, pdb=pdb(spec.instances - 1), replicaCount=spec.instances - 1)
        if replicated else None,
        volumePermissions=VolumePermissions(image=Image.of(chart.images["os-shell"])),
        backup=backup,
    )


# --- local ------------------------------------------------------------------------------------------

DATA = "/var/lib/postgresql/data"
PGDATA = f"{DATA}/pgdata"  # a subdirectory: initdb wants an empty one it owns
INIT = "postgres-init"
# a TLS-only local server (a restore drill's): its pg_hba.conf, in a ConfigMap of its own. The
# Unix socket inside the container is what the image's first-start scripts use.
LOCAL_HBA, LOCAL_HBA_DIR, HBA_KEY = "postgres-hba", "/etc/postgresql-hba", "pg_hba.conf"
LOCAL_TLS_HBA = "local all all trust\nhostssl all all all scram-sha-256\n"
INIT_SQL = {"01-pgvector.sql": "CREATE EXTENSION IF NOT EXISTS vector;\n"}


class Postgres(Store[PostgresSpec]):
    name = NAME
    port = PORT
    charts = ("postgresql",)
    ca_key = "postgres_sslrootcert"
    credentials = Credentials(SECRET, ADMIN_KEY, {
        SecretKeys().adminPasswordKey: "postgres_admin_password",
        SecretKeys().userPasswordKey: "postgres_password",  # the password of database-secrets' postgres-url
        SecretKeys().replicationPasswordKey: "postgres_replication_password",
    })
    data_path = DATA
    scratch = (Scratch("run", "/var/run/postgresql", "16Mi"),)  # the Unix socket and its lock file
    backup_component = DUMPS

    def topology_keys(self) -> dict[str, str]:
        return {"postgres_replicas": str(self.spec.instances)}

    def endpoint(self) -> Endpoint:
        replicated = self.placement.charts and self.spec.instances > 1
        return Endpoint((f"{NAME}-primary" if replicated else NAME,), PORT)  # bitnami's naming

    def server_components(self) -> tuple[str, ...]:
        return ("primary", "read") if self.spec.instances > 1 else ("primary",)  # bitnami's component labels

    def url(self) -> ConnectionUrl:
        host = self.endpoint().hosts[0]
        return ConnectionUrl("postgres-url", "postgres_password",
                             f"postgresql://{USER}:{url_password('postgres_password')}@{host}:{PORT}"
                             f"/{DATABASE}?sslmode=verify-full&sslrootcert={CA_FILE}")

    def tls_names(self) -> dict[str, tuple[list[str], list[str]]]:
        """<svc> and its headless <svc>-hl, for the primary and the read replicas, which all serve
        the one `postgres-tls`."""
        ns = self.placement.namespace
        services = [*self.endpoint().hosts, *([f"{NAME}-read"] if self.spec.instances > 1 else [])]
        return {TLS_SECRET: (unique([n for svc in services for n in (*in_cluster(svc, ns), *in_cluster(f"{svc}-hl", ns))]), [])}

    def releases(self, charts: dict[str, Chart]) -> list[Release]:
        chart, placement = charts["postgresql"], self.placement
        backup = backup_values(placement.backups, placement.storage_class)
        return [Release(NAME, chart, values(self.spec, chart, placement.storage_class, backup), self.spec.instances, self.spec,
                        backup_storage=backup.cronjob.storage.size if backup else "0")]

    def restore(self, charts: dict[str, Chart]) -> Restore:
        """psql replays the dump into the scratch server (a role that exists there already makes
        psql report an error and go on: the check decides), then the check wants pgvector and at
        least one table in the platform's database, and prints every table's row count."""
        return Restore(f"{DUMPS}-", f"{self.endpoint().hosts[0]}-pgdumpall",  # the chart's <primary>-pgdumpall
                       charts["postgresql"].images["postgresql"].reference(), RESTORE, CHECK)

    def prerequisites(self) -> list[Prerequisite]:
        """The read replicas' pg_hba.conf (see `HBA_CONFIG_MAP`), where there are any."""
        if self.spec.instances < 2:
            return []
        config_map = {
            "apiVersion": "v1", "kind": "ConfigMap",
            "metadata": {"name": HBA_CONFIG_MAP, "namespace": self.placement.namespace,
                         "annotations": argocd.wave(argocd.CONFIGURATION_WAVE)},
            "data": {HBA_FILE: PG_HBA},
        }
        return [Prerequisite(HBA_CONFIG_MAP, "PostgresHba", [config_map])]

    def local_objects(self, metadata: dict[str, Any]) -> list[Manifest]:
        """SQL the image runs once, on the first start with an empty data directory."""
        return [{"apiVersion": "v1", "kind": "ConfigMap", "metadata": {**metadata, "name": INIT}, "data": dict(INIT_SQL)}]

    def local_volumes(self) -> list[tuple[dict[str, Any], dict[str, Any]]]:
        return [(
            {"name": "init", "configMap": {"name": INIT, "defaultMode": 0o444}},
            {"name": "init", "mountPath": "/docker-entrypoint-initdb.d", "readOnly": True},
        )]

    def local_tls(self, tls_dir: str) -> dict[str, Any]:
        # the image's entrypoint passes these to its first-start server too; the key is root's, 0440
        return {"args": ["postgres", "-c", "ssl=on", "-c", f"ssl_cert_file={tls_dir}/tls.crt",
                         "-c", f"ssl_key_file={tls_dir}/tls.key", "-c", f"hba_file={LOCAL_HBA_DIR}/{HBA_KEY}"]}

    def local_tls_objects(self, metadata: dict[str, Any]) -> list[Manifest]:
        """The pg_hba.conf of a TLS-only server: over the network `hostssl` alone, with a password."""
        return [{"apiVersion": "v1", "kind": "ConfigMap", "metadata": {**metadata, "name": LOCAL_HBA},
                 "data": {HBA_KEY: LOCAL_TLS_HBA}}]

    def local_tls_volumes(self) -> list[tuple[dict[str, Any], dict[str, Any]]]:
        return [(
            {"name": "hba", "configMap": {"name": LOCAL_HBA, "defaultMode": 0o444}},
            {"name": "hba", "mountPath": LOCAL_HBA_DIR, "readOnly": True},
        )]

    def local_container(self, secret_file: str | None) -> dict[str, Any]:
        # The image's entrypoint runs initdb as any UID (nss_wrapper in /tmp), creates PGDATA,
        # reads the password from the file and runs /docker-entrypoint-initdb.d on first start.
        return {
            "env": env(PGDATA=PGDATA, POSTGRES_DB=DATABASE, POSTGRES_PASSWORD_FILE=str(secret_file)),
            # Kubernetes stops with SIGTERM, PostgreSQL's "smart" shutdown, which waits for every
            # client to leave (the image's STOPSIGNAL SIGINT does not apply): ask for "fast" instead.
            "lifecycle": {"preStop": {"exec": {"command": ["pg_ctl", "stop", "-D", PGDATA, "-m", "fast", "-W"]}}},
            **probes(
                exec_probe(["pg_isready", "-q", "-h", "127.0.0.1", "-p", str(PORT), "-U", "postgres", "-d", DATABASE]),
                tcp_probe(self.port_name),
                startup_seconds=self.startup_seconds,
            ),
        }
