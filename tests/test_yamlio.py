"""The lean YAML loader gives exactly what PyYAML's CSafeLoader gives."""

from __future__ import annotations

import pytest
import yaml

from generator import yamlio

TRICKY = [
    "a: 012\nb: 0o17\nc: 0x1F\nd: 1_000\ne: 1:30\nf: -5\ng: +7\nh: 0\n",
    "a: yes\nb: No\nc: on\nd: OFF\ne: true\nf: ~\ng: null\nh: ''\n",
    "a: 1.5\nb: .inf\nc: -.Inf\nd: .nan\ne: 1e3\n",
    "a: 2026-11-26\nb: 2026-11-26T10:00:00Z\n",
    "base: &b {x: 1, y: [1, 2]}\nderived:\n  <<: *b\n  y: 3\n",
    "a: &x [1, 2]\nb: *x\n",
    "1: int key\ntrue: bool key\n",
    "a: !!binary aGVsbG8=\nb: !!str 123\nc: '8090'\nd: \"0.7\"\n",
    "list:\n- name: x\n  value: |\n    line one\n    ---\n    line three\n",
    "",
    "# only a comment\n",
]


@pytest.mark.parametrize("text", TRICKY, ids=range(len(TRICKY)))
def test_tricky_documents(text):
    expected = yaml.load(text, Loader=yaml.CSafeLoader)
    got = yamlio.load(text)
    assert got == expected or (got != got and expected != expected)  # nan
    assert repr(got) == repr(expected)


def test_unhashable_keys_fail_as_pyyaml_fails():
    with pytest.raises(yaml.constructor.ConstructorError):
        yaml.load("? [1, 2]\n: complex key\n", Loader=yaml.CSafeLoader)
    with pytest.raises(yaml.constructor.ConstructorError):
        yamlio.load("? [1, 2]\n: complex key\n")


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
    [], {}, "plain", 7,
]


def test_dump_all_writes_what_load_reads_back(fresh):
    objects = [*WRITTEN, *fresh.objects.values()]
    text = yamlio.dump_all(objects)
    assert [yaml.load(doc, Loader=yaml.CSafeLoader) for doc in text.split("---\n")] == objects


def test_dump_all_is_plain_where_it_can_be():
    assert yamlio.dump({"app.kubernetes.io/name": "api-gateway", "replicas": 3, "image": "r/x:3.0.0",
                        "size": "200Gi", "tag": "3.0.0", "path": "../patches", "float12": "1e3", "octal11": "0123"}) == (
        'app.kubernetes.io/name: api-gateway\nreplicas: 3\nimage: "r/x:3.0.0"\nsize: 200Gi\ntag: 3.0.0\n'
        'path: ../patches\nfloat12: "1e3"\noctal11: "0123"\n'
    )
