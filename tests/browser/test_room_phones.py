"""Every exercise the presenter can put in play, answered from a 375 px Chromium page, with and without the
room's script: the page follows the presenter, the answer is counted once per participant, and hostile text in
every free-text field is shown as text, never run.

The presenter's moves (put an exercise in play, reveal, approve) are written to the server's database, as the
presenter app does; the presenter app itself is tested with hostile text in test_room_pages.py.
"""

from __future__ import annotations

import re

import pytest
import sqlalchemy as sa
from playwright.sync_api import expect

from aiskole import exercises
from aiskole.store import Store, submissions
from aiskole.testing import (
    PHONE,
    SHORT_XSS_PAYLOADS,
    XSS_PAYLOADS,
    Watched,
    close_pages,
    screenshot,
    start_voila,
    stop_voila,
    watched_page,
)

pytestmark = pytest.mark.browser

LIVE = [e.name for e in exercises.LIVE]
#: Hostile text for every text field, the shortest first (fields of 30 characters take only those).
PAYLOADS = (*SHORT_XSS_PAYLOADS, *XSS_PAYLOADS)
TITLE = "Frokostdemo <img src=x onerror=window.__xss=9>"


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("room-phones")
    server = start_voila(tmp, f"sqlite:///{tmp / 'data' / 'aiskole.sqlite3'}")
    yield server
    stop_voila(server)


@pytest.fixture
def store(server):
    store = Store(server.database_url)
    yield store
    store.dispose()


@pytest.fixture
def new_phone(browser):
    """``new_phone(script=True)``: a fresh 375 px phone (its own cookies), with or without JavaScript."""
    contexts: list = []
    yield lambda script=True: watched_page(browser, PHONE, contexts, script=script, timeout=20_000)
    close_pages(contexts)


def play(store, code: str, active: str | None, *, revealed: bool = False, approved=()) -> None:
    store.set_workshop_state(code, {"active": active, "revealed": revealed, "approved_words": list(approved)})


def needs_form(name: str) -> None:
    if not hasattr(exercises.get(name).unit, "from_form"):
        pytest.skip(f"{name}: the participant form is not written yet (no from_form on the unit)")


def no_xss(watched: Watched, script: bool) -> None:
    if script:
        watched.assert_no_xss()
    else:  # nothing can run at all; the payloads must still be text, never elements
        assert watched.dialogs == []
    page = watched.page
    assert (
        page.locator("main img, main svg[onload], main script").count() == 0
        or not page.locator("main [onerror], main [onload]").count()
    )
    assert page.locator("[onerror], [onload]").count() == 0


def fits_the_phone(page) -> None:
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"] + 1


def fill(page, round_: int = 0) -> list[str]:
    """Answer the form on the page as a participant would, from what the page offers: the first choice of every
    group (later rounds: the last), the first option of every list, and hostile text in every text field (cut
    to the field's length). Returns the texts typed."""
    form = page.locator("form[data-room]")
    typed = []
    radios = form.locator("input[type=radio]")
    names = list(dict.fromkeys(radios.evaluate_all("els => els.map(e => e.name)")))
    for name in names:
        group = form.locator(f"input[type=radio][name='{name}']")
        (group.first if round_ == 0 else group.last).check()
    checks = form.locator("input[type=checkbox]")
    for name in dict.fromkeys(checks.evaluate_all("els => els.map(e => e.name)")):
        form.locator(f"input[type=checkbox][name='{name}']").first.check()
    for select in form.locator("select").all():
        values = select.locator("option").evaluate_all("os => os.map(o => o.value).filter(v => v)")
        if values:
            select.select_option(values[0 if round_ == 0 else -1])
    numbers = "input[type=number], input[inputmode=numeric], input[inputmode=decimal]"
    for number in form.locator(numbers).all():
        number.fill("1200" if round_ == 0 else "7,5")  # as a Dane types them
    fields = form.locator(
        "input[type=text]:not([inputmode=numeric]):not([inputmode=decimal]), textarea"
    ).all()
    for n, field in enumerate(fields):
        limit = int(field.get_attribute("maxlength") or 10_000)
        fitting = [p for p in PAYLOADS if len(p) <= limit] or [PAYLOADS[0][:limit]]
        text = fitting[(n + round_) % len(fitting)]
        field.fill(text)
        typed.append(text)
    return typed


def submit(page) -> None:
    page.locator("form[data-room] [type=submit]").click()


def answer(page, name: str, round_: int = 0) -> list[str]:
    """Fill and send; when the exercise asks for more (an answer its rules refuse), fix the marked text fields
    with plain words and send again (at most three times)."""
    typed = fill(page, round_)
    for _ in range(3):
        submit(page)
        done = page.locator(".room-done")
        summary = page.locator(".room-summary")
        expect(done.or_(summary)).to_be_visible()
        if done.is_visible():
            return typed
        for field in page.locator("form[data-room] [aria-invalid=true]").all():
            tag = field.evaluate("e => e.tagName + ':' + (e.type || '')")
            if tag in ("INPUT:text", "TEXTAREA:textarea"):
                field.fill("almindelig tekst")
    marked = page.locator("form[data-room] [aria-invalid=true]").evaluate_all(
        "els => els.map(e => e.name || e.id)"
    )
    errors = page.locator("form[data-room] .room-error").all_inner_texts()
    raise AssertionError(f"{name}: the answer was not accepted: {marked} {errors}")


