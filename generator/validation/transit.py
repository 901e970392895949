"""Encryption in transit, read from rendered objects: client settings that switch server
verification off, and database values that leave a plaintext listener (rule GEN-TLS-VERIFY).

A client setting is any string a workload or its configuration carries: ConfigMap data, container
env values, the templates of ExternalSecrets (where the connection URLs are built). A store's
server is read from its rendered pod (the charts are hydrated into rendered/): the switches its
image reads, and the pg_hba.conf a PostgreSQL server mounts; ScyllaDB's from its ScyllaCluster:
the `scylla.yaml` of each rack's `scyllaConfig` and the volumes that bring the certificate.
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


# the stores' server containers in the Bitnami charts (by name), and what each reads to refuse
# plaintext; `postgres` and `mongodb` of the upstream images (a restore drill's scratch server) too
PG_CONF = "/bitnami/postgresql/conf"  # where Bitnami's start-up copies pg_hba.conf from
HBA_FILE = "pg_hba.conf"


def _env(container: dict[str, Any]) -> dict[str, Any]:
    return {var.get("name"): var.get("value") for var in container.get("env") or [] if isinstance(var, dict)}


def plaintext_listeners(spec: dict[str, Any], config_maps: dict[str, dict[str, str]]) -> Iterator[tuple[str, str]]:
    """(container, why) for each store server of a pod (a Bitnami chart's `postgresql`, `mongodb`
    or `redis` container) that accepts plaintext connections, read from the rendered pod itself:
    the switches the images read and, for PostgreSQL, the pg_hba.conf the pod mounts."""
    volumes = {v.get("name"): v for v in spec.get("volumes") or [] if isinstance(v, dict)}
    for container in spec.get("containers") or []:
        if not isinstance(container, dict):
            continue
        name, env = container.get("name"), _env(container)
        args = [str(a) for a in container.get("args") or []]
        if name == "postgresql":
            if env.get("POSTGRESQL_ENABLE_TLS") != "yes":
                yield name, "POSTGRESQL_ENABLE_TLS is not yes: the server listens in plaintext"
            yield from ((name, why) for why in _pg_hba(container, volumes, config_maps, PG_CONF, HBA_FILE))
        elif name == "postgres":  # the upstream image (a restore drill's scratch server): `-c` settings
            settings = dict(a.split("=", 1) for a, flag in zip(args[1:], args) if flag == "-c" and "=" in a)
            if settings.get("ssl") != "on":
                yield name, "no `-c ssl=on`: the server listens in plaintext"
            hba = settings.get("hba_file")
            if hba is None:
                yield name, f"no `-c hba_file=`: the image's default {HBA_FILE} admits plaintext (host) lines"
            else:
                folder, _, file = hba.rpartition("/")
                yield from ((name, why) for why in _pg_hba(container, volumes, config_maps, folder, file))
        elif name == "mongodb":
            bitnami = "--tlsMode=requireTLS" in str(env.get("MONGODB_EXTRA_FLAGS", "")).split()
            upstream = "--tlsMode=requireTLS" in args or ("--tlsMode", "requireTLS") in zip(args, args[1:])
            if not (bitnami or upstream):
                yield name, "MONGODB_EXTRA_FLAGS has no --tlsMode=requireTLS, nor its args: MongoDB accepts plaintext"
        elif name == "redis":
            if env.get("REDIS_TLS_ENABLED") != "yes":
                yield name, "REDIS_TLS_ENABLED is not yes: the server listens in plaintext"
            elif str(env.get("REDIS_PORT", env.get("REDIS_PORT_NUMBER", "0"))) != "0":
                yield name, "REDIS_PORT opens a plaintext port beside the TLS one"


def _pg_hba(container: dict[str, Any], volumes: dict[str, dict[str, Any]],
            config_maps: dict[str, dict[str, str]], folder: str, file: str) -> Iterator[str]:
    """The pg_hba.conf the server reads at `folder`/`file`: a ConfigMap's key mounted there, or
    the `file` key of a ConfigMap mounted as `folder`; without one, the image's default (host lines)."""
    texts = []
    for mount in container.get("volumeMounts") or []:
        volume = volumes.get(mount.get("name")) or {}
        config = (volume.get("configMap") or {}).get("name")
        if config is None:
            continue
        if mount.get("mountPath") == f"{folder}/{file}":
            texts.append(config_maps.get(config, {}).get(mount.get("subPath", ""), ""))
        elif mount.get("mountPath") == folder and "subPath" not in mount:
            texts.append(config_maps.get(config, {}).get(file, ""))
    if not any(texts):
        yield f"mounts no {file} at {folder}: the image's default admits plaintext (host) lines"
    for text in texts:
        yield from (f"{HBA_FILE} admits plaintext: {line}" for line in plaintext_hba(text))


# Scylla's CQL listeners and the key that makes each TLS-only: a `*_ssl` port equal to the plain one
# encrypts the plain listener; unset, scylla-operator's managed config opens a TLS one beside it
CQL_LISTENERS = (("native_transport_port", "native_transport_port_ssl", 9042),
                 ("native_shard_aware_transport_port", "native_shard_aware_transport_port_ssl", 19042))


def scylla_plaintext(cluster: dict[str, Any], config_maps: dict[str, dict[str, str]]) -> Iterator[tuple[str, str]]:
    """(rack, why) for each rack of a ScyllaCluster whose CQL accepts plaintext: its `scyllaConfig`
    (scylla.yaml keys, which replace scylla-operator's managed ones) must enable
    client_encryption_options with a certificate and key the rack mounts from a Secret, and make
    every CQL listener TLS-only."""
    from yaml import YAMLError

    from generator.yamlio import load  # here: `gen rules` imports this module without PyYAML

    datacenter = ((cluster.get("spec") or {}).get("datacenter") or {})
    for rack in datacenter.get("racks") or []:
        name = rack.get("name", "?")
        text = config_maps.get(rack.get("scyllaConfig") or "", {}).get("scylla.yaml")
        try:
            settings = load(text) if isinstance(text, str) else None
        except YAMLError as exc:
            yield name, f"scylla.yaml of {rack.get('scyllaConfig')!r} is not YAML ({exc.__class__.__name__})"
            continue
        if not isinstance(settings, dict):
            yield name, f"no scylla.yaml in a scyllaConfig ConfigMap ({rack.get('scyllaConfig')!r}): CQL listens in plaintext"
            continue
        options = settings.get("client_encryption_options")
        if not (isinstance(options, dict) and str(options.get("enabled")).lower() == "true"):
            yield name, "scylla.yaml does not enable client_encryption_options: CQL listens in plaintext"
            continue
        for plain, ssl, default in CQL_LISTENERS:
            port = settings.get(plain, default)
            if settings.get(ssl) != port:
                yield name, (f"scylla.yaml's {ssl} is {settings.get(ssl)!r}, not {plain} ({port}): "
                             f"{port} stays plaintext (scylla-operator's managed config opens TLS beside it)")
        mounted = _secret_mounts(rack)
        for key in ("certificate", "keyfile"):
            path = options.get(key)
            if not (isinstance(path, str) and any(path.startswith(f"{folder}/") for folder in mounted)):
                yield name, f"client_encryption_options.{key} {path!r} is not in a folder the rack mounts from a Secret"


def _secret_mounts(rack: dict[str, Any]) -> list[str]:
    secrets = {v.get("name") for v in rack.get("volumes") or [] if isinstance(v, dict) and v.get("secret")}
    return [m.get("mountPath", "").rstrip("/") for m in rack.get("volumeMounts") or []
            if isinstance(m, dict) and m.get("name") in secrets]
