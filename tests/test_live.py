"""Live aggregates for the presenter's screen, recomputed independently from hand-made submissions."""

from __future__ import annotations

import datetime as dt
import re

import pytest

from aiskole import live
from aiskole.exercises.quiz import load_quiz
from aiskole.render.live import live_html
from aiskole.store import Submission
from aiskole.workshop import WorkshopState

T0 = dt.datetime(2026, 11, 27, 12, 0, tzinfo=dt.UTC)
XSS = "<script>window.__xss=1</script>"


def sub(
    id_: int,
    exercise: str,
    answers: dict,
    result: dict | None = None,
    participant: str | None = None,
    minute=None,
) -> Submission:
    return Submission(
        id=id_,
        workshop_code="K7FMQX",
        exercise=exercise,
        answers=answers,
        result=result or {},
        created_at=T0 + dt.timedelta(minutes=id_ if minute is None else minute),
        participant=participant,
    )


def bar_row(html: str, label: str, count: str) -> bool:
    """Is there a bar row with this label and this count (both as text)?"""
    pattern = rf'<th scope="row">{re.escape(label)}</th><td>.*?</td><td class="aiskole-live-count">{re.escape(count)}</td>'
    return re.search(pattern, html) is not None


# --- poll --------------------------------------------------------------------------------------------------

POLL = [
    sub(1, "poll", {"answer": 2, "word": "bekymret"}, participant="p1"),
    sub(2, "poll", {"answer": 4, "word": "Nysgerrig"}, participant="p2"),
    sub(3, "poll", {"answer": 4, "word": None}),  # no token: counts on its own
    sub(4, "poll", {"answer": 5, "word": "  nysgerrig "}, participant="p1"),  # p1 changes their answer
    sub(5, "poll", {"answer": 1, "word": XSS}, participant="p3"),
    sub(6, "kpi", {"answer": 3}, participant="p4"),  # another exercise: ignored
]


def test_poll_counts_only_each_participants_latest_answer():
    result = live.aggregate("poll", POLL, WorkshopState())
    # p1 -> 5, p2 -> 4, anonymous -> 4, p3 -> 1
    assert result.n == 4
    assert [(a.value, a.label, a.count) for a in result.answers] == [
        (1, "Utryg", 1),
        (2, "Lidt usikker", 0),
        (3, "Neutral", 0),
        (4, "Ret tryg", 2),
        (5, "Tryg og motiveret", 1),
    ]
    assert result.mean == pytest.approx((5 + 4 + 4 + 1) / 4)


def test_poll_words_wait_for_approval():
    waiting = live.aggregate("poll", POLL, WorkshopState())
    assert waiting.approved == ()
    # "bekymret" is gone: p1's latest answer has another word; both "nysgerrig" are counted together
    assert waiting.pending == (("nysgerrig", 2), (XSS, 1))  # most frequent first

    approved = live.aggregate("poll", POLL, WorkshopState(approved_words=("NYSGERRIG ",)))
    assert approved.approved == (("nysgerrig", 2),)
    assert approved.pending == ((XSS, 1),)


def test_poll_state_may_be_the_stored_dict():
    result = live.aggregate(
        "poll", POLL, {"active": "poll", "revealed": True, "approved_words": ["nysgerrig"]}
    )
    assert result.approved == (("nysgerrig", 2),)


def test_hidden_poll_shows_only_the_number_of_answers():
    html = live_html(live.aggregate("poll", POLL, WorkshopState(approved_words=("nysgerrig",))), False)
    assert "4 svar indtil nu – resultaterne er skjult" in html
    for secret in ("Ret tryg", "nysgerrig", "bekymret", "script", "gennemsnit"):
        assert secret not in html


def test_revealed_poll_labels_every_bar_and_shows_only_approved_words():
    html = live_html(live.aggregate("poll", POLL, WorkshopState(approved_words=("nysgerrig",))), True)
    for label, count in [
        ("1 – Utryg", "1"),
        ("2 – Lidt usikker", "0"),
        ("3 – Neutral", "0"),
        ("4 – Ret tryg", "2"),
        ("5 – Tryg og motiveret", "1"),
    ]:
        assert bar_row(html, label, count), label
    assert "3,5" in html  # the mean with a Danish comma
    assert "nysgerrig" in html
    assert "script" not in html  # pending: never shown
    assert "<img" not in html


