"""Evaluation reports (aiskole.evaluation) on synthetic demo data: every number recomputed from the raw rows."""

from __future__ import annotations

import datetime as dt
import re
from collections import Counter, defaultdict
from html import escape

import pytest

from aiskole import demo_data, l10n
from aiskole.datasets import load_claims
from aiskole.errors import ReportError
from aiskole.exercises import dpia, kpi, quiz
from aiskole.exercises import story as storybank
from aiskole.reports.cohort import MIN_GROUP, cohort_report
from aiskole.reports.literacy import ART4_CLAIM, literacy_record
from aiskole.reports.pilot import DECISIONS, pilot_report
from aiskole.reports.render import SUPPRESSED, certificate_html, section_html, to_html
from aiskole.reports.store import report_store
from aiskole.reports.workshop import workshop_report
from aiskole.store import Store

# --- fixtures ------------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def demo(tmp_path_factory):
    """A SQLite store filled once by demo_data.generate (seed 42): its URL, the store and what was made."""
    folder = tmp_path_factory.mktemp("demo")
    url = f"sqlite:///{folder / 'aiskole.sqlite3'}"
    store = Store(url)
    store.migrate()
    made = demo_data.generate(store)
    yield url, store, made
    store.dispose()


@pytest.fixture(autouse=True)
def data_dir(tmp_path, monkeypatch):
    monkeypatch.setenv("AISKOLE_DATA_DIR", str(tmp_path / "data"))


@pytest.fixture
def fresh(tmp_path):
    url = f"sqlite:///{tmp_path / 'fresh.sqlite3'}"
    store = Store(url)
    store.migrate()
    yield url, store
    store.dispose()


# --- independent re-computation ------------------------------------------------------------------------


def ordered(rows):
    return sorted(rows, key=lambda s: (s.created_at, s.id))


def latest_by_token(rows):
    latest = {}
    for s in ordered(rows):
        latest[s.participant or f"anon-{s.id}"] = s
    return list(latest.values())


def poll_first_last(rows):
    per = defaultdict(list)
    for s in ordered(r for r in rows if r.exercise == "poll"):
        per[s.participant or f"anon-{s.id}"].append(s.answers["answer"])
    first = {k: v[0] for k, v in per.items()}
    last = {k: v[-1] for k, v in per.items() if len(v) > 1}
    return first, last


def mean(values):
    values = list(values)
    return sum(values) / len(values) if values else None


def band_of(score):
    return "green" if score <= 2 else "yellow" if score <= 4 else "red"


# --- workshop report -----------------------------------------------------------------------------------


def test_workshop_numbers_match_the_raw_submissions(demo):
    url, store, made = demo
    topic_of = {q.id: q.topic for q in quiz.load_quiz().questions}
    for code in made.codes:
        rows = store.list_submissions(workshop_code=code)
        r = workshop_report(report_store(url), code).result
        assert r["participants"] == len({s.participant for s in rows if s.participant})
        assert r["synthetic"] is True
        for exercise in ("poll", "quiz", "dpia", "heatmap", "canvas"):
            mine = [s for s in rows if s.exercise == exercise]
            assert r["answers"][exercise]["submissions"] == len(mine)

        first, last = poll_first_last(rows)
        assert r["poll"]["before"]["n"] == len(first)
        assert r["poll"]["after"]["n"] == len(last)
        assert r["poll"]["before"]["mean"] == pytest.approx(mean(first.values()), abs=1e-4)
        assert r["poll"]["after"]["mean"] == pytest.approx(mean(last.values()), abs=1e-4)
        assert r["poll"]["before"]["counts"] == {str(v): list(first.values()).count(v) for v in range(1, 6)}
        assert r["poll"]["paired"]["mean_change"] == pytest.approx(
            mean(last[k] - first[k] for k in last), abs=1e-4
        )

        quizzes = latest_by_token(s for s in rows if s.exercise == "quiz")
        per_topic = defaultdict(lambda: [0, 0])
        for s in quizzes:
            for qid, ok in s.result["questions"].items():
                per_topic[topic_of[qid]][0] += ok
                per_topic[topic_of[qid]][1] += 1
        assert r["quiz"]["participants"] == len(quizzes)
        assert {t: [v["correct"], v["total"]] for t, v in r["quiz"]["topics"].items()} == dict(per_topic)

        dpias = latest_by_token(s for s in rows if s.exercise == "dpia")
        assert r["dpia"] == {
            v: sum(s.result["verdict"] == v for s in dpias) for v in ("full", "grey", "none")
        }

        bands = Counter(
            band_of(risk["likelihood"] * risk["consequence"])
            for s in latest_by_token(s for s in rows if s.exercise == "heatmap")
            for risk in s.answers["risks"]
        )
        assert r["heatmap"]["bands"] == {b: bands[b] for b in ("green", "yellow", "red")}

        canvases = latest_by_token(s for s in rows if s.exercise == "canvas")
        assert r["canvas"]["stopped"] == sum(s.result["stopped"] for s in canvases)
        quadrants = Counter(s.result["quadrant"] for s in canvases if not s.result["stopped"])
        assert r["canvas"]["quadrants"] == {
            q: quadrants[q] for q in ("quick_wins", "strategiske", "smaa", "parker")
        }


