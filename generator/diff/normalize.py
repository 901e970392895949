"""What `gen diff` ignores when it compares two parts or two environments: their color and
their environment's name. Pure functions over parsed objects; the input is never changed.

- Color: the part's color word as a whole token (not inside `blueprint`) in every string
  value: `api-gateway-blue`, `version: blue`, `http://api-gateway-blue:8090/health`.
- Environment: only where it names things, never in every string (`local` is also a word of
  `svc.cluster.local`): a whole `-`-separated token of `metadata.name` (`staging-config`,
  `vault-staging`, `staging-postgres`), the value of `environment` labels and selectors
  (`therapeutic-ai.io/environment: staging`), and strings that are exactly the name of an
  object renamed that way (`envFrom` of `staging-config`, `secretStoreRef` of `vault-staging`).
"""

from __future__ import annotations

import re
from typing import Any, Callable, Iterable

COLOR = "<color>"
ENV = "<env>"


def recolor(obj: Any, color: str) -> Any:
    """Every whole-token `color` in the object's string values replaced by `<color>`."""
    token = re.compile(rf"(?<![\w]){re.escape(color)}(?![\w])")
    return _strings(obj, lambda text: token.sub(COLOR, text) if color in text else text)


def env_name(name: str, env: str) -> str:
    """`staging-config` -> `<env>-config`: the environment as a whole `-`-separated token."""
    return "-".join(ENV if token == env else token for token in name.split("-"))


def renamed(names: Iterable[str], env: str) -> dict[str, str]:
    """The object names `env_name` changes, old -> new (not the bare environment name itself,
    which would stand for every string equal to it)."""
    return {name: env_name(name, env) for name in names if name != env and env_name(name, env) != name}


def unenv(obj: dict, env: str, references: dict[str, str]) -> dict:
    """The object with its environment's name normalized where it names things (see above).
    `references`: the renamed object names of the object's environment (`renamed`)."""
    out = _environment(obj, env, references)
    metadata = out.get("metadata")
    if isinstance(metadata, dict) and isinstance(metadata.get("name"), str):
        out["metadata"] = {**metadata, "name": env_name(obj["metadata"]["name"], env)}
    return out


def is_environment_key(key: Any) -> bool:
    return isinstance(key, str) and (key == "environment" or key.endswith("/environment"))


def _environment(node: Any, env: str, references: dict[str, str]) -> Any:
    if isinstance(node, dict):
        return {
            key: ENV if is_environment_key(key) and value == env else _environment(value, env, references)
            for key, value in node.items()
        }
    if isinstance(node, list):
        return [_environment(item, env, references) for item in node]
    if isinstance(node, str):
        return references.get(node, node)
    return node


def _strings(node: Any, change: Callable[[str], str]) -> Any:
    if isinstance(node, dict):
        return {key: _strings(value, change) for key, value in node.items()}
    if isinstance(node, list):
        return [_strings(item, change) for item in node]
    if isinstance(node, str):
        return change(node)
    return node
