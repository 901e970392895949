"""Every values key of a vendored chart, with its default's type, read from its `values.yaml`
(what `helm show values` prints): maps are recursed, a list or an empty map is one key. The typed
values models are tested against these lists (tests/test_chart_keys.py); `python -m
generator.vendor.keys` writes them to tests/charts/ and removes those of versions no longer locked
(`--check` only compares)."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

import yaml

from generator.vendor.lock import LockedChart, read

HEADER = ("# every key path of the default values of chart {name} {version} (values.yaml), with its default's type;\n"
          "# a values key outside this list (and outside a map the chart renders whole) is ignored by Helm\n")
KEYS_DIR = Path("tests") / "charts"


def kind(value: Any) -> str:
    if isinstance(value, bool):
        return "bool"
    if isinstance(value, int):
        return "int"
    if isinstance(value, float):
        return "float"
    if isinstance(value, str):
        return "string"
    if isinstance(value, list):
        return "list"
    if isinstance(value, dict):
        return "map"
    return "null"


def key_paths(values: dict[str, Any], prefix: str = "") -> list[tuple[str, str]]:
    out: list[tuple[str, str]] = []
    for key, value in values.items():
        path = f"{prefix}{key}"
        if isinstance(value, dict) and value:
            out.extend(key_paths(value, f"{path}."))
        else:
            out.append((path, kind(value)))
    return out


def chart_values(project: Path, entry: LockedChart) -> dict[str, Any]:
    # the chart's own defaults, read as Helm reads them (YAML 1.1 is close enough for key paths)
    return yaml.safe_load((project / entry.folder / "values.yaml").read_text(encoding="utf-8")) or {}


def key_list(project: Path, entry: LockedChart) -> str:
    lines = [f"{path}\t{type_}\n" for path, type_ in key_paths(chart_values(project, entry))]
    return HEADER.format(name=entry.name, version=entry.version) + "".join(lines)


def key_files(project: Path) -> dict[Path, str]:
    """tests/charts/<name>-<version>.keys.txt of every locked chart."""
    return {KEYS_DIR / f"{e.name}-{e.version}.keys.txt": key_list(project, e) for e in read(project).charts.values()}


def main(argv: list[str]) -> int:
    project = Path.cwd()
    check = "--check" in argv
    stale = []
    wanted = key_files(project)
    for path, text in wanted.items():
        target = project / path
        if target.is_file() and target.read_text(encoding="utf-8") == text:
            continue
        stale.append(str(path))
        if not check:
            target.write_text(text, encoding="utf-8")
    # the list of a version no chart is locked at any more (the one a bump replaced)
    folder = project / KEYS_DIR
    unlocked = sorted(p for p in folder.glob("*.keys.txt") if p.relative_to(project) not in wanted) if folder.is_dir() else []
    if not check:
        for path in unlocked:
            path.unlink()
    print(("stale: " if check else "written: ") + (", ".join(stale) or "none")
          + (("; not locked: " if check else "; removed: ") + ", ".join(str(p.relative_to(project)) for p in unlocked)
             if unlocked else ""))
    return 1 if (stale or unlocked) and check else 0


if __name__ == "__main__":  # the command line's entry: main() itself returns the exit code
    raise SystemExit(main(sys.argv[1:]))
