"""Pod rules the API server enforces that the schemas cannot say: in a pod, each volume name, each
container name, and in a container each mount path, once (a secret listed twice would make two
volumes of one name, mounted twice at one path; the API server refuses the object)."""

from __future__ import annotations

from collections import Counter
from typing import Any, Iterator

from generator.validation.policies import Context, Finding, found, rule

CHECK = "GEN-POD-UNIQUE"


def twice(items: Any, key: str) -> list[str]:
    """The values of `key` that more than one item of the list holds, sorted."""
    counts = Counter(item.get(key) for item in items if isinstance(item, dict)) if isinstance(items, list) else Counter()
    return sorted(str(value) for value, n in counts.items() if n > 1 and value is not None)


@rule(CHECK, "in a pod, each volume name and container name once, and in a container each mount path once")
def _unique_in_pod(ctx: Context) -> Iterator[Finding]:
    for workload in ctx.workloads:
        for name in twice(workload.spec.get("volumes"), "name"):
            yield found(CHECK, workload.doc, f"volume {name!r} is declared twice")
        for name in twice(workload.containers(), "name"):
            yield found(CHECK, workload.doc, f"container {name!r} is declared twice")
        for container in workload.containers():
            if not isinstance(container, dict):
                continue
            for path in twice(container.get("volumeMounts"), "mountPath"):
                yield found(CHECK, workload.doc, f"container {container.get('name')}: mountPath {path!r} is mounted twice")
