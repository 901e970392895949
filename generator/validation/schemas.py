"""Where each kind's schema comes from, offline, and one compiled validator per kind.

- Kubernetes' own kinds: the strict schemas of one pinned version, shipped by the
  `kubernetes-validate` package (`v1.33.0-local-strict/<kind>-<group>-<version>.json`).
- Custom resources the project emits: `schemas/<group>/<version>/<kind>.json` in the project,
  written for the served API versions (schemas/README.md); their `metadata` is checked against
  Kubernetes' ObjectMeta.
- A kind with neither is an error; an API version that is no longer served is named as such.
"""

from __future__ import annotations

import importlib.util
import json
import re
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path
from typing import Any

from generator.errors import GenError
from generator.validation.compiler import Check, Compiler, Problem, SchemaCompileError

OBJECT_META = "#/$defs/io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta"

# API versions that clusters (or operators) no longer serve, and what replaces them.
REMOVED_APIS: dict[tuple[str, str | None], str] = {
    ("external-secrets.io/v1beta1", None): "is no longer served by External Secrets Operator; use external-secrets.io/v1",
    ("external-secrets.io/v1alpha1", None): "is no longer served by External Secrets Operator; use external-secrets.io/v1",
    ("cert-manager.io/v1alpha2", None): "is no longer served by cert-manager (since 1.7); use cert-manager.io/v1",
    ("cert-manager.io/v1alpha3", None): "is no longer served by cert-manager (since 1.7); use cert-manager.io/v1",
    ("cert-manager.io/v1beta1", None): "is no longer served by cert-manager (since 1.7); use cert-manager.io/v1",
    ("policy/v1beta1", "PodDisruptionBudget"): "was removed in Kubernetes 1.25; use policy/v1",
    ("policy/v1beta1", "PodSecurityPolicy"): "was removed in Kubernetes 1.25; use Pod Security admission",
    ("batch/v1beta1", "CronJob"): "was removed in Kubernetes 1.25; use batch/v1",
    ("autoscaling/v2beta1", None): "was removed in Kubernetes 1.25; use autoscaling/v2",
    ("autoscaling/v2beta2", None): "was removed in Kubernetes 1.26; use autoscaling/v2",
    ("networking.k8s.io/v1beta1", None): "was removed in Kubernetes 1.22; use networking.k8s.io/v1",
    ("extensions/v1beta1", None): "was removed (Kubernetes 1.16 to 1.22); use apps/v1 or networking.k8s.io/v1",
    ("apps/v1beta1", None): "was removed in Kubernetes 1.16; use apps/v1",
    ("apps/v1beta2", None): "was removed in Kubernetes 1.16; use apps/v1",
    ("rbac.authorization.k8s.io/v1beta1", None): "was removed in Kubernetes 1.22; use rbac.authorization.k8s.io/v1",
}


class SchemaProblem(Exception):
    """No schema can judge this object (unknown kind, removed API version)."""

    def __init__(self, check: str, message: str) -> None:
        super().__init__(message)
        self.check = check
        self.message = message


def schema_root() -> Path:
    """kubernetes-validate's schema folder, found without importing the package (its import
    pulls in jsonschema: a tenth of a second on every command for a path)."""
    spec = importlib.util.find_spec("kubernetes_validate")
    if spec is None or not spec.submodule_search_locations:
        raise GenError("the kubernetes-validate package is not installed; reinstall gen")
    return Path(list(spec.submodule_search_locations)[0]) / "kubernetes-json-schema"


def available_versions() -> list[str]:
    root = schema_root()
    found = {m.group(1) for p in root.iterdir() if (m := re.match(r"^v(\d+\.\d+)\.0-local-strict$", p.name))}
    return sorted(found, key=lambda v: tuple(int(x) for x in v.split(".")))