def test_workshop_poll_before_is_first_and_after_is_last(fresh):
    """Three answers from one participant: the first is "før", the last "efter"; the middle one is ignored."""
    url, store = fresh
    base = dt.datetime(2026, 9, 1, 8, tzinfo=dt.UTC)
    store.create_pilot("Test", code="TST-1", now=base, retention_days=365)
    for minutes, value in ((0, 1), (30, 5), (60, 3)):
        store.add_submission(
            "poll",
            {"answer": value, "word": None},
            {"label": "x"},
            workshop_code="TST-1",
            participant="p1",
            created_at=base + dt.timedelta(minutes=minutes),
        )
    store.add_submission(
        "poll",
        {"answer": 4, "word": None},
        {"label": "x"},
        workshop_code="TST-1",
        participant="p2",
        created_at=base,
    )
    r = workshop_report(report_store(url), "tst-1").result
    assert r["poll"]["before"]["counts"] == {"1": 1, "2": 0, "3": 0, "4": 1, "5": 0}
    assert r["poll"]["after"]["counts"] == {"1": 0, "2": 0, "3": 1, "4": 0, "5": 0}
    assert r["poll"]["paired"] == {"n": 1, "mean_change": 2.0}


def test_stories_need_consent_and_free_text_is_escaped(fresh):
    url, store = fresh
    w = store.create_workshop("<script>alert('titel')</script> Frokost", department="<b>Teknik</b>")
    store.add_submission(
        "poll", {"answer": 3, "word": None}, {"label": "Neutral"}, workshop_code=w.code, participant="p1"
    )
    good = storybank.new_story(
        "<script>alert('citat')</script> AI hjalp mig", "Rolle <i>x</i>", "Afd", consent=True
    )
    store.add_submission("story", good.to_answers(), good.to_result(), workshop_code=w.code)
    # a quote whose consent is anything but an explicit True must never be shown
    secret = {**good.to_answers(), "quote": "HEMMELIGT CITAT", "consent": "ja"}
    store.add_submission("story", secret, {"status": "samtykke"}, workshop_code=w.code)
    withdrawn = storybank.withdraw(storybank.new_story("TRUKKET TILBAGE", "R", "A", consent=True))
    store.add_submission("story", withdrawn.to_answers(), withdrawn.to_result(), workshop_code=w.code)
    report = workshop_report(report_store(url), w.code)
    assert report.result["stories"] == {"shown": 1, "not_shown": 2}
    html = to_html(report)
    assert "HEMMELIGT CITAT" not in html and "TRUKKET TILBAGE" not in html
    assert "<script>alert" not in html and "<b>Teknik" not in html and "<i>x" not in html
    assert "&lt;script&gt;alert(&#39;citat&#39;)" in html
    assert "&lt;script&gt;alert(&#39;titel&#39;)" in html
    literacy = literacy_record(report_store(url), w.code)
    assert "<script>alert" not in to_html(literacy)
    assert "<script" not in certificate_html(literacy)


