"""Strict JSON schemas for custom resources, converted from the operators' own CRDs.

    python schemas/convert.py                 # rewrite schemas/<group>/<version>/<kind>.json
    python schemas/convert.py --check         # exit 1 if schemas/ differs from a conversion
    python schemas/convert.py reduce OPERATOR GIT_DIR TAG
                                              # take OPERATOR's CRDs (the paths upstream.yaml
                                              # lists) from a clone at TAG, reduced to structure

`upstream.yaml` pins one release per operator and lists the CRD files taken from it; each is
committed under `upstream/<operator>/`, reduced to structure: every description removed,
nothing else changed (the upstream files carry prose that is not ours to copy). The converter
reads the reduced file or the full upstream one alike, and follows kubeconform's
openapi2jsonschema, per served version of each CRD:

- every object node that has `properties` is closed (`additionalProperties: false`), unless it
  is marked `x-kubernetes-preserve-unknown-fields` (it stays open and keeps the mark); a node
  with no properties stays as upstream has it;
- `x-kubernetes-int-or-string` becomes `anyOf: [integer, string]`;
- `nullable: true` adds `"null"` to the node's type (and to its enum);
- descriptions are dropped, and so are the other `x-kubernetes-*` marks and CEL rules
  (`x-kubernetes-validations`), which JSON Schema cannot express.

Two rules go beyond openapi2jsonschema, both so the schema says what the API server says:
nodes under `anyOf`/`oneOf`/`allOf`/`not` are not closed (they constrain values; the structure
is declared beside them), and an RE2 flag group after the start of a pattern (`^(?i)(a|b)$`),
which Python's `re` refuses, is written as the equivalent scoped group (`^(?i:(a|b)$)`).
Output: one JSON document per kind and served version, `json.dumps(indent=2, sort_keys=True)`.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import re
import subprocess
import sys
from pathlib import Path
from typing import Any

import yaml

try:  # libyaml: the largest CRD (ApplicationSet, 1.4 MB) loads in a second instead of ten
    from yaml import CSafeDumper as Dumper, CSafeLoader as Loader
except ImportError:  # pragma: no cover
    from yaml import SafeDumper as Dumper, SafeLoader as Loader  # type: ignore[assignment]


class CRDLoader(Loader):  # type: ignore[misc,valid-type]
    """YAML as Kubernetes reads CRDs: a plain `=` is a string (an enum value of AlertmanagerConfig),
    not YAML 1.1's `value` tag."""

    yaml_implicit_resolvers = {
        first: [(tag, regexp) for tag, regexp in resolvers if tag != "tag:yaml.org,2002:value"]
        for first, resolvers in Loader.yaml_implicit_resolvers.items()
    }


SCHEMAS = Path(__file__).resolve().parent
TABLE = SCHEMAS / "upstream.yaml"
INPUTS = SCHEMAS / "upstream"

JUNCTORS = ("anyOf", "oneOf", "allOf")
KEPT_MARK = "x-kubernetes-preserve-unknown-fields"
FLAG_GROUP = re.compile(r"\(\?([a-zA-Z]+)\)")


class ConvertError(Exception):
    """A CRD or table the converter cannot read; the message names the file and field."""


# --- reduction: the upstream file without its prose ----------------------------------------------


def reduce_crd(crd: dict) -> dict:
    """The CRD with every description removed (schema nodes and printer columns), nothing else."""
    out = dict(crd)
    spec = dict(crd.get("spec", {}))
    versions = []
    for version in spec.get("versions", []):
        version = dict(version)
        if "additionalPrinterColumns" in version:
            version["additionalPrinterColumns"] = [
                {k: v for k, v in column.items() if k != "description"} for column in version["additionalPrinterColumns"]
            ]
        schema = version.get("schema", {}).get("openAPIV3Schema")
        if schema is not None:
            version["schema"] = {**version["schema"], "openAPIV3Schema": _without_descriptions(schema)}
        versions.append(version)
    if versions:
        spec["versions"] = versions
    out["spec"] = spec
    return out


