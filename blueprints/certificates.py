"""TLS certificates from cert-manager: the API gateway's public name, one certificate per service
with exactly the names it is called by, and the databases' TLS Secrets that the chart values name.

A service's certificate (`<service>-tls`) names its live Service and, in a blue-green environment,
each color's (`<service>-blue`, `<service>-green`), each short, `.svc` and fully qualified; only
its own pods mount it (blueprints/workload.py, blueprints/tls_files.py). Every internal certificate
comes from the profile's internal issuer, a CA issuer: cert-manager writes its CA into each Secret
as `ca.crt`, which is how clients get the CA they verify servers with.

Every certificate lives 90 days (the seed's TLS rotation period, `ROTATION_DAYS["tls"]` in
`blueprints/secrets.py`) and is renewed 30 days before it expires, with a fresh ECDSA P-256 key
each time (`rotationPolicy: Always`). An environment without `tls:` (local) gets none.

Each store names its TLS Secrets and what its server answers to (`Store.tls_names`: the hosts
services connect to, plus the Services and per-pod names its chart makes beside them).
"""

from __future__ import annotations

from typing import Any

from constructs import Construct

from blueprints import labels
from blueprints.databases.store import in_cluster
from blueprints.k8s import Manifest, api_objects
from blueprints.model import Color, Environment, Issuer
from blueprints.identities import colored
from blueprints.tls_files import service_certificate
from blueprints.secrets import ROTATION_ANNOTATION, ROTATION_DAYS, SYNC_WAVE, TLS, rotation_period

API_VERSION = "cert-manager.io/v1"
COMPONENT = "tls"

# --- lifetime: the one place it is decided ---------------------------------------------------------
VALIDITY_DAYS = ROTATION_DAYS[TLS]  # 90
RENEW_BEFORE_DAYS = 30
DURATION = f"{VALIDITY_DAYS * 24}h"  # 2160h
RENEW_BEFORE = f"{RENEW_BEFORE_DAYS * 24}h"  # 720h
PRIVATE_KEY = {"algorithm": "ECDSA", "size": 256, "rotationPolicy": "Always"}

PUBLIC = "api-gateway-public"


def service_names(env: Environment, service: str, colors: list[Color | None]) -> list[str]:
    """What `service` is called by: its live Service, and each deployed color's in a blue-green
    environment (a retired color's name is no name of the service any more)."""
    hosts = [service, *(colored(service, color) for color in colors if color is not None)]
    return [name for host in hosts for name in in_cluster(host, env.namespace)]


def database_names(env: Environment) -> list[tuple[str, str, tuple[list[str], list[str]]]]:
    """(namespace, TLS Secret, (DNS names, IP addresses)), of every store, in the namespace of the
    server that serves with it."""
    return [(store.tls_namespace(secret), secret, names) for store in env.stores().values()
            for secret, names in store.tls_names().items()]


def certificate(
    env: Environment, name: str, issuer: Issuer, dns_names: list[str], ips: list[str] | None = None,
    namespace: str | None = None,
) -> Manifest:
    spec: dict[str, Any] = {
        "secretName": name,
        "duration": DURATION,
        "renewBefore": RENEW_BEFORE,
        "privateKey": dict(PRIVATE_KEY),
        "dnsNames": dns_names,
        "issuerRef": {"name": issuer.name, "kind": issuer.kind, "group": "cert-manager.io"},
    }
    if ips:
        spec["ipAddresses"] = list(ips)
    return {
        "apiVersion": API_VERSION,
        "kind": "Certificate",
        "metadata": {
            "name": name,
            "namespace": namespace or env.namespace,
            "labels": {labels.NAME: name, labels.COMPONENT: COMPONENT},
            "annotations": {ROTATION_ANNOTATION: rotation_period(TLS), **SYNC_WAVE},  # before the databases
        },
        "spec": spec,
    }


def manifests_for(env: Environment, services: list[str], clients: list[str], colors: list[Color | None]) -> list[Manifest]:
    """`clients`: workloads that call but are not called (the migration Jobs): their certificate
    names their own in-namespace name only, and brings them the CA."""
    if env.tls is None:
        return []
    tls = env.tls
    return [
        certificate(env, PUBLIC, tls.public_issuer, [tls.public_host]),
        *(certificate(env, service_certificate(svc), tls.internal_issuer, service_names(env, svc, colors)) for svc in services),
        *(certificate(env, service_certificate(c), tls.internal_issuer, in_cluster(c, env.namespace)) for c in clients),
        *(
            certificate(env, secret, tls.internal_issuer, dns_names, ips, namespace)
            for namespace, secret, (dns_names, ips) in database_names(env)
        ),
    ]


class PlatformCertificates(Construct):
    """The environment's cert-manager Certificates (nothing without `tls:`)."""

    def __init__(self, scope: Construct, id: str, *, env: Environment, services: list[str], clients: list[str],
                 colors: list[Color | None]) -> None:
        super().__init__(scope, id)
        self.manifests: list[Manifest] = manifests_for(env, services, clients, colors)
        api_objects(self, self.manifests)
