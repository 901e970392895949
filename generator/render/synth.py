"""Stage 1: the blueprints (cdk8s constructs) synthesized into plain manifests, per part.

Every object costs a few round trips to cdk8s's jsii runtime (a Node process answering one
call at a time), so synthesis waits on a pipe far more than it computes. The charts are
therefore spread over worker processes, one runtime each, on every core this process may use:
each worker is forked from this process (the catalog is already loaded; nothing is pickled but
the synthesized manifests) and builds whole charts with cdk8s exactly as a single process would
(tests/test_synth_workers.py compares the two byte for byte). A single chart, a single core,
or a process that has already loaded jsii (cdk8s, constructs: a fork would share its pipe) synthesize
in this process instead.
"""

from __future__ import annotations

import copy
import errno
import tempfile
import multiprocessing
import os
import threading
import time
from concurrent.futures import Future, ProcessPoolExecutor
from dataclasses import dataclass
from typing import Any, Hashable, Iterator

from blueprints.model import Catalog
from blueprints.types import BlueprintError, CatalogProblem
from generator.errors import GenError, RenderError
from generator.fieldpath import dotted
from generator.rendered import Part
from generator.runtime import cdk8s_app, cdk8s_started, ensure_node, node_failure, quiet_jsii_at_exit


@dataclass(frozen=True)
class SynthPart:
    part: Part
    manifests: list[dict[str, Any]]
    # (kind, name) -> (blueprint class, overlay file stem); see blueprints.charts.Origin
    origins: dict[tuple[str, str], Any]
    # files beside the objects (Helm values): name under rendered/<env>/<part>/ -> (header, data)
    files: dict[str, tuple[str, dict]]


Chart = tuple[list[dict[str, Any]], dict[tuple[str, str], Any], dict[str, tuple[str, dict]]]


def chart_key(part: Part) -> Hashable:
    """Parts with equal keys have equal charts. The services' chart depends on the environment
    and the image tag only: the color itself is kustomize's (suffix and label), so two colors
    on one release are synthesized once."""
    if part.color:
        return (part.env, "services", part.environment.images.tag_for(part.color))
    return (part.env, part.name)


def workers_for(charts: int) -> int:
    """Worker processes for `charts` charts: one per usable core, none (this process) when
    there is one chart or one core, or when this process already runs a jsii runtime (or is
    starting one: runtime.start_cdk8s)."""
    cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1
    forkable = "fork" in multiprocessing.get_all_start_methods() and not cdk8s_started()
    return min(cores, charts) if forkable and charts > 1 and cores > 1 else 0


def synthesize(catalog: Catalog, parts: tuple[Part, ...], workers: int | None = None) -> Iterator[SynthPart]:
    """Every part's manifests, yielded in the order of `parts` as they are done, so the caller
    can start kustomize on one while the next builds. `workers`: None chooses (workers_for),
    0 synthesizes in this process."""
    ensure_node()
    firsts: dict[Hashable, Part] = {}
    for part in parts:
        firsts.setdefault(chart_key(part), part)
    if workers is None:
        workers = workers_for(len(firsts))
    charts = in_workers(catalog, firsts, workers) if workers else in_process(catalog, firsts)
    done: dict[Hashable, Chart] = {}
    try:
        for part in parts:
            key = chart_key(part)
            if key in done:  # a second color of one release: the same chart, copied
                manifests, origins, files = done[key]
                yield SynthPart(part, copy.deepcopy(manifests), origins, files)
                continue
            try:
                done[key] = next(charts)
            except Exception as exc:
                if isinstance(exc, OSError) and exc.errno in DISK_ERRORS:  # the disk, not Node
                    if exc.filename is None:  # jsii and Node write to the temporary folder
                        raise OSError(exc.errno, exc.strerror, tempfile.gettempdir()) from None
                    raise
                if died(exc):
                    raise node_failure(exc) from None
                raise
            yield SynthPart(part, *done[key])
    finally:
        charts.close()  # the workers end here, not when the generator is collected


DISK_ERRORS = {errno.ENOSPC, errno.EDQUOT, errno.EROFS, errno.EACCES, errno.EPERM, errno.EIO}


def died(exc: Exception) -> bool:
    """Whether synthesis failed because Node (jsii's runtime) or a worker died or answered
    garbage, not because of the catalog or a blueprint (jsii is not imported here: that would
    count as a started runtime)."""
    if isinstance(exc, (GenError, BlueprintError, CatalogProblem)):
        return False
    return isinstance(exc, (OSError, EOFError, ValueError, RuntimeError)) or type(exc).__module__.startswith("jsii")


def in_process(catalog: Catalog, firsts: dict[Hashable, Part]) -> Iterator[Chart]:
    app = cdk8s_app()  # importing cdk8s starts the jsii runtime: late, or early on a thread (runtime.py)
    for part in firsts.values():
        yield chart(app, catalog, part)


def in_workers(catalog: Catalog, firsts: dict[Hashable, Part], workers: int) -> Iterator[Chart]:
    """The charts, in order, each built by one of `workers` forked processes."""
    context = multiprocessing.get_context("fork")
    jobs = list(firsts.values())
    with ProcessPoolExecutor(workers, mp_context=context, initializer=_adopt, initargs=(catalog, jobs, os.getpid())) as pool:
        futures: list[Future[Chart]] = [pool.submit(_worker_chart, number) for number in range(len(jobs))]
        try:
            for future in futures:
                yield future.result()
        finally:
            for future in futures:
                future.cancel()


# A worker's state: the catalog and the parts it was forked with, and its own cdk8s App.
_WORKER: dict[str, Any] = {}


def _adopt(catalog: Catalog, jobs: list[Part], parent: int) -> None:
    quiet_jsii_at_exit()  # a worker's failure reaches the parent, which says it in one line
    _WORKER.update(catalog=catalog, jobs=jobs)
    threading.Thread(target=_leave_with, args=(parent,), daemon=True, name="leave-with-parent").start()


def _leave_with(parent: int) -> None:
    """A killed gen cannot stop its workers, and they would wait on the task queue for ever
    (holding its output pipes and their Node runtimes): each leaves once its parent is gone."""
    while os.getppid() == parent:
        time.sleep(0.5)
    os._exit(1)


def _worker_chart(number: int) -> Chart:
    if "app" not in _WORKER:
        from cdk8s import App

        _WORKER["app"] = App()
    return chart(_WORKER["app"], _WORKER["catalog"], _WORKER["jobs"][number])


def chart(app: Any, catalog: Catalog, part: Part) -> Chart:
    """One part's chart under `app`, turned to JSON once (one jsii call)."""
    from blueprints.charts import part_chart

    try:
        built = part_chart(app, catalog, part.environment, part.name, part.color)
    except ValueError as exc:  # a blueprint refusing what the catalog asks: bad input, not a crash
        if type(exc).__module__.startswith(("json", "jsii")):  # Node's answer, not the blueprint's
            raise node_failure(exc) from None
        raise RenderError(refusal(part, exc)) from None
    return list(built.to_json()), built.origins, built.files


def refusal(part: Part, exc: ValueError) -> str:
    """One line naming the part, and the field when the blueprint names it (a CatalogProblem).
    Any ValueError counts (BlueprintError is the blueprints' own): it is the catalog's values the
    blueprint refuses."""
    if isinstance(exc, CatalogProblem):
        return f"{part}: {dotted(exc.loc)}: {exc.message}"
    return f"{part}: {exc}"
