"""Validation of an environment's rendered objects: schema, then policy rules, then capacity.

Objects come from the committed tree (`generator.rendered.reader`) or, right after a render, from
the files the render is about to write, with the environment's other parts as committed.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field, replace
from pathlib import Path

from blueprints.model import Catalog, Environment
from generator import collector
from generator.catalog import ENVIRONMENTS_FILE, located
from generator.errors import CatalogError, GenError
from generator.fieldpath import dotted
from generator.progress import Callback, silent
from generator.rendered import Doc, Tree, parts, read
from generator.validation.capacity import Capacity, amount, capacity
from generator.validation.policies import Context, Finding, not_checked, run_rules
from generator.validation import waivers
from generator.validation.synced import unknown_entries
from generator.validation.schemas import SchemaProblem, SchemaStore

SCHEMAS_DIR = "schemas"


@dataclass(frozen=True)
class EnvReport:
    env: str
    objects: int
    findings: list[Finding]
    capacity: Capacity
    kubernetes_version: str = ""

    @property
    def errors(self) -> list[Finding]:
        return [f for f in self.findings if f.severity == "error"]

    @property
    def warnings(self) -> list[Finding]:
        return [f for f in self.findings if f.severity == "warning"]

    @property
    def waived(self) -> list[Finding]:
        return [f for f in self.findings if f.severity == waivers.WAIVED]


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
    def waived(self) -> int:
        return sum(len(e.waived) for e in self.envs)

    @property
    def objects(self) -> int:
        return sum(e.objects for e in self.envs)

    @property
    def ok(self) -> bool:
        return self.errors == 0


def unreadable_findings(tree: Tree) -> list[Finding]:
    """A committed file that is not YAML, or a document that is not an object, is a finding."""
    return [Finding(u.file, u.file.rsplit("/", 1)[-1], "SCHEMA-YAML" if u.not_yaml else "SCHEMA", u.message)
            for u in tree.unreadable]


def schema_findings(store: SchemaStore, docs: list[Doc]) -> list[Finding]:
    findings = []
    for doc in docs:
        obj = doc.obj
        if not obj.get("apiVersion") or not obj.get("kind"):
            findings.append(Finding(doc.file, doc.ref, "SCHEMA", "apiVersion and kind are required"))
            continue
        if not isinstance(obj["apiVersion"], str) or not isinstance(obj["kind"], str):
            findings.append(Finding(doc.file, doc.ref, "SCHEMA", "apiVersion and kind must be strings"))
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
                  unreadable: list[Finding] = (), own_namespaces: tuple[str, ...] = (),
                  fresh_parts: frozenset[str] | None = None, unknown: tuple[str, ...] = ()) -> EnvReport:
    """`own_namespaces`: Namespaces the docs create for themselves (an on-demand plan's scratch),
    which GEN-NAMESPACE then admits beside the environment's. `fresh_parts`: the parts rendered in
    this run (None: all), the only ones held to today's catalog value for value. `unknown`: what
    lies under rendered/ that gen does not render (synced.unknown_entries)."""
    schema = schema_findings(store, docs)
    findings = list(unreadable) + schema
    context = Context(catalog, env, docs, tuple(own_namespaces), fresh_parts, tuple(unknown))
    findings += run_rules(context, malformed=bool(schema))
    result = Capacity(env.name, ())
    with not_checked(context, "GEN-CAPACITY", bool(schema), findings):
        result = capacity(env, docs)
    findings += capacity_findings(env, result)
    return EnvReport(env.name, len(docs), sorted(findings), result, store.version)


def validate(project: Path, catalog: Catalog, envs: list[Environment], kubernetes_version: str | None = None,
             fresh: list[Doc] = (), progress: Callback = silent) -> Report:
    """Validate environments from the committed tree, or, for the parts of `fresh` (objects
    about to be written), from those objects with the committed files of the other parts."""
    report = Report(kubernetes_version or catalog.environments.kubernetes_version)
    stores: dict[str, SchemaStore] = {}

    def store_for(env: Environment) -> SchemaStore:
        """The schemas of the version `env` runs (--kubernetes-version for all, if given)."""
        version = kubernetes_version or catalog.environments.version_of(env)
        if version not in stores:
            try:
                stores[version] = SchemaStore(version, project / SCHEMAS_DIR)
            except GenError as exc:  # name where the version came from
                index = catalog.environments.environments.index(env)
                where = "--kubernetes-version" if kubernetes_version else (
                    f"{located(project, ENVIRONMENTS_FILE, ('environments', index, 'kubernetes_version'))}: "
                    f"environments[{index}].kubernetes_version" if env.kubernetes_version else
                    f"{located(project, ENVIRONMENTS_FILE, ('kubernetes_version',))}: kubernetes_version")
                raise CatalogError(f"{where}: {exc}") from None
        return stores[version]

    for env in envs:  # every version's schemas load (or fail, at its line) before anything is judged
        store_for(env)
    waived, today = waivers.load_waivers(project, catalog), datetime.date.today()
    with collector.paused():  # each environment's tree is made, checked and freed inside
        for number, env in enumerate(envs, 1):
            progress(f"gen: validating {env.name} ({number}/{len(envs)})")
            mine = [doc for doc in fresh if doc.part.environment.name == env.name]
            tree = environment_tree(project, catalog, env, mine)
            fresh_parts = frozenset(doc.part.name for doc in mine) if fresh else None
            store = store_for(env)
            # the committed tree: anything beside the parts is a finding (a render replaces the folders it owns)
            every = {e.name for e in envs} == {e.name for e in catalog.environments.environments}
            unknown = () if fresh else unknown_entries(project, catalog, env, top=every and number == 1)
            found = validate_docs(catalog, env, tree.docs, store, unreadable_findings(tree), fresh_parts=fresh_parts,
                                  unknown=unknown)
            # a waiver covers nothing only where its object was judged: the whole environment, or its object
            whole = {doc.part.name for doc in tree.docs} >= {part.name for part in parts(catalog, env)}
            judged = None if whole else {doc.ref for doc in tree.docs}
            report.envs.append(replace(found, findings=waivers.apply(waived, env.name, found.findings, today, judged)))
    return report


def environment_tree(project: Path, catalog: Catalog, env: Environment, fresh: list[Doc] = ()) -> Tree:
    """Everything an environment runs: `fresh` objects, and the committed files of its other parts."""
    replaced = {doc.part for doc in fresh}
    committed = read(project, [p for p in parts(catalog, env) if p not in replaced])
    return Tree(sorted([*committed.docs, *fresh], key=lambda d: d.file), committed.unreadable)


def environment_capacity(project: Path, catalog: Catalog, env: Environment) -> Capacity:
    """`gen capacity`: the committed tree's requests against the declared cluster, nothing else checked."""
    return capacity(env, environment_tree(project, catalog, env).docs)
