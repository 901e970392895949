"""Benchmark `gen diff --format markdown`'s report (the pull request comment) as the objects it
lists grow: one row per size, the median of N runs of generator/diff/markdown.markdown over a
comparison of N ConfigMaps, each with three changed keys, in one production part. The report is
bounded (60,000 bytes), so its time must grow linearly with the objects, not with their square.

    .venv/bin/python bench/markdown.py             # 10,000, 20,000 and 40,000 objects, 3 runs
    .venv/bin/python bench/markdown.py --runs 5 --sizes 10000 80000
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from generator.diff.compare import Entry, compare  # noqa: E402
from generator.diff.markdown import markdown  # noqa: E402

ORDER = ["local", "development", "staging", "production"]


def changes(objects: int):
    old, new = {}, {}
    for number in range(objects):
        key = ("production/shared", "ConfigMap", "therapeutic-ai", f"config-{number:05}")
        file = f"rendered/production/shared/configmap-config-{number:05}.yaml"
        old[key] = Entry(file, key[3], {"data": {"a": "1", "b": "2", "c": "3"}})
        new[key] = Entry(file, key[3], {"data": {"a": "10", "b": "20", "c": "30"}})
    return compare(old, new)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--sizes", type=int, nargs="+", default=[10_000, 20_000, 40_000])
    args = parser.parse_args()
    print(f"{'objects':>8}  {'median s':>9}  {'min s':>7}  {'max s':>7}  bytes")
    for size in args.sizes:
        result = changes(size)
        times = []
        for _ in range(args.runs):
            started = time.perf_counter()
            text = markdown("gen diff", result, ORDER)
            times.append(time.perf_counter() - started)
        print(f"{size:>8}  {statistics.median(times):>9.2f}  {min(times):>7.2f}  {max(times):>7.2f}  {len(text.encode())}")


if __name__ == "__main__":
    main()
