"""What a store is: the one interface every database of the platform implements.

A store is one module under `blueprints/databases/stores/`, one `Store` subclass: its facts are
class attributes (name, port, the Secret its server reads, the charts it installs), and what follows
from an environment's spec is methods of an instance made for that environment (`Store(spec,
placement)`). The registry (`registry.py`) lists the stores; every consumer iterates it and asks
each store, never naming one:

  <env>-config          the seed's keys (`topology_keys`), then where it is (`endpoint_keys`)
  endpoints             `endpoint`: the hosts and port services connect to
  NetworkPolicies       `port`, `peer_ports`, `pods`, `own_namespaces` (blueprints/network.py)
  ExternalSecrets       `credentials`, `url`, `client_credentials` (blueprints/secrets.py)
  Certificates          `tls_names` (blueprints/certificates.py); `ca_key` in <env>-config
  Argo CD Applications  `releases`: charts and typed values; `prerequisites` in `shared` (applications.py)
  local StatefulSets    `local_*`, `data_path`, `scratch`, `grace` (local.py)
  capacity              each release's pods and size, stated on its Application
  backups               `backup_component`, `backup_pods`: the dump pods' NetworkPolicy (the values
                        are each store's `backup_values`); `restore`: gen restore-plan's Job

A new concern of every store (an exporter, a backup schedule) is one more attribute or method
here, with a default where some stores have none. This module imports no catalog model: an
environment reaches a store as a `Placement`, so `model.py` may import the stores.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from dataclasses import KW_ONLY, dataclass
from typing import TYPE_CHECKING, Any, ClassVar, Generic, TypeVar, get_args

from pydantic import BaseModel, ConfigDict, Field

from blueprints import labels
from blueprints.tls_files import CA_FILE
from blueprints.types import Bytes, Cpu, Digest, Manifest, Strict, Tag

if TYPE_CHECKING:
    from blueprints.databases.backup import Backups

DATABASE = "therapeutic_ai"  # the seed's database name (PostgreSQL's database, MongoDB's user and database)
INSTANCE = "app.kubernetes.io/instance"  # how the charts label their pods: the release
COMPONENT = "app.kubernetes.io/component"  # and what part of the release a pod is


class Size(Strict):
    """What one database pod (one member, instance or node) requests, and its volume."""

    cpu: Cpu
    memory: Bytes
    storage: Bytes


class Image(Strict):
    registry: str
    repository: str
    tag: Tag
    digest: Digest | None = Field(default=None, description="recorded at release")

    def reference(self) -> str:
        return f"{self.registry}/{self.repository}:{self.tag}" + (f"@{self.digest}" if self.digest else "")


class Chart(Strict):
    """A Helm chart pinned to one version, and the images its values pin."""

    name: str
    repository: str = Field(description="Helm repository URL, or an OCI registry host/path (Argo CD's form)")
    version: str = Field(pattern=r"^v?[0-9]+\.[0-9]+\.[0-9]+$")
    images: dict[str, Image] = Field(default_factory=dict)


class Values(BaseModel):
    """A block of Helm values: keys exactly as the chart spells them. Models forbid unknown keys:
    the charts accept any key and silently ignore a misspelled one, so this is where it fails."""

    model_config = ConfigDict(extra="forbid", frozen=True, populate_by_name=True)

    def dump(self) -> dict:
        # serialize_as_any: a field declared as a base model (`Backup.cronjob: CronJob`) holding a
        # subclass (PostgresCronJob) keeps the subclass's fields; by default pydantic writes the
        # declared type's fields only, and the chart never saw the dump pods' policy and fsGroup
        return self.model_dump(by_alias=True, exclude_none=True, mode="json", serialize_as_any=True)

    def makes(self) -> tuple[str, ...]:
        """The kinds of object this block itself makes the chart render (a budget, a dump CronJob);
        none by default. A block that switches its objects off makes none."""
        return ()

    def kinds(self) -> frozenset[str]:
        """Every kind these values make the chart render: this block's and its sub-blocks'. The
        posture admits exactly these in the release's part (generator/posture/declared.py)."""
        found = set(self.makes())
        for name in type(self).model_fields:
            value = getattr(self, name)
            for block in value if isinstance(value, (list, tuple)) else [value]:
                if isinstance(block, Values):
                    found |= block.kinds()
        return frozenset(found)