def test_every_table_header_has_a_scope(demo):
    url, _store, made = demo
    for report in (
        workshop_report(report_store(url), made.codes[0]),
        cohort_report(report_store(url), made.start, made.end),
        pilot_report(report_store(url), made.pilot_code),
        literacy_record(report_store(url), made.codes[0]),
    ):
        html = to_html(report)
        assert "<table" in html
        headers = re.findall(r"<th\b[^>]*>", html)
        assert headers and all("scope=" in h for h in headers), [h for h in headers if "scope=" not in h]
        assert "SYNTETISKE DEMODATA" in html  # banner: every demo report says the data are synthetic


# --- cohort report -------------------------------------------------------------------------------------


def test_cohort_suppresses_the_department_of_four(demo):
    url, store, made = demo
    small = made.small_department
    codes = {w.code: w for w in store.list_workshops() if w.code in made.codes}
    tokens = defaultdict(set)
    rows_of = defaultdict(list)
    for s in store.list_submissions():
        if s.workshop_code in codes:
            rows_of[codes[s.workshop_code].department].append(s)
            if s.participant:
                tokens[codes[s.workshop_code].department].add(s.participant)
    assert len(tokens[small]) == 4  # the case the generator promises

    report = cohort_report(report_store(url), made.start.isoformat(), made.end.isoformat())
    r = report.result
    assert MIN_GROUP == 5
    assert r["departments"][small] == {
        "suppressed": True,
        "participants": None,
        "before": None,
        "after": None,
    }
    assert r["suppressed_departments"] == 1
    big = [d for d in tokens if d != small]
    assert r["participants"] == sum(len(tokens[d]) for d in big)
    for d in big:
        first, last = poll_first_last(rows_of[d])
        entry = r["departments"][d]
        assert entry["participants"] == len(tokens[d])
        assert entry["before"]["mean"] == pytest.approx(mean(first.values()), abs=1e-4)
        assert entry["after"]["mean"] == pytest.approx(mean(last.values()), abs=1e-4)
    # the small department is left out of every other aggregate too
    assert sum(m["participants"] or 0 for m in r["months"].values()) == r["participants"]
    html = to_html(report)
    row = re.search(rf"<tr><th scope=\"row\">{small}</th>(.*?)</tr>", html).group(1)
    assert row.count(SUPPRESSED) == 4 and not re.search(r"\d", row)


def test_cohort_threshold_is_exactly_five(fresh):
    """A department of 5 is shown; a department of 4 is not (MIN_GROUP is inclusive)."""
    url, store = fresh
    now = dt.datetime(2026, 10, 5, 9, tzinfo=dt.UTC)
    for department, n in (("Fem", 5), ("Fire", 4)):
        w = store.create_workshop(f"Workshop {department}", department=department, now=now)
        for i in range(n):
            store.add_submission(
                "poll",
                {"answer": 2, "word": None},
                {"label": "x"},
                workshop_code=w.code,
                participant=f"{department}{i}",
            )
    r = cohort_report(report_store(url), "2026-10-01", "2026-10-31").result
    assert r["departments"]["Fem"]["participants"] == 5 and r["departments"]["Fem"]["before"]["mean"] == 2.0
    assert r["departments"]["Fire"]["suppressed"] is True
    assert r["participants"] == 5
    only_small = cohort_report(report_store(url), "2026-10-01", "2026-10-31", "Fire")
    assert only_small.result["participants"] is None
    assert only_small.result["months"]["2026-10"]["participants"] is None
    assert SUPPRESSED in to_html(only_small)


def test_cohort_quiz_topics_needing_follow_up(demo):
    url, store, made = demo
    topic_of = {q.id: q.topic for q in quiz.load_quiz().questions}
    small_codes = {w.code for w in store.list_workshops() if w.department == made.small_department}
    answers = defaultdict(list)
    people = defaultdict(set)
    for code in made.codes:
        if code in small_codes:
            continue
        rows = [s for s in store.list_submissions(workshop_code=code) if s.exercise == "quiz"]
        for s in latest_by_token(rows):
            for qid, ok in s.result["questions"].items():
                answers[topic_of[qid]].append(ok)
                people[topic_of[qid]].add(s.participant)
    r = cohort_report(report_store(url), made.start, made.end).result
    shares = {t: sum(v) / len(v) for t, v in answers.items()}
    for topic, share in shares.items():
        assert r["topics"][topic]["share"] == pytest.approx(share, abs=1e-4)
        assert r["topics"][topic]["participants"] == len(people[topic])
    assert r["lowest_topic"] == min(shares, key=shares.get)
    assert r["follow_up"] == sorted((t for t in shares if shares[t] < 0.7), key=shares.get)


