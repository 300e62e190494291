"""The presenter's screen driven headless against a real store (SQLite and PostgreSQL)."""

from __future__ import annotations

import asyncio
import dataclasses
import re
import uuid

from aiskole.exercises.base import latest_per_participant
from aiskole.settings import Settings, get_settings
from aiskole.store import BoundStore, Store, StoreError
from aiskole.widgets.presenter import BACK_ONLINE, PresenterView
from aiskole.workshop import WorkshopState

XSS = "<script>window.__xss=1</script>"


def make_store(url: str) -> Store:
    store = Store(url)
    store.migrate()
    return store


def settings(_url: str = "") -> Settings:
    return dataclasses.replace(get_settings(), public_url="http://10.0.0.5:8866/")


def presenter(store: Store, url: str = "sqlite://") -> PresenterView:
    return PresenterView(store_factory=lambda: store, settings=settings(url), live_refresh=False)


def participant(store: Store, code: str) -> BoundStore:
    return BoundStore(store, workshop_code=code, participant=str(uuid.uuid4()))


def vote(bound: BoundStore, answer: int, word: str | None = None) -> int:
    return bound.add_submission("poll", {"answer": answer, "word": word}, {"label": "x"})


def start(store: Store, title: str = "Frokostdemo") -> PresenterView:
    view = presenter(store)
    view.title_input.value = title
    view.create_button.click()
    assert view.code is not None, view.status.value
    return view


def test_create_show_join_code_and_put_the_poll_in_play(any_url):
    store = make_store(any_url)
    view = start(store, "Frokostdemo <b>Teknik</b>")
    code = view.code
    assert f"Workshoppen er oprettet. Koden er {code}." in view.status.value
    join = view.join.value
    assert f'<p class="aiskole-join-code" aria-label="Koden er {" ".join(code)}">{code}</p>' in join
    assert f"http://10.0.0.5:8866/deltag/{code}" in join
    token = store.get_workshop(code).display_token
    assert f'href="http://10.0.0.5:8866/skaerm/{token}"' in join  # the read-only display link
    assert "<svg" in join and "Frokostdemo &lt;b&gt;Teknik&lt;/b&gt;" in view.heading.value
    assert "Ingen øvelse er i spil lige nu." in view.results.value

    view.exercise.value = "poll"
    assert WorkshopState.from_dict(store.get_workshop(code).state) == WorkshopState(active="poll")
    assert view.reveal.description == "Vis resultater"

    a, b, c = (participant(store, code) for _ in range(3))
    vote(a, 2, "bekymret")
    vote(b, 4, "nysgerrig")
    vote(c, 5)
    vote(a, 5, "Nysgerrig")  # a changes their answer: only the latest counts
    participant(store, "ANDEN1").add_submission("poll", {"answer": 1, "word": None}, {})  # another workshop

    assert view.refresh() is True
    rows = latest_per_participant(store.list_submissions(exercise="poll", workshop_code=code))
    assert view.result.n == len(rows) == 3
    assert {x.value: x.count for x in view.result.answers} == {
        v: sum(r.answers["answer"] == v for r in rows) for v in range(1, 6)
    }
    assert "3 svar indtil nu – resultaterne er skjult" in view.results.value
    assert view.refresh() is False  # nothing new: the results are not touched

    view.reveal.value = True
    assert store.get_workshop(code).state["revealed"] is True
    assert view.reveal.description == "Skjul resultater"
    html = view.results.value
    assert re.search(r"5 – Tryg og motiveret</th><td>.*?</td><td class=\"aiskole-live-count\">2</td>", html)
    assert "nysgerrig" not in html  # waiting for approval

    # a new exercise starts hidden again
    view.exercise.value = "dpia"
    assert store.get_workshop(code).state == {"active": "dpia", "revealed": False, "approved_words": []}
    assert view.reveal.value is False
    store.dispose()


def test_approve_a_word_and_it_is_shown_as_text(any_url):
    store = make_store(any_url)
    view = start(store)
    view.exercise.value = "poll"
    vote(participant(store, view.code), 3, XSS)
    vote(participant(store, view.code), 4, "nysgerrig")
    view.refresh()
    assert view.moderation_toggle.description == "Godkend ord (2 venter)"
    assert view.moderation.layout.display == "none"  # the list is hidden until the presenter opens it
    view.moderation_toggle.value = True
    assert view.moderation.layout.display is None

    rows = view.moderation_list.children
    [row] = [r for r in rows if "&lt;script&gt;" in r.children[1].value]
    assert "<script" not in row.children[1].value
    row.children[0].click()  # "Godkend"
    assert store.get_workshop(view.code).state["approved_words"] == [XSS]
    assert view.moderation_toggle.description == "Skjul listen (1 venter)"
    view.reveal.value = True
    html = view.results.value
    assert "&lt;script&gt;window.__xss=1&lt;/script&gt;" in html
    assert "<script" not in html and "nysgerrig" not in html
    store.dispose()


