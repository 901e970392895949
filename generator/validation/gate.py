"""The posture gate: the rendered tree held to the environment's declared posture
(generator/posture/declared.py), default deny. An object, a flow, a subject, an image or a source
the posture does not admit is a finding, whatever its shape.

These rules judge the parts Argo CD syncs (rendered/<env>/<part>/); an on-demand plan (a restore
drill, a downgrade) is gen's own output from the catalog and is held to the shape rules alone.
"""

from __future__ import annotations

from typing import Any, Iterator

from blueprints import argocd, layout
from generator.posture.declared import CLUSTER_KINDS
from generator.posture.flows import ports_of
from generator.rendered import Doc
from generator.rendered.objects import metadata_of
from generator.validation.policies import Context, Finding, found, rule

MOST = 6  # flows named in one finding; the rest are counted


def rendered(ctx: Context) -> list[Doc]:
    return [doc for doc in ctx.docs if doc.part.name in ctx.rendered_parts]


@rule("GEN-KIND", "each part holds only the kinds the platform declares for it (a database release's part what its "
      "values make its chart render); cluster-scoped objects only the environment's Namespaces and "
      "ClusterSecretStore (no webhook, CRD, ClusterRole, ...)", waivable=False)
def _kind(ctx: Context) -> Iterator[Finding]:
    posture = ctx.posture
    for doc in rendered(ctx):
        allowed = posture.kinds_of(doc.part.name)
        if doc.kind not in allowed:
            yield found("GEN-KIND", doc, f"the posture admits no {doc.kind} in {doc.part.name} "
                        f"(it admits {', '.join(allowed)})")
        elif doc.kind in CLUSTER_KINDS and (doc.kind, doc.name) not in posture.cluster_objects:
            yield found("GEN-KIND", doc, f"cluster-scoped {doc.kind} {doc.name!r} is not one {ctx.env.name} declares "
                        f"({', '.join(n for k, n in posture.cluster_objects if k == doc.kind) or 'none'})")


def _declared_pods(ctx: Context) -> Iterator[Any]:
    """The evaluator's pods that a rendered workload runs as a declared endpoint."""
    for pod in ctx.network.pods:
        if pod.workload is not None and pod.endpoint.role in ("service", "job", "store"):
            yield pod


@rule("GEN-WORKLOAD", "every pod runs a workload the catalog declares (a service of a color, the health check, a "
      "migration, a store), as the ServiceAccount declared for it", waivable=False)
def _workload(ctx: Context) -> Iterator[Finding]:
    if not ctx.whole_environment:
        return
    for w in ctx.network.strays:
        yield found("GEN-WORKLOAD", w.doc, f"runs pods the catalog does not declare (labels {dict(sorted(w.labels.items()))})")
    for pod in _declared_pods(ctx):
        declared = pod.endpoint.account
        spec = pod.workload.spec
        for field_ in ("serviceAccountName", "serviceAccount"):
            account = spec.get(field_, "default" if field_ == "serviceAccountName" else declared)
            if declared is not None and account != declared:
                yield found("GEN-WORKLOAD", pod.workload.doc, f"{field_} {account!r}: {pod.endpoint.name} runs as "
                            f"ServiceAccount {declared!r}")


@rule("GEN-IMAGE-DECLARED", "every container of a service, the health check and a migration runs exactly the image "
      "the catalog declares for it (registry, name, the color's tag, the recorded digest)")
def _image_declared(ctx: Context) -> Iterator[Finding]:
    if not ctx.whole_environment:
        return
    for pod in _declared_pods(ctx):
        if not pod.endpoint.images or not ctx.current(pod.workload.doc):
            continue
        for c in pod.workload.containers():
            if c.get("image") not in pod.endpoint.images:
                yield found("GEN-IMAGE-DECLARED", pod.workload.doc, f"container {c.get('name', '?')}: image "
                            f"{c.get('image')!r}: the catalog declares {', '.join(pod.endpoint.images)} for {pod.endpoint.name}")


