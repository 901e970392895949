"""Every expression of a rendered PrometheusRule is PromQL that Prometheus parses: a value pasted
into an expression that ends a string early, or a hand patch's broken rule, is a finding here,
not a rule file Prometheus refuses to load (which would silence every alert of the file).
The parser is promql-parser (bindings to the Rust crate Prometheus' own grammar was ported to)."""

from __future__ import annotations

from typing import Any, Iterator

from generator.validation.policies import Context, Finding, found, rule

CHECK = "GEN-PROMQL"


def expressions(obj: dict[str, Any]) -> Iterator[tuple[str, Any]]:
    """(where, expr) of every rule of a PrometheusRule: `groups[0].rules[2].expr`."""
    spec = obj.get("spec") if isinstance(obj.get("spec"), dict) else {}
    groups = spec.get("groups")
    for g, group in enumerate(groups if isinstance(groups, list) else []):
        rules = group.get("rules") if isinstance(group, dict) else None
        for r, rule_ in enumerate(rules if isinstance(rules, list) else []):
            if isinstance(rule_, dict) and "expr" in rule_:
                yield f"spec.groups[{g}].rules[{r}].expr", rule_["expr"]


def problem(expr: Any) -> str | None:
    """What the parser says of `expr`, or None when it parses."""
    import promql_parser  # only `gen validate` of a tree with PrometheusRules pays its import

    if isinstance(expr, int) and not isinstance(expr, bool):
        expr = str(expr)
    if not isinstance(expr, str):
        return f"{type(expr).__name__}, not a PromQL expression"
    try:
        promql_parser.parse(expr)
    except ValueError as exc:
        return " ".join(str(exc).split())[:200]
    return None


@rule(CHECK, "every expression of a PrometheusRule parses as PromQL")
def _parses(ctx: Context) -> Iterator[Finding]:
    for doc in ctx.of_kind("PrometheusRule"):
        for where, expr in expressions(doc.obj):
            why = problem(expr)
            if why:
                yield found(CHECK, doc, f"{where}: not PromQL: {why}")
