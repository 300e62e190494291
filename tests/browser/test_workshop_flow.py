"""A live workshop in Chromium: phones join by link, answer, and nothing confirmed is lost on a crash."""

from __future__ import annotations

import os
import re
import signal
import time

import pytest
from playwright.sync_api import expect

from aiskole.store import Store
from aiskole.workshop import join_url
from tests.browser.conftest import PHONE, XSS_PAYLOADS, screenshot, start_voila, stop_voila, wait_until_ready

pytestmark = pytest.mark.browser


def answer_poll(watched, value_label: str, word: str) -> None:
    page = watched.page
    page.get_by_role("radio", name=re.compile(value_label)).check()
    page.get_by_role("textbox").last.fill(word)
    page.get_by_role("button", name="Send").click()
    expect(page.get_by_text("Tak! Dit svar er sendt")).to_be_visible()


def test_join_by_link_answer_survive_sigkill_and_continue(tmp_path, open_page):
    """Kill the server with SIGKILL mid-workshop: is every answer a participant saw confirmed still there, and
    can the workshop go on after a restart?"""
    url = f"sqlite:///{tmp_path / 'data' / 'aiskole.sqlite3'}"
    server = start_voila(tmp_path, url, participants=3)
    try:
        wait_until_ready(server)
        store = Store(url)
        store.migrate()
        workshop = store.create_workshop("Frokostdemo")
        store.set_workshop_state(workshop.code, {"active": "poll", "revealed": False, "approved_words": []})

        phones = [open_page(PHONE) for _ in range(3)]
        for phone, payload in zip(phones, [*XSS_PAYLOADS, "tryg"], strict=True):
            phone.page.goto(join_url(server.url, workshop.code), wait_until="commit")
            expect(phone.page.get_by_text("Frokostdemo")).to_be_visible()
            answer_poll(phone, "Tryg og motiveret", payload[:30])
        screenshot(phones[0].page, "workshop-participant-375")
        for phone in phones:
            phone.assert_clean()
            phone.assert_no_xss()
        confirmed = {r.id for r in store.list_submissions(workshop_code=workshop.code)}
        assert len(confirmed) == 3

        os.killpg(server.process.pid, signal.SIGKILL)  # the laptop's server dies, kernels and all
        server.process.wait(timeout=10)

        port = int(server.url.rsplit(":", 1)[1].strip("/"))
        server = start_voila(tmp_path, url, participants=3, port=port)
        wait_until_ready(server)
        after = {r.id for r in store.list_submissions(workshop_code=workshop.code)}
        assert confirmed <= after  # nothing confirmed was lost

        phone = phones[0]
        phone.page.goto(join_url(server.url, workshop.code), wait_until="commit")
        expect(phone.page.get_by_text("Frokostdemo")).to_be_visible()
        answer_poll(phone, "Utryg", "igen")
        assert len(store.list_submissions(workshop_code=workshop.code)) == 4  # the workshop continues
        store.dispose()
    finally:
        stop_voila(server)


def test_typed_unknown_code_is_explained(voila_sqlite, open_page):
    watched = open_page(PHONE)
    page = watched.page
    watched.open_app(voila_sqlite, "deltag.ipynb")
    page.get_by_role("textbox", name="Kode").fill("ACDEFG")
    page.get_by_role("button", name="Deltag").click()
    expect(page.get_by_role("alert")).to_contain_text("Den kode findes ikke")
    expect(page.get_by_role("textbox", name="Kode")).to_have_value("ACDEFG")
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"] + 1
    screenshot(page, "workshop-join-375")
    watched.assert_clean()