@pytest.mark.parametrize(
    ("start", "end", "message"),
    [
        ("2026-12-01", "2026-11-01", r"Startdatoen \(2026-12-01\) ligger efter slutdatoen \(2026-11-01\)"),
        ("i går", "2026-11-01", "Startdatoen skal være en dato skrevet som år-måned-dag"),
        ("2026-01-01", None, "Slutdatoen skal være en dato"),
        ("2020-01-01", "2020-12-31", "Der er ingen workshops med svar i perioden"),
    ],
)
def test_cohort_errors_are_danish(demo, start, end, message):
    url, _store, _made = demo
    with pytest.raises(ReportError, match=message):
        cohort_report(report_store(url), start, end)


def test_cohort_unknown_department_is_an_empty_period(demo):
    url, _store, made = demo
    with pytest.raises(ReportError, match="for afdelingen «Findes ikke»"):
        cohort_report(report_store(url), made.start, made.end, "Findes ikke")


def _people_answer(store, code, answers_per_person):
    """Poll answers per participant token, one minute apart, in the given workshop."""
    t0 = store.get_workshop(code).created_at
    minute = 0
    for token, answers in answers_per_person.items():
        for answer in answers:
            minute += 1
            store.add_submission(
                "poll",
                {"answer": answer, "word": None},
                {"label": "x"},
                workshop_code=code,
                participant=token,
                created_at=t0 + dt.timedelta(minutes=minute),
            )


def test_cohort_period_is_whole_danish_days(fresh):
    """The database narrows workshops to the period; a workshop counts by its date in Danish time."""
    url, store = fresh
    utc = dt.UTC
    moments = {
        "before": dt.datetime(2026, 9, 30, 21, 59, tzinfo=utc),  # 23:59 on 30 Sept (summer time)
        "first": dt.datetime(2026, 9, 30, 22, 0, tzinfo=utc),  # 00:00 on 1 Oct
        "last": dt.datetime(2026, 10, 31, 22, 59, tzinfo=utc),  # 23:59 on 31 Oct (winter time)
        "after": dt.datetime(2026, 10, 31, 23, 0, tzinfo=utc),  # 00:00 on 1 Nov
    }
    for name, moment in moments.items():
        w = store.create_workshop(f"Workshop {name}", department=name, now=moment)
        _people_answer(store, w.code, {f"{name}{i}": [3] for i in range(5)})
    r = cohort_report(report_store(url), "2026-10-01", "2026-10-31").result
    assert r["workshops"] == 2 and set(r["departments"]) == {"first", "last"}
    assert r["months"].keys() == {"2026-10"}
    everything = cohort_report(report_store(url), "2026-01-01", "9999-12-31").result
    assert everything["workshops"] == 4 and everything["participants"] == 20


def test_cohort_counts_only_valid_poll_answers(fresh):
    """A stored true, a text or a number off the scale is not a poll answer, as in the workshop report."""
    url, store = fresh
    w = store.create_workshop("Workshop", department="Afd", now=dt.datetime(2026, 10, 5, 9, tzinfo=dt.UTC))
    answers = {
        "p0": [True, 2, 4],  # before 2, after 4
        "p1": ["4", 4],  # before 4 only
        "p2": [9, 1, 5],  # before 1, after 5
        "p3": [3],
        "p4": [False, 5, 1],  # before 5, after 1
    }
    _people_answer(store, w.code, answers)
    r = cohort_report(report_store(url), "2026-10-01", "2026-10-31").result
    entry = r["departments"]["Afd"]
    assert entry["participants"] == 5
    assert entry["before"] == {"n": 5, "mean": pytest.approx((2 + 4 + 1 + 3 + 5) / 5)}
    assert entry["after"] is None  # three answered again: fewer than MIN_GROUP
    assert r["months"]["2026-10"]["before_mean"] == pytest.approx(3.0)
    workshop = workshop_report(report_store(url), w.code).result["poll"]
    assert workshop["before"]["n"] == 5 and workshop["after"]["n"] == 3


