"""The room's other pages in Chromium: the presenter and the display with hostile text from phones, the
landing, join and facilitator pages at 375 px, and the facilitator's login by link.

Phones answer at the protocol level here (aiskole.testing.Phone); test_room_phones.py answers from Chromium.
"""

from __future__ import annotations

import re
import socket

import pytest
from playwright.sync_api import expect

from aiskole.store import Store
from aiskole.testing import (
    LAPTOP,
    PHONE,
    SHORT_XSS_PAYLOADS,
    XSS_PAYLOADS,
    Phone,
    close_pages,
    screenshot,
    start_voila,
    stop_voila,
    watched_page,
)

pytestmark = pytest.mark.browser


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("room-pages")
    port = _free_port()
    server = start_voila(
        tmp,
        f"sqlite:///{tmp / 'data' / 'aiskole.sqlite3'}",
        port=port,
        # the facilitator's machine is another one: the presenter needs the key (the link aiskole demo prints)
        env={"AISKOLE_TRUST_LOOPBACK": "0", "AISKOLE_PUBLIC_URL": f"http://127.0.0.1:{port}/"},
    )
    yield server
    stop_voila(server)


@pytest.fixture
def page_of(browser):
    contexts: list = []
    yield lambda viewport, *, script=True: watched_page(browser, viewport, contexts, script=script)
    close_pages(contexts)


def test_presenter_and_display_show_hostile_text_from_phones_as_text(server, page_of):
    """Hostile text in the workshop's title and in every phone's word: on the presenter's screen (pending and
    approved), on the display and on the phones, shown and never run."""
    presenter = page_of(LAPTOP)
    page = presenter.page
    page.goto(server.login_url(), wait_until="commit")  # the link aiskole demo prints
    expect(page.get_by_role("heading", name="aiskole – øvelser og lektioner")).to_be_visible()
    presenter.open_app(server, "praesentation.ipynb")
    title = f"Frokostdemo {XSS_PAYLOADS[1]}"
    page.get_by_label("Titel på workshoppen").fill(title)
    page.get_by_role("button", name="Opret workshop").click()
    status = page.get_by_text(re.compile(r"Workshoppen er oprettet\. Koden er [A-Z0-9]{6}\."))
    expect(status).to_be_visible()
    code = re.search(r"Koden er ([A-Z0-9]{6})", status.inner_text()).group(1)
    page.get_by_role("button", name="Kick-off-afstemning", exact=True).click()
    expect(page.locator(".aiskole-live-waiting")).to_have_text("0 svar indtil nu – resultaterne er skjult")

    store = Store(server.database_url)
    try:
        workshop = store.get_workshop(code)
    finally:
        store.dispose()
    display = page_of(LAPTOP)
    display.page.goto(f"{server.url}skaerm/{workshop.display_token}")
    expect(display.page.get_by_role("heading", level=1)).to_have_text(title)
    expect(display.page.locator(".room-joincode")).to_have_text(code)
    display.page.evaluate("window.__same_page = 1")

    words = [*SHORT_XSS_PAYLOADS, "nysgerrig"]
    for n, word in enumerate(words):
        status, body = Phone(server.url).answer(code, "poll", {"svar": str(n + 2), "ord": word})
        assert status == 200 and body["ok"], body
    expect(page.locator(".aiskole-live-waiting")).to_have_text(
        f"{len(words)} svar indtil nu – resultaterne er skjult", timeout=15_000
    )
    expect(display.page.locator("#results")).to_contain_text(f"{len(words)} svar indtil nu", timeout=15_000)

    page.get_by_role("button", name=f"Godkend ord ({len(words)} venter)").click()
    for word in SHORT_XSS_PAYLOADS:
        row = page.locator(".aiskole-moderation-row", has_text=word)
        expect(row).to_be_visible()  # pending hostile text on the presenter's screen, as text
        row.get_by_role("button", name="Godkend").click()
    page.get_by_role("button", name="Vis resultater").click()
    shown = page.locator(".aiskole-presenter-results .aiskole-live-words")
    for word in SHORT_XSS_PAYLOADS:
        expect(shown).to_contain_text(word)
    expect(shown).not_to_contain_text("nysgerrig")  # not approved
    screenshot(page, "room-presenter-1280")

    # the display follows without a reload: revealed results, approved words only, as text
    results = display.page.locator("#results .aiskole-live-words")
    for word in SHORT_XSS_PAYLOADS:
        expect(results).to_contain_text(word, timeout=15_000)
    expect(display.page.locator("#results")).not_to_contain_text("nysgerrig")
    assert display.page.evaluate("window.__same_page") == 1
    screenshot(display.page, "room-display-1280")

    # a phone of the workshop, after the reveal
    phone = page_of(PHONE)
    phone.page.goto(f"{server.url}deltag/{code}")
    phone.page.get_by_role("radio", name=re.compile("^4 – ")).check()
    phone.page.get_by_label("Et ord om AI (valgfrit)").fill(SHORT_XSS_PAYLOADS[1])
    phone.page.get_by_role("button", name="Send svar").click()
    expect(phone.page.locator("#results .aiskole-live-words")).to_contain_text(SHORT_XSS_PAYLOADS[0])
    screenshot(phone.page, "room-participant-results-375")

    for watched in (presenter, display, phone):
        watched.assert_clean()
        watched.assert_no_xss()

    # the presenter closes the workshop: the display says so and shows nothing else, without a reload
    page.get_by_role("button", name="Luk workshop").click()
    page.get_by_role("button", name="Ja, luk workshoppen").click()
    expect(display.page.get_by_role("heading", name="Workshoppen er slut")).to_be_visible(timeout=15_000)
    expect(display.page.locator("main")).not_to_contain_text(code)
    expect(display.page.locator(".aiskole-live")).to_have_count(0)
    assert display.page.evaluate("window.__same_page") == 1


