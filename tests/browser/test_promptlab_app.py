"""The prompt lab in Chromium: XSS payloads in the prompt, a highlighted CPR number, the gallery, save."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from aiskole.exercises.prompt import PromptSubmission
from aiskole.store import Store
from tests.browser.conftest import LAPTOP, PHONE, XSS_PAYLOADS, screenshot

pytestmark = pytest.mark.browser

NOTEBOOK = "promptlab.ipynb"


def open_lab(watched, server) -> float:
    """Open the lab and wait for its heading; returns seconds from URL to the first widget."""
    seconds = watched.open_app(server, NOTEBOOK)
    expect(watched.page.get_by_role("heading", name="Promptlaboratorium")).to_be_visible()
    return seconds


def prompt_with(payload: str) -> str:
    return (
        f"{payload} Du er erfaren sagsbehandler i en dansk kommune. Omskriv udkastet nedenfor til et brev til "
        f"borgeren med CPR 010190-1234. Højst 200 ord. Tilføj ikke nye fakta. {payload}"
    )


@pytest.mark.parametrize("viewport", [PHONE, LAPTOP], ids=["375px", "1280px"])
def test_payloads_highlight_and_save(voila_sqlite, open_page, viewport):
    watched = open_page(viewport)
    page = watched.page
    seconds = open_lab(watched, voila_sqlite)
    print(f"\n[promptlab-{viewport['width']}] URL -> first widget visible: {seconds:.2f} s")
    expect(page.get_by_text("Selve prompten gemmes ikke").first).to_be_visible()
    # offline: the send button is not offered, and the lab says why
    expect(page.get_by_role("button", name="Send til sprogmodellen")).to_be_hidden()
    expect(page.get_by_text("Der er ikke sat en sprogmodel op")).to_be_visible()
    screenshot(page, f"promptlab-start-{viewport['width']}")

    textarea = page.locator(".aiskole-prompt-area textarea")
    for payload in XSS_PAYLOADS:
        textarea.fill(prompt_with(payload))
        page.get_by_role("button", name="Tjek prompten").click()
        highlighted = page.locator(".aiskole-prompt-view").filter(has=page.locator("mark.aiskole-find-cpr"))
        expect(highlighted).to_contain_text(payload)  # shown as text, not run
        mark = highlighted.locator("mark.aiskole-find-cpr")
        expect(mark).to_have_text("[CPR] 010190-1234")
        expect(page.locator(".aiskole-find-alert")).to_contain_text("1 CPR-nummer")
        expect(page.locator(".aiskole-verdict")).to_contain_text(re.compile(r"\d af 7"))
        watched.assert_no_xss()

    page.get_by_role("heading", name="Sådan er prompten bygget op").scroll_into_view_if_needed()
    screenshot(page, f"promptlab-review-{viewport['width']}")

    # the workshop code is free text too
    code = page.get_by_label("Kode på workshop eller pilot (valgfri)")
    for payload in XSS_PAYLOADS:
        code.fill(payload)
        page.get_by_role("button", name="Gem", exact=True).click()
        # this code's own message (its length), not the previous one still on screen
        expect(page.get_by_text(f"du har skrevet {len(payload)} tegn")).to_be_visible()
    code.fill("")
    page.get_by_role("button", name="Gem", exact=True).click()
    status = page.get_by_text(re.compile(r"Gemt som nr\. \d+"))
    expect(status).to_be_visible()
    expect(status).to_contain_text("Selve prompten er ikke gemt")
    submission_id = int(re.search(r"nr\. (\d+)", status.inner_text()).group(1))
    page.get_by_role("heading", name="Personoplysninger").scroll_into_view_if_needed()
    screenshot(page, f"promptlab-{viewport['width']}")

    store = Store(voila_sqlite.database_url)
    row = store.get_submission(submission_id)
    store.dispose()
    assert row is not None and row.exercise == "prompt"
    assert PromptSubmission.from_answers(row.answers, row.result).task == "brev"
    assert set(row.answers) == {"task", "v"}  # the prompt's text is never stored
    assert row.result["findings"] == {"cpr": 1}
    assert "010190" not in repr(row.result) and "script" not in repr(row.result)

    assert page.evaluate("document.documentElement.scrollWidth") <= viewport["width"] + 1
    watched.assert_clean()
    watched.assert_no_xss()


def test_gallery_on_a_phone(voila_sqlite, open_page):
    watched = open_page(PHONE)
    page = watched.page
    seconds = open_lab(watched, voila_sqlite)
    print(f"\n[promptlab-gallery-375] URL -> first widget visible: {seconds:.2f} s")
    page.get_by_role("heading", name="Før og efter: eksempler").scroll_into_view_if_needed()
    page.get_by_label("Eksempel").select_option(label="FAQ om den nye affaldsordning")
    expect(page.get_by_text("Det fremgår ikke af kilden").first).to_be_visible()
    screenshot(page, "promptlab-gallery-section-375")
    page.get_by_role("button", name="Øv dig på den svage prompt").click()
    expect(page.locator(".aiskole-prompt-area textarea")).to_have_value("Lav en FAQ om affald.")
    page.get_by_role("button", name="Tjek prompten").click()
    expect(page.get_by_text("Ingen personoplysninger fundet")).to_be_visible()
    expect(page.locator(".aiskole-verdict")).to_contain_text("Kan gøres meget bedre")
    screenshot(page, "promptlab-gallery-375")
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"] + 1
    watched.assert_clean()
