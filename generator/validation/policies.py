"""Policy checks over one environment's rendered objects. Each rule has a stable id.

Pod Security Standards rules follow the `restricted` profile of Kubernetes 1.33 and the
`baseline` rules it includes (https://kubernetes.io/docs/concepts/security/pod-security-standards/);
the GEN-* rules are this project's.
"""

from __future__ import annotations

import base64
import binascii
import json
from contextlib import contextmanager
from dataclasses import dataclass
from functools import cached_property
from typing import TYPE_CHECKING, Any, Callable, Iterator

from blueprints.enums import PHI_BEARING, GpuMode, Tier
from blueprints import argocd, labels, layout
from blueprints.quantity import GPU_RESOURCE as GPU
from generator.rendered import Doc, LabelIndex, Workload, parts, workloads
from generator.rendered.objects import metadata_of
from generator.validation.secrets import SHORTEST_SECRET, secret_arguments, secret_literal, secret_value
from generator.validation.transit import plaintext_listeners, scylla_plaintext, unverified

if TYPE_CHECKING:  # `gen rules` lists the rules without importing the typed models: start-up
    from blueprints.model import Catalog, Environment
    from generator.posture.declared import Posture
    from generator.posture.flows import Admitted, Pod


@dataclass(frozen=True, order=True)
class Finding:
    file: str
    object: str
    check: str
    message: str
    severity: str = "error"  # or "warning": reported, does not fail


@dataclass(frozen=True)
class Network:
    pods: list[Pod]
    strays: list[Workload]  # rendered workloads that run no declared pod
    admitted: Admitted


@dataclass(frozen=True)
class Context:
    catalog: Catalog
    env: Environment
    docs: list[Doc]
    # namespaces the objects themselves create beside the environment's (a restore drill's scratch)
    own_namespaces: tuple[str, ...] = ()
    # the parts this run renders from the catalog; the others are as committed, perhaps from an
    # older catalog (a retire, a one-color render). None: every part is held to today's catalog.
    fresh_parts: frozenset[str] | None = None
    # what lies under rendered/ that gen renders nothing into (`unknown_entries`): judged by GEN-UNKNOWN-PART
    unknown: tuple[str, ...] = ()

    def current(self, doc: Doc) -> bool:
        """Whether `doc` is held to today's catalog value for value (its image, its replicas)."""
        return self.fresh_parts is None or doc.part.name in self.fresh_parts

    @property
    def namespaces(self) -> list[str]:
        """Where these objects may be: the environment's namespaces, and their own."""
        return [*self.env.namespaces(), *self.own_namespaces]

    @cached_property
    def workloads(self) -> list[Workload]:
        return list(workloads(self.docs))

    @cached_property
    def pods(self) -> LabelIndex:
        return LabelIndex(self.workloads)

    @cached_property
    def _by_kind(self) -> dict[str, list[tuple[int, Doc]]]:
        grouped: dict[str, list[tuple[int, Doc]]] = {}
        for position, doc in enumerate(self.docs):
            grouped.setdefault(doc.kind, []).append((position, doc))
        return grouped

    def of_kind(self, *kinds: str) -> list[Doc]:
        """The objects of these kinds, in file order (a rule about Services need not ask each of
        13,000 objects its kind). Read once per Context: nothing edits the objects meanwhile."""
        chosen = [entry for kind in dict.fromkeys(kinds) for entry in self._by_kind.get(kind, ())]
        if len(kinds) > 1:
            chosen.sort(key=lambda entry: entry[0])
        return [doc for _, doc in chosen]

    @cached_property
    def rendered_parts(self) -> frozenset[str]:
        """The parts Argo CD syncs (not an on-demand plan's)."""
        return frozenset(part.name for part in parts(self.catalog, self.env))

    @cached_property
    def whole_environment(self) -> bool:
        """Whether these objects are an environment's rendered tree (its `shared` part, where its
        NetworkPolicies live, among them), not an on-demand plan or a lone part: the rules that
        evaluate the environment's network as a whole need it."""
        return any(d.part.name == "shared" for d in self.docs)

    @cached_property
    def posture(self) -> Posture:
        """What the catalog declares this environment may run (generator/posture/declared.py)."""
        from generator.posture.declared import derive

        return derive(self.catalog, self.env)

    @cached_property
    def network(self) -> Network:
        """The NetworkPolicies of the rendered parts, evaluated over the posture's pods."""
        from generator.posture.flows import evaluate, universe

        rendered = [w for w in self.workloads if w.doc.part.name in self.rendered_parts]
        pods, strays = universe(self.posture.endpoints, rendered)
        policies = [(d.ref, d.obj) for d in self.of_kind("NetworkPolicy") if d.part.name in self.rendered_parts]
        return Network(pods, strays, evaluate(policies, pods))

    def by_ref(self, ref: str) -> Doc | None:
        kind, _, name = ref.partition("/")
        return next((d for d in self.of_kind(kind) if d.name == name), None)

    def selected(self, kind: str, selector_of: Callable[[dict], dict | None]) -> set[int]:
        """ids of the workloads that some object of `kind` selects (in its own namespace)."""
        return {id(w) for d in self.of_kind(kind) for w in self.pods.selected(d.namespace, selector_of(d.obj))}


