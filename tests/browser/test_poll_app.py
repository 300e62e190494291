"""The kick-off poll in Chromium: answer, try hostile words, send, see chart, table and escaped words."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from aiskole.exercises.poll import PollSubmission
from aiskole.store import Store
from tests.browser.conftest import LAPTOP, PHONE, XSS_PAYLOADS, screenshot

pytestmark = pytest.mark.browser

APP = "afstemning.ipynb"
#: Short enough (≤ 30 characters) to be stored, so the escaping of the results is what is tested.
SHORT_PAYLOADS = ("<img src=x onerror=alert(1)>", "<svg onload=window.__xss=3>")


def open_app(watched, server, label: str) -> None:
    seconds = watched.open_app(server, APP)
    print(f"\n[poll-{label}] URL -> first widget visible: {seconds:.2f} s")
    expect(
        watched.page.get_by_role("heading", name="Hvordan har du det med AI i dit arbejde?")
    ).to_be_visible()
    expect(watched.page.get_by_role("radio", name="4 – Ret tryg")).to_be_visible()


@pytest.mark.parametrize(
    ("viewport", "short_payload"),
    [(PHONE, SHORT_PAYLOADS[0]), (LAPTOP, SHORT_PAYLOADS[1])],
    ids=["375px", "1280px"],
)
def test_vote_and_see_the_results(voila_sqlite, open_page, viewport, short_payload):
    """Can a user answer, get a Danish message for a too-long word, send, and see escaped results?"""
    watched = open_page(viewport)
    page = watched.page
    width = viewport["width"]
    open_app(watched, voila_sqlite, str(width))

    send = page.get_by_role("button", name="Send")
    send.click()
    expect(page.get_by_role("alert")).to_contain_text("Vælg et svar, før du sender.")

    page.get_by_role("radio", name="4 – Ret tryg").check()
    word = page.get_by_label("Et ord om AI (valgfrit)")
    for payload in XSS_PAYLOADS:  # both are longer than 30 characters: refused, kept on screen
        word.fill(payload)
        send.click()
        # this payload's own message (its length), not the previous one still on screen
        expect(page.get_by_role("alert")).to_contain_text(
            f"Ordet er for langt: højst 30 tegn – du har skrevet {len(payload)}"
        )
        expect(word).to_have_value(payload)
    if width == PHONE["width"]:
        screenshot(page, "poll-375-error")

    word.fill(short_payload)
    send.click()
    expect(page.get_by_text("Tak! Dit svar er sendt.")).to_be_visible(
        timeout=30_000
    )  # stores and draws a chart
    expect(send).to_be_disabled()

    results = page.locator(".aiskole-words")
    expect(results).to_contain_text(short_payload.casefold())  # shown as text, not as markup
    chart = page.locator("img.aiskole-chart")
    expect(chart).to_be_visible()
    assert chart.get_attribute("alt").startswith("Søjlediagram over svarene")
    expect(page.locator(".aiskole-table tr", has_text="4 – Ret tryg")).to_be_visible()
    page.get_by_role("button", name="Vis resultater").click()
    expect(page.locator(".aiskole-table caption")).to_have_text("Svarene i tal")
    screenshot(page, f"poll-{width}")
    chart.scroll_into_view_if_needed()
    screenshot(page, f"poll-{width}-results")

    store = Store(voila_sqlite.database_url)
    rows = store.list_submissions(exercise="poll")
    store.dispose()
    assert PollSubmission(4, "Ret tryg", short_payload) in [
        PollSubmission.from_answers(r.answers, r.result) for r in rows
    ]

    watched.assert_clean()
    watched.assert_no_xss()
    assert page.evaluate("document.documentElement.scrollWidth") <= width + 1


def test_results_without_voting(voila_sqlite, open_page):
    """Can the facilitator screen show the results without voting, and does the count match the store?"""
    watched = open_page(LAPTOP)
    page = watched.page
    open_app(watched, voila_sqlite, "results-1280")
    page.get_by_role("button", name="Vis resultater").click()
    expect(page.get_by_role("heading", name="Resultater (svar uden workshopkode)")).to_be_visible()
    store = Store(voila_sqlite.database_url)
    n = len(store.list_submissions(exercise="poll", without_code=True))  # the app shows only those
    store.dispose()
    if n:
        expect(page.get_by_text(f"{n} svar", exact=False).first).to_be_visible()
    else:
        expect(page.get_by_text("Der er ingen svar endnu.")).to_be_visible()
    watched.assert_clean()
    watched.assert_no_xss()
