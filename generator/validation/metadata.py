"""Rules on every object's metadata, as the API server would refuse it (names, label keys and
values, annotation size; `generator/names.py`), and on where it lives: only in the namespaces its
environment declares."""

from __future__ import annotations

from typing import Any, Iterator

from blueprints import argocd
from generator import names
from generator.rendered import Doc
from generator.rendered.objects import metadata_of
from generator.validation.policies import Context, Finding, found, rule

ARGOCD_KINDS = ("Application", "AppProject", "ApplicationSet")  # the only kinds in Argo CD's namespace




@rule("GEN-NAME", "kind, metadata.name and metadata.namespace follow Kubernetes' rules for the kind (DNS-1123 subdomain, "
      "label or path segment; lengths)")
def _name(ctx: Context) -> Iterator[Finding]:
    for doc in ctx.docs:
        problem = names.object_problem(doc.obj.get("kind"), metadata_of(doc.obj).get("name"), metadata_of(doc.obj).get("namespace"))
        if problem:
            yield found("GEN-NAME", doc, ": ".join(problem))


def label_maps(doc: Doc) -> Iterator[tuple[str, Any]]:
    """Every label map of an object that the API server validates: its own, its pods', its selector's."""
    yield "metadata.labels", metadata_of(doc.obj).get("labels")
    spec = doc.obj.get("spec") if isinstance(doc.obj.get("spec"), dict) else {}
    selector = spec.get("selector")
    if doc.kind in ("Service", "ReplicationController"):
        yield "spec.selector", selector
    elif isinstance(selector, dict):
        yield "spec.selector.matchLabels", selector.get("matchLabels")


@rule("GEN-LABELS", "label keys are qualified names (prefix a DNS subdomain, name at most 63 characters) and values "
      "at most 63 characters of letters, digits, '-', '_', '.'; on objects, pod templates and selectors")
def _labels(ctx: Context) -> Iterator[Finding]:
    templates = {id(w.doc): w.labels for w in ctx.workloads if w.template is not w.doc.obj}
    for doc in ctx.docs:
        maps = list(label_maps(doc))
        if id(doc) in templates:
            maps.append(("pod template labels", templates[id(doc)]))
        for where, labels in maps:
            for problem in names.labels_problems(labels):
                yield found("GEN-LABELS", doc, f"{where}: {problem}")


@rule("GEN-ANNOTATIONS", "annotation keys are qualified names; an object's annotations total at most 256 KiB")
def _annotations(ctx: Context) -> Iterator[Finding]:
    for doc in ctx.docs:
        for problem in names.annotations_problems(metadata_of(doc.obj).get("annotations")):
            yield found("GEN-ANNOTATIONS", doc, f"metadata.annotations: {problem}")
    for w in ctx.workloads:
        if w.template is not w.doc.obj:
            for problem in names.annotations_problems(metadata_of(w.template).get("annotations")):
                yield found("GEN-ANNOTATIONS", w.doc, f"pod template annotations: {problem}")


@rule("GEN-NAMESPACE", "objects are only in the environment's namespaces (the platform's and the ScyllaDB "
      "datacenters'; Argo CD's objects in argocd): never kube-system or any other", waivable=False)
def _namespace(ctx: Context) -> Iterator[Finding]:
    declared = ctx.namespaces
    for doc in ctx.docs:
        namespace = doc.namespace
        allowed = [*declared, argocd.NAMESPACE] if doc.kind in ARGOCD_KINDS else declared
        if doc.kind == "Namespace" and doc.name not in declared:
            yield found("GEN-NAMESPACE", doc, f"a Namespace {ctx.env.name} does not declare (it declares {', '.join(declared)})")
        elif namespace is not None and namespace not in allowed:
            yield found("GEN-NAMESPACE", doc, f"in namespace {namespace!r}, which {ctx.env.name} does not declare "
                        f"(it declares {', '.join(allowed)})")