def _ports_text(ranges: dict[str, list[tuple[int, int]]]) -> str:
    return ", ".join(f"{protocol} {first}" + (f"-{last}" if last != first else "")
                     for protocol, first, last in ports_of(ranges))


@rule("GEN-NETWORK-POLICY", "every pod of the environment's namespaces is isolated in both directions by a default "
      "deny (podSelector {}) and selected by a policy of its own", waivable=False)
def _isolation(ctx: Context) -> Iterator[Finding]:
    if not ctx.whole_environment:
        return
    evaluation = ctx.network
    where = f"rendered/{ctx.env.name}"
    for pod in evaluation.pods:
        if pod.namespace not in ctx.posture.namespaces:
            continue
        open_ = [d for d in ("Ingress", "Egress") if not evaluation.admitted.isolated[(pod.endpoint.name, d)]]
        if open_:
            what = "any pod no policy names (the namespace has no default deny)" if pod.endpoint.role == "stranger" \
                else "its pods"
            yield Finding(where, f"Namespace/{pod.namespace}", "GEN-NETWORK-POLICY",
                          f"{pod.endpoint.name}: {what} selected by no NetworkPolicy for {' and '.join(open_)}: "
                          f"every {'source and destination' if len(open_) == 2 else open_[0].lower() + ' peer'} is admitted")


@rule("GEN-NETWORK-FLOWS", "the NetworkPolicies admit exactly the declared flows (services.yaml calls, databases, "
      "public; Prometheus; the stores' own; DNS), evaluated per pod, port and color: nothing more, nothing less",
      waivable=False)
def _flows(ctx: Context) -> Iterator[Finding]:
    if not ctx.whole_environment:
        return
    evaluation = ctx.network
    declared = ctx.posture.flows
    wanted: dict[tuple[str, str, str], list[int]] = {}
    for flow in declared:
        wanted.setdefault((flow.source, flow.target, flow.protocol), []).append(flow.port)
    by_policy: dict[str, list[str]] = {}
    admitted: dict[tuple[str, str, str], list[tuple[int, int]]] = {}
    for source, target, ranges, policies in evaluation.admitted.flows(set(ctx.posture.namespaces)):
        extra: dict[str, list[tuple[int, int]]] = {}
        for protocol, first, last in ports_of(ranges):
            key = (source.endpoint.name, target.endpoint.name, protocol)
            admitted.setdefault(key, []).append((first, last))
            beyond = _uncovered(first, last, wanted.get(key, []))
            if beyond:
                extra.setdefault(protocol, []).extend(beyond)
        if extra and not (source.namespace in ctx.posture.namespaces and _unisolated(evaluation, source.endpoint.name)
                          and target.namespace in ctx.posture.namespaces and _unisolated(evaluation, target.endpoint.name)):
            owner = policies[-1] if policies else "(no policy: an unisolated pod)"
            by_policy.setdefault(owner, []).append(
                f"{source.endpoint.name} -> {target.endpoint.name} on {_ports_text(extra)}")
    for owner, flows in sorted(by_policy.items()):
        doc = ctx.by_ref(owner)
        more = f" (and {len(flows) - MOST} more)" if len(flows) > MOST else ""
        message = f"admits what the catalog does not declare: {'; '.join(sorted(flows)[:MOST])}{more}"
        yield found("GEN-NETWORK-FLOWS", doc, message) if doc else \
            Finding(f"rendered/{ctx.env.name}", f"Environment/{ctx.env.name}", "GEN-NETWORK-FLOWS", message)
    missing = sorted(flow for flow in declared if not any(
        first <= flow.port <= last for first, last in admitted.get((flow.source, flow.target, flow.protocol), [])))
    if missing:
        more = f" (and {len(missing) - MOST} more)" if len(missing) > MOST else ""
        yield Finding(f"rendered/{ctx.env.name}", f"Environment/{ctx.env.name}", "GEN-NETWORK-FLOWS",
                      f"declared flows the policies do not admit: {'; '.join(map(str, missing[:MOST]))}{more}")


