"""Kubernetes' rules for names, label keys and values, annotations, ConfigMap keys, image
references and integers (apimachinery's validation, distribution's reference grammar): the one
set of validators.

Everything here answers "what is wrong with it", or None: the catalog's models refuse a bad value
at its catalog line (blueprints/types.py), the render refuses a bad name before it becomes a path
(exit 2), and `gen validate` reports the same problems as findings. Every pattern is matched
whole (`fullmatch`): `re.match` with `$` would accept a trailing newline.
"""

from __future__ import annotations

import re
from functools import lru_cache
from typing import Any

DNS1123_LABEL = re.compile(r"[a-z0-9]([-a-z0-9]*[a-z0-9])?")
DNS1123_SUBDOMAIN = re.compile(r"[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*")
DNS1035_LABEL = re.compile(r"[a-z]([-a-z0-9]*[a-z0-9])?")
QUALIFIED_NAME = re.compile(r"([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]")
KIND = re.compile(r"[A-Za-z][A-Za-z0-9]*")

CONFIG_KEY = re.compile(r"[-._a-zA-Z0-9]+")
# distribution/reference: [domain[:port]/]component(/component)*[:tag][@digest]
_DOMAIN = r"(?:[a-zA-Z0-9]|[a-zA-Z0-9][a-zA-Z0-9-]*[a-zA-Z0-9])(?:\.(?:[a-zA-Z0-9]|[a-zA-Z0-9][a-zA-Z0-9-]*[a-zA-Z0-9]))*(?::[0-9]+)?"
_COMPONENT = r"[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*"
IMAGE = re.compile(rf"(?:{_DOMAIN}/)?{_COMPONENT}(?:/{_COMPONENT})*(?::[A-Za-z0-9_][A-Za-z0-9_.-]{{0,127}})?"
                   r"(?:@[A-Za-z][A-Za-z0-9]*(?:[-_+.][A-Za-z][A-Za-z0-9]*)*:[0-9a-fA-F]{32,})?")
REGISTRY = re.compile(rf"{_DOMAIN}(?:/{_COMPONENT})*")

LABEL_MAX = 63
INT32_MAX = 2**31 - 1  # replicas, ports, counts: what the API server's int32 fields hold
IMAGE_NAME_MAX = 255  # distribution's limit on a repository name
SUBDOMAIN_MAX = 253
ANNOTATIONS_MAX = 256 * 1024  # bytes of all keys and values together
FILE_NAME_MAX = 255  # bytes: the longest file name Linux and macOS accept

# kinds whose names are not DNS-1123 subdomains (apimachinery's default for every other kind,
# custom resources included)
LABEL_KINDS = {"Namespace": (DNS1123_LABEL, "a DNS-1123 label"), "Service": (DNS1035_LABEL, "a DNS-1035 label")}
PATH_SEGMENT_KINDS = {"Role", "ClusterRole", "RoleBinding", "ClusterRoleBinding"}  # `system:...` names
MAX_LENGTH = {"CronJob": 52}  # its Jobs append an 11-character suffix


def _dns(value: str, pattern: re.Pattern[str], what: str, limit: int) -> str | None:
    if len(value) > limit:
        return f"{len(value)} characters, at most {limit} for {what}"
    if not pattern.fullmatch(value):
        alphabet = "lower-case letters, digits, '-' and '.'" if pattern is DNS1123_SUBDOMAIN else "lower-case letters, digits and '-'"
        return f"{value!r} is not {what} ({alphabet}, alphanumeric at both ends)"
    return None


def name_problem(kind: str, name: Any) -> str | None:
    """What is wrong with `name` as the metadata.name of a `kind`, or None."""
    if not isinstance(name, str) or not name:
        return "missing" if name in (None, "") else f"{name!r} is not a string"
    if not isinstance(kind, str):  # kind_problem names it; judge the name as most kinds do
        kind = ""
    if kind in PATH_SEGMENT_KINDS:
        if name in (".", "..") or "/" in name or "%" in name:
            return f"{name!r} may not be '.' or '..' nor hold '/' or '%'"
        if any(not ch.isprintable() for ch in name):
            return f"{name!r} holds a control character"
        return None
    pattern, what = LABEL_KINDS.get(kind, (DNS1123_SUBDOMAIN, "a DNS-1123 subdomain"))
    limit = LABEL_MAX if kind in LABEL_KINDS else MAX_LENGTH.get(kind, SUBDOMAIN_MAX)
    return _dns(name, pattern, what, limit)


def label_problem(value: str) -> str | None:
    """A DNS-1123 label (a namespace, a folder name): at most 63 characters."""
    return _dns(value, DNS1123_LABEL, "a DNS-1123 label", LABEL_MAX)


def subdomain_problem(value: str) -> str | None:
    """A DNS-1123 subdomain (most objects' names, a host name): at most 253 characters."""
    return _dns(value, DNS1123_SUBDOMAIN, "a DNS-1123 subdomain", SUBDOMAIN_MAX)


