"""Evaluation reports: papermill runs a template in ``notebooks/reports``; nbconvert writes HTML.

The pipeline is ``validate -> execute (papermill) -> read results back -> export HTML -> move into place``.
The output file appears only when every step succeeded, so a failed run never leaves a file that looks
complete. Errors a user can cause raise :class:`ReportError` with a Danish message.
"""

from __future__ import annotations

import atexit
import copy
import datetime as dt
import functools
import gc
import os
import sys
import tempfile
from dataclasses import dataclass
from html import escape
from pathlib import Path
from typing import TYPE_CHECKING, Any

from aiskole.settings import PACKAGE_DIR, Settings, get_settings
from aiskole.store import Store, StoreError, open_store

if TYPE_CHECKING:
    from aiskole import dpia

#: Mimetype of the machine-readable result each report template displays (invisible in HTML exports).
RESULT_MIMETYPE = "application/vnd.aiskole.result+json"
#: Mimetype of an extra file a template hands back, ``{"filename": "bevis.html", "text": "..."}`` (e.g. the
#: participant certificate), written next to the report.
ATTACHMENT_MIMETYPE = "application/vnd.aiskole.attachment+json"
FORMATS = ("html", "pdf")
TEMPLATES = {
    "dpia": "dpia-screening.ipynb",
    "workshop": "workshop.ipynb",
    "cohort": "cohort.ipynb",
    "pilot": "pilot.ipynb",
    "literacy": "literacy.ipynb",
}
NBCONVERT_TEMPLATES = PACKAGE_DIR / "share" / "jupyter" / "nbconvert" / "templates"


class ReportError(ValueError):
    """A report cannot be made; the message is Danish and meant for the user."""


def reports_dir() -> Path:
    checkout = PACKAGE_DIR.parent / "notebooks" / "reports"
    return checkout if checkout.is_dir() else PACKAGE_DIR / "_notebooks" / "reports"


# --- content of the DPIA screening note (used inside the template) ------------------------------------


@dataclass(frozen=True)
class DpiaNote:
    """Everything the "DPIA-screeningsnotat" shows, built from one stored submission."""

    submission_id: int
    created_at: dt.datetime
    workshop_code: str | None
    screening: dpia.Screening

    @property
    def header_html(self) -> str:
        from aiskole.html import CSS

        local = self.created_at.astimezone()
        workshop = f" · workshop {escape(self.workshop_code)}" if self.workshop_code else ""
        return (
            f"<style>{CSS}</style>"
            "<h1>DPIA-screeningsnotat</h1>"
            f"<p>Screening nr. {self.submission_id} · udfyldt {local:%d.%m.%Y kl. %H:%M}{workshop}</p>"
            "<p>Notatet viser svarene fra en mini-DPIA om en planlagt AI-løsning og den vurdering, svarene fører "
            "til. Det er et udgangspunkt for en samtale med databeskyttelsesrådgiveren (DPO) – ikke en afgørelse.</p>"
        )

    @property
    def answers_html(self) -> str:
        from aiskole.datasets import load_dpia

        content = load_dpia()
        rows = []
        for q in content.questions:
            answer = "Ja" if self.screening.answers[q.number] else "Nej"
            extra = ""
            if q.follow_up and self.screening.answers[q.number]:
                extra = f"<br><em>{escape(q.follow_up)}</em> {'Ja' if self.screening.public_area else 'Nej'}"
            rows.append(
                f"<tr><td>{q.number}</td><td>{escape(q.text)}{extra}</td><td><strong>{answer}</strong></td>"
                f"<td>{escape(q.legal_basis)}</td></tr>"
            )
        return (
            "<h2>Spørgsmål og svar</h2>"
            '<table class="aiskole-answers"><colgroup><col class="c-nr"><col class="c-q">'
            '<col class="c-a"><col class="c-basis"></colgroup>'
            '<thead><tr><th scope="col">Nr.</th><th scope="col">Spørgsmål</th>'
            '<th scope="col">Svar</th><th scope="col">Grundlag</th></tr></thead><tbody>'
            + "".join(rows)
            + "</tbody></table>"
        )

    @property
    def verdict_html(self) -> str:
        from aiskole.html import screening_html

        return "<h2>Vurdering</h2>" + screening_html(self.screening, heading_level=3)

    @property
    def result(self) -> dict[str, Any]:
        return {
            "submission_id": self.submission_id,
            "verdict": self.screening.verdict,
            "rules": [r.rule for r in self.screening.reasons],
            "criteria_met": list(self.screening.criteria_met),
        }


