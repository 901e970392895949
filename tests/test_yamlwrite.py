"""The one YAML writer round-trips every string it accepts: what gen writes loads back equal with
PyYAML (YAML 1.1), ruamel.yaml (YAML 1.2) and gen's own strict reader, and the real kustomize
passes it through unchanged; a string it cannot carry is refused, naming the character."""

from __future__ import annotations

import re
import subprocess

import pytest
import yaml
from hypothesis import HealthCheck, given, settings, strategies as st
from ruamel.yaml import YAML

from generator import yamlio, yamlquote
from generator.errors import RenderError
from generator.runtime import kubectl

# every code point, surrogates included, with the troublesome ones drawn often
TRICKY = "\x00\t\n\r \x1b\x7f\x85\x9b\xa0\u2028\u2029\ufeff\ufffe\uffff\ud800=<:#-?&*!|>'\"%@`\\"
CHARS = st.one_of(st.characters(codec=None), st.sampled_from(list(TRICKY)))
STRINGS = st.one_of(st.text(CHARS, max_size=12), st.sampled_from(["=", "<<", "yes", "0o17", "1e3", "~", "", "-", "null"]))
WRITABLE = STRINGS.filter(lambda s: yamlquote.unwritable(s) is None)


def ruamel_load(text: str):
    return YAML(typ="safe", pure=True).load(text)


@settings(max_examples=1500, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.dictionaries(STRINGS, STRINGS, max_size=6))
def test_what_gen_writes_reads_back_equal_in_yaml_1_1_and_1_2(data):
    bad = [s for s in [*data, *data.values()] if yamlquote.unwritable(s)]
    if bad:
        with pytest.raises(RenderError, match=r"U\+[0-9A-F]{4}"):
            yamlio.dump(data)
        return
    text = yamlio.dump(data)
    assert yaml.load(text, Loader=yaml.CSafeLoader) == data
    assert ruamel_load(text) == data
    assert yamlio.load(text) == data


@settings(max_examples=300, deadline=None)
@given(st.lists(WRITABLE, min_size=1, max_size=5))
def test_strings_in_lists_and_nested_maps_read_back_equal(items):
    data = {"a": items, "b": {"c": items[0], items[0]: {"d": items}}}
    text = yamlio.dump(data)
    assert yaml.load(text, Loader=yaml.CSafeLoader) == data
    assert ruamel_load(text) == data
    assert yamlio.load(text) == data


@pytest.mark.parametrize("char,name", [("\x85", "U+0085 (NEXT LINE)"), ("\x7f", "U+007F (DELETE)"),
                                       ("\x9b", "U+009B"), ("\ufffe", "U+FFFE"), ("\ud800", "U+D800 (a lone surrogate)")])
def test_what_kustomize_cannot_carry_is_refused_by_name(char, name):
    with pytest.raises(RenderError, match=re.escape(name)):
        yamlio.dump({"key": f"a{char}b"})
    with pytest.raises(RenderError, match=r"U\+"):
        yamlio.dump({f"a{char}b": "value"})


def kustomize_configmap(tmp_path, data: dict[str, str]) -> dict:
    (tmp_path / "kustomization.yaml").write_text("resources:\n- configmap.yaml\n")
    (tmp_path / "configmap.yaml").write_text(
        yamlio.dump({"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "x"}, "data": data}), encoding="utf-8"
    )
    out = subprocess.run([kubectl(), "kustomize", str(tmp_path)], capture_output=True, text=True, encoding="utf-8")
    assert out.returncode == 0, out.stderr
    return yamlio.load(out.stdout)["data"]


KEY = st.from_regex(r"[-._a-zA-Z0-9]{1,20}", fullmatch=True)  # what a ConfigMap key may be


@settings(max_examples=8, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.dictionaries(KEY, WRITABLE, min_size=20, max_size=60))
def test_kustomize_passes_what_gen_writes_through_unchanged(tmp_path, data):
    assert kustomize_configmap(tmp_path, data) == data


def test_a_key_ending_in_a_line_break_is_quoted():
    # `$` matched before a trailing newline, so "A\n" was written plain and the file did not parse
    data = {"A\n": "", "b": "x\n"}
    assert yaml.load(yamlio.dump(data), Loader=yaml.CSafeLoader) == data


def test_kustomize_passes_the_characters_that_broke_before(tmp_path):
    data = {f"k{i}": v for i, v in enumerate(
        ["=", "<<", "a\u2028b", "a\u2029", "\ufeffx", "\x00\x1b\t", "a\r\nb", " \n x", "\U000E0001", "yes", "0o17"])}
    assert kustomize_configmap(tmp_path, data) == data
