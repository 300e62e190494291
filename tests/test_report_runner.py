"""The generic report runner: HTML and PDF (system Chromium), batch mode, and nothing half-written."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest
from pypdf import PdfReader

from aiskole.errors import ReportError
from aiskole.exercises.dpia import DpiaSubmission, screen
from aiskole.reports import batch, runner
from aiskole.store import Store


@pytest.fixture
def dpia_ids(tmp_path, monkeypatch):
    monkeypatch.setenv("AISKOLE_DATA_DIR", str(tmp_path / "data"))
    store = Store(f"sqlite:///{tmp_path / 'data' / 'aiskole.sqlite3'}")
    store.migrate()
    ids = []
    for yes in ((2, 8), (6,), ()):
        answers = {n: n in yes for n in range(1, 11)}
        ids.append(store.save(DpiaSubmission.of(screen(answers))))
    store.dispose()
    return ids


def test_html_and_pdf(dpia_ids, tmp_path):
    """Is the PDF printed from the same report, with its text, on A4 pages?"""
    outcome = runner.run_report(
        runner.Job("dpia", {"submission_id": dpia_ids[0]}, "notat"), tmp_path / "ud", ("html", "pdf")
    )
    assert [p.name for p in outcome.paths] == ["notat.html", "notat.pdf"]
    pdf = PdfReader(tmp_path / "ud" / "notat.pdf")
    assert (
        1 <= len(pdf.pages) <= 5
    )  # the gateway and ten answers with their legal basis, the reasons, the notes
    text = "".join(page.extract_text() for page in pdf.pages)
    assert "Notat om mini-DPIA til" in text and "DPIA påkrævet" in text
    width, height = float(pdf.pages[0].mediabox.width), float(pdf.pages[0].mediabox.height)
    assert abs(width - 595.3) < 2 and abs(height - 841.9) < 2  # A4 in points
    assert outcome.result["verdict"] == "full"


def test_formats_are_validated():
    assert runner.parse_formats("html, pdf") == ("html", "pdf")
    with pytest.raises(ReportError, match="Ukendt format: docx"):
        runner.parse_formats("html,docx")


def test_batch_one_failure_does_not_stop_the_others(dpia_ids, tmp_path):
    jobs = [
        runner.Job("dpia", {"submission_id": dpia_ids[0]}, "a"),
        runner.Job("dpia", {"submission_id": 9999}, "b"),  # unknown: fails
        runner.Job("dpia", {"submission_id": dpia_ids[2]}, "c"),
    ]
    outcomes = batch.run_batch(jobs, tmp_path / "ud", ("html",), workers=2, progress=False)
    assert [o.ok for o in outcomes] == [True, False, True]
    assert "Der findes ingen mini-DPIA med nummer 9999" in outcomes[1].error
    assert sorted(p.name for p in (tmp_path / "ud").iterdir()) == ["a.html", "c.html"]
    assert outcomes[2].result["verdict"] == "none"


def test_unknown_kind():
    with pytest.raises(ReportError, match="Ukendt rapport"):
        runner.run_report(runner.Job("horoskop", {}, "x"), "/tmp", ("html",))


def test_cli_bad_period_and_missing_workshop(tmp_path):
    env = {**os.environ, "AISKOLE_DATA_DIR": str(tmp_path)}

    def run(*args):
        return subprocess.run(
            [sys.executable, "-m", "aiskole.cli", "report", *args],
            capture_output=True,
            text=True,
            env=env,
            timeout=120,
        )

    bad_date = run("cohort", "--from", "1. sept", "--to", "2026-11-30", "--out", str(tmp_path / "ud"))
    assert bad_date.returncode == 2 and "--from skal være en dato" in bad_date.stderr
    reversed_period = run(
        "cohort", "--from", "2026-12-01", "--to", "2026-11-01", "--out", str(tmp_path / "ud")
    )
    assert reversed_period.returncode == 2 and "ligger efter" in reversed_period.stderr
    nothing = run("workshop", "--out", str(tmp_path / "ud"))
    assert nothing.returncode == 2 and "Angiv --workshop" in nothing.stderr
    bad_format = run("workshop", "--workshop", "ACDEFG", "--format", "docx", "--out", str(tmp_path / "ud"))
    assert bad_format.returncode == 2 and "Ukendt format" in bad_format.stderr
    assert not (tmp_path / "ud").exists()


def test_after_installation_every_report_can_be_tried_on_synthetic_data(tmp_path, browser_for_reports):
    """`aiskole data demo`, then each report from the CLI: files written, PDF readable, no network request."""
    env = {**os.environ, "AISKOLE_DATA_DIR": str(tmp_path / "data")}

    def cli(*args):
        proc = subprocess.run(
            [sys.executable, "-m", "aiskole.cli", *args], capture_output=True, text=True, env=env, timeout=600
        )
        assert proc.returncode == 0, proc.stderr
        return proc.stdout

    made = cli("data", "demo")
    assert "[SYNTETISK]" in made
    code = made.split("Workshops: ")[1].split(",")[0].strip()
    start, end = made.split("periode ")[1].split()[0], made.split(" til ")[1].split()[0]
    out = tmp_path / "ud"
    cli("report", "workshop", "--workshop", code, "--out", str(out), "--format", "html,pdf", "--no-progress")
    cli("report", "pilot", "--workshop", "PILOT-BS", "--out", str(out), "--no-progress")
    cli(
        "report",
        "cohort",
        "--from",
        start,
        "--to",
        end,
        "--per-department",
        "--out",
        str(out),
        "--no-progress",
    )
    cli("report", "literacy", "--workshop", code, "--out", str(out), "--no-progress")
    names = sorted(p.name for p in out.iterdir())
    assert f"workshop-{code}.html" in names and f"workshop-{code}.pdf" in names
    assert "pilot-PILOT-BS.html" in names and f"deltagerbevis-{code}.html" in names
    assert len([n for n in names if n.startswith("kohorte-")]) >= 3  # one per department
    pdf_text = "".join(p.extract_text() for p in PdfReader(out / f"workshop-{code}.pdf").pages)
    assert "SYNTETISK" in pdf_text
    for html in out.glob("*.html"):
        requests = browser_for_reports(html)
        assert requests == [], (html.name, requests)


@pytest.fixture
def browser_for_reports():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(
            executable_path="/usr/bin/chromium",
            headless=True,
            args=["--no-sandbox", "--disable-background-networking"],
        )

        def open_and_record(path):
            page = browser.new_page()
            requests = []
            page.on("request", lambda r: requests.append(r.url))
            page.goto(path.as_uri(), wait_until="load")
            page.close()
            return [u for u in requests if not u.startswith(("file:", "data:"))]

        yield open_and_record
        browser.close()


@pytest.mark.parametrize("quick", [True, False], ids=["report", "plain"])
def test_a_report_process_skips_the_collectors_last_passes_at_exit(quick):
    """After a report opened its store, the process freezes the collector at exit (kernels end ~0.1 s sooner)."""
    code = (
        "import atexit, gc\n"
        "atexit.register(lambda: print('frozen' if gc.get_freeze_count() else 'not frozen'))\n"
        "from aiskole.reports import store\n"
        + ("store.exit_quickly(); store.exit_quickly()\n" if quick else "")
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip() == ("frozen" if quick else "not frozen")


@pytest.mark.parametrize(
    ("jobs", "cores", "expected"),
    [(50, 2, 4), (3, 2, 3), (1, 2, 1), (0, 2, 1), (50, 1, 2), (50, 16, batch.MAX_WORKERS)],
)
def test_a_batch_runs_two_reports_per_core_within_limits(jobs, cores, expected):
    assert batch.default_workers(jobs, cores) == expected


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="Unix sockets on Linux only")
def test_report_kernels_talk_over_unix_sockets_in_their_own_folder(tmp_path):
    """No TCP ports: parallel reports picked the same free port now and then, and a kernel died."""
    import nbformat

    nb = nbformat.v4.new_notebook()
    nb.cells = [
        nbformat.v4.new_code_cell(
            "import os\nfrom ipykernel import get_connection_info\n"
            "info = get_connection_info(unpack=True)\n"
            "print(info['transport'], os.path.dirname(info['ip']) == os.getcwd())"
        )
    ]
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    path = tmp_path / "transport.ipynb"
    nbformat.write(nb, path)
    executed = runner.execute_notebook(path)
    assert executed.cells[0].outputs[0]["text"].split() == ["ipc", "True"]
