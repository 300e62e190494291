"""`aiskole workshop …` and `aiskole data …`: create, export and erase workshop data, in Danish."""

from __future__ import annotations

import csv
import io
import json
import os
import re
import subprocess
import sys

import pytest

from aiskole.store import BoundStore, Store


def run(tmp_path, *args: str, stdin: str | None = None) -> subprocess.CompletedProcess:
    env = {**os.environ, "AISKOLE_DATA_DIR": str(tmp_path), "AISKOLE_PUBLIC_URL": "http://10.0.0.5:8866/"}
    env.pop("AISKOLE_DATABASE_URL", None)
    return subprocess.run(
        [sys.executable, "-m", "aiskole.cli", *args],
        capture_output=True,
        text=True,
        env=env,
        input=stdin,
        timeout=120,
    )


@pytest.fixture
def workshop_with_answers(tmp_path):
    proc = run(tmp_path, "workshop", "new", "Frokostdemo, Teknik og Miljø", "--no-qr")
    assert proc.returncode == 0, proc.stderr
    code = re.search(r"Kode:\s+([A-Z0-9]{6})", proc.stdout).group(1)
    assert f"http://10.0.0.5:8866/deltag/{code}" in proc.stdout
    assert re.search(r"Skærm: http://10\.0\.0\.5:8866/skaerm/[A-Za-z0-9_-]{40,}", proc.stdout)
    store = Store(f"sqlite:///{tmp_path / 'aiskole.sqlite3'}")
    for i, value in enumerate([5, 4, 2]):
        BoundStore(store, workshop_code=code, participant=f"p{i}").add_submission(
            "poll", {"value": value, "word": "tryg"}, {"value": value}
        )
    store.add_submission("poll", {"value": 1}, {"value": 1})  # outside the workshop
    store.dispose()
    return code


def test_new_prints_code_link_retention_and_qr(tmp_path):
    proc = run(tmp_path, "workshop", "new", "Kick-off")
    assert proc.returncode == 0
    assert "Workshop oprettet: Kick-off" in proc.stdout and "slettes automatisk" in proc.stdout
    assert "█" in proc.stdout or "▀" in proc.stdout  # the QR code drawn in the terminal


def test_bad_title_is_refused(tmp_path):
    proc = run(tmp_path, "workshop", "new", "   ")
    assert proc.returncode == 2 and "Giv workshoppen en titel" in proc.stderr


def test_export_csv_and_json(tmp_path, workshop_with_answers):
    code = workshop_with_answers
    out = tmp_path / "svar.csv"
    proc = run(tmp_path, "data", "export", "--workshop", code.lower(), "--out", str(out))
    assert proc.returncode == 0, proc.stderr
    assert "Eksporterede 3 svar" in proc.stdout
    rows = list(csv.DictReader(io.StringIO(out.read_text(encoding="utf-8"))))
    assert len(rows) == 3 and {r["workshop"] for r in rows} == {code}
    assert sorted(json.loads(r["answers"])["value"] for r in rows) == [2, 4, 5]
    out_json = tmp_path / "svar.json"
    assert run(tmp_path, "data", "export", "--workshop", code, "--out", str(out_json)).returncode == 0
    data = json.loads(out_json.read_text(encoding="utf-8"))
    assert data["workshop"]["code"] == code and len(data["submissions"]) == 3


def test_delete_needs_the_code_typed_again(tmp_path, workshop_with_answers):
    code = workshop_with_answers
    wrong = run(tmp_path, "data", "delete", "--workshop", code, stdin="NOPE\n")
    assert wrong.returncode == 2 and "Intet er slettet" in wrong.stderr
    right = run(tmp_path, "data", "delete", "--workshop", code, stdin=code.lower() + "\n")
    assert right.returncode == 0 and f"Slettet: workshop {code} og 3 svar." in right.stdout
    store = Store(f"sqlite:///{tmp_path / 'aiskole.sqlite3'}")
    assert store.list_submissions(workshop_code=code) == []
    assert len(store.list_submissions()) == 1  # the answer outside the workshop is untouched
    store.dispose()


