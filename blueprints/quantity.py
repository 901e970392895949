"""Kubernetes resource quantities: just enough of the grammar for the catalog's amounts."""

from __future__ import annotations

from decimal import Decimal

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