Rule = Callable[[Context], Iterator[Finding]]
RULES: dict[str, tuple[str, Rule]] = {}
# rules no waiver may silence: the network, RBAC, namespaces, admission, Argo CD's sources, secret
# material, and the Pod Security baseline's hard rules
NEVER_WAIVED: set[str] = set()


def rule(check: str, summary: str, waivable: bool = True) -> Callable[[Rule], Rule]:
    def register(fn: Rule) -> Rule:
        RULES[check] = (summary, fn)
        if not waivable:
            NEVER_WAIVED.add(check)
        return fn

    return register


# the rule modules in the order their rules run and are listed, whichever a caller imported first
RULE_MODULES = ("policies", "exposure", "gate", "metadata", "pods", "promql", "rbac", "synced", "vault")


def load_rules() -> dict[str, tuple[str, Rule]]:
    """Every rule gen validate runs: this module's and those of the rule modules beside it,
    which register on import; ordered by RULE_MODULES, then as each module defines them (a caller
    that imported one rule module first must not reorder `gen rules`). `gen rules` and
    `run_rules` both read this one table."""
    from generator.validation import exposure, gate, metadata, pods, promql, rbac, synced, vault  # noqa: F401

    def rank(entry: tuple[int, tuple[str, tuple[str, Rule]]]) -> tuple[int, int]:
        position, (_, (_, fn)) = entry
        module = getattr(fn, "__module__", "").rsplit(".", 1)[-1]
        # a rule registered from elsewhere (a library caller's own) after gen's, as registered
        return RULE_MODULES.index(module) if module in RULE_MODULES else len(RULE_MODULES), position

    return dict(entry for _, entry in sorted(enumerate(RULES.items()), key=rank))


def rules_table() -> list[list[str]]:
    """`gen rules`: every rule's id, whether a waiver may cover it, and its summary, in the order they run."""
    return [["CHECK", "WAIVABLE", "RULE"],
            *([check, "no" if check in NEVER_WAIVED else "yes", summary] for check, (summary, _) in load_rules().items())]


# what a rule raises when an object holds a value of the wrong type (a list for a mapping, ...)
MALFORMED = (TypeError, AttributeError, ValueError, KeyError, IndexError)


def run_rules(ctx: Context, malformed: bool = False) -> list[Finding]:
    """Every rule's findings. `malformed`: the schema check has refused some of these objects
    (see not_checked)."""
    findings: list[Finding] = []
    for check, (_, fn) in load_rules().items():
        with not_checked(ctx, check, malformed, findings):
            for finding in fn(ctx):
                findings.append(finding)
    return findings


@contextmanager
def not_checked(ctx: Context, check: str, malformed: bool, findings: list[Finding]) -> Iterator[None]:
    """Where a check reads objects the schema refused (`malformed`), a value of the wrong type (a
    list for a mapping, ...) is reported as `check` not checked, and the run goes on: the SCHEMA
    findings name the file and field. Without schema findings such an error is gen's own: raised."""
    try:
        yield
    except MALFORMED as exc:
        if not malformed:
            raise
        findings.append(Finding(f"rendered/{ctx.env.name}", f"Environment/{ctx.env.name}", check,
                                f"not checked: an object the schema refuses holds a value of the wrong type "
                                f"({type(exc).__name__}: {exc}); fix the SCHEMA findings first"))


