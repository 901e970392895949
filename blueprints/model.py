"""The typed catalog: services, environment profiles and the clusters they declare.

Every model forbids unknown keys, so a misspelled key in `blueprints/catalog/*.yaml` is an
error naming that key, never a value silently ignored. Cross-field rules (unique names and
ports, GPU mode against the declared cluster) raise `CatalogProblem`, which carries the path of
the offending field so the loader can name file, line and field in one line.
"""

from __future__ import annotations

import re
from dataclasses import replace
from functools import cached_property
from typing import Literal

from pydantic import ConfigDict, Field, field_validator, model_validator

from blueprints.databases import registry
from blueprints.databases.spec import DatabaseCatalog, DatabasesSpec, known
from blueprints.databases.store import Chart, Placement, Scrape, Store
from blueprints.databases.store import Release as StoreRelease
from blueprints.enums import PHI_BEARING, Color, GpuMode, Tier  # the models' enumerations live in a leaf
from blueprints.identities import system_namespace
from blueprints.monitoring_spec import MonitoringCatalog
from blueprints.quantity import GPU_RESOURCE, parse_bytes, parse_cpu
from blueprints import names
from blueprints.types import (
    Bytes, CatalogProblem, ConfigKey, Cpu, Digest, DnsLabel, DnsSubdomain, Image, Int32, LabelKey, Labels, Registry,
    Strict, Tag,
)

# Service names become Service objects, which need DNS-1035 labels (DNS-1123 labels that start
# with a letter); colored parts append "-green", so leave room for the longest suffix.
COLOR_SUFFIX_ROOM = len("-green")
MAX_SERVICE_NAME = 63 - COLOR_SUFFIX_ROOM
SETTING_KEY = re.compile(r"[a-z][a-z0-9_]*")  # snake_case: an environment variable's name too
# names of objects the platform runs beside the services, in the services' namespace
HEALTH_CHECK = "health-check"  # the post-sync health check Job (blueprints/health.py)
DEFAULT_DENY = "default-deny"  # the namespace's NetworkPolicy that denies what no other allows


class ResourceAmounts(Strict):
    cpu: Cpu | None = None
    memory: Bytes | None = None
    ephemeral_storage: Bytes | None = Field(default=None, alias="ephemeral-storage")

    model_config = ConfigDict(extra="forbid", frozen=True, populate_by_name=True)

    def as_k8s(self) -> dict[str, str]:
        """The non-empty amounts under Kubernetes' key names."""
        pairs = {"cpu": self.cpu, "memory": self.memory, "ephemeral-storage": self.ephemeral_storage}
        return {k: v for k, v in pairs.items() if v is not None}


class Resources(Strict):
    """Requests and limits; a service's entry overrides its tier's defaults key by key."""

    requests: ResourceAmounts = ResourceAmounts()
    limits: ResourceAmounts = ResourceAmounts()

    @model_validator(mode="after")
    def _limits_cover_requests(self) -> "Resources":
        for key, request in self.requests.as_k8s().items():
            limit = self.limits.as_k8s().get(key)
            if limit is None:
                continue
            parse = parse_cpu if key == "cpu" else parse_bytes
            if parse(limit) < parse(request):
                raise CatalogProblem(("limits", key), f"limit {limit} is below the request {request}")
        return self


