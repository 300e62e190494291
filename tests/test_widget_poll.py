"""The kick-off poll widget driven headless: pick an answer, "Send", see the results, on a real store."""

from __future__ import annotations

import re

import pytest

from aiskole.exercises.base import VERSION_KEY
from aiskole.exercises.poll import PollSubmission
from aiskole.store import Store, StoreError
from aiskole.widgets.poll import PollView


def make_store(url: str) -> Store:
    store = Store(url)
    store.migrate()
    return store


def vote(store: Store, answer: int | None, word: str = "", code: str | None = None) -> PollView:
    view = PollView(store_factory=lambda: store, workshop_code=code)
    view.answer.value = answer
    view.word.value = word
    view.send_button.click()
    return view


def test_send_stores_an_anonymous_answer_and_shows_the_results(any_url):
    """Does "Send" store the answer and word, then show chart, table and words, on SQLite and PostgreSQL?"""
    store = make_store(any_url)
    vote(store, 4, "Nysgerrig")
    vote(store, 2, "spændt")
    view = vote(store, 4, "  nysgerrig ")
    assert "Tak! Dit svar er sendt." in view.status.value
    rows = store.list_submissions(exercise="poll")
    v = {VERSION_KEY: PollSubmission.version}  # the typed model writes its version into every row
    assert [r.answers for r in rows] == [
        {"answer": 4, "word": "Nysgerrig", **v},
        {"answer": 2, "word": "spændt", **v},
        {"answer": 4, "word": "nysgerrig", **v},
    ]
    assert rows[0].result == {"label": "Ret tryg"}
    assert all(r.workshop_code is None for r in rows)
    assert view.saved_id == rows[-1].id
    html = view.output.value
    assert "<h3>Resultater (svar uden workshopkode)</h3>" in html
    assert "<strong>3 svar</strong> · gennemsnit 3,3 på en skala fra 1 til 5" in html  # (4 + 2 + 4) / 3
    assert '<th scope="row">4 – Ret tryg</th><td>2</td><td>67\u00a0%</td>' in html
    assert '<th scope="row">2 – Lidt usikker</th><td>1</td><td>33\u00a0%</td>' in html
    # only the visitor's own word: an app never shows another visitor's free text (issue 12)
    assert '<h4>Dit ord</h4><ul class="aiskole-words"><li>nysgerrig</li></ul>' in html
    assert "spændt" not in html
    [alt] = re.findall(r'<img class="aiskole-chart" src="data:image/png;base64,[^"]+" alt="([^"]+)"', html)
    assert "Utryg 0, Lidt usikker 1, Neutral 0, Ret tryg 2, Tryg og motiveret 0. I alt 3 svar." in alt
    # one answer per visit
    assert view.send_button.disabled is True
    store.dispose()


def test_results_are_per_workshop_when_a_code_is_given(any_url):
    store = make_store(any_url)
    store.create_pilot("Hold A", code="HOLD-A")
    store.create_pilot("Hold B", code="HOLD-B")
    vote(store, 5, code="hold-a")
    vote(store, 1, code="HOLD-B")
    view = vote(store, 3, code="Hold-A")
    assert "Resultater (workshop HOLD-A)" in view.output.value
    assert view.results.n == 2 and view.results.counts[5] == 1 and view.results.counts[1] == 0
    assert {r.workshop_code for r in store.list_submissions(exercise="poll")} == {"HOLD-A", "HOLD-B"}
    standalone = PollView(store_factory=lambda: store)
    standalone.show_button.click()
    assert standalone.results.n == 0  # answers in workshops are not the standalone app's to show
    store.dispose()


def test_the_standalone_results_never_show_other_visitors_or_workshops_words(store):
    """Finding of issue 12: "Vis resultater" showed every poll word in the database, moderated or not."""
    room = store.create_workshop("Frokostdemo")
    from aiskole.exercises.poll import make_vote

    store.save(make_vote(2, "hemmeligt-ord"), workshop_code=room.code, participant="p1")
    vote(store, 4, "andens-ord")
    mine = vote(store, 5, "mit-ord")
    html = mine.output.value
    assert "mit-ord" in html
    assert "hemmeligt-ord" not in html and "andens-ord" not in html
    assert mine.results.n == 2  # the two answers without a code; the workshop's is not counted


