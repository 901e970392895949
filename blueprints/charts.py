"""One cdk8s Chart per rendered part: `shared`, the services of a color (or of `app`), `argocd`."""

from __future__ import annotations

from dataclasses import dataclass

from cdk8s import Chart
from constructs import Construct

from blueprints.databases.applications import applications, prerequisites
from blueprints.databases.local import local_databases
from blueprints.k8s import Manifest
from blueprints.alerting import AlertRouting
from blueprints.exporters import scrape
from blueprints.certificates import PlatformCertificates
from blueprints.delivery import Delivery
from blueprints.health import HEALTH_CHECK, HealthCheck
from blueprints.live import LIVE, LiveServices
from blueprints.identities import colors, migrated_stores, migration_name
from blueprints.migrations import SchemaMigrations
from blueprints.identities import metrics_port, monitored
from blueprints.monitoring import PlatformMonitoring
from blueprints.monitoring_spec import HTTP
from blueprints.network import NetworkIsolation
from blueprints.secrets import PlatformSecrets
from blueprints.model import Catalog, Color, Environment
from blueprints.platform import PlatformConfig, PlatformNamespace
from blueprints.tiers import BLUEPRINTS
from blueprints.types import BlueprintError
from blueprints.workload import WorkloadProps


@dataclass(frozen=True)
class Origin:
    """Which blueprint made an object, and the overlay file it is written to."""

    blueprint: str
    source: str  # file stem under overlays/<env>/<part>/resources/


class PartChart(Chart):
    """A part's chart. `origins` maps (kind, name) to the blueprint that made each object; it is
    kept on the Python side so that naming files costs no jsii round trips."""

    def __init__(self, scope: Construct, id: str) -> None:
        super().__init__(scope, id)
        self.origins: dict[tuple[str, str], Origin] = {}
        # files that are not Kubernetes objects (Helm values): name -> (header comment, data)
        self.files: dict[str, tuple[str, dict]] = {}

    def record(self, construct: Construct, source: str) -> None:
        manifests: list[Manifest] = getattr(construct, "manifests")
        for manifest in manifests:
            key = (manifest["kind"], manifest["metadata"]["name"])
            if key in self.origins:
                raise BlueprintError(f"two objects are {key[0]}/{key[1]}: {self.origins[key].source} and {source}")
            self.origins[key] = Origin(getattr(construct, "blueprint", type(construct).__name__), source)
        self.files.update(getattr(construct, "files", {}))


class SharedChart(PartChart):
    def __init__(self, scope: Construct, id: str, catalog: Catalog, env: Environment) -> None:
        super().__init__(scope, id)
        self.record(PlatformNamespace(self, "namespace", env), "namespace")
        self.record(PlatformConfig(self, "config", catalog, env), "config")
        scope, stores = Construct(self, "databases"), list(env.stores().values())
        for source, construct in (prerequisites(scope, stores) if env.argocd
                                  else local_databases(scope, stores, catalog.databases.local_images)):
            self.record(construct, source)
        self.record(NetworkIsolation(self, "network", catalog=catalog, env=env), "network-policies")
        self.record(PlatformSecrets(self, "secrets", env=env), "external-secrets")
        services = [s.name for s in catalog.services.services]
        migrations = [migration_name(store) for store in migrated_stores(catalog, env)]
        self.record(PlatformCertificates(self, "certificates", env=env, services=services, clients=migrations,
                                         colors=colors(catalog, env)),
                    "certificates")
        release = catalog.release(env.name)
        if release:
            self.record(LiveServices(self, "live", catalog=catalog, env=env, release=release), LIVE)
        self.record(PlatformMonitoring(self, "monitoring", catalog=catalog, env=env), "monitoring")
        self.record(AlertRouting(self, "alerting", catalog=catalog, env=env), "alert-routing")


class ServicesChart(PartChart):
    """The 20 services of one color (or of the color-less `app` part)."""

    def __init__(self, scope: Construct, id: str, catalog: Catalog, env: Environment, color: Color | None) -> None:
        super().__init__(scope, id)
        ports = {s.name: s.port for s in catalog.services.services}
        for service in catalog.services.services:
            blueprint = BLUEPRINTS[service.tier]
            metrics = metrics_port(catalog.monitoring, service)
            props = WorkloadProps(
                service=service, environment=env, color=color, metrics_port=None if metrics[0] == HTTP else metrics,
                callees={callee: ports[callee] for callee in service.calls},
            )
            self.record(blueprint(self, service.name, props), service.name)
        if env.argocd:
            self.record(HealthCheck(self, HEALTH_CHECK, catalog=catalog, env=env), HEALTH_CHECK)
            self.record(SchemaMigrations(self, "migrations", catalog=catalog, env=env, color=color), "migrations")


class DeliveryChart(PartChart):
    """The `argocd` part: the AppProject and the environment's Applications."""

    def __init__(self, scope: Construct, id: str, catalog: Catalog, env: Environment) -> None:
        super().__init__(scope, id)
        delivery = Delivery(self, "delivery", catalog=catalog, env=env)
        self.record(delivery, "argocd")
        scraped = scrape(catalog.monitoring) if monitored(env) else None  # the stores' exporters
        for source, construct in applications(Construct(self, "databases"), env, catalog.databases.charts,
                                              delivery.repository, delivery.revision, scraped):
            self.record(construct, source)


def part_chart(scope: Construct, catalog: Catalog, env: Environment, part: str, color: Color | None = None) -> PartChart:
    """The chart of `part` of `env` under `scope`; `color` for the parts `blue` and `green`."""
    if part == "shared":
        return SharedChart(scope, f"{env.name}-shared", catalog, env)
    if part == "argocd":
        return DeliveryChart(scope, f"{env.name}-argocd", catalog, env)
    return ServicesChart(scope, f"{env.name}-{part}", catalog, env, color)
