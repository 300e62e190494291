"""The DPIA screening note: papermill runs the template on a stored submission; HTML without code."""

from __future__ import annotations

import re
import subprocess
import sys

import pytest

from aiskole.errors import ReportError
from aiskole.exercises.dpia import DpiaSubmission, screen
from aiskole.reports import batch, runner
from aiskole.resources import report_templates_dir
from aiskole.store import Store


@pytest.fixture
def stored(tmp_path, monkeypatch):
    """A store in its own data dir with one full-DPIA submission (Q2 and Q8) and the id of that row."""
    monkeypatch.setenv("AISKOLE_DATA_DIR", str(tmp_path / "data"))
    store = Store(f"sqlite:///{tmp_path / 'data' / 'aiskole.sqlite3'}")
    store.migrate()
    answers = {n: n in (2, 8) for n in range(1, 11)}
    store.create_pilot("Test", code="TEK-1")
    sid = store.save(DpiaSubmission.of(screen(answers)), workshop_code="TEK-1")
    store.dispose()
    return sid


def test_template_has_a_parameters_cell():
    import nbformat

    nb = nbformat.read(report_templates_dir() / "dpia-screening.ipynb", as_version=4)
    tagged = [c for c in nb.cells if "parameters" in c.metadata.get("tags", [])]
    assert len(tagged) == 1 and "submission_id" in tagged[0].source


def test_report_html_has_the_verdict_and_no_code(stored, tmp_path):
    """Does the note contain questions, answers, verdict, reasons, legal basis, date and disclaimer, but no code?"""
    out = tmp_path / "notat.html"
    result = batch.dpia_report(stored, out)
    assert result["verdict"] == "full"
    assert result["rules"] == ["automatiske-afgoerelser", "innovativ-teknologi", "to-kriterier"]
    html = out.read_text(encoding="utf-8")
    assert "Notat om mini-DPIA til databeskyttelsesrådgiveren" in html
    assert "DPIA påkrævet" in html
    assert "Afgørelser med betydning for borgeren" in html
    assert "GDPR art. 35, stk. 3, litra a" in html
    assert "screeningsværktøj" in html  # disclaimer
    assert html.count("<tr><td>") == 11  # the gateway and the ten
    assert re.search(r"udfyldt \d\d\.\d\d\.\d{4}", html)
    for code in ("load_dpia_note", "import ", "submission_id = ", "display(", 'class="jp-InputArea'):
        assert code not in html, code
    assert runner.RESULT_MIMETYPE not in html  # the machine-readable result is not in the HTML
    # nothing is loaded from outside: no <script src=...>, no <link href=http...>
    assert not re.search(r"<script[^>]+src=", html)
    assert not re.search(r"<link[^>]+href=\"https?://", html)
    assert '<html lang="da">' in html


def test_unknown_id_bad_id_and_bad_file(stored, tmp_path):
    for bad, message in [
        (999, "ingen mini-DPIA med nummer 999"),
        ("abc", "helt tal"),
        (0, "1 eller større"),
        (True, "helt tal"),
    ]:
        with pytest.raises(ReportError, match=message):
            batch.dpia_report(bad, tmp_path / "x.html")
    with pytest.raises(ReportError, match=r"\.html"):
        batch.dpia_report(stored, tmp_path / "x.pdf")
    assert list(tmp_path.glob("x.*")) == []


def run_cli(*args: str, env_dir) -> subprocess.CompletedProcess:
    import os

    env = {**os.environ, "AISKOLE_DATA_DIR": str(env_dir)}
    return subprocess.run(
        [sys.executable, "-m", "aiskole.cli", *args], capture_output=True, text=True, env=env, timeout=180
    )


def test_cli_writes_the_report(stored, tmp_path):
    out = tmp_path / "ud" / "notat.html"
    proc = run_cli(
        "report", "dpia", "--submission", str(stored), "--out", str(out), env_dir=tmp_path / "data"
    )
    assert proc.returncode == 0, proc.stderr
    assert "Notatet er skrevet" in proc.stdout
    assert "DPIA påkrævet" in out.read_text(encoding="utf-8")
    assert "Traceback" not in proc.stderr


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--submission", "4711"], "Der findes ingen mini-DPIA med nummer 4711"),
        (["--submission", "tolv"], "Screeningens nummer skal være et helt tal"),
        (["--submission", "-3"], "1 eller større"),
    ],
)
def test_cli_errors_are_danish_nonzero_and_write_nothing(stored, tmp_path, args, message):
    out = tmp_path / "notat.html"
    proc = run_cli("report", "dpia", *args, "--out", str(out), env_dir=tmp_path / "data")
    assert proc.returncode != 0
    assert message in proc.stderr
    assert "Traceback" not in proc.stderr
    assert not out.exists()
    assert list(tmp_path.glob(".notat.html*")) == []


def test_cli_missing_argument_is_danish(tmp_path):
    proc = run_cli("report", "dpia", "--out", str(tmp_path / "n.html"), env_dir=tmp_path)
    assert proc.returncode == 2
    assert "Fejl: disse argumenter mangler: --submission" in proc.stderr


def test_failing_template_leaves_no_file(stored, tmp_path, monkeypatch):
    """If the template itself fails half-way, is there still no output file that looks complete?"""
    import nbformat

    broken = tmp_path / "reports"
    broken.mkdir()
    nb = nbformat.read(report_templates_dir() / "dpia-screening.ipynb", as_version=4)
    nb.cells.insert(3, nbformat.v4.new_code_cell("raise RuntimeError('template bug')"))
    nbformat.write(nb, broken / "dpia-screening.ipynb")
    monkeypatch.setattr(runner, "report_templates_dir", lambda: broken)
    out = tmp_path / "notat.html"
    with pytest.raises(ReportError, match="RuntimeError: template bug"):
        batch.dpia_report(stored, out)
    assert not out.exists()
