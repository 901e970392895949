"""What the benchmarks in bench/ share: scratch projects, the synthetic catalog, timing, tables.

bench/render.py and bench/validate.py are run as scripts (`python bench/render.py`), so this
folder is sys.path[0] and they take these helpers with a plain `import common`.

- Scratch projects: `copy_project` copies folders of this project into a temporary one (the
  repository is never touched); `synthetic_project` writes a catalog of N made-up services with
  one environment of the real environments.yaml, its declared cluster made roomy so it fits.
- Running and timing: every command runs as one fresh subprocess (`run`, `execute`), timed
  with time.perf_counter (`time_once`, `measure`); a command that must succeed and does not
  raises CommandFailed, which `run_benchmark` reports (exit code 1).
- Output: `table` lays rows of timings out in columns; `seconds`, `per_second` and `verdict`
  format single figures.

Standard library only.
"""

from __future__ import annotations

import argparse
import os
import platform
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Callable

import yaml

PROJECT = Path(__file__).resolve().parent.parent
CATALOG = Path("blueprints") / "catalog"
SCHEMAS = "schemas"
# What `gen render` and `gen validate` read: the catalog and blueprints, the tree, the schemas.
PROJECT_FOLDERS = ("blueprints", "charts", "overlays", "rendered", SCHEMAS)
GEN = [sys.executable, "-m", "generator"]
ENV = {**os.environ, "LC_ALL": "C"}
CACHE = "GEN_CACHE"  # gen's cache folder (parsed files, remembered outputs)
OFF = "off"  # GEN_CACHE=off: nothing kept, nothing found

FIRST_PORT = 10000  # the synthetic services' ports: FIRST_PORT, FIRST_PORT + 1, ...
# The declared cluster of a synthetic project (see roomy_cluster). 1,000 synthetic services
# request about 58 cores and 144Gi in development, about 230 cores and 575Gi in staging (both
# colors count); these leave room for several times that.
ROOMY_CPU = "4096"  # cores
ROOMY_MEMORY = "16Ti"


class CommandFailed(Exception):
    """A benchmarked (or preparatory) command crashed or exited with a code it must not."""

    def __init__(self, argv: list[str], returncode: int, output: str) -> None:
        shown = " ".join(argv if len(argv) < 12 else [*argv[:10], f"... ({len(argv) - 10} more)"])
        super().__init__(f"{shown} exited {returncode}")
        self.output = output


@dataclass(frozen=True)
class Timing:
    name: str
    seconds: tuple[float, ...]
    objects: int | None = None  # how many objects one run handles, for objects/s

    @property
    def median(self) -> float:
        return statistics.median(self.seconds)

    @property
    def rate(self) -> float | None:
        return self.objects / self.median if self.objects else None


@dataclass(frozen=True)
class Row:
    timing: Timing
    note: str = ""


# --- running and timing ---------------------------------------------------------------------


def beside_python(name: str) -> Path:
    """A console script installed next to this interpreter (kubectl, kubernetes-validate)."""
    return Path(sys.executable).parent / name


def gen(project: Path, *args: str) -> list[str]:
    return [*GEN, "--project", str(project), *args]


def execute(
    argv: list[str], cwd: Path | None = None, preexec_fn: Callable[[], None] | None = None,
    env: dict[str, str] | None = None,
) -> subprocess.CompletedProcess[str]:
    """Run a command to completion, its output captured; `preexec_fn` runs in the child first;
    `env`: variables set beside ENV."""
    return subprocess.run(argv, capture_output=True, text=True, env={**ENV, **(env or {})}, cwd=cwd,
                          preexec_fn=preexec_fn)


def run(argv: list[str], preexec_fn: Callable[[], None] | None = None, env: dict[str, str] | None = None) -> str:
    """A command that must succeed: its stdout, or CommandFailed with its stdout and stderr."""
    result = execute(argv, preexec_fn=preexec_fn, env=env)
    if result.returncode != 0:
        raise CommandFailed(argv, result.returncode, result.stdout + result.stderr)
    return result.stdout


