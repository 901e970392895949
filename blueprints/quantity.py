"""Kubernetes resource quantities: just enough of the grammar for the catalog's amounts, the way
the project writes amounts back, and the one extended resource it schedules (GPUs)."""

from __future__ import annotations

from decimal import Decimal

# the NVIDIA device plugin's extended resource (and the taint key of GPU nodes)
GPU_RESOURCE = "nvidia.com/gpu"

GIB = Decimal(2**30)
_BINARY = {"Ki": 2**10, "Mi": 2**20, "Gi": 2**30, "Ti": 2**40, "Pi": 2**50}
_DECIMAL = {"k": 10**3, "M": 10**6, "G": 10**9, "T": 10**12, "P": 10**15}


def parse_cpu(amount: str) -> Decimal:
    """Cores: "250m" -> 0.25, "2" -> 2."""
    if amount.endswith("m"):
        return Decimal(amount[:-1]) / 1000
    return Decimal(amount)


def parse_bytes(amount: str) -> Decimal:
    """Bytes: "128Mi" -> 134217728, "1G" -> 10**9."""
    for suffixes in (_BINARY, _DECIMAL):
        for suffix, factor in suffixes.items():
            if amount.endswith(suffix):
                return Decimal(amount[: -len(suffix)]) * factor
    return Decimal(amount)


def plain(value: Decimal, places: str | None = None) -> str:
    """A number as written for people and annotations: no exponent, no trailing zeros, rounded to
    `places` ("0.01") when given: 6 -> "6", 0.5500 -> "0.55"."""
    if places is not None:
        value = value.quantize(Decimal(places))
    return f"{value.normalize():f}"


def gib(value: Decimal, places: str | None = None) -> str:
    """Bytes in Gi: 2**31 -> "2Gi", to `places` when given."""
    return plain(value / GIB, places) + "Gi"