class Service(Strict):
    """One of the platform's services, as the seed describes it."""

    name: str
    tier: Tier
    port: int = Field(ge=1, le=65535)
    replicas: Int32 = Field(ge=0, description="production replicas (the seed's production-config)")
    role: str
    resources: Resources | None = None
    model: str | None = Field(default=None, description="GPU hosts: the model served on GPU nodes")
    cpu_model: str | None = Field(default=None, description="GPU hosts: the smaller model for CPU mode")
    # the dependency graph: NetworkPolicies allow exactly these calls, and nothing else
    public: bool = Field(default=False, description="reached from outside the namespace (the ingress controller)")
    calls: list[str] = Field(default_factory=list, description="services this one calls")
    databases: list[str] = Field(default_factory=list, description="stores it uses (blueprints/databases/registry.py)")
    # secrets mounted as files under /var/run/secrets/therapeutic-ai/<name>/
    secrets: list[Literal["database", "jwt", "api-keys", "encryption"]] = Field(default_factory=list)

    @field_validator("name")
    @classmethod
    def _dns_label(cls, name: str) -> str:
        problem = names.name_problem("Service", name)  # a DNS-1035 label
        if problem:
            raise ValueError(problem)
        if len(name) > MAX_SERVICE_NAME:
            raise ValueError(
                f"{name!r} is {len(name)} characters; at most {MAX_SERVICE_NAME} leave room for '-green'"
            )
        return name

    @field_validator("secrets")
    @classmethod
    def _secrets_once(cls, secrets: list[str]) -> list[str]:
        """Each secret is a volume and a mount path of the pod: twice would be two of each."""
        for position, secret in enumerate(secrets):
            if secret in secrets[:position]:
                raise CatalogProblem((position,), f"{secret!r} is listed twice (one volume and mount path per secret)")
        return secrets

    @field_validator("databases")
    @classmethod
    def _stores_known(cls, databases: list[str]) -> list[str]:
        for position, name in enumerate(databases):
            known(name, (position,))
        return databases

    @model_validator(mode="after")
    def _models_for_gpu_hosts(self) -> "Service":
        if self.tier is Tier.GPU_HOST:
            for field in ("model", "cpu_model"):
                if not getattr(self, field):
                    raise CatalogProblem((field,), f"a gpu-host service needs {field}")
        else:
            for field in ("model", "cpu_model"):
                if getattr(self, field):
                    raise CatalogProblem((field,), f"only gpu-host services take {field} (tier is {self.tier.value})")
        return self

    @property
    def config_key(self) -> str:
        """The seed's ConfigMap key for this service's replicas: `api_gateway_replicas`."""
        return self.name.replace("-", "_") + "_replicas"


class ServiceCatalog(Strict):
    """`blueprints/catalog/services.yaml`."""

    version: Literal[1]
    services: list[Service] = Field(min_length=1)
    settings: dict[str, str] = Field(default_factory=dict, description="performance keys of <env>-config")

    @field_validator("services")
    @classmethod
    def _unique(cls, services: list[Service]) -> list[Service]:
        for field in ("name", "port"):
            seen: dict[object, int] = {}
            for index, service in enumerate(services):
                value = getattr(service, field)
                if value in seen:
                    first = services[seen[value]].name
                    raise CatalogProblem(
                        (index, field), f"duplicate {field} {value!r} (already used by {first})"
                    )
                seen[value] = index
        return services

    @field_validator("services")
    @classmethod
    def _names_not_taken(cls, services: list[Service]) -> list[Service]:
        """A service's objects take its name: not the names of what the platform runs beside it."""
        taken = {name: f"the store {store.name} (its Service, StatefulSet or NetworkPolicy)"
                 for store in registry.stores()
                 for name in (store.name, f"{store.name}-database", f"{store.name}-backup", f"migrate-{store.name}")}
        taken |= {HEALTH_CHECK: "the post-sync health check", DEFAULT_DENY: "the namespace's default NetworkPolicy"}
        for index, service in enumerate(services):
            if service.name in taken:
                raise CatalogProblem((index, "name"), f"{service.name!r} is taken by {taken[service.name]}")
        return services

    @field_validator("services")
    @classmethod
    def _calls_known(cls, services: list[Service]) -> list[Service]:
        names = {s.name for s in services}
        for index, service in enumerate(services):
            for position, callee in enumerate(service.calls):
                if callee not in names:
                    raise CatalogProblem((index, "calls", position), f"{callee!r} is not a service of the catalog")
                if callee == service.name:
                    raise CatalogProblem((index, "calls", position), "a service does not call itself over the network")
        return services

    @field_validator("settings")
    @classmethod
    def _settings_keys(cls, settings: dict[str, str]) -> dict[str, str]:
        for key in settings:  # a key of <env>-config: a ConfigMap key, and an environment variable's name
            problem = names.config_key_problem(key)
            if problem:
                raise CatalogProblem((key,), problem)
            if not SETTING_KEY.fullmatch(key) or key.endswith("_replicas"):
                raise CatalogProblem((key,), f"{key!r} is not a snake_case setting key (and *_replicas is reserved)")
        return settings

    def by_tier(self, tier: Tier) -> list[Service]:
        return [s for s in self.services if s.tier is tier]


