"""The lean YAML loader gives exactly what PyYAML's CSafeLoader gives."""

from __future__ import annotations

import pytest
import yaml

from generator import yamlio
from generator.yamlstrict import YamlProblem, decode

# read alike by YAML 1.1 and 1.2 readers: the strict reader gives what CSafeLoader gives
ACCEPTED = [
    "a: 0\nb: -5\nc: 8090\nd: '012'\n",
    "a: true\nb: False\nc: ~\nd: null\ne: ''\nf: 'yes'\n",
    "a: 1.5\nb: .inf\nc: -.Inf\nd: .nan\ne: '1e3'\nf: 1.0e-05\n",
    "a: !!str 123\nc: '8090'\nd: \"0.7\"\n",
    "list:\n- name: x\n  value: |\n    line one\n    ---\n    line three\n",
    "url: 'postgres://h:5432/db?sslmode=verify-full&x=1'\n",
    "",
    "# only a comment\n",
]


@pytest.mark.parametrize("text", ACCEPTED, ids=range(len(ACCEPTED)))
def test_unambiguous_documents_read_as_pyyaml_reads_them(text):
    expected = yaml.load(text, Loader=yaml.CSafeLoader)
    got = yamlio.load(text)
    assert repr(got) == repr(expected)  # repr: nan is not equal to itself


def test_equals_and_merge_signs_as_values_are_strings():
    # kustomize prints these settings unquoted; PyYAML alone cannot construct them
    assert yamlio.load("data:\n  a: =\n  b: <<\n  =: x\n") == {"data": {"a": "=", "b": "<<", "=": "x"}}


# read differently by YAML 1.1 and 1.2 readers, or unsafe: refused with the line and the reason
REFUSED = [
    ("a: 1\nb: 2\na: 3\n", 3, "duplicate key 'a'"),
    ("x:\n  production: {active: blue}\n  production: {active: green}\n", 3, "duplicate key 'production'"),
    ("- {a: 1, a: 2}\n", 1, "duplicate key 'a'"),
    ("a: 012\n", 1, "'012': YAML readers disagree"),
    ("a: 0o17\n", 1, "'0o17'"),
    ("a: 0x1F\n", 1, "'0x1F'"),
    ("a: 1_000\n", 1, "'1_000'"),
    ("a: 1:30\n", 1, "'1:30'"),
    ("a: +7\n", 1, "'+7'"),
    ("a: 1_0.5\n", 1, "'1_0.5'"),
    ("a: 1e3\n", 1, "'1e3'"),
    ("a: yes\n", 1, "'yes' is a boolean in YAML 1.1"),
    ("a: No\n", 1, "'No' is a boolean"),
    ("a: on\n", 1, "'on' is a boolean"),
    ("\n\na: OFF\n", 3, "'OFF' is a boolean"),
    ("a: 2026-11-26\n", 1, "is a date in YAML 1.1"),
    ("a: 2026-11-26T10:00:00Z\n", 1, "is a date"),
    ("base: &b {x: 1}\nderived:\n  <<: *b\n", 1, "anchors and aliases"),
    ("derived:\n  <<: {x: 1}\n", 2, "merge keys (<<) are not supported"),
    ("a: &x [1, 2]\nb: *x\n", 1, "anchors and aliases (&x, *x)"),
    ("1: int key\n", 1, "key '1' reads as int"),
    ("true: bool key\n", 1, "key 'true' reads as bool"),
    ("? [1, 2]\n: complex key\n", 1, "a key must be a string"),
    ("a: !!binary aGVsbG8=\n", 1, "tag tag:yaml.org,2002:binary"),
    ("a: !custom x\n", 1, "tag !custom"),
    ("a: !!set {x}\n", 1, "tag tag:yaml.org,2002:set"),
    ("a: " + "[" * 300 + "]" * 300 + "\n", 1, "nested more than"),
]


@pytest.mark.parametrize("text,line,problem", REFUSED, ids=range(len(REFUSED)))
def test_ambiguous_documents_are_refused_with_their_line(text, line, problem):
    for load in (yamlio.load, yamlio.load_all):
        with pytest.raises(yaml.YAMLError) as caught:
            load(text)
        assert isinstance(caught.value, YamlProblem)
        assert caught.value.line == line
        assert problem in str(caught.value)


def test_duplicate_keys_in_a_later_document_are_refused():
    with pytest.raises(YamlProblem, match="line 4: duplicate key 'b'"):
        yamlio.load_all("a: 1\n---\nb: 1\nb: 2\n")


def test_bytes_that_are_not_utf8_are_refused_with_their_line():
    with pytest.raises(YamlProblem, match="line 2: not UTF-8 \\(byte 0xe9\\)"):
        decode("a: 1\nb: caf\xe9\n".encode("latin-1"))
    assert decode("\ufeffa: 1\n".encode()) == "\ufeffa: 1\n"
    assert yamlio.load(decode("\ufeffa: 1\n".encode())) == {"a": 1}


def test_every_rendered_file(fresh):
    for path, content in fresh.files.items():
        if path.parts[0] != "rendered" or path.suffix != ".yaml":
            continue
        text = content.decode()
        assert yamlio.load(text) == yaml.load(text, Loader=yaml.CSafeLoader), path


WRITTEN = [
    {"a": "yes", "b": "0123", "c": "1e3", "d": "a: b", "e": "#x", "f": "", "g": " lead", "h": "-x", "i": "*x",
     "j": "null", "k": "~", "l": "3.0.0", "m": "line1\nline2", "n": [[1, 2], []], "o": [{"p": {}}], "q": 1.5,
     "r": None, "s": True, "t": "Ünïcode", "key with space": "v", "u": [{"a": 1, "b": [{"c": 2}]}],
     "v": "sha256:abc", "w": "http://x:8200", "x": 1e-05, "y": float("inf"), "z": -3, "on": "off"},
    {"eq": "=", "merge": "<<", "<<": "=", "nel": "a\u2028b\u2029c", "bom": "\ufeffx", "c0": "\x00\x1b\t\r\n",
     "astral": "\U000E0001\U0001F600", "nbsp": "\xa0x\u3000"},
    [], {}, "plain", 7,
]


def test_dump_all_writes_what_load_reads_back(fresh):
    objects = [*WRITTEN, *fresh.objects.values()]
    text = yamlio.dump_all(objects)
    assert [yaml.load(doc, Loader=yaml.CSafeLoader) for doc in text.split("---\n")] == objects
    assert yamlio.load_all(text) == [o for o in objects if o is not None]


def test_dump_all_is_plain_where_it_can_be():
    assert yamlio.dump({"app.kubernetes.io/name": "api-gateway", "replicas": 3, "image": "r/x:3.0.0",
                        "size": "200Gi", "tag": "3.0.0", "path": "../patches", "float12": "1e3", "octal11": "0123"}) == (
        'app.kubernetes.io/name: api-gateway\nreplicas: 3\nimage: "r/x:3.0.0"\nsize: 200Gi\ntag: 3.0.0\n'
        'path: ../patches\nfloat12: "1e3"\noctal11: "0123"\n'
    )
