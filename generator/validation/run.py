"""Validation of an environment's rendered objects: schema, then policy rules, then capacity.

Objects come from files (`rendered/<env>/<part>/*.yaml`, parsed with the C YAML loader) or,
right after a render, from the files the render is about to write.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath

import yaml

from blueprints.model import Catalog, Environment
from generator import yamlio, yamlstrict
from generator.fieldpath import dotted
from generator.parts import RENDERED
from generator.progress import Callback, silent
from generator.tree import Files
from generator.validation.capacity import Capacity, amount, capacity
from generator.validation.objects import Doc
from generator.validation.policies import Context, Finding, run_rules
from generator.validation.schemas import SchemaProblem, SchemaStore

SCHEMAS_DIR = "schemas"


@dataclass(frozen=True)
class EnvReport:
    env: str
    objects: int
    findings: list[Finding]
    capacity: Capacity

    @property
    def errors(self) -> list[Finding]:
        return [f for f in self.findings if f.severity == "error"]

    @property
    def warnings(self) -> list[Finding]:
        return [f for f in self.findings if f.severity == "warning"]


@dataclass(frozen=True)
class Report:
    kubernetes_version: str
    envs: list[EnvReport] = field(default_factory=list)

    @property
    def findings(self) -> list[Finding]:
        return [f for env in self.envs for f in env.findings]

    @property
    def errors(self) -> int:
        return sum(len(e.errors) for e in self.envs)

    @property
    def warnings(self) -> int:
        return sum(len(e.warnings) for e in self.envs)

    @property
    def objects(self) -> int:
        return sum(e.objects for e in self.envs)

    @property
    def ok(self) -> bool:
        return self.errors == 0


def parse(files: Files) -> tuple[list[Doc], list[Finding]]:
    """Rendered files to objects; a file that is not YAML, or not an object, is a finding."""
    docs: list[Doc] = []
    findings: list[Finding] = []
    for path in sorted(files):
        try:
            text = yamlstrict.decode(files[path])
            objs = [yamlio.load(text)] if "\n---" not in text else yamlio.load_all(text)
        except yaml.YAMLError as exc:
            findings.append(Finding(str(path), path.name, "SCHEMA-YAML", f"not valid YAML: {str(exc).splitlines()[0]}"))
            continue
        for obj in objs:
            if isinstance(obj, dict):
                docs.append(Doc(str(path), obj))
            elif obj is not None:
                findings.append(Finding(str(path), path.name, "SCHEMA", f"a document is a {type(obj).__name__}, not an object"))
    return docs, findings


def read_parts(project: Path, env: str, parts: list[str]) -> Files:
    """The committed rendered files of these parts of an environment."""
    files: Files = {}
    for part in parts:
        for path in sorted((project / RENDERED / env / part).glob("*.yaml")):
            files[PurePosixPath(path.relative_to(project).as_posix())] = path.read_bytes()
    return files


def schema_findings(store: SchemaStore, docs: list[Doc]) -> list[Finding]:
    findings = []
    for doc in docs:
        obj = doc.obj
        if not obj.get("apiVersion") or not obj.get("kind"):
            findings.append(Finding(doc.file, doc.ref, "SCHEMA", "apiVersion and kind are required"))
            continue
        try:
            validator = store.validator(obj["apiVersion"], obj["kind"])
        except SchemaProblem as problem:
            findings.append(Finding(doc.file, doc.ref, problem.check, problem.message))
            continue
        for path, message in validator.problems(obj):
            findings.append(Finding(doc.file, doc.ref, "SCHEMA", f"{dotted(path) or '(object)'}: {message}"))
    return findings


def capacity_findings(env: Environment, result: Capacity) -> list[Finding]:
    return [
        Finding(f"rendered/{env.name}", f"Environment/{env.name}", "GEN-CAPACITY",
                f"{line.resource}: requests {amount(line.resource, line.requested)}, "
                f"the cluster declares {amount(line.resource, line.declared)}")
        for line in result.lines
        if not line.fits
    ]


def validate_docs(catalog: Catalog, env: Environment, docs: list[Doc], store: SchemaStore,
                  unreadable: list[Finding] = ()) -> EnvReport:
    findings = list(unreadable) + schema_findings(store, docs)
    findings += run_rules(Context(catalog, env, docs))
    result = capacity(env, docs)
    findings += capacity_findings(env, result)
    return EnvReport(env.name, len(docs), sorted(findings), result)


def validate(project: Path, catalog: Catalog, envs: list[str], kubernetes_version: str | None = None,
             rendered: dict[str, list[Doc]] | None = None, progress: Callback = silent) -> Report:
    """Validate environments from `rendered` (env -> objects about to be written, with the
    committed files of the parts they do not replace) or from the committed tree."""
    version = kubernetes_version or catalog.environments.kubernetes_version
    store = SchemaStore(version, project / SCHEMAS_DIR)
    report = Report(version)
    for number, name in enumerate(envs, 1):
        progress(f"gen: validating {name} ({number}/{len(envs)})")
        env = catalog.environment(name)
        docs, unreadable = environment_docs(project, catalog, env, (rendered or {}).get(name, []))
        report.envs.append(validate_docs(catalog, env, docs, store, unreadable))
    return report


def environment_docs(project: Path, catalog: Catalog, env: Environment,
                     fresh: list[Doc] = ()) -> tuple[list[Doc], list[Finding]]:
    """Everything an environment runs: `fresh` objects, and the committed files of its other parts."""
    replaced = {PurePosixPath(doc.file).parts[2] for doc in fresh}
    parts = [p for p in catalog.parts(env.name) if p not in replaced]
    committed, unreadable = parse(read_parts(project, env.name, parts))
    return sorted([*committed, *fresh], key=lambda d: d.file), unreadable


def environment_capacity(project: Path, catalog: Catalog, env: Environment) -> Capacity:
    """`gen capacity`: the committed tree's requests against the declared cluster, nothing else checked."""
    return capacity(env, environment_docs(project, catalog, env)[0])
