"""Migrations ordered with blue-green: the one rule `gen render` and `gen promote` share.

A color's PreSync migration runs while the other color may serve (blueprints/migrations.py). A
`contract` migration (databases.yaml `migrations.releases`) removes or renames what the previous
release reads, so it is refused while the other color serves, and while the other color is still
deployed (a rollback would return to it on a schema its release cannot read): it goes into the
serving color once the other one is retired (README, "Migrations").
"""

from __future__ import annotations

from blueprints.model import Catalog, Color, Environment
from generator.errors import Refused


def refuse_contract(catalog: Catalog, environment: Environment, color: Color, verb: str) -> None:
    """Raise Refused (exit 1) if `verb`-ing `color` in `environment` would run a contract migration beside another color."""
    env = environment.name
    release = catalog.release(env)
    if release is None:
        return
    tag = environment.images.tag_for(color)
    if not catalog.databases.migrations.contracts(tag):
        return
    others = [c for c in release.deployed if c != color]
    if not others:
        return
    other = others[0]
    why = (f"{other.value} serves {env} on the schema this migration contracts" if release.active == other
           else f"{other.value} is still deployed in {env}: a rollback would return to it on the contracted schema")
    raise Refused(
        f"cannot {verb} {env} {color.value}: release {tag} has a contract migration (databases.yaml "
        f"migrations.releases) and {why}; ship an expand-only release first, promote it, "
        f"`gen retire {env} {other.value}`, then contract in the serving color (README, 'Migrations')"
    )