def _without_descriptions(node: Any) -> Any:
    if not isinstance(node, dict):
        return node
    out: dict = {}
    for key, value in node.items():
        if key == "description":
            continue
        if key in ("properties", "patternProperties", "definitions"):
            out[key] = {name: _without_descriptions(sub) for name, sub in value.items()}
        elif key in ("items", "additionalProperties", "not"):
            out[key] = _without_descriptions(value)
        elif key in JUNCTORS:
            out[key] = [_without_descriptions(sub) for sub in value]
        else:
            out[key] = value
    return out


def dump_yaml(doc: dict) -> str:
    return yaml.dump(doc, Dumper=Dumper, sort_keys=False, width=1_000_000, allow_unicode=True, default_flow_style=False)


def load_yaml(text: str, where: str) -> Any:
    try:
        return yaml.load(text, Loader=CRDLoader)
    except yaml.YAMLError as exc:
        raise ConvertError(f"{where}: not YAML: {exc}") from None


# --- conversion: one CRD -> strict JSON schemas --------------------------------------------------


def convert_crd(crd: dict, where: str = "CRD") -> dict[tuple[str, str, str], dict]:
    """{(group, version, kind): schema} for every served version of one CRD."""
    if not isinstance(crd, dict) or crd.get("kind") != "CustomResourceDefinition":
        raise ConvertError(f"{where}: kind: not a CustomResourceDefinition")
    spec = crd.get("spec") or {}
    group, kind = spec.get("group"), (spec.get("names") or {}).get("kind")
    if not group or not kind:
        raise ConvertError(f"{where}: spec.group and spec.names.kind are required")
    out = {}
    for index, version in enumerate(spec.get("versions") or []):
        if not version.get("served"):
            continue
        schema = (version.get("schema") or {}).get("openAPIV3Schema")
        if not isinstance(schema, dict):
            raise ConvertError(f"{where}: spec.versions[{index}].schema.openAPIV3Schema: missing")
        out[(group, version["name"], kind)] = _strict(schema, f"{where}: spec.versions[{index}].schema.openAPIV3Schema", True)
    if not out:
        raise ConvertError(f"{where}: spec.versions: no served version")
    return out


def _strict(node: Any, path: str, structural: bool) -> Any:
    """One schema node converted; `structural` is False under anyOf/oneOf/allOf/not."""
    if not isinstance(node, dict):
        return node
    out: dict = {}
    for key, value in node.items():
        if key == "description" or key == "nullable" or key == "x-kubernetes-int-or-string":
            continue
        if key.startswith("x-kubernetes-") and key != KEPT_MARK:
            continue
        if key == "properties":
            out[key] = {name: _strict(sub, f"{path}.{name}", structural) for name, sub in value.items()}
        elif key in ("items", "additionalProperties"):
            out[key] = _strict(value, f"{path}.{key}", structural)
        elif key == "not":
            out[key] = _strict(value, f"{path}.not", False)
        elif key in JUNCTORS:
            out[key] = [_strict(sub, f"{path}.{key}[{i}]", False) for i, sub in enumerate(value)]
        elif key == "pattern":
            out[key] = python_pattern(value, f"{path}.pattern")
        else:
            out[key] = value
    if node.get("x-kubernetes-int-or-string"):
        out["anyOf"] = [{"type": "integer"}, {"type": "string"}]
    if node.get("nullable"):
        if isinstance(out.get("type"), str):
            out["type"] = [out["type"], "null"]
        if "enum" in out and None not in out["enum"]:
            out["enum"] = [*out["enum"], None]
    if structural and "properties" in out and "additionalProperties" not in out and not node.get(KEPT_MARK):
        out["additionalProperties"] = False
    return out


