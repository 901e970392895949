"""schemas/: the converter reproduces the committed schemas from the pinned CRDs, its rules hold
on a small CRD, and the schemas judge real custom resources the way the operators' CRDs do."""

from __future__ import annotations

import copy
import importlib.util
import json
from pathlib import Path

import pytest

from generator.validation.schemas import SchemaStore

PROJECT = Path(__file__).resolve().parents[1]
SCHEMAS = PROJECT / "schemas"

_spec = importlib.util.spec_from_file_location("convert", SCHEMAS / "convert.py")
convert = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(convert)


# --- the committed tree is the conversion of the committed inputs --------------------------------


def test_schemas_are_the_conversion_of_the_pinned_crds_byte_for_byte():
    expected = convert.convert_all()
    assert list(convert.written()) == list(expected)
    for name, text in expected.items():
        assert (SCHEMAS / name).read_text(encoding="utf-8") == text, f"{name}: run python schemas/convert.py"


def test_every_kind_the_platform_renders_has_a_pinned_source():
    names = set(convert.convert_all())
    for name in (
        "argoproj.io/v1alpha1/application.json", "argoproj.io/v1alpha1/appproject.json",
        "argoproj.io/v1alpha1/applicationset.json",
        "external-secrets.io/v1/externalsecret.json", "external-secrets.io/v1/secretstore.json",
        "external-secrets.io/v1/clustersecretstore.json",
        "cert-manager.io/v1/certificate.json", "cert-manager.io/v1/issuer.json", "cert-manager.io/v1/clusterissuer.json",
        "monitoring.coreos.com/v1/servicemonitor.json", "monitoring.coreos.com/v1/podmonitor.json",
        "monitoring.coreos.com/v1/prometheusrule.json", "monitoring.coreos.com/v1alpha1/alertmanagerconfig.json",
        "scylla.scylladb.com/v1/scyllacluster.json",
    ):
        assert name in names


def test_the_table_pins_a_release_tag_and_lists_exactly_the_committed_inputs():
    operators = convert.read_table()
    assert {o["name"] for o in operators} == {
        "argo-cd", "external-secrets", "cert-manager", "prometheus-operator", "scylla-operator",
    }
    listed = set()
    for operator in operators:
        assert operator["tag"].startswith("v") and len(operator["commit"]) == 40
        for crd in operator["crds"]:
            assert len(crd["sha256"]) == 64
            listed.add(convert.input_file(operator, crd))
    assert listed == set((SCHEMAS / "upstream").glob("*/*.yaml"))


@pytest.mark.parametrize("path", sorted((SCHEMAS / "upstream").glob("*/*.yaml")), ids=lambda p: p.name)
def test_committed_inputs_are_reduced_to_structure(path: Path):
    text = path.read_text(encoding="utf-8")
    crd = convert.load_yaml(text, str(path))
    assert convert.reduce_crd(crd) == crd  # no description left anywhere reduction looks
    assert convert.dump_yaml(crd) == text  # and written the way `reduce` writes


# --- the rules, on a small CRD --------------------------------------------------------------------

SMALL_CRD = """\
apiVersion: apiextensions.k8s.io/v1
kind: CustomResourceDefinition
metadata:
  name: widgets.example.com
spec:
  group: example.com
  names: {kind: Widget, plural: widgets}
  scope: Namespaced
  versions:
  - name: v1beta1
    served: false
    storage: false
    schema:
      openAPIV3Schema: {type: object}
  - name: v1
    served: true
    storage: true
    additionalPrinterColumns:
    - {jsonPath: .spec.size, name: Size, type: string, description: How big the widget is.}
    schema:
      openAPIV3Schema:
        description: A widget, with prose that must not reach the schema.
        type: object
        properties:
          apiVersion: {type: string, description: The version.}
          kind: {type: string}
          metadata: {type: object}
          spec:
            type: object
            description: What the widget should be.
            required: [size]
            properties:
              description: {type: string, description: A field called description is kept.}
              size:
                x-kubernetes-int-or-string: true
                anyOf: [{type: integer}, {type: string}]
                pattern: ^(?i)(small|large)$
              parent:
                type: string
                nullable: true
              mode:
                type: string
                nullable: true
                enum: [fast, slow]
              labels:
                type: object
                additionalProperties: {type: string}
              values:
                type: object
                x-kubernetes-preserve-unknown-fields: true
                properties:
                  known: {type: string}
              empty: {type: object}
              items:
                type: array
                x-kubernetes-list-type: map
                items:
                  type: object
                  properties:
                    name: {type: string}
              choice:
                type: object
                properties:
                  a: {type: string}
                  b: {type: string}
                oneOf:
                - properties: {a: {type: string, description: One of them.}}
                  required: [a]
                - required: [b]
                x-kubernetes-validations:
                - {rule: has(self.a) || has(self.b), message: a or b}
"""