def found(check: str, doc: Doc, message: str, severity: str = "error") -> Finding:
    return Finding(doc.file, doc.ref, check, message, severity)


def per_container(ctx: Context, test: Callable[[Workload, dict[str, Any]], str | None], check: str,
                  init: bool = True, long_running_only: bool = False) -> Iterator[Finding]:
    for w in ctx.workloads:
        if long_running_only and not w.long_running:
            continue
        for c in w.containers(init=init):
            problem = test(w, c)
            if problem:
                yield found(check, w.doc, f"container {c.get('name', '?')}: {problem}")


def security(container: dict[str, Any]) -> dict[str, Any]:
    return container.get("securityContext") or {}


def pod_security(w: Workload) -> dict[str, Any]:
    return w.spec.get("securityContext") or {}


def effective(w: Workload, c: dict[str, Any], field: str) -> Any:
    """A security setting as Kubernetes applies it: the container's, else the pod's."""
    value = security(c).get(field)
    return pod_security(w).get(field) if value is None else value


# --- Pod Security Standards: baseline ---------------------------------------------------------

@rule("PSS-HOST-PROCESS", "baseline: Windows HostProcess containers are not allowed", waivable=False)
def _host_process(ctx: Context) -> Iterator[Finding]:
    def test(w: Workload, c: dict[str, Any]) -> str | None:
        host_process = (effective(w, c, "windowsOptions") or {}).get("hostProcess")
        return "windowsOptions.hostProcess must not be true" if host_process else None

    yield from per_container(ctx, test, "PSS-HOST-PROCESS")


@rule("PSS-HOST-NAMESPACES", "baseline: hostNetwork, hostPID and hostIPC must not be true", waivable=False)
def _host_namespaces(ctx: Context) -> Iterator[Finding]:
    for w in ctx.workloads:
        for field in ("hostNetwork", "hostPID", "hostIPC"):
            if w.spec.get(field):
                yield found("PSS-HOST-NAMESPACES", w.doc, f"{field} must not be true")


@rule("PSS-PRIVILEGED", "baseline: privileged containers are not allowed", waivable=False)
def _privileged(ctx: Context) -> Iterator[Finding]:
    yield from per_container(ctx, lambda w, c: "privileged must not be true" if security(c).get("privileged") else None,
                             "PSS-PRIVILEGED")


BASELINE_CAPABILITIES = {
    "AUDIT_WRITE", "CHOWN", "DAC_OVERRIDE", "FOWNER", "FSETID", "KILL", "MKNOD", "NET_BIND_SERVICE",
    "SETFCAP", "SETGID", "SETPCAP", "SETUID", "SYS_CHROOT",
}


@rule("PSS-CAPABILITIES-BASELINE", "baseline: capabilities added beyond the default set are not allowed")
def _capabilities_baseline(ctx: Context) -> Iterator[Finding]:
    def test(w: Workload, c: dict[str, Any]) -> str | None:
        added = set((security(c).get("capabilities") or {}).get("add") or []) - BASELINE_CAPABILITIES
        return f"adds capabilities {sorted(added)}" if added else None

    yield from per_container(ctx, test, "PSS-CAPABILITIES-BASELINE")


@rule("PSS-HOST-PATH", "baseline: hostPath volumes are not allowed", waivable=False)
def _host_path(ctx: Context) -> Iterator[Finding]:
    for w in ctx.workloads:
        for volume in w.spec.get("volumes") or []:
            if "hostPath" in volume:
                yield found("PSS-HOST-PATH", w.doc, f"volume {volume.get('name')} is a hostPath")


@rule("PSS-HOST-PORTS", "baseline: hostPort must be unset or 0")
def _host_ports(ctx: Context) -> Iterator[Finding]:
    def test(w: Workload, c: dict[str, Any]) -> str | None:
        ports = [p.get("hostPort") for p in c.get("ports") or [] if p.get("hostPort")]
        return f"uses hostPort {ports}" if ports else None

    yield from per_container(ctx, test, "PSS-HOST-PORTS")


