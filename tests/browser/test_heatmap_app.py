"""The risk heatmap app in Chromium: add risks with XSS payloads, get refused, fix, save, find the row."""

from __future__ import annotations

import re
import time

import pytest
from playwright.sync_api import expect

from aiskole.store import Store
from tests.browser.conftest import ARTIFACTS, LAPTOP, PHONE, XSS_PAYLOADS, screenshot

pytestmark = pytest.mark.browser

APP = "risiko-heatmap.ipynb"


def open_app(watched, server) -> float:
    """Like ``Watched.open_app``, but waits up to 60 s: a cold kernel on a busy machine needs more than 5 s."""
    page = watched.page
    start = time.perf_counter()
    page.goto(server.url + "voila/render/" + APP, wait_until="commit")
    expect(page.get_by_text("Risikokort: hvor er risikoen størst for borgeren?")).to_be_visible(
        timeout=60_000
    )
    expect(page.get_by_role("radio", name="1 usandsynlig", exact=True)).to_be_visible(timeout=60_000)
    return time.perf_counter() - start


def radio(page, name: str):
    return page.get_by_role("radio", name=name, exact=True)


def add_risk(page, text: str, likelihood: str, consequence: str, *, owner: str, domain: str) -> None:
    page.get_by_label("Risiko (kort titel)").fill(text)
    radio(page, domain).check()
    radio(page, likelihood).check()
    radio(page, consequence).check()
    page.get_by_label("Ejer (en rolle, ikke et navn)").fill(owner)
    page.get_by_label("Tiltag – hvad gør I for at mindske risikoen?").fill(text)
    page.get_by_role("button", name="Tilføj risiko").click()


def no_sideways_scroll(page, viewport) -> None:
    assert page.evaluate("document.documentElement.scrollWidth") <= viewport["width"] + 1


@pytest.mark.parametrize("viewport", [PHONE, LAPTOP], ids=["375px", "1280px"])
def test_add_refuse_fix_and_save_with_xss_payloads(voila_sqlite, open_page, viewport):
    watched = open_page(viewport)
    page = watched.page
    seconds = open_app(watched, voila_sqlite)
    print(f"\n[heatmap-{viewport['width']}] URL -> first widget visible: {seconds:.2f} s")
    red, yellow = XSS_PAYLOADS

    # a red risk without an owner is added, but "Gem" refuses it with a Danish message
    add_risk(page, red, "3 sandsynlig", "3 alvorlig", owner="", domain="Data & privatliv")
    expect(page.get_by_text("Risiko nr. 1 er tilføjet: RØD 9")).to_be_visible()
    page.get_by_role("button", name="Gem", exact=True).click()
    expect(page.get_by_role("alert")).to_contain_text("er rød og mangler en ejer")
    expect(page.get_by_text("Mangler en ejer – tryk »Ret«.")).to_be_visible()

    # fix it through "Ret": the form gets the risk back, only the owner is typed
    page.get_by_role("button", name="Ret", exact=True).click()
    expect(page.get_by_label("Risiko (kort titel)")).to_have_value(red)
    page.get_by_label("Ejer (en rolle, ikke et navn)").fill(red)
    page.get_by_role("button", name="Gem ændringer").click()
    expect(page.get_by_text("Risiko nr. 1 er rettet: RØD 9")).to_be_visible()

    add_risk(page, yellow, "2 mulig", "2 betydelig", owner=yellow, domain="Etik & retssikkerhed")
    expect(page.get_by_text("Risiko nr. 2 er tilføjet: GUL 4")).to_be_visible()

    # the red cell carries its text label and its count, not only a colour
    red_cell = page.locator("td.aiskole-band-red", has_text="RØD 9")
    expect(red_cell).to_contain_text("1 risiko")
    expect(page.locator("td.aiskole-band-yellow", has_text="GUL 4")).to_contain_text("1 risiko")
    expect(page.locator(".aiskole-domains")).to_contain_text("Data & privatliv")

    # a payload in the workshop code is refused and shown as text
    page.get_by_label("Kode på workshop eller pilot (valgfri)").fill(red)
    page.get_by_role("button", name="Gem", exact=True).click()
    expect(page.get_by_role("alert")).to_contain_text("Workshopkoden skal være")
    page.get_by_label("Kode på workshop eller pilot (valgfri)").fill("")
    page.get_by_role("button", name="Gem", exact=True).click()
    status = page.get_by_text(re.compile(r"Gemt som risikokort nr\. \d+"))
    expect(status).to_be_visible()
    submission_id = int(re.search(r"nr\. (\d+)", status.inner_text()).group(1))

    page.get_by_role("button", name="Lav billede (PNG)").click()
    link = page.get_by_role("link", name="Hent risikokortet som billede (PNG)")
    expect(link).to_have_attribute("href", re.compile(r"^data:image/png;base64,"))

    # every payload is shown as text, none ran
    expect(page.locator(".aiskole-risk").first).to_contain_text(red)
    expect(page.locator(".aiskole-risk").nth(1)).to_contain_text(yellow)
    watched.assert_clean()
    watched.assert_no_xss()
    no_sideways_scroll(page, viewport)
    label = "375" if viewport["width"] < 600 else "1280"
    screenshot(page, f"heatmap-{label}")
    page.locator(".aiskole-heatmap").screenshot(path=str(ARTIFACTS / f"heatmap-table-{label}.png"))

    store = Store(voila_sqlite.database_url)
    row = store.get_submission(submission_id)
    store.dispose()
    assert row is not None and row.exercise == "heatmap"
    assert [(r["title"], r["owner"], r["mitigation"], r["band"]) for r in row.answers["risks"]] == [
        (red, red, red, "red"),
        (yellow, yellow, yellow, "yellow"),
    ]
    assert row.result["domains"]["data"]["band"] == "red"


def test_5x5_fits_a_phone(voila_sqlite, open_page):
    watched = open_page(PHONE)
    page = watched.page
    seconds = open_app(watched, voila_sqlite)
    print(f"\n[heatmap-5x5-375] URL -> first widget visible: {seconds:.2f} s")
    radio(page, "5×5 – mere detaljeret").check()
    expect(radio(page, "5 meget sandsynlig")).to_be_visible()
    add_risk(
        page,
        "Bias i forslag",
        "4 sandsynlig",
        "5 meget alvorlig",
        owner="Teamleder",
        domain="Etik & retssikkerhed",
    )
    expect(page.locator("td.aiskole-band-red", has_text="1 risiko")).to_contain_text("RØD 20")
    expect(radio(page, "3×3 – hurtig vurdering (anbefalet)")).to_be_disabled()
    watched.assert_clean()
    no_sideways_scroll(page, PHONE)
    screenshot(page, "heatmap-5x5-375")
    page.locator(".aiskole-heatmap").screenshot(path=str(ARTIFACTS / "heatmap-table-5x5-375.png"))