@dataclass(frozen=True)
class Scrape:
    """How the environment's Prometheus scrapes a store's exporter (from monitoring.yaml)."""

    interval: str
    labels: tuple[tuple[str, str], ...]  # what its serviceMonitorSelector matches


@dataclass(frozen=True)
class Exporter:
    """A store's metrics exporter, a sidecar its charts run (blueprints/exporters.py): the scrape
    job its series carry, its container port (Prometheus is let in on it alone), the key of its
    image among the chart's pinned images, the series the alerts read from it, and what it requests."""

    job: str
    port: int
    image: str
    metrics: tuple[str, ...]
    cpu: str = "50m"
    memory: str = "64Mi"


@dataclass(frozen=True)
class Placement:
    """What a store knows of the environment it runs in."""

    environment: str
    namespace: str
    charts: bool  # Argo CD installs the pinned charts; otherwise plain StatefulSets (local)
    storage_class: str | None
    _: KW_ONLY  # the optional parts by name: a positional one would land in the wrong field silently
    scrape: Scrape | None = None  # a Prometheus scrapes the stores' exporters (monitoring.yaml)
    backups: Backups | None = None  # the profile's `databases.backups`; None: no backups (local)
    tls: bool = False  # the environment has `tls:`: its stores' certificates exist (blueprints/certificates.py)


@dataclass(frozen=True)
class Endpoint:
    hosts: tuple[str, ...]
    port: int


@dataclass(frozen=True)
class Credentials:
    """The Secret a store's server reads (made by External Secrets, or by hand for local): its
    admin password's key, and every key with the Vault property it comes from."""

    secret: str
    admin_key: str
    vault: dict[str, str]  # Secret key -> property of the environment's Vault key

    def __post_init__(self) -> None:
        if self.admin_key not in self.vault:
            raise ValueError(f"{self.secret}: the admin key {self.admin_key!r} has no Vault property")


@dataclass(frozen=True)
class ConnectionUrl:
    """A key of `database-secrets`: the URL services connect with, TLS required. `template` holds
    the password as `{{ .<password> | urlquery }}`, `password` being a Vault property."""

    key: str
    password: str
    template: str


@dataclass(frozen=True)
class Release:
    """One install of a pinned chart: an Argo CD Application and its values file. `pods` of `size`
    (plus `sidecar` cpu and memory each) are what `gen capacity` counts for it."""

    name: str
    chart: Chart
    values: Values
    pods: int
    size: Size
    namespace: str | None = None  # None: the platform's
    sidecar: tuple[str, str] = ("0", "0")
    backup_storage: str = "0"  # its dump volume, counted by `gen capacity` too

    @property
    def kinds(self) -> tuple[str, ...]:
        """The kinds its part holds: what its values make the chart render (`Values.kinds`)."""
        return tuple(sorted(self.values.kinds()))


@dataclass(frozen=True)
class Restore:
    """How one of a store's dumps is restored into a scratch server, and the outcome checked
    (`gen restore-plan`). The scripts run with BACKUP (the dump's path), HOST (the scratch
    server), PASSWORD_FILE (its admin password, the same Vault property as the store's) and,
    where the environment has TLS, CA_FILE (the CA the scratch server's certificate is verified
    with: the clients then connect with TLS and check the server's name)."""

    prefix: str  # its dumps' names begin so (`pg_dumpall-`)
    claim: str  # the dump volume: a PVC of the platform's namespace
    image: str  # a chart image holding the store's client tools
    restore: str
    check: str  # fails unless the restored data is there; prints what it counts


@dataclass(frozen=True)
class Prerequisite:
    """Objects a store's charts need in `shared` first (a namespace of its own), written to
    `overlays/<env>/shared/resources/<source>.yaml` and headed as made by `blueprint`."""

    source: str
    blueprint: str
    manifests: list[Manifest]


@dataclass(frozen=True)
class Scratch:
    """A small writable path of a local StatefulSet outside its data volume (an emptyDir)."""

    volume: str
    path: str
    limit: str


# the loopback, where the charts' own probes reach their server over TLS (MongoDB, Redis)
LOOPBACK_NAMES, LOOPBACK_IPS = ("localhost",), ("127.0.0.1",)