def _uncovered(first: int, last: int, ports: list[int]) -> list[tuple[int, int]]:
    """The parts of the port range first-last that are none of `ports`."""
    out, start = [], first
    for port in sorted(set(ports)):
        if port < start or port > last:
            continue
        if port > start:
            out.append((start, port - 1))
        start = port + 1
    if start <= last:
        out.append((start, last))
    return out


def _unisolated(evaluation: Any, name: str) -> bool:
    isolated = evaluation.admitted.isolated
    return not (isolated[(name, "Ingress")] and isolated[(name, "Egress")])


@rule("GEN-SERVICE-TYPE", "Services are ClusterIP (the public entry is the ingress controller's): no NodePort, "
      "LoadBalancer, ExternalName or externalIPs", waivable=False)
def _service_type(ctx: Context) -> Iterator[Finding]:
    for doc in ctx.of_kind("Service"):
        spec = doc.obj.get("spec") if isinstance(doc.obj.get("spec"), dict) else {}
        kind = spec.get("type", "ClusterIP")
        if kind != "ClusterIP":
            yield found("GEN-SERVICE-TYPE", doc, f"type {kind}: only the ingress controller ({ctx.posture.entry_namespace or 'none declared'}) "
                        f"is the entry, reaching {', '.join(ctx.posture.public) or 'no service'}")
        if spec.get("externalIPs"):
            yield found("GEN-SERVICE-TYPE", doc, f"externalIPs {spec['externalIPs']} expose it outside the cluster")


@rule("GEN-IMAGE-REGISTRY", "every container's image comes from a registry the catalog declares (the profile's, "
      "the health check's, the stores' pinned images)", waivable=False)
def _image_registry(ctx: Context) -> Iterator[Finding]:
    posture = ctx.posture
    for w in ctx.workloads:
        if w.doc.part.name not in ctx.rendered_parts:
            continue
        for c in w.containers():
            image = c.get("image")
            if not isinstance(image, str) or not posture.image_allowed(image):
                yield found("GEN-IMAGE-REGISTRY", w.doc, f"container {c.get('name', '?')}: image {image!r} is from none "
                            f"of the declared registries ({', '.join(posture.registries)})")


def identity(doc: Doc) -> tuple[str, str, str | None, str]:
    api = doc.obj.get("apiVersion")
    group = api.rsplit("/", 1)[0] if isinstance(api, str) and "/" in api else ""
    return group, doc.kind, doc.namespace, doc.name


@rule("GEN-OWNER", "every object has one owner: no object is rendered twice in an environment (two parts, two "
      "Argo CD Applications fighting over it)", waivable=False)
def _owner(ctx: Context) -> Iterator[Finding]:
    first: dict[tuple, Doc] = {}
    for doc in rendered(ctx):
        key = identity(doc)
        if key in first:
            yield found("GEN-OWNER", doc, f"also rendered as {first[key].file}: two Applications would own it")
        else:
            first[key] = doc


PSA_PREFIX = "pod-security.kubernetes.io/"


@rule("GEN-POD-SECURITY", "every Namespace enforces, audits and warns at its declared Pod Security level "
      "(restricted; a store's own namespaces as the store declares), at the latest version; no other Pod Security "
      "label", waivable=False)
def _pod_security(ctx: Context) -> Iterator[Finding]:
    from blueprints.identities import pod_security_labels  # not at import: `gen rules` starts without pydantic

    declared = ctx.posture.pod_security
    for doc in ctx.of_kind("Namespace"):
        if doc.part.name not in ctx.rendered_parts:
            continue
        level = declared.get(doc.name, "restricted")
        labels = metadata_of(doc.obj).get("labels") or {}
        wanted = pod_security_labels(level)
        keys = sorted({*wanted, *(k for k in labels if isinstance(k, str) and k.startswith(PSA_PREFIX))})
        wrong = [f"{key.removeprefix(PSA_PREFIX)}={labels.get(key)!r}" for key in keys if labels.get(key) != wanted.get(key)]
        if wrong:
            yield found("GEN-POD-SECURITY", doc, f"Pod Security {', '.join(wrong)}: {ctx.env.name} declares {level} "
                        "in every mode, at the latest version of the standard")


