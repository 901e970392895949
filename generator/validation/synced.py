"""What Argo CD applies is what the gate judged: every rendered object of an environment is synced
by exactly one of its Applications, and an Application syncs its folder's files as they are.

The gate judges files; Argo CD applies what each Application selects from its folder (a directory
source's `include` and `exclude` globs) and may transform it on the way (a `kustomize`, `helm` or
`plugin` block on a directory source, `recurse`). An `exclude: networkpolicy-*.yaml` would leave
every policy the gate evaluated unapplied; a `kustomize.images` override would swap the images the
reviewer read. Both are refused here, computed from the Applications as Argo CD reads them."""

from __future__ import annotations

import fnmatch
import posixpath
from pathlib import Path, PurePosixPath
from typing import Any, Iterator

from blueprints import layout
from generator.rendered import Doc
from generator.validation.policies import Context, Finding, found, rule

SOURCE_FIELDS = {"repoURL", "targetRevision", "path", "directory"}  # a folder of this repository, as it is
DIRECTORY_FIELDS = {"recurse", "include", "exclude"}
MANIFEST_SUFFIXES = (".yaml", ".yml", ".json")  # the files a directory source reads


def _patterns(glob: Any) -> list[str]:
    """Argo CD's include/exclude: one glob, or `{a,b}` for several."""
    if not isinstance(glob, str) or not glob:
        return []
    if glob.startswith("{") and glob.endswith("}"):
        return [g.strip() for g in glob[1:-1].split(",") if g.strip()]
    return [glob]


def _selects(directory: dict[str, Any], name: str) -> bool:
    include, exclude = _patterns(directory.get("include")), _patterns(directory.get("exclude"))
    if include and not any(fnmatch.fnmatchcase(name, g) for g in include):
        return False
    return not any(fnmatch.fnmatchcase(name, g) for g in exclude)


def _folder_sources(doc: Doc) -> list[dict[str, Any]]:
    spec = doc.obj.get("spec") if isinstance(doc.obj.get("spec"), dict) else {}
    sources = [spec.get("source")] + list(spec.get("sources") or [])
    return [s for s in sources if isinstance(s, dict) and "chart" not in s]


@rule("GEN-ARGOCD-SYNC", "every rendered object is synced by exactly one Application, and a folder is synced as "
      "committed (no include/exclude that skips a file, no kustomize, helm or plugin step, no recursion)",
      waivable=False)
def _synced(ctx: Context) -> Iterator[Finding]:
    if not (ctx.whole_environment and ctx.env.argocd and ctx.of_kind("Application")):
        return  # a first render of one color: no Argo CD part yet, nothing syncs anything
    check = "GEN-ARGOCD-SYNC"
    root = str(layout.rendered_dir(ctx.env.name, ""))
    owners: dict[str, list[str]] = {}
    for app in ctx.of_kind("Application"):
        for source in _folder_sources(app):
            extra = sorted(set(source) - SOURCE_FIELDS)
            directory = source.get("directory") if isinstance(source.get("directory"), dict) else {}
            extra += [f"directory.{k}" for k in sorted(set(directory) - DIRECTORY_FIELDS)]
            if directory.get("recurse", False) is not False:
                extra.append("directory.recurse")
            if extra:
                yield found(check, app, f"{', '.join(extra)}: Argo CD would apply something other than the "
                            "committed files of its folder")
            path = str(source.get("path", "")).rstrip("/")
            if not path.startswith(root):
                continue
            for doc in ctx.docs:
                folder, name = posixpath.split(str(doc.file))
                if folder == path and name.endswith(MANIFEST_SUFFIXES) and _selects(directory, name):
                    owners.setdefault(str(doc.file), []).append(app.name)
    for doc in ctx.docs:
        if doc.part.name not in ctx.rendered_parts:
            continue
        apps = owners.get(str(doc.file), [])
        if not apps:
            yield found(check, doc, "no Application syncs it: Argo CD would never apply what the gate judged")
        elif len(apps) > 1:
            yield found(check, doc, f"synced by {len(apps)} Applications ({', '.join(apps)}): they would fight over it")


UNKNOWN = "GEN-UNKNOWN-PART"


def unknown_entries(project: Path, catalog: Any, env: Any, top: bool) -> tuple[str, ...]:
    """What lies in rendered/<env>/ that is none of the environment's parts (a folder or a file gen
    renders nothing into), and with `top`, in rendered/ what is no environment: nothing judges
    or writes it, yet an Application, or a person with kubectl, could apply it."""
    from generator.rendered import parts

    def extra(folder: PurePosixPath, known: set[str]) -> list[str]:
        base = project / folder
        return [str(folder / child.name) + ("/" if child.is_dir() else "") for child in sorted(base.iterdir())
                if child.name not in known] \
            if base.is_dir() and not base.is_symlink() else []

    found_ = extra(layout.RENDERED / env.name, {p.name for p in parts(catalog, env)})
    if top:
        found_ += extra(layout.RENDERED, {e.name for e in catalog.environments.environments})
    return tuple(found_)


@rule(UNKNOWN, "nothing lies under rendered/ that gen does not render: every folder of rendered/<env>/ is one of "
      "the environment's parts, every folder of rendered/ an environment", waivable=False)
def _unknown(ctx: Context) -> Iterator[Finding]:
    for entry in ctx.unknown:
        path = entry.rstrip("/")
        kind = "Folder" if entry.endswith("/") else "File"
        yield Finding(path, f"{kind}/{PurePosixPath(path).name}", UNKNOWN,
                      f"gen renders nothing {'into' if kind == 'Folder' else 'as'} {path}: no gate judged what it holds "
                      "(remove it; `gen check` lists it and a render of the whole environment deletes it)")