def python_pattern(pattern: str, where: str) -> str:
    """An RE2 pattern as Python's `re` reads it. RE2 lets a flag group stand anywhere and apply
    to the end of the group around it (`((?i)may|june)`); Python allows one only at the start,
    so it becomes a scoped group over the same span (`((?i:may|june))`)."""
    while (match := FLAG_GROUP.search(pattern, 1)) is not None:
        end = _group_end(pattern, match.end())
        pattern = f"{pattern[:match.start()]}(?{match.group(1)}:{pattern[match.end():end]}){pattern[end:]}"
    try:
        re.compile(pattern)
    except re.error as exc:
        raise ConvertError(f"{where}: {pattern!r} is not a regular expression Python can check ({exc})") from None
    return pattern


def _group_end(pattern: str, index: int) -> int:
    """Where the group around `index` closes (its `)`), or the end of the pattern."""
    depth, in_class = 0, False
    while index < len(pattern):
        char = pattern[index]
        if char == "\\":
            index += 2
            continue
        if in_class:
            in_class = char != "]"
        elif char == "[":
            in_class = True
            if pattern[index + 1:index + 2] == "]":  # a leading ] is a member, not the end
                index += 1
        elif char == "(":
            depth += 1
        elif char == ")":
            if depth == 0:
                return index
            depth -= 1
        index += 1
    return len(pattern)


def schema_text(schema: dict) -> str:
    return json.dumps(schema, indent=2, sort_keys=True, ensure_ascii=False) + "\n"


# --- the table and the tree ----------------------------------------------------------------------


def read_table(table: Path = TABLE) -> list[dict]:
    doc = load_yaml(table.read_text(encoding="utf-8"), str(table))
    operators = doc.get("operators") if isinstance(doc, dict) else None
    if not isinstance(operators, list) or not operators:
        raise ConvertError(f"{table}: operators: a list of pinned releases is required")
    for i, operator in enumerate(operators):
        for field in ("name", "repository", "tag", "commit", "crds"):
            if not operator.get(field):
                raise ConvertError(f"{table}: operators[{i}].{field}: required")
        for j, crd in enumerate(operator["crds"]):
            for field in ("path", "sha256"):
                if not crd.get(field):
                    raise ConvertError(f"{table}: operators[{i}].crds[{j}].{field}: required")
    return operators


def input_file(operator: dict, crd: dict, inputs: Path = INPUTS) -> Path:
    return inputs / operator["name"] / Path(crd["path"]).name


def convert_all(table: Path = TABLE, inputs: Path = INPUTS) -> dict[str, str]:
    """{relative path under schemas/: text} of every schema the pinned CRDs give."""
    out: dict[str, str] = {}
    for operator in read_table(table):
        for crd in operator["crds"]:
            path = input_file(operator, crd, inputs)
            if not path.is_file():
                raise ConvertError(f"{table}: {operator['name']} {crd['path']}: {path} is missing (run `reduce`)")
            doc = load_yaml(path.read_text(encoding="utf-8"), str(path))
            for (group, version, kind), schema in convert_crd(doc, str(path)).items():
                name = f"{group}/{version}/{kind.lower()}.json"
                if name in out:
                    raise ConvertError(f"{path}: {kind} {group}/{version} is also defined by another CRD")
                out[name] = schema_text(schema)
    return dict(sorted(out.items()))


def written(root: Path = SCHEMAS) -> dict[str, str]:
    """The schemas in the tree now (every `<group>/<version>/<kind>.json`)."""
    return {p.relative_to(root).as_posix(): p.read_text(encoding="utf-8") for p in sorted(root.glob("*/*/*.json"))}


def write(schemas: dict[str, str], root: Path = SCHEMAS) -> list[str]:
    """Make the tree hold exactly `schemas`; returns what changed."""
    now = written(root)
    changed = []
    for name in sorted(set(now) - set(schemas)):
        (root / name).unlink()
        changed.append(f"removed {name}")
    for name, text in schemas.items():
        if now.get(name) != text:
            (root / name).parent.mkdir(parents=True, exist_ok=True)
            (root / name).write_text(text, encoding="utf-8")
            changed.append(f"{'changed' if name in now else 'added'} {name}")
    return changed