def _parse_submission_id(value: Any) -> int:
    if isinstance(value, bool):
        raise ReportError("Screeningens nummer skal være et helt tal, fx 12.")
    try:
        number = int(str(value).strip())
    except (TypeError, ValueError):
        raise ReportError(f"Screeningens nummer skal være et helt tal, fx 12 – ikke {value!r}.") from None
    if number < 1:
        raise ReportError("Screeningens nummer skal være 1 eller større.")
    return number


@functools.cache
def exit_quickly() -> None:
    """Let this process end without the garbage collector's last passes over every object it holds.

    A report kernel lives for one report, and jupyter_client looks every 0.1 s whether it has ended. At
    exit, Python's collections over what SQLAlchemy and a report create took ~70 ms (~10 ms frozen), one
    0.1 s step more for every report. Nothing in the kit needs the collector at exit: stores commit each
    transaction and reports only read. Registered once per process, whatever the number of calls.
    """
    atexit.register(gc.freeze)  # atexit runs before the final collections


def store_for(database_url: str | None) -> Store:
    """The store a report reads from: the settings' database, or ``database_url`` when given.

    Opened through :func:`aiskole.store.open_store`, which migrates only a database that needs it. Every
    report opens its store here, so this also lets the report's kernel end quickly (:func:`exit_quickly`).

    Raises
    ------
    ReportError
        The store cannot be reached or migrated (Danish message).
    """
    exit_quickly()
    settings = get_settings()
    if database_url:
        settings = Settings(settings.data_dir, database_url, settings.datasets_dir)
    try:
        return open_store(settings)
    except StoreError as exc:
        raise ReportError(str(exc)) from exc


def load_dpia_note(submission_id: Any, database_url: str | None = None) -> DpiaNote:
    """Build the DPIA screening note for a stored submission.

    Raises
    ------
    ReportError
        The id is not a positive whole number, there is no such DPIA submission, or the store is unreachable.
    """
    from aiskole import dpia

    number = _parse_submission_id(submission_id)
    store = store_for(database_url)
    try:
        submission = store.get_submission(number)
    except StoreError as exc:
        raise ReportError(str(exc)) from exc
    if submission is None or submission.exercise != "dpia":
        raise ReportError(f"Der findes ingen mini-DPIA med nummer {number}.")
    answers = {int(k): v for k, v in submission.answers.items()}
    screening = dpia.screen(answers, public_area=bool(submission.result.get("public_area", False)))
    return DpiaNote(number, submission.created_at, submission.workshop_code, screening)


# --- running templates -------------------------------------------------------------------------------


def read_results(notebook) -> list[dict[str, Any]]:
    """The machine-readable results a template displayed with :data:`RESULT_MIMETYPE`."""
    found = []
    for cell in notebook.cells:
        for output in cell.get("outputs", []):
            data = output.get("data", {})
            if RESULT_MIMETYPE in data:
                found.append(data[RESULT_MIMETYPE])
    return found