@rule("GEN-TOKEN", "no pod mounts a ServiceAccount token (automountServiceAccountToken false on the pod or its "
      "ServiceAccount, never true)")
def _token(ctx: Context) -> Iterator[Finding]:
    accounts = {(d.namespace, d.name): d.obj.get("automountServiceAccountToken") for d in ctx.of_kind("ServiceAccount")}
    for doc in ctx.of_kind("ServiceAccount"):
        if doc.obj.get("automountServiceAccountToken") is not False:
            yield found("GEN-TOKEN", doc, "automountServiceAccountToken must be false")
    for w in ctx.workloads:
        mount = w.spec.get("automountServiceAccountToken")
        account = w.spec.get("serviceAccountName") or "default"
        if mount is True or (mount is None and accounts.get((w.doc.namespace, account)) is not False):
            yield found("GEN-TOKEN", w.doc, f"its pods mount the token of ServiceAccount {account!r}")


@rule("GEN-REPLICAS", "every service's Deployment runs the replicas the catalog declares for the environment")
def _replicas(ctx: Context) -> Iterator[Finding]:
    declared = ctx.posture.replicas
    for doc in ctx.of_kind("Deployment"):
        if doc.name in declared and doc.part.name in ctx.rendered_parts and ctx.current(doc):
            replicas = (doc.obj.get("spec") or {}).get("replicas", 1)
            if replicas != declared[doc.name]:
                yield found("GEN-REPLICAS", doc, f"replicas {replicas!r}: the catalog declares {declared[doc.name]} in {ctx.env.name}")


@rule("GEN-CONFIG-REPLICAS", "every service's Deployment, in every color, runs the replicas its `<service>_replicas` "
      "key of `<env>-config` says (the seed's scaling ConfigMap, which both colors read: the two never disagree)")
def _config_replicas(ctx: Context) -> Iterator[Finding]:
    from blueprints.identities import colored, colors  # not at import: `gen rules` starts without pydantic

    name = ctx.env.config_map_name
    config = next((d for d in ctx.of_kind("ConfigMap") if d.name == name and d.part.name in ctx.rendered_parts), None)
    if config is None:
        return
    data = config.obj.get("data") if isinstance(config.obj.get("data"), dict) else {}
    deployments = {d.name: d for d in ctx.of_kind("Deployment") if d.part.name in ctx.rendered_parts}
    for service in ctx.catalog.services.services:
        for color in colors(ctx.catalog, ctx.env):
            doc = deployments.get(colored(service.name, color))
            if doc is None:
                continue
            replicas = (doc.obj.get("spec") or {}).get("replicas", 1)
            said = data.get(service.config_key)
            if said != str(replicas):
                yield found("GEN-CONFIG-REPLICAS", doc, f"replicas {replicas!r}, but {name}'s {service.config_key} says "
                            f"{said!r}: every color reads that ConfigMap, so render the whole environment "
                            f"(`gen render {ctx.env.name}`)")


def _sources(spec: dict[str, Any]) -> list[dict[str, Any]]:
    single = spec.get("source")
    many = spec.get("sources")
    return [s for s in ([single] if isinstance(single, dict) else []) + (many if isinstance(many, list) else [])
            if isinstance(s, dict)]


@rule("GEN-ARGOCD-SOURCE", "Argo CD syncs only what the catalog declares: its Applications (one per part, a "
      "database release's included), each from its part's folder of this repository's rendered/<env>/ (never "
      "a chart), into the environment's namespaces; AppProjects open no other repository, cluster-scoped kind "
      "or destination", waivable=False)
