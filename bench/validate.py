"""Benchmark `gen validate` against its target and against the peer tool, `kubernetes-validate`.

Run it with the interpreter that has gen installed (kubernetes-validate's CLI sits next to it):

    /tmp/venv/bin/python bench/validate.py            # 5 runs per measurement
    /tmp/venv/bin/python bench/validate.py --runs 3

What it measures. A cold run is one fresh subprocess (`python -m generator ...` or
`kubernetes-validate ...`) timed with time.perf_counter around subprocess.run, so interpreter
start-up, imports and the catalog load are included. Every timed process is pinned to ONE core
(os.sched_setaffinity(0, {cpu}) in a preexec_fn; the core is the lowest one this process may
use), so the figures are single-core throughput whatever the machine. Every figure is the median
(with min and max) of N runs; objects/s is objects / median.

Two corpora, each a folder of rendered files (one object per file):
  a. the real tree: a scratch copy of this project (blueprints/, overlays/, rendered/, schemas/
     copied into a temporary folder; the repository is never touched), timed as
     `gen --project COPY validate --all` over its ~450 objects.
  b. a large synthetic tree, so start-up is amortized: bench/render.py's synthetic catalog
     (its helpers are imported from that file) of 1,000 services with only the `staging`
     environment (blue-green: parts shared, blue and green; about 8,000 objects). The real
     staging cluster (16 cores, 64Gi) cannot hold 1,000 services, so the scratch
     environments.yaml declares a roomy cluster instead (cpu and memory raised, nothing else
     changed): `gen validate` then takes its clean path, as in CI, instead of reporting capacity
     findings. It is rendered once, untimed (`render staging --no-validate -q`), then
     `gen --project SCRATCH validate staging` is timed.
  Exit codes: `gen validate` may exit 0 (clean) or 1 (findings, with its summary line printed);
  anything else, or a traceback, is a crash and ends the benchmark.

For each corpus, besides the command:
  - engine only: in THIS process, pinned to the same one core, after one untimed warm-up,
    generator.validation.validate(project, catalog, envs) (read the files, parse the YAML,
    compile the schemas, run schema, policy and capacity checks) with N timed calls; and, to
    show where the time goes, its two halves: run.read_parts + run.parse (files to objects),
    and run.validate_docs on the already parsed objects with a warm SchemaStore (checks only).
    These exclude interpreter start-up, imports, the catalog load and printing the report.
And once, for scale: `gen --help` cold (interpreter start-up and imports, nothing validated).

The peer tool on the SAME files in the same run: `kubernetes-validate --strict
--kubernetes-version <the catalog's kubernetes_version> FILES...` over every file of the real
tree (it checks Kubernetes' own kinds only, which is all the rendered tree holds today). It is
slow (~50 objects/s), so it gets max(1, N // 2) runs. If it exits non-zero its first complaints
are printed once; it is timed all the same.

Printed: objects/s ratios of gen over kubernetes-validate, and the target
">= 2,000 objects/s on one core" met or MISSED for the large corpus's command and engine.
Nothing is asserted; the exit code is 0 unless a command crashes (then its output is printed
and the exit code is 1).

Standard library only, plus the project's own `generator` package for the engine figures.
"""

from __future__ import annotations

import argparse
import importlib.metadata
import importlib.util
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

PROJECT = Path(__file__).resolve().parent.parent
CATALOG = Path("blueprints") / "catalog"
COPIED = ("blueprints", "overlays", "rendered", "schemas")
RENDERED = "rendered"
SERVICES = 1000
SYNTHETIC_ENV = "staging"
ROOMY_CPU = "4096"  # cores: 1,000 synthetic services request about 230 in staging
ROOMY_MEMORY = "16Ti"  # they request about 575Gi
GEN = [sys.executable, "-m", "generator"]
KUBERNETES_VALIDATE = Path(sys.executable).parent / "kubernetes-validate"
ENV = {**os.environ, "LC_ALL": "C"}

TARGET = 2000.0  # objects/s on one core
GEN_SUMMARY = "gen validate:"


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
    objects: int | None = None

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


# --- pinning --------------------------------------------------------------------------------

CAN_PIN = hasattr(os, "sched_setaffinity")
CPU = min(os.sched_getaffinity(0)) if CAN_PIN else None


def pin_to_one_core() -> None:
    """preexec_fn of every timed process (and used on this process for the engine figures)."""
    if CAN_PIN:
        os.sched_setaffinity(0, {CPU})


# --- running and timing ---------------------------------------------------------------------