def in_turn(commands: list[list[str]], env: dict[str, str] | None = None) -> Callable[[], None]:
    """The commands, one fresh process each, one after another, as one call; `env`: variables
    set for them beside ENV."""

    def once() -> None:
        for argv in commands:
            run(argv, env=env)

    return once


def time_once(once: Callable[[], object]) -> float:
    """Seconds for one call of `once`."""
    start = time.perf_counter()
    once()
    return time.perf_counter() - start


def measure(
    name: str,
    once: Callable[[], object],
    runs: int,
    objects: int | None = None,
    before_each: Callable[[], None] | None = None,
) -> Timing:
    """N timed calls of `once`; `before_each`, if given, resets state first (untimed)."""
    seconds = []
    for _ in range(runs):
        if before_each is not None:
            before_each()
        seconds.append(time_once(once))
    return Timing(name, tuple(seconds), objects)


def interleaved(
    measurements: list[tuple[str, Callable[[], object], Callable[[], None] | None]], runs: int
) -> list[Timing]:
    """Several measurements taken in one loop, one call of each per round, so that a ratio of two
    of them compares runs made under the same load: (name, once, before_each or None)."""
    seconds: list[list[float]] = [[] for _ in measurements]
    for _ in range(runs):
        for taken, (_, once, before_each) in zip(seconds, measurements):
            if before_each is not None:
                before_each()
            taken.append(time_once(once))
    return [Timing(name, tuple(taken)) for (name, _, _), taken in zip(measurements, seconds)]


def quietness(commands: bool = True) -> str:
    """The load average now and, with `commands`, how much of the wall time the commands run so
    far spent on a CPU (children's user + system time / wall time since this process started):
    on a quiet machine a render's processes keep its cores busy, on a loaded one they wait."""
    load = " ".join(f"{x:.2f}" for x in os.getloadavg()) if hasattr(os, "getloadavg") else "unknown"
    if not commands:
        return f"load average {load}"
    children = os.times()
    busy = children.children_user + children.children_system
    wall = time.monotonic() - STARTED
    return f"load average {load}; the commands' CPU time is {busy / wall:.0%} of the wall time ({busy:.1f} s of {wall:.1f} s)"


STARTED = time.monotonic()


# --- scratch projects -----------------------------------------------------------------------


def copy_project(dest: Path, folders: tuple[str, ...] = PROJECT_FOLDERS) -> Path:
    """A scratch copy of these folders of this project (by default all that gen reads)."""
    for folder in folders:
        shutil.copytree(PROJECT / folder, dest / folder, ignore=shutil.ignore_patterns("__pycache__"))
    return dest


def settings_block(services_yaml: str) -> list[str]:
    """The `settings:` mapping of the real services.yaml, as its lines."""
    lines = services_yaml.splitlines()
    start = next(i for i, line in enumerate(lines) if line.startswith("settings:"))
    block = [lines[start]]
    for line in lines[start + 1 :]:
        if line and not line.startswith((" ", "#")):
            break
        block.append(line)
    return block


def synthetic_services(count: int, settings: list[str]) -> str:
    """services.yaml of `count` services: svc-0001..., tier go with every 20th python-ai,
    unique ports from FIRST_PORT, 2 replicas, then the given `settings` lines."""
    lines = [f"# Synthetic catalog of {count} services, written by bench/common.py.", "version: 1", "", "services:"]
    for i in range(1, count + 1):
        tier = "python-ai" if i % 20 == 0 else "go"
        lines.append(
            f"  - {{name: svc-{i:04d}, tier: {tier}, port: {FIRST_PORT + i - 1}, replicas: 2, "
            f"role: synthetic service {i}}}"
        )
    return "\n".join([*lines, "", *settings]) + "\n"


