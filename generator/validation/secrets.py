"""What a secret looks like when it is written where it must not be: one detector for the
policy check (env values, ConfigMap data) and for the scan of rendered/."""

from __future__ import annotations

import re

# a key or variable named like a credential, ending in the word (max_tokens is not a token)
SECRET_NAME = re.compile(
    r"(?i)(^|[_.-])(password|passwd|pass|secret|token|api[_-]?key|private[_-]?key|credentials?|"
    r"access[_-]?key|signing[_-]?key|encryption[_-]?key|client[_-]?secret)$"
)
SECRET_VALUES: list[tuple[re.Pattern[str], str]] = [
    (re.compile(r"\b[a-z][a-z0-9+.-]*://[^/\s:@]+:[^/\s@]+@"), "a URL with credentials"),
    (re.compile(r"-----BEGIN [A-Z ]*PRIVATE KEY-----"), "a private key"),
    (re.compile(r"\bAKIA[0-9A-Z]{16}\b"), "an AWS access key id"),
    (re.compile(r"\beyJ[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]+"), "a JSON Web Token"),
    (re.compile(r"\b(ghp|gho|ghs|ghu|github_pat)_[A-Za-z0-9_]{20,}"), "a GitHub token"),
    (re.compile(r"\bxox[abprs]-[A-Za-z0-9-]{10,}"), "a Slack token"),
    (re.compile(r"\bsk-[A-Za-z0-9_-]{20,}"), "an API secret key"),
]

# an External Secrets template reference to a fetched value (`{{ .scylla_password }}`): a name, not a value
TEMPLATE_REFERENCE = re.compile(r"\{\{ *\.[A-Za-z_][A-Za-z0-9_]* *(\| *[a-z]+ *)?\}\}")


SWITCHES = frozenset({"yes", "no", "true", "false"})


def secret_literal(name: str | None, value: object) -> str | None:
    """Why `value`, held under `name`, looks like a secret; None if it does not.
    A path (`/var/run/secrets/...`) under a secret-like name is the right way: a mounted file."""
    if not isinstance(value, str) or not value:
        return None
    for pattern, what in SECRET_VALUES:
        if pattern.search(value):
            return what
    if value.lower() in SWITCHES:  # ALLOW_EMPTY_PASSWORD=no (the Bitnami charts' own): a switch, not a secret
        return None
    if name and SECRET_NAME.search(name) and not value.startswith("/") and not TEMPLATE_REFERENCE.fullmatch(value):
        return f"a literal value for {name}"
    return None