def in_cluster(name: str, namespace: str) -> list[str]:
    """The names a Service answers to in the cluster: short, `.svc` and fully qualified."""
    return [name, f"{name}.{namespace}.svc", f"{name}.{namespace}.svc.cluster.local"]


def unique(names: list[str]) -> list[str]:
    return list(dict.fromkeys(names))


def url_password(variable: str) -> str:
    """A template reference to a fetched value, escaped for the user-info part of a URL (`@`, `/`,
    `:` and `%` are safe in a password; a space would become `+`: generate passwords without)."""
    return "{{ ." + variable + " | urlquery }}"


S = TypeVar("S", bound=Size)


class Store(ABC, Generic[S]):
    """One database in one environment. Subclasses set the class attributes and implement
    `topology_keys`, `endpoint`, `releases`, `local_container`; the rest has defaults."""

    name: ClassVar[str]  # host, release, Secret prefix, services.yaml's `databases` and environments.yaml's key
    spec_type: ClassVar[type[Size]]  # S, the type of its entry in environments.yaml
    port: ClassVar[int]
    port_name: ClassVar[str] = ""  # the local Service's and container's port (default: name)
    config_prefix: ClassVar[str] = ""  # of the endpoint's keys in <env>-config (default: name)
    many_hosts: ClassVar[bool] = False  # <env>-config lists every host (`<prefix>_hosts`), else `<prefix>_host`
    pod_security: ClassVar[str] = "restricted"  # the Pod Security level of its own namespaces, if it has any
    extra_peer_ports: ClassVar[tuple[int, ...]] = ()  # what its pods say to each other besides `port`
    charts: ClassVar[tuple[str, ...]]  # its keys of databases.yaml's `charts`
    credentials: ClassVar[Credentials | None] = None
    exporter: ClassVar[Exporter | None] = None  # enabled in its charts' values where a Prometheus scrapes
    ca_key: ClassVar[str] = ""  # <env>-config's key naming the CA file its clients verify it with (tls_files.CA_FILE)
    # local StatefulSet
    data_path: ClassVar[str]
    scratch: ClassVar[tuple[Scratch, ...]] = ()
    grace: ClassVar[int] = 60  # seconds to shut down cleanly (checkpoint, sync, drain)
    startup_seconds: ClassVar[int] = 300
    # backups: the `app.kubernetes.io/component` its chart gives its dump pods (None: no dump pods)
    backup_component: ClassVar[str | None] = None

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        cls.port_name = cls.port_name or cls.name
        for base in getattr(cls, "__orig_bases__", ()):  # Store[PostgresSpec]: its spec type
            for arg in get_args(base):
                if isinstance(arg, type) and issubclass(arg, Size):
                    cls.spec_type = arg

    def __init__(self, spec: S, placement: Placement) -> None:
        if not isinstance(spec, self.spec_type):
            raise TypeError(f"{self.name}: a {type(spec).__name__} is not a {self.spec_type.__name__}")
        self.spec = spec
        self.placement = placement

    # --- <env>-config and endpoints -------------------------------------------------------------

    @abstractmethod
    def topology_keys(self) -> dict[str, str]:
        """The seed's key(s) of <env>-config saying how the store is run (`postgres_replicas`)."""

    @abstractmethod
    def endpoint(self) -> Endpoint:
        """Where services connect: the charts' Service names, or the local headless Service."""

    def endpoint_keys(self) -> dict[str, str]:
        """<env>-config's `<prefix>_host(s)` and `<prefix>_port`."""
        prefix, endpoint = self.config_prefix or self.name, self.endpoint()
        hosts = {f"{prefix}_hosts": ",".join(endpoint.hosts)} if self.many_hosts else {f"{prefix}_host": endpoint.hosts[0]}
        return {**hosts, f"{prefix}_port": str(endpoint.port)}

    def ca_keys(self) -> dict[str, str]:
        """<env>-config's key naming the CA file its clients verify it with, where the environment
        has TLS and its clients take the CA as a setting (`ca_key`)."""
        return {self.ca_key: CA_FILE} if self.placement.tls and self.ca_key else {}

    # --- network --------------------------------------------------------------------------------

    @property
    def peer_ports(self) -> tuple[int, ...]:
        return (self.port, *self.extra_peer_ports)

    def pods(self) -> dict[str, Any]:
        """A selector of its pods: the charts label them with the release, local ones carry the name."""
        return {"matchLabels": {INSTANCE if self.placement.charts else labels.NAME: self.name}}

    def server_components(self) -> tuple[str, ...]:
        """The `app.kubernetes.io/component` labels its chart gives its server pods, one per workload
        (`primary`, `read`), where the chart labels them so; none: `pods()` selects its servers alone."""
        return ()

    def server_pods(self) -> dict[str, dict[str, str]]:
        """Its server pods, by group (one workload each): the component -> a selector of its pods
        (`""` -> `pods()` where the chart labels no component). The posture declares each group an
        endpoint of the store, its dump pods another (generator/posture/declared.py)."""
        selector = dict(self.pods()["matchLabels"])
        components = self.server_components() if self.placement.charts else ()
        return {c: {**selector, COMPONENT: c} for c in components} if components else {"": selector}

    def own_namespaces(self) -> list[str]:
        """Namespaces of its own (outside the platform's), where its pods then run; none by default."""
        return []

    def backup_pods(self) -> dict[str, Any] | None:
        """A selector of its chart's dump pods, where the environment backs up and the store dumps
        from pods of its own in the platform's namespace; they get a NetworkPolicy of their own."""
        if not (self.placement.charts and self.placement.backups and self.backup_component):
            return None
        return {"matchLabels": {INSTANCE: self.name, COMPONENT: self.backup_component}}

    def restore(self, charts: dict[str, Chart]) -> Restore | None:
        """How its dumps are restored and checked; None: no dumps to restore (`gen restore-plan`)."""
        return None

    # --- secrets and TLS ------------------------------------------------------------------------

    def url(self) -> ConnectionUrl | None:
        """Its key of `database-secrets`, if services connect with a URL."""
        return None

    def client_credentials(self) -> dict[str, str]:
        """Keys of `database-secrets` its clients log in with besides a URL (Secret key -> Vault
        property); none by default."""
        return {}

    def tls_names(self) -> dict[str, tuple[list[str], list[str]]]:
        """TLS Secret -> (DNS names, IP addresses) its server answers to, for cert-manager."""
        return {}

    def tls_namespace(self, secret: str) -> str:
        """Where the server that serves with TLS Secret `secret` runs, so where it is made: the
        environment's namespace, or one of the store's own."""
        return self.placement.namespace

    # --- with charts (Argo CD) --------------------------------------------------------------------

    @abstractmethod
    def releases(self, charts: dict[str, Chart]) -> list[Release]:
        """Its installs of its pinned charts (of databases.yaml's `charts`) with typed values."""

    def prerequisites(self) -> list[Prerequisite]:
        """What its charts need in `shared` first; none by default."""
        return []

    # --- without charts (local) -------------------------------------------------------------------

    @abstractmethod
    def local_container(self, secret_file: str | None) -> dict[str, Any]:
        """The local container's command or args, env, lifecycle and probes; `secret_file` is where
        its admin password is mounted."""

    def local_objects(self, metadata: dict[str, Any]) -> list[Manifest]:
        """Objects beside the StatefulSet (first-start scripts); none by default."""
        return []

    def local_volumes(self) -> list[tuple[dict[str, Any], dict[str, Any]]]:
        """(volume, mount) pairs beyond /tmp, scratch and credentials; none by default."""
        return []

    # --- a local server that speaks TLS only (a restore drill's scratch server, `gen restore-plan`) --

    def local_tls(self, tls_dir: str) -> dict[str, Any]:
        """The container fields (command, args) that make the local server accept TLS connections
        only, its certificate, key and CA mounted at `tls_dir` (`tls.crt`, `tls.key`, `ca.crt`).
        A store whose dumps are restored (`restore`) must say how."""
        raise NotImplementedError(f"{self.name}: no TLS-only local server")

    def local_tls_objects(self, metadata: dict[str, Any]) -> list[Manifest]:
        """Objects the TLS-only local server needs beside it (a pg_hba.conf); none by default."""
        return []

    def local_tls_volumes(self) -> list[tuple[dict[str, Any], dict[str, Any]]]:
        """(volume, mount) pairs of those objects; none by default."""
        return []
