"""The participant's join view: codes, the exercise in play, anonymous and replaceable answers."""

from __future__ import annotations

import pytest

from aiskole.store import Store, StoreError
from aiskole.widgets.join import JoinView


@pytest.fixture
def workshop_store(any_url):
    store = Store(any_url)
    store.migrate()
    yield store
    store.dispose()


def test_join_with_the_code_from_the_link_and_follow_the_presenter(workshop_store):
    ws = workshop_store.create_workshop("Frokostdemo")
    view = JoinView(store_factory=lambda: workshop_store, code=ws.code.lower())
    assert view.form.layout.display == "none"
    assert "Frokostdemo" in view.banner.value
    assert "Venter på, at oplægsholderen starter" in view.area.children[0].value
    workshop_store.set_workshop_state(ws.code, {"active": "poll", "revealed": False, "approved_words": []})
    view.check_state()
    assert type(view.exercise_view).__name__ == "PollView"
    poll = view.exercise_view
    poll.answer.value = 4
    poll.send_button.click()
    poll.answer.value = 2  # changes their mind: answers again
    poll.send_button.click()
    rows = workshop_store.list_submissions(exercise="poll", workshop_code=ws.code)
    assert len(rows) == 2 and {r.participant for r in rows} == {view.participant}
    from aiskole.workshop import latest_per_participant

    assert [r.answers for r in latest_per_participant(rows)] == [rows[-1].answers]
    # the presenter switches away and back: the same view (and what was typed) comes back
    workshop_store.set_workshop_state(ws.code, {"active": "quiz", "revealed": False, "approved_words": []})
    view.check_state()
    assert type(view.exercise_view).__name__ == "QuizView"
    workshop_store.set_workshop_state(ws.code, {"active": "poll", "revealed": False, "approved_words": []})
    view.check_state()
    assert view.exercise_view is poll


def test_two_participants_have_different_tokens(workshop_store):
    ws = workshop_store.create_workshop("Kick-off")
    a = JoinView(store_factory=lambda: workshop_store, code=ws.code)
    b = JoinView(store_factory=lambda: workshop_store, code=ws.code)
    assert a.participant != b.participant


@pytest.mark.parametrize(
    ("code", "message"), [("", "Skriv koden"), ("abc", "6 tegn"), ("ACDEFG", "findes ikke")]
)
def test_unknown_or_bad_codes_get_a_danish_message(workshop_store, code, message):
    view = JoinView(store_factory=lambda: workshop_store)
    view.code.value = code
    view.join_button.click()
    assert message in view.status.value
    assert view.form.layout.display != "none"
    assert view.code.value == code  # nothing typed is lost


def test_a_closed_workshop_lets_nobody_in_and_ends_for_those_inside(workshop_store):
    ws = workshop_store.create_workshop("Afsluttet")
    inside = JoinView(store_factory=lambda: workshop_store, code=ws.code)
    workshop_store.close_workshop(ws.code)
    inside.check_state()
    assert "Workshoppen er slut" in inside.banner.value
    late = JoinView(store_factory=lambda: workshop_store, code=ws.code)
    assert "Workshoppen er lukket" in late.status.value


def test_unreachable_store():
    def broken():
        raise StoreError("Databasen kan ikke nås lige nu, så svarene er ikke gemt. Dine svar er ikke tabt.")

    view = JoinView(store_factory=broken, code="ACDEFG")
    assert "Databasen kan ikke nås" in view.status.value


def test_in_a_workshop_the_poll_hides_results_and_lets_you_change_your_answer(workshop_store):
    ws = workshop_store.create_workshop("Kick-off")
    workshop_store.set_workshop_state(ws.code, {"active": "poll", "revealed": False, "approved_words": []})
    view = JoinView(store_factory=lambda: workshop_store, code=ws.code)
    poll = view.exercise_view
    assert poll.show_button.layout.display == "none"
    poll.answer.value = 3
    poll.send_button.click()
    assert poll.output.value == ""  # results only on the presenter's screen
    assert "store skærm" in poll.status.value
    assert not poll.send_button.disabled and poll.send_button.description == "Skift svar"


def test_enter_joins_with_the_code_that_arrives_after_it(workshop_store):
    """The browser sends Enter before the typed code: joining must use the code, not the empty field."""
    ws = workshop_store.create_workshop("Frokostdemo")
    view = JoinView(store_factory=lambda: workshop_store)
    view.code._handle_custom_msg({"event": "submit"}, [])  # what Enter sends first (the field is still empty)
    assert view.workshop is None and view.status.value == ""  # no error about an empty field
    view.code.value = ws.code.lower()  # then the field's text (continuous_update=False: on Enter or leaving)
    assert view.workshop is not None and view.workshop.code == ws.code
    assert view.form.layout.display == "none"


def test_leaving_the_field_then_clicking_joins_once(workshop_store, monkeypatch):
    ws = workshop_store.create_workshop("Frokostdemo")
    view = JoinView(store_factory=lambda: workshop_store)
    reads = []
    original = workshop_store.get_workshop
    monkeypatch.setattr(workshop_store, "get_workshop", lambda code: reads.append(code) or original(code))
    view.code.value = ws.code  # leaving the field sends the code ...
    assert view.workshop.code == ws.code and reads
    after_joining = len(reads)
    view.join_button.click()  # ... and then the click arrives
    assert view.workshop.code == ws.code
    assert len(reads) == after_joining  # joined once: the click found the participant already in


def test_a_wrong_code_typed_then_corrected_joins(workshop_store):
    ws = workshop_store.create_workshop("Frokostdemo")
    view = JoinView(store_factory=lambda: workshop_store)
    view.code.value = "ACDEFG"
    assert "findes ikke" in view.status.value
    view.code.value = ws.code
    assert view.workshop.code == ws.code and view.status.value == ""


def test_the_workshop_title_in_the_banner_is_escaped(workshop_store):
    """The presenter types the title; a participant's phone must show it as text."""
    ws = workshop_store.create_workshop('<img src="x" onerror="window.__xss = 2"> Frokost')
    view = JoinView(store_factory=lambda: workshop_store, code=ws.code)
    assert "<img" not in view.banner.value
    assert "&lt;img src=&#34;x&#34; onerror=&#34;window.__xss = 2&#34;&gt; Frokost" in view.banner.value