SMALL_SCHEMA = {
    "type": "object",
    "additionalProperties": False,
    "properties": {
        "apiVersion": {"type": "string"},
        "kind": {"type": "string"},
        "metadata": {"type": "object"},
        "spec": {
            "type": "object",
            "additionalProperties": False,
            "required": ["size"],
            "properties": {
                "description": {"type": "string"},
                "size": {"anyOf": [{"type": "integer"}, {"type": "string"}], "pattern": "^(?i:(small|large)$)"},
                "parent": {"type": ["string", "null"]},
                "mode": {"type": ["string", "null"], "enum": ["fast", "slow", None]},
                "labels": {"type": "object", "additionalProperties": {"type": "string"}},
                "values": {
                    "type": "object",
                    "x-kubernetes-preserve-unknown-fields": True,
                    "properties": {"known": {"type": "string"}},
                },
                "empty": {"type": "object"},
                "items": {
                    "type": "array",
                    "items": {"type": "object", "additionalProperties": False, "properties": {"name": {"type": "string"}}},
                },
                "choice": {
                    "type": "object",
                    "additionalProperties": False,
                    "properties": {"a": {"type": "string"}, "b": {"type": "string"}},
                    "oneOf": [{"properties": {"a": {"type": "string"}}, "required": ["a"]}, {"required": ["b"]}],
                },
            },
        },
    },
}


def test_the_conversion_closes_objects_keeps_maps_and_preserved_nodes_open_and_drops_prose():
    crd = convert.load_yaml(SMALL_CRD, "small")
    assert convert.convert_crd(crd, "small") == {("example.com", "v1", "Widget"): SMALL_SCHEMA}


def keywords(node) -> set[str]:
    """The keywords of a schema and its subschemas (not the names of its properties)."""
    if not isinstance(node, dict):
        return set()
    found = set(node)
    for name, sub in node.items():
        if name == "properties":
            for prop in sub.values():
                found |= keywords(prop)
        elif name in ("items", "additionalProperties", "not"):
            found |= keywords(sub)
        elif name in ("anyOf", "oneOf", "allOf"):
            for branch in sub:
                found |= keywords(branch)
    return found


def test_the_full_upstream_file_and_its_reduction_convert_alike():
    crd = convert.load_yaml(SMALL_CRD, "small")
    reduced = convert.reduce_crd(crd)
    schema = reduced["spec"]["versions"][1]["schema"]["openAPIV3Schema"]
    assert "description" in keywords(crd["spec"]["versions"][1]["schema"]["openAPIV3Schema"])
    assert "description" not in keywords(schema)
    assert schema["properties"]["spec"]["properties"]["description"] == {"type": "string"}
    assert reduced["spec"]["versions"][1]["additionalPrinterColumns"] == [{"jsonPath": ".spec.size", "name": "Size", "type": "string"}]
    assert convert.convert_crd(reduced) == convert.convert_crd(crd)
    assert convert.load_yaml(convert.dump_yaml(reduced), "reduced") == reduced


def test_the_converted_schema_judges_like_the_api_server(tmp_path: Path):
    (tmp_path / "example.com" / "v1").mkdir(parents=True)
    (tmp_path / "example.com" / "v1" / "widget.json").write_text(
        convert.schema_text(SMALL_SCHEMA), encoding="utf-8"
    )
    widget = SchemaStore("1.33", tmp_path).validator("example.com/v1", "Widget")

    def problems(spec: dict) -> list:
        return widget.problems({"apiVersion": "example.com/v1", "kind": "Widget", "metadata": {"name": "w"}, "spec": spec})

    assert problems({"size": 3, "parent": None, "mode": None, "values": {"anything": [1]}, "empty": {"x": 1}, "choice": {"a": "x"}}) == []
    assert problems({"size": "LARGE"}) == []  # RE2's (?i) still ignores case
    assert problems({"size": "huge"}) == [(("spec", "size"), "'huge' does not match '^(?i:(small|large)$)'")]
    assert problems({"size": 1, "sizee": 2}) == [(("spec", "sizee"), "unknown field")]
    assert problems({"size": 1, "items": [{"name": "a", "nmae": "b"}]}) == [(("spec", "items", 0, "nmae"), "unknown field")]
    assert problems({"size": 1.5}) != []
    assert problems({"size": 1, "mode": "medium"}) != []