def only_environment(environments_yaml: str, keep: str) -> str:
    """environments.yaml with every environment but `keep` cut out (a text cut, no YAML parser)."""
    lines = environments_yaml.splitlines()
    starts = [i for i, line in enumerate(lines) if line.startswith("  - name: ")]
    first = next(i for i in starts if lines[i].split(":", 1)[1].strip() == keep)
    following = [i for i in starts if i > first]
    end = following[0] if following else len(lines)
    return "\n".join([*lines[: starts[0]], *lines[first:end]]).rstrip("\n") + "\n"


def catalog_wide_alerts(monitoring_yaml: str) -> str:
    """monitoring.yaml without the alert rows that name services of the real catalog (`services:
    [...]`), which a synthetic catalog does not have, and without the metric contract's metrics of
    named services (`contract.services`); rows for `all` services stay (a text cut)."""
    monitoring_yaml = re.sub(r"(?m)^  services:[^\n{]*\n(?:    \S[^\n]*\n)+", "  services: {}\n", monitoring_yaml)
    lines = monitoring_yaml.splitlines()
    starts = [i for i, line in enumerate(lines) if line.startswith("  - alert: ")]
    ends = [*starts[1:], len(lines)]
    keep = [True] * len(lines)
    for start, end in zip(starts, ends):
        if any(line.startswith("    services: [") for line in lines[start:end]):
            keep[start:end] = [False] * (end - start)
    return "\n".join(line for line, kept in zip(lines, keep) if kept) + "\n"


def roomy_cluster(environments_yaml: str) -> str:
    """The one environment left (see only_environment), its declared cluster made roomy.

    The real clusters are sized for the platform's 20 services: a synthetic catalog of 1,000
    overflows them (development declares 24 cores and 96Gi, staging 16 and 64Gi), so `gen
    validate` reports capacity findings and `gen render`, which validates before it writes,
    fails and writes nothing. This raises the cluster's `cpu` to ROOMY_CPU and `memory` to
    ROOMY_MEMORY, a text edit of those two lines with nothing else changed, so the synthetic
    catalog fits and both commands take their clean path, as in CI. Raises ValueError unless
    there is exactly one cpu and one memory line, i.e. one environment.
    """
    text, cpus = re.subn(r"(?m)^(\s+cpu:\s*)\d+", rf"\g<1>{ROOMY_CPU}", environments_yaml)
    text, memories = re.subn(r"(?m)^(\s+memory:\s*)\S+", rf"\g<1>{ROOMY_MEMORY}", text)
    if (cpus, memories) != (1, 1):
        raise ValueError(f"expected one cluster cpu and memory line, found {cpus} and {memories}")
    return text


def synthetic_project(dest: Path, count: int, env: str, roomy: bool = True) -> Path:
    """A scratch project of `count` synthetic services (synthetic_services, with the real
    catalog's settings) and only the environment `env` of the real environments.yaml, its
    cluster made roomy (roomy_cluster) unless `roomy` is false; the rest of the catalog
    (databases.yaml, monitoring.yaml less its rows about named services: catalog_wide_alerts), the
    project's schemas/ and vendored charts/ are copied as they are, releases.yaml cut to `env`.
    Nothing is rendered yet."""
    real = PROJECT / CATALOG
    settings = settings_block((real / "services.yaml").read_text(encoding="utf-8"))
    shutil.copytree(real, dest / CATALOG)
    (dest / CATALOG / "services.yaml").write_text(synthetic_services(count, settings), encoding="utf-8")
    environments = only_environment((real / "environments.yaml").read_text(encoding="utf-8"), env)
    if roomy:
        environments = roomy_cluster(environments)
    (dest / CATALOG / "environments.yaml").write_text(environments, encoding="utf-8")
    releases = (real / "releases.yaml").read_text(encoding="utf-8").splitlines()
    kept = [line for line in releases if not line.startswith("  ") or line.startswith(f"  {env}:")]
    if kept[-1] == "environments:":  # `env` is not blue-green: no entry at all
        kept[-1] = "environments: {}"
    (dest / CATALOG / "releases.yaml").write_text("\n".join(kept) + "\n", encoding="utf-8")
    monitoring = catalog_wide_alerts((real / "monitoring.yaml").read_text(encoding="utf-8"))
    (dest / CATALOG / "monitoring.yaml").write_text(monitoring, encoding="utf-8")
    shutil.copytree(PROJECT / SCHEMAS, dest / SCHEMAS)
    shutil.copytree(PROJECT / "charts", dest / "charts")  # the stores' vendored charts, hydrated by render
    waivers = dest / CATALOG / "waivers.yaml"  # only those of `env`: a waiver of a missing environment is refused
    if waivers.is_file():
        lines = waivers.read_text(encoding="utf-8").splitlines(keepends=True)
        head = [line for line in lines if line.startswith("#")][:1]
        data = yaml.safe_load("".join(lines)) or {}
        kept = [w for w in data.get("waivers") or [] if w.get("environment") == env]
        waivers.write_text("".join(head) + yaml.safe_dump({"waivers": kept}, sort_keys=False), encoding="utf-8")
    return dest