@rule("PSS-APPARMOR", "baseline: AppArmor profile must be unset, RuntimeDefault or Localhost")
def _apparmor(ctx: Context) -> Iterator[Finding]:
    allowed = {None, "RuntimeDefault", "Localhost"}
    for w in ctx.workloads:
        if (pod_security(w).get("appArmorProfile") or {}).get("type") not in allowed:
            yield found("PSS-APPARMOR", w.doc, "pod appArmorProfile.type must be RuntimeDefault or Localhost")
        annotations = metadata_of(w.template).get("annotations") or {}
        for key, value in annotations.items():
            if key.startswith("container.apparmor.security.beta.kubernetes.io/") and not (
                value == "runtime/default" or value.startswith("localhost/")
            ):
                yield found("PSS-APPARMOR", w.doc, f"annotation {key}: {value!r} is not allowed")
    yield from per_container(
        ctx, lambda w, c: "appArmorProfile.type must be RuntimeDefault or Localhost"
        if (security(c).get("appArmorProfile") or {}).get("type") not in allowed else None, "PSS-APPARMOR")


@rule("PSS-SELINUX", "baseline: SELinux type limited to container types; user and role unset")
def _selinux(ctx: Context) -> Iterator[Finding]:
    types = {None, "", "container_t", "container_init_t", "container_kvm_t", "container_engine_t"}

    def bad(options: dict[str, Any] | None) -> str | None:
        options = options or {}
        if options.get("type") not in types:
            return f"seLinuxOptions.type {options.get('type')!r} is not allowed"
        if options.get("user") or options.get("role"):
            return "seLinuxOptions.user and role must be unset"
        return None

    for w in ctx.workloads:
        problem = bad(pod_security(w).get("seLinuxOptions"))
        if problem:
            yield found("PSS-SELINUX", w.doc, f"pod {problem}")
    yield from per_container(ctx, lambda w, c: bad(security(c).get("seLinuxOptions")), "PSS-SELINUX")


@rule("PSS-PROC-MOUNT", "baseline: procMount must be unset or Default")
def _proc_mount(ctx: Context) -> Iterator[Finding]:
    yield from per_container(
        ctx, lambda w, c: f"procMount {security(c).get('procMount')!r} is not allowed"
        if security(c).get("procMount") not in (None, "Default") else None, "PSS-PROC-MOUNT")


SAFE_SYSCTLS = {
    "kernel.shm_rmid_forced", "net.ipv4.ip_local_port_range", "net.ipv4.ip_unprivileged_port_start",
    "net.ipv4.tcp_syncookies", "net.ipv4.ping_group_range", "net.ipv4.ip_local_reserved_ports",
    "net.ipv4.tcp_keepalive_time", "net.ipv4.tcp_fin_timeout", "net.ipv4.tcp_keepalive_intvl",
    "net.ipv4.tcp_keepalive_probes",
}


@rule("PSS-SYSCTLS", "baseline: only the safe sysctls are allowed")
def _sysctls(ctx: Context) -> Iterator[Finding]:
    for w in ctx.workloads:
        unsafe = sorted(s.get("name") for s in pod_security(w).get("sysctls") or [] if s.get("name") not in SAFE_SYSCTLS)
        if unsafe:
            yield found("PSS-SYSCTLS", w.doc, f"unsafe sysctls {unsafe}")


# --- Pod Security Standards: restricted -------------------------------------------------------

ALLOWED_VOLUMES = {"configMap", "csi", "downwardAPI", "emptyDir", "ephemeral", "persistentVolumeClaim", "projected", "secret"}


@rule("PSS-VOLUME-TYPES", "restricted: only configMap, csi, downwardAPI, emptyDir, ephemeral, persistentVolumeClaim, projected and secret volumes")
def _volume_types(ctx: Context) -> Iterator[Finding]:
    for w in ctx.workloads:
        for volume in w.spec.get("volumes") or []:
            kinds = set(volume) - {"name"}
            if not kinds <= ALLOWED_VOLUMES:
                yield found("PSS-VOLUME-TYPES", w.doc, f"volume {volume.get('name')} is of type {sorted(kinds - ALLOWED_VOLUMES)}")


