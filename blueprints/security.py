"""The security settings every pod the blueprints write runs with: Pod Security Standards
`restricted`, plus the project's rule of UID and GID >= 10000. One place, for services and
databases alike (and the Helm values' security contexts take the same numbers)."""

from __future__ import annotations

from typing import Any

RUN_AS_USER = 10001
RUN_AS_GROUP = 10001
RUNTIME_DEFAULT = {"type": "RuntimeDefault"}
TMP_SIZE = "64Mi"  # the writable /tmp of a read-only root filesystem


def pod_security_context(**extra: Any) -> dict[str, Any]:
    return {
        "runAsNonRoot": True,
        "runAsUser": RUN_AS_USER,
        "runAsGroup": RUN_AS_GROUP,
        "fsGroup": RUN_AS_GROUP,
        **extra,
        "seccompProfile": dict(RUNTIME_DEFAULT),
    }


def container_security_context() -> dict[str, Any]:
    return {
        "allowPrivilegeEscalation": False,
        "privileged": False,
        "readOnlyRootFilesystem": True,
        "runAsNonRoot": True,
        "runAsUser": RUN_AS_USER,
        "runAsGroup": RUN_AS_GROUP,
        "capabilities": {"drop": ["ALL"]},
        "seccompProfile": dict(RUNTIME_DEFAULT),
    }


def service_account(metadata: dict[str, Any]) -> dict[str, Any]:
    """A workload's own ServiceAccount, whose API token is never mounted."""
    return {"apiVersion": "v1", "kind": "ServiceAccount", "metadata": metadata, "automountServiceAccountToken": False}


def tmp_volume() -> tuple[dict[str, Any], dict[str, Any]]:
    """(volume, mount): the emptyDir on /tmp every container gets, its root filesystem being read-only."""
    return {"name": "tmp", "emptyDir": {"sizeLimit": TMP_SIZE}}, {"name": "tmp", "mountPath": "/tmp"}
