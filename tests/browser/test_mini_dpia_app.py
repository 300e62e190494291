"""The mini-DPIA app in Chromium: answer all ten, save, see the verdict, find the row in the store."""

from __future__ import annotations

import re
import time

import pytest
from playwright.sync_api import expect

from aiskole.exercises.dpia import DpiaSubmission
from aiskole.store import Store
from tests.browser.conftest import LAPTOP, PHONE, screenshot

pytestmark = pytest.mark.browser

YES = {2, 8}  # automatic decisions + generative AI: a full DPIA


def open_app(watched, server) -> float:
    page = watched.page
    start = time.perf_counter()
    page.goto(server.url + "voila/render/mini-dpia.ipynb", wait_until="commit")
    expect(page.get_by_text("Mini-DPIA: skal I lave en konsekvensanalyse?")).to_be_visible()
    expect(page.get_by_role("radio", name="Ja").first).to_be_visible()
    return time.perf_counter() - start


def answer_all(page, yes: set[int]) -> None:
    questions = page.locator(".aiskole-question").filter(has=page.get_by_role("radio"))
    # the gateway first: with personal data the ten questions appear
    page.locator(".aiskole-question", has_text="Først:").get_by_role("radio", name="Ja").check()
    # the follow-up on question 3 is hidden unless question 3 is answered yes
    for number in range(1, 11):
        box = page.locator(".aiskole-question", has_text=re.compile(rf"^{number}\. "))
        box.get_by_role("radio", name="Ja" if number in yes else "Nej").check()
    assert questions.count() >= 10


def run_flow(watched, server, label: str):
    page = watched.page
    seconds = open_app(watched, server)
    print(f"\n[{label}] URL -> first question visible: {seconds:.2f} s")
    answer_all(page, YES)
    expect(page.get_by_text("10 af 10 besvaret")).to_be_visible()
    expect(page.locator(".aiskole-verdict")).to_have_text(re.compile("DPIA påkrævet"))
    page.get_by_role("button", name="Gem").click()
    status = page.get_by_text(re.compile(r"Gemt som screening nr\. \d+"))
    expect(status).to_be_visible()
    submission_id = int(re.search(r"nr\. (\d+)", status.inner_text()).group(1))
    screenshot(page, f"mini-dpia-{label}")
    store = Store(server.database_url)
    row = store.get_submission(submission_id)
    store.dispose()
    assert row is not None
    assert DpiaSubmission.from_answers(row.answers, row.result).answers == {n: n in YES for n in range(1, 11)}
    assert row.answers["v"] == DpiaSubmission.version
    assert row.result["verdict"] == "full"
    assert "Traceback" not in page.content()
    assert watched.external_requests() == []
    assert not [e for e in watched.console_errors if "Failed to load model class" in e]
    return page


@pytest.mark.parametrize("viewport", [PHONE, LAPTOP], ids=["375px", "1280px"])
def test_answer_save_and_find_the_row_sqlite(voila_sqlite, open_page, viewport):
    watched = open_page(viewport)
    page = run_flow(watched, voila_sqlite, f"sqlite-{viewport['width']}")
    # no horizontal scrolling at phone width
    assert page.evaluate("document.documentElement.scrollWidth") <= viewport["width"] + 1


def test_same_flow_against_postgresql(voila_postgres, open_page):
    watched = open_page(PHONE)
    run_flow(watched, voila_postgres, "postgres-375")


def test_unanswered_questions_are_named_in_danish_and_kept(voila_sqlite, open_page):
    watched = open_page(PHONE)
    page = watched.page
    open_app(watched, voila_sqlite)
    page.locator(".aiskole-question", has_text="Først:").get_by_role("radio", name="Ja").check()
    box1 = page.locator(".aiskole-question", has_text=re.compile(r"^1\. "))
    box1.get_by_role("radio", name="Ja").check()
    page.get_by_role("button", name="Gem").click()
    expect(page.get_by_role("alert")).to_contain_text("mangler et svar")
    expect(page.get_by_text("Mangler svar").first).to_be_visible()
    expect(box1.get_by_role("radio", name="Ja")).to_be_checked()
    screenshot(page, "mini-dpia-missing-375")


def test_landing_page_lists_every_app_in_danish(voila_sqlite, open_page):
    """Does the landing page show each app of the registry, in order, with its one-line Danish description, and
    the facilitator's apps under their own heading (requests from this machine are the facilitator's)?"""
    from aiskole.apps import APPS

    watched = open_page(PHONE)
    page = watched.page
    page.goto(voila_sqlite.url)
    expect(page.get_by_role("heading", name="aiskole – øvelser og lektioner")).to_be_visible()
    expect(page.get_by_role("heading", name="Til oplægsholderen")).to_be_visible()
    everyone = [a for a in APPS if not a.facilitator_only]
    facilitator = [a for a in APPS if a.facilitator_only]
    expect(page.locator("ul.facilitator a")).to_have_count(len(facilitator))
    links = page.locator("ul.apps a")
    expect(links).to_have_count(len(everyone))
    for i, app in enumerate(everyone):
        expect(links.nth(i)).to_contain_text(app.title)
        expect(links.nth(i)).to_contain_text(app.description)
        assert links.nth(i).get_attribute("href").endswith("voila/render/" + app.notebook)
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"] + 1
    link = page.get_by_role("link", name=re.compile("Mini-DPIA"))
    assert page.evaluate("document.documentElement.lang") == "da"
    screenshot(page, "landing-375")
    link.click()
    expect(page.get_by_role("radio", name="Ja").first).to_be_visible()
    assert watched.external_requests() == []


def test_keyboard_only(voila_sqlite, open_page):
    """Can the whole screening be done with the keyboard: focus a choice, Space to pick it, Enter on "Gem"?"""
    watched = open_page(LAPTOP)
    page = watched.page
    open_app(watched, voila_sqlite)
    gateway = page.locator(".aiskole-question", has_text="Først:")
    gateway.get_by_role("radio", name="Ja").focus()
    page.keyboard.press("Space")
    for number in range(1, 11):
        box = page.locator(".aiskole-question", has_text=re.compile(rf"^{number}\. "))
        box.get_by_role("radio", name="Nej").focus()
        page.keyboard.press("Space")
    expect(page.get_by_text("10 af 10 besvaret")).to_be_visible()
    expect(page.locator(".aiskole-verdict")).to_have_text(re.compile("Ingen DPIA efter screeningen"))
    page.get_by_role("button", name="Gem").focus()
    page.keyboard.press("Enter")
    expect(page.get_by_text(re.compile(r"Gemt som screening nr\. \d+"))).to_be_visible()
