"""Capacity fit: what an environment requests against the cluster its profile declares.

Everything the environment runs counts at once: `shared` and every rendered color, since both
colors run during a switch. Pods count at their replicas; a pod requests the sum of its
containers, or its largest init container if that is more. Persistent storage counts
PersistentVolumeClaims and StatefulSets' volumeClaimTemplates (times replicas). The stores' charts
are rendered too (their StatefulSets, the dump CronJobs' pods while they run); the pods an operator
makes count from the object it makes them from (a ScyllaCluster's racks: `operated`). An object may
still state what it makes in the `therapeutic-ai.io/requests` annotation.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from blueprints import labels
from blueprints.model import Environment
from blueprints.quantity import GPU_RESOURCE as GPU, gib, parse_bytes, parse_cpu, plain
from generator.errors import GenError
from generator.rendered import Doc, workloads
from generator.rendered.objects import metadata_of

RESOURCES = ("cpu", "memory", "gpu", "storage")
REQUESTS = labels.REQUESTS


@dataclass(frozen=True)
class Line:
    resource: str
    requested: Decimal
    declared: Decimal

    @property
    def headroom(self) -> Decimal:
        return self.declared - self.requested

    @property
    def fits(self) -> bool:
        return self.requested <= self.declared


@dataclass(frozen=True)
class Capacity:
    env: str
    lines: tuple[Line, ...]

    @property
    def fits(self) -> bool:
        return all(line.fits for line in self.lines)


def pod_requests(spec: dict) -> dict[str, Decimal]:
    """What one pod requests: the sum of its containers, or its largest init container if more."""
    return pod_amounts(spec, "requests")


def pod_amounts(spec: dict, which: str) -> dict[str, Decimal]:
    """One pod's `requests` (a missing request is taken from the limit, as Kubernetes does) or
    `limits` (a missing limit counts as 0: unbounded), by cpu, memory and gpu."""

    def of(container: dict) -> dict[str, Decimal]:
        resources = container.get("resources") or {}
        requests = resources.get("requests") or {}
        limits = resources.get("limits") or {}
        chosen = requests if which == "requests" else {}

        def value(key: str) -> object:
            return chosen.get(key, limits.get(key))

        cpu, memory, gpu = value("cpu"), value("memory"), value(GPU)
        return {
            "cpu": parse_cpu(str(cpu)) if cpu is not None else Decimal(0),
            "memory": parse_bytes(str(memory)) if memory is not None else Decimal(0),
            "gpu": Decimal(str(gpu)) if gpu is not None else Decimal(0),
        }

    total = {"cpu": Decimal(0), "memory": Decimal(0), "gpu": Decimal(0)}
    for container in spec.get("containers") or []:
        for key, value in of(container).items():
            total[key] += value
    for container in spec.get("initContainers") or []:
        for key, value in of(container).items():
            total[key] = max(total[key], value)
    return total


def claim_size(spec: dict) -> Decimal:
    storage = ((spec.get("resources") or {}).get("requests") or {}).get("storage")
    return parse_bytes(str(storage)) if storage is not None else Decimal(0)


def annotated(claim: str) -> dict[str, Decimal]:
    """`cpu=6,memory=24Gi,storage=600Gi` as amounts (cores, bytes, GPUs)."""
    out = {}
    for pair in claim.split(","):
        key, _, value = pair.strip().partition("=")
        if key not in RESOURCES:
            raise ValueError(f"{REQUESTS}: unknown resource {key!r} (one of {', '.join(RESOURCES)})")
        try:
            out[key] = parse_cpu(value) if key == "cpu" else Decimal(value) if key == "gpu" else parse_bytes(value)
        except ArithmeticError:
            raise ValueError(f"{REQUESTS}: {key}={value!r} is not a quantity") from None
    return out


def capacity(env: Environment, docs: list[Doc]) -> Capacity:
    requested = {name: Decimal(0) for name in RESOURCES}
    for w in workloads(docs):
        for key, value in pod_requests(w.spec).items():
            requested[key] += value * w.replicas
        if w.doc.kind == "StatefulSet":
            for template in (w.doc.obj.get("spec") or {}).get("volumeClaimTemplates") or []:
                requested["storage"] += claim_size(template.get("spec") or {}) * w.replicas
    for doc in docs:
        if doc.kind == "PersistentVolumeClaim":
            requested["storage"] += claim_size(doc.obj.get("spec") or {})
        for key, value in operated(doc).items():
            requested[key] += value
        claimed = (metadata_of(doc.obj).get("annotations") or {}).get(REQUESTS)
        if claimed:
            try:
                amounts = annotated(claimed)
            except (ValueError, ArithmeticError) as exc:
                raise GenError(f"{doc.file}: {doc.ref}: {exc}") from None
            for key, value in amounts.items():
                requested[key] += value
    cluster = env.cluster
    declared = {
        "cpu": Decimal(cluster.cpu),
        "memory": parse_bytes(cluster.memory),
        "gpu": Decimal(cluster.gpus),
        "storage": parse_bytes(cluster.storage),
    }
    return Capacity(env.name, tuple(Line(name, requested[name], declared[name]) for name in RESOURCES))


def operated(doc: Doc) -> dict[str, Decimal]:
    """What the pods an operator makes from `doc` request: a ScyllaCluster's racks, each of
    `members` pods running Scylla (`resources`) and its manager agent (`agentResources`), each with
    a volume of `storage.capacity`. Nothing for any other kind."""
    total = {name: Decimal(0) for name in RESOURCES}
    if doc.kind != "ScyllaCluster":
        return total
    datacenter = (doc.obj.get("spec") or {}).get("datacenter") or {}
    for rack in datacenter.get("racks") or []:
        members = Decimal(int(rack.get("members") or 0))
        pod = {"containers": [{"resources": rack.get("resources") or {}}, {"resources": rack.get("agentResources") or {}}]}
        for key, value in pod_requests(pod).items():
            total[key] += value * members
        capacity = (rack.get("storage") or {}).get("capacity")
        if capacity is not None:
            total["storage"] += parse_bytes(str(capacity)) * members
    return total


def amount(resource: str, value: Decimal) -> str:
    """Readable amounts: cores with up to 2 decimals, bytes in Gi, GPUs whole."""
    if resource in ("memory", "storage"):
        return gib(value, "0.1")
    if resource == "cpu":
        return plain(value, "0.01")
    return plain(value)