@dataclass(frozen=True)
class Validator:
    check: Check
    meta: Check | None  # ObjectMeta, for custom resources whose schema leaves metadata open
    source: str  # the schema's file, named when a part of it compiled on first use cannot be

    def problems(self, obj: dict) -> list[Problem]:
        try:
            out = list(self.check(obj) or ())
            if self.meta is not None and "metadata" in obj:
                out.extend((("metadata", *path), message) for path, message in self.meta(obj["metadata"]) or ())
        except SchemaCompileError as exc:
            raise GenError(f"{self.source}: {exc}") from None
        return out


class SchemaStore:
    """Validators for one Kubernetes version and one project, compiled on first use and kept."""

    def __init__(self, kubernetes_version: str, project_schemas: Path, eager: bool = False) -> None:
        """`eager`: compile each schema whole when its kind is first met (see Compiler)."""
        self.eager = eager
        versions = available_versions()
        if kubernetes_version not in versions:
            raise GenError(
                f"Kubernetes {kubernetes_version} has no schemas in kubernetes-validate; "
                f"choose one of: {', '.join(versions)}"
            )
        self.version = kubernetes_version
        self.root = schema_root() / f"v{kubernetes_version}.0-local-strict"
        self.project_schemas = project_schemas
        self._validators: dict[tuple[str, str], Validator] = {}

    @cached_property
    def _definitions(self) -> dict[str, Any]:
        return json.loads((self.root / "_definitions.json").read_text(encoding="utf-8"))["$defs"]

    @cached_property
    def _core(self) -> Compiler:
        # one compiler for every core kind: shared definitions (PodSpec, ...) compile once
        return Compiler(lambda ref: self._definitions[ref.split("/$defs/", 1)[1]], self.eager)

    def validator(self, api_version: str, kind: str) -> Validator:
        key = (api_version, kind)
        if key not in self._validators:
            self._validators[key] = self._load(api_version, kind)
        return self._validators[key]

    def _load(self, api_version: str, kind: str) -> Validator:
        for removed in ((api_version, kind), (api_version, None)):
            if removed in REMOVED_APIS:
                raise SchemaProblem("SCHEMA-REMOVED-API", f"{api_version} {REMOVED_APIS[removed]}")
        group, _, version = api_version.rpartition("/")
        custom = self.project_schemas / group / version / f"{kind.lower()}.json" if group else None
        if custom is not None and custom.is_file():
            return self._custom(custom)
        core = self._core_schema(group, version, kind)
        if core is None:
            where = f"schemas/{group}/{version}/{kind.lower()}.json" if group else "no custom schema for the core group"
            raise SchemaProblem(
                "SCHEMA-UNKNOWN-KIND",
                f"no schema for {kind} in {api_version}: not a Kubernetes {self.version} kind, and {where} does not exist",
            )
        return Validator(self._core.compile(core), None, str(self.root / self._core_file(group, version, kind)))

    @staticmethod
    def _core_file(group: str, version: str, kind: str) -> str:
        short_group = group.split(".", 1)[0]
        return f"{kind.lower()}-{short_group}-{version}.json" if group else f"{kind.lower()}-{version}.json"

    def _core_schema(self, group: str, version: str, kind: str) -> dict | None:
        path = self.root / self._core_file(group, version, kind)
        if not path.is_file():
            return None
        schema = json.loads(path.read_text(encoding="utf-8"))
        # the folder also holds schemas of parts (JobSpec, ...): only top-level kinds carry their GVK
        gvks = schema.get("x-kubernetes-group-version-kind", [])
        if {"group": group, "version": version, "kind": kind} not in gvks:
            return None
        return schema

    def _custom(self, path: Path) -> Validator:
        schema = json.loads(path.read_text(encoding="utf-8"))
        defs = schema.get("$defs", {})

        def resolve(ref: str) -> dict:
            if not ref.startswith("#/$defs/") or ref[8:] not in defs:
                raise SchemaCompileError(f"$ref {ref!r} is not a #/$defs/ entry of the file")
            return defs[ref[8:]]

        try:
            check = Compiler(resolve, self.eager).compile(schema)
        except SchemaCompileError as exc:
            raise GenError(f"{path}: {exc}") from None
        return Validator(check, self._core._ref(OBJECT_META), str(path))
