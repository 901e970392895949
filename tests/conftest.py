"""Shared fixtures: the real project, a fresh in-memory render of it, scratch copies."""

from __future__ import annotations

import os
import re
import shutil
import tempfile
from collections.abc import Iterator
from functools import cache
from pathlib import Path, PurePosixPath

import pytest
from click.testing import CliRunner

from generator import arguments
from generator.catalog import load_catalog
from generator.cli import cli
from generator.render import Plan, RenderOptions, everything, plan, render
from generator.rendered import Doc, Part

PROJECT = Path(__file__).resolve().parents[1]
MEMORY = Path("/dev/shm")  # a tmpfs on Linux


def pytest_configure(config: pytest.Config) -> None:
    """The tests' scratch projects in memory, where the machine has a tmpfs and no --basetemp was
    given: they copy and render whole projects, and on a virtual disk each file opened costs about
    0.15 ms (the crash-consistency tests spent 4 minutes on it, 1 in memory). A folder of this run
    alone (parallel runs do not share it), removed when the run ends."""
    if config.option.basetemp or hasattr(config, "workerinput"):
        return
    if MEMORY.is_dir() and os.access(MEMORY, os.W_OK):
        sweep_abandoned(MEMORY)
        config.option.basetemp = tempfile.mkdtemp(prefix=f"{SCRATCH}{os.getpid()}-", dir=MEMORY)
        config.add_cleanup(lambda: shutil.rmtree(config.option.basetemp, ignore_errors=True))


SCRATCH = "gen-tests-"


def sweep_abandoned(memory: Path) -> None:
    """Remove the scratch folders of runs that were killed before their cleanup (their pid is gone):
    memory is what a tmpfs holds, and a few killed runs would otherwise starve the machine."""
    for folder in memory.glob(f"{SCRATCH}*-*"):
        pid = folder.name[len(SCRATCH):].split("-", 1)[0]
        if pid.isdigit() and not Path("/proc", pid).exists():
            shutil.rmtree(folder, ignore_errors=True)


@pytest.fixture
def tmp_path(tmp_path: Path) -> Iterator[Path]:
    """pytest's tmp_path, removed when its test ends: the scratch projects are in memory, and a run
    keeps every test's folder until it ends (several GB over the suite)."""
    yield tmp_path
    shutil.rmtree(tmp_path, ignore_errors=True)


@pytest.fixture(scope="session", autouse=True)
def parse_cache(tmp_path_factory) -> Path:
    """The tests' parse cache (generator/rendered/cache.py), in a folder of their own, not the user's."""
    folder = tmp_path_factory.mktemp("parse-cache")
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("GEN_CACHE", str(folder))
        yield folder


@pytest.fixture(scope="session")
def fresh() -> Plan:
    """Every environment rendered now, in memory, from the committed catalog and blueprints."""
    catalog = load_catalog(PROJECT)
    return plan(PROJECT, catalog, everything(catalog))


@pytest.fixture(scope="session")
def objects(fresh: Plan) -> dict[PurePosixPath, dict]:
    """The rendered objects of the fresh render, by file path (Helm values files are not objects)."""
    return dict(fresh.objects)


def part_objects(objects: dict[PurePosixPath, dict], env: str, part: str) -> list[dict]:
    folder = PurePosixPath("rendered", env, part)
    return [obj for path, obj in objects.items() if path.parent == folder]


def find(objs: list[dict], kind: str, name: str) -> dict:
    matches = [o for o in objs if o["kind"] == kind and o["metadata"]["name"] == name]
    assert len(matches) == 1, f"{kind}/{name}: {len(matches)} objects"
    return matches[0]


def new_project(root: Path) -> Path:
    """A project holding copies of the real catalog, vendored charts and custom-resource schemas,
    and no output."""
    shutil.copytree(PROJECT / "blueprints" / "catalog", root / "blueprints" / "catalog")
    shutil.copytree(PROJECT / "charts", root / "charts", symlinks=True)
    shutil.copytree(PROJECT / "schemas", root / "schemas", ignore=shutil.ignore_patterns("upstream", "*.py", "*.yaml"))
    return root


@pytest.fixture
def scratch(tmp_path: Path) -> Path:
    return new_project(tmp_path)


@pytest.fixture(scope="module")
def rendered_project(tmp_path_factory) -> Path:
    """A scratch project rendered once per test module (every environment); tests that change it take `project`."""
    root = new_project(tmp_path_factory.mktemp("rendered"))
    render_project(root, validate=False)
    return root


@pytest.fixture
def project(rendered_project: Path, tmp_path: Path) -> Path:
    """A private copy of the rendered scratch project, free to break."""
    copy = tmp_path / "p"
    shutil.copytree(rendered_project, copy)
    return copy