class ReplicaPolicy(Strict):
    """How an environment derives replicas from the catalog's production counts."""

    max: Int32 | None = Field(default=None, ge=1, description="cap on each service's replicas; none = as catalogued")

    def apply(self, catalogued: int) -> int:
        return catalogued if self.max is None else min(catalogued, self.max)


class Images(Strict):
    """Where an environment pulls images from. Image references are built only by `image_for`."""

    registry: Registry
    tag: Tag
    color_tags: dict[Color, Tag] = Field(default_factory=dict, description="per-color tag, for a release in one color")
    digests: dict[str, Digest] = Field(
        default_factory=dict, description="'<service>:<tag>' -> the digest the release recorded for it"
    )

    @field_validator("tag")
    @classmethod
    def _not_latest(cls, tag: str) -> str:
        if tag == "latest":
            raise ValueError("'latest' is not a release: pin a version tag")
        return tag

    @field_validator("color_tags")
    @classmethod
    def _colors_not_latest(cls, tags: dict[Color, str]) -> dict[Color, str]:
        for tag in tags.values():
            cls._not_latest(tag)
        return tags

    def tag_for(self, color: Color | None) -> str:
        return self.color_tags.get(color, self.tag) if color else self.tag

    def image_for(self, service: str, color: Color | None) -> str:
        tag = self.tag_for(color)
        digest = self.digests.get(f"{service}:{tag}")
        return f"{self.registry}/{service}:{tag}" + (f"@{digest}" if digest else "")

    @model_validator(mode="after")
    def _images_are_references(self) -> "Images":
        """The longest reference this registry and tag make (the services' names are checked
        on their own) is one the container runtime parses."""
        for color in (None, *self.color_tags):
            problem = names.image_problem(f"{self.registry}/{'x' * MAX_SERVICE_NAME}:{self.tag_for(color)}")
            if problem:
                raise CatalogProblem(("registry",), problem.replace("x" * MAX_SERVICE_NAME, "<service>"))
        return self


class GpuNodes(Strict):
    count: Int32 = Field(ge=1)
    gpus_per_node: Int32 = Field(ge=1)
    node_selector: Labels = Field(default_factory=lambda: {f"{GPU_RESOURCE}.present": "true"})
    taint_key: LabelKey = GPU_RESOURCE


class VaultCa(Strict):
    """Where the CA that signed Vault's certificate is (a ConfigMap or Secret key), for External Secrets."""

    type: Literal["ConfigMap", "Secret"] = "ConfigMap"
    name: DnsSubdomain = Field(default="vault-ca", description="assumed: installed with External Secrets")
    key: ConfigKey = "ca.crt"
    namespace: DnsLabel = "external-secrets"


class Vault(Strict):
    """Where External Secrets reads the environment's secrets (the seed: secret/therapeutic-ai/<env>)."""

    server: str = Field(pattern=r"^https://")
    path: str = Field(default="secret", description="the KV v2 mount")
    auth_mount: str = Field(default="kubernetes", description="Vault's Kubernetes auth mount path")
    role: str
    service_account: DnsSubdomain = "external-secrets"
    service_account_namespace: DnsLabel = "external-secrets"
    ca: VaultCa = VaultCa()


class Issuer(Strict):
    kind: Literal["ClusterIssuer", "Issuer"] = "ClusterIssuer"
    name: DnsSubdomain


class Tls(Strict):
    """cert-manager: the API gateway's public name and the issuers of public and internal certificates."""

    public_host: DnsSubdomain = Field(description="a DNS name (a certificate's and an Ingress's host)")
    public_issuer: Issuer
    internal_issuer: Issuer


