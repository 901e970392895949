"""TLS certificates from cert-manager: the API gateway's public name, the services'
in-cluster names, and the databases' TLS Secrets that the chart values name.

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
from blueprints.databases.store import unique
from blueprints.k8s import Manifest, api_object
from blueprints.model import Environment, Issuer
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
INTERNAL = "internal-tls"


def database_names(env: Environment) -> dict[str, tuple[list[str], list[str]]]:
    """TLS Secret -> (DNS names, IP addresses), of every store."""
    return {secret: names for store in env.stores().values() for secret, names in store.tls_names().items()}


def certificate(
    env: Environment, name: str, issuer: Issuer, dns_names: list[str], ips: list[str] | None = None
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
            "namespace": env.namespace,
            "labels": {labels.NAME: name, labels.COMPONENT: COMPONENT},
            "annotations": {ROTATION_ANNOTATION: rotation_period(TLS), **SYNC_WAVE},  # before the databases
        },
        "spec": spec,
    }


def manifests_for(env: Environment, services: list[str]) -> list[Manifest]:
    if env.tls is None:
        return []
    tls, ns = env.tls, env.namespace
    internal_names = unique(
        [n for svc in services for n in (f"{svc}.{ns}.svc", f"{svc}.{ns}.svc.cluster.local")]
    )
    return [
        certificate(env, PUBLIC, tls.public_issuer, [tls.public_host]),
        certificate(env, INTERNAL, tls.internal_issuer, internal_names),
        *(
            certificate(env, secret, tls.internal_issuer, dns_names, ips)
            for secret, (dns_names, ips) in database_names(env).items()
        ),
    ]


class PlatformCertificates(Construct):
    """The environment's cert-manager Certificates (nothing without `tls:`)."""

    def __init__(self, scope: Construct, id: str, *, env: Environment, services: list[str]) -> None:
        super().__init__(scope, id)
        self.manifests: list[Manifest] = manifests_for(env, services)
        for manifest in self.manifests:
            # one child per object: api_object names its ApiObject after the kind
            api_object(self, manifest, id=f"{manifest['kind']}-{manifest['metadata']['name']}")