# --- the benchmark --------------------------------------------------------------------------


def parse_args(argv: list[str] | None, description: str, runs_help: str) -> argparse.Namespace:
    """`--runs N` (default 5, at least 1)."""
    parser = argparse.ArgumentParser(description=description)
    parser.add_argument("--runs", type=int, default=5, help=f"{runs_help} (default 5)")
    args = parser.parse_args(argv)
    if args.runs < 1:
        parser.error("--runs must be at least 1")
    return args


def run_benchmark(prefix: str, benchmark: Callable[[Path], list[str]]) -> int:
    """Call `benchmark` with a scratch folder (deleted after) and print the lines it returns:
    exit code 0, or 1 if a command failed (its output printed to stderr)."""
    scratch = Path(tempfile.mkdtemp(prefix=prefix))
    # gen's parse cache (generator/rendered/cache.py) in the scratch folder, not the user's
    ENV[CACHE] = os.environ[CACHE] = str(scratch / "parse-cache")
    try:
        lines = benchmark(scratch)
    except CommandFailed as exc:
        print(f"bench: {exc}", file=sys.stderr)
        print(exc.output.rstrip(), file=sys.stderr)
        return 1
    finally:
        shutil.rmtree(scratch, ignore_errors=True)
    print("\n".join(lines))
    return 0


def machine_lines(width: int) -> list[str]:
    """The header's machine: and python: lines, their values starting at column `width`."""
    return [
        f"{'machine:':<{width}}{os.cpu_count()} CPUs, {platform.platform()} ({platform.machine()})",
        f"{'python:':<{width}}{platform.python_implementation()} {platform.python_version()} ({sys.executable})",
    ]


def seconds(value: float) -> str:
    return f"{value:.3f} s"


def per_second(value: float | None) -> str:
    return f"{value:,.0f}" if value is not None else "-"


def verdict(met: bool) -> str:
    return "met" if met else "MISSED"


def table(rows: list[Row], objects: bool = False) -> list[str]:
    """The rows in aligned columns under a header line and a rule: name, median, min, max,
    runs and note; with `objects`, also each timing's objects and objects/s."""
    cells = [[
        "measurement", *(["objects"] if objects else []), "median", "min", "max", "runs",
        *(["objects/s"] if objects else []), "target / ratio",
    ]]
    for row in rows:
        t = row.timing
        counted = [f"{t.objects:,}" if t.objects else "-"] if objects else []
        rate = [per_second(t.rate)] if objects else []
        cells.append([
            t.name, *counted, seconds(t.median), seconds(min(t.seconds)), seconds(max(t.seconds)),
            str(len(t.seconds)), *rate, row.note,
        ])
    widths = [max(len(line[i]) for line in cells) for i in range(len(cells[0]))]
    last = len(widths) - 1  # the figures are right-aligned, the name and the note left-aligned
    out = []
    for line in cells:
        padded = [cell.rjust(w) if 0 < i < last else cell.ljust(w) for i, (cell, w) in enumerate(zip(line, widths))]
        out.append("  ".join(padded).rstrip())
    out.insert(1, "  ".join("-" * w for w in widths))
    return out
