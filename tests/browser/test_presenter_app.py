"""The presenter's screen in Chromium: create a workshop, put the poll in play, watch answers arrive live.

Participants' answers are stored straight into the server's database (the participant app is tested on its
own); the presenter's page must show them without a reload. Then the info screen shows the same workshop.
"""

from __future__ import annotations

import re
import time
import uuid

import pytest
from playwright.sync_api import expect

from aiskole.store import BoundStore, Store
from tests.browser.conftest import LAPTOP, XSS_PAYLOADS, screenshot

pytestmark = pytest.mark.browser

WORD_XSS = "<script>window.__xss=1</script>"


def test_presenter_sees_answers_live_and_approves_a_word(voila_sqlite, open_page):
    watched = open_page(LAPTOP)
    page = watched.page
    seconds = watched.open_app(voila_sqlite, "praesentation.ipynb")
    print(f"\n[presenter-1280] URL -> first widget visible: {seconds:.2f} s")

    title = page.get_by_label("Titel på workshoppen")
    title.fill(f"Frokostdemo {XSS_PAYLOADS[1]}")
    page.get_by_role("button", name="Opret workshop").click()
    status = page.get_by_text(re.compile(r"Workshoppen er oprettet\. Koden er [A-Z0-9]{6}\."))
    expect(status).to_be_visible()
    code = re.search(r"Koden er ([A-Z0-9]{6})", status.inner_text()).group(1)
    expect(page.locator(".aiskole-join-code")).to_have_text(code)
    expect(page.locator(".aiskole-presenter-title")).to_contain_text(XSS_PAYLOADS[1])  # shown as text
    expect(page.locator(".aiskole-join-qr svg")).to_be_visible()

    page.get_by_role("button", name="Kick-off-afstemning", exact=True).click()
    waiting = page.locator(".aiskole-live-waiting")
    expect(waiting).to_have_text("0 svar indtil nu – resultaterne er skjult")

    store = Store(voila_sqlite.database_url)
    try:
        people = [BoundStore(store, workshop_code=code, participant=str(uuid.uuid4())) for _ in range(3)]
        words = ["nysgerrig", WORD_XSS, None]
        for person, answer, word in zip(people, (4, 2, 5), words, strict=True):
            person.add_submission("poll", {"answer": answer, "word": word}, {"label": "x"})
        sent = time.perf_counter()
        expect(waiting).to_have_text("3 svar indtil nu – resultaterne er skjult", timeout=15_000)
        print(f"[presenter-1280] answer stored -> count on screen: {time.perf_counter() - sent:.2f} s")
        # a participant changes their answer: still three answers, and the new one counts
        people[2].add_submission("poll", {"answer": 1, "word": None}, {"label": "x"})
        people.append(BoundStore(store, workshop_code=code, participant=str(uuid.uuid4())))
        people[3].add_submission("poll", {"answer": 4, "word": None}, {"label": "x"})
        sent = time.perf_counter()
        expect(waiting).to_have_text("4 svar indtil nu – resultaterne er skjult", timeout=15_000)
        print(f"[presenter-1280] second answer -> count on screen: {time.perf_counter() - sent:.2f} s")
    finally:
        store.dispose()

    moderation = page.get_by_role("button", name="Godkend ord (2 venter)")
    expect(moderation).to_be_visible()
    expect(page.get_by_text(WORD_XSS)).to_be_hidden()  # pending words are not on the screen
    moderation.click()
    row = page.locator(".aiskole-moderation-row", has_text=WORD_XSS)
    expect(row).to_be_visible()
    row.get_by_role("button", name="Godkend").click()
    expect(page.get_by_role("button", name="Skjul listen (1 venter)")).to_be_visible()
    page.get_by_role("button", name="Skjul listen (1 venter)").click()

    page.get_by_role("button", name="Vis resultater").click()
    words = page.locator(".aiskole-live-words")
    expect(words).to_contain_text(WORD_XSS)  # shown as text, not run
    expect(words).not_to_contain_text("nysgerrig")  # not approved
    bars = page.locator(".aiskole-live-bars tr", has_text="4 – Ret tryg")
    expect(bars.locator(".aiskole-live-count")).to_have_text("2")
    expect(page.get_by_role("button", name="Skjul resultater")).to_be_visible()
    screenshot(page, "presenter-1280")

    watched.assert_clean()
    watched.assert_no_xss()
    assert page.evaluate("document.documentElement.scrollWidth") <= LAPTOP["width"] + 1

    # the read-only display link shows what the presenter revealed (approved words only), no controls
    store = Store(voila_sqlite.database_url)
    try:
        token = store.get_workshop(code).display_token
    finally:
        store.dispose()
    info = open_page(LAPTOP)
    info.page.goto(f"{voila_sqlite.url}skaerm/{token}")
    expect(info.page.get_by_role("heading", name="Hvordan har du det med AI i dit arbejde?")).to_be_visible()
    expect(info.page.locator(".aiskole-live-words")).to_contain_text(WORD_XSS)
    expect(info.page.locator(".aiskole-live-words")).not_to_contain_text("nysgerrig")
    expect(info.page.get_by_text("Godkend")).to_have_count(0)
    screenshot(info.page, "display-1280")
    info.assert_clean()
    info.assert_no_xss()

    # the presenter closes the workshop after confirming
    page.get_by_role("button", name="Luk workshop").click()
    page.get_by_role("button", name="Ja, luk workshoppen").click()
    expect(page.get_by_text(f"Workshoppen {code} er lukket. Koden virker ikke længere.")).to_be_visible()
    store = Store(voila_sqlite.database_url)
    try:
        assert not store.get_workshop(code).is_open
    finally:
        store.dispose()
    watched.assert_clean()
    watched.assert_no_xss()