def test_choose_an_open_workshop_and_close_it_after_confirming(any_url):
    store = make_store(any_url)
    first = start(store, "Hold A")
    code = first.code
    view = presenter(store)
    assert (f"Hold A – {code}", code) in view.choose.options
    view.choose.value = code
    assert view.code == code and view.session.layout.display is None

    view.close_button.click()
    assert view.confirm.layout.display is None
    view.confirm_no.click()
    assert view.confirm.layout.display == "none" and store.get_workshop(code).is_open

    view.close_button.click()
    view.confirm_yes.click()
    assert not store.get_workshop(code).is_open
    assert f"Workshoppen {code} er lukket. Koden virker ikke længere." in view.status.value
    assert view.code is None and view.setup.layout.display is None
    assert code not in [value for _, value in view.choose.options]
    store.dispose()


def test_an_empty_title_gets_a_danish_message(store):
    view = presenter(store)
    view.create_button.click()
    assert "Giv workshoppen en titel" in view.status.value
    assert store.list_workshops() == []


def test_unreachable_store_shows_a_danish_message_and_recovers(store):
    up = {"value": True}

    def factory():
        if not up["value"]:
            raise StoreError("Databasen kan ikke nås lige nu.")
        return store

    view = PresenterView(store_factory=factory, settings=settings("sqlite://"), live_refresh=False)
    view.title_input.value = "Frokostdemo"
    view.create_button.click()
    view.exercise.value = "poll"
    up["value"] = False
    vote(participant(store, view.code), 4)
    assert view.refresh() is False
    assert "Databasen kan ikke nås lige nu" in view.status.value and 'role="alert"' in view.status.value
    assert "Traceback" not in view.status.value
    # a click while the store is down is refused in Danish, and the buttons show the stored state again
    view.reveal.value = True
    assert view.reveal.value is False and "Databasen kan ikke nås" in view.status.value
    up["value"] = True
    assert view.refresh() is True
    assert BACK_ONLINE in view.status.value
    assert "1 svar indtil nu" in view.results.value


def test_a_store_that_is_down_from_the_start(store):
    def broken():
        raise StoreError("Databasen kan ikke nås lige nu, så svarene er ikke gemt.")

    view = PresenterView(store_factory=broken, live_refresh=False)
    assert "Databasen kan ikke nås lige nu" in view.status.value
    view.title_input.value = "Frokostdemo"
    view.create_button.click()
    assert view.code is None and "Databasen kan ikke nås" in view.status.value


def test_the_live_loop_updates_by_itself_survives_errors_and_stops_when_closed(store):
    up = {"value": True}

    def factory():
        if not up["value"]:
            raise StoreError("nede")
        return store

    async def wait_for(condition, seconds: float = 20) -> bool:
        for _ in range(int(seconds / 0.05)):
            if condition():
                return True
            await asyncio.sleep(0.05)
        return False

    async def scenario():
        view = PresenterView(store_factory=factory, settings=settings("sqlite://"), interval=0.05)
        task = view._live.task
        assert task is not None
        view.title_input.value = "Frokostdemo"
        view.create_button.click()
        view.exercise.value = "poll"
        vote(participant(store, view.code), 4)
        assert await wait_for(lambda: "1 svar indtil nu" in view.results.value)
        up["value"] = False
        assert await wait_for(lambda: "Databasen kan ikke nås" in view.status.value)
        assert not task.done()  # the loop keeps going
        vote(participant(store, view.code), 2)
        up["value"] = True
        assert await wait_for(lambda: "2 svar indtil nu" in view.results.value)
        assert BACK_ONLINE in view.status.value
        view.widget.close()  # closing the widget is enough to stop the loop
        assert await wait_for(task.done)
        assert not task.cancelled() and task.exception() is None

    asyncio.run(scenario())


# --- pilots ----------------------------------------------------------------------------------------------


def test_create_a_pilot_with_its_own_code_and_list_it(any_url):
    store = make_store(any_url)
    view = presenter(store)
    view.pilot_title.value = "Byggesag <b>AI</b>"
    view.pilot_code.value = " tek-24 "
    view.pilot_button.click()
    pilot = store.get_workshop("TEK-24")
    assert pilot is not None and pilot.is_pilot, view.status.value
    assert "Piloten er oprettet med koden TEK-24" in view.status.value
    assert "Byggesag &lt;b&gt;AI&lt;/b&gt;" in view.pilots.value and "<b>AI" not in view.pilots.value
    assert [code for _, code in view.choose.options] == [""]  # pilots are not live workshops
    view.pilot_title.value = "Igen"
    view.pilot_code.value = "TEK-24"
    view.pilot_button.click()
    assert "allerede i brug" in view.status.value
    store.dispose()