@pytest.mark.parametrize("script", [True, False], ids=["script", "no-script"])
def test_join_by_typing_the_code_and_the_pages_on_the_way(server, page_of, script):
    mode = "script" if script else "noscript"
    store = Store(server.database_url)
    try:
        workshop = store.create_workshop("Tastet kode")
    finally:
        store.dispose()
    watched = page_of(PHONE, script=script)
    page = watched.page
    page.goto(server.url)
    expect(page.get_by_role("heading", name="Deltag i en workshop")).to_be_visible()
    expect(page.get_by_role("link", name=re.compile("Præsentation"))).to_have_count(0)
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"] + 1
    screenshot(page, f"room-landing-{mode}-375")

    field = page.get_by_role("textbox", name="Kode")
    field.fill("acdefg" if workshop.code != "ACDEFG" else "acdefh")
    field.press("Enter")
    expect(page.get_by_text("Den kode findes ikke")).to_be_visible()
    expect(page.get_by_role("textbox", name="Kode")).to_have_value(re.compile("acdef", re.IGNORECASE))  # kept
    screenshot(page, f"room-join-error-{mode}-375")

    field = page.get_by_role("textbox", name="Kode")
    field.fill("")
    field.press_sequentially(f"{workshop.code[:3].lower()} {workshop.code[3:].lower()}", delay=20)
    field.press("Enter")  # the phone keyboard's "Gå"
    expect(page.get_by_role("heading", name="Du er med!")).to_be_visible()
    expect(page.get_by_role("heading", level=1)).to_have_text("Tastet kode")
    assert page.url.endswith(f"/deltag/{workshop.code}")
    screenshot(page, f"room-waiting-{mode}-375")
    watched.assert_clean()


def test_the_facilitators_login_page_at_375_px(server, page_of):
    watched = page_of(PHONE)
    page = watched.page
    page.goto(f"{server.url}voila/render/praesentation.ipynb")
    expect(page.get_by_role("heading", name="Kun for oplægsholderen")).to_be_visible()
    page.get_by_role("link", name="Log ind").click()
    page.get_by_label("Oplægsholdernøgle").fill("forkert")
    page.get_by_role("button", name="Log ind").click()
    expect(page.get_by_text("Nøglen passer ikke")).to_be_visible()
    screenshot(page, "room-facilitator-error-375")
    page.get_by_label("Oplægsholdernøgle").fill(server.key)
    page.get_by_role("button", name="Log ind").click()
    expect(page).to_have_url(re.compile(r"/voila/render/praesentation\.ipynb$"))  # where the link pointed
    cookie = next(c for c in page.context.cookies() if c["name"] == "aiskole_oplaeg")
    assert cookie["httpOnly"] and cookie["sameSite"] == "Strict"
    assert "aiskole_oplaeg" not in page.evaluate("document.cookie")  # no script can read it
    page.goto(f"{server.url}oplaegsholder")
    expect(page.get_by_role("heading", name="Du er logget ind som oplægsholder")).to_be_visible()
    expect(page.get_by_role("link", name=re.compile("Præsentation"))).to_be_visible()
    screenshot(page, "room-facilitator-375")
    page.get_by_role("button", name="Log ud").click()
    expect(page.get_by_role("link", name="Log ind med oplægsholdernøglen")).to_be_visible()
    watched.assert_clean()
