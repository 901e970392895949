"""YAML in and out, fast (libyaml) and deterministic: insertion order, no line folding."""

from __future__ import annotations

from typing import Any, Iterable

import yaml

try:  # libyaml ships in PyYAML's wheels; the pure-Python fallback is ~8x slower
    from yaml import CSafeDumper as Dumper, CSafeLoader as Loader
except ImportError:  # pragma: no cover
    from yaml import SafeDumper as Dumper, SafeLoader as Loader  # type: ignore[assignment]


def dump(obj: Any) -> str:
    return yaml.dump(obj, Dumper=Dumper, sort_keys=False, default_flow_style=False, width=1 << 16, allow_unicode=True)


def dump_all(objs: Iterable[Any]) -> str:
    return yaml.dump_all(
        list(objs), Dumper=Dumper, sort_keys=False, default_flow_style=False, width=1 << 16, allow_unicode=True
    )


def load(text: str) -> Any:
    return yaml.load(text, Loader=Loader)


def load_all(text: str) -> list[Any]:
    return [doc for doc in yaml.load_all(text, Loader=Loader) if doc is not None]
