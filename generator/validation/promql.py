"""Every expression of a rendered PrometheusRule is PromQL that Prometheus parses: a value pasted
into an expression that ends a string early, or a hand patch's broken rule, is a finding here,
not a rule file Prometheus refuses to load (which would silence every alert of the file).
The parser is promql-parser (bindings to the Rust crate Prometheus' own grammar was ported to).

A long chain of plain `or`s (ScrapeJobMissing's `absent(up{job="a"}) or absent(...)`, one term per
service) is parsed operand by operand, each as `(operand) or vector(1)`: the chain parses exactly
when every operand is an instant vector that parses, and the parser's cost on one deep chain is
not linear (1,000 terms, 57 KB: 0.54 s and 396 MiB, against ~0.01 s operand by operand)."""

from __future__ import annotations

import re
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


SPLIT_AT = 16  # an `or` chain of more operands than this is parsed operand by operand
NAME_CHARS = re.compile(r"[A-Za-z0-9_:]")  # what continues an identifier: `error`, `or_x` hold no `or`
MATCHING = re.compile(r"\s*(on|ignoring)\s*\(", re.IGNORECASE)  # `or on(job)`: a chain not to split


def or_operands(expr: str) -> list[str] | None:
    """The operands of `expr` where it is, at the top level (outside strings, comments, (), [] and
    {}), a chain of plain `or`s; None where it is not one, or where a quote, bracket, comment or
    vector matching makes splitting it unsafe (the whole is then parsed as it is)."""
    operands, depth, start, quote, i = [], 0, 0, None, 0
    while i < len(expr):
        ch = expr[i]
        if quote:
            if ch == "\\" and quote != "`":
                i += 1
            elif ch == quote:
                quote = None
        elif ch in "\"'`":
            quote = ch
        elif ch in "([{":
            depth += 1
        elif ch in ")]}":
            depth -= 1
        elif ch == "#":
            return None
        elif depth == 0 and expr[i:i + 2].lower() == "or" and not (i and NAME_CHARS.match(expr[i - 1])) \
                and not NAME_CHARS.match(expr[i + 2:i + 3]):
            if MATCHING.match(expr, i + 2):
                return None
            operands.append(expr[start:i])
            start = i + 2
            i += 1
        i += 1
    if quote or depth:
        return None
    return [*operands, expr[start:]]


def problem(expr: Any, split_at: int = SPLIT_AT) -> str | None:
    """What the parser says of `expr`, or None when it parses."""
    import promql_parser  # only `gen validate` of a tree with PrometheusRules pays its import

    if isinstance(expr, int) and not isinstance(expr, bool):
        expr = str(expr)
    if not isinstance(expr, str):
        return f"{type(expr).__name__}, not a PromQL expression"
    operands = or_operands(expr)
    pieces = [f"({operand}) or vector(1)" for operand in operands] if operands and len(operands) > split_at else [expr]
    for piece in pieces:
        try:
            promql_parser.parse(piece)
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
