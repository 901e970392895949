"""GEN-PROMQL's parse (generator/validation/promql.py): a long chain of plain `or`s is parsed
operand by operand; that verdict is the whole expression's verdict, and a broken operand anywhere
in the chain is still found."""

from __future__ import annotations

import pytest

from generator.validation.promql import SPLIT_AT, or_operands, problem

# (expression, parses): chains with every kind of operand the whole parse would refuse or accept
CASES = [
    ('absent(up{job="a"}) or absent(up{job="b"})', True),
    ('absent(up{job="a"}) or on(job) absent(up{job="b"})', True),
    ('a or ignoring(x) b', True),
    ("sum(rate(x[5m])) or vector(0)", True),
    ('foo{l="or"} or bar', True),
    ("error_total or order_x", True),
    ("a OR b", True),
    ("(a or b) or c", True),
    ("a or b # a comment", True),
    ("a or b and c", True),
    ("a or b > bool 1", True),
    ("a or b offset 5m", True),
    ("1 or absent(x)", False),
    ("count(a) or 5", False),
    ("x[5m] or y", False),
    ("a or b[5m:1m]", False),
    ('a or "str"', False),
    ("a or", False),
    ("a or or b", False),
    ("a or bool b", False),
    ('absent(up{job="a\\"}) or absent(x)', False),
    ('5.."} or vector(1) # ', False),
]


@pytest.mark.parametrize("expr,parses", CASES, ids=[c[0] for c in CASES])
def test_operand_by_operand_says_what_the_whole_parse_says(expr: str, parses: bool) -> None:
    whole, split = problem(expr, split_at=10**9), problem(expr, split_at=0)
    assert (whole is None) == parses, whole
    assert (split is None) == parses, (split, or_operands(expr))


def test_a_long_chain_is_split_and_a_broken_operand_anywhere_is_found() -> None:
    terms = [f'absent(up{{namespace="ns",job="svc-{n:04d}"}})' for n in range(SPLIT_AT * 8)]
    chain = " or ".join(terms)
    assert len(or_operands(chain)) == len(terms) > SPLIT_AT
    assert problem(chain) is None
    for broken in (0, len(terms) // 2, len(terms) - 1):
        bad = list(terms)
        bad[broken] = bad[broken].replace('"}', '"')  # an unclosed matcher in one term
        assert problem(" or ".join(bad)) is not None, broken
