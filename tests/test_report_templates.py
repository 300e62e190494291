"""The four evaluation templates run through papermill (aiskole.runner.execute) on synthetic demo data."""

from __future__ import annotations

import json
from collections import defaultdict
from html import escape

import nbformat
import pytest

from aiskole import demo_data
from aiskole.datasets import load_claims
from aiskole.errors import ReportError
from aiskole.reports import runner
from aiskole.reports.cohort import cohort_report
from aiskole.reports.render import SUPPRESSED
from aiskole.reports.store import report_store
from aiskole.resources import report_templates_dir
from aiskole.store import Store

KINDS = ("workshop", "cohort", "pilot", "literacy")


@pytest.fixture(scope="module")
def demo(tmp_path_factory):
    """Demo data in a temp SQLite store, with AISKOLE_DATA_DIR pointing at the same temp folder."""
    folder = tmp_path_factory.mktemp("templates")
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("AISKOLE_DATA_DIR", str(folder / "data"))
        url = f"sqlite:///{folder / 'data' / 'aiskole.sqlite3'}"
        store = Store(url)
        store.migrate()
        made = demo_data.generate(store)
        yield url, store, made
        store.dispose()


@pytest.fixture(autouse=True)
def data_dir(demo, monkeypatch):
    url, _store, _made = demo
    monkeypatch.setenv("AISKOLE_DATA_DIR", url.removeprefix("sqlite:///").rsplit("/", 1)[0])


def params(kind, made, url):
    return {
        "workshop": {"code": made.codes[1], "database_url": url},
        "cohort": {"start": made.start.isoformat(), "end": made.end.isoformat(), "database_url": url},
        "pilot": {"code": made.pilot_code, "database_url": url},
        "literacy": {"code": made.codes[0], "database_url": url},
    }[kind]


def assert_clean(nb):
    for cell in nb.cells:
        for output in cell.get("outputs", []):
            assert output.get("output_type") != "error", output
            assert output.get("name") != "stderr", output
            text = str(output.get("text", "")) + str(output.get("data", {}).get("text/plain", ""))
            assert "Traceback" not in text


@pytest.mark.parametrize("kind", KINDS)
def test_template_has_parameters_and_no_outputs(kind):
    nb = nbformat.read(report_templates_dir() / runner.TEMPLATES[kind], as_version=4)
    tagged = [c for c in nb.cells if "parameters" in c.metadata.get("tags", [])]
    assert len(tagged) == 1 and "database_url = None" in tagged[0].source
    assert all(c.get("id") for c in nb.cells)
    assert all(c.outputs == [] for c in nb.cells if c.cell_type == "code")
    assert "RESULT_MIMETYPE: report.result" in nb.cells[-1].source


@pytest.mark.parametrize("kind", KINDS)
def test_template_result_matches_the_store(demo, kind):
    url, store, made = demo
    nb = runner.execute(kind, params(kind, made, url))
    assert_clean(nb)
    results = runner.read_results(nb)
    assert len(results) == 1
    result = results[0]
    html = runner.export_html(nb)
    assert "SYNTETISKE DEMODATA" in html  # demo data is always flagged
    assert "Traceback" not in html

    if kind in ("workshop", "literacy"):
        code = params(kind, made, url)["code"]
        rows = store.list_submissions(workshop_code=code)
        assert result["participants"] == len({s.participant for s in rows if s.participant})
        assert result["code"] == code
    if kind == "workshop":
        per = defaultdict(list)
        for s in sorted((s for s in rows if s.exercise == "poll"), key=lambda s: (s.created_at, s.id)):
            per[s.participant].append(s.answers["answer"])
        firsts = [v[0] for v in per.values()]
        lasts = [v[-1] for v in per.values() if len(v) > 1]
        assert result["poll"]["before"]["mean"] == pytest.approx(sum(firsts) / len(firsts), abs=1e-4)
        assert result["poll"]["after"]["mean"] == pytest.approx(sum(lasts) / len(lasts), abs=1e-4)
        assert "Alle quizspørgsmål" in html
    if kind == "cohort":
        shops = {w.code: w.department for w in store.list_workshops() if w.code in made.codes}
        tokens = defaultdict(set)
        for s in store.list_submissions():
            if s.workshop_code in shops and s.participant:
                tokens[shops[s.workshop_code]].add(s.participant)
        small = made.small_department
        assert len(tokens[small]) == 4
        assert result["departments"][small]["suppressed"] is True
        assert result["participants"] == sum(len(t) for d, t in tokens.items() if d != small)
        assert SUPPRESSED in html
        # the kernel's result is the builder's, and the sections come in the report's order
        built = cohort_report(report_store(url), made.start, made.end)
        assert result == json.loads(json.dumps(built.result))
        headings = [built.title, *(s.heading for s in built.sections)]
        assert [h for h in headings if escape(h) in html] == headings
        positions = [html.index(escape(h)) for h in headings]
        assert positions == sorted(positions)
    if kind == "pilot":
        likely = (12 - 7) * 9000 * 0.70 / 60 - 150
        assert result["kpi"]["hours"]["likely"] == pytest.approx(likely)
        assert result["recommendation"] == "juster" and result["reasons"] == ["fuld-dpia"]
        assert "Anbefaling: Justér" in html
    if kind == "literacy":
        assert result["claim"] == "aia-art4-faerdigheder"
        assert escape(load_claims()[result["claim"]].source.title) in html  # the record cites its source


@pytest.mark.parametrize(
    ("kind", "bad", "message"),
    [
        ("workshop", {"code": "ZZZZZZ"}, "Der findes ingen workshop med koden ZZZZZZ"),
        ("cohort", {"start": "2026-12-01", "end": "2026-01-01"}, "ligger efter slutdatoen"),
    ],
)
def test_failing_parameter_gives_a_danish_report_error(demo, kind, bad, message):
    url, _store, made = demo
    with pytest.raises(ReportError, match=message) as caught:
        runner.execute(kind, {**params(kind, made, url), **bad})
    assert "Traceback" not in str(caught.value)