class Receiver(Strict):
    """Where Alertmanager sends a route's alerts. Its URL or key is never here: it is the key
    `<name>` of Secret `alertmanager-receivers`, from Vault (blueprints/secrets.py)."""

    name: DnsLabel = Field(description="the receiver, and its Secret key")
    kind: Literal["pagerduty", "slack", "webhook"] = Field(description="pagerduty: a routing key; slack, webhook: a URL")
    channel: str | None = Field(default=None, pattern=r"^[#@][a-z0-9._-]+$", description="slack: the channel")

    @model_validator(mode="after")
    def _channel_for_slack(self) -> "Receiver":
        if (self.kind == "slack") != (self.channel is not None):
            raise CatalogProblem(("channel",), "a slack receiver names its channel; no other kind has one")
        return self


class Alerting(Strict):
    """Who gets the environment's alerts (an AlertmanagerConfig, blueprints/alerting.py): alerts
    labelled `action: rollback` go to the release on-call, the rest by severity."""

    release_on_call: Receiver = Field(description="action: rollback")
    critical: Receiver = Field(description="severity: critical")
    warning: Receiver = Field(description="severity: warning and info (the default route)")

    @model_validator(mode="after")
    def _one_kind_per_name(self) -> "Alerting":
        seen: dict[str, tuple[str, Receiver]] = {}
        for role in ("release_on_call", "critical", "warning"):
            receiver: Receiver = getattr(self, role)
            if receiver.name in seen and seen[receiver.name][1] != receiver:
                raise CatalogProblem((role, "name"), f"{receiver.name!r} is also {seen[receiver.name][0]}, set differently")
            seen.setdefault(receiver.name, (role, receiver))
        return self

    def receivers(self) -> list[Receiver]:
        """Each receiver once, in role order."""
        return list({r.name: r for r in (self.release_on_call, self.critical, self.warning)}.values())


class Cluster(Strict):
    """The cluster an environment declares; `gen capacity` holds the environment to it."""

    description: str
    workers: Int32 = Field(ge=1)
    cpu: Int32 = Field(ge=1, description="cores across the workers")
    memory: Bytes
    storage: Bytes = Field(description="persistent storage")
    gpu_nodes: GpuNodes | None = None

    @property
    def gpus(self) -> int:
        return self.gpu_nodes.count * self.gpu_nodes.gpus_per_node if self.gpu_nodes else 0


