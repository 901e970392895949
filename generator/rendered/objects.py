"""Rendered objects: each with its file and part, and the pods the workloads among them run."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from functools import cached_property
from typing import Any, Iterable, Iterator

from generator.rendered.parts import Part

# every kind that carries a pod: the path to its pod (template), and whether it is a long-running
# workload. Every pod rule reads pods through this one table, so no kind escapes them.
POD_TEMPLATES: dict[str, tuple[tuple[str, ...], bool]] = {
    "Pod": ((), False),  # a bare Pod is its own template: metadata and spec
    "PodTemplate": (("template",), False),
    "Deployment": (("spec", "template"), True),
    "StatefulSet": (("spec", "template"), True),
    "DaemonSet": (("spec", "template"), True),
    "ReplicaSet": (("spec", "template"), True),
    "ReplicationController": (("spec", "template"), True),
    "Job": (("spec", "template"), False),
    "CronJob": (("spec", "jobTemplate", "spec", "template"), False),
}


@dataclass(frozen=True)
class Doc:
    """One rendered object, the file it is (or will be) in, relative to the project, and its part.
    Kind, name and namespace are read from the object each time: a caller may edit it. They are
    always strings (or no namespace), whatever a hand-edited file holds: a list or a mapping
    where a kind should be reads as its repr here, so the rules can index and compare it, and
    the schema and GEN-NAME checks, which read the object itself, report it."""

    file: str
    obj: dict[str, Any]
    part: Part  # what it is rendered for: the environment's typed profile, the color

    @property
    def kind(self) -> str:
        return _text(self.obj.get("kind", "?"))

    @property
    def name(self) -> str:
        return _text(metadata_of(self.obj).get("name", "?"))

    @property
    def namespace(self) -> str | None:
        value = metadata_of(self.obj).get("namespace")
        return None if value is None else _text(value)

    @property
    def ref(self) -> str:
        return f"{self.kind}/{self.name}"


def metadata_of(obj: Any) -> dict[str, Any]:
    """An object's (or pod template's) metadata; empty when it is missing or not a mapping."""
    value = obj.get("metadata") if isinstance(obj, dict) else None
    return value if isinstance(value, dict) else {}


def _text(value: Any) -> str:
    return value if isinstance(value, str) else repr(value)


@dataclass(frozen=True)
class Workload:
    """An object that runs pods, with its pod template. Made for one validation (Context), which
    reads its spec, labels and containers many times: each is read from the object once."""

    doc: Doc
    template: dict[str, Any]
    long_running: bool

    @cached_property
    def spec(self) -> dict[str, Any]:
        return self.template.get("spec") or {}

    @cached_property
    def labels(self) -> dict[str, str]:
        return metadata_of(self.template).get("labels") or {}

    @property
    def replicas(self) -> int:
        """Pods it runs at once: replicas (default 1), a Job's parallelism, 1 for a CronJob."""
        spec = self.doc.obj.get("spec") or {}
        if self.doc.kind in ("Deployment", "StatefulSet", "ReplicaSet", "ReplicationController"):
            return int(spec.get("replicas", 1))
        if self.doc.kind == "Job":
            return int(spec.get("parallelism", 1))
        return 0 if self.doc.kind == "PodTemplate" else 1  # a PodTemplate runs nothing by itself

    def containers(self, init: bool = True) -> list[dict[str, Any]]:
        """Every container: app containers, then (unless `init=False`) init and ephemeral ones."""
        return self._every_container if init else self._app_containers

    @cached_property
    def _app_containers(self) -> list[dict[str, Any]]:
        return list(self.spec.get("containers") or [])

    @cached_property
    def _every_container(self) -> list[dict[str, Any]]:
        return [*self._app_containers, *(self.spec.get("initContainers") or []), *(self.spec.get("ephemeralContainers") or [])]


def pod_template(obj: dict[str, Any]) -> dict[str, Any] | None:
    """The pod (template) an object of a kind in POD_TEMPLATES carries; None for any other object."""
    entry = POD_TEMPLATES.get(obj.get("kind")) if isinstance(obj.get("kind"), str) else None
    if entry is None:
        return None
    node: Any = obj
    for key in entry[0]:
        node = node.get(key) if isinstance(node, dict) else None
    return node if isinstance(node, dict) else None


def workloads(docs: list[Doc]) -> Iterator[Workload]:
    for doc in docs:
        template = pod_template(doc.obj)
        if template is not None:
            yield Workload(doc, template, POD_TEMPLATES[doc.kind][1])


def selects(selector: dict[str, Any] | None, labels: dict[str, str]) -> bool:
    """Does a LabelSelector (matchLabels and matchExpressions) select these labels? An empty
    selector selects everything; a missing one nothing."""
    if selector is None:
        return False
    for key, value in (selector.get("matchLabels") or {}).items():
        if labels.get(key) != value:
            return False
    for expr in selector.get("matchExpressions") or []:
        key, op, values = expr.get("key"), expr.get("operator"), expr.get("values") or []
        if op == "In" and labels.get(key) not in values:
            return False
        if op == "NotIn" and key in labels and labels[key] in values:
            return False
        if op == "Exists" and key not in labels:
            return False
        if op == "DoesNotExist" and key in labels:
            return False
    return True


class LabelIndex:
    """Workloads by namespace and label pair, so that finding the pods a selector selects does
    not scan every workload (which made the selector rules quadratic in the tree's size)."""

    def __init__(self, items: Iterable[Workload]) -> None:
        self._by_pair: dict[tuple[str | None, str, str], list[Workload]] = defaultdict(list)
        self._by_namespace: dict[str | None, list[Workload]] = defaultdict(list)
        for w in items:
            self._by_namespace[w.doc.namespace].append(w)
            for key, value in w.labels.items():
                self._by_pair[(w.doc.namespace, key, value)].append(w)

    def selected(self, namespace: str | None, selector: dict[str, Any] | None) -> list[Workload]:
        """The workloads in `namespace` whose pods `selector` (a LabelSelector) selects."""
        if selector is None:
            return []
        pairs = (selector.get("matchLabels") or {}).items()
        if pairs:
            candidates = min((self._by_pair.get((namespace, k, v), []) for k, v in pairs), key=len)
        else:
            candidates = self._by_namespace.get(namespace, [])
        return [w for w in candidates if selects(selector, w.labels)]
