"""Hand patches: `overlays/<env>/patches/`, a kustomize Component every part of the environment
includes. gen creates it once (a commented, empty scaffold) and never overwrites it; a render
builds the overlays with the project's patches, loaded the way kustomize loads them.

kustomize's load restrictor refuses files outside a kustomization's root, and gen builds the
overlays in a scratch copy: a symlink, or a reference that leaves the folder (`../x.yaml`, an
absolute path), would make the scratch build read what `kubectl kustomize overlays/<env>/<part>`
in the repository cannot, or read files from anywhere. So the folder is read as plain files only:
any symlink, special file, or reference outside it is refused (exit 2) by name.
"""

from __future__ import annotations

import os
import posixpath
import stat
from pathlib import Path, PurePosixPath
from typing import Any, Iterator

import yaml

from blueprints.layout import KUSTOMIZATION, patches_dir
from generator import yamlio
from generator.errors import GenError
from generator.files import Files, write
from generator.rendered import Part


def missing(project: Path, parts: tuple[Part, ...]) -> Files:
    """Scaffolds for the environments of `parts` that have no patches folder yet."""
    files: Files = {}
    for env in sorted({part.env for part in parts}):
        folder = project / patches_dir(env)
        if os.path.lexists(folder):
            refuse_special(folder, patches_dir(env))  # a symlink, a FIFO: named as such
        if os.path.lexists(folder) and not folder.is_dir():
            raise PatchError(f"{patches_dir(env)}: not a folder; gen keeps hand patches there (move it away, "
                             "gen does not delete it)")
        if not folder.is_dir():
            files.update(scaffold(env))
    return files


def copy(project: Path, workspace: Path, parts: tuple[Part, ...]) -> None:
    """The project's hand patches of these parts' environments, into the scratch workspace."""
    for env in sorted({part.env for part in parts}):
        write(workspace, load(project, patches_dir(env)) or {})


def scaffold(env: str) -> Files:
    """The empty Component an environment's hand patches go in; written only where none exists."""
    text = f"""\
# Hand-written patches for {env}. gen creates this file once and never overwrites it.
# It is a kustomize Component included by every part of {env} (shared, and each color or app),
# applied before a color's name suffix: target the blueprint's names (api-gateway, not
# api-gateway-green), and use `target:` selectors so a patch that matches nothing in one part
# is not an error. After editing, run `gen render {env}` and commit overlays/ and rendered/.
#
# For example, in place of `patches: []`:
#
# patches:
# - target: {{kind: Deployment, name: api-gateway}}
#   patch: |-
#     - op: add
#       path: /spec/template/metadata/annotations
#       value: {{example.com/owner: platform-team}}
apiVersion: kustomize.config.k8s.io/v1alpha1
kind: Component
patches: []  # kustomize refuses a Component with no fields at all
"""
    return {patches_dir(env) / KUSTOMIZATION: text.encode()}


KUSTOMIZATION_FILES = ("kustomization.yaml", "kustomization.yml", "Kustomization")

# kustomization fields that name files or folders: plain lists, lists of objects with a `path`
LISTS = ("resources", "components", "bases", "crds", "configurations", "generators", "transformers", "validators",
         "patchesStrategicMerge")
PATHS_IN = ("patches", "patchesJson6902", "replacements")
GENERATORS = ("configMapGenerator", "secretGenerator")


class PatchError(GenError):
    """A hand patch that kustomize would not load from the repository, or that reaches outside its folder."""


def load(project: Path, folder: PurePosixPath) -> Files | None:
    """Every file of the patches folder, by path relative to the project; None when there is no
    folder (gen then writes the scaffold)."""
    root = project / folder
    if not os.path.lexists(root):
        return None
    refuse_special(root, folder)
    files: Files = {}
    for dirpath, dirnames, filenames in os.walk(root):
        dirnames.sort()
        for name in sorted(dirnames) + sorted(filenames):
            refuse_special(Path(dirpath, name), PurePosixPath(Path(dirpath, name).relative_to(project).as_posix()))
        for name in sorted(filenames):
            full = Path(dirpath, name)
            files[PurePosixPath(full.relative_to(project).as_posix())] = full.read_bytes()
    for path, content in files.items():
        if path.name in KUSTOMIZATION_FILES:
            check_references(path, content, folder)
    count = sum(objects_in(content) for path, content in files.items() if path.name not in KUSTOMIZATION_FILES)
    if count > OBJECTS_MAX:
        raise PatchError(f"{folder}/: {count} objects in hand patches, at most {OBJECTS_MAX} (every part builds "
                         "them, and kustomize's time grows with their square); give what you add a blueprint")
    return files