@rule("PSS-PRIVILEGE-ESCALATION", "restricted: allowPrivilegeEscalation must be false")
def _privilege_escalation(ctx: Context) -> Iterator[Finding]:
    yield from per_container(
        ctx, lambda w, c: "allowPrivilegeEscalation must be false"
        if security(c).get("allowPrivilegeEscalation") is not False else None, "PSS-PRIVILEGE-ESCALATION")


@rule("PSS-RUN-AS-NON-ROOT", "restricted: runAsNonRoot must be true (pod, or every container)")
def _run_as_non_root(ctx: Context) -> Iterator[Finding]:
    yield from per_container(
        ctx, lambda w, c: "runAsNonRoot must be true" if effective(w, c, "runAsNonRoot") is not True else None,
        "PSS-RUN-AS-NON-ROOT")


@rule("PSS-RUN-AS-USER", "restricted: runAsUser must not be 0")
def _run_as_user(ctx: Context) -> Iterator[Finding]:
    for w in ctx.workloads:
        if pod_security(w).get("runAsUser") == 0:
            yield found("PSS-RUN-AS-USER", w.doc, "pod runAsUser must not be 0")
    yield from per_container(ctx, lambda w, c: "runAsUser must not be 0" if security(c).get("runAsUser") == 0 else None,
                             "PSS-RUN-AS-USER")


@rule("PSS-SECCOMP", "restricted: seccompProfile.type must be RuntimeDefault or Localhost (pod, or every container)")
def _seccomp(ctx: Context) -> Iterator[Finding]:
    def test(w: Workload, c: dict[str, Any]) -> str | None:
        kind = (effective(w, c, "seccompProfile") or {}).get("type")
        return None if kind in ("RuntimeDefault", "Localhost") else f"seccompProfile.type is {kind!r}"

    yield from per_container(ctx, test, "PSS-SECCOMP")


@rule("PSS-CAPABILITIES", "restricted: drop ALL capabilities, add at most NET_BIND_SERVICE")
def _capabilities(ctx: Context) -> Iterator[Finding]:
    def test(w: Workload, c: dict[str, Any]) -> str | None:
        caps = security(c).get("capabilities") or {}
        if "ALL" not in (caps.get("drop") or []):
            return "must drop ALL capabilities"
        extra = set(caps.get("add") or []) - {"NET_BIND_SERVICE"}
        return f"may add only NET_BIND_SERVICE, adds {sorted(extra)}" if extra else None

    yield from per_container(ctx, test, "PSS-CAPABILITIES")


# --- the project's rules ----------------------------------------------------------------------

@rule("GEN-PROBES", "long-running containers have readiness and liveness probes")
def _probes(ctx: Context) -> Iterator[Finding]:
    def test(w: Workload, c: dict[str, Any]) -> str | None:
        missing = [p for p in ("readinessProbe", "livenessProbe") if not c.get(p)]
        return f"has no {' and no '.join(missing)}" if missing else None

    yield from per_container(ctx, test, "GEN-PROBES", init=False, long_running_only=True)


@rule("GEN-RESOURCES", "every container requests and limits CPU and memory")
def _resources(ctx: Context) -> Iterator[Finding]:
    def test(w: Workload, c: dict[str, Any]) -> str | None:
        resources = c.get("resources") or {}
        missing = [f"{kind}.{res}" for kind in ("requests", "limits") for res in ("cpu", "memory")
                   if res not in (resources.get(kind) or {})]
        return f"no resources {', '.join(missing)}" if missing else None

    yield from per_container(ctx, test, "GEN-RESOURCES")


@rule("GEN-UID", "containers run as UID and GID >= 10000")
def _uid(ctx: Context) -> Iterator[Finding]:
    def test(w: Workload, c: dict[str, Any]) -> str | None:
        for field in ("runAsUser", "runAsGroup"):
            value = effective(w, c, field)
            if not isinstance(value, int) or value < 10000:
                return f"{field} is {value!r}, must be >= 10000"
        return None

    yield from per_container(ctx, test, "GEN-UID")


