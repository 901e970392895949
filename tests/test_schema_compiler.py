"""The compiled validator agrees with `jsonschema` (the reference implementation) on every
rendered object and on thousands of mutated ones; and the project's CRD schemas are sound."""

from __future__ import annotations

import copy
import json
import random
from importlib.resources import files
from pathlib import Path

import jsonschema
import pytest
from referencing import Registry, Resource

from generator.errors import GenError
from generator.validation.compiler import Compiler, SchemaCompileError
from generator.validation.schemas import SchemaStore
from tests.conftest import PROJECT

VERSION = "1.33"
ROOT = files("kubernetes_validate") / "kubernetes-json-schema" / f"v{VERSION}.0-local-strict"
STORE = SchemaStore(VERSION, PROJECT / "schemas")
EAGER = SchemaStore(VERSION, PROJECT / "schemas", eager=True)  # every branch compiled up front


def reference(api_version: str, kind: str) -> jsonschema.Draft202012Validator:
    group, _, version = api_version.rpartition("/")
    name = f"{kind.lower()}-{group.split('.')[0]}-{version}.json" if group else f"{kind.lower()}-{version}.json"
    schema = json.loads((ROOT / name).read_text())
    definitions = json.loads((ROOT / "_definitions.json").read_text())
    registry = Registry().with_resource("https://kubernetes.io/api/_definitions.json", Resource.from_contents(definitions))
    return jsonschema.Draft202012Validator(schema, registry=registry)


def mutations(obj: dict, rng: random.Random) -> list[dict]:
    """Small edits of the kinds people make: a misspelled key, a wrong type, a lost field."""
    paths: list[tuple] = []

    def walk(node, path):
        paths.append(path)
        if isinstance(node, dict):
            for k, v in node.items():
                walk(v, path + (k,))
        elif isinstance(node, list):
            for i, v in enumerate(node):
                walk(v, path + (i,))

    walk(obj, ())
    out = []
    for _ in range(12):
        path = rng.choice(paths[1:])
        mutated = copy.deepcopy(obj)
        parent = mutated
        for step in path[:-1]:
            parent = parent[step]
        leaf = path[-1]
        choice = rng.randrange(4)
        if choice == 0 and isinstance(parent[leaf], dict):
            parent[leaf][str(leaf) + "Typo"] = 1
        elif choice == 1 and isinstance(parent[leaf], (int, bool)) and not isinstance(parent[leaf], bool):
            parent[leaf] = str(parent[leaf])
        elif choice == 2 and isinstance(parent, dict):
            del parent[leaf]
        else:
            parent[leaf] = [] if not isinstance(parent[leaf], list) else {}
        out.append(mutated)
    return out


def test_compiled_and_reference_agree_on_rendered_and_mutated_objects(objects):
    rng = random.Random(20261126)
    compared = invalid = 0
    references: dict[tuple[str, str], jsonschema.Draft202012Validator] = {}
    for path, obj in sorted(objects.items()):
        if "." in obj["apiVersion"].split("/")[0]:
            continue  # custom resources: the project's own schemas, tested below
        key = (obj["apiVersion"], obj["kind"])
        ref = references.setdefault(key, reference(*key))
        ours = STORE.validator(*key)
        for candidate in [obj, *mutations(obj, rng)]:
            expected = ref.is_valid(candidate)
            got = not ours.problems(candidate)
            assert got == expected, (path, list(ref.iter_errors(candidate))[:1], ours.problems(candidate)[:1])
            compared += 1
            invalid += not expected
    assert compared > 5000 and invalid > 1000


def test_unsupported_keywords_are_refused_when_compiling():
    with pytest.raises(SchemaCompileError, match="unevaluatedProperties"):
        Compiler(lambda ref: {}).compile({"type": "object", "unevaluatedProperties": False})


def test_recursive_refs_compile():
    defs = {"node": {"type": "object", "properties": {"child": {"$ref": "#/$defs/node"}}, "additionalProperties": False}}
    check = Compiler(lambda ref: defs[ref.split("/")[-1]]).compile({"$ref": "#/$defs/node"})
    assert check({"child": {"child": {"chld": {}}}}) == [(("child", "child", "chld"), "unknown field")]
    assert check({"child": {"child": {}}}) is None


class Text(str):
    """A str subclass: a loader other than gen's may hand one over; it is still a JSON string."""


