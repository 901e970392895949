"""The catalog's enumerations: a leaf without pydantic, so that the command line can name the
colors and the policy rules can compare tiers without importing the typed models (start-up)."""

from __future__ import annotations

import enum


class Tier(str, enum.Enum):
    """The three kinds of workload the seed counts (12 Go, 6 Python AI, 2 GPU hosts)."""

    GO = "go"
    PYTHON_AI = "python-ai"
    GPU_HOST = "gpu-host"


class Color(str, enum.Enum):
    BLUE = "blue"
    GREEN = "green"


class GpuMode(str, enum.Enum):
    """How an environment runs the GPU hosts."""

    GPU = "gpu"  # on GPU nodes: nvidia.com/gpu limit, toleration, node selector
    CPU = "cpu"  # no GPU nodes: the service's smaller `cpu_model` on ordinary nodes
    OFF = "off"  # not run: zero replicas


# data that must sit on encrypted volumes (the seed: HIPAA-like staging, full-HIPAA production)
PHI_BEARING = ("anonymized", "real-phi")