def test_type_the_code_and_press_enter_to_join(voila_sqlite, open_page):
    """Typed key by key and sent with Enter (the phone keyboard's "Gå"): joins with the code typed, not ''.

    The browser sends Enter before the field's text; joining on the text (not on Enter) gets it right.
    """
    store = Store(voila_sqlite.database_url)
    store.migrate()
    workshop = store.create_workshop("Tastet kode")
    store.dispose()
    watched = open_page(PHONE)
    page = watched.page
    watched.open_app(voila_sqlite, "deltag.ipynb")
    field = page.get_by_role("textbox", name="Kode")
    field.click()
    page.keyboard.type(workshop.code.lower(), delay=30)
    page.keyboard.press("Enter")
    expect(page.get_by_text("Tastet kode")).to_be_visible()
    expect(page.get_by_text("Du er med. Dine svar er anonyme.")).to_be_visible()
    expect(page.get_by_role("alert")).to_have_count(0)  # no message about an empty or old code on the way
    watched.assert_clean()


def test_a_room_that_fills_slowly_still_joins_by_link(tmp_path, open_page):
    """A preheated join kernel waits for its participant longer than the cell timeout: does the link still work?

    (Waiting for the link's code inside the cell would time out; the join view waits in the background.)
    """
    url = f"sqlite:///{tmp_path / 'data' / 'aiskole.sqlite3'}"
    server = start_voila(tmp_path, url, participants=1, cell_timeout=4)
    try:
        wait_until_ready(server)
        store = Store(url)
        store.migrate()
        workshop = store.create_workshop("Sen ankomst")
        time.sleep(7)  # longer than the 4 s cell timeout
        phone = open_page(PHONE)
        phone.page.goto(join_url(server.url, workshop.code), wait_until="commit")
        expect(phone.page.get_by_text("Sen ankomst")).to_be_visible()
        # Other apps' preheated kernels may time out at 4 s on a loaded machine; the join page's cell must not.
        timeouts = server.log.read_text().split("A cell timed out")[1:]
        previews = [
            t.split("\n[", 1)[0] for t in timeouts
        ]  # each message ends where the next log line starts
        assert not [p for p in previews if "JoinView" in p]
        store.dispose()
    finally:
        stop_voila(server)


def test_phone_answers_appear_on_the_presenter_screen(tmp_path, open_page):
    """A presenter page and two phone pages: an answer on a phone shows up on the presenter's screen, and a
    `<script>` word never runs on either."""
    from tests.browser.conftest import LAPTOP

    url = f"sqlite:///{tmp_path / 'data' / 'aiskole.sqlite3'}"
    server = start_voila(tmp_path, url, participants=2)
    try:
        wait_until_ready(server)
        presenter = open_page(LAPTOP)
        page = presenter.page
        presenter.open_app(server, "praesentation.ipynb")
        page.get_by_label("Titel på workshoppen").fill("Frokostdemo, Teknik og Miljø")
        page.get_by_role("button", name="Opret workshop").click()
        status = page.get_by_text(re.compile(r"Workshoppen er oprettet\. Koden er [A-Z0-9]{6}\."))
        expect(status).to_be_visible()
        code = re.search(r"Koden er ([A-Z0-9]{6})", status.inner_text()).group(1)
        page.get_by_role("button", name="Kick-off-afstemning", exact=True).click()
        waiting = page.locator(".aiskole-live-waiting")
        expect(waiting).to_have_text("0 svar indtil nu – resultaterne er skjult")

        phones = [open_page(PHONE) for _ in range(2)]
        for n, (phone, word) in enumerate(
            zip(phones, ["nysgerrig", XSS_PAYLOADS[0][:30]], strict=True), start=1
        ):
            phone.page.goto(join_url(server.url, code), wait_until="commit")
            expect(phone.page.get_by_text("Frokostdemo, Teknik og Miljø")).to_be_visible()
            answer_poll(phone, "Ret tryg", word)
            expect(waiting).to_have_text(f"{n} svar indtil nu – resultaterne er skjult")
        page.get_by_role("button", name="Vis resultater").click()
        bars = page.locator(".aiskole-live-bars tr", has_text="4 – Ret tryg")
        expect(bars.locator(".aiskole-live-count")).to_have_text("2")
        screenshot(page, "workshop-presenter-1280")
        for watched in (presenter, *phones):
            watched.assert_clean()
            watched.assert_no_xss()
    finally:
        stop_voila(server)
