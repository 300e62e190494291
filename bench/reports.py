"""Report benchmarks. Not a test: it prints figures and ratios, it never fails on time.

1. A cohort report over 10,000 responses, against papermill running an empty notebook (target ≤ 1.5×).
2. 50 pilot reports, one process after the other vs in parallel processes (target ≥ 1.8× faster on 2 cores).

    .venv/bin/python bench/reports.py [--pilots 50]
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))


def empty_notebook(path: Path) -> Path:
    import nbformat

    nb = nbformat.v4.new_notebook()
    nb.cells = [nbformat.v4.new_code_cell("x = None")]
    nb.cells[0].metadata["tags"] = ["parameters"]
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    nbformat.write(nb, path)
    return path


def timed(fn, runs: int) -> list[float]:
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return times


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--pilots", type=int, default=50)
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()

    import papermill as pm

    from aiskole import reports
    from aiskole.demo_data import generate, generate_responses
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
        extra = ["--IPKernelApp.log_level=ERROR"]
        base = timed(
            lambda: pm.execute_notebook(
                str(empty),
                str(tmp / "out.ipynb"),
                progress_bar=False,
                kernel_name="python3",
                extra_arguments=extra,
            ),
            args.runs,
        )
        params = {"start": "2026-01-01", "end": "2026-12-31", "department": None, "database_url": url}
        cohort = timed(lambda: reports.execute("cohort", params), args.runs)
        ratio = statistics.median(cohort) / statistics.median(base)
        print(f"papermill, empty notebook:            median {statistics.median(base):.2f} s  {fmt(base)}")
        print(f"cohort report, {n_rows} responses:   median {statistics.median(cohort):.2f} s  {fmt(cohort)}")
        print(f"  ratio cohort / empty: {ratio:.2f}x  (target <= 1.5x)")

        # 2. 50 pilot reports: sequential vs parallel processes
        codes = []
        source = store.list_submissions(workshop_code=demo.pilot_code)
        for i in range(args.pilots):
            code = f"PILOT-{i:03d}"
            bound = BoundStore(store, workshop_code=code, participant=f"team-{i}")
            for row in source:
                bound.add_submission(row.exercise, row.answers, row.result)
            codes.append(code)
        jobs = [reports.Job("pilot", {"code": c, "database_url": url}, f"pilot-{c}") for c in codes]
        start = time.perf_counter()
        seq = reports.run_batch(jobs, tmp / "seq", ("html",), workers=1, progress=False)
        sequential = time.perf_counter() - start
        start = time.perf_counter()
        par = reports.run_batch(jobs, tmp / "par", ("html",), workers=os.cpu_count(), progress=False)
        parallel = time.perf_counter() - start
        ok_seq, ok_par = sum(o.ok for o in seq), sum(o.ok for o in par)
        print(f"{args.pilots} pilot reports, one after the other: {sequential:.1f} s ({ok_seq} ok)")
        print(
            f"{args.pilots} pilot reports, {os.cpu_count()} processes:        {parallel:.1f} s ({ok_par} ok)"
        )
        print(f"  speed-up: {sequential / parallel:.2f}x  (target >= 1.8x on 2 cores)")
        store.dispose()


def fmt(values: list[float]) -> str:
    return "[" + ", ".join(f"{v:.2f}" for v in values) + "]"


if __name__ == "__main__":
    main()