def test_sending_again_from_the_same_view_counts_once(store):
    """Finding of issue 12: rows saved without a participant token counted once per press of "Gem"."""
    from aiskole.exercises.base import latest_per_participant

    view = PollView(store_factory=lambda: store, in_workshop=True)
    view.answer.value = 2
    view.send_button.click()
    view.answer.value = 5
    view.send_button.click()
    rows = store.list_submissions(exercise="poll")
    assert len(rows) == 2 and len(latest_per_participant(rows)) == 1
    assert rows[0].participant == rows[1].participant is not None


def test_only_poll_submissions_are_counted(store):
    store.add_submission("kpi", answers={"answer": 1}, result={})
    view = PollView(store_factory=lambda: store)
    view.show_button.click()
    assert "Der er ingen svar endnu." in view.output.value
    assert view.results.n == 0


def test_show_results_refreshes(store):
    view = PollView(store_factory=lambda: store)
    view.show_button.click()
    assert view.results.n == 0
    vote(store, 5)
    view.show_button.click()
    assert view.results.n == 1
    assert "Dit ord" not in view.output.value


@pytest.mark.parametrize(
    "word",
    ["<img src=x onerror=alert(1)>", "<svg onload=window.__xss=3>", "<b>fed</b>", '"><script>'],
)
def test_words_are_html_escaped_in_the_results(store, word):
    view = vote(store, 3, word)
    html = view.output.value
    assert "<img src=x" not in html and "<svg" not in html and "<b>fed" not in html and "<script>" not in html
    assert "&lt;" in html
    assert store.list_submissions()[0].answers["word"] == word


@pytest.mark.parametrize(
    ("answer", "word", "message"),
    [
        (None, "", "Vælg et svar, før du sender."),
        (3, "<script>window.__xss = 1</script>", "Ordet er for langt: højst 30 tegn"),
        (3, '<img src="x" onerror="window.__xss = 2">', "Ordet er for langt: højst 30 tegn"),
        (3, "en to tre fire", "Skriv højst tre ord"),
    ],
)
def test_bad_input_gives_a_danish_message_and_nothing_is_stored_or_lost(store, answer, word, message):
    view = vote(store, answer, word)
    assert message in view.status.value and 'role="alert"' in view.status.value
    assert "<script>" not in view.status.value and "<img" not in view.status.value
    assert store.list_submissions() == []
    assert view.word.value == word and view.answer.value == answer
    assert view.send_button.disabled is False  # can correct and try again


def test_unreachable_store_keeps_the_answer_on_screen():
    def broken():
        raise StoreError("Databasen kan ikke nås lige nu, så svarene er ikke gemt. Dine svar er ikke tabt.")

    view = PollView(store_factory=broken)
    view.answer.value = 5
    view.word.value = "glad"
    view.send_button.click()
    assert "Databasen kan ikke nås" in view.status.value
    assert view.answer.value == 5 and view.word.value == "glad"
    assert view.send_button.disabled is False
    view.show_button.click()
    assert "Databasen kan ikke nås" in view.status.value


def test_unexpected_errors_never_show_a_traceback():
    def boom():
        raise ZeroDivisionError("internal detail")

    view = PollView(store_factory=boom)
    view.answer.value = 1
    view.send_button.click()
    assert "Noget gik galt" in view.status.value and "internal detail" not in view.status.value


@pytest.mark.parametrize("code", ["x", "<script>alert(1)</script>"])
def test_a_bad_workshop_code_from_the_constructor_is_refused_without_a_traceback(store, code):
    view = PollView(store_factory=lambda: store, workshop_code=code)
    assert "Workshopkoden skal være" in view.status.value
    assert "<script>" not in view.status.value
    assert view.send_button.disabled is True
    view.answer.value = 4
    view.send_button.click()
    assert store.list_submissions() == []


def test_send_refuses_when_called_directly_with_a_bad_code(store):
    view = PollView(store_factory=lambda: store, workshop_code="x")
    view.answer.value = 4
    with pytest.raises(ValueError, match="Workshopkoden"):
        view.send()


@pytest.mark.parametrize(("in_workshop", "prewarmed"), [(False, 1), (True, 0)])
def test_matplotlib_is_warmed_up_only_where_a_chart_can_be_drawn(monkeypatch, in_workshop, prewarmed):
    """A participant in a live workshop never sees a chart (the presenter does): no matplotlib in that kernel."""
    import aiskole.widgets.poll as poll_widget

    calls = []
    monkeypatch.setattr(poll_widget, "_prewarm_chart", lambda: calls.append(1))
    PollView(
        store_factory=lambda: None, workshop_code="K7FMQX" if in_workshop else None, in_workshop=in_workshop
    )
    assert len(calls) == prewarmed