def test_an_approved_script_is_shown_as_text():
    html = live_html(live.aggregate("poll", POLL, WorkshopState(approved_words=(XSS,))), True)
    assert "&lt;script&gt;window.__xss=1&lt;/script&gt;" in html
    assert "<script" not in html


# --- quiz --------------------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def quiz_ids():
    content = load_quiz()
    by_topic = {}
    for q in content.questions:
        by_topic.setdefault(q.topic, []).append(q.id)
    return by_topic["jura"][:2], by_topic["prompt"][:1]


def test_quiz_share_correct_per_question_and_topic(quiz_ids):
    (j1, j2), (p1,) = quiz_ids

    def result(answers: dict) -> dict:
        return {"questions": answers}

    rows = [
        sub(1, "quiz", {}, result({j1: False, j2: False}), participant="a"),  # replaced by a's next try
        sub(2, "quiz", {}, result({j1: True, j2: True, p1: True}), participant="a"),
        sub(3, "quiz", {}, result({j1: True, j2: False, p1: False}), participant="b"),
        sub(4, "quiz", {}, result({j1: False}), participant="c"),
        sub(5, "quiz", {}, {"questions": "ødelagt"}, participant="d"),  # malformed: not counted
    ]
    r = live.aggregate("quiz", rows, None)
    assert r.n == 3
    shares = {q.id: (q.correct, q.answered) for q in r.questions}
    assert shares == {j1: (2, 3), j2: (1, 2), p1: (1, 2)}
    topics = {t.topic: (t.correct, t.total) for t in r.topics}
    assert topics == {"jura": (3, 5), "prompt": (1, 2)}
    assert (r.correct, r.total) == (4, 7)
    html = live_html(r, True)
    assert "67\u00a0% (2 af 3)" in html and "50\u00a0% (1 af 2)" in html
    assert bar_row(html, load_quiz().topics["jura"], "60\u00a0% (3 af 5)")
    assert "3 svar indtil nu – resultaterne er skjult" in live_html(r, False)


# --- dpia --------------------------------------------------------------------------------------------------


def test_dpia_counts_per_verdict_with_danish_labels():
    answers = {str(n): False for n in range(1, 11)}
    rows = [
        sub(1, "dpia", answers, {"verdict": "none"}, participant="a"),
        sub(2, "dpia", answers, {"verdict": "full"}, participant="a"),
        sub(3, "dpia", answers, {"verdict": "full"}, participant="b"),
        sub(4, "dpia", answers, {"verdict": "grey"}, participant="c"),
        sub(5, "dpia", answers, {"verdict": "måske"}, participant="d"),  # not a verdict: not counted
        sub(6, "dpia", {"1": True}, {"verdict": "full"}, participant="e"),  # unreadable: not counted
    ]
    r = live.aggregate("dpia", rows, None)
    assert r.n == 3
    assert [(v.verdict, v.label, v.count) for v in r.verdicts] == [
        ("full", "DPIA skal laves", 2),
        ("grey", "Gråzone", 1),
        ("none", "Ingen DPIA efter screeningen", 0),
    ]
    html = live_html(r, True)
    assert bar_row(html, '<span aria-hidden="true">▲</span> DPIA skal laves', "2")
    assert bar_row(html, '<span aria-hidden="true">✓</span> Ingen DPIA efter screeningen', "0")


# --- heatmap -----------------------------------------------------------------------------------------------


def risk(likelihood: int, consequence: int, title: str = "En risiko") -> dict:
    red = likelihood * consequence >= 6
    return {
        "domain": "data",
        "likelihood": likelihood,
        "consequence": consequence,
        "title": title,
        "owner": "Teamleder" if red else "",
        "mitigation": "Stikprøver" if red else "",
    }


