"""`gen validate`: strict offline schemas, policy rules and capacity fit, per environment.

The names below are imported on first use (PEP 562), so `gen rules` can read the policy rules
without loading the schema validators."""

from __future__ import annotations

from typing import Any

__all__ = ["EnvReport", "Report", "validate", "validate_docs"]


def __getattr__(name: str) -> Any:
    if name in __all__:
        from generator.validation import run

        return getattr(run, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
