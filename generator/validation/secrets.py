"""What a secret looks like when it is written where it must not be: one detector for the policy
checks (GEN-SECRET-LITERAL: a value under a credential's name; GEN-SECRET-MATERIAL: a value that is
a credential wherever it hides) and for the scan of rendered/.

The value patterns are those of detect-secrets' high-confidence plugins (private keys, AWS, GitHub,
Slack, Stripe, JWT, basic-auth URLs, Google API keys, a `password=...` assignment): gen runs them
itself, on every string of every object, and on ConfigMap binaryData decoded; the entropy plugins
are left to the test suite's scan (they flag digests and checksums)."""

from __future__ import annotations

import base64
import binascii
import re

# a key or variable named like a credential, ending in the word (max_tokens is not a token)
SECRET_NAME = re.compile(
    r"(?i)((^|[_.-])(password|passwd|pass|pwd|secret|token|api[_-]?key|private[_-]?key|credentials?|"
    r"access[_-]?key|signing[_-]?key|encryption[_-]?key|client[_-]?secret)"
    r"|^(pgpassword|rediscli_auth|mysql_pwd))$"  # the clients' own variables: libpq, redis-cli, mysql
)
# (pattern, what it finds, needles): a string can match the pattern only if its lowercased text
# contains one of the needles (lowercase): a substring test first, so the regular expressions run
# only on the few strings that could match (one alternation of all the patterns cost 0.8 s on 1,016
# objects; the needles make it ~0.05 s).
SECRET_VALUES: list[tuple[re.Pattern[str], str, tuple[str, ...]]] = [
    (re.compile(r"\b[a-z][a-z0-9+.-]*://[^/\s:@]+:[^/\s@]+@"), "a URL with credentials", ("://",)),
    (re.compile(r"-----BEGIN [A-Z ]*PRIVATE KEY-----"), "a private key", ("private key-----",)),
    (re.compile(r"\bAKIA[0-9A-Z]{16}\b"), "an AWS access key id", ("akia",)),
    (re.compile(r"\beyJ[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]+"), "a JSON Web Token", ("eyj",)),
    (re.compile(r"\b(ghp|gho|ghs|ghu|github_pat)_[A-Za-z0-9_]{20,}"), "a GitHub token",
     ("ghp_", "gho_", "ghs_", "ghu_", "github_pat_")),
    (re.compile(r"\bxox[abprs]-[A-Za-z0-9-]{10,}"), "a Slack token", ("xox",)),
    (re.compile(r"\bsk-[A-Za-z0-9_-]{20,}"), "an API secret key", ("sk-",)),
    (re.compile(r"\b[rs]k_(live|test)_[0-9A-Za-z]{10,}"), "a Stripe secret key", ("k_live_", "k_test_")),
    (re.compile(r"\bAIza[0-9A-Za-z_-]{35}"), "a Google API key", ("aiza",)),
    (re.compile(r"hooks\.slack\.com/services/T[A-Za-z0-9_]+/B[A-Za-z0-9_]+/[A-Za-z0-9_]+"), "a Slack webhook URL",
     ("hooks.slack.com/services/t",)),
    (re.compile(r"(^|[\s;&|,'\"-])(?i:password|passwd|pwd|secret|token|api[_-]?key)\s*[=:]\s*[^\s$'\"{}<>()]{4,}"),
     "a credential assigned inline", ("password", "passwd", "pwd", "secret", "token", "api")),
]
SHORTEST_SECRET = 10  # no pattern above matches fewer characters
BASE64 = re.compile(r"(?:[A-Za-z0-9+/]{4})+(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?")
# a command-line flag that takes a credential: `--password x`, `--db-password=x`
SECRET_FLAG = re.compile(r"(?i)^--?[a-z0-9-]*(password|passwd|secret|token|api-?key)$")

# an External Secrets template reference to a fetched value (`{{ .scylla_password }}`): a name, not a value
TEMPLATE_REFERENCE = re.compile(r"\{\{ *\.[A-Za-z_][A-Za-z0-9_]* *(\| *[a-z]+ *)?\}\}")


SWITCHES = frozenset({"yes", "no", "true", "false"})


def secret_literal(name: str | None, value: object) -> str | None:
    """Why `value`, held under `name`, looks like a secret; None if it does not.
    A path (`/var/run/secrets/...`) under a secret-like name is the right way: a mounted file."""
    if not isinstance(value, str) or not value:
        return None
    what = credential(value)
    if what:
        return what
    if value.lower() in SWITCHES:  # ALLOW_EMPTY_PASSWORD=no (the Bitnami charts' own): a switch, not a secret
        return None
    if name and SECRET_NAME.search(name) and not value.startswith("/") and not TEMPLATE_REFERENCE.fullmatch(value):
        return f"a literal value for {name}"
    return None


def credential(text: str) -> str | None:
    """What credential `text` holds by its content alone (the first pattern that matches); None
    if none does."""
    lowered = text.lower()
    for pattern, what, needles in SECRET_VALUES:
        if any(needle in lowered for needle in needles) and pattern.search(text):
            return what
    return None


def secret_value(value: object) -> str | None:
    """Why `value` is a credential by its content alone (no name needed), also where it is the
    base64 of one; None if it is not."""
    if not isinstance(value, str) or len(value) < SHORTEST_SECRET:
        return None
    what = credential(value)
    if what:
        return what
    inner = base64_text(value)
    what = credential(inner) if inner is not None else None
    return f"{what} (base64-encoded)" if what else None


def base64_text(value: str) -> str | None:
    """The text `value` encodes, where the whole of it (whitespace aside) is base64 of at least
    SHORTEST_SECRET bytes; None otherwise."""
    compact = "".join(value.split())
    if len(compact) < 16 or not BASE64.fullmatch(compact):
        return None
    try:
        return base64.b64decode(compact, validate=True).decode("utf-8", "replace")
    except (binascii.Error, ValueError):
        return None


def secret_arguments(arguments: object) -> str | None:
    """Why a container's command or args pass a credential literally: `--password x`,
    `--password=x` (a `$(VAR)` reference or a file path is the right way)."""
    if not isinstance(arguments, list):
        return None
    for index, argument in enumerate(arguments):
        if not isinstance(argument, str):
            continue
        flag, equals, inline = argument.partition("=")
        value = inline if equals else (arguments[index + 1] if index + 1 < len(arguments) else None)
        if SECRET_FLAG.match(flag) and isinstance(value, str) and value and not value.startswith(("$", "/")):
            return f"{flag} given a literal value"
    return None
