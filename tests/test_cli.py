"""The ``aiskole`` command in this process: ``main(argv)`` with the library called for real, its Danish words,
and a README that documents every subcommand and option."""

from __future__ import annotations

import argparse
import datetime as dt
import subprocess
import sys

import pytest

from aiskole import cli
from aiskole.reports import batch
from aiskole.store import Store, Workshop
from tests.conftest import ROOT


@pytest.fixture
def store(tmp_path, monkeypatch):
    """The store ``main()`` opens (the settings' database in a fresh data folder)."""
    monkeypatch.setenv("AISKOLE_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.delenv("AISKOLE_DATABASE_URL", raising=False)
    s = Store(f"sqlite:///{tmp_path / 'data' / 'aiskole.sqlite3'}")
    s.migrate()
    yield s
    s.dispose()


def commands(parser: argparse.ArgumentParser, path=("aiskole",)):
    """Every (subcommand path, its options and arguments) of the parser."""
    options = []
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            for name, sub in action.choices.items():
                yield from commands(sub, (*path, name))
        elif action.option_strings:
            if "--help" not in action.option_strings:
                options.append(max(action.option_strings, key=len))
        else:
            options.append(action.metavar or action.dest)
    yield " ".join(path), options


def test_every_subcommand_and_option_is_in_the_readme():
    """Does the README have, for every subcommand, a line with the command and all of its options?"""
    lines = (ROOT / "README.md").read_text(encoding="utf-8").splitlines()
    missing = [
        f"{path}: {[o for o in options if not any(o in line for line in lines if f'`{path}' in line)]}"
        for path, options in commands(cli.build_parser())
        if path.count(" ")
        and not any(f"`{path}" in line and all(o in line for o in options) for line in lines)
    ]
    assert missing == []


def test_help_speaks_danish(capsys):
    with pytest.raises(SystemExit) as done:
        cli.main(["report", "cohort", "--help"])
    assert done.value.code == 0
    out = capsys.readouterr().out
    assert out.startswith("Brug: aiskole report cohort")
    assert "valgmuligheder:" in out and "vis denne hjælp og stop" in out
    for english in ("usage:", "options:", "positional arguments", "show this help message and exit"):
        assert english not in out


@pytest.mark.parametrize(
    ("argv", "danish"),
    [
        (["report", "cohort", "--from", "2026-01-01"], "disse argumenter mangler: --to, --out"),
        (["data", "export", "--workshop", "K7FMQX", "--out", "x", "--format", "xml"], "ugyldigt valg: 'xml'"),
        (["demo", "--port", "otte"], "ikke et helt tal: 'otte'"),
        (["workshop", "list", "--alle"], "ukendte argumenter: --alle"),
    ],
)
def test_argparse_errors_are_danish(argv, danish, capsys):
    with pytest.raises(SystemExit) as done:
        cli.main(argv)
    assert done.value.code == 2
    err = capsys.readouterr().err
    assert danish in err and err.startswith("Brug: ")


def test_a_new_workshop_is_stored_with_its_department(store, capsys):
    """`workshop new --department X` stores the department (it used to be parsed and dropped)."""
    assert cli.main(["workshop", "new", "Frokostdemo", "--department", "Teknik og Miljø", "--no-qr"]) == 0
    out = capsys.readouterr().out
    [created] = store.list_workshops()
    assert created.department == "Teknik og Miljø"
    assert "Afdeling: Teknik og Miljø" in out and created.code in out
    assert cli.main(["workshop", "list"]) == 0
    assert "(Teknik og Miljø)" in capsys.readouterr().out


def test_errors_the_user_can_cause_are_danish_and_exit_2(store, capsys):
    assert cli.main(["workshop", "new", "   ", "--no-qr"]) == 2
    assert capsys.readouterr().err.startswith("Fejl: Giv workshoppen en titel")
    assert cli.main(["workshop", "close", "KKKKKK"]) == 2
    assert "Der findes ingen workshop med koden KKKKKK" in capsys.readouterr().err
    assert cli.main(["data", "export", "--workshop", "KKKKKK", "--out", "svar.txt"]) == 2
    assert cli.main(["report", "cohort", "--from", "2026-12-02", "--to", "2026-12-01", "--out", "x"]) == 2
    assert "--from ligger efter --to" in capsys.readouterr().err


def test_export_and_delete_in_process(store, tmp_path, capsys, monkeypatch):
    w = store.create_workshop("Eksport")
    store.add_submission("poll", {"answer": 4, "word": None}, {"label": "Ret tryg"}, workshop_code=w.code)
    assert cli.main(["data", "export", "--workshop", w.code, "--out", str(tmp_path / "svar.json")]) == 0
    assert '"exercise": "poll"' in (tmp_path / "svar.json").read_text(encoding="utf-8")
    monkeypatch.setattr("builtins.input", lambda _prompt: "forkert")
    assert cli.main(["data", "delete", "--workshop", w.code]) == 2
    assert store.get_workshop(w.code) is not None
    assert cli.main(["data", "delete", "--workshop", w.code, "--yes"]) == 0
    assert store.get_workshop(w.code) is None


def _workshop(code: str, created: dt.datetime, department: str) -> Workshop:
    return Workshop(code, f"Workshop {code}", created, created + dt.timedelta(days=90), None, {}, department)


def test_per_department_jobs_use_danish_days(store):
    """A workshop at 23:30 UTC on 30 November is on 1 December in Denmark: in a December report, not November."""
    store.add_workshop(_workshop("DECEMB", dt.datetime(2026, 11, 30, 23, 30, tzinfo=dt.UTC), "Jobcenter"))
    store.add_workshop(_workshop("NOVEMB", dt.datetime(2026, 11, 30, 22, 30, tzinfo=dt.UTC), "Borgerservice"))
    jobs = batch.plan_cohort_jobs("2026-12-01", "2026-12-31", per_department=True, store=store)
    assert [j.params["department"] for j in jobs] == ["Jobcenter"]
    assert [j.name for j in jobs] == ["kohorte-2026-12-01-2026-12-31-jobcenter"]
    november = batch.plan_cohort_jobs("2026-11-01", "2026-11-30", per_department=True, store=store)
    assert [j.params["department"] for j in november] == ["Borgerservice"]


def test_workshop_jobs_drop_duplicates_and_name_their_files(store):
    store.add_workshop(_workshop("AAAAAA", dt.datetime(2026, 12, 1, 9, tzinfo=dt.UTC), "X"))
    jobs = batch.plan_workshop_jobs("literacy", ["aaaaaa", "AAAAAA", " "], store=store, every_workshop=True)
    assert [(j.kind, j.params["code"], j.name) for j in jobs] == [
        ("literacy", "AAAAAA", "ai-faerdigheder-AAAAAA")
    ]
    with pytest.raises(ValueError, match="Angiv --workshop KODE"):
        batch.plan_workshop_jobs("pilot", [])


def test_python_dash_m_aiskole_is_the_command():
    done = subprocess.run(
        [sys.executable, "-m", "aiskole", "--version"], capture_output=True, text=True, check=True
    )
    assert done.stdout.startswith("aiskole ")
