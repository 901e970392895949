"""Reviewed exceptions: `blueprints/catalog/waivers.yaml`, the one way around a finding.

A waiver names one rule, one environment and one object (`Kind/name`), with the reason, the owner
who answers for it and the date it expires. `gen validate` (and the render's validation) reports a
finding it covers as waived: counted, listed, not failing. A waiver is itself checked:

- at load, exit 2 at its line: an unknown rule, a rule no waiver may cover (`gen rules`, WAIVABLE
  no: the network, RBAC, namespaces, kinds, Argo CD's sources, secrets, Pod Security's hard rules),
  an environment the catalog does not have, a date that is not `YYYY-MM-DD`;
- at validation, a finding of its own (GEN-WAIVER): a waiver past its expiry date, or one that
  covers no finding any more (remove it: the exception is over).

The file is optional; without it nothing is waived."""

from __future__ import annotations

import datetime
from dataclasses import replace
from pathlib import Path
from typing import Annotated

from pydantic import Field, StringConstraints

from blueprints.model import Catalog, Strict
from generator.catalog import load_file, located
from generator.errors import CatalogError
from generator.validation.policies import NEVER_WAIVED, Finding, load_rules

WAIVERS_FILE = Path("blueprints/catalog/waivers.yaml")
CHECK = "GEN-WAIVER"
WAIVED = "waived"  # the severity of a finding a waiver covers

Text = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=1024)]


class Waiver(Strict):
    rule: str = Field(description="the rule id, as `gen rules` lists it")
    environment: str
    object: str = Field(pattern=r"^[A-Za-z][A-Za-z0-9]*/[^/\s]+$", description="`Kind/name` as the finding names it")
    reason: Annotated[str, StringConstraints(strip_whitespace=True, min_length=10, max_length=1024)] = Field(
        description="why the finding is accepted, for the reviewer")
    owner: Text = Field(description="who answers for it (a team or a person)")
    expires: datetime.date = Field(description="the last day it holds, `YYYY-MM-DD` (quoted)")


class WaiverCatalog(Strict):
    waivers: list[Waiver] = Field(default_factory=list)


def load_waivers(project: Path, catalog: Catalog) -> list[Waiver]:
    """The project's waivers, each checked against the rules and the catalog (exit 2 at its line)."""
    if not (project / WAIVERS_FILE).exists():
        return []
    waivers = load_file(project, WAIVERS_FILE, WaiverCatalog).waivers
    rules = load_rules()
    for index, waiver in enumerate(waivers):
        problem = None
        if waiver.rule not in rules:
            field, problem = "rule", f"{waiver.rule!r} is not a rule gen validate runs (see `gen rules`)"
        elif waiver.rule in NEVER_WAIVED:
            field, problem = "rule", f"{waiver.rule} may never be waived (`gen rules`: WAIVABLE no); fix the finding"
        elif waiver.environment not in {e.name for e in catalog.environments.environments}:
            field, problem = "environment", f"{waiver.environment!r} is not an environment of environments.yaml"
        if problem:
            loc = ("waivers", index, field)
            raise CatalogError(f"{located(project, WAIVERS_FILE, loc)}: waivers[{index}].{field}: {problem}")
    return waivers


def apply(waivers: list[Waiver], env: str, findings: list[Finding], today: datetime.date,
          judged: set[str] | None = None) -> list[Finding]:
    """`findings` of `env` with those a live waiver covers marked waived, and a GEN-WAIVER finding
    for each of the environment's waivers that expired or covers nothing. `judged`: the objects
    (`Kind/name`) these findings come from where that is not the whole environment (None: it is):
    a waiver of an object not judged here (a part not rendered yet) is not said to cover nothing."""
    mine = [(i, w) for i, w in enumerate(waivers) if w.environment == env]
    used: set[int] = set()
    out = []
    for finding in findings:
        match = next((i for i, w in mine if w.rule == finding.check and w.object == finding.object
                      and w.expires >= today), None)
        if match is not None and finding.severity == "error":
            used.add(match)
            waiver = waivers[match]
            finding = replace(finding, severity=WAIVED, message=f"{finding.message} [waived until {waiver.expires}, "
                              f"owner {waiver.owner}: {waiver.reason}]")
        out.append(finding)
    for index, waiver in mine:
        where = f"{WAIVERS_FILE}: waivers[{index}]"
        if waiver.expires < today:
            out.append(Finding(str(WAIVERS_FILE), f"Waiver/{index}", CHECK,
                               f"{where}: {waiver.rule} on {waiver.object} expired on {waiver.expires} "
                               f"(owner {waiver.owner}): fix the finding or renew the waiver in review"))
        elif index not in used and (judged is None or waiver.object in judged):
            out.append(Finding(str(WAIVERS_FILE), f"Waiver/{index}", CHECK,
                               f"{where}: {waiver.rule} on {waiver.object} covers no finding: remove it"))
    return sorted(out)
