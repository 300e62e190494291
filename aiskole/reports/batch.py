"""Many reports at once: planning the jobs (which reports, their parameters and file names) and making them
in parallel processes with a progress bar.

The CLI only parses options and calls :func:`plan_workshop_jobs` / :func:`plan_cohort_jobs` and
:func:`run_batch`; every date is a Danish calendar day (:mod:`aiskole.l10n`), as in the cohort report itself.
"""

from __future__ import annotations

import datetime as dt
import os
import re
import unicodedata
from collections.abc import Iterable, Sequence
from concurrent.futures import ProcessPoolExecutor, as_completed
from pathlib import Path
from typing import TYPE_CHECKING

from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

from aiskole import l10n
from aiskole.errors import ReportError
from aiskole.reports.dpia_note import dpia_note
from aiskole.reports.model import parse_code, parse_date, read
from aiskole.reports.runner import Job, Outcome, run_report
from aiskole.reports.store import report_store

if TYPE_CHECKING:  # the store is handed in; its types are only annotations here
    from aiskole.store import Store

#: At most this many report processes by default, whatever the number of cores (each needs ~200 MB).
MAX_WORKERS = 8
#: The start of each report's file name, per kind.
FILE_NAMES = {"workshop": "workshop", "pilot": "pilot", "literacy": "ai-faerdigheder", "cohort": "kohorte"}


def slug(text: str) -> str:
    """A file-name part from a Danish name: ``"Ældre og Sundhed"`` -> ``"aeldre-og-sundhed"``."""
    lower = text.lower()  # before the Danish letters, so "Ældre" becomes "aeldre", not "ldre"
    decomposed = unicodedata.normalize("NFKD", lower.replace("æ", "ae").replace("ø", "oe").replace("å", "aa"))
    letters = "".join(c for c in decomposed if not unicodedata.combining(c))  # "é" -> "e"
    return re.sub(r"[^a-z0-9]+", "-", letters).strip("-")  # anything else ("–", "&") separates words


def plan_workshop_jobs(
    kind: str,
    codes: Iterable[str],
    *,
    store: Store | None = None,
    every_workshop: bool = False,
    database_url: str | None = None,
) -> list[Job]:
    """One job per code (and per workshop in the store with ``every_workshop``), duplicates dropped.

    ``kind`` is ``"workshop"``, ``"pilot"`` or ``"literacy"``.

    Raises
    ------
    ReportError
        A badly formed code, or no code at all (Danish message).
    """
    chosen = [parse_code(c) for c in codes if str(c).strip()]
    if every_workshop and store is not None:
        chosen += [w.code for w in read(store, "list_workshops")]
    if not chosen:
        raise ReportError("Angiv --workshop KODE (gerne flere) eller --all.")
    return [
        Job(kind, {"code": code, "database_url": database_url}, f"{FILE_NAMES[kind]}-{code}")
        for code in dict.fromkeys(chosen)
    ]


def plan_cohort_jobs(
    start: object,
    end: object,
    *,
    department: str | None = None,
    per_department: bool = False,
    store: Store | None = None,
    database_url: str | None = None,
) -> list[Job]:
    """One cohort report for the period, or one per department that has workshops in it.

    A workshop belongs to the period by its Danish calendar day, the same rule the report applies.

    Raises
    ------
    ReportError
        Bad dates, start after end, or no department in the period (Danish message).
    """
    first, last = parse_date(start, "--from"), parse_date(end, "--to")
    if first > last:
        raise ReportError("Perioden er forkert: --from ligger efter --to.")
    departments: Sequence[str | None] = [department]
    if per_department:
        departments = departments_in_period(store, first, last) if store is not None else []
        if not departments:
            raise ReportError("Der er ingen workshops med en afdeling i perioden. Ingen rapport er skrevet.")
    return [
        Job(
            "cohort",
            {
                "start": first.isoformat(),
                "end": last.isoformat(),
                "department": d,
                "database_url": database_url,
            },
            f"kohorte-{first}-{last}" + (f"-{slug(d)}" if d else ""),
        )
        for d in departments
    ]


