"""The model of the rendered tree: parts (with their typed environment and color), the objects
in them (each with its file and part), and the one reader of the committed tree."""

from generator.rendered.objects import Doc, LabelIndex, Workload, selects, workloads
from generator.rendered.parts import APP, ARGOCD, SHARED, Part, parts
from generator.rendered.read import Tree, Unreadable, read

__all__ = ["APP", "ARGOCD", "SHARED", "Doc", "LabelIndex", "Part", "Tree", "Unreadable", "Workload", "parts", "read",
           "selects", "workloads"]
