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
  b. a large synthetic tree, so start-up is amortized: bench/common.py's synthetic catalog
     (the one bench/render.py scales with) of 1,000 services with only the `staging`
     environment (blue-green: parts shared, blue, green and argocd; about 11,000 objects). The real
     staging cluster (16 cores, 64Gi) cannot hold 1,000 services (they request about 230 cores
     and 575Gi), so the scratch environments.yaml declares a roomy cluster instead (cpu 4096,
     memory 16Ti, nothing else changed): `gen validate` then takes its clean path, as in CI,
     instead of reporting capacity findings. It is rendered once, untimed (`render staging --no-validate -q`), then
     `gen --project SCRATCH validate staging` is timed.
  Exit codes: `gen validate` may exit 0 (clean) or 1 (findings, with its summary line printed);
  anything else, or a traceback, is a crash and ends the benchmark.

For each corpus, besides the command:
  - engine only: in THIS process, pinned to the same one core, after one untimed warm-up,
    generator.validation.validate(project, catalog, envs) (read the files, parse the YAML,
    compile the schemas, run schema, policy and capacity checks) with N timed calls; and, to
    show where the time goes, its two halves: generator.rendered.read (files to objects, generator/rendered/reader.py),
    and run.validate_docs on the already parsed objects with a warm SchemaStore (checks only).
    These exclude interpreter start-up, imports, the catalog load and printing the report.
  - parse-only floor: the parser gen uses (generator/yamlio.load: libyaml's C parser, a lean
    constructor) over the same files' texts already in memory: no reading, no checks. No
    validate of these files can beat it without a faster parser or parsing less.
  The halves and the floor run with Python's cycle collector paused, as validate() runs them
  (generator/collector.py); otherwise the collector's walks over the growing tree would be
  counted in them and not in validate().
And once, for scale: `gen --help` cold (interpreter start-up and imports, nothing validated).