@pytest.mark.parametrize("action", [["data", "export", "--out", "x.csv"], ["data", "delete", "--yes"]])
def test_unknown_workshop(tmp_path, action):
    proc = run(tmp_path, *action[:2], "--workshop", "ACDEFG", *action[2:])
    assert proc.returncode == 2 and "Der findes ingen workshop eller pilot med koden ACDEFG" in proc.stderr
    assert "Traceback" not in proc.stderr


def test_list_and_close(tmp_path, workshop_with_answers):
    code = workshop_with_answers
    assert code in run(tmp_path, "workshop", "list").stdout
    assert "er lukket" in run(tmp_path, "workshop", "close", code).stdout
    assert "lukket" in run(tmp_path, "workshop", "list").stdout


@pytest.mark.parametrize(
    ("name", "slug"),
    [
        ("Ældre og Sundhed", "aeldre-og-sundhed"),
        ("Teknik og Miljø", "teknik-og-miljoe"),
        ("ÅBEN RÅDGIVNING", "aaben-raadgivning"),
        ("Børn & Unge (0–18 år)", "boern-unge-0-18-aar"),
        ("Café Ørsted", "cafe-oersted"),
    ],
)
def test_file_names_spell_danish_letters_out(name, slug):
    """A report per department is named after it: "Ældre og Sundhed" must not become "ldre-og-sundhed"."""
    from aiskole.reports.batch import slug as _slug

    assert _slug(name) == slug


def test_a_pilot_is_created_exported_and_erased_like_a_workshop(tmp_path):
    """Before issue 12 a pilot's label (PILOT-BS) could be reported but neither exported nor erased."""
    proc = run(tmp_path, "pilot", "new", "Byggesag med AI", "--code", "tek-24")
    assert proc.returncode == 0, proc.stderr
    assert "Kode:  TEK-24" in proc.stdout
    store = Store(f"sqlite:///{tmp_path / 'aiskole.sqlite3'}")
    from aiskole.exercises.dpia import DpiaSubmission, screen

    store.save(DpiaSubmission.of(screen({n: n == 2 for n in range(1, 11)})), workshop_code="TEK-24")
    store.dispose()
    assert "TEK-24" in run(tmp_path, "pilot", "list").stdout
    assert "TEK-24" not in run(tmp_path, "workshop", "list").stdout
    out = tmp_path / "pilot.json"
    proc = run(tmp_path, "data", "export", "--workshop", "TEK-24", "--out", str(out))
    assert proc.returncode == 0 and "Eksporterede 1 svar fra pilot TEK-24" in proc.stdout, proc.stderr
    assert json.loads(out.read_text(encoding="utf-8"))["workshop"]["kind"] == "pilot"
    proc = run(tmp_path, "data", "delete", "--workshop", "tek-24", "--yes")
    assert proc.returncode == 0 and "Slettet: pilot TEK-24 og 1 svar." in proc.stdout
    assert "Der er ingen piloter." in run(tmp_path, "pilot", "list").stdout


def test_an_expired_workshop_is_not_exported(tmp_path):
    """Retention is applied before every export, not only when a purge happens to run."""
    import datetime as dt

    store = Store(f"sqlite:///{tmp_path / 'aiskole.sqlite3'}")
    store.migrate()
    old = store.create_workshop(
        "Gammel", retention_days=1, now=dt.datetime.now(dt.UTC) - dt.timedelta(days=2)
    )
    store.add_submission("poll", {"answer": 3}, {}, workshop_code=old.code)
    store.dispose()
    proc = run(tmp_path, "data", "export", "--workshop", old.code, "--out", str(tmp_path / "x.csv"))
    assert proc.returncode == 2 and "opbevaringsperiode er udløbet" in proc.stderr
    assert not (tmp_path / "x.csv").exists()
