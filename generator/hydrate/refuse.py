"""What a hydrated release may not reach: Helm hooks, and template functions whose output changes
from one render to the next or depends on a cluster (random strings, generated keys and
certificates, the time, `lookup`, DNS). The committed objects must be what any later `helm
template` of the locked chart with the recorded values prints.

The functions are refused where their result reaches an object, not where they are written or
merely called (the Bitnami charts compute a `randAlphaNum` password for a Secret that
`existingSecret` suppresses): gen renders the chart twice, as it is and as a sentinel copy in which
each such call returns a marker of a usable type (`print "gen-refused:<function>" ...` for a
string, `dict "Cert" "gen-refused:<function>" ...` for a key or certificate, `dict
"gen-refused:lookup" ...` for `lookup`). Where no result is used the two renders are equal; where
one is, the marker is printed or the objects differ, and the release is refused. Objects carrying `helm.sh/hook` are refused: Argo CD would run a pre-upgrade hook on every
sync.
"""

from __future__ import annotations

import atexit
import re
import shutil
import tempfile
from functools import cache
from pathlib import Path

from generator.errors import RenderError

FUNCTIONS = ("randAlphaNum", "randAlpha", "randNumeric", "randAscii", "randBytes", "randInt", "uuidv4", "shuffle",
             "genCA", "genCAWithKey", "genPrivateKey", "genSelfSignedCert", "genSelfSignedCertWithKey",
             "genSignedCert", "genSignedCertWithKey", "htpasswd", "bcrypt", "encryptAES", "now", "lookup",
             "getHostByName")
MARKER = "gen-refused:"
HOOK = "helm.sh/hook"
_ACTION = re.compile(r"\{\{.*?\}\}", re.S)
_STRING = re.compile(r'("(?:[^"\\]|\\.)*"|`[^`]*`)')
_CALL = re.compile(r"(?<![.$\w])(" + "|".join(sorted(FUNCTIONS, key=len, reverse=True)) + r")(?![\w.])")


def replacement(function: str) -> str:
    marker = f'"{MARKER}{function}"'
    if function.startswith("gen") or function == "lookup":
        return f'dict "Cert" {marker} "Key" {marker}' if function != "lookup" else f"dict {marker}"
    return f"print {marker}"


def sentinel_template(text: str) -> str:
    """Every call of a refused function inside `{{ }}` (outside string literals) made a marker."""
    def action(match: re.Match[str]) -> str:
        pieces = _STRING.split(match.group(0))
        return "".join(p if i % 2 else _CALL.sub(lambda m: replacement(m.group(1)), p) for i, p in enumerate(pieces))

    return _ACTION.sub(action, text)


@cache
def sentinel(folder: str, tree: str) -> Path:
    """A copy of the chart (for this process, per version of its files: `tree`, the lock's digest)
    whose templates call no refused function."""
    from generator.render.build import scratch_prefix  # here: build imports this module

    # named as a render's workspaces (gen-kustomize-<pid>-...): removed when this process ends, or
    # by the next render's sweep if it was killed
    scratch = Path(tempfile.mkdtemp(prefix=scratch_prefix() + "sentinel-"))
    atexit.register(shutil.rmtree, scratch, True)
    copy = scratch / Path(folder).name
    shutil.copytree(folder, copy)
    for path in copy.rglob("*"):
        if path.is_file() and "templates" in path.relative_to(copy).parts:
            text = path.read_text(encoding="utf-8")
            changed = sentinel_template(text)
            if changed != text:
                path.write_text(changed, encoding="utf-8")
    return copy


def refusals(release: str, real: dict[str, str], sentinel: dict[str, str]) -> list[str]:
    """What the sentinel render shows that gen refuses, one line per template."""
    found = []
    for template in sorted(set(real) | set(sentinel)):
        text = sentinel.get(template, "")
        functions = sorted(set(re.findall(re.escape(MARKER) + r"(\w+)", text)))
        if functions or text != real.get(template, ""):
            what = ", ".join(functions) or f"one of {', '.join(FUNCTIONS)}"
            found.append(f"release {release}: {template} uses the result of {what} (it would change from render to "
                         "render or depend on the cluster); set the values that avoid it (an existingSecret, a certificate Secret)")
    return found


def refuse(release: str, problems: list[str]) -> None:
    if problems:
        raise RenderError("; ".join(problems))


def hook(obj: dict) -> str | None:
    annotations = (obj.get("metadata") or {}).get("annotations") or {}
    return annotations.get(HOOK)
