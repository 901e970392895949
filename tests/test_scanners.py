"""The scanners CI runs over rendered/: checkov (Kubernetes) finds nothing failing, and neither
detect-secrets nor the project's own detector finds a secret; both catch a planted one."""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from generator import yamlio
from generator.validation.secrets import secret_literal
from tests.conftest import PROJECT, strings

BIN = Path(sys.executable).parent
ENVIRONMENTS = ["local", "development", "staging", "production"]
# Lines whose value is the NAME of a Secret or of a key in one (the charts' existingSecret,
# secretKeys, ...): references, which detect-secrets' keyword plugin cannot tell from values.
SECRET_REFERENCES = (
    r"^\s*-?\s*(existingSecret|existingSecretPasswordKey|certificatesSecret|secretName|"
    r"adminPasswordKey|userPasswordKey|replicationPasswordKey|secretKey|key|property):\s"
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


@pytest.mark.parametrize("env", ENVIRONMENTS)
def test_checkov_finds_no_failed_check(checkov_report, env):
    failed = [f"{f['check_id']} {f['file_path']}" for f in checkov_report["results"]["failed_checks"]
              if f["file_path"].startswith(f"/{env}/")]
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
