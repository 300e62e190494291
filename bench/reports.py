"""Report benchmarks. Not a test: it prints figures and ratios, it never fails on time.

1. A cohort report over 10,000 responses, against papermill running an empty notebook (target ≤ 1.5×).
   Both go through :func:`aiskole.reports.runner.execute_notebook`, the one way every report template is run
   (same papermill options, kernel arguments and working folder), in this process. One discarded warm-up
   run of each first; then the two alternate, so a change in the machine's load hits both alike.
2. 50 pilot reports, one process after the other vs in parallel processes (target ≥ 1.8× faster on 2 cores),
   with the batch's default number of processes (:func:`aiskole.reports.batch.default_workers`).

    .venv/bin/python bench/reports.py [--pilots 50] [--runs 9]     (--pilots 0: only part 1)
"""

from __future__ import annotations

import argparse
import os
import statistics
import tempfile
import time
from pathlib import Path


def empty_notebook(path: Path) -> Path:
    import nbformat

    nb = nbformat.v4.new_notebook()
    nb.cells = [nbformat.v4.new_code_cell("x = None")]
    nb.cells[0].metadata["tags"] = ["parameters"]
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    nbformat.write(nb, path)
    return path


def timed(fn, runs: int, cpu: list[float] | None = None) -> list[float]:
    """Wall-clock seconds of each run; ``cpu`` gets the CPU seconds of this process plus the kernels it
    started and reaped during the run (a figure that a busy machine disturbs much less than wall time)."""
    times = []
    for _ in range(runs):
        before = os.times()
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
        after = os.times()
        if cpu is not None:
            cpu.append(sum(after[:4]) - sum(before[:4]))
    return times


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--pilots", type=int, default=50)
    parser.add_argument("--runs", type=int, default=9)
    args = parser.parse_args()

    from aiskole.demo_data import generate, generate_responses
    from aiskole.reports import batch, runner
    from aiskole.store import BoundStore, Store

    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        os.environ["AISKOLE_DATA_DIR"] = str(tmp / "data")
        url = f"sqlite:///{tmp / 'data' / 'aiskole.sqlite3'}"
        store = Store(url)
        store.migrate()
        demo = generate(store, seed=7)
        generate_responses(store, n=10_000, seed=3)
        n_rows = len(store.list_submissions())
        print(f"machine: {os.cpu_count()} cores; store: SQLite with {n_rows} submissions")

        # 1. cohort over 10,000 responses vs an empty notebook, both through papermill in this process
        empty = empty_notebook(tmp / "empty.ipynb")
        params = {"start": "2026-01-01", "end": "2026-12-31", "department": None, "database_url": url}
        print(f"load average before: {load()}")
        runner.execute_notebook(empty)  # warm-up runs, not counted
        runner.execute("cohort", params)
        base: list[float] = []
        cohort: list[float] = []
        base_cpu: list[float] = []
        cohort_cpu: list[float] = []
        for _ in range(args.runs):
            base += timed(lambda: runner.execute_notebook(empty), 1, base_cpu)
            cohort += timed(lambda: runner.execute("cohort", params), 1, cohort_cpu)
        [result] = runner.read_results(runner.execute("cohort", params))  # the report did the real work
        ratio = statistics.median(cohort) / statistics.median(base)
        print(f"papermill, empty notebook:            median {statistics.median(base):.2f} s  {fmt(base)}")
        print(f"cohort report, {n_rows} responses:   median {statistics.median(cohort):.2f} s  {fmt(cohort)}")
        print(f"  ratio cohort / empty: {ratio:.2f}x  (target <= 1.5x)")
        print(
            f"  CPU s (this process + kernel), median: empty {statistics.median(base_cpu):.2f}, cohort "
            f"{statistics.median(cohort_cpu):.2f}, ratio {statistics.median(cohort_cpu) / statistics.median(base_cpu):.2f}x"
        )
        print(
            f"  (cohort report: {result['workshops']} workshops, {result['participants']} participants in the "
            f"figures; load average after: {load()})"
        )
        if args.pilots < 1:
            store.dispose()
            return

        # 2. 50 pilot reports: sequential vs parallel processes
        codes = []
        source = store.list_submissions(workshop_code=demo.pilot_code)
        for i in range(args.pilots):
            code = f"PILOT-{i:03d}"
            bound = BoundStore(store, workshop_code=code, participant=f"team-{i}")
            for row in source:
                bound.add_submission(row.exercise, row.answers, row.result)
            codes.append(code)
        jobs = [runner.Job("pilot", {"code": c, "database_url": url}, f"pilot-{c}") for c in codes]
        start = time.perf_counter()
        seq = batch.run_batch(jobs, tmp / "seq", ("html",), workers=1, progress=False)
        sequential = time.perf_counter() - start
        start = time.perf_counter()
        workers = batch.default_workers(len(jobs))  # what `aiskole report pilot --all` uses
        par = batch.run_batch(jobs, tmp / "par", ("html",), workers=workers, progress=False)
        parallel = time.perf_counter() - start
        ok_seq, ok_par = sum(o.ok for o in seq), sum(o.ok for o in par)
        print(f"{args.pilots} pilot reports, one after the other: {sequential:.1f} s ({ok_seq} ok)")
        print(
            f"{args.pilots} pilot reports, {workers} processes on {os.cpu_count()} cores: {parallel:.1f} s "
            f"({ok_par} ok)"
        )
        print(f"  speed-up: {sequential / parallel:.2f}x  (target >= 1.8x on 2 cores)")
        store.dispose()


def load() -> str:
    return " ".join(f"{x:.2f}" for x in os.getloadavg())


def fmt(values: list[float]) -> str:
    return "[" + ", ".join(f"{v:.2f}" for v in values) + "]"


if __name__ == "__main__":
    main()