def test_heatmap_counts_every_risk_per_cell_and_band():
    rows = [
        sub(1, "heatmap", {"scale": 3, "risks": [risk(1, 1)]}, participant="a"),  # replaced
        sub(2, "heatmap", {"scale": 3, "risks": [risk(3, 3), risk(3, 3), risk(1, 2, XSS)]}, participant="a"),
        sub(3, "heatmap", {"scale": 3, "risks": [risk(3, 3), risk(2, 2), risk(1, 3)]}, participant="b"),
        sub(4, "heatmap", {"scale": 5, "risks": [risk(5, 5)]}, participant="c"),
    ]
    r = live.aggregate("heatmap", rows, None)
    assert (r.n, r.risks, r.other_scale) == (2, 6, 1)
    expected = {(3, 3): 3, (1, 2): 1, (2, 2): 1, (1, 3): 1}
    for li in (1, 2, 3):
        for co in (1, 2, 3):
            assert r.cell(li, co).count == expected.get((li, co), 0)
    # 3×3 bands: green 1-2, yellow 3-4, red 6-9
    assert {b.band: b.count for b in r.bands} == {"green": 1, "yellow": 2, "red": 3}
    assert [b.label for b in r.bands] == ["GRØN", "GUL", "RØD"]
    assert r.cell(3, 1).likelihood_label == "sandsynlig" and r.cell(3, 1).consequence_label == "begrænset"
    html = live_html(r, True)
    assert re.search(r'<span class="aiskole-live-cellcount">3</span>.*?RØD 9', html)
    assert "1 risikokort på 5×5-skalaen er ikke talt med her." in html
    assert "script" not in html and "En risiko" not in html  # risk titles are never shown
    assert bar_row(html, '<span aria-hidden="true">▲</span> RØD', "3")


# --- canvas ------------------------------------------------------------------------------------------------


def canvas(title: str, gevinst: float, kompleksitet: float, quadrant: str | None, stopped=False) -> tuple:
    return (
        {"fields": {"titel": title}, "scores": {}, "hours": 100},
        {"gevinst": gevinst, "kompleksitet": kompleksitet, "quadrant": quadrant, "stopped": stopped},
    )


def test_canvas_positions_quadrants_and_stops():
    rows = [
        sub(1, "canvas", *canvas("Gammel titel", 1.0, 1.0, "smaa"), participant="t1"),
        sub(2, "canvas", *canvas("Chatbot  til borgerservice", 3.4, 1.25, "quick_wins"), participant="t1"),
        sub(3, "canvas", *canvas(XSS, 4.0, 4.5, "strategiske"), participant="t2"),
        sub(4, "canvas", *canvas("Ansigtsgenkendelse", 2.0, 3.0, None, stopped=True), participant="t3"),
        sub(5, "canvas", *canvas("Hemmelig idé", 1.0, 4.0, "parker"), participant="t4"),
    ]
    state = WorkshopState(approved_words=("chatbot til borgerservice", XSS))
    r = live.aggregate("canvas", rows, state)
    assert r.n == 4 and r.stopped == 1
    assert [(t.number, t.gevinst, t.kompleksitet, t.quadrant, t.stopped) for t in r.teams] == [
        (1, 3.4, 1.25, "quick_wins", False),
        (2, 4.0, 4.5, "strategiske", False),
        (3, 2.0, 3.0, None, True),
        (4, 1.0, 4.0, "parker", False),
    ]
    assert {q.quadrant: q.count for q in r.quadrants} == {
        "quick_wins": 1,
        "strategiske": 1,
        "smaa": 0,
        "parker": 1,
    }
    assert r.pending == (("ansigtsgenkendelse", 1), ("hemmelig idé", 1))
    html = live_html(r, True)
    assert "Hold 1: Chatbot til borgerservice (gevinst 3,40 · kompleksitet 1,25)" in html
    assert "Hold 2: &lt;script&gt;window.__xss=1&lt;/script&gt;" in html
    assert "<script" not in html
    assert "Hemmelig" not in html and "Ansigtsgenkendelse" not in html  # not approved: never shown
    assert "Hold 4 (gevinst 1,00 · kompleksitet 4,00)" in html
    assert "STOP – ikke placeret: 1 idé" in html and "Hold 3 (gevinst 2,00" in html
    assert "Lavthængende frugter: 1 idé" in html and "Små forbedringer: 0 idéer" in html
    hidden = live_html(r, False)
    assert "4 svar indtil nu – resultaterne er skjult" in hidden and "Hold" not in hidden


# --- shared ------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("exercise", live.LIVE_EXERCISES)
def test_nobody_has_answered(exercise):
    r = live.aggregate(exercise, [], None)
    assert r.n == 0
    assert "0 svar indtil nu – resultaterne er skjult" in live_html(r, False)
    assert "Ingen svar endnu." in live_html(r, True)


def test_unknown_exercise_is_refused_in_danish():
    with pytest.raises(ValueError, match="har ingen live-resultater"):
        live.aggregate("story", [], None)


def test_exercises_with_answers_in_offered_order():
    rows = [sub(1, "canvas", {}), sub(2, "poll", {}), sub(3, "kpi", {}), sub(4, "poll", {})]
    assert live.exercises_with_answers(rows) == ("poll", "canvas")
