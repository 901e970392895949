"""RBAC rules: what a Role or ClusterRole grants, and what a binding hands out.

The platform renders no Role and no binding (its ServiceAccounts mount no token); these rules
are what a hand patch that adds one must pass (GEN-KIND admits Roles and RoleBindings, never their
cluster-wide kinds). A role is dangerous when it grants `*`, the verbs that step around RBAC itself
(`escalate`, `bind`, `impersonate`), a way into a pod or to a credential (exec, attach, port-forward,
token requests), or any verb on Secrets; a binding is dangerous when it hands out Kubernetes'
built-in `cluster-admin`, `admin` or `edit`, a role of the environment that is dangerous, or
anything to a subject that is not one of the platform's ServiceAccounts (a group such as
`system:authenticated`, a user).
"""

from __future__ import annotations

from typing import Any, Iterator

from generator.rendered import Doc
from generator.validation.policies import Context, Finding, found, rule

ROLES = ("Role", "ClusterRole")
BINDINGS = ("RoleBinding", "ClusterRoleBinding")
BUILT_IN_ROLES = ("cluster-admin", "admin", "edit")  # https://kubernetes.io/docs/reference/access-authn-authz/rbac/#user-facing-roles
POWER_VERBS = ("escalate", "bind", "impersonate")
WILDCARD_FIELDS = ("verbs", "resources", "apiGroups", "resourceNames", "nonResourceURLs")


def grants(rule_: Any, field: str) -> list[str]:
    values = rule_.get(field) if isinstance(rule_, dict) else None
    return [v for v in values if isinstance(v, str)] if isinstance(values, list) else []


def wildcards(rule_: Any) -> list[str]:
    return [field for field in WILDCARD_FIELDS if "*" in grants(rule_, field)]


def power_verbs(rule_: Any) -> list[str]:
    return [verb for verb in POWER_VERBS if verb in grants(rule_, "verbs")]


# what reaches into a pod, mints credentials or reaches a node, whatever the verb
POWER_RESOURCES = ("pods/exec", "pods/attach", "pods/portforward", "pods/ephemeralcontainers", "serviceaccounts/token",
                   "nodes/proxy", "certificatesigningrequests/approval")


def touches_secrets(rule_: Any) -> bool:
    """Any verb on Secrets (a write replaces a workload's credentials; a list reads them all)."""
    return bool({"", "*"} & set(grants(rule_, "apiGroups"))) and bool({"secrets", "*"} & set(grants(rule_, "resources")))


def role_problems(doc: Doc) -> Iterator[tuple[str, str]]:
    """(rule id, message) for everything dangerous a Role or ClusterRole grants."""
    rules = doc.obj.get("rules")
    for index, rule_ in enumerate(rules if isinstance(rules, list) else []):
        wild = wildcards(rule_)
        if wild:
            yield "GEN-RBAC-WILDCARD", f"rules[{index}] grants '*' in {', '.join(wild)}"
        verbs = power_verbs(rule_)
        if verbs:
            yield "GEN-RBAC-VERBS", f"rules[{index}] grants {', '.join(verbs)}"
        reach = [r for r in grants(rule_, "resources") if r in POWER_RESOURCES]
        if reach and grants(rule_, "verbs"):
            yield "GEN-RBAC-VERBS", f"rules[{index}] grants {', '.join(grants(rule_, 'verbs'))} on {', '.join(reach)}"
        if touches_secrets(rule_) and grants(rule_, "verbs"):
            yield "GEN-RBAC-SECRETS", f"rules[{index}] grants {', '.join(grants(rule_, 'verbs'))} on Secrets" + (
                " in every namespace" if doc.kind == "ClusterRole" else "")


def roles_rule(check: str, summary: str) -> None:
    @rule(check, summary, waivable=False)
    def _check(ctx: Context) -> Iterator[Finding]:
        for doc in ctx.of_kind(*ROLES):
            yield from (found(check, doc, message) for rule_id, message in role_problems(doc) if rule_id == check)


roles_rule("GEN-RBAC-WILDCARD", "no RBAC rule grants '*' (verbs, resources, API groups or resource names)")
roles_rule("GEN-RBAC-VERBS", "no Role or ClusterRole grants escalate, bind or impersonate, or any verb on exec, "
           "attach, port-forward, ephemeral containers, token minting or node proxying")
roles_rule("GEN-RBAC-SECRETS", "no Role or ClusterRole grants any verb on Secrets (External Secrets writes them; "
           "pods mount them)")


@rule("GEN-RBAC-BINDING", "no RoleBinding or ClusterRoleBinding hands out cluster-admin, admin, edit, or a role "
      "that breaks a GEN-RBAC rule", waivable=False)
def _binding(ctx: Context) -> Iterator[Finding]:
    dangerous = {(doc.kind, doc.namespace if doc.kind == "Role" else None, doc.name)
                 for doc in ctx.of_kind(*ROLES) if any(role_problems(doc))}
    for doc in ctx.of_kind(*BINDINGS):
        ref = doc.obj.get("roleRef") if isinstance(doc.obj.get("roleRef"), dict) else {}
        kind, name = ref.get("kind"), ref.get("name")
        if kind == "ClusterRole" and name in BUILT_IN_ROLES:
            yield found("GEN-RBAC-BINDING", doc, f"roleRef ClusterRole/{name}: a built-in role with write access to "
                        f"{'everything' if name == 'cluster-admin' else 'most objects, Secrets included'}")
        elif (kind, doc.namespace if kind == "Role" else None, name) in dangerous:
            yield found("GEN-RBAC-BINDING", doc, f"roleRef {kind}/{name}: a role that breaks a GEN-RBAC rule")


@rule("GEN-RBAC-SUBJECT", "bindings name only the platform's own ServiceAccounts (the posture's), never a group, a "
      "user or a system: identity", waivable=False)
def _subject(ctx: Context) -> Iterator[Finding]:
    accounts = set(ctx.posture.service_accounts)
    for doc in ctx.of_kind(*BINDINGS):
        subjects = doc.obj.get("subjects")
        for index, subject in enumerate(subjects if isinstance(subjects, list) else []):
            subject = subject if isinstance(subject, dict) else {}
            kind, name = subject.get("kind"), subject.get("name")
            namespace = subject.get("namespace") or doc.namespace
            if kind != "ServiceAccount":
                yield found("GEN-RBAC-SUBJECT", doc, f"subjects[{index}]: {kind} {name!r}: only the platform's "
                            "ServiceAccounts may be bound")
            elif (namespace, name) not in accounts:
                yield found("GEN-RBAC-SUBJECT", doc, f"subjects[{index}]: ServiceAccount {namespace}/{name} is not one "
                            f"the platform declares")
