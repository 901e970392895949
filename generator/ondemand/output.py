"""Manifests rendered on demand (`gen restore-plan`, `gen downgrade-plan`): validated as `gen validate` validates rendered/ (each object against its schema, the
policy rules over them all), then printed or written to a new folder of the user's. They are
applied by hand, once: nothing under rendered/ or overlays/ is read or written."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from blueprints.model import Catalog, Environment
from generator import yamlio
from generator.errors import UsageError, ValidationFailed
from blueprints.layout import OVERLAYS, RENDERED
from generator.render.overlays import environment_labels
from generator.rendered import Doc, Part
from generator.runtime import ensure_node
from generator.validation.run import SCHEMAS_DIR, Report, validate_docs
from generator.validation.schemas import SchemaStore


@dataclass(frozen=True)
class OnDemand:
    files: dict[str, str]  # file name -> one object's YAML, in the order `kubectl apply -f` takes them
    report: Report

    def document(self) -> str:
        """Every object as one YAML stream, for stdout."""
        return "".join(("---\n" if i else "") + text for i, text in enumerate(self.files.values()))

    def write(self, out: Path) -> None:
        out.mkdir(parents=True, exist_ok=True)
        for name, text in self.files.items():
            (out / name).write_text(text)


def chart():
    """A cdk8s Chart to build constructs under (started late: it starts the jsii runtime)."""
    ensure_node()
    from cdk8s import App, Chart

    return Chart(App(), "on-demand")


def check_out(project: Path, out: Path) -> None:
    """The folder the manifests go to: not the project's generated output, and empty if it exists."""
    resolved = out.resolve()
    for generated in (RENDERED, OVERLAYS):
        if resolved.is_relative_to((project / generated).resolve()):
            raise UsageError(f"--out {out}: inside {generated}/, which only gen render writes; name another folder")
    if resolved.exists() and (not resolved.is_dir() or any(resolved.iterdir())):
        raise UsageError(f"--out {out}: exists and is not an empty folder; name a new one")


def validated(project: Path, catalog: Catalog, env: Environment, manifests: list[dict], what: str) -> OnDemand:
    """The manifests as numbered files, labelled as the overlays label rendered objects (these
    bypass them), or
    ValidationFailed (exit 1) naming `what`."""
    for manifest in manifests:
        manifest["metadata"].setdefault("labels", {}).update(environment_labels(env))
    files = {f"{n:02d}-{m['kind'].lower()}-{m['metadata']['name']}.yaml": yamlio.dump(m)
             for n, m in enumerate(manifests, 1)}
    version = catalog.environments.version_of(env)
    schemas = SchemaStore(version, project / SCHEMAS_DIR)
    part = Part(env, "on-demand")  # not a rendered part: what the policy rules need to know of it is its environment
    docs = [Doc(name, yamlio.load(text), part) for name, text in files.items()]
    scratch = tuple(m["metadata"]["name"] for m in manifests if m["kind"] == "Namespace")  # a drill's own
    report = Report(version, [validate_docs(catalog, env, docs, schemas, own_namespaces=scratch)])
    if not report.ok:
        raise ValidationFailed(f"{what} fails validation ({report.errors} errors); nothing written", report)
    return OnDemand(files, report)