def counted(store, code: str, exercise: str, browser: str) -> tuple[int, int]:
    """(rows, counted rows) of one participant's answers to one exercise."""
    c = submissions.c
    where = (c.workshop_code == code, c.exercise == exercise, c.participant == browser)
    with store.engine.connect() as conn:
        rows = conn.execute(sa.select(sa.func.count()).where(*where)).scalar_one()
        live = conn.execute(sa.select(sa.func.count()).where(*where, c.superseded_at.is_(None))).scalar_one()
    return rows, live


def browser_id(page) -> str:
    return next(c["value"] for c in page.context.cookies() if c["name"] == "aiskole_id")


@pytest.mark.parametrize("script", [True, False], ids=["script", "no-script"])
@pytest.mark.parametrize("name", LIVE)
def test_every_exercise_in_play_is_answered_from_a_phone(server, store, new_phone, name, script):
    needs_form(name)
    mode = "script" if script else "noscript"
    workshop = store.create_workshop(TITLE)
    watched = new_phone(script)
    page = watched.page

    page.goto(f"{server.url}deltag/{workshop.code}")
    expect(page.get_by_role("heading", name="Du er med!")).to_be_visible()
    expect(page.get_by_role("heading", level=1)).to_have_text(TITLE)  # the title as text
    if script:
        page.evaluate("window.__same_page = 1")

    # the presenter puts the exercise in play: with the script the page follows by itself, without it on reload
    play(store, workshop.code, name)
    if not script:
        expect(page.get_by_role("heading", name="Du er med!")).to_be_visible()
        page.reload()
    form = page.locator("form[data-room]")
    expect(form).to_be_visible(timeout=15_000)
    if script:
        assert page.evaluate("window.__same_page") == 1, "the page was reloaded"
    expect(page.get_by_text(f"Øvelse: {exercises.get(name).title}")).to_be_visible()
    screenshot(page, f"room-{name}-{mode}-form-375")
    fits_the_phone(page)

    typed = answer(page, name)
    expect(page.get_by_role("heading", name="Tak – dit svar er gemt")).to_be_visible()
    screenshot(page, f"room-{name}-{mode}-done-375")
    fits_the_phone(page)
    no_xss(watched, script)
    me = browser_id(page)
    assert counted(store, workshop.code, name, me) == (1, 1)

    # the participant changes their answer: two rows, one counted
    page.get_by_role("link", name="Ret dit svar").click()
    expect(form).to_be_visible()
    if script:
        page.evaluate("window.__same_page = 2")  # "Ret dit svar" is a link: a page of its own
    typed += answer(page, name, round_=1)
    expect(page.get_by_role("heading", name="Tak – dit svar er gemt")).to_be_visible()
    assert counted(store, workshop.code, name, me) == (2, 1)

    # the presenter reveals the results and approves every text typed: still text on the phone
    play(store, workshop.code, name, revealed=True, approved=typed)
    if not script:
        page.reload()
    expect(page.locator("#results .aiskole-live")).to_be_visible(timeout=15_000)
    screenshot(page, f"room-{name}-{mode}-results-375")
    fits_the_phone(page)
    no_xss(watched, script)
    watched.assert_clean()

    # the presenter closes the workshop: the page says so (with the script without a reload)
    store.close_workshop(workshop.code)
    if not script:
        page.reload()
    expect(page.get_by_role("heading", name="Workshoppen er slut")).to_be_visible(timeout=15_000)
    if script:
        assert page.evaluate("window.__same_page") == 2
        assert page.url.endswith(f"/deltag/{workshop.code}")  # not the "Ret dit svar" address any more


def test_a_phone_follows_the_presenter_through_the_exercises_without_a_reload(server, store, new_phone):
    """One page open for a whole workshop: every exercise in play in turn, and back to none."""
    workshop = store.create_workshop("Hele workshoppen")
    watched = new_phone(True)
    page = watched.page
    page.goto(f"{server.url}deltag/{workshop.code}")
    expect(page.get_by_role("heading", name="Du er med!")).to_be_visible()
    page.evaluate("window.__same_page = 1")
    for name in LIVE:
        if not hasattr(exercises.get(name).unit, "from_form"):
            continue
        play(store, workshop.code, name)
        expect(page.get_by_text(f"Øvelse: {exercises.get(name).title}")).to_be_visible(timeout=15_000)
    play(store, workshop.code, None)
    expect(page.get_by_role("heading", name="Du er med!")).to_be_visible(timeout=15_000)
    assert page.evaluate("window.__same_page") == 1
    watched.assert_clean()


def test_typing_is_not_thrown_away_when_the_results_are_revealed(server, store, new_phone):
    workshop = store.create_workshop("Skriver stadig")
    play(store, workshop.code, "poll")
    watched = new_phone(True)
    page = watched.page
    page.goto(f"{server.url}deltag/{workshop.code}")
    field = page.get_by_label("Et ord om AI (valgfrit)")
    field.fill("halvt skrevet")
    play(store, workshop.code, "poll", revealed=True)
    page.wait_for_timeout(1500)  # longer than a poll of the hub: the change has reached the page
    expect(field).to_have_value("halvt skrevet")
    page.get_by_role("radio", name=re.compile("3 – ")).check()
    submit(page)
    expect(page.get_by_role("heading", name="Tak – dit svar er gemt")).to_be_visible()