def export_html(notebook) -> str:
    """HTML of an executed notebook without code cells and without external assets."""
    from nbconvert import HTMLExporter

    exporter = HTMLExporter(
        template_name="aiskole-report",
        extra_template_basedirs=[str(NBCONVERT_TEMPLATES)],
        exclude_input=True,
        exclude_input_prompt=True,
        exclude_output_prompt=True,
    )
    exporter.language_code = "da"
    notebook = copy.deepcopy(notebook)
    hidden = (RESULT_MIMETYPE, ATTACHMENT_MIMETYPE)
    for cell in notebook.cells:  # machine-readable outputs have no HTML form; leave them out
        cell["outputs"] = [o for o in cell.get("outputs", []) if not set(hidden) & set(o.get("data", {}))]
    body, _ = exporter.from_notebook_node(notebook)
    return body


def execute(name: str, parameters: dict[str, Any]):
    """Execute report template ``name`` with ``parameters`` and return the executed notebook."""
    return execute_notebook(reports_dir() / TEMPLATES[name], parameters)


def execute_notebook(path: Path, parameters: dict[str, Any] | None = None):
    """Execute the notebook at ``path`` with papermill, the way every report template is run.

    The kernel runs in an empty temporary folder. The executed notebook is returned from memory: papermill
    writes no output file (it would write the whole notebook before and after every cell, and it would only
    be read back here).
    """
    import papermill as pm
    from papermill.exceptions import PapermillExecutionError

    with tempfile.TemporaryDirectory(prefix="aiskole-report-") as tmp:
        options: dict[str, Any] = {}
        if sys.platform.startswith("linux"):
            # Unix sockets in this report's own folder instead of TCP ports: reports made in parallel
            # processes picked the same free port now and then ("Address already in use", kernel died).
            from traitlets.config import Config

            options["config"] = Config(
                {"KernelManager": {"transport": "ipc", "ip": os.path.join(tmp, "kernel")}}
            )
        try:
            return pm.execute_notebook(
                str(path),
                None,
                parameters=parameters,
                kernel_name="python3",
                progress_bar=False,
                cwd=tmp,
                **options,
                # Only noise reaches a user's terminal from the kernel's log: its warning about unencrypted TCP
                # (it listens on loopback only) and "KeyboardInterrupt caught in kernel", which appears now
                # and then because jupyter_client interrupts every kernel before shutting it down. A report's
                # own errors come back through papermill as Danish messages.
                extra_arguments=["--IPKernelApp.log_level=CRITICAL"],
            )
        except PapermillExecutionError as exc:
            if exc.ename == "ReportError":
                raise ReportError(exc.evalue) from None
            raise ReportError(f"Rapporten kunne ikke laves: {exc.ename}: {exc.evalue}") from None