@pytest.mark.parametrize(("types", "value", "ok"), [
    ("integer", 3, True), ("integer", 3.0, True), ("integer", 3.5, False), ("integer", True, False),
    ("number", 3, True), ("number", 3.5, True), ("number", False, False), ("number", "3", False),
    ("boolean", True, True), ("boolean", 0, False), ("string", Text("x"), True), ("string", None, False),
    (["string", "null"], None, True), (["string", "null"], 1, False), (["integer", "string"], 2.0, True),
    ("object", {}, True), ("object", [], False), ("array", [], True), ("array", (), False), ("null", None, True),
])
def test_type_keyword_follows_json_types_not_python_types(types, value, ok):
    """The compiled `type` test agrees with jsonschema, including Python's bool-is-an-int and a
    float with no fraction counting as an integer."""
    schema = {"type": types}
    check = Compiler(lambda ref: {}).compile(schema)
    assert (not check(value)) is ok
    assert jsonschema.Draft202012Validator(schema).is_valid(value) is ok


def test_every_kind_the_project_renders_compiles_whole(objects):
    """Validation compiles a property's schema when an object first uses it; compiled whole, every
    kind's schema uses only supported keywords, so no object can meet one that fails later."""
    kinds = sorted({(o["apiVersion"], o["kind"]) for o in objects.values()})
    assert len(kinds) >= 15
    for kind in kinds:
        EAGER.validator(*kind)


def test_a_schema_part_that_cannot_compile_is_named_when_an_object_reaches_it(tmp_path):
    schemas = tmp_path / "schemas" / "example.com" / "v1"
    schemas.mkdir(parents=True)
    (schemas / "widget.json").write_text(json.dumps({
        "type": "object", "additionalProperties": False,
        "properties": {"apiVersion": {"type": "string"}, "kind": {"type": "string"}, "metadata": {"type": "object"},
                       "spec": {"type": "object", "unevaluatedProperties": False}},
    }))
    validator = SchemaStore(VERSION, tmp_path / "schemas").validator("example.com/v1", "Widget")
    assert validator.problems({"apiVersion": "example.com/v1", "kind": "Widget"}) == []  # spec not reached
    with pytest.raises(GenError, match=r"widget\.json: unsupported keyword\(s\) \['unevaluatedProperties'\]"):
        validator.problems({"apiVersion": "example.com/v1", "kind": "Widget", "spec": {}})
    with pytest.raises(GenError, match="unevaluatedProperties"):
        SchemaStore(VERSION, tmp_path / "schemas", eager=True).validator("example.com/v1", "Widget")


CUSTOM = sorted((PROJECT / "schemas").glob("*/*/*.json"))


@pytest.mark.parametrize("path", CUSTOM, ids=[str(p.relative_to(PROJECT / "schemas")) for p in CUSTOM])
def test_project_schemas_are_valid_strict_and_compile(path: Path):
    schema = json.loads(path.read_text())
    jsonschema.Draft202012Validator.check_schema(schema)
    group, version, kind = path.relative_to(PROJECT / "schemas").with_suffix("").parts
    assert schema["additionalProperties"] is False
    EAGER.validator(f"{group}/{version}", kind)  # every branch compiles, used or not
    validator = STORE.validator(f"{group}/{version}", kind)
    # the metadata of a custom resource is checked as Kubernetes' ObjectMeta
    problems = validator.problems({"apiVersion": f"{group}/{version}", "kind": kind, "metadata": {"nmae": "x"}, "spc": {}})
    assert (("metadata", "nmae"), "unknown field") in problems
    assert (("spc",), "unknown field") in problems


EXAMPLES = sorted((PROJECT / "tests" / "fixtures" / "custom-resources").glob("*.yaml"))


@pytest.mark.parametrize("path", EXAMPLES, ids=[p.stem for p in EXAMPLES])
def test_realistic_custom_resources_pass_and_a_misspelled_field_fails(path: Path):
    from generator import yamlio

    obj = yamlio.load(path.read_text())
    validator = STORE.validator(obj["apiVersion"], obj["kind"])
    assert validator.problems(obj) == []
    typo = copy.deepcopy(obj)
    typo["spec"]["specTypo"] = True
    assert validator.problems(typo) == [(("spec", "specTypo"), "unknown field")]