def departments_in_period(store: Store, first: dt.date, last: dt.date) -> list[str]:
    """The departments of the workshops created from ``first`` to ``last`` (Danish days), sorted."""
    return sorted(
        {
            w.department
            for w in read(store, "list_workshops")
            if w.department and first <= l10n.local_date(w.created_at) <= last
        }
    )


def dpia_job(store: Store, submission_id: object, out: Path, *, database_url: str | None = None) -> Job:
    """The job that writes the note to the DPO for one stored mini-DPIA to ``out`` (an ``.html`` file).

    The number is checked in the store first: a clear message in a fraction of a second, not after a kernel start.

    Raises
    ------
    ReportError
        ``out`` is not an ``.html`` file, or there is no such mini-DPIA (Danish message).
    """
    out = Path(out)
    if out.suffix.lower() not in (".html", ".htm"):
        raise ReportError(f"Filen skal ende på .html – fik {out.name!r}.")
    note = dpia_note(store, submission_id)
    return Job("dpia", {"submission_id": note.submission_id, "database_url": database_url}, out.stem)


def dpia_report(submission_id: object, out: Path, *, database_url: str | None = None) -> dict:
    """Write the note to the DPO for one stored mini-DPIA to ``out`` (HTML); returns the template's result.

    Raises
    ------
    ReportError
        Bad number or file name, no such mini-DPIA, an unreachable store or a failing template (Danish).
    """
    out = Path(out)
    job = dpia_job(report_store(database_url), submission_id, out, database_url=database_url)
    return run_report(job, out.parent).result


def default_workers(jobs: int, cores: int | None = None) -> int:
    """Two report processes per core, at most :data:`MAX_WORKERS` and never more than there are jobs.

    A report is two processes that take turns, the runner and its kernel, and each waits for the other
    (kernel start, the 0.1 s shutdown checks). Measured on 2 cores with 20 pilot reports: 2 processes
    1.7-1.9x faster than one after the other, 3 processes 2.2x, 4 processes 2.5x.
    """
    cores = cores or os.cpu_count() or 1
    return max(1, min(jobs, 2 * cores, MAX_WORKERS))


def _run_job(args: tuple[Job, str, tuple[str, ...]]) -> Outcome:
    """Worker entry point: never raises, so one failing report cannot stop the others."""
    job, out_dir, formats = args
    for attempt in range(2):
        try:
            return run_report(job, Path(out_dir), formats)
        except ReportError as exc:
            return Outcome(job=job, error=str(exc))
        except Exception as exc:  # noqa: BLE001 - e.g. a kernel that did not start (papermill#511)
            if attempt == 0 and ("ZMQ" in type(exc).__name__ or "Kernel didn't respond" in str(exc)):
                continue
            return Outcome(job=job, error=f"Uventet fejl: {type(exc).__name__}: {exc}")
    raise AssertionError("unreachable")  # pragma: no cover


def run_batch(
    jobs: list[Job],
    out_dir: Path,
    formats: tuple[str, ...] = ("html",),
    *,
    workers: int | None = None,
    progress: bool = True,
) -> list[Outcome]:
    """Make many reports in parallel processes, with a progress bar; failures are collected, not raised.

    ``workers`` defaults to :func:`default_workers`. The outcomes come back in the order of ``jobs``.
    """
    workers = workers or default_workers(len(jobs))
    tasks = [(job, str(out_dir), formats) for job in jobs]
    bar = Progress(TextColumn("Laver rapporter"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn())
    task_id = bar.add_task("rapporter", total=len(jobs))
    outcomes: list[Outcome] = []
    if progress:
        bar.start()
    try:
        if workers == 1:
            for task in tasks:
                outcomes.append(_run_job(task))
                bar.advance(task_id)
        else:
            with ProcessPoolExecutor(max_workers=workers) as pool:
                for future in as_completed([pool.submit(_run_job, task) for task in tasks]):
                    outcomes.append(future.result())
                    bar.advance(task_id)
    finally:
        if progress:
            bar.stop()
    order = {job.name: i for i, job in enumerate(jobs)}
    return sorted(outcomes, key=lambda o: order[o.job.name])