def _argocd_source(ctx: Context) -> Iterator[Finding]:
    posture = ctx.posture
    check = "GEN-ARGOCD-SOURCE"
    folders = {argocd.application(ctx.env.name, p): str(layout.rendered_dir(ctx.env.name, p))
               for p in ctx.catalog.parts(ctx.env.name)}
    destinations = {*posture.namespaces, argocd.NAMESPACE}
    root = str(layout.rendered_dir(ctx.env.name, ""))
    for doc in ctx.of_kind("Application"):
        spec = doc.obj.get("spec") if isinstance(doc.obj.get("spec"), dict) else {}
        if doc.name not in posture.applications:
            yield found(check, doc, f"an Application {ctx.env.name} does not declare ({', '.join(posture.applications)})")
        for source in _sources(spec):
            repo = source.get("repoURL")
            if repo not in posture.repositories:
                yield found(check, doc, f"repoURL {repo!r} is not a declared repository ({', '.join(posture.repositories)})")
            elif "chart" in source:
                yield found(check, doc, f"installs chart {source.get('chart')!r} {source.get('targetRevision')!r}: the "
                            f"stores' charts are hydrated into {root}<release>/, which Argo CD syncs")
            elif not str(source.get("path", "")).startswith(root) or ".." in str(source.get("path", "")).split("/"):
                yield found(check, doc, f"path {source.get('path')!r} is not a folder of {root}")
            elif doc.name in folders and source.get("path") != folders[doc.name]:
                yield found(check, doc, f"path {source.get('path')!r}: {doc.name} syncs {folders[doc.name]}")
            elif source.get("targetRevision") != posture.revision:
                yield found(check, doc, f"targetRevision {source.get('targetRevision')!r}: {ctx.env.name} syncs "
                            f"{posture.revision!r}")
        sync = spec.get("syncPolicy") if isinstance(spec.get("syncPolicy"), dict) else {}
        if ("automated" in sync) != posture.automated:
            yield found(check, doc, f"syncPolicy {'automated' if 'automated' in sync else 'manual'}: {ctx.env.name} "
                        f"declares sync {'automated' if posture.automated else 'manual'} (environments.yaml `sync`)")
        destination = spec.get("destination") if isinstance(spec.get("destination"), dict) else {}
        if destination.get("server") != argocd.IN_CLUSTER or destination.get("name"):
            yield found(check, doc, f"destination {destination}: only {argocd.IN_CLUSTER} is declared")
        if destination.get("namespace") not in destinations:
            yield found(check, doc, f"destination namespace {destination.get('namespace')!r} is not the environment's")
    allowed_kinds = {("", "Namespace"), ("external-secrets.io", "ClusterSecretStore")}
    for doc in ctx.of_kind("AppProject"):
        spec = doc.obj.get("spec") if isinstance(doc.obj.get("spec"), dict) else {}
        for repo in spec.get("sourceRepos") or []:
            if repo not in posture.repositories:
                yield found(check, doc, f"sourceRepos {repo!r} is not a declared repository")
        for entry in spec.get("clusterResourceWhitelist") or []:
            if not isinstance(entry, dict) or (entry.get("group"), entry.get("kind")) not in allowed_kinds:
                yield found(check, doc, f"clusterResourceWhitelist {entry}: only Namespaces and the ClusterSecretStore are declared")
        for entry in spec.get("destinations") or []:
            if not isinstance(entry, dict) or entry.get("namespace") not in destinations or entry.get("server") != argocd.IN_CLUSTER:
                yield found(check, doc, f"destination {entry} is not one of the environment's namespaces in the cluster")
        for entry in spec.get("namespaceResourceWhitelist") or []:
            if isinstance(entry, dict) and "*" in (entry.get("group"), entry.get("kind")):
                yield found(check, doc, f"namespaceResourceWhitelist {entry} admits every kind")
