"""The declared posture of one environment, derived once from the catalog: everything the
platform may run there. The gate (generator/validation/gate.py) holds the rendered tree to it,
default deny: what the posture does not admit is a finding, whatever its shape.

What it declares, and where each fact comes from:

- namespaces: the environment's own (environments.yaml `namespace`) and those its stores own
  (ScyllaDB's datacenters); Argo CD's objects live in `argocd`, nothing else of the platform does;
- kinds: what each part may contain (the platform's design: `PART_KINDS`; a database release's
  part, by its name, what its values make its chart render: `Release.kinds`); cluster-scoped objects
  only by name: the environment's Namespaces and its ClusterSecretStore; no admission webhook,
  no CRD, no ClusterRole or ClusterRoleBinding;
- workloads: the pods it runs (services.yaml, per color; the post-sync health check; the
  migration Jobs; the stores, a group of server pods per workload its chart runs, and their dump
  pods), each with its ServiceAccount, the only subjects
  RBAC may name;
- flows: the dependency graph (services.yaml `calls`, `databases`, `public`), Prometheus's
  scrapes (monitoring.yaml), the stores' own traffic, DNS: nothing else, per color;
- the public entry: the ingress controller's namespace reaches the public services, on their
  port; no Service other than ClusterIP, no Ingress or Gateway object;
- registries: the profile's, the health check's image, the stores' pinned images;
- Argo CD: the one repository (environments.yaml `delivery.repository`) and nothing else (the
  stores' charts are hydrated into it), the two projects, one Application per part, each syncing
  its part's folder.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from blueprints import argocd, labels
from blueprints.enums import Color

if TYPE_CHECKING:
    from blueprints.model import Catalog, Environment

# the kinds each part may hold (the blueprints render no other). Parts are `shared`, a color's or
# `app` (the services), and `argocd`; a database release's part holds what its values make its
# chart render (keyed by the release's name, in `Posture.part_kinds`); a kind not listed for a
# part is a finding there. The platform
# grants no Kubernetes API access to its pods: no Role or RoleBinding is declared anywhere.
PART_KINDS: dict[str, tuple[str, ...]] = {
    "shared": ("Namespace", "ConfigMap", "NetworkPolicy", "Service", "ServiceAccount", "StatefulSet", "Certificate",
               "ClusterSecretStore", "ExternalSecret", "PrometheusRule", "ServiceMonitor", "AlertmanagerConfig"),
    "services": ("Deployment", "Service", "ServiceAccount", "PodDisruptionBudget", "Job"),
    "argocd": ("Application", "AppProject"),
}
CLUSTER_KINDS = ("Namespace", "ClusterSecretStore")  # the only cluster-scoped kinds, each by name

POD_SECURITY_LEVEL = "restricted"  # every Namespace enforces, audits and warns at it

# where the ingress controller and the cluster DNS run (assumed, as in blueprints/network.py)
DNS_NAMESPACE = "kube-system"
DNS_LABELS = (("k8s-app", "kube-dns"),)


@dataclass(frozen=True, order=True)
class Endpoint:
    """Pods the posture knows: the platform's (in its namespaces), the cluster's it talks to
    (DNS, Prometheus, the ingress controller), or the outside world (`namespace` None).
    `labels` are what its pods carry (the rendered pod template's, where gen renders them)."""

    name: str  # `api-gateway-blue`, `postgres`, `dns`, `outside`, ...
    namespace: str | None
    labels: tuple[tuple[str, str], ...] = ()
    role: str = "service"  # service | job | store | cluster | stranger | outside
    account: str | None = None  # the ServiceAccount its pods run as, where gen renders them
    images: tuple[str, ...] = ()  # the images its containers run, where the catalog names them exactly


@dataclass(frozen=True, order=True)
class Flow:
    """A connection the platform makes: `source` opens it to `target` on `port`."""

    source: str
    target: str
    port: int
    protocol: str = "TCP"

    def __str__(self) -> str:
        return f"{self.source} -> {self.target}:{self.port}" + ("" if self.protocol == "TCP" else f"/{self.protocol}")


@dataclass(frozen=True)
class Posture:
    env: str
    namespaces: tuple[str, ...]
    part_kinds: dict[str, tuple[str, ...]]
    cluster_objects: tuple[tuple[str, str], ...]  # (kind, name)
    endpoints: tuple[Endpoint, ...]
    flows: frozenset[Flow]
    service_accounts: tuple[tuple[str, str], ...]  # (namespace, name)
    public: tuple[str, ...]  # the services the entry reaches
    entry_namespace: str | None  # the ingress controller's
    registries: tuple[str, ...]  # image prefixes (`registry/`) and repositories (`registry/repository`)
    repositories: tuple[str, ...]  # what Argo CD may sync from
    projects: tuple[str, ...]
    applications: tuple[str, ...]
    revision: str | None = None  # the git revision Argo CD syncs this repository at
    automated: bool = False  # whether Argo CD syncs by itself (environments.yaml `sync`)
    replicas: dict[str, int] = field(default_factory=dict)  # Deployment name -> replicas
    pod_security: dict[str, str] = field(default_factory=dict)  # namespace -> Pod Security level

    def kinds_of(self, part: str) -> tuple[str, ...]:
        """What `part` may hold: its own entry (shared, argocd, a release), else a services part's."""
        return self.part_kinds.get(part if part in self.part_kinds else "services", ())

    def image_allowed(self, image: str) -> bool:
        """Is `image` (`registry/repository:tag[@digest]`) from a declared registry or repository?"""
        repository = image.split("@", 1)[0]
        last = repository.rsplit("/", 1)
        if ":" in last[-1]:
            repository = repository[: repository.rindex(":")]
        return any(repository == r or (r.endswith("/") and repository.startswith(r)) for r in self.registries)


def pod_labels(name: str, color: Color | None, **more: str) -> tuple[tuple[str, str], ...]:
    found = {labels.NAME: name, **({labels.VERSION: color.value} if color else {}), **more}
    return tuple(sorted(found.items()))


def derive(catalog: Catalog, env: Environment) -> Posture:
    """The posture of `env`, from the catalog alone."""
    from blueprints.identities import INGRESS_NAMESPACE, colored, colors, metrics_port, migrated_stores, migration_image, \
        migration_name, monitored, secret_store_name
    from blueprints.model import HEALTH_CHECK

    services = catalog.services.services
    stores = env.stores()
    namespaces = tuple(env.namespaces())
    home = env.namespace
    endpoints: list[Endpoint] = []
    flows: set[Flow] = set()
    dns = Endpoint("dns", DNS_NAMESPACE, DNS_LABELS, "cluster")
    endpoints.append(dns)

    def to_dns(source: str) -> None:
        flows.update({Flow(source, dns.name, 53, "UDP"), Flow(source, dns.name, 53, "TCP")})

    # the stores: their server pods, a group per workload its chart runs (`postgres/primary`,
    # `postgres/read`), in each of a store's own namespaces or the platform's; dump pods
    store_endpoints: dict[str, list[Endpoint]] = {}
    for store in stores.values():
        own = store.own_namespaces()
        found = []
        for component, selector in store.server_pods().items():
            if not store.placement.charts:
                selector = {**selector, labels.COMPONENT: "database"}
            name = f"{store.name}/{component}" if component else store.name
            found += [Endpoint(f"{name}@{ns}", ns, tuple(sorted(selector.items())), "store") for ns in own] or \
                [Endpoint(name, home, tuple(sorted(selector.items())), "store")]
        store_endpoints[store.name] = found
        endpoints.extend(found)
        for a in found:
            to_dns(a.name)
            for b in found:
                flows.update(Flow(a.name, b.name, port) for port in store.peer_ports)
        backup = store.backup_pods()
        if backup is not None:
            dump = Endpoint(f"{store.name}-backup", home, tuple(sorted(backup["matchLabels"].items())), "job")
            endpoints.append(dump)
            to_dns(dump.name)
            flows.update(Flow(dump.name, target.name, store.port) for target in found)

    prometheus = None
    if monitored(env):
        spec = catalog.monitoring.prometheus
        prometheus = Endpoint("prometheus", spec.namespace, tuple(sorted(spec.pod_labels.items())), "cluster")
        endpoints.append(prometheus)
        for store in stores.values():
            if store.exporter is not None:
                flows.update(Flow(prometheus.name, e.name, store.exporter.port) for e in store_endpoints[store.name])
    public = tuple(s.name for s in services if s.public)
    entry = Endpoint("ingress-controller", INGRESS_NAMESPACE, (), "cluster") if public else None
    if entry:
        endpoints.append(entry)

    accounts: list[tuple[str, str]] = []
    replicas: dict[str, int] = {}
    migrated = migrated_stores(catalog, env)
    by_name = {service.name: service for service in services}
    for color in colors(catalog, env):
        for service in services:
            name = colored(service.name, color)
            endpoints.append(Endpoint(name, home, pod_labels(service.name, color), "service", name,
                                      (env.images.image_for(service.name, color),)))
            accounts.append((home, name))
            replicas[name] = env.replicas_for(service)
            to_dns(name)
            flows.update(Flow(name, colored(callee, color), by_name[callee].port)
                         for callee in service.calls if callee in by_name)
            for db in service.databases:
                flows.update(Flow(name, e.name, stores[db].port) for e in store_endpoints[db])
            if entry and service.public:
                flows.add(Flow(entry.name, name, service.port))
            if prometheus:
                flows.add(Flow(prometheus.name, name, metrics_port(catalog.monitoring, service)[1]))
        if env.argocd:
            check = colored(HEALTH_CHECK, color)
            endpoints.append(Endpoint(check, home, pod_labels(HEALTH_CHECK, color), "job", check,
                                      (catalog.environments.delivery.health_check_image,)))
            accounts.append((home, check))
            to_dns(check)
            flows.update(Flow(check, colored(s.name, color), s.port) for s in services)
        for store_name_ in migrated:
            job = colored(migration_name(store_name_), color)
            migration = catalog.databases.migrations.jobs[store_name_]
            endpoints.append(Endpoint(job, home, pod_labels(migration_name(store_name_), color), "job", job,
                                      (migration_image(env, migration, color),)))
            accounts.append((home, job))
            to_dns(job)
            flows.update(Flow(job, e.name, stores[store_name_].port) for e in store_endpoints[store_name_])
    if not env.argocd:  # local stores run as StatefulSets of the platform's, with a ServiceAccount each
        accounts.extend((home, store.name) for store in stores.values())

    # what no declared pod is: any other pod of each namespace the platform or its policies touch,
    # and of a namespace nobody declared. A policy that admits one of them admits too much.
    strangers = sorted({*namespaces, DNS_NAMESPACE, *((prometheus.namespace,) if prometheus else ()), "elsewhere"})
    endpoints.extend(Endpoint(f"any pod in {ns}", ns, (), "stranger") for ns in strangers)
    endpoints.append(Endpoint("outside", None, (), "outside"))

    registries = [f"{env.images.registry}/", _repository(catalog.environments.delivery.health_check_image)]
    if env.argocd:
        registries += [f"{i.registry}/{i.repository}" for c in catalog.databases.charts.values() for i in c.images.values()]
    else:
        registries += [f"{i.registry}/{i.repository}" for i in catalog.databases.local_images.values()]
    repositories = [catalog.environments.delivery.repository]  # the charts are hydrated into it
    applications = tuple(argocd.application(env.name, p) for p in catalog.parts(env.name))  # releases included
    if env.argocd and env.blue_green:
        applications += (argocd.application(env.name, argocd.LIVE),)
    releases = {release.name: release.kinds for release in catalog.store_releases(env.name)}

    cluster = [("Namespace", ns) for ns in namespaces]
    if env.vault is not None:
        cluster.append(("ClusterSecretStore", secret_store_name(env)))
    return Posture(
        env=env.name,
        namespaces=namespaces,
        part_kinds={**PART_KINDS, **releases},
        cluster_objects=tuple(cluster),
        endpoints=tuple(endpoints),
        flows=frozenset(flows),
        service_accounts=tuple(sorted(set(accounts))),
        public=public,
        entry_namespace=entry.namespace if entry else None,
        registries=tuple(sorted(set(registries))),
        repositories=tuple(dict.fromkeys(repositories)),
        projects=(argocd.PROJECT, argocd.DELIVERY_PROJECT) if env.argocd else (),
        applications=tuple(sorted(applications)) if env.argocd else (),
        revision=(env.revision or catalog.environments.delivery.revision) if env.argocd else None,
        automated=env.sync == "automated",
        replicas=replicas,
        pod_security={home: POD_SECURITY_LEVEL, **{ns: store.pod_security for store in stores.values()
                                                    for ns in store.own_namespaces()}},
    )


def _repository(image: str) -> str:
    """`registry/repository` of an image reference."""
    name = image.split("@", 1)[0]
    if ":" in name.rsplit("/", 1)[-1]:
        name = name[: name.rindex(":")]
    return name
