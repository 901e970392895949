"""Which strings gen can write, and how it quotes them so every YAML reader reads them back equal.

kustomize (go-yaml) refuses to print DEL, the C1 controls, U+FFFE and U+FFFF ("control
characters are not allowed"), turns U+0085 (NEXT LINE) into a space, and no UTF-8 file can hold
a lone surrogate: a string holding one of these is refused by name before anything is written.
Every other string is written as YAML's double-quoted form of JSON's escapes, with the characters
YAML 1.1 reads as line breaks or a byte order mark (U+2028, U+2029, U+FEFF) escaped as well.
"""

from __future__ import annotations

import json
import re
import unicodedata

UNWRITABLE = re.compile("[\x7f-\x9f\ud800-\udfff\ufffe\uffff]")
_BREAKS = re.compile("[\u2028\u2029\ufeff]")


def unwritable(value: str) -> str | None:
    """The first character of `value` that cannot pass through kustomize unchanged, named; or None."""
    found = UNWRITABLE.search(value)
    if found is None:
        return None
    char = found.group()
    code = ord(char)
    name = unicodedata.name(char, "") or _CONTROL_NAMES.get(char) or (
        "a control character" if code < 0xD800 else "a lone surrogate" if code < 0xE000 else "not a character"
    )
    return f"U+{ord(char):04X} ({name})"


# strings kustomize writes unquoted (go-yaml's YAML 1.2 has no such tags) that YAML 1.1 readers
# (PyYAML, and what reads the rendered files with it) then read as a tag, not a string
UNQUOTED_BY_KUSTOMIZE = {"=": "YAML 1.1's value key", "<<": "YAML 1.1's merge key"}


def unquoted_by_kustomize(value: str) -> str | None:
    """Why `value` would not read back as itself from kustomize's output, or None."""
    tag = UNQUOTED_BY_KUSTOMIZE.get(value)
    return f"{value!r} (kustomize writes it unquoted, and PyYAML then reads {tag}, not a string)" if tag else None


_CONTROL_NAMES = {"\x7f": "DELETE", "\x85": "NEXT LINE"}


def quoted(value: str) -> str:
    """`value` as a double-quoted YAML scalar (the caller has refused unwritable strings)."""
    return _BREAKS.sub(lambda m: f"\\u{ord(m.group()):04X}", json.dumps(value, ensure_ascii=False))
