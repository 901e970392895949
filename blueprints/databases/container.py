"""What the local StatefulSets' containers are made of, for the stores' modules to say theirs
(`Store.local_container`): the environment every one gets, probes and their timing."""

from __future__ import annotations

from typing import Any

READINESS = {"periodSeconds": 10, "timeoutSeconds": 5, "failureThreshold": 3}
LIVENESS = {"periodSeconds": 20, "timeoutSeconds": 5, "failureThreshold": 6}


def tcp_probe(port: str, **timing: int) -> dict[str, Any]:
    return {"tcpSocket": {"port": port}, **timing}


def exec_probe(command: list[str], **timing: int) -> dict[str, Any]:
    return {"exec": {"command": command}, **timing}


def env(**values: str) -> list[dict[str, Any]]:
    """The container's environment. HOME: the shells a developer runs in the pod (psql, mongosh,
    redis-cli, cqlsh) keep history there, and UID 10001 has no home on a read-only root filesystem."""
    return [{"name": "HOME", "value": "/tmp"}] + [{"name": k, "value": v} for k, v in values.items()]


def probes(ready: dict[str, Any], alive: dict[str, Any], startup_seconds: int) -> dict[str, Any]:
    """Readiness and liveness after a startup probe that allows a slow first start (initdb,
    Scylla's bootstrap): liveness only asks whether the port answers, so recovery is not killed."""
    return {
        "startupProbe": {**alive, "periodSeconds": 5, "timeoutSeconds": 5, "failureThreshold": startup_seconds // 5},
        "readinessProbe": {**ready, **READINESS},
        "livenessProbe": {**alive, **LIVENESS},
    }