def config_key_problem(key: str) -> str | None:
    """A ConfigMap or Secret data key: letters, digits, '-', '_', '.'; at most 253; not . or .."""
    if len(key) > SUBDOMAIN_MAX:
        return f"{len(key)} characters, at most {SUBDOMAIN_MAX} for a ConfigMap key"
    if not CONFIG_KEY.fullmatch(key) or key in (".", ".."):
        return f"{key!r} is not a ConfigMap key (letters, digits, '-', '_' and '.')"
    return None


def image_problem(image: str) -> str | None:
    """An image reference as the container runtime parses it."""
    name = image.split("@", 1)[0]
    if len(name) > IMAGE_NAME_MAX:
        return f"{len(name)} characters, at most {IMAGE_NAME_MAX} for an image reference"
    if not IMAGE.fullmatch(image):
        return f"{image!r} is not an image reference ([registry/]name[:tag][@digest])"
    return None


def registry_problem(registry: str) -> str | None:
    """An image registry and path prefix (`registry.example.com:5000/team`)."""
    if not REGISTRY.fullmatch(registry):
        return f"{registry!r} is not an image registry (a host name, an optional port, then path components)"
    return None


def namespace_problem(namespace: Any) -> str | None:
    """What is wrong with `namespace` as a metadata.namespace (absent is fine), or None."""
    if namespace is None:
        return None
    if not isinstance(namespace, str):
        return f"{namespace!r} is not a string"
    return _dns(namespace, DNS1123_LABEL, "a DNS-1123 label", LABEL_MAX)


def kind_problem(kind: Any) -> str | None:
    if not isinstance(kind, str) or not KIND.fullmatch(kind):
        return f"{kind!r} is not a kind (letters and digits)"
    return None


def object_problem(kind: Any, name: Any, namespace: Any) -> tuple[str, str] | None:
    """The first field of an object's identity that breaks Kubernetes' rules, and why; or None."""
    for field, problem in (("kind", kind_problem(kind)), ("metadata.name", name_problem(kind, name)),
                           ("metadata.namespace", namespace_problem(namespace))):
        if problem:
            return field, problem
    return None


def file_name_problem(file_name: str) -> tuple[str, str] | None:
    """A rendered file's name (`<kind>-<name>.yaml`) must fit the file system's 255 bytes."""
    size = len(file_name.encode())
    if size > FILE_NAME_MAX:
        return "metadata.name", f"the file name {file_name[:40]}... would be {size} bytes, at most {FILE_NAME_MAX}"
    return None


def qualified_key_problem(key: Any) -> str | None:
    """A label or annotation key: an optional DNS-1123 subdomain prefix and '/', then a name of
    at most 63 characters (letters, digits, '-', '_', '.'; alphanumeric at both ends)."""
    if not isinstance(key, str):
        return f"key {key!r} is not a string"
    prefix, slash, name = key.rpartition("/")
    if slash:
        if not prefix:
            return f"key {key!r}: empty prefix before '/'"
        problem = _dns(prefix, DNS1123_SUBDOMAIN, "a DNS-1123 subdomain", SUBDOMAIN_MAX)
        if problem or "/" in prefix:
            return f"key {key!r}: prefix {problem or 'holds more than one /'}"
    if not name:
        return f"key {key!r}: empty name"
    if len(name) > LABEL_MAX:
        return f"key {key[:40]!r}...: name part of {len(name)} characters, at most {LABEL_MAX}"
    if not QUALIFIED_NAME.fullmatch(name):
        return f"key {key!r}: name part must be letters, digits, '-', '_' or '.', alphanumeric at both ends"
    return None


def label_value_problem(value: Any) -> str | None:
    """A label value: empty, or at most 63 characters of the same alphabet as a key's name."""
    if not isinstance(value, str):
        return f"value {value!r} is not a string"
    if len(value) > LABEL_MAX:
        return f"value {value[:40]!r}... is {len(value)} characters, at most {LABEL_MAX}"
    if value and not QUALIFIED_NAME.fullmatch(value):
        return f"value {value!r} must be letters, digits, '-', '_' or '.', alphanumeric at both ends"
    return None


def labels_problems(labels: Any) -> list[str]:
    if not isinstance(labels, dict):
        return [] if labels is None else [f"{type(labels).__name__}, not a map"]
    problems = []
    for key, value in labels.items():
        problem = _label_problem(key, value) if isinstance(key, str) and isinstance(value, str) else \
            qualified_key_problem(key) or label_value_problem(value)
        if problem:
            problems.append(problem if problem.startswith("key ") else f"{key}: {problem}")
    return problems


@lru_cache(maxsize=4096)
def _label_problem(key: str, value: str) -> str | None:
    """The same label recurs on every object of a tree: judged once per run."""
    return qualified_key_problem(key) or label_value_problem(value)


def annotations_problems(annotations: Any) -> list[str]:
    """Keys as label keys; keys and values together at most 256 KiB."""
    if not isinstance(annotations, dict):
        return [] if annotations is None else [f"{type(annotations).__name__}, not a map"]
    problems = [p for p in (qualified_key_problem(k) for k in annotations) if p]
    size = sum(len(str(k).encode()) + len(str(v).encode()) for k, v in annotations.items())
    if size > ANNOTATIONS_MAX:
        problems.append(f"{size} bytes in all, at most {ANNOTATIONS_MAX} (256 KiB)")
    return problems