@pytest.mark.parametrize("re2,python", [
    ("^(?i)(abort|warn)?$", "^(?i:(abort|warn)?$)"),
    ("^((?i)may|june)$", "^((?i:may|june))$"),
    ("^((?i)a|[)(]b)(c)$", "^((?i:a|[)(]b))(c)$"),
    ("(?i)^a$", "(?i)^a$"),
    ("^[a-z]+$", "^[a-z]+$"),
])
def test_re2_flag_groups_become_scoped_groups(re2: str, python: str):
    assert convert.python_pattern(re2, "p") == python


# --- bad input: one line naming the file and field ------------------------------------------------


def test_a_table_without_a_tag_is_refused_naming_the_field(tmp_path: Path):
    table = tmp_path / "upstream.yaml"
    table.write_text(
        (SCHEMAS / "upstream.yaml").read_text(encoding="utf-8").replace("  tag: v1.21.1\n", "", 1), encoding="utf-8"
    )
    with pytest.raises(convert.ConvertError, match=r"upstream.yaml: operators\[2\]\.tag: required$"):
        convert.read_table(table)


def test_a_crd_with_no_served_version_is_refused():
    crd = convert.load_yaml(SMALL_CRD.replace("served: true", "served: false"), "small")
    with pytest.raises(convert.ConvertError, match="^small: spec.versions: no served version$"):
        convert.convert_crd(crd, "small")


def test_the_command_checks_the_tree_and_exits_1_when_it_differs(capsys, monkeypatch):
    assert convert.main(["--check"]) == 0
    assert capsys.readouterr().out.endswith(" schemas, 0 differ\n")
    monkeypatch.setattr(convert, "written", lambda: {})
    assert convert.main(["--check"]) == 1
    assert "differs: argoproj.io/v1alpha1/application.json" in capsys.readouterr().out


# --- the upstream schemas on real custom resources --------------------------------------------------

STORE = SchemaStore("1.33", SCHEMAS)
FIXTURES = PROJECT / "tests" / "fixtures" / "custom-resources"


def test_vault_iam_session_token_sits_under_secret_ref_as_upstream_has_it():
    from generator import yamlio

    store = yamlio.load((FIXTURES / "clustersecretstore.yaml").read_text())
    store["spec"]["provider"]["vault"]["auth"] = {
        "iam": {"region": "eu-west-1", "vaultRole": "platform", "secretRef": {"sessionTokenSecretRef": {"name": "aws", "key": "token"}}},
    }
    validator = STORE.validator(store["apiVersion"], store["kind"])
    assert validator.problems(store) == []
    moved = copy.deepcopy(store)
    moved["spec"]["provider"]["vault"]["auth"]["iam"] = {
        "region": "eu-west-1", "vaultRole": "platform", "sessionTokenSecretRef": {"name": "aws", "key": "token"},
    }
    assert validator.problems(moved) == [
        (("spec", "provider", "vault", "auth", "iam", "sessionTokenSecretRef"), "unknown field"),
    ]


def test_alertmanager_config_validates_and_refuses_a_misspelled_route_field():
    config = {
        "apiVersion": "monitoring.coreos.com/v1alpha1", "kind": "AlertmanagerConfig",
        "metadata": {"name": "rollback", "namespace": "therapeutic-ai"},
        "spec": {
            "route": {"receiver": "on-call", "groupBy": ["alertname"],
                      "matchers": [{"name": "action", "value": "rollback", "matchType": "="}]},
            "receivers": [{"name": "on-call"}],
        },
    }
    validator = STORE.validator(config["apiVersion"], config["kind"])
    assert validator.problems(config) == []
    config["spec"]["route"]["groupBi"] = ["alertname"]
    assert validator.problems(config) == [(("spec", "route", "groupBi"), "unknown field")]


def test_committed_schemas_are_plain_json_with_no_prose():
    for path in sorted(SCHEMAS.glob("*/*/*.json")):
        text = path.read_text(encoding="utf-8")
        assert '"description": "' not in text, path
        assert json.loads(text)["additionalProperties"] is False, path
