"""The quiz app in Chromium: choose a topic, answer one question at a time, see the score, save it."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from aiskole.store import Store
from tests.browser.conftest import LAPTOP, PHONE, XSS_PAYLOADS, screenshot

pytestmark = pytest.mark.browser


PROCES_QUESTIONS = 6


@pytest.mark.parametrize("viewport", [PHONE, LAPTOP], ids=["375px", "1280px"])
def test_play_save_and_find_the_row(voila_sqlite, open_page, viewport):
    label = str(viewport["width"])
    watched = open_page(viewport)
    page = watched.page
    seconds = watched.open_app(voila_sqlite, "quiz.ipynb")
    print(f"\n[quiz-{label}] URL -> first widget visible: {seconds:.2f} s")
    expect(page.get_by_text("Quiz: jura, prompts og procesledelse")).to_be_visible()

    page.get_by_role("combobox").select_option(label=f"Procesledelse og gevinster ({PROCES_QUESTIONS})")
    page.get_by_role("button", name="Start quiz", exact=True).click()
    for number in range(1, PROCES_QUESTIONS + 1):
        expect(page.get_by_text(f"Spørgsmål {number} af {PROCES_QUESTIONS}")).to_be_visible()
        options = page.locator(".aiskole-quiz-options").get_by_role("radio")
        expect(options.first).to_be_enabled()
        options.nth(number % 3).check()
        page.get_by_role("button", name="Svar", exact=True).click()
        feedback = page.locator(".aiskole-feedback")
        expect(feedback).to_have_text(re.compile(r"Rigtigt|Forkert – det rigtige svar er: .+"))
        expect(page.locator(".aiskole-claim-source a")).to_have_attribute("href", re.compile("^https://"))
        if number == 1:
            screenshot(page, f"quiz-question-{label}")
            if viewport is PHONE:
                assert page.evaluate("document.documentElement.scrollWidth") <= viewport["width"] + 1
        last = number == PROCES_QUESTIONS
        page.get_by_role("button", name="Se dit resultat" if last else "Næste spørgsmål").click()

    score = page.locator(".aiskole-score")
    expect(score).to_have_text(re.compile(rf"\d+ af {PROCES_QUESTIONS} rigtige"))
    right = int(score.inner_text().split()[0])

    # the one free-text field: the payloads are refused as workshop codes, shown back escaped
    code = page.get_by_placeholder("fx TEK-24")
    for payload in XSS_PAYLOADS:
        code.fill(payload)
        page.get_by_role("button", name="Gem", exact=True).click()
        # this code's own message (its length), not the previous one still on screen
        expect(page.get_by_role("alert")).to_contain_text(f"du har skrevet {len(payload)} tegn")
    code.fill("")
    page.get_by_role("button", name="Gem", exact=True).click()
    status = page.get_by_text(re.compile(r"Dit resultat er gemt som nr\. \d+"))
    expect(status).to_be_visible()
    submission_id = int(re.search(r"nr\. (\d+)", status.inner_text()).group(1))
    screenshot(page, f"quiz-{label}")

    store = Store(voila_sqlite.database_url)
    row = store.get_submission(submission_id)
    store.dispose()
    assert row is not None and row.exercise == "quiz"
    assert row.result["score"] == right and row.result["total"] == PROCES_QUESTIONS
    assert row.result["topics"]["proces"] == {"correct": right, "total": PROCES_QUESTIONS}
    assert len(row.result["questions"]) == PROCES_QUESTIONS
    watched.assert_clean()
    watched.assert_no_xss()
    assert page.evaluate("document.documentElement.scrollWidth") <= viewport["width"] + 1


def test_answering_without_a_choice_is_explained(voila_sqlite, open_page):
    watched = open_page(PHONE)
    page = watched.page
    watched.open_app(voila_sqlite, "quiz.ipynb")
    page.get_by_role("button", name="Start quiz", exact=True).click()
    page.get_by_role("button", name="Svar", exact=True).click()
    expect(page.get_by_role("alert")).to_contain_text("Vælg et svar")
    watched.assert_clean()
