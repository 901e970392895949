"""The scanners CI runs over rendered/: checkov (Kubernetes) finds nothing failing, and neither
detect-secrets nor the project's own detector finds a secret; both catch a planted one."""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path, PurePosixPath

import pytest

from generator import yamlio
from generator.catalog import load_catalog
from generator.rendered import pod_template
from generator.validation.secrets import secret_literal
from generator.validation.waivers import WAIVERS_FILE
from tests.conftest import PROJECT, strings

BIN = Path(sys.executable).parent
CATALOG = load_catalog(PROJECT)
ENVIRONMENTS = [env.name for env in CATALOG.environments.environments]
# Lines whose value is the NAME of a Secret or of a key in one (the charts' existingSecret,
# secretKeys, ...): references, which detect-secrets' keyword plugin cannot tell from values.
# Also the charts' `checksum/<file>` pod annotations (a sha256 of a rendered ConfigMap or Secret,
# not the content) and the shell scripts a chart ships in a ConfigMap (`<name>.sh: "..."`, which
# read the password from its file): the project's own detector (below) still reads every string.
SECRET_REFERENCES = (
    r"^\s*-?\s*(existingSecret|existingSecretPasswordKey|certificatesSecret|secretName|"
    r"adminPasswordKey|userPasswordKey|replicationPasswordKey|secretKey|key|property|"
    r"checksum/[\w.-]+|[\w.-]+\.sh):\s"
)
PLANTED = "Xq7-planted-N0t-a-real-0ne-4tZ9"  # made up for this test; matches nothing anywhere


def checkov(folder: Path) -> dict:
    result = subprocess.run(
        [str(BIN / "checkov"), "-d", str(folder), "--framework", "kubernetes", "--compact", "-o", "json"],
        capture_output=True, text=True,
        # offline: no guideline mappings fetched from the vendor's API
        env={**os.environ, "BC_SKIP_MAPPING": "TRUE"},
    )
    assert result.returncode in (0, 1), result.stderr
    report = json.loads(result.stdout)
    return report[0] if isinstance(report, list) else report


def detect_secrets(folder: Path) -> dict[str, list]:
    """Findings by file, relative to `folder`. Run from inside it: detect-secrets quietly skips
    files whose absolute path looks like a test's (pytest's tmp_path does)."""
    files = sorted(str(p.relative_to(folder)) for p in folder.rglob("*.yaml"))
    result = subprocess.run(
        [str(BIN / "detect-secrets"), "scan", "--exclude-lines", SECRET_REFERENCES, *files],
        capture_output=True, text=True, check=True, cwd=folder,
    )
    return json.loads(result.stdout)["results"]


@pytest.fixture(scope="module")
def checkov_report() -> dict:
    return checkov(PROJECT / "rendered")


WAIVERS = (yamlio.load((PROJECT / WAIVERS_FILE).read_text()) or {}).get("waivers") or []


def waived(env: str, workload: dict, rule: str) -> bool:
    return any(w["rule"] == rule and w["environment"] == env and w["object"] == f"{workload['kind']}/{workload['metadata']['name']}"
               for w in WAIVERS)


def chart_finding_reason(check: str, env: str, part: Path, workload: dict) -> str | None:
    """Why a checkov finding on an object of a store's chart (values cannot reach that field, and
    gen's objects carry nothing of a chart's) is accepted, verified on the objects; None: it is not."""
    pod = pod_template(workload)["spec"]
    containers = [*pod.get("initContainers", []), *pod["containers"]]
    if check == "CKV_K8S_43":  # image by digest: none recorded in the catalog yet, as for the services
        return "no digest recorded" if all("@sha256:" not in c["image"] for c in containers) else None
    if check == "CKV_K8S_38":  # the pod does not say; the ServiceAccount it runs as mounts no token
        name = pod.get("serviceAccountName") or "default"  # the namespace's own, which gen takes over (shared)
        found = [p for p in (part, part.parent / "shared") if (p / f"serviceaccount-{name}.yaml").is_file()]
        account = yamlio.load((found[0] / f"serviceaccount-{name}.yaml").read_text())
        return "its ServiceAccount mounts no token" if account["automountServiceAccountToken"] is False else None
    if check == "CKV_K8S_31":  # no pod-level seccomp in the chart's CronJob; every container sets it
        runtime = all((c.get("securityContext") or {}).get("seccompProfile") == {"type": "RuntimeDefault"} for c in containers)
        return "every container runs RuntimeDefault" if runtime else None
    if check in ("CKV_K8S_8", "CKV_K8S_9"):  # probes: a reviewed waiver of gen's GEN-PROBES finding
        return "waived (GEN-PROBES)" if waived(env, workload, "GEN-PROBES") else None
    return None


@pytest.mark.parametrize("env", ENVIRONMENTS)
def test_checkov_finds_no_failed_check(checkov_report, env):
    """Nothing fails on gen's objects; on a store's hydrated chart only what a verified reason covers."""
    releases = set(CATALOG.release_parts(env))
    failed = []
    for finding in checkov_report["results"]["failed_checks"]:
        path = PurePosixPath(finding["file_path"].lstrip("/"))
        if path.parts[0] != env:
            continue
        if path.parts[1] in releases:
            obj = yamlio.load((PROJECT / "rendered" / path).read_text())
            if chart_finding_reason(finding["check_id"], env, PROJECT / "rendered" / path.parent, obj):
                continue
        failed.append(f"{finding['check_id']} {path}")
    assert failed == []
    passed = [f for f in checkov_report["results"]["passed_checks"] if f["file_path"].startswith(f"/{env}/")]
    assert len(passed) > 1000


def test_checkov_skips_are_only_the_documented_ones(checkov_report):
    skipped = {f["check_id"] for f in checkov_report["results"]["skipped_checks"]}
    assert skipped <= {"CKV_K8S_43"}  # image digests: see blueprints/scanners.py and README
    readme = (PROJECT / "README.md").read_text()
    assert all(check in readme for check in skipped)


def test_detect_secrets_finds_nothing_in_rendered():
    assert detect_secrets(PROJECT / "rendered") == {}


def test_detect_secrets_catches_a_planted_secret(tmp_path):
    folder = tmp_path / "rendered"
    shutil.copytree(PROJECT / "rendered" / "production" / "shared", folder)
    config = folder / "configmap-production-config.yaml"
    config.write_text(config.read_text() + f'  db_password: "{PLANTED}"\n')
    results = detect_secrets(folder)
    assert list(results) == [config.name]


def test_the_projects_detector_finds_nothing_in_rendered_and_catches_planted_values():
    found = []
    for path in (PROJECT / "rendered").rglob("*.yaml"):
        for key, value in strings(yamlio.load(path.read_text())):
            why = secret_literal(key, value)
            if why:
                found.append(f"{path}: {key}: {why}")
    assert found == []
    assert secret_literal("DB_PASSWORD", PLANTED) == "a literal value for DB_PASSWORD"
    assert secret_literal("url", f"postgresql://app:{PLANTED}@postgres:5432/db") == "a URL with credentials"
    assert secret_literal("JWT_SECRET_FILE", "/var/run/secrets/therapeutic-ai/jwt/key") is None
    assert re.fullmatch(r"[\w-]+", PLANTED)
