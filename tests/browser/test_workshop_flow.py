"""A live workshop in Chromium when the server dies: phones join by link and answer, the server is killed with
SIGKILL and started again, nothing confirmed is lost, and the phones follow the presenter again by themselves
(a phone without the script on its next reload)."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from aiskole.store import Store
from aiskole.testing import (
    PHONE,
    SHORT_XSS_PAYLOADS,
    Watched,
    close_pages,
    kill_voila,
    screenshot,
    start_voila,
    stop_voila,
    watched_page,
)
from aiskole.workshop import join_url

pytestmark = pytest.mark.browser


def phone_page(browser, contexts: list, *, script: bool = True) -> Watched:
    return watched_page(browser, PHONE, contexts, script=script, timeout=30_000)


def test_sigkill_mid_room_loses_nothing_confirmed_and_phones_reconnect_by_themselves(tmp_path, browser):
    url = f"sqlite:///{tmp_path / 'data' / 'aiskole.sqlite3'}"
    server = start_voila(tmp_path, url)
    store = Store(url)
    contexts: list = []
    try:
        workshop = store.create_workshop("Frokostdemo")
        store.set_workshop_state(workshop.code, {"active": "poll", "revealed": False, "approved_words": []})
        words = [*SHORT_XSS_PAYLOADS, "tryg"]
        phones = [phone_page(browser, contexts) for _ in words]
        for n, (phone, word) in enumerate(zip(phones, words, strict=True)):
            page = phone.page
            page.goto(join_url(server.url, workshop.code))
            expect(page.get_by_role("heading", level=1)).to_have_text("Frokostdemo")
            page.get_by_role("radio").nth(n).check()
            page.get_by_label("Et ord om AI (valgfrit)").fill(word)
            page.get_by_role("button", name="Send svar").click()
            expect(page.get_by_role("heading", name="Tak – dit svar er gemt")).to_be_visible()
            page.evaluate("window.__same_page = 1")
        # a phone without the script answers too; a page that shows an answer reloads itself (a meta refresh
        # inside <noscript>)
        plain = phone_page(browser, contexts, script=False)
        plain.page.goto(join_url(server.url, workshop.code))
        plain.page.get_by_role("radio").last.check()
        plain.page.get_by_role("button", name="Send svar").click()
        expect(plain.page.get_by_role("heading", name="Tak – dit svar er gemt")).to_be_visible()
        assert plain.page.locator('meta[http-equiv="refresh"]').count() == 1
        confirmed = {(r.id, r.participant) for r in store.list_submissions(workshop_code=workshop.code)}
        assert len(confirmed) == len(phones) + 1

        kill_voila(server)  # the laptop's server dies, kernels and all
        for phone in phones:
            expect(phone.page.get_by_role("status")).to_contain_text(
                "Forbindelsen til oplægsholderen er afbrudt"
            )
        screenshot(phones[0].page, "room-offline-375")

        server = start_voila(tmp_path, url, port=server.port)
        after = {(r.id, r.participant) for r in store.list_submissions(workshop_code=workshop.code)}
        assert confirmed <= after  # nothing confirmed was lost

        # the presenter goes on with the next exercise: every phone follows without anyone touching it
        store.set_workshop_state(workshop.code, {"active": "dpia", "revealed": False, "approved_words": []})
        for phone in phones:
            expect(phone.page.get_by_text("Øvelse: Mini-DPIA")).to_be_visible(timeout=45_000)
            expect(phone.page.locator("#room-status")).to_have_text("")  # no longer "afbrudt"
            assert phone.page.evaluate("window.__same_page") == 1  # no reload
            phone.assert_no_xss()
        screenshot(phones[0].page, "room-after-restart-375")
        plain.page.reload()  # (or wait for its own refresh)
        expect(plain.page.get_by_text("Øvelse: Mini-DPIA")).to_be_visible()

        # and the room goes on: a phone answers the new exercise
        page = phones[0].page
        page.get_by_role("radio", name="Nej").first.check()
        page.get_by_role("button", name="Send svar").click()
        expect(page.get_by_role("heading", name="Tak – dit svar er gemt")).to_be_visible()
        assert len(store.list_submissions(workshop_code=workshop.code, exercise="dpia")) == 1
    finally:
        close_pages(contexts)
        store.dispose()
        stop_voila(server)
