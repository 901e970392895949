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


REFS = "GEN-POD-REFS"
# Kubernetes publishes the cluster's CA bundle as this ConfigMap in every namespace
PUBLISHED = (("ConfigMap", "kube-root-ca.crt"),)


def named(spec: dict[str, Any]) -> Iterator[tuple[str, Any, str]]:
    """(kind, name, where) of every Secret and ConfigMap a pod names: its volumes (projected
    sources too), and its containers' env and envFrom."""
    for volume in spec.get("volumes") or []:
        if not isinstance(volume, dict):
            continue
        where = f"volume {volume.get('name')}"
        if isinstance(volume.get("secret"), dict):
            yield "Secret", volume["secret"].get("secretName"), where
        if isinstance(volume.get("configMap"), dict):
            yield "ConfigMap", volume["configMap"].get("name"), where
        projected = volume.get("projected") if isinstance(volume.get("projected"), dict) else {}
        for source in projected.get("sources") or []:
            for key, kind in (("secret", "Secret"), ("configMap", "ConfigMap")):
                if isinstance(source, dict) and isinstance(source.get(key), dict):
                    yield kind, source[key].get("name"), f"{where} (projected)"
    every = [*(spec.get("initContainers") or []), *(spec.get("containers") or [])]
    for container in every:
        if not isinstance(container, dict):
            continue
        for var in container.get("env") or []:
            source = var.get("valueFrom") if isinstance(var, dict) and isinstance(var.get("valueFrom"), dict) else {}
            for key, kind in (("secretKeyRef", "Secret"), ("configMapKeyRef", "ConfigMap")):
                if isinstance(source.get(key), dict):
                    yield kind, source[key].get("name"), f"container {container.get('name')}: env {var.get('name')}"
        for source in container.get("envFrom") or []:
            for key, kind in (("secretRef", "Secret"), ("configMapRef", "ConfigMap")):
                if isinstance(source, dict) and isinstance(source.get(key), dict):
                    yield kind, source[key].get("name"), f"container {container.get('name')}: envFrom"


def made(ctx: Context) -> set[tuple[str, str | None, str]]:
    """(kind, namespace, name) of every Secret and ConfigMap the environment makes: rendered ones
    (a chart's own among them), an ExternalSecret's target, a Certificate's `secretName`, those
    Kubernetes publishes in every namespace, and, without Vault (local), the stores' credentials,
    which the README has the user create by hand."""
    out = {(d.kind, d.namespace, d.name) for d in ctx.of_kind("Secret", "ConfigMap")}
    for doc in ctx.of_kind("ExternalSecret"):
        spec = doc.obj.get("spec") if isinstance(doc.obj.get("spec"), dict) else {}
        target = spec.get("target") if isinstance(spec.get("target"), dict) else {}
        out.add(("Secret", doc.namespace, target.get("name") or doc.name))
    for doc in ctx.of_kind("Certificate"):
        spec = doc.obj.get("spec") if isinstance(doc.obj.get("spec"), dict) else {}
        out.add(("Secret", doc.namespace, spec.get("secretName")))
    out |= {(kind, namespace, name) for namespace in ctx.namespaces for kind, name in PUBLISHED}
    if ctx.env.vault is None:
        out |= {("Secret", ctx.env.namespace, store.credentials.secret) for store in ctx.env.stores().values()
                if store.credentials is not None}
    return out


@rule(REFS, "every Secret and ConfigMap a pod names (volumes, projected sources, env, envFrom) is named and made "
      "in its namespace: a rendered one (a chart's own), an ExternalSecret's target or a Certificate's secretName")
def _references(ctx: Context) -> Iterator[Finding]:
    if not ctx.whole_environment:
        return  # a lone part or an on-demand plan names what `shared` makes
    there = made(ctx)
    for workload in ctx.workloads:
        namespace = workload.doc.namespace
        for kind, name, where in named(workload.spec):
            if not isinstance(name, str) or not name:
                yield found(REFS, workload.doc, f"{where}: names no {kind} (an empty name: the API server refuses the pod)")
            elif (kind, namespace, name) not in there:
                yield found(REFS, workload.doc, f"{where}: {kind} {name!r} is made nowhere in {namespace} (no {kind}, "
                            "ExternalSecret target or Certificate of that name)")