class Environment(Strict):
    """One environment profile."""

    # a label value (therapeutic-ai.io/environment) and a folder name: a DNS-1123 label
    name: str = Field(pattern=r"^[a-z]([a-z0-9-]*[a-z0-9])?$", max_length=63)
    purpose: str
    compliance: Literal["none", "basic", "hipaa-like", "full-hipaa"]
    data_class: Literal["synthetic", "de-identified", "anonymized", "real-phi"]
    blue_green: bool
    namespace: DnsLabel = "therapeutic-ai"
    replicas: ReplicaPolicy
    images: Images
    gpu_hosts: GpuMode
    argocd: bool = Field(default=True, description="Argo CD syncs this environment (local: no, plain StatefulSets)")
    sync: Literal["automated", "manual"] = Field(
        default="automated", description="Argo CD sync: automated, or manual where merging the reviewed PR is the release"
    )
    revision: str | None = Field(
        default=None, pattern=r"^[A-Za-z0-9._/-]+$", description="the git revision Argo CD syncs (default: delivery.revision)"
    )
    kubernetes_version: str | None = Field(
        default=None, pattern=r"^1\.[0-9]+$",
        description="this environment's cluster version (default: the catalog's kubernetes_version): staging upgrades first"
    )
    cluster: Cluster
    databases: DatabasesSpec
    vault: Vault | None = Field(default=None, description="secrets from Vault through External Secrets (not local)")
    tls: Tls | None = Field(default=None, description="certificates from cert-manager (not local)")
    alerting: Alerting | None = Field(default=None, description="the alerts' receivers (where Argo CD syncs: not local)")

    @field_validator("namespace")
    @classmethod
    def _not_a_system_namespace(cls, namespace: str) -> str:
        if system_namespace(namespace):
            raise ValueError(f"{namespace!r} belongs to Kubernetes, Argo CD or an operator the platform relies on: "
                             "an environment never runs there")
        return namespace

    @model_validator(mode="after")
    def _gpu_mode_fits_cluster(self) -> "Environment":
        if self.gpu_hosts is GpuMode.GPU and self.cluster.gpu_nodes is None:
            raise CatalogProblem(("gpu_hosts",), "'gpu' needs cluster.gpu_nodes; declare them or use 'cpu' or 'off'")
        if self.images.color_tags and not self.blue_green:
            raise CatalogProblem(("images", "color_tags"), "only blue-green environments have colors")
        for field in ("vault", "tls", "alerting"):
            if self.argocd and getattr(self, field) is None:
                raise CatalogProblem((field,), f"an Argo CD environment needs {field}: (local alone does without)")
        backups = self.databases.backups
        if backups is not None and not self.argocd:
            raise CatalogProblem(("databases", "backups"), "backups are the charts' own (Argo CD environments); drop them here")
        if self.data_class == "real-phi" and (backups is None or not backups.daily()):
            raise CatalogProblem(("databases", "backups"), "real PHI is backed up at least daily: give a daily schedule")
        if self.data_class in PHI_BEARING and not self.databases.storage_class:
            raise CatalogProblem(
                ("databases", "storage_class"), f"{self.data_class} data must be on an encrypted StorageClass: name it"
            )
        return self

    @property
    def placement(self) -> Placement:
        return Placement(self.name, self.namespace, self.argocd, self.databases.storage_class, backups=self.databases.backups,
                         tls=self.tls is not None)

    def stores(self) -> dict[str, Store]:
        """Its databases, by name, each as the store's own object (blueprints/databases/store.py)."""
        return self.databases.stores(self.placement)

    def chart_releases(self, charts: dict[str, Chart], scrape: Scrape | None = None) -> list[StoreRelease]:
        """Every release of every store's pinned charts with its typed values (none without Argo
        CD: local runs plain StatefulSets); with `scrape`, a Prometheus scrapes their exporters.
        Each is hydrated into its own part, `rendered/<env>/<release>/` (generator/hydrate/)."""
        if not self.argocd:
            return []
        stores = self.databases.stores(replace(self.placement, scrape=scrape))
        return [release for store in stores.values() for release in store.releases(charts)]

    def namespaces(self) -> list[str]:
        """The namespaces its platform runs in: its own and those its stores own (ScyllaDB's
        datacenters). Argo CD's AppProject admits these; `gen validate` refuses objects anywhere else."""
        return [self.namespace, *(ns for store in self.stores().values() for ns in store.own_namespaces())]

    @property
    def config_map_name(self) -> str:
        return f"{self.name}-config"

    def replicas_for(self, service: Service) -> int:
        """The one place a service's replicas in this environment are decided."""
        if service.tier is Tier.GPU_HOST and self.gpu_hosts is GpuMode.OFF:
            return 0
        return self.replicas.apply(service.replicas)


class Delivery(Strict):
    """How Argo CD delivers `rendered/`: the repository it pulls, and what checks a release."""

    repository: str = Field(pattern=r"^(https://|ssh://|git@)\S+$", description="this repository's URL, as Argo CD reaches it")
    revision: str = Field(default="main", pattern=r"^[A-Za-z0-9._/-]+$", description="the branch or tag Argo CD syncs")
    health_check_image: Image = Field(description="an image with curl and /bin/sh: the post-sync health check runs it")


class EnvironmentCatalog(Strict):
    """`blueprints/catalog/environments.yaml`."""

    version: Literal[1]
    kubernetes_version: str = Field(
        default="1.33", pattern=r"^1\.[0-9]+$", description="the Kubernetes version rendered objects are validated for"
    )
    delivery: Delivery
    environments: list[Environment] = Field(min_length=1)

    def version_of(self, env: Environment) -> str:
        """The Kubernetes version `env`'s objects are rendered and validated for."""
        return env.kubernetes_version or self.kubernetes_version

    @field_validator("environments")
    @classmethod
    def _unique(cls, environments: list[Environment]) -> list[Environment]:
        seen: set[str] = set()
        for index, env in enumerate(environments):
            if env.name in seen:
                raise CatalogProblem((index, "name"), f"duplicate environment {env.name!r}")
            seen.add(env.name)
        return environments