The peer tool on the SAME files in the same run: `kubernetes-validate --strict
--kubernetes-version <the catalog's kubernetes_version> FILES...` over every file of the real
tree (it checks Kubernetes' own kinds only, which is all the rendered tree holds today). It is
slow (~50 objects/s), so it gets max(1, N // 2) runs. If it exits non-zero its first complaints
are printed once; it is timed all the same.

Printed: objects/s ratios of gen over kubernetes-validate, and the target
">= 5,000 objects/s on one core" met or MISSED for the large corpus's command and engine,
beside the parse-only floor.
Nothing is asserted; the exit code is 0 unless a command crashes (then its output is printed
and the exit code is 1).

Standard library only (and bench/common.py, the helpers it shares with bench/render.py), plus
the project's own `generator` package for the engine figures.
"""

from __future__ import annotations

import importlib.metadata
import os
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import common
from common import (
    GEN,
    PROJECT,
    ROOMY_CPU,
    ROOMY_MEMORY,
    CommandFailed,
    Row,
    Timing,
    beside_python,
    copy_project,
    gen,
    machine_lines,
    measure,
    parse_args,
    per_second,
    run_benchmark,
    synthetic_project,
    table,
    verdict,
)

RENDERED = "rendered"
SERVICES = 1000
SYNTHETIC_ENV = "staging"
KUBERNETES_VALIDATE = beside_python("kubernetes-validate")

TARGET = 5000.0  # objects/s on one core (issue 16), on a tree of at least 10,000 objects
GEN_SUMMARY = "gen validate:"


# --- pinning --------------------------------------------------------------------------------

CAN_PIN = hasattr(os, "sched_setaffinity")
CPU = min(os.sched_getaffinity(0)) if CAN_PIN else None


def pin_to_one_core() -> None:
    """preexec_fn of every timed process (and used on this process for the engine figures)."""
    if CAN_PIN:
        os.sched_setaffinity(0, {CPU})


# --- running and timing ---------------------------------------------------------------------


def execute(argv: list[str], cwd: Path | None = None, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    return common.execute(argv, cwd, preexec_fn=pin_to_one_core, env=env)


def crashed(result: subprocess.CompletedProcess[str]) -> bool:
    return result.returncode < 0 or "Traceback (most recent call last)" in result.stderr


def run(argv: list[str]) -> str:
    """A preparatory command that must succeed, pinned: its stdout, or CommandFailed."""
    return common.run(argv, preexec_fn=pin_to_one_core)


def run_gen_validate(argv: list[str], env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    """`gen validate`: exit 0, or 1 with its summary line (findings); anything else crashed."""
    result = execute(argv, env=env)
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


# --- scratch projects -----------------------------------------------------------------------


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
    from generator.rendered import parts, read
    from generator.validation.run import SCHEMAS_DIR, unreadable_findings, validate_docs
    from generator.validation.schemas import SchemaStore

    catalog = load_catalog(corpus.project)
    envs = [catalog.env_by_name[name] for name in corpus.envs]

    def whole() -> object:
        return validate(corpus.project, catalog, envs)

    def files_to_objects() -> list:
        """Per environment: its objects, and the files that are not objects."""
        return [read(corpus.project, parts(catalog, env)) for env in envs]

    store = SchemaStore(catalog.environments.kubernetes_version, corpus.project / SCHEMAS_DIR)
    parsed = files_to_objects()

    def checks() -> list:
        return [validate_docs(catalog, env, tree.docs, store, unreadable_findings(tree)) for env, tree in zip(envs, parsed)]

    def cache_off(call):
        def once() -> object:
            was = os.environ.get(common.CACHE)
            os.environ[common.CACHE] = common.OFF
            try:
                return call()
            finally:
                if was is None:
                    os.environ.pop(common.CACHE, None)
                else:
                    os.environ[common.CACHE] = was

        return once

    before = os.sched_getaffinity(0) if CAN_PIN else None
    pin_to_one_core()
    try:
        report = whole()  # warm-up: caches, page cache, allocator
        checks()  # warms the store: every validator compiled
        if report.objects != corpus.objects:
            print(f"  note: the engine counted {report.objects} objects, the files number {corpus.objects}")
        from generator import collector, yamlio

        texts = [(corpus.project / path).read_text(encoding="utf-8") for path in rendered_files(corpus.project)]

        def parse_only() -> list:
            return [yamlio.load(text) for text in texts]

        def as_validate_runs(call):
            """validate() reads and checks with the cycle collector paused (generator/collector.py):
            its halves, and the parser's floor, are measured the same way."""
            def once() -> object:
                with collector.paused():
                    return call()
            return once

        return [
            measure("  engine: validate() in-process", whole, runs, corpus.objects),
            measure("    parse-only floor (yamlio.load, texts in memory)", as_validate_runs(parse_only), runs, len(texts)),
            measure("    of which read + parse (parse cache warm)", as_validate_runs(files_to_objects), runs, corpus.objects),
            measure("    of which checks (warm schemas)", as_validate_runs(checks), runs, corpus.objects),
            measure("    of which read + parse, parse cache off", as_validate_runs(cache_off(files_to_objects)), runs,
                    corpus.objects),
        ]
    finally:
        if before is not None:
            os.sched_setaffinity(0, before)


def command_timing(corpus: Corpus, runs: int) -> tuple[Timing, Timing, str]:
    """`gen validate` warm (its parse cache filled by the untimed first run, as after a render
    or an earlier validate) and cold (GEN_CACHE=off: every file parsed), interleaved."""
    argv = gen(corpus.project, "validate", *corpus.args)
    first = run_gen_validate(argv)  # untimed: its summary line, a warm page cache, a filled parse cache
    summary = first.stdout.strip().splitlines()[-1]
    print(f"  gen validate {' '.join(corpus.args)}: exit {first.returncode}; {summary}", flush=True)
    warm, cold = common.interleaved([
        (f"gen validate {' '.join(corpus.args)}", lambda: run_gen_validate(argv), None),
        (f"gen validate {' '.join(corpus.args)}, parse cache off",
         lambda: run_gen_validate(argv, {common.CACHE: common.OFF}), None),
    ], runs)
    with_objects = lambda t: Timing(t.name, t.seconds, corpus.objects)  # noqa: E731
    return with_objects(warm), with_objects(cold), f"exit {first.returncode}"


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


def met(rate: float) -> str:
    return verdict(rate >= TARGET)


def versus_target(rate: float) -> str:
    return f"target >= {TARGET:,.0f}/s: {met(rate)}"


def kubernetes_versions() -> str:
    from generator.validation.schemas import available_versions

    package = importlib.metadata.version("kubernetes-validate")
    versions = available_versions()
    return f"kubernetes-validate {package} (strict schemas for Kubernetes {versions[0]} to {versions[-1]})"


def header(runs: int, kubernetes_version: str) -> list[str]:
    import yaml

    if CAN_PIN:
        pinning = f"core {CPU} of {sorted(os.sched_getaffinity(0))}, by os.sched_setaffinity(0, {{{CPU}}}) in a preexec_fn"
    else:
        pinning = "NOT pinned (no os.sched_setaffinity on this platform)"
    return [
        "gen validate benchmark (bench/validate.py)",
        *machine_lines(10),
        f"schemas:  {kubernetes_versions()}; gen and the peer check against Kubernetes {kubernetes_version}",
        f"yaml:     PyYAML {yaml.__version__}, libyaml nodes (CSafeLoader) built by yamlio.load",
        f"pinning:  every timed process, and this one for the engine figures, on ONE core: {pinning}",
        f"runs:     median of {runs} runs each (a fresh process per run; kubernetes-validate {max(1, runs // 2)}); "
        "min and max beside it",
    ]


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

    synthetic = synthetic_project(scratch / f"services-{SERVICES}", SERVICES, SYNTHETIC_ENV)
    run(gen(synthetic, "render", SYNTHETIC_ENV, "--no-validate", "-q"))  # untimed
    large_files = rendered_files(synthetic, SYNTHETIC_ENV)
    parts = sorted({path.parts[2] for path in large_files})
    large = Corpus(synthetic, [SYNTHETIC_ENV], [SYNTHETIC_ENV], len(large_files))
    print(f"  b. synthetic: {SERVICES:,} services, {SYNTHETIC_ENV} only (parts {', '.join(parts)}), "
          f"{large.objects:,} objects; declared cluster raised to cpu {ROOMY_CPU}, memory {ROOMY_MEMORY} so it fits",
          flush=True)
    if large.objects < 10_000:
        print(f"  note: the target asks for a tree of at least 10,000 objects; this one has {large.objects:,}")
    print()
    print("first (untimed) runs:", flush=True)

    startup = measure("start-up: gen --help", lambda: run([*GEN, "--help"]), runs)

    real_command, real_cold, real_exit = command_timing(real, runs)
    real_engine = engine_timings(real, runs)
    large_command, large_cold, large_exit = command_timing(large, runs)
    large_engine = engine_timings(large, runs)
    peer = peer_timing(copy, real_files, version, max(1, runs // 2))

    def versus_peer(timing: Timing) -> str:
        return f"{timing.rate / peer.rate:.1f}x kubernetes-validate"

    rows = [
        Row(startup, "interpreter and imports"),
        Row(real_command, f"{real_exit}; {versus_peer(real_command)} (same files)"),
        Row(real_cold, f"every file parsed; {versus_peer(real_cold)}"),
        Row(real_engine[0], versus_peer(real_engine[0])),
        *(Row(t) for t in real_engine[1:]),
        Row(peer, "the peer, on the real tree's files"),
        Row(large_command, f"{large_exit}; {versus_target(large_command.rate)}; {versus_peer(large_command)}"),
        Row(large_cold, f"every file parsed; {versus_target(large_cold.rate)}"),
        Row(large_engine[0], f"{versus_target(large_engine[0].rate)}; {versus_peer(large_engine[0])}"),
        Row(large_engine[1], f"the parser's floor: validate() is {large_engine[0].rate / large_engine[1].rate:.0%} of it"),
        *(Row(t) for t in large_engine[2:]),
    ]
    out = ["", *table(rows, objects=True), ""]
    out.append(f"ratio gen / kubernetes-validate, objects/s on one core (peer: {per_second(peer.rate)}/s over "
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
        (f"(a') the same, parse cache off", large_cold),
        (f"(b) engine only, {large.objects:,} objects", large_engine[0]),
        (f"(c) parse-only floor, {large.objects:,} objects", large_engine[1]),
    ]
    width = max(len(label) for label, _ in targets) + 1
    out += [
        f"  {(label + ':').ljust(width)} {per_second(timing.rate):>6}/s: {met(timing.rate)}"
        for label, timing in targets
    ]
    return out


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv, __doc__.split("\n", 1)[0], "runs per measurement")
    if not KUBERNETES_VALIDATE.exists():
        print(f"bench: no kubernetes-validate next to {sys.executable} (pip install kubernetes-validate)",
              file=sys.stderr)
        return 1
    return run_benchmark("gen-bench-validate-", lambda scratch: benchmark(scratch, args.runs))


if __name__ == "__main__":
    sys.exit(main())