def test_cohort_migrates_a_database_that_is_not_current(tmp_path):
    """A report reads without migrating only a database at the newest revision; others are migrated first."""
    from alembic import command
    from alembic.config import Config

    from aiskole.store import MIGRATIONS_DIR

    new = f"sqlite:///{tmp_path / 'new.sqlite3'}"
    with pytest.raises(ReportError, match="Der er ingen workshops med svar"):
        cohort_report(report_store(new), "2026-01-01", "2026-12-31")
    assert Store(new).schema_is_current()

    old = f"sqlite:///{tmp_path / 'old.sqlite3'}"
    store = Store(old)
    store.migrate()
    w = store.create_workshop("Workshop", department="Afd", now=dt.datetime(2026, 10, 5, 9, tzinfo=dt.UTC))
    _people_answer(store, w.code, {f"p{i}": [2, 4] for i in range(5)})
    with store.engine.begin() as connection:  # back to the schema before workshops had a department
        cfg = Config()
        cfg.set_main_option("script_location", str(MIGRATIONS_DIR))
        cfg.attributes["connection"] = connection
        command.downgrade(cfg, "0002")
    assert not store.schema_is_current()
    r = cohort_report(report_store(old), "2026-10-01", "2026-10-31").result
    assert store.schema_is_current()
    assert r["departments"] == {
        "Uden afdeling": {
            "suppressed": False,
            "participants": 5,
            "before": {"n": 5, "mean": 2.0},
            "after": {"n": 5, "mean": 4.0},
            "change": 2.0,
        }
    }
    store.dispose()


# --- errors for the code-based reports -----------------------------------------------------------------


@pytest.mark.parametrize("builder", [workshop_report, literacy_record])
@pytest.mark.parametrize(
    ("code", "message"),
    [
        ("ZZZZZZ", "Der findes ingen workshop med koden ZZZZZZ"),
        ("a!", "skal være 3-16 tegn"),
        ("", "Skriv en workshopkode"),
        (None, "Skriv en workshopkode"),
    ],
)
def test_unknown_or_bad_code(demo, builder, code, message):
    url, _store, _made = demo
    with pytest.raises(ReportError, match=message):
        builder(report_store(url), code)


def test_workshop_without_answers(fresh):
    url, store = fresh
    w = store.create_workshop("Tom workshop")
    with pytest.raises(ReportError, match="har ingen svar endnu"):
        workshop_report(report_store(url), w.code)


def test_pilot_unknown_code(demo):
    url, _store, _made = demo
    with pytest.raises(ReportError, match="Der er ingen pilotdata under koden PILOT-XX"):
        pilot_report(report_store(url), "pilot-xx")


# --- pilot report --------------------------------------------------------------------------------------


def test_demo_pilot_numbers(demo):
    url, store, made = demo
    rows = store.list_submissions(workshop_code=made.pilot_code)
    r = pilot_report(report_store(url), made.pilot_code).result
    latest_canvas = ordered(s for s in rows if s.exercise == "canvas")[-1]
    assert r["canvas"]["submission_id"] == latest_canvas.id
    assert r["title"] == latest_canvas.answers["fields"]["titel"] != "Udkast (gammel version)"
    assert r["canvas"]["gevinst"] == latest_canvas.result["gevinst"]
    assert r["canvas"]["quadrant"] == latest_canvas.result["quadrant"]
    # hours freed = (baseline − with AI) × cases × adoption / 60 − new tasks (domain.md §7)
    expected = {
        "pessimistic": (12 - 9) * 9000 * 0.50 / 60 - 200,
        "likely": (12 - 7) * 9000 * 0.70 / 60 - 150,
        "optimistic": (12 - 6) * 9000 * 0.85 / 60 - 100,
    }
    assert r["kpi"]["hours"] == pytest.approx(expected)
    assert r["kpi"]["aarsvaerk"]["likely"] == pytest.approx(expected["likely"] / 1924, abs=1e-4)
    assert r["kpi"]["kpi"]["progress_pct"] == pytest.approx((9.2 - 12) / (8 - 12) * 100)
    assert r["dpia"]["verdict"] == "full"
    assert r["heatmap"]["bands"] == {"green": 0, "yellow": 2, "red": 1}
    assert r["recommendation"] == "juster" and r["reasons"] == ["fuld-dpia"]
    assert r["synthetic"] is True