def execute(argv: list[str], cwd: Path | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(argv, capture_output=True, text=True, env=ENV, cwd=cwd, preexec_fn=pin_to_one_core)


def crashed(result: subprocess.CompletedProcess[str]) -> bool:
    return result.returncode < 0 or "Traceback (most recent call last)" in result.stderr


def run(argv: list[str]) -> str:
    """A preparatory command that must succeed: its stdout, or CommandFailed."""
    result = execute(argv)
    if result.returncode != 0:
        raise CommandFailed(argv, result.returncode, result.stdout + result.stderr)
    return result.stdout


def run_gen_validate(argv: list[str]) -> subprocess.CompletedProcess[str]:
    """`gen validate`: exit 0, or 1 with its summary line (findings); anything else crashed."""
    result = execute(argv)
    lines = result.stdout.strip().splitlines()
    found = result.returncode == 1 and lines and lines[-1].startswith(GEN_SUMMARY)
    if crashed(result) or not (result.returncode == 0 or found):
        raise CommandFailed(argv, result.returncode, result.stdout + result.stderr)
    return result


def run_peer(argv: list[str], cwd: Path) -> subprocess.CompletedProcess[str]:
    """kubernetes-validate: any exit code is timed; a signal or a traceback is a crash."""
    result = execute(argv, cwd)
    if crashed(result):
        raise CommandFailed(argv, result.returncode, result.stdout + result.stderr)
    return result


def gen(project: Path, *args: str) -> list[str]:
    return [*GEN, "--project", str(project), *args]


def measure(name: str, once: Callable[[], object], runs: int, objects: int | None = None) -> Timing:
    seconds = []
    for _ in range(runs):
        start = time.perf_counter()
        once()
        seconds.append(time.perf_counter() - start)
    return Timing(name, tuple(seconds), objects)


# --- scratch projects -----------------------------------------------------------------------


def render_helpers():
    """bench/render.py, imported by path (its synthetic catalog helpers)."""
    spec = importlib.util.spec_from_file_location("bench_render", PROJECT / "bench" / "render.py")
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # its dataclasses look their module up there
    spec.loader.exec_module(module)  # type: ignore[union-attr]
    return module


def copy_project(dest: Path) -> Path:
    for folder in COPIED:
        shutil.copytree(PROJECT / folder, dest / folder, ignore=shutil.ignore_patterns("__pycache__"))
    return dest


def roomy_cluster(environments_yaml: str) -> str:
    """The one environment left, with its cluster's cpu and memory raised (a text edit)."""
    text, cpus = re.subn(r"(?m)^(\s+cpu:\s*)\d+", rf"\g<1>{ROOMY_CPU}", environments_yaml)
    text, memories = re.subn(r"(?m)^(\s+memory:\s*)\S+", rf"\g<1>{ROOMY_MEMORY}", text)
    if (cpus, memories) != (1, 1):
        raise ValueError(f"expected one cluster cpu and memory line, found {cpus} and {memories}")
    return text


def synthetic_project(dest: Path, count: int) -> Path:
    helpers = render_helpers()
    real = PROJECT / CATALOG
    settings = helpers.settings_block((real / "services.yaml").read_text(encoding="utf-8"))
    (dest / CATALOG).mkdir(parents=True)
    (dest / CATALOG / "services.yaml").write_text(helpers.synthetic_services(count, settings), encoding="utf-8")
    environments = helpers.only_environment((real / "environments.yaml").read_text(encoding="utf-8"), SYNTHETIC_ENV)
    (dest / CATALOG / "environments.yaml").write_text(roomy_cluster(environments), encoding="utf-8")
    shutil.copytree(PROJECT / "schemas", dest / "schemas")
    return dest


def rendered_files(project: Path, env: str | None = None) -> list[Path]:
    """Every rendered file (one object each), relative to the project, sorted."""
    root = project / RENDERED / env if env else project / RENDERED
    return sorted(path.relative_to(project) for path in root.glob("*/*.yaml" if env else "*/*/*.yaml"))


# --- the benchmark --------------------------------------------------------------------------


@dataclass(frozen=True)
class Corpus:
    project: Path
    envs: list[str]  # environments validated
    args: list[str]  # `gen validate` arguments
    objects: int


def engine_timings(corpus: Corpus, runs: int) -> list[Timing]:
    """In-process figures, this process pinned to one core: validate(), and its two halves."""
    from generator.catalog import load_catalog
    from generator.validation import validate
    from generator.validation.run import SCHEMAS_DIR, parse, read_parts, validate_docs
    from generator.validation.schemas import SchemaStore

    catalog = load_catalog(corpus.project)
    envs = [catalog.environment(name) for name in corpus.envs]

    def whole() -> object:
        return validate(corpus.project, catalog, corpus.envs)

    def files_to_objects() -> list:
        return [parse(read_parts(corpus.project, env.name, list(env.parts))) for env in envs]

    store = SchemaStore(catalog.environments.kubernetes_version, corpus.project / SCHEMAS_DIR)
    parsed = files_to_objects()

    def checks() -> list:
        return [validate_docs(catalog, env, docs, store) for env, docs in zip(envs, parsed)]

    before = os.sched_getaffinity(0) if CAN_PIN else None
    pin_to_one_core()
    try:
        report = whole()  # warm-up: caches, page cache, allocator
        checks()  # warms the store: every validator compiled
        if report.objects != corpus.objects:
            print(f"  note: the engine counted {report.objects} objects, the files number {corpus.objects}")
        return [
            measure("  engine: validate() in-process", whole, runs, corpus.objects),
            measure("    of which read + parse (YAML)", files_to_objects, runs, corpus.objects),
            measure("    of which checks (warm schemas)", checks, runs, corpus.objects),
        ]
    finally:
        if before is not None:
            os.sched_setaffinity(0, before)


def command_timing(corpus: Corpus, runs: int) -> tuple[Timing, str]:
    argv = gen(corpus.project, "validate", *corpus.args)
    first = run_gen_validate(argv)  # untimed: its summary line, and a warm page cache
    summary = first.stdout.strip().splitlines()[-1]
    print(f"  gen validate {' '.join(corpus.args)}: exit {first.returncode}; {summary}", flush=True)
    timing = measure(f"gen validate {' '.join(corpus.args)}", lambda: run_gen_validate(argv), runs, corpus.objects)
    return timing, f"exit {first.returncode}"


def peer_timing(project: Path, files: list[Path], version: str, runs: int) -> Timing:
    argv = [str(KUBERNETES_VALIDATE), "--strict", "--kubernetes-version", version, *map(str, files)]
    first = run_peer(argv, project)  # untimed, so each tool gets one warm-up
    print(f"  kubernetes-validate --strict --kubernetes-version {version} <{len(files)} files>: exit {first.returncode}",
          flush=True)
    if first.returncode != 0:
        complaints = [line for line in (first.stdout + first.stderr).splitlines() if not line.startswith("INFO")]
        for line in complaints[:10]:
            print(f"    | {line}")
        if len(complaints) > 10:
            print(f"    | ... ({len(complaints) - 10} more lines)")
    return measure(f"kubernetes-validate, {len(files)} files", lambda: run_peer(argv, project), runs, len(files))


def fmt_seconds(value: float) -> str:
    return f"{value:.3f} s"


def fmt_rate(value: float | None) -> str:
    return f"{value:,.0f}" if value is not None else "-"


def met(rate: float) -> str:
    return "met" if rate >= TARGET else "MISSED"


def versus_target(rate: float) -> str:
    return f"target >= {TARGET:,.0f}/s: {met(rate)}"


def kubernetes_versions() -> str:
    from generator.validation.schemas import available_versions

    package = importlib.metadata.version("kubernetes-validate")
    versions = available_versions()
    return f"kubernetes-validate {package} (strict schemas for Kubernetes {versions[0]} to {versions[-1]})"


def header(runs: int, kubernetes_version: str) -> list[str]:
    import yaml

    from generator import yamlio

    if CAN_PIN:
        pinning = f"core {CPU} of {sorted(os.sched_getaffinity(0))}, by os.sched_setaffinity(0, {{{CPU}}}) in a preexec_fn"
    else:
        pinning = "NOT pinned (no os.sched_setaffinity on this platform)"
    return [
        "gen validate benchmark (bench/validate.py)",
        f"machine:  {os.cpu_count()} CPUs, {platform.platform()} ({platform.machine()})",
        f"python:   {platform.python_implementation()} {platform.python_version()} ({sys.executable})",
        f"schemas:  {kubernetes_versions()}; gen and the peer check against Kubernetes {kubernetes_version}",
        f"yaml:     PyYAML {yaml.__version__}, libyaml nodes (CSafeLoader) built by yamlio.load",
        f"pinning:  every timed process, and this one for the engine figures, on ONE core: {pinning}",
        f"runs:     median of {runs} runs each (a fresh process per run; kubernetes-validate {max(1, runs // 2)}); "
        "min and max beside it",
    ]


def table(rows: list[Row]) -> list[str]:
    cells = [["measurement", "objects", "median", "min", "max", "runs", "objects/s", "target / ratio"]]
    for row in rows:
        t = row.timing
        cells.append([
            t.name, f"{t.objects:,}" if t.objects else "-", fmt_seconds(t.median), fmt_seconds(min(t.seconds)),
            fmt_seconds(max(t.seconds)), str(len(t.seconds)), fmt_rate(t.rate), row.note,
        ])
    widths = [max(len(line[i]) for line in cells) for i in range(len(cells[0]))]
    right = {1, 2, 3, 4, 5, 6}
    out = []
    for line in cells:
        padded = [cell.rjust(w) if i in right else cell.ljust(w) for i, (cell, w) in enumerate(zip(line, widths))]
        out.append("  ".join(padded).rstrip())
    out.insert(1, "  ".join("-" * w for w in widths))
    return out


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--runs", type=int, default=5, help="runs per measurement (default 5)")
    args = parser.parse_args(argv)
    if args.runs < 1:
        parser.error("--runs must be at least 1")
    return args


def benchmark(scratch: Path, runs: int) -> list[str]:
    from generator.catalog import load_catalog

    real_catalog = load_catalog(PROJECT)
    version = real_catalog.environments.kubernetes_version
    print("\n".join(header(runs, version)), flush=True)
    print()
    print("corpora:", flush=True)

    copy = copy_project(scratch / "project")
    real_files = rendered_files(copy)
    real = Corpus(copy, [e.name for e in load_catalog(copy).environments.environments], ["--all"],
                  len(real_files))
    print(f"  a. real tree: {real.objects} objects in {len(real.envs)} environments ({', '.join(real.envs)})", flush=True)

    synthetic = synthetic_project(scratch / f"services-{SERVICES}", SERVICES)
    run(gen(synthetic, "render", SYNTHETIC_ENV, "--no-validate", "-q"))  # untimed
    large_files = rendered_files(synthetic, SYNTHETIC_ENV)
    parts = sorted({path.parts[2] for path in large_files})
    large = Corpus(synthetic, [SYNTHETIC_ENV], [SYNTHETIC_ENV], len(large_files))
    print(f"  b. synthetic: {SERVICES:,} services, {SYNTHETIC_ENV} only (parts {', '.join(parts)}), "
          f"{large.objects:,} objects; declared cluster raised to cpu {ROOMY_CPU}, memory {ROOMY_MEMORY} so it fits",
          flush=True)
    print()
    print("first (untimed) runs:", flush=True)

    startup = measure("start-up: gen --help", lambda: run([*GEN, "--help"]), runs)

    real_command, real_exit = command_timing(real, runs)
    real_engine = engine_timings(real, runs)
    large_command, large_exit = command_timing(large, runs)
    large_engine = engine_timings(large, runs)
    peer = peer_timing(copy, real_files, version, max(1, runs // 2))

    def versus_peer(timing: Timing) -> str:
        return f"{timing.rate / peer.rate:.1f}x kubernetes-validate"

    rows = [
        Row(startup, "interpreter and imports"),
        Row(real_command, f"{real_exit}; {versus_peer(real_command)} (same files)"),
        Row(real_engine[0], versus_peer(real_engine[0])),
        *(Row(t) for t in real_engine[1:]),
        Row(peer, "the peer, on the real tree's files"),
        Row(large_command, f"{large_exit}; {versus_target(large_command.rate)}; {versus_peer(large_command)}"),
        Row(large_engine[0], f"{versus_target(large_engine[0].rate)}; {versus_peer(large_engine[0])}"),
        *(Row(t) for t in large_engine[1:]),
    ]
    out = ["", *table(rows), ""]
    out.append(f"ratio gen / kubernetes-validate, objects/s on one core (peer: {fmt_rate(peer.rate)}/s over "
               f"{peer.objects} files):")
    ratios = [
        (f"gen validate --all, the same {real.objects} files", real_command),
        (f"gen validate {SYNTHETIC_ENV}, {large.objects:,} objects", large_command),
        (f"engine only, {large.objects:,} objects", large_engine[0]),
    ]
    width = max(len(label) for label, _ in ratios) + 1
    out += [f"  {(label + ':').ljust(width)} {timing.rate / peer.rate:5.1f}x" for label, timing in ratios]
    out.append(f"target >= {TARGET:,.0f} objects/s on one core:")
    targets = [
        (f"(a) gen validate {SYNTHETIC_ENV}, {large.objects:,} objects", large_command),
        (f"(b) engine only, {large.objects:,} objects", large_engine[0]),
    ]
    width = max(len(label) for label, _ in targets) + 1
    out += [
        f"  {(label + ':').ljust(width)} {fmt_rate(timing.rate):>6}/s: {met(timing.rate)}"
        for label, timing in targets
    ]
    return out


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    if not KUBERNETES_VALIDATE.exists():
        print(f"bench: no kubernetes-validate next to {sys.executable} (pip install kubernetes-validate)",
              file=sys.stderr)
        return 1
    scratch = Path(tempfile.mkdtemp(prefix="gen-bench-validate-"))
    try:
        lines = benchmark(scratch, args.runs)
    except CommandFailed as exc:
        print(f"bench: {exc}", file=sys.stderr)
        print(exc.output.rstrip(), file=sys.stderr)
        return 1
    finally:
        shutil.rmtree(scratch, ignore_errors=True)
    print("\n".join(lines))
    return 0


if __name__ == "__main__":
    sys.exit(main())