# what the patches folder may hold: a render builds kustomize roots of at most 200 objects
# (generator/render/overlays.py), and the Component is built into every one of them
OBJECTS_MAX = 200


def objects_in(content: bytes) -> int:
    """How many objects a file of the patches folder holds (a List counts its items); a file that
    is not YAML counts none here (kustomize names it when it reads it)."""
    try:
        docs = yamlio.load_all(content.decode("utf-8"))
    except (yaml.YAMLError, UnicodeDecodeError):
        return 0
    count = 0
    for doc in docs:
        if isinstance(doc, dict):
            items = doc.get("items")
            count += len(items) if isinstance(items, list) else 1
        elif isinstance(doc, list):  # a JSON 6902 patch: operations, not objects
            continue
    return count


def refuse_special(full: Path, relative: PurePosixPath) -> None:
    mode = os.lstat(full).st_mode
    if stat.S_ISLNK(mode):
        raise PatchError(f"{relative}: a symlink (to {os.readlink(full)}); kustomize loads hand patches from "
                         f"files inside the overlay only: put the file itself there")
    if not (stat.S_ISREG(mode) or stat.S_ISDIR(mode)):
        raise PatchError(f"{relative}: not a regular file or folder")


def references(data: dict[str, Any]) -> Iterator[tuple[str, Any]]:
    """(field, value) for every file or folder a kustomization names."""
    for key in LISTS:
        for index, entry in enumerate(as_list(data.get(key))):
            if isinstance(entry, str) and "\n" not in entry:  # an inline patch is not a path
                yield f"{key}[{index}]", entry
    for key in PATHS_IN:
        for index, entry in enumerate(as_list(data.get(key))):
            if isinstance(entry, dict) and "path" in entry:
                yield f"{key}[{index}].path", entry["path"]
    for key in GENERATORS:
        for index, entry in enumerate(as_list(data.get(key))):
            if not isinstance(entry, dict):
                continue
            for sub in ("files", "envs"):
                for n, value in enumerate(as_list(entry.get(sub))):
                    # `files` entries may be `key=path`
                    yield f"{key}[{index}].{sub}[{n}]", value.split("=", 1)[-1] if isinstance(value, str) else value
            if "env" in entry:
                yield f"{key}[{index}].env", entry["env"]
    openapi = data.get("openapi")
    if isinstance(openapi, dict) and "path" in openapi:
        yield "openapi.path", openapi["path"]
    for index, chart in enumerate(as_list(data.get("helmCharts"))):
        if isinstance(chart, dict):
            for sub in ("valuesFile", "additionalValuesFiles"):
                for value in as_list(chart.get(sub)):
                    yield f"helmCharts[{index}].{sub}", value
    globals_ = data.get("helmGlobals")
    if isinstance(globals_, dict) and "chartHome" in globals_:
        yield "helmGlobals.chartHome", globals_["chartHome"]


def as_list(value: Any) -> list[Any]:
    if value is None:
        return []
    return value if isinstance(value, list) else [value]


def check_references(path: PurePosixPath, content: bytes, folder: PurePosixPath) -> None:
    """Every reference of a kustomization in the patches folder stays inside the folder."""
    try:
        data = yamlio.load(content.decode("utf-8"))
    except (yaml.YAMLError, UnicodeDecodeError) as exc:
        raise PatchError(f"{path}: not valid YAML: {str(exc).splitlines()[0]}") from None
    if not isinstance(data, dict):
        raise PatchError(f"{path}: a kustomization is a map of fields, not a {type(data).__name__}")
    for field, value in references(data):
        if not isinstance(value, str) or not value:
            raise PatchError(f"{path}: {field}: {value!r} is not a path")
        if "://" in value or value.startswith(("git@", "github.com/", "gitlab.com/")):
            raise PatchError(f"{path}: {field}: {value!r} is remote; gen renders offline, from files in {folder}/")
        target = PurePosixPath(posixpath.normpath(posixpath.join(str(path.parent), value)))
        if value.startswith("/") or not (target == folder or folder in target.parents):
            raise PatchError(f"{path}: {field}: {value!r} is outside {folder}/; kustomize loads only files "
                             f"inside the overlay: put the file there")
