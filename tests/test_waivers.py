"""Reviewed exceptions (blueprints/catalog/waivers.yaml): a live waiver turns its finding into a
counted, listed "waived" one; an expired or unused waiver is a finding; a waiver of a rule no waiver
may cover, of an unknown rule or environment, or with an unquoted date is refused at its line."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from generator.catalog import load_catalog
from generator.validation.policies import NEVER_WAIVED, load_rules
from tests.hostile.harness import assert_one_line_failure, copy_project, edit, run_gen

CATALOG = load_catalog(Path(__file__).resolve().parents[1])
ENV = CATALOG.environments.environments[0]  # any environment: the quickest to render is the first
SERVICE = CATALOG.services.services[0].name
WAIVERS = "blueprints/catalog/waivers.yaml"
EMPTY = "patches: []  # kustomize refuses a Component with no fields at all"
WAIVABLE = "GEN-REPLICAS"
ALSO = "GEN-CONFIG-REPLICAS"  # the same patch: the Deployment disagrees with the scaling ConfigMap too


def replicas_patched(project: Path) -> None:
    """A hand patch that scales the first service to 0, which the catalog does not declare (the
    catalog's counts are at least 1), and renders it unvalidated: the committed tree holds it."""
    edit(project, f"overlays/{ENV.name}/patches/kustomization.yaml", EMPTY,
         f"patches:\n- target: {{kind: Deployment, name: {SERVICE}}}\n  patch: |-\n"
         f"    - op: replace\n      path: /spec/replicas\n      value: 0\n")
    assert run_gen(project, "render", ENV.name, "--no-validate").exit_code == 0


def waivers(project: Path, *entries: dict) -> None:
    (project / WAIVERS).write_text(yaml.safe_dump({"waivers": list(entries)}, sort_keys=False).replace(
        "expires: '", "expires: \"").replace("'\n", "\"\n"))


def waiver(rule: str = WAIVABLE, obj: str = f"Deployment/{SERVICE}", expires: str = "2999-12-31", **more) -> dict:
    return {"rule": rule, "environment": ENV.name, "object": obj, "reason": "load test of the new cache layer",
            "owner": "platform-team", "expires": expires, **more}


@pytest.fixture
def project(tmp_path: Path) -> Path:
    return copy_project(tmp_path)


def test_the_finding_fails_without_a_waiver(project: Path) -> None:
    replicas_patched(project)
    for result in (run_gen(project, "render", ENV.name), run_gen(project, "validate", ENV.name)):
        assert result.exit_code == 1, result.output
        assert f"Deployment/{SERVICE}: {WAIVABLE}:" in result.stdout


def test_a_live_waiver_covers_its_finding_and_says_so(project: Path) -> None:
    replicas_patched(project)
    waivers(project, waiver(), waiver(ALSO))
    rendered = run_gen(project, "render", ENV.name)
    assert rendered.exit_code == 0, rendered.output
    assert "2 waived" in rendered.stdout
    validated = run_gen(project, "validate", ENV.name)
    assert validated.exit_code == 0, validated.output
    waived = sorted(line for line in validated.stdout.splitlines() if "(waived)" in line)
    assert [line.split(": ")[2] for line in waived] == sorted([f"{ALSO} (waived)", f"{WAIVABLE} (waived)"]), waived
    assert all(f"Deployment/{SERVICE}" in line and "owner platform-team" in line and "2999-12-31" in line
               for line in waived)
    assert "2 waived (blueprints/catalog/waivers.yaml)" in validated.stdout.splitlines()[-1]


def test_one_waiver_of_two_findings_leaves_the_other_failing(project: Path) -> None:
    replicas_patched(project)
    waivers(project, waiver())
    result = run_gen(project, "validate", ENV.name)
    assert result.exit_code == 1
    assert f"Deployment/{SERVICE}: {ALSO}:" in result.stdout and "1 waived" in result.stdout


def test_a_waiver_covers_one_object_only(project: Path) -> None:
    replicas_patched(project)
    waivers(project, waiver(obj="Deployment/some-other"))
    result = run_gen(project, "validate", ENV.name)
    assert result.exit_code == 1
    assert f"Deployment/{SERVICE}: {WAIVABLE}:" in result.stdout
    assert "GEN-WAIVER" in result.stdout and "covers no finding" in result.stdout


def test_an_expired_waiver_is_a_finding_and_waives_nothing(project: Path) -> None:
    replicas_patched(project)
    waivers(project, waiver(expires="2000-01-31"))
    result = run_gen(project, "validate", ENV.name)
    assert result.exit_code == 1
    assert "GEN-WAIVER" in result.stdout and "expired on 2000-01-31" in result.stdout
    assert f"Deployment/{SERVICE}: {WAIVABLE}:" in result.stdout


def test_an_unused_waiver_is_a_finding(project: Path) -> None:
    waivers(project, waiver())
    result = run_gen(project, "validate", ENV.name)
    assert result.exit_code == 1
    assert "covers no finding: remove it" in result.stdout


@pytest.mark.parametrize("field,value,mention", [
    ("rule", sorted(NEVER_WAIVED)[0], "may never be waived"),
    ("rule", "GEN-NO-SUCH-RULE", "is not a rule gen validate runs"),
    ("environment", "nowhere", "is not an environment"),
])
def test_a_waiver_no_one_may_write_is_refused_at_its_line(project: Path, field: str, value: str, mention: str) -> None:
    waivers(project, waiver(), waiver(**{field: value}))
    result = run_gen(project, "validate", ENV.name)
    line = assert_one_line_failure(result, 2, (f"{WAIVERS}:", f"waivers[1].{field}", mention))
    text = (project / WAIVERS).read_text().splitlines()
    number = int(line.split(f"{WAIVERS}:", 1)[1].split(":", 1)[0])
    assert value in text[number - 1], (line, text)


def test_an_unquoted_date_is_refused(project: Path) -> None:
    waivers(project, waiver())
    text = (project / WAIVERS).read_text().replace('"2999-12-31"', "2999-12-31")
    (project / WAIVERS).write_text(text)
    assert_one_line_failure(run_gen(project, "validate", ENV.name), 2, (WAIVERS, "quote it"))


def test_the_never_waivable_rules_are_the_gate_on_the_platform() -> None:
    rules = load_rules()
    assert NEVER_WAIVED <= set(rules)
    for family in ("GEN-NETWORK-FLOWS", "GEN-NETWORK-POLICY", "GEN-RBAC-SUBJECT", "GEN-NAMESPACE", "GEN-KIND",
                   "GEN-ARGOCD-SOURCE", "GEN-ARGOCD-SYNC", "GEN-SECRET-MATERIAL", "GEN-SECRET-STORE", "PSS-PRIVILEGED",
                   "PSS-HOST-NAMESPACES"):
        assert family in NEVER_WAIVED, family
    assert WAIVABLE not in NEVER_WAIVED