def save_pilot(
    store,
    code="PILOT-T",
    *,
    parts=("canvas", "heatmap", "dpia", "kpi"),
    gates=None,
    roles_filled=True,
    red_mitigation="Lav klare regler",
    dpia_yes=(),
    ai_minutes=(9, 7, 6),
    measured=8.0,
):
    """Save the four pilot parts in the forms the widgets store (built with the pure modules)."""
    from aiskole.exercises import canvas

    if store.get_workshop(code) is None:
        store.create_pilot("Testpilot", code=code)

    if "canvas" in parts:
        fields = {
            "titel": "Testpilot",
            "problem": "Et problem.",
            "ai_loesning": "AI laver et udkast.",
            "ai_produktejer": "Afdelingsleder" if roles_filled else "",
            "dataejer": "Systemejer",
            "isk": "ISK",
            "dpo": "DPO",
        }
        scores = dict.fromkeys(canvas.SCORE_INPUTS, 3)
        gates = gates or {
            "forbudt": False,
            "bilag_iii": False,
            "art_6_3": None,
            "fuld_dpia": False,
            "offentlig_genai": False,
        }
        built = canvas.build_canvas(fields, scores, hours=600, gates=gates)
        answers = {
            "fields": built.fields,
            "scores": scores,
            "hours": 600.0,
            "weights": canvas.default_weights(),
            "gates": built.evaluation.answers,
        }
        store.add_submission(
            "canvas", answers, built.evaluation.to_dict(), workshop_code=code
        )  # version 1 shape
    if "heatmap" in parts:
        red = {
            "domain": "etik",
            "title": "Skæve udkast",
            "likelihood": 3,
            "consequence": 3,
            "score": 9,
            "band": "red",
            "owner": "Teamleder" if red_mitigation else "",
            "mitigation": red_mitigation,
            "catalogue_id": None,
        }
        # stored as-is (an older save may lack an owner and a mitigation)
        store.add_submission("heatmap", {"scale": 3, "risks": [red]}, {"bands": {}}, workshop_code=code)
    if "dpia" in parts:
        answers = {n: n in dpia_yes for n in range(1, 11)}
        store.save(dpia.DpiaSubmission.of(dpia.screen(answers)), workshop_code=code)
    if "kpi" in parts:
        scenarios = {
            sid: {
                "baseline_minutes": 10,
                "ai_minutes": m,
                "cases_per_year": 1200,
                "adoption_pct": 50,
                "new_task_hours": 10,
            }
            for sid, m in zip(("pessimistic", "likely", "optimistic"), ai_minutes, strict=True)
        }
        estimate = kpi.estimate(scenarios)
        k = kpi.evaluate_kpi("tid-pr-sag", 10, 8, measured)
        answers = {
            "scenarios": {s.id: s.inputs.to_dict() for s in estimate.scenarios},
            "denominator": "brutto",
            "kpi": {"id": "tid-pr-sag", "baseline": 10.0, "target": 8.0, "measured": measured},
        }
        store.add_submission(
            "kpi", answers, {**estimate.to_dict(), "kpi": k.to_dict()}, workshop_code=code
        )  # v1
    return code


