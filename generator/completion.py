"""What shell completion offers for `gen`'s arguments (click's completion asks; see README,
"Everyday use"). Read from the project as it is on disk, and never fails: a folder that is not a
project, or a catalog being edited, offers nothing rather than printing an error into the shell."""

from __future__ import annotations

from pathlib import Path

from generator import regular, yamlio
from generator.catalog import ENVIRONMENTS_FILE, RELEASES_FILE
from blueprints.layout import RENDERED


def environment_names(project: Path) -> list[str]:
    """The environments `environments.yaml` names, in its order; none if it cannot be read."""
    try:
        data = yamlio.load(regular.read(project, project / ENVIRONMENTS_FILE).decode("utf-8"))  # a FIFO would hang the shell
        return [e["name"] for e in data["environments"] if isinstance(e, dict) and isinstance(e.get("name"), str)]
    except Exception:  # noqa: BLE001 - completion offers nothing rather than a traceback in the shell
        return []


def part_names(project: Path, env: str) -> list[str]:
    """The committed parts of `env` (`rendered/<env>/<part>/`), what `gen diff` compares."""
    try:
        return sorted(p.name for p in (project / RENDERED / env).iterdir() if p.is_dir())
    except OSError:
        return []


def _catalog_file(project: Path, relative: Path) -> dict:
    return yamlio.load(regular.read(project, project / relative).decode("utf-8"))  # a FIFO would hang the shell


def deployed_colors(project: Path, env: str | None, incomplete: str) -> list[str]:
    """The colors deployed in `env` by its line of `releases.yaml` (never a retired one); none
    when the environment is not given or not blue-green."""
    try:
        record = _catalog_file(project, RELEASES_FILE)["environments"][env]
        return [c for c in record["deployed"] if isinstance(c, str) and c.startswith(incomplete)]
    except Exception:  # noqa: BLE001 - completion offers nothing rather than a traceback in the shell
        return []


def store_names(project: Path, env: str | None, incomplete: str) -> list[str]:
    """The stores `env` runs (its `databases:` entries that are stores), in the catalog's order."""
    from blueprints.databases import registry

    try:
        databases = next(e for e in _catalog_file(project, ENVIRONMENTS_FILE)["environments"] if e.get("name") == env)["databases"]
        return [name for name in databases if name in registry.names() and name.startswith(incomplete)]
    except Exception:  # noqa: BLE001 - completion offers nothing rather than a traceback in the shell
        return []


def environments(project: Path, incomplete: str) -> list[str]:
    return [name for name in environment_names(project) if name.startswith(incomplete)]


def targets(project: Path, incomplete: str) -> list[str]:
    """`gen diff`'s arguments: environments and their parts, `production`, `production/blue`."""
    env, slash, _ = incomplete.partition("/")
    if slash:
        envs = [env] if env in environment_names(project) else []
    else:
        envs = environments(project, incomplete)
    found = [] if slash else list(envs)
    for name in envs:
        found += [f"{name}/{part}" for part in part_names(project, name) if f"{name}/{part}".startswith(incomplete)]
    return found