def snapshot_tree(root: Path) -> dict[str, bytes]:
    """Every file under root (for 'nothing was written' checks)."""
    return {str(p.relative_to(root)): p.read_bytes() for p in sorted(root.rglob("*")) if p.is_file()}


def strings(node, name=None):
    """Every string of an object with the key it sits under (list items: the list's key)."""
    if isinstance(node, dict):
        for key, value in node.items():
            yield from strings(value, key)
    elif isinstance(node, list):
        for item in node:
            yield from strings(item, name)
    elif isinstance(node, str):
        yield name, node


def gen(project: Path, *args: str):
    """`gen --project PROJECT ARGS...`, in process."""
    return CliRunner().invoke(cli, ["--project", str(project), *args])


def edit(project: Path, relative: Path, old: str, new: str) -> None:
    """Replace `old`, which must be in the file exactly once, by `new`."""
    path = project / relative
    text = path.read_text()
    assert text.count(old) == 1, f"{old!r} is not once in {relative}"
    path.write_text(text.replace(old, new))


def refuses_bad_input(project: Path, expected: str, *args: str) -> None:
    """`gen ARGS` (default: render --all) exits 2 with one line starting `gen: error: EXPECTED`
    and writes nothing."""
    before = snapshot_tree(project)
    result = gen(project, *(args or ("render", "--all")))
    assert result.exit_code == 2
    lines = result.output.strip().splitlines()
    assert len(lines) == 1, result.output
    assert lines[0].startswith("gen: error: " + expected), lines[0]
    assert snapshot_tree(project) == before


def render_project(project: Path, env: str | None = None, color: str | None = None, validate: bool = True,
                   catalog=None):
    """`gen render ENV [--color COLOR]` (or --all without ENV) through the library."""
    catalog = catalog or load_catalog(project)
    selection = arguments.selection(catalog, env, color, env is None)
    return render(RenderOptions(project, catalog, selection, validate))


def plan_project(project: Path, env: str, catalog=None, progress=None):
    """The plan of `gen render ENV`, nothing written."""
    catalog = catalog or load_catalog(project)
    selection = arguments.selection(catalog, env, None, False)
    return plan(project, catalog, selection, **({"progress": progress} if progress else {}))


def as_doc(file: str, obj: dict) -> Doc:
    """A hand-made object as a rendered one, in the part its path names (rendered/<env>/<part>/...)."""
    _, env, part = PurePosixPath(file).parts[:3]
    return Doc(file, obj, Part(project_catalog().env_by_name[env], part))


def unwaived(env: str, findings: list) -> list:
    """The error findings of `env` that the committed waivers (blueprints/catalog/waivers.yaml) do
    not cover, as gen validate applies them."""
    import datetime

    from generator.validation import waivers

    applied = waivers.apply(waivers.load_waivers(PROJECT, project_catalog()), env, list(findings), datetime.date.today())
    return [f for f in applied if f.severity == "error" and f.check != waivers.CHECK]


@cache
def project_catalog():
    return load_catalog(PROJECT)


def set_service_field(project: Path, service: str, field: str, value: str) -> None:
    """Set `field` of `service` in the project's services.yaml (wherever its entry is)."""
    path = project / "blueprints/catalog/services.yaml"
    text = path.read_text()
    entry = re.search(rf"^  - name: {re.escape(service)}\n(?:    .*\n)*", text, flags=re.MULTILINE).group(0)
    changed, count = re.subn(rf"^    {field}: .*$", f"    {field}: {value}", entry, count=1, flags=re.MULTILINE)
    assert count == 1, f"{service} has no {field}"
    path.write_text(text.replace(entry, changed))


def line_of(text: str, anchor: str | tuple[str, str]) -> int:
    """The line where `anchor` starts in `text` (once there), or (block, anchor): the first `anchor`
    after `block` (once there)."""
    block, anchor = anchor if isinstance(anchor, tuple) else ("", anchor)
    assert text.count(block or anchor) == 1, f"{block or anchor!r} is not once in the file"
    return text[:text.index(anchor, text.index(block))].count("\n") + 1


def located(project: Path, relative: Path, anchor: str | tuple[str, str], message: str) -> str:
    """`FILE:LINE: MESSAGE` of an edited catalog file, as gen names a bad field: LINE where `anchor`
    starts (line_of), each `{name}` of MESSAGE the index of that service, environment or alert in
    its list (the committed catalog's order): no line number or index of today's catalog typed in."""
    catalog = project_catalog()
    indices = {**{s.name: i for i, s in enumerate(catalog.services.services)},
               **{e.name: i for i, e in enumerate(catalog.environments.environments)},
               **{a.alert: i for i, a in enumerate(catalog.monitoring.alerts)}}
    return f"{relative}:{line_of((project / relative).read_text(), anchor)}: {message.format(**indices)}"