@rule("GEN-READONLY-ROOT", "containers have a read-only root filesystem")
def _readonly_root(ctx: Context) -> Iterator[Finding]:
    yield from per_container(
        ctx, lambda w, c: "readOnlyRootFilesystem must be true" if security(c).get("readOnlyRootFilesystem") is not True else None,
        "GEN-READONLY-ROOT")


@rule("GEN-IMAGE-TAG", "images have an explicit tag (or digest) that is not latest")
def _image_tag(ctx: Context) -> Iterator[Finding]:
    def test(w: Workload, c: dict[str, Any]) -> str | None:
        image = c.get("image") or ""
        if "@sha256:" in image:
            return None
        last = image.rsplit("/", 1)[-1]
        if ":" not in last:
            return f"image {image!r} has no tag"
        if last.rsplit(":", 1)[1] == "latest":
            return f"image {image!r} uses latest"
        return None

    yield from per_container(ctx, test, "GEN-IMAGE-TAG")


@rule("GEN-SECRET-DATA", "no Secret with data or stringData in rendered/", waivable=False)
def _secret_data(ctx: Context) -> Iterator[Finding]:
    for doc in ctx.of_kind("Secret"):
        if doc.obj.get("data") or doc.obj.get("stringData"):
            yield found("GEN-SECRET-DATA", doc, "a Secret carries values in git; reference them (External Secrets) instead")


@rule("GEN-SECRET-LITERAL", "no secret-looking literal in env values, container arguments or ConfigMap data",
      waivable=False)
def _secret_literal(ctx: Context) -> Iterator[Finding]:
    for w in ctx.workloads:
        for c in w.containers():
            for var in c.get("env") or []:
                why = secret_literal(var.get("name"), var.get("value"))
                if why:
                    yield found("GEN-SECRET-LITERAL", w.doc, f"container {c.get('name')}: env {var.get('name')} holds {why}")
            for field in ("command", "args"):
                why = secret_arguments(c.get(field))
                if why:
                    yield found("GEN-SECRET-LITERAL", w.doc, f"container {c.get('name')}: {field}: {why}")
    for doc in ctx.of_kind("ConfigMap"):
        for key, value in (doc.obj.get("data") or {}).items():
            why = secret_literal(key, value)
            if why:
                yield found("GEN-SECRET-LITERAL", doc, f"data.{key} holds {why}")


def strings(node: Any, path: str = "") -> list[tuple[str, str]]:
    """Every string in an object (keys of mappings included), with where it is, in document order."""
    found: list[tuple[str, str]] = []
    _collect(node, path, found)
    return found


def _collect(node: Any, path: str, found: list[tuple[str, str]]) -> None:
    # a plain recursion into one list: nested generators cost 5x more on a tree of 1,000 objects
    if isinstance(node, str):
        found.append((path, node))
    elif isinstance(node, dict):
        for key, value in node.items():
            where = f"{path}.{key}" if path else str(key)
            if isinstance(key, str):
                found.append((where, key))
            if isinstance(value, str):
                found.append((where, value))
            elif isinstance(value, (dict, list)):
                _collect(value, where, found)
    elif isinstance(node, list):
        for index, value in enumerate(node):
            if isinstance(value, str):
                found.append((f"{path}[{index}]", value))
            elif isinstance(value, (dict, list)):
                _collect(value, f"{path}[{index}]", found)


def texts(node: Any, found: set[str]) -> set[str]:
    """Every string in an object (keys included), without where: what a check reads before it
    needs to say where (strings() builds a path per string, 4x the cost)."""
    if isinstance(node, str):
        found.add(node)
    elif isinstance(node, dict):
        for key, value in node.items():
            if isinstance(key, str):
                found.add(key)
            texts(value, found)
    elif isinstance(node, list):
        for value in node:
            texts(value, found)
    return found


def decoded(value: Any) -> str:
    try:
        return base64.b64decode(value, validate=True).decode("utf-8", "replace") if isinstance(value, str) else ""
    except (ValueError, binascii.Error):
        return ""


