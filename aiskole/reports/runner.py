"""Running a report template: papermill executes the notebook, nbconvert exports HTML without code.

The pipeline is ``execute (papermill) -> read results back -> export HTML -> move into place``. The output
files appear only when every step succeeded, so a failed run never leaves a file that looks complete.
"""

from __future__ import annotations

import copy
import os
import sys
import tempfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import papermill as pm
from nbconvert import HTMLExporter
from papermill.exceptions import PapermillExecutionError
from traitlets.config import Config

from aiskole.errors import ReportError
from aiskole.files import copy_atomically, write_atomically
from aiskole.reports.model import ATTACHMENT_MIMETYPE, RESULT_MIMETYPE
from aiskole.reports.pdf import print_pdf
from aiskole.resources import NBCONVERT_TEMPLATES, report_templates_dir

FORMATS = ("html", "pdf")
#: The template notebook of each kind of report, in ``notebooks/reports``.
TEMPLATES = {
    "dpia": "dpia-screening.ipynb",
    "workshop": "workshop.ipynb",
    "cohort": "cohort.ipynb",
    "pilot": "pilot.ipynb",
    "literacy": "literacy.ipynb",
}


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
    paths: list[Path] = field(default_factory=list)
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


def _outputs(notebook, mimetype: str) -> list[Any]:
    return [
        output["data"][mimetype]
        for cell in notebook.cells
        for output in cell.get("outputs", [])
        if mimetype in output.get("data", {})
    ]


def read_results(notebook) -> list[dict[str, Any]]:
    """The machine-readable results a template displayed with :data:`RESULT_MIMETYPE`."""
    return _outputs(notebook, RESULT_MIMETYPE)


def read_attachments(notebook) -> list[dict[str, str]]:
    """Extra files a template displayed with :data:`ATTACHMENT_MIMETYPE`."""
    return _outputs(notebook, ATTACHMENT_MIMETYPE)


def export_html(notebook) -> str:
    """HTML of an executed notebook without code cells and without external assets."""
    exporter = HTMLExporter(
        template_name="aiskole-report",
        extra_template_basedirs=[str(NBCONVERT_TEMPLATES)],
        exclude_input=True,
        exclude_input_prompt=True,
        exclude_output_prompt=True,
    )
    exporter.language_code = "da"
    notebook = copy.deepcopy(notebook)
    hidden = {RESULT_MIMETYPE, ATTACHMENT_MIMETYPE}
    for cell in notebook.cells:  # machine-readable outputs have no HTML form; leave them out
        cell["outputs"] = [o for o in cell.get("outputs", []) if not hidden & set(o.get("data", {}))]
    body, _ = exporter.from_notebook_node(notebook)
    return body


def execute(kind: str, parameters: dict[str, Any]):
    """Execute the template of report ``kind`` with ``parameters`` and return the executed notebook."""
    if kind not in TEMPLATES:
        raise ReportError(f"Ukendt rapport: {kind!r}. Vælg en af {', '.join(sorted(TEMPLATES))}.")
    return execute_notebook(report_templates_dir() / TEMPLATES[kind], parameters)


def execute_notebook(path: Path, parameters: dict[str, Any] | None = None):
    """Execute the notebook at ``path`` with papermill, the way every report template is run.

    The kernel runs in an empty temporary folder. The executed notebook is returned from memory: papermill
    writes no output file (it would write the whole notebook before and after every cell, and it would only
    be read back here).
    """
    with tempfile.TemporaryDirectory(prefix="aiskole-report-") as tmp:
        options: dict[str, Any] = {}
        if sys.platform.startswith("linux"):
            # Unix sockets in this report's own folder instead of TCP ports: reports made in parallel
            # processes picked the same free port now and then ("Address already in use", kernel died).
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
                # and "KeyboardInterrupt caught in kernel", which appears now and then because jupyter_client
                # interrupts every kernel before shutting it down. A report's own errors come back through
                # papermill as Danish messages.
                extra_arguments=["--IPKernelApp.log_level=CRITICAL"],
            )
        except PapermillExecutionError as exc:
            if exc.ename in ("ReportError", "UserError", "DatasetError"):
                raise ReportError(exc.evalue) from None
            raise ReportError(f"Rapporten kunne ikke laves: {exc.ename}: {exc.evalue}") from None


def single_result(notebook) -> dict[str, Any]:
    results = read_results(notebook)
    if len(results) != 1:
        raise ReportError("Rapportskabelonen gav ikke et resultat. Rapporten er ikke skrevet.")
    return results[0]


def run_report(job: Job, out_dir: Path, formats: tuple[str, ...] = ("html",)) -> Outcome:
    """Make one report in ``out_dir``. Files appear only when everything succeeded.

    Raises
    ------
    ReportError
        Unknown kind, bad parameters, unknown workshop, empty period, failing template (Danish message).
    """
    notebook = execute(job.kind, job.params)
    result = single_result(notebook)
    out_dir = Path(out_dir)
    html = export_html(notebook)
    paths: list[Path] = []
    with tempfile.TemporaryDirectory(prefix="aiskole-out-") as staging:
        staged = Path(staging) / f"{job.name}.html"
        staged.write_text(html, encoding="utf-8")
        if "pdf" in formats:
            print_pdf(staged, Path(staging) / f"{job.name}.pdf")
        # Everything is made; now move the files into place.
        if "html" in formats:
            write_atomically(out_dir / f"{job.name}.html", html)
            paths.append(out_dir / f"{job.name}.html")
        if "pdf" in formats:
            out_dir.mkdir(parents=True, exist_ok=True)
            copy_atomically(Path(staging) / f"{job.name}.pdf", out_dir / f"{job.name}.pdf")
            paths.append(out_dir / f"{job.name}.pdf")
    for attachment in read_attachments(notebook):
        path = out_dir / Path(attachment["filename"]).name
        write_atomically(path, attachment["text"])
        paths.append(path)
    return Outcome(job=job, paths=paths, result=result)