@pytest.mark.parametrize(
    ("options", "decision", "rules"),
    [
        ({}, "drift", []),
        ({"dpia_yes": (6,)}, "drift", []),  # grey zone: a note, not a reason
        ({"dpia_yes": (2,)}, "juster", ["fuld-dpia"]),
        ({"red_mitigation": ""}, "juster", ["roede-risici"]),
        ({"roles_filled": False}, "juster", ["roller-mangler"]),
        ({"measured": 9.5}, "juster", ["kpi-fremdrift"]),
        ({"parts": ("canvas", "dpia", "kpi")}, "juster", ["mangler"]),
        ({"ai_minutes": (12, 11, 9)}, "stop", ["ingen-gevinst"]),
        (
            {
                "gates": {
                    "forbudt": False,
                    "bilag_iii": False,
                    "art_6_3": None,
                    "fuld_dpia": False,
                    "offentlig_genai": True,
                },
                "red_mitigation": "",
            },
            "stop",
            ["stop-gate", "roede-risici"],
        ),
    ],
)
def test_recommendation_rules(fresh, options, decision, rules):
    url, store = fresh
    code = save_pilot(store, **options)
    report = pilot_report(report_store(url), code)
    assert report.result["recommendation"] == decision
    assert report.result["reasons"] == rules
    assert f"Anbefaling: {DECISIONS[decision]}" in section_html(report, "recommendation")


def test_missing_parts_are_reported_not_invented(fresh):
    url, store = fresh
    code = save_pilot(store, parts=("dpia",))
    report = pilot_report(report_store(url), code)
    assert report.result["parts"] == {
        "canvas": "mangler",
        "heatmap": "mangler",
        "dpia": "ok",
        "kpi": "mangler",
    }
    assert "canvas" not in report.result and "kpi" not in report.result
    for key in ("canvas", "heatmap", "kpi", "governance"):
        assert "Mangler:" in section_html(report, key)


# --- literacy record -----------------------------------------------------------------------------------


def test_literacy_record_and_certificate(demo):
    url, store, made = demo
    code = made.codes[0]
    rows = store.list_submissions(workshop_code=code)
    report = literacy_record(report_store(url), code)
    r = report.result
    workshop = store.get_workshop(code)
    assert r["participants"] == len({s.participant for s in rows if s.participant})
    assert r["title"] == workshop.title and r["department"] == workshop.department
    assert r["date"] == workshop.created_at.astimezone(l10n.ZONE).date().isoformat()
    assert set(r["exercises"]) == {s.exercise for s in rows}
    html = to_html(report)
    art4 = load_claims()[ART4_CLAIM].source  # the record cites art. 4 by the dataset's own source
    assert escape(art4.title) in html and str(art4.url) in html and "art. 4" in art4.title
    cert = certificate_html(report)
    assert re.search(r'<span class="name" contenteditable="true"[^>]*></span>', cert)
    assert "<script" not in cert and "<form" not in cert
    assert "hverken sendt eller gemt" in cert
    assert '<html lang="da">' in cert


# --- demo data -----------------------------------------------------------------------------------------


def snapshot(store):
    subs = [
        (s.workshop_code, s.exercise, s.answers, s.result, s.created_at, s.participant)
        for s in store.list_submissions()
    ]
    shops = sorted((w.code, w.title, w.department, w.created_at, w.state) for w in store.list_workshops())
    return subs, shops


def test_demo_data_is_deterministic_and_marked_synthetic(tmp_path):
    stores = []
    for name, seed in (("a", 7), ("b", 7), ("c", 8)):
        store = Store(f"sqlite:///{tmp_path / name}.sqlite3")
        store.migrate()
        demo_data.generate(store, seed=seed, workshops=4)
        stores.append(store)
    a, b, c = (snapshot(s) for s in stores)
    assert a == b
    assert a != c
    for _code, title, _dep, _created, state in a[1]:
        assert title.startswith("[SYNTETISK]") and state["synthetic"] is True
    departments = {dep for _c, _t, dep, _cr, _s in a[1]}
    assert len(departments) >= 3
    for s in stores:
        s.dispose()


def test_generate_responses_for_benchmarks(fresh):
    url, store = fresh
    code = demo_data.generate_responses(store, 3000)
    rows = store.list_submissions(workshop_code=code)
    assert len(rows) == 3000
    assert Counter(s.exercise for s in rows) == {"poll": 1500, "quiz": 1500}
    r = workshop_report(report_store(url), code).result
    assert r["synthetic"] is True and r["answers"]["poll"]["submissions"] == 1500
    with pytest.raises(ValueError, match="mindst 1"):
        demo_data.generate_responses(store, 0)