# --- taking a new release ------------------------------------------------------------------------


def reduce_release(name: str, git_dir: Path, tag: str, table: Path = TABLE, inputs: Path = INPUTS) -> list[str]:
    """Reduce OPERATOR's CRD files at TAG from a git clone into upstream/, and pin TAG in the table."""
    operators = read_table(table)
    matches = [o for o in operators if o["name"] == name]
    if not matches:
        raise ConvertError(f"{table}: no operator named {name!r} ({', '.join(o['name'] for o in operators)})")
    operator = matches[0]

    def git(*args: str) -> bytes:
        result = subprocess.run(["git", "-C", str(git_dir), *args], capture_output=True)
        if result.returncode != 0:
            raise ConvertError(f"{git_dir}: git {' '.join(args)}: {result.stderr.decode().strip()}")
        return result.stdout

    operator["tag"] = tag
    operator["commit"] = git("rev-parse", f"{tag}^{{commit}}").decode().strip()
    done = []
    for crd in operator["crds"]:
        if git("ls-tree", tag, "--", crd["path"]).startswith(b"120000"):
            raise ConvertError(f"{crd['path']} at {tag} is a symbolic link; list the file it points to")
        raw = git("show", f"{tag}:{crd['path']}")
        crd["sha256"] = hashlib.sha256(raw).hexdigest()
        reduced = reduce_crd(load_yaml(raw.decode("utf-8"), f"{crd['path']}@{tag}"))
        convert_crd(reduced, f"{crd['path']}@{tag}")  # refuse what would not convert before writing
        target = input_file(operator, crd, inputs)
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(dump_yaml(reduced), encoding="utf-8")
        done.append(f"{target.relative_to(inputs.parent)} <- {crd['path']}@{tag}")
    table.write_text(table_text(operators), encoding="utf-8")
    return done


TABLE_HEADER = """\
# The operator releases whose CRDs make the schemas of schemas/, one pinned release each.
# Every CRD file listed is committed reduced to structure (descriptions removed) as
# upstream/<operator>/<file name>; sha256 is that of the file as published at the tag.
# `python schemas/convert.py reduce OPERATOR GIT_DIR TAG` rewrites an entry (schemas/README.md).
"""


def table_text(operators: list[dict]) -> str:
    return TABLE_HEADER + dump_yaml({"operators": operators})


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="schemas/convert.py", description=__doc__.split("\n\n")[0])
    parser.add_argument("--check", action="store_true", help="compare only: exit 1 if schemas/ differs")
    sub = parser.add_subparsers(dest="command")
    reduce = sub.add_parser("reduce", help="take an operator's CRDs at a release tag from a git clone")
    reduce.add_argument("operator")
    reduce.add_argument("git_dir", type=Path)
    reduce.add_argument("tag")
    args = parser.parse_args(argv)
    try:
        if args.command == "reduce":
            for line in reduce_release(args.operator, args.git_dir, args.tag):
                print(line)
            print("now run: python schemas/convert.py, and review the diff of schemas/")
            return 0
        schemas = convert_all()
        if args.check:
            now = written()
            differ = sorted(n for n in set(now) | set(schemas) if now.get(n) != schemas.get(n))
            for name in differ:
                print(f"differs: {name}")
            print(f"schemas/: {len(schemas)} schemas, {len(differ)} differ")
            return 1 if differ else 0
        changed = write(schemas)
        for line in changed:
            print(line)
        print(f"schemas/: {len(schemas)} schemas, {len(changed)} changed")
        return 0
    except ConvertError as exc:
        print(f"convert: error: {exc}", file=sys.stderr)
        return 2


if __name__ == "__main__":
    sys.exit(main())