class Release(Strict):
    """A blue-green environment's release state: the color serving traffic, the colors deployed
    (rendered, synced by Argo CD), and the color the last promotion replaced (for `gen rollback`)."""

    active: Color
    previous: Color | None = None
    deployed: list[Color] = Field(min_length=1)

    @field_validator("deployed")
    @classmethod
    def _each_once(cls, deployed: list[Color]) -> list[Color]:
        if len(set(deployed)) != len(deployed):
            raise ValueError("a color is listed twice")
        return deployed

    @model_validator(mode="after")
    def _consistent(self) -> "Release":
        if self.active not in self.deployed:
            raise CatalogProblem(("active",), f"{self.active.value} is active but not deployed (deployed: "
                                 f"{', '.join(c.value for c in self.deployed)})")
        if self.previous is not None:
            if self.previous == self.active:
                raise CatalogProblem(("previous",), "the previous color cannot be the active one")
            if self.previous not in self.deployed:
                raise CatalogProblem(("previous",), f"{self.previous.value} is not deployed: nothing to roll back to")
        return self

    @property
    def colors(self) -> tuple[Color, ...]:
        """The deployed colors, in Color order."""
        return tuple(c for c in Color if c in self.deployed)


class ReleaseCatalog(Strict):
    """`blueprints/catalog/releases.yaml`, written by gen promote, rollback, retire and render --color."""

    version: Literal[1]
    environments: dict[str, Release] = Field(default_factory=dict)


class Catalog(Strict):
    """The whole catalog: what every render reads."""

    services: ServiceCatalog
    environments: EnvironmentCatalog
    databases: DatabaseCatalog
    releases: ReleaseCatalog
    monitoring: MonitoringCatalog
    unrecorded: frozenset[str] = frozenset()  # blue-green environments whose record line gen has yet to write

    @cached_property
    def env_by_name(self) -> dict[str, Environment]:
        return {e.name: e for e in self.environments.environments}

    def environment(self, name: str) -> Environment:
        return self.env_by_name[name]

    def release(self, env: str) -> Release | None:
        """The release state of a blue-green environment (None for the others)."""
        return self.releases.environments.get(env) if self.environment(env).blue_green else None

    def parts(self, env: str) -> tuple[str, ...]:
        """The rendered parts of `env`, in order: `shared`, the deployed colors (or `app`), one
        part per database release (its chart hydrated), and `argocd` (its Argo CD Applications)
        where Argo CD syncs the environment."""
        profile = self.environment(env)
        release = self.release(env)
        services = tuple(c.value for c in release.colors) if release else ("app",)
        return ("shared", *services, *self.release_parts(env), *(("argocd",) if profile.argocd else ()))

    def release_parts(self, env: str) -> tuple[str, ...]:
        """The parts of `env` that are database releases: their charts hydrated (generator/hydrate/)."""
        return tuple(release.name for release in self.store_releases(env))

    def store_releases(self, env: str) -> list[StoreRelease]:
        """`env`'s database releases, with the values Argo CD's environments get (exporters scraped)."""
        cache = self.__dict__.setdefault("_store_releases", {})
        if env not in cache:
            from blueprints.exporters import scrape

            profile = self.environment(env)
            cache[env] = profile.chart_releases(self.databases.charts, scrape(self.monitoring) if profile.argocd else None)
        return cache[env]

    def with_release(self, env: str, release: Release) -> "Catalog":
        """This catalog with `env`'s release state replaced (what promote, rollback, retire write)."""
        environments = {**self.releases.environments, env: release}
        releases = self.releases.model_copy(update={"environments": dict(sorted(environments.items()))})
        return self.model_copy(update={"releases": releases})
