"""The storybank app in Chromium: save quotes with consent, see them (escaped), delete, withdraw, export."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from aiskole.store import Store
from tests.browser.conftest import LAPTOP, PHONE, XSS_PAYLOADS, screenshot

pytestmark = pytest.mark.browser


def fill_form(page, quote: str, role: str, department: str, consent: bool = True) -> None:
    page.locator(".aiskole-storybank-quote textarea").fill(quote)
    page.get_by_placeholder("fx Sagsbehandler").fill(role)
    page.get_by_placeholder("fx Borgerservice").fill(department)
    checkbox = page.get_by_role("checkbox", name="Min kollega har læst teksten og sagt ja")
    if consent:
        checkbox.check()
    else:
        checkbox.uncheck()


def expect_heading_matches_list(page) -> int:
    """The heading counts exactly the stories in the list; returns that number."""
    n = page.locator(".aiskole-story").count()
    expect(page.get_by_role("heading", name=re.compile(r"Citater med samtykke"))).to_have_text(
        f"Citater med samtykke ({n})"
    )
    return n


@pytest.mark.parametrize("viewport", [PHONE, LAPTOP], ids=["375px", "1280px"])
def test_xss_in_every_field_is_shown_back_as_text(voila_sqlite, open_page, viewport):
    label = str(viewport["width"])
    watched = open_page(viewport)
    page = watched.page
    seconds = watched.open_app(voila_sqlite, "historiebank.ipynb")
    print(f"\n[storybank-{label}] URL -> first widget visible: {seconds:.2f} s")
    expect(page.get_by_text("Historiebank: kollegernes egne ord om AI")).to_be_visible()
    expect(page.get_by_text("Jeg giver samtykke til, at mit citat")).to_be_visible()
    expect(page.get_by_role("heading", name=re.compile(r"Citater med samtykke \(\d+\)"))).to_be_visible()

    # without consent: refused, nothing lost
    fill_form(page, "Uden samtykke", "Sagsbehandler", "Borgerservice", consent=False)
    page.get_by_role("button", name="Gem", exact=True).click()
    expect(page.get_by_role("alert")).to_contain_text("mangler samtykke")
    expect(page.locator(".aiskole-storybank-quote textarea")).to_have_value("Uden samtykke")

    quotes = []
    for payload in XSS_PAYLOADS:
        quote = f"Citat {label} {payload}"  # unique per run: the session's database is shared
        quotes.append(quote)
        fill_form(page, quote, f"Rolle {payload}"[:80], f"Afd {payload}"[:80])
        page.get_by_role("button", name="Gem", exact=True).click()
        expect(page.locator(".aiskole-story blockquote", has_text=quote)).to_have_count(1)
        expect(page.get_by_text("Citatet er gemt og står nu i listen nedenfor.")).to_be_visible()
    stories = page.locator(".aiskole-story")
    assert expect_heading_matches_list(page) >= 2
    expect(stories.last).to_contain_text(f"— Rolle {XSS_PAYLOADS[1]}"[:40])
    link = page.locator("a.aiskole-download")
    expect(link).to_have_attribute("href", re.compile(r"^data:text/markdown;base64,"))
    expect(link).to_have_attribute("download", "historiebank.md")
    watched.assert_no_xss()
    screenshot(page, f"storybank-{label}")

    # withdraw consent on the last story: confirm in Danish, then it is gone from the list
    last = stories.last
    last.get_by_role("button", name="Træk samtykke tilbage", exact=True).click()
    expect(last.get_by_role("alert")).to_contain_text("Har kollegaen trukket samtykket tilbage?")
    if viewport is PHONE:
        screenshot(page, "storybank-confirm-375")
    last.get_by_role("button", name="Ja, træk samtykket tilbage", exact=True).click()
    expect(page.get_by_text("Samtykket er trukket tilbage.")).to_be_visible()
    expect(page.locator(".aiskole-story blockquote", has_text=quotes[1])).to_have_count(0)

    # delete the other one: cancel first, then confirm
    last = page.locator(".aiskole-story").last
    last.get_by_role("button", name="Slet", exact=True).click()
    last.get_by_role("button", name="Fortryd", exact=True).click()
    expect(last.get_by_role("button", name="Slet", exact=True)).to_be_visible()
    last.get_by_role("button", name="Slet", exact=True).click()
    expect(last.get_by_role("alert")).to_contain_text("Vil du slette citatet for altid?")
    last.get_by_role("button", name="Ja, slet citatet", exact=True).click()
    expect(page.get_by_text("Citatet er slettet.")).to_be_visible()
    expect(page.locator(".aiskole-story blockquote", has_text=quotes[0])).to_have_count(0)
    expect_heading_matches_list(page)

    store = Store(voila_sqlite.database_url)
    rows = store.list_submissions(exercise="story")
    store.dispose()
    withdrawn = [r for r in rows if r.answers.get("consent") is False]
    assert withdrawn and all(r.answers["quote"] == "" for r in withdrawn)
    assert not [r for r in rows if "Uden samtykke" in r.answers.get("quote", "")]

    watched.assert_clean()
    watched.assert_no_xss()
    assert page.evaluate("document.documentElement.scrollWidth") <= viewport["width"] + 1
