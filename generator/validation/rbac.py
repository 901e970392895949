"""RBAC rules: what a Role or ClusterRole grants, and what a binding hands out.

The platform renders no Role and no binding (its ServiceAccounts mount no token); these rules
are what a hand patch that adds one must pass. A role is dangerous when it grants `*`, the verbs
that step around RBAC itself (`escalate`, `bind`, `impersonate`), or, cluster-wide, reading
Secrets; a binding is dangerous when it hands out Kubernetes' built-in `cluster-admin`, `admin`
or `edit`, or a role of the environment that is dangerous.
"""

from __future__ import annotations

from typing import Any, Iterator

from generator.rendered import Doc
from generator.validation.policies import Context, Finding, found, rule

ROLES = ("Role", "ClusterRole")
BINDINGS = ("RoleBinding", "ClusterRoleBinding")
BUILT_IN_ROLES = ("cluster-admin", "admin", "edit")  # https://kubernetes.io/docs/reference/access-authn-authz/rbac/#user-facing-roles
POWER_VERBS = ("escalate", "bind", "impersonate")
READ_VERBS = ("get", "list", "watch", "*")
WILDCARD_FIELDS = ("verbs", "resources", "apiGroups", "resourceNames", "nonResourceURLs")


def grants(rule_: Any, field: str) -> list[str]:
    values = rule_.get(field) if isinstance(rule_, dict) else None
    return [v for v in values if isinstance(v, str)] if isinstance(values, list) else []


def wildcards(rule_: Any) -> list[str]:
    return [field for field in WILDCARD_FIELDS if "*" in grants(rule_, field)]


def power_verbs(rule_: Any) -> list[str]:
    return [verb for verb in POWER_VERBS if verb in grants(rule_, "verbs")]


def reads_secrets(rule_: Any) -> bool:
    return (
        bool({"", "*"} & set(grants(rule_, "apiGroups")))
        and bool({"secrets", "*"} & set(grants(rule_, "resources")))
        and bool(set(READ_VERBS) & set(grants(rule_, "verbs")))
    )


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
        if doc.kind == "ClusterRole" and reads_secrets(rule_):
            yield "GEN-RBAC-SECRETS", f"rules[{index}] reads Secrets in every namespace"


def roles_rule(check: str, summary: str) -> None:
    @rule(check, summary, waivable=False)
    def _check(ctx: Context) -> Iterator[Finding]:
        for doc in ctx.of_kind(*ROLES):
            yield from (found(check, doc, message) for rule_id, message in role_problems(doc) if rule_id == check)


roles_rule("GEN-RBAC-WILDCARD", "no RBAC rule grants '*' (verbs, resources, API groups or resource names)")
roles_rule("GEN-RBAC-VERBS", "no Role or ClusterRole grants escalate, bind or impersonate")
roles_rule("GEN-RBAC-SECRETS", "no ClusterRole reads (get, list, watch) Secrets")


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