def write_atomically(path: Path, text: str) -> None:
    """Write ``text`` to ``path`` via a temporary file, so no half-written file is ever seen."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", dir=path.parent)
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            handle.write(text)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def dpia_report(submission_id: Any, out: Path, *, database_url: str | None = None) -> dict[str, Any]:
    """Make the DPIA screening note for a stored submission as HTML at ``out``.

    Returns the result the template reported (verdict, rules, criteria).

    Raises
    ------
    ReportError
        Bad id, unknown submission, unreachable store, or a failing template (Danish message).
    """
    out = Path(out)
    if out.suffix.lower() not in (".html", ".htm"):
        raise ReportError(f"Filen skal ende på .html – fik {out.name!r}.")
    # Validate up front: a clear message in a fraction of a second instead of after a kernel start.
    load_dpia_note(submission_id, database_url)
    notebook = execute("dpia", {"submission_id": int(submission_id), "database_url": database_url})
    results = read_results(notebook)
    if len(results) != 1:
        raise ReportError("Rapportskabelonen gav ikke et resultat. Rapporten er ikke skrevet.")
    write_atomically(out, export_html(notebook))
    return results[0]


# --- generic runner, PDF and batch mode -----------------------------------------------------------------


def read_attachments(notebook) -> list[dict[str, str]]:
    """Extra files a template displayed with :data:`ATTACHMENT_MIMETYPE`."""
    return [
        output["data"][ATTACHMENT_MIMETYPE]
        for cell in notebook.cells
        for output in cell.get("outputs", [])
        if ATTACHMENT_MIMETYPE in output.get("data", {})
    ]


def print_pdf(html_path: Path, pdf_path: Path) -> None:
    """Print an HTML report to A4 PDF with the system Chromium (nbconvert's webpdf cannot use it).

    Runs in a worker thread: Playwright's sync API refuses to start where an event loop is already running
    (a Jupyter kernel, or a caller that uses Playwright itself).
    """
    from concurrent.futures import ThreadPoolExecutor

    with ThreadPoolExecutor(max_workers=1) as pool:
        pool.submit(_print_pdf, html_path, pdf_path).result()


def _print_pdf(html_path: Path, pdf_path: Path) -> None:
    from playwright.sync_api import sync_playwright

    pdf_path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{pdf_path.name}.", dir=pdf_path.parent)
    os.close(fd)
    try:
        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
            try:
                page = browser.new_page()
                page.goto(html_path.resolve().as_uri(), wait_until="load")
                page.emulate_media(media="print")
                page.pdf(
                    path=tmp,
                    format="A4",
                    print_background=True,
                    margin={"top": "15mm", "bottom": "15mm", "left": "12mm", "right": "12mm"},
                )
            finally:
                browser.close()
        os.replace(tmp, pdf_path)
    except Exception as exc:
        Path(tmp).unlink(missing_ok=True)
        if isinstance(exc, ReportError):
            raise
        raise ReportError(f"PDF'en kunne ikke laves med Chromium ({CHROMIUM}): {exc}") from None


CHROMIUM = "/usr/bin/chromium"
#: Headless Chromium without any background traffic (the kit's pages must load nothing from outside).
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-dev-shm-usage",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]


@dataclass(frozen=True)
class Job:
    """One report to make: its kind, the template parameters and the file name (without extension)."""

    kind: str
    params: dict[str, Any]
    name: str


@dataclass
class Outcome:
    """What came of a :class:`Job`: the files written and the result, or a Danish error message."""

    job: Job
    paths: list[Path]
    result: dict[str, Any] | None = None
    error: str | None = None

    @property
    def ok(self) -> bool:
        return self.error is None


def parse_formats(text: str) -> tuple[str, ...]:
    """``"html,pdf"`` -> ``("html", "pdf")``; HTML is always made (the PDF is printed from it)."""
    chosen = tuple(dict.fromkeys(p.strip().lower() for p in text.split(",") if p.strip()))
    unknown = [f for f in chosen if f not in FORMATS]
    if unknown or not chosen:
        raise ReportError(f"Ukendt format: {', '.join(unknown) or '(intet)'}. Vælg html, pdf eller html,pdf.")
    return chosen


def run_report(job: Job, out_dir: Path, formats: tuple[str, ...] = ("html",)) -> Outcome:
    """Make one report in ``out_dir``. Files appear only when everything succeeded.

    Raises
    ------
    ReportError
        Unknown kind, bad parameters, unknown workshop, empty period, failing template (Danish message).
    """
    if job.kind not in TEMPLATES:
        raise ReportError(f"Ukendt rapport: {job.kind!r}. Vælg en af {', '.join(sorted(TEMPLATES))}.")
    notebook = execute(job.kind, job.params)
    results = read_results(notebook)
    if len(results) != 1:
        raise ReportError("Rapportskabelonen gav ikke et resultat. Rapporten er ikke skrevet.")
    out_dir = Path(out_dir)
    html_path = out_dir / f"{job.name}.html"
    paths: list[Path] = []
    html = export_html(notebook)
    with tempfile.TemporaryDirectory(prefix="aiskole-out-") as staging:
        staged = Path(staging) / html_path.name
        staged.write_text(html, encoding="utf-8")
        if "pdf" in formats:
            print_pdf(staged, Path(staging) / f"{job.name}.pdf")
        # Everything is made; now move the files into place.
        if "html" in formats:
            write_atomically(html_path, html)
            paths.append(html_path)
        if "pdf" in formats:
            out_dir.mkdir(parents=True, exist_ok=True)
            pdf_path = out_dir / f"{job.name}.pdf"
            _copy(Path(staging) / f"{job.name}.pdf", pdf_path)
            paths.append(pdf_path)
    for attachment in read_attachments(notebook):
        path = out_dir / Path(attachment["filename"]).name
        write_atomically(path, attachment["text"])
        paths.append(path)
    return Outcome(job=job, paths=paths, result=results[0])


def _copy(src: Path, dst: Path) -> None:
    """Copy ``src`` into place at ``dst`` atomically (the staging folder may be on another file system)."""
    import shutil

    fd, tmp = tempfile.mkstemp(prefix=f".{dst.name}.", dir=dst.parent)
    os.close(fd)
    shutil.copyfile(src, tmp)
    os.replace(tmp, dst)


def _run_job(args: tuple[Job, str, tuple[str, ...]]) -> Outcome:
    """Worker entry point: never raises, so one failing report cannot stop the others."""
    job, out_dir, formats = args
    for attempt in range(2):
        try:
            return run_report(job, Path(out_dir), formats)
        except ReportError as exc:
            return Outcome(job=job, paths=[], error=str(exc))
        except Exception as exc:  # noqa: BLE001 - e.g. a kernel that did not start (papermill#511)
            if attempt == 0 and ("ZMQ" in type(exc).__name__ or "Kernel didn't respond" in str(exc)):
                continue
            return Outcome(job=job, paths=[], error=f"Uventet fejl: {type(exc).__name__}: {exc}")
    raise AssertionError("unreachable")  # pragma: no cover


#: At most this many report processes by default, whatever the number of cores (each needs ~200 MB).
MAX_WORKERS = 8


def default_workers(jobs: int, cores: int | None = None) -> int:
    """Two report processes per core, at most :data:`MAX_WORKERS` and never more than there are jobs.

    A report is two processes that take turns, the runner and its kernel, and each waits for the other
    (kernel start, the 0.1 s shutdown checks). Measured on 2 cores with 20 pilot reports: 2 processes
    1.7-1.9x faster than one after the other, 3 processes 2.2x, 4 processes 2.5x.
    """
    cores = cores or os.cpu_count() or 1
    return max(1, min(jobs, 2 * cores, MAX_WORKERS))


def run_batch(
    jobs: list[Job],
    out_dir: Path,
    formats: tuple[str, ...] = ("html",),
    *,
    workers: int | None = None,
    progress: bool = True,
) -> list[Outcome]:
    """Make many reports in parallel processes, with a progress bar; failures are collected, not raised.

    ``workers`` defaults to :func:`default_workers`.
    """
    from concurrent.futures import ProcessPoolExecutor, as_completed

    workers = workers or default_workers(len(jobs))
    outcomes: list[Outcome] = []
    tasks = [(job, str(out_dir), formats) for job in jobs]
    bar = None
    if progress:
        from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

        bar = Progress(TextColumn("Laver rapporter"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn())
        bar.start()
        task_id = bar.add_task("rapporter", total=len(jobs))
    try:
        if workers == 1:
            for task in tasks:
                outcomes.append(_run_job(task))
                if bar:
                    bar.advance(task_id)
        else:
            with ProcessPoolExecutor(max_workers=workers) as pool:
                futures = [pool.submit(_run_job, task) for task in tasks]
                for future in as_completed(futures):
                    outcomes.append(future.result())
                    if bar:
                        bar.advance(task_id)
    finally:
        if bar:
            bar.stop()
    order = {job.name: i for i, job in enumerate(jobs)}
    return sorted(outcomes, key=lambda o: order[o.job.name])
