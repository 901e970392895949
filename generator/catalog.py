"""Load the catalog files into the typed models, or fail with one line: file, line, field."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any, TypeVar

from pydantic import BaseModel, ValidationError
import yaml
from ruamel.yaml import YAML

from blueprints.databases.spec import DatabaseCatalog
from blueprints.layout import CATALOG as CATALOG_DIR, SERVICES_FILE
from blueprints.model import Catalog, CatalogProblem, EnvironmentCatalog, ReleaseCatalog, ServiceCatalog
from blueprints.monitoring_spec import MonitoringCatalog
from generator import regular, yamlio, yamlquote, yamlstrict
from generator.errors import CatalogError
from generator.fieldpath import dotted

ENVIRONMENTS_FILE = CATALOG_DIR / "environments.yaml"
DATABASES_FILE = CATALOG_DIR / "databases.yaml"
RELEASES_FILE = CATALOG_DIR / "releases.yaml"
MONITORING_FILE = CATALOG_DIR / "monitoring.yaml"
SCHEMAS_DIR = Path("schemas") / "catalog"  # their JSON Schemas, for editors (generator/catalogschemas.py)


def schema_path(catalog_file: Path) -> Path:
    """`blueprints/catalog/services.yaml` -> `schemas/catalog/services.schema.json`."""
    return SCHEMAS_DIR / f"{catalog_file.stem}.schema.json"


def modeline(catalog_file: Path) -> str:
    """A catalog file's first line: its schema, relative to the file, for the YAML language server."""
    return f"# yaml-language-server: $schema={'../' * len(CATALOG_DIR.parts)}{schema_path(catalog_file).as_posix()}"

M = TypeVar("M", bound=BaseModel)


def load_catalog(project: Path) -> Catalog:
    """The project's catalog: `blueprints/catalog/{services,environments,databases,monitoring,releases}.yaml`."""
    services = load_file(project, SERVICES_FILE, ServiceCatalog)
    catalog = Catalog(
        services=services,
        environments=load_file(project, ENVIRONMENTS_FILE, EnvironmentCatalog),
        databases=load_file(project, DATABASES_FILE, DatabaseCatalog),
        # the monitoring table names services: it is checked against the loaded service catalog
        monitoring=load_file(
            project, MONITORING_FILE, MonitoringCatalog,
            context={"service_ports": {s.name: s.port for s in services.services},
                     "service_tiers": {s.name: s.tier.value for s in services.services}},
        ),
        releases=load_file(project, RELEASES_FILE, ReleaseCatalog),
    )
    problem = release_problem(catalog)
    if problem:
        loc, message = problem
        raise CatalogError(f"{located(project, RELEASES_FILE, loc)}: {dotted(loc)}: {message}")
    return catalog


def located(project: Path, relative: Path, loc: tuple[Any, ...]) -> str:
    """`file:line` of a field of a catalog file that loaded (just `file` if the line is not found)."""
    line = line_of(YAML(typ="rt").load((project / relative).read_text(encoding="utf-8")), loc)
    return f"{relative}:{line}" if line else str(relative)


def release_problem(catalog: Catalog) -> tuple[tuple[str, ...], str] | None:
    """The release record against the profiles: one entry per blue-green environment, no other."""
    profiles = catalog.env_by_name
    for name in catalog.releases.environments:
        if name not in profiles:
            return ("environments", name), f"{name!r} is not an environment of environments.yaml"
        if not profiles[name].blue_green:
            return ("environments", name), f"{name} is not blue-green: it has no colors to record"
    for name, profile in profiles.items():
        if profile.blue_green and name not in catalog.releases.environments:
            return ("environments",), (
                f"{name} is blue-green: record which color serves it and which are rendered, e.g. `{name}: {{active: blue, deployed: [blue, green]}}`"
            )
    return None


def load_file(project: Path, relative: Path, model: type[M], context: dict[str, Any] | None = None) -> M:
    path = project / relative
    try:
        text = yamlstrict.decode(regular.read(project, path))
        data = yamlio.load(text)
    except OSError as exc:
        raise CatalogError(f"{relative}: cannot read ({exc.strerror}); is {project} a gen project?") from None
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        line = f":{exc.line}" if isinstance(exc, yamlstrict.YamlProblem) else f":{mark.line + 1}" if mark else ""
        raise CatalogError(f"{relative}{line}: not valid YAML: {getattr(exc, 'problem', exc)}") from None
    problem = unwritable_string(data)
    if problem:
        loc, message = problem
        line = line_of(YAML(typ="rt").load(text), loc)
        raise CatalogError(f"{relative}{f':{line}' if line else ''}: {dotted(loc) or '(top level)'}: {message}")
    try:
        # strict: no yes-to-int, "8090"-to-int or 5.0-to-int; JSON input, so enums still take their values
        return model.model_validate_json(json.dumps(data), strict=True, context=context)
    except ValidationError as exc:
        # Only now pay for ruamel's round-trip parse: it keeps the line of every key.
        raise CatalogError(describe(relative, YAML(typ="rt").load(text), exc)) from None


def unwritable_string(node: Any, loc: tuple[Any, ...] = ()) -> tuple[tuple[Any, ...], str] | None:
    """The first key or string value that gen could not write through kustomize unchanged."""
    if isinstance(node, dict):
        for key, value in node.items():
            found = unwritable_string(key, loc + (key,)) or unwritable_string(value, loc + (key,))
            if found:
                return found
    elif isinstance(node, list):
        for index, item in enumerate(node):
            found = unwritable_string(item, loc + (index,))
            if found:
                return found
    elif isinstance(node, str):
        bad = yamlquote.unwritable(node) or yamlquote.unquoted_by_kustomize(node)
        if bad:
            return loc, f"{bad} cannot pass through kustomize unchanged; remove it"
    return None


def describe(relative: Path, data: Any, exc: ValidationError) -> str:
    """`file:line: field.path: message` for the first error (and how many more there are)."""
    errors = exc.errors()
    first = errors[0]
    loc: tuple[Any, ...] = tuple(first["loc"])
    message = first["msg"]
    problem = (first.get("ctx") or {}).get("error")
    if isinstance(problem, CatalogProblem):
        loc += problem.loc
        message = problem.message
    elif message.startswith("Value error, "):
        message = message[len("Value error, ") :]
    elif first["type"].endswith("_type") and not isinstance(first.get("input"), (dict, list)):
        # strict types: say what was written (yes, "8090", 5.0), since nothing is converted
        message = f"{message}, not {json.dumps(first.get('input'))}"
    line = line_of(data, loc)
    more = f" (and {len(errors) - 1} more)" if len(errors) > 1 else ""
    where = f"{relative}:{line}" if line else str(relative)
    return f"{where}: {dotted(loc) or '(top level)'}: {message}{more}"


def line_of(data: Any, loc: tuple[Any, ...]) -> int | None:
    """The 1-based line of the deepest node of `loc` that the YAML has (ruamel keeps positions)."""
    line = None
    node = data
    for part in loc:
        lc = getattr(node, "lc", None)
        try:
            if isinstance(part, int) and isinstance(node, list):
                if lc is not None:
                    line = lc.item(part)[0] + 1
                node = node[part]
            elif isinstance(node, dict) and part in node:
                if lc is not None:
                    line = lc.key(part)[0] + 1
                node = node[part]
            else:
                break
        except (KeyError, IndexError, TypeError):
            break
    return line