@rule("GEN-SECRET-MATERIAL", "no credential anywhere in any object: annotations, arguments, env, ConfigMap data "
      "and binaryData (decoded), Argo CD values (private keys, cloud, GitHub, Slack, Stripe keys, JWTs, URLs with "
      "passwords, inline password=...)", waivable=False)
def _secret_material(ctx: Context) -> Iterator[Finding]:
    verdicts: dict[str, str | None] = {}  # the same strings recur on every object (labels, images)

    def verdict(value: str) -> str | None:
        if len(value) < SHORTEST_SECRET:
            return None
        return verdicts[value] if value in verdicts else verdicts.setdefault(value, secret_value(value))

    for doc in ctx.docs:
        if doc.kind == "Secret":
            continue  # GEN-SECRET-DATA refuses a Secret with values, whatever they look like
        places: list[tuple[str, str]] = []
        if any(verdict(value) for value in texts(doc.obj, set())):  # where, only where there is something
            places = strings(doc.obj)
        if doc.kind == "ConfigMap" and isinstance(doc.obj.get("binaryData"), dict):
            places += [(f"binaryData.{key} (decoded)", decoded(value)) for key, value in doc.obj["binaryData"].items()]
        for where, value in places:
            why = verdict(value)
            if why:
                yield found("GEN-SECRET-MATERIAL", doc, f"{where} holds {why}")


@rule("GEN-SECRET-REF", "no Secret's value reaches an environment variable (secretKeyRef, envFrom secretRef): "
      "the catalog declares none; pods mount their credentials as files", waivable=False)
def _secret_ref(ctx: Context) -> Iterator[Finding]:
    for w in ctx.workloads:
        for c in w.containers():
            for var in c.get("env") or []:
                ref = ((var.get("valueFrom") or {}) if isinstance(var, dict) else {}).get("secretKeyRef")
                if ref:
                    yield found("GEN-SECRET-REF", w.doc, f"container {c.get('name')}: env {var.get('name')} reads "
                                f"Secret {ref.get('name')!r} key {ref.get('key')!r}")
            for source in c.get("envFrom") or []:
                if isinstance(source, dict) and source.get("secretRef"):
                    yield found("GEN-SECRET-REF", w.doc, f"container {c.get('name')}: envFrom Secret "
                                f"{source['secretRef'].get('name')!r}")


def gpu_amount(c: dict[str, Any]) -> int:
    resources = c.get("resources") or {}
    return max(int((resources.get(kind) or {}).get(GPU, 0)) for kind in ("requests", "limits"))


@rule("GEN-GPU", "GPU hosts have a GPU limit, the GPU toleration and a GPU node selector; nothing else requests a GPU")
def _gpu(ctx: Context) -> Iterator[Finding]:
    gpu_hosts = {s.name for s in ctx.catalog.services.by_tier(Tier.GPU_HOST)}
    nodes = ctx.env.cluster.gpu_nodes
    for w in ctx.workloads:
        wants = sum(gpu_amount(c) for c in w.containers())
        host = w.labels.get(labels.NAME) in gpu_hosts
        if not (host and ctx.env.gpu_hosts is GpuMode.GPU):
            if wants:
                why = "is not a GPU host" if not host else f"runs in {ctx.env.gpu_hosts.value} mode in {ctx.env.name}"
                yield found("GEN-GPU", w.doc, f"requests {GPU} but {why}")
            continue
        if w.replicas == 0:
            continue
        assert nodes is not None
        if not wants:
            yield found("GEN-GPU", w.doc, f"GPU host without a {GPU} limit")
        tolerations = w.spec.get("tolerations") or []
        if not any(t.get("key") == nodes.taint_key and t.get("effect") in (None, "", "NoSchedule")
                   and (t.get("operator") == "Exists" or t.get("operator") in (None, "Equal")) for t in tolerations):
            yield found("GEN-GPU", w.doc, f"GPU host without a toleration of the {nodes.taint_key} NoSchedule taint")
        selector = w.spec.get("nodeSelector") or {}
        if any(selector.get(k) != v for k, v in nodes.node_selector.items()):
            yield found("GEN-GPU", w.doc, f"GPU host without the GPU node selector {nodes.node_selector}")


