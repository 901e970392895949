"""Stage 4: kustomize's output split into `rendered/<env>/<part>/<kind>-<name>.yaml`.

Each object keeps kustomize's bytes exactly (only a one-line header comment is added), so
`kubectl kustomize overlays/<env>/<part>` reproduces what is committed, object for object.
"""

from __future__ import annotations

from pathlib import Path, PurePosixPath

import yaml

from blueprints.layout import patches_dir, rendered_file
from generator import names, yamlio
from generator.errors import EnvironmentFailure, RenderError
from generator.files import Files
from generator.render import kustomize
from generator.render.overlays import Overlay
from generator.render.synth import SynthPart
from generator.rendered import Doc


def split_documents(stream: str) -> list[str]:
    """kustomize's multi-document output, one string per object (each ending in a newline).
    kustomize starts every document at column 0 with `---`, and block scalars are indented,
    so a line that is exactly `---` always separates documents."""
    documents: list[str] = []
    current: list[str] = []
    for line in stream.splitlines(keepends=True):
        if line.rstrip("\n") == "---":
            documents.append("".join(current))
            current = []
        else:
            current.append(line)
    documents.append("".join(current))
    return [doc for doc in documents if doc.strip()]


Object = tuple[str, dict]  # one document's text and its parsed object


def build(workspace: Path, overlay: PurePosixPath) -> list[Object]:
    """kustomize one root and parse what it printed. Runs in a worker thread: kustomize is a
    process of its own, and the parse overlaps the main thread's waits on cdk8s's runtime."""
    built = []
    for text in split_documents(kustomize.build(workspace, overlay)):
        try:
            obj = yamlio.load(text)
        except yaml.YAMLError as exc:
            obj = exc
        if not is_object(obj):
            raise EnvironmentFailure(
                f"{overlay}: kustomize printed a document that is not a Kubernetes object "
                f"({str(obj).splitlines()[0][:120]}); its output is truncated or it is not kustomize (GEN_KUBECTL?)"
            )
        built.append((text, obj))
    return built


def is_object(obj: object) -> bool:
    """A mapping with a kind and a metadata.name, as kustomize prints every object."""
    metadata = obj.get("metadata") if isinstance(obj, dict) else None
    return isinstance(metadata, dict) and isinstance(obj.get("kind"), str) and isinstance(metadata.get("name"), str)


def rendered_files(synth: SynthPart, overlay: Overlay, built: list[Object]) -> tuple[Files, list[Doc]]:
    """The rendered files of one part, and their objects, from the kustomize output of its roots."""
    part = synth.part
    files: Files = {}
    docs: list[Doc] = []
    for text, obj in built:
        kind, name = object_name(synth, overlay, obj)
        path = part.rendered_dir / rendered_file(kind, name)
        if path in files:
            raise RenderError(f"{path}: two objects of kind {kind} are named {name}; rename one")
        files[path] = (header(synth, overlay, kind, name) + text).encode()
        docs.append(Doc(str(path), obj, part))
    return files, docs


def object_name(synth: SynthPart, overlay: Overlay, obj: dict) -> tuple[str, str]:
    """An object's kind and name, checked by Kubernetes' rules before they make a path (a hand
    patch can name an object `x/../../tmp/y`); a bad one fails naming where the object came from."""
    meta = obj.get("metadata") if isinstance(obj.get("metadata"), dict) else {}
    kind, name = obj.get("kind"), meta.get("name")
    problem = names.object_problem(kind, name, meta.get("namespace"))
    if problem is None:
        file = rendered_file(kind, name)
        if (synth.part.rendered_dir / file).parent != synth.part.rendered_dir:  # the rules make it so; be sure
            problem = "metadata.name", f"leaves {synth.part.rendered_dir}/"
        else:
            problem = names.file_name_problem(file)
    if problem:
        field, message = problem
        raise RenderError(f"{source(synth, overlay, str(kind), str(name))}: {kind}/{str(name)[:60]}: {field}: {message}")
    return kind, name


def origin(synth: SynthPart, kind: str, name: str):
    """The blueprint origin of a rendered object (its name without the color suffix), or None
    for an object a hand patch added."""
    return synth.origins.get((kind, base_name(synth, name)))


def base_name(synth: SynthPart, name: str) -> str:
    """A rendered object's name as its blueprint made it: without the color suffix."""
    suffix = synth.part.name_suffix
    return name[: -len(suffix)] if suffix and name.endswith(suffix) else name


def overlay_file(synth: SynthPart, overlay: Overlay, kind: str, name: str) -> PurePosixPath:
    """The overlay file that holds a blueprint's object (a source's file, or one of its chunks)."""
    return overlay.object_files[(kind, base_name(synth, name))]


def source(synth: SynthPart, overlay: Overlay, kind: str, name: str) -> str:
    """Where an object comes from: its blueprint's overlay file, else the hand patches."""
    found = origin(synth, kind, name)
    return str(overlay_file(synth, overlay, kind, name)) if found else f"{patches_dir(synth.part.env)}/"


def header(synth: SynthPart, overlay: Overlay, kind: str, name: str) -> str:
    found = origin(synth, kind, name)
    source = (
        f"blueprint {found.blueprint} ({overlay_file(synth, overlay, kind, name)})"
        if found
        else f"hand patches ({patches_dir(synth.part.env)}/)"
    )
    return f"# Generated by gen from {source}: do not edit; run `{synth.part.render_command}`.\n"


def side_files(synth: SynthPart) -> Files:
    """Files a part carries beside its objects (Helm values), in a subfolder: Argo CD syncs a
    part's folder without recursing, so they are never applied as manifests."""
    return {
        synth.part.rendered_dir / PurePosixPath(name): (header + yamlio.dump(data)).encode()
        for name, (header, data) in sorted(synth.files.items())
    }
