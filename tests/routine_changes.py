"""The platform team's routine catalog changes (issue 24), each made as the README says: edits of
`blueprints/catalog/` (and, for a deliberate change of a seed figure, its deviation entry in
tests/seed.py), then `gen render --all`. tests/test_routine_changes.py and .ci/routine-changes
make each in a copy of the project and prove the checks and the suite still pass."""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

from generator.vendor.lock import read as read_lock
from tests.conftest import set_service_field

COPIED = ("blueprints", "charts", "generator", "schemas", "overlays", "rendered", "tests", "pyproject.toml", ".gitattributes")
SERVICES = Path("blueprints/catalog/services.yaml")
ENVIRONMENTS = Path("blueprints/catalog/environments.yaml")
DATABASES = Path("blueprints/catalog/databases.yaml")
SEED = Path("tests/seed.py")

NOTIFICATIONS = """\
  - name: notifications
    tier: go
    port: {port}
    replicas: 2
    role: patient and clinician notifications
    calls: [auth-rbac]
    databases: [postgres]
    secrets: [database]
"""


def copy_project(source: Path, copy: Path) -> Path:
    """What a change touches and the checks read, copied from `source` (caches and scratch left out)."""
    for name in COPIED:
        if (source / name).is_dir():
            shutil.copytree(source / name, copy / name, ignore=shutil.ignore_patterns("__pycache__", ".gen-tmp-*"))
        elif (source / name).exists():
            shutil.copy2(source / name, copy / name)
    return copy


def edit(project: Path, relative: Path, old: str, new: str) -> None:
    path = project / relative
    text = path.read_text()
    assert text.count(old) == 1, f"{old!r} is not once in {relative}"
    path.write_text(text.replace(old, new))


def billing_production_replicas(project: Path) -> None:
    """Production replicas of billing 2 -> 4, and the one-line deviation entry of the seed's figure."""
    set_service_field(project, "billing", "replicas", "4")
    edit(project, SEED, "DEVIATIONS: dict[tuple[str, str], tuple[object, str]] = {\n",
         "DEVIATIONS: dict[tuple[str, str], tuple[object, str]] = {\n"
         '    ("billing", "replicas"): (4, "invoice runs at month end need 4 in production"),\n')


def notifications_service(project: Path) -> None:
    """A 21st service, `notifications` (Go, calls auth-rbac, uses postgres), on the next free port."""
    text = (project / SERVICES).read_text()
    ports = {int(p) for p in re.findall(r"^    port: (\d+)$", text, flags=re.MULTILINE)}
    port = next(p for p in range(8080, 9000) if p not in ports)
    last_go = list(re.finditer(r"  - name: [a-z-]+\n    tier: go\n(?:    .*\n)*", text))[-1]
    edit(project, SERVICES, last_go.group(0), last_go.group(0) + NOTIFICATIONS.format(port=port))


def qa_environment(project: Path) -> None:
    """A fifth environment `qa`: staging's profile, smaller, before production."""
    text = (project / ENVIRONMENTS).read_text()
    staging = re.search(r"  - name: staging\n(?:(?:    .*)?\n)*?(?=  - name: )", text).group(0)
    qa = (staging.replace("name: staging", "name: qa")
          .replace("-staging", "-qa").replace(".staging.", ".qa.")
          .replace("replicas: {max: 2}", "replicas: {max: 1}")
          .replace("workers: 3\n      cpu: 16\n      memory: 64Gi", "workers: 3\n      cpu: 12\n      memory: 48Gi"))
    assert qa.count("qa") > 5, qa
    edit(project, ENVIRONMENTS, staging, staging + qa)


def postgresql_chart_bump(project: Path) -> None:
    """PostgreSQL's chart to its next patch version, as the README's recipe says: the pulled chart
    brought in with `gen chart import --record`, its version in databases.yaml, the key lists
    rewritten. Offline, the "pulled" chart is the vendored one under the next version number (a
    patch release whose templates did not change)."""
    text = (project / DATABASES).read_text()
    block = re.search(r"^  postgresql:\n(?:    .*\n)+", text, flags=re.MULTILINE).group(0)
    old = re.search(r"^    version: (\S+)$", block, flags=re.MULTILINE).group(1)
    major, minor, patch = old.split(".")
    new = f"{major}.{minor}.{int(patch) + 1}"
    source = read_lock(project).charts["postgresql"].source  # where the new version is published too
    with tempfile.TemporaryDirectory(prefix="pulled-") as pulled:
        chart = Path(pulled) / "postgresql"
        shutil.copytree(project / "charts" / f"postgresql-{old}", chart)
        edit(chart, Path("Chart.yaml"), f"\nversion: {old}\n", f"\nversion: {new}\n")
        subprocess.run([sys.executable, "-m", "generator", "--project", str(project), "chart", "import", "postgresql",
                        str(chart), "--record", "--source-url", source], check=True, capture_output=True)
    edit(project, DATABASES, block, block.replace(f"    version: {old}\n", f"    version: {new}\n"))
    subprocess.run([sys.executable, "-m", "generator.vendor.keys"], cwd=project, check=True, capture_output=True)


CHANGES = {
    "billing-replicas": billing_production_replicas,
    "notifications-service": notifications_service,
    "qa-environment": qa_environment,
    "postgresql-chart-bump": postgresql_chart_bump,
}