@rule("GEN-SERVICE-SELECTOR", "every Service selects the pods of some workload of the same environment")
def _service_selector(ctx: Context) -> Iterator[Finding]:
    for doc in ctx.of_kind("Service"):
        selector = (doc.obj.get("spec") or {}).get("selector")
        if not selector:
            continue  # a Service without selector has its endpoints managed by hand
        if not ctx.pods.selected(doc.namespace, {"matchLabels": selector}):
            yield found("GEN-SERVICE-SELECTOR", doc, f"selector {selector} matches no pod template rendered for {ctx.env.name}")


@rule("GEN-PDB", "workloads with 2 or more replicas have a PodDisruptionBudget that selects them")
def _pdb(ctx: Context) -> Iterator[Finding]:
    covered = ctx.selected("PodDisruptionBudget", lambda o: (o.get("spec") or {}).get("selector"))
    for w in ctx.workloads:
        if w.doc.kind not in ("Deployment", "StatefulSet") or w.replicas < 2:
            continue
        if id(w) not in covered:
            yield found("GEN-PDB", w.doc, f"{w.replicas} replicas and no PodDisruptionBudget selects them")


@rule("GEN-ARGOCD-PROJECT", "Argo CD objects stay in the platform's projects: the root Application (syncing "
      "rendered/<env>/argocd) in the delivery project, every other Application in the platform's, no other AppProject", waivable=False)
def _argocd_project(ctx: Context) -> Iterator[Finding]:
    projects = (argocd.PROJECT, argocd.DELIVERY_PROJECT)
    root = str(layout.rendered_dir(ctx.env.name, "argocd"))
    for doc in ctx.of_kind("AppProject", "Application"):
        if doc.kind == "AppProject" and doc.name not in projects:
            yield found("GEN-ARGOCD-PROJECT", doc, f"AppProject {doc.name!r} is not one of {', '.join(projects)}")
        if doc.kind != "Application":
            continue
        spec = doc.obj.get("spec") or {}
        expected = argocd.DELIVERY_PROJECT if (spec.get("source") or {}).get("path") == root else argocd.PROJECT
        if spec.get("project") != expected:
            yield found("GEN-ARGOCD-PROJECT", doc, f"project {spec.get('project')!r}: it must be {expected!r}")


@rule("GEN-TLS-VERIFY", "in environments carrying PHI, no client setting or database URL that skips verifying the "
      "server (sslmode below verify-ca, tls=false, redis://) and no store server (its rendered pod, a ScyllaCluster's "
      "scylla.yaml) accepting plaintext")
def _tls_verify(ctx: Context) -> Iterator[Finding]:
    if ctx.env.data_class not in PHI_BEARING:
        return
    check = "GEN-TLS-VERIFY"
    for w in ctx.workloads:
        for c in w.containers():
            for var in c.get("env") or []:
                why = unverified(var.get("name"), var.get("value"))
                if why:
                    yield found(check, w.doc, f"container {c.get('name')}: env {var.get('name')}: {why}")
    config_maps = {(d.namespace, d.name): d.obj.get("data") or {} for d in ctx.of_kind("ConfigMap")}
    for doc in ctx.of_kind("ConfigMap", "ExternalSecret"):
        if doc.kind == "ConfigMap":
            settings = doc.obj.get("data") or {}
        else:
            settings = (((doc.obj.get("spec") or {}).get("target") or {}).get("template") or {}).get("data") or {}
        for key, value in settings.items():
            why = unverified(key, value)
            if why:
                yield found(check, doc, f"{key}: {why}")
    for w in ctx.workloads:
        mine = {name: data for (namespace, name), data in config_maps.items() if namespace == w.doc.namespace}
        for container, why in plaintext_listeners(w.spec, mine):
            yield found(check, w.doc, f"container {container}: {why}")
    for doc in ctx.of_kind("ScyllaCluster"):
        mine = {name: data for (namespace, name), data in config_maps.items() if namespace == doc.namespace}
        for rack, why in scylla_plaintext(doc.obj, mine):
            yield found(check, doc, f"rack {rack}: {why}")
