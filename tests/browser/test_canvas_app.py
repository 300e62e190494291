"""The use-case canvas app in Chromium: fill every field with XSS payloads, score, save, see the quadrant."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from aiskole.store import Store
from tests.browser.conftest import ARTIFACTS, LAPTOP, PHONE, XSS_PAYLOADS, screenshot

pytestmark = pytest.mark.browser

NOTEBOOK = "use-case-canvas.ipynb"
#: One level per sub-score, in page order: four for gevinst, five for kompleksitet.
LEVELS = [4, 3, 1, 4, 2, 3, 1, 2, 1]


def free_text_fields(page):
    """Every free-text input of the canvas (not the workshop code, not the number fields)."""
    return page.locator(
        ".aiskole-stack textarea, .aiskole-stack input[type='text']:not([placeholder='fx TEK-24'])"
    )


def fill_canvas(page) -> int:
    fields = free_text_fields(page)
    count = fields.count()
    for i in range(count):
        field = fields.nth(i)
        field.fill(XSS_PAYLOADS[i % len(XSS_PAYLOADS)])
        field.press("Tab")  # the widgets update on blur
    hours = page.get_by_label("Frigjort tid (timer pr. år)")
    hours.fill("1200")
    hours.press("Tab")
    selects = page.locator(".aiskole select")
    assert selects.count() == len(LEVELS)
    for i, level in enumerate(LEVELS):
        selects.nth(i).select_option(index=level)
    for box in page.locator(".aiskole-question").all():
        if box.is_visible():
            box.get_by_role("radio", name="Nej").check()
    return count


def run_flow(watched, server, label: str, viewport: dict):
    page = watched.page
    seconds = watched.open_app(server, NOTEBOOK)
    print(f"\n[canvas-{label}] URL -> first widget visible: {seconds:.2f} s")
    expect(page.get_by_text("Use-case-canvas: hvor skal jeres AI-idé placeres?")).to_be_visible()
    count = fill_canvas(page)
    assert count == 14  # title, nine canvas fields, four roles
    quadrant = page.locator(".aiskole-canvas-quadrant")
    expect(quadrant).to_have_text(re.compile("Placering: Lavthængende frugter"))
    chart = page.locator(".aiskole-canvas-chart img")
    expect(chart).to_be_visible()
    assert chart.get_attribute("alt").startswith("Kvadrantdiagram:")
    page.get_by_role("button", name="Gem").click()
    status = page.get_by_text(re.compile(r"Gemt som canvas nr\. \d+"))
    expect(status).to_be_visible()
    submission_id = int(re.search(r"nr\. (\d+)", status.inner_text()).group(1))
    page.get_by_role("button", name="Lav A3-plakat").click()
    # rendering the PDF and PNG takes a few seconds on a busy machine
    expect(page.get_by_role("link", name="Hent A3-plakat som PDF (til print)")).to_be_visible(timeout=60_000)
    expect(page.get_by_role("link", name="Hent A3-plakat som billede (PNG)")).to_be_visible()
    watched.assert_clean()
    watched.assert_no_xss()
    if viewport["width"] < 600:
        assert page.evaluate("document.documentElement.scrollWidth") <= viewport["width"] + 1
    screenshot(page, f"canvas-{viewport['width']}")
    # Voilà scrolls an inner container, so the page screenshot shows one screenful; this one shows it all
    tall = page.evaluate("document.querySelector('.aiskole').scrollHeight") + 200
    page.set_viewport_size({"width": viewport["width"], "height": tall})
    page.screenshot(path=str(ARTIFACTS / f"canvas-{viewport['width']}-all.png"))
    page.set_viewport_size(viewport)
    store = Store(server.database_url)
    row = store.get_submission(submission_id)
    store.dispose()
    assert row is not None and row.exercise == "canvas"
    assert row.answers["fields"]["titel"] == XSS_PAYLOADS[0]
    assert set(row.answers["fields"].values()) == set(XSS_PAYLOADS)
    assert row.result["quadrant"] == "quick_wins"
    return page


@pytest.mark.parametrize("viewport", [PHONE, LAPTOP], ids=["375px", "1280px"])
def test_fill_with_payloads_save_and_see_the_quadrant(voila_sqlite, open_page, viewport):
    watched = open_page(viewport)
    run_flow(watched, voila_sqlite, str(viewport["width"]), viewport)


def test_stop_gate_and_bad_weight_on_a_phone(voila_sqlite, open_page):
    watched = open_page(PHONE)
    page = watched.page
    watched.open_app(voila_sqlite, NOTEBOOK)
    selects = page.locator(".aiskole select")
    for i, level in enumerate(LEVELS):
        selects.nth(i).select_option(index=level)
    first = page.locator(".aiskole-question").first
    first.get_by_role("radio", name="Ja").check()
    expect(page.locator(".aiskole-canvas-stop")).to_contain_text("STOP")
    expect(page.locator(".aiskole-canvas-chart img")).to_have_attribute("alt", re.compile("ikke placeret"))
    page.get_by_text("Vægte", exact=True).click()
    weight = page.get_by_label("Tidsbesparelse (vægt)")
    expect(weight).to_be_visible()
    weight.fill("-5")
    weight.press("Tab")
    expect(page.get_by_role("alert")).to_contain_text("En vægt kan ikke være negativ")
    expect(weight).to_have_value("-5")
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"] + 1
    screenshot(page, "canvas-stop-375")
    watched.assert_clean()
