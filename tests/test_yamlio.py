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
        if path.parts[0] != "rendered":
            continue
        text = content.decode()
        assert yamlio.load(text) == yaml.load(text, Loader=yaml.CSafeLoader), path
