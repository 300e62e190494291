"""The Gevinst- og KPI-beregner in Chromium: see the example, type bad and good numbers, save, find the row."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from aiskole.store import Store
from tests.browser.conftest import LAPTOP, PHONE, XSS_PAYLOADS, screenshot

pytestmark = pytest.mark.browser

APP = "gevinst.ipynb"


def scenario_field(page, scenario: str, label: str):
    box = page.locator(".aiskole-scenario", has_text=f"{scenario} scenarie")
    return box.get_by_label(label, exact=True)


def type_into(field, text: str) -> None:
    field.fill(text)
    field.press("Tab")  # the fields update on change (blur), not on every key


def open_app(watched, server, label: str) -> None:
    seconds = watched.open_app(server, APP)
    print(f"\n[kpi-{label}] URL -> first widget visible: {seconds:.2f} s")
    page = watched.page
    expect(page.get_by_role("heading", name="Gevinst- og KPI-beregner")).to_be_visible()
    expect(page.locator(".aiskole-table")).to_contain_text("Sandsynligt")


@pytest.mark.parametrize("viewport", [PHONE, LAPTOP], ids=["375px", "1280px"])
def test_calculate_and_save(voila_sqlite, open_page, viewport):
    """Can a user see the example, fix bad input from a Danish message, fill a KPI and save?"""
    watched = open_page(viewport)
    page = watched.page
    width = viewport["width"]
    open_app(watched, voila_sqlite, str(width))

    # the example: table, chart with alt text, the redeployment message
    table = page.locator(".aiskole-table")
    expect(table.locator("tr", has_text="Sandsynligt")).to_contain_text("167")
    chart = page.locator("img.aiskole-chart")
    expect(chart).to_be_visible()
    assert chart.get_attribute("alt").startswith("Søjlediagram over frigjort tid pr. år")
    expect(page.get_by_text("Frigjort tid er ikke en besparelse", exact=False)).to_be_visible()
    screenshot(page, f"kpi-{width}-top")
    chart.scroll_into_view_if_needed()
    screenshot(page, f"kpi-{width}-result")

    # free text in a number field: a Danish message, nothing executes, nothing typed is lost
    cases = scenario_field(page, "Sandsynligt", "Sager pr. år")
    for payload in XSS_PAYLOADS:
        type_into(cases, payload)
        expect(page.get_by_role("alert").first).to_contain_text("Sager pr. år: det er ikke et tal")
        expect(page.get_by_text("Ret tallene:")).to_be_visible()
        expect(cases).to_have_value(payload)
    type_into(cases, "12,5")
    expect(page.get_by_role("alert").first).to_contain_text("skriv et helt antal sager")
    if width == PHONE["width"]:
        screenshot(page, "kpi-375-error")
    type_into(cases, "1.200")
    expect(page.get_by_role("alert")).to_have_count(0)
    expect(table.locator("tr", has_text="Sandsynligt")).to_contain_text("36")  # 4 × 1200 × 70 % / 60 − 20

    # the other denominator, and a KPI
    page.get_by_role("radio", name=re.compile("1.667 timer")).check()
    expect(page.locator(".aiskole-table caption")).to_contain_text("1.667 timer")
    if width == PHONE["width"]:
        page.get_by_role("heading", name="Hvor mange timer er et årsværk?").scroll_into_view_if_needed()
        screenshot(page, "kpi-375-aarsvaerk")
    page.get_by_label("Vælg KPI").select_option(label="Svartid")
    type_into(page.get_by_label("Udgangspunkt før (timer)"), "72")
    type_into(page.get_by_label("Mål (timer)"), "48")
    type_into(page.get_by_label("Målt efter (timer)"), "60")
    expect(page.get_by_text("I er nået 50 % af vejen")).to_be_visible()

    page.get_by_role("button", name="Gem").click()
    status = page.get_by_text(re.compile(r"Gemt som beregning nr\. \d+"))
    expect(status).to_be_visible(timeout=30_000)  # stores and draws a chart
    submission_id = int(re.search(r"nr\. (\d+)", status.inner_text()).group(1))
    screenshot(page, f"kpi-{width}")

    store = Store(voila_sqlite.database_url)
    row = store.get_submission(submission_id)
    store.dispose()
    assert row.exercise == "kpi"
    assert row.answers["scenarios"]["likely"]["cases_per_year"] == 1200
    assert row.answers["denominator"] == "nationalt-maal"
    assert row.result["kpi"]["progress_pct"] == 50.0

    watched.assert_clean()
    watched.assert_no_xss()
    assert page.evaluate("document.documentElement.scrollWidth") <= width + 1


def test_swapped_scenarios_are_explained_and_not_saved(voila_sqlite, open_page):
    watched = open_page(PHONE)
    page = watched.page
    open_app(watched, voila_sqlite, "order-375")
    type_into(scenario_field(page, "Pessimistisk", "Minutter pr. sag med AI (inkl. kontrol)"), "2")
    expect(page.get_by_text("Scenarierne står i forkert rækkefølge").first).to_be_visible()
    page.get_by_role("button", name="Gem").click()
    expect(page.locator(".aiskole-status-error")).to_contain_text("forkert rækkefølge")
    page.locator(".aiskole-status-error").scroll_into_view_if_needed()
    screenshot(page, "kpi-375-order")
    watched.assert_clean()
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"] + 1
