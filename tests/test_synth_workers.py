"""Synthesis in worker processes (generator/render/synth.py) gives what one process gives: the
same manifests, byte for byte, with the same origins and side files, part by part, in order.
Both run in a fresh interpreter: a process that has started cdk8s's runtime never forks."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

from generator.catalog import load_catalog
from tests.conftest import PROJECT, new_project

FIXTURE = PROJECT / "tests" / "fixtures" / "catalog"

# each path's parts as JSON, the worker path first (before cdk8s is imported in this process)
SCRIPT = """
import json, sys
from pathlib import Path
from generator.catalog import load_catalog
from generator.render.select import everything
from generator.render.synth import synthesize, workers_for

catalog = load_catalog(Path(sys.argv[1]))
parts = everything(catalog).parts

def synthesized(workers):
    return [
        [str(s.part), json.dumps(s.manifests), sorted([*k, o.blueprint, o.source] for k, o in s.origins.items()),
         json.dumps(sorted(s.files.items()))]
        for s in synthesize(catalog, parts, workers=workers)
    ]

workers = synthesized(2)
single = synthesized(0)
print(json.dumps({"workers": workers, "single": single, "after_cdk8s": workers_for(len(parts))}))
"""


def test_workers_synthesize_what_one_process_does(tmp_path: Path):
    project = new_project(tmp_path)
    for path in FIXTURE.iterdir():
        shutil.copy(path, project / "blueprints" / "catalog" / path.name)
    result = subprocess.run([sys.executable, "-c", SCRIPT, str(project)], capture_output=True, text=True,
                            cwd=PROJECT, check=True)
    found = json.loads(result.stdout)
    catalog = load_catalog(project)
    assert [p[0] for p in found["workers"]] == [
        f"{env.name}/{part}" for env in catalog.environments.environments for part in catalog.parts(env.name)]
    assert {"development/shared", "development/app", "production/blue", "production/green", "production/argocd",
            *(f"production/{release}" for release in catalog.release_parts("production"))} <= {p[0] for p in found["workers"]}
    assert all(json.loads(p[1]) for p in found["workers"])  # every part has objects
    assert found["workers"] == found["single"]
    assert found["after_cdk8s"] == 0  # once this process runs a jsii runtime, it synthesizes alone
