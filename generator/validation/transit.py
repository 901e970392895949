"""Encryption in transit, read from rendered objects: client settings that switch server
verification off, and database values that leave a plaintext listener (rule GEN-TLS-VERIFY).

A client setting is any string a workload or its configuration carries: ConfigMap data, container
env values, the templates of ExternalSecrets (where the connection URLs are built). A database
release is an Argo CD Application installing one of the Bitnami charts with `valuesObject`.
"""

from __future__ import annotations

import re
from typing import Any, Iterator


# sslmode below verify-ca/verify-full does not check the server (libpq); tls/ssl off; the
# drivers' switches that accept any certificate or host name; Redis without TLS
UNVERIFIED = [
    (re.compile(r"\bsslmode=(disable|allow|prefer|require)\b"), "sslmode={0} does not verify the server"),
    (re.compile(r"[?&](tls|ssl)=false\b", re.IGNORECASE), "{0}=false turns TLS off"),
    (re.compile(r"[?&](tlsInsecure|tlsAllowInvalidCertificates|tlsAllowInvalidHostnames)=true\b", re.IGNORECASE),
     "{0}=true accepts any server"),
    (re.compile(r"\bredis://"), "redis:// is plaintext (rediss:// verifies the server)"),
]
# a key naming one setting (`postgres_sslmode: require`, `redis_tls: "false"`)
SETTING = [
    (re.compile(r"sslmode$", re.IGNORECASE), {"disable", "allow", "prefer", "require"}, "sslmode {0} does not verify the server"),
    (re.compile(r"(^|_)(tls|ssl)(_enabled)?$", re.IGNORECASE), {"false", "0", "no", "off"}, "TLS is off ({0})"),
    (re.compile(r"(tls_?insecure|allow_?invalid)", re.IGNORECASE), {"true", "1", "yes", "on"}, "accepts any server ({0})"),
]


def unverified(key: str | None, value: Any) -> str | None:
    """Why a client setting (`key: value`) disables server verification, or None."""
    if not isinstance(value, str):
        return None
    for pattern, why in UNVERIFIED:
        match = pattern.search(value)
        if match:
            return why.format(match.group(1) if match.groups() else match.group(0))
    for key_pattern, bad, why in SETTING:
        if key and key_pattern.search(key) and value.strip().lower() in bad:
            return why.format(value)
    return None


def plaintext_hba(text: str) -> list[str]:
    """pg_hba.conf lines admitting TCP connections without TLS (`host`, `hostnossl`)."""
    return [line.strip() for line in text.splitlines() if line.split()[:1] in (["host"], ["hostnossl"])]


def plaintext_listeners(chart: str, values: dict[str, Any], config_maps: dict[str, dict[str, str]]) -> Iterator[str]:
    """What in a Bitnami chart's values leaves the server accepting plaintext connections."""
    tls = values.get("tls") or {}
    if not tls.get("enabled"):
        yield "tls.enabled is not true: the server listens in plaintext"
        return
    if chart == "mongodb" and tls.get("mode") != "requireTLS":
        yield f"tls.mode is {tls.get('mode')!r}: MongoDB accepts plaintext unless requireTLS"
    if chart == "postgresql":
        yield from _postgres(values, config_maps)


def _postgres(values: dict[str, Any], config_maps: dict[str, dict[str, str]]) -> Iterator[str]:
    hba = (values.get("primary") or {}).get("pgHbaConfiguration")
    if not hba:
        yield "primary.pgHbaConfiguration is unset: Bitnami's default pg_hba.conf keeps host (plaintext) lines"
    else:
        yield from (f"primary.pgHbaConfiguration admits plaintext: {line}" for line in plaintext_hba(hba))
    replicas = values.get("readReplicas")
    if not replicas or values.get("architecture") != "replication":
        return
    # imported here, not at the top: `gen rules` lists this rule without loading the typed models
    from blueprints.databases.stores.postgres import HBA_FILE, MOUNTED_CONF
    hba_mount = f"{MOUNTED_CONF}/{HBA_FILE}"  # where Bitnami's start-up copies pg_hba.conf from
    mounts = {m.get("name"): m for m in replicas.get("extraVolumeMounts") or [] if m.get("mountPath") == hba_mount}
    texts = []
    for volume in replicas.get("extraVolumes") or []:
        mount = mounts.get(volume.get("name"))
        if mount is not None and "configMap" in volume:
            texts.append(config_maps.get(volume["configMap"].get("name"), {}).get(mount.get("subPath", ""), ""))
    if not texts or not all(texts):
        yield f"readReplicas mount no pg_hba.conf at {hba_mount}: their default admits plaintext (host) lines"
    for text in texts:
        yield from (f"readReplicas' pg_hba.conf admits plaintext: {line}" for line in plaintext_hba(text))
