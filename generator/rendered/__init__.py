"""The model of the rendered tree: parts (with their typed environment and color), the objects
in them (each with its file and part), and the one reader of the committed tree.

The reader's names (read, Tree, Unreadable) are imported on first use (PEP 562): the policy rules
need the objects' model only, and `gen rules` starts without the YAML reader."""

from typing import Any

from generator.rendered.objects import POD_TEMPLATES, Doc, LabelIndex, Workload, pod_template, selects, workloads
from generator.rendered.parts import APP, ARGOCD, SHARED, Part, parts

__all__ = ["APP", "ARGOCD", "POD_TEMPLATES", "SHARED", "Doc", "LabelIndex", "Part", "Tree", "Unreadable", "Workload",
           "parts", "pod_template", "read", "selects", "workloads"]
_READER = ("Tree", "Unreadable", "read")


def __getattr__(name: str) -> Any:
    if name in _READER:
        from generator.rendered import reader

        return getattr(reader, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
