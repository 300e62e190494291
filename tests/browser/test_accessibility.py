"""axe-core in Debian's Chromium: no serious or critical violation on the landing page, any app or any lesson.

axe-core comes with ``axe-playwright-python`` (its ``axe.min.js`` is injected into the page; nothing is fetched).
Each page is checked once per width, in the state that shows the most: the risk map with risks on it, the
presenter with a workshop, its code and live results. The visits are shared with the reading-view test
(``tests/browser/visits.py``).
"""

from __future__ import annotations

import re

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import expect

from aiskole.testing import PHONE
from tests.browser import visits

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def server(request):
    return visits.shared_server(request)


@pytest.mark.parametrize("width", sorted(visits.VIEWPORTS), ids=lambda w: f"{w}px")
@pytest.mark.parametrize(
    "key", visits.PAGES, ids=lambda k: "forside" if k == "/" else k.removesuffix(".ipynb")
)
def test_no_serious_or_critical_violation(key, width, open_page, server):
    """Does axe-core find nothing serious or critical on this page at this width?"""
    seen = visits.visit(key, width, open_page, server)
    print(f"\n[a11y] {seen.name} {width}px: {seen.seconds:.1f} s to ready {'; '.join(seen.notes)}")
    assert seen.serious() == [], seen.report()


def test_the_check_can_fail(open_page, server):
    """Would the test see a violation? A page with an unlabelled list box and grey-on-white text must fail."""
    watched = open_page(PHONE)
    page = watched.page
    page.goto(server.url, wait_until="load")
    page.set_content(
        '<html lang="da"><body><main><h1>Prøve</h1><select><option>a</option></select>'
        '<p style="color:#bbb;background:#fff">Svag tekst</p></main></body></html>'
    )
    found = {v["id"]: v["impact"] for v in Axe().run(page).response["violations"]}
    assert found.get("select-name") == "critical" and found.get("color-contrast") == "serious"


def test_the_quiz_works_with_the_keyboard_alone(open_page, server):
    """Can a quiz be started, answered and checked with Tab, arrow keys and Enter, and is the focus visible?"""
    watched = open_page(PHONE)
    page = watched.page
    page.goto(server.url + "voila/render/quiz.ipynb", wait_until="commit")
    expect(page.locator(visits.VIEW_ROOT)).to_be_visible()
    topic = page.get_by_label("Emne")
    topic.focus()
    page.keyboard.press("Tab")
    start = page.get_by_role("button", name="Start quiz", exact=True)
    expect(start).to_be_focused()
    outline = start.evaluate("e => getComputedStyle(e).outlineStyle + ' ' + getComputedStyle(e).outlineWidth")
    assert outline.startswith("solid") and not outline.endswith(" 0px"), outline
    page.keyboard.press("Enter")
    expect(page.get_by_text(re.compile(r"Spørgsmål 1 af \d+"))).to_be_visible()
    options = page.locator(".aiskole-quiz-options").get_by_role("radio")
    options.first.focus()
    page.keyboard.press("Space")
    expect(options.first).to_be_checked()
    page.keyboard.press("ArrowDown")
    expect(options.nth(1)).to_be_checked()
    # ipywidgets gives every option its own tab stop: Tab past the rest of them to "Svar"
    answer = page.get_by_role("button", name="Svar", exact=True)
    for _ in range(options.count()):
        page.keyboard.press("Tab")
        if answer.evaluate("e => e === document.activeElement"):
            break
    expect(answer).to_be_focused()
    page.keyboard.press("Enter")
    expect(page.locator(".aiskole-feedback")).to_have_text(
        re.compile(r"Rigtigt|Forkert – det rigtige svar er: .+")
    )
    visits.shut_down_kernel(page, server)
