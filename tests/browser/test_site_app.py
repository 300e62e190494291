"""The static self-study site in Chromium with every request that leaves 127.0.0.1 aborted.

Each included exercise opens in JupyterLite (Pyodide in the browser), renders and is answered; the answers are
saved in the browser's own SQLite. The front page and a lesson are checked at 375 and 1280 px. Screenshots go to
artifacts/site-*.png. Cost: one site build (~10 s with a warm download cache, ~40 s with an empty one) and
15-45 s per exercise (more on a busy machine): each exercise page starts its own Python in the browser, and a
context with routing has no HTTP cache.
"""

from __future__ import annotations

import re
import time
from dataclasses import dataclass, field
from urllib.parse import urlparse

import pytest
from playwright.sync_api import expect

from aiskole.site.serve import start
from tests.browser.conftest import ARTIFACTS, LAPTOP, PHONE
from tests.site_build import built_site

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def site_url(tmp_path_factory):
    server = start(built_site(tmp_path_factory.getbasetemp()).out)
    yield server.url
    server.stop()


@dataclass
class Offline:
    """A page whose requests may only go to 127.0.0.1: anything else is aborted and recorded."""

    page: object
    aborted: list[str] = field(default_factory=list)
    methods: set[str] = field(default_factory=set)
    console_errors: list[str] = field(default_factory=list)

    def assert_clean(self) -> None:
        assert self.aborted == [], "requests tried to leave the machine"
        assert self.methods <= {"GET"}, "something was sent (not only fetched)"
        assert not [e for e in self.console_errors if "Failed to load model class" in e]


@pytest.fixture
def offline_page(browser):
    contexts = []

    def _open(viewport: dict) -> Offline:
        context = browser.new_context(viewport=viewport, locale="da-DK")
        contexts.append(context)
        page = context.new_page()
        page.set_default_timeout(60_000)
        watched = Offline(page)

        def route(route):
            request = route.request
            watched.methods.add(request.method)
            if urlparse(request.url).hostname == "127.0.0.1" or request.url.startswith(("data:", "blob:")):
                route.continue_()
            else:
                watched.aborted.append(request.url)
                route.abort()

        context.route("**/*", route)
        page.on("console", lambda m: m.type == "error" and watched.console_errors.append(m.text))
        return watched

    yield _open
    for context in contexts:
        context.close()


def shoot(page, name: str) -> None:
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"site-{name}.png"), full_page=True)


def open_exercise(watched: Offline, site_url: str, slug: str):
    """Open an exercise page and wait for its widget; returns the REPL frame."""
    page = watched.page
    start_time = time.perf_counter()
    page.goto(f"{site_url}ovelser/{slug}.html", wait_until="commit")
    expect(page.get_by_text("Dine svar bliver i denne browser.")).to_be_visible()
    frame = page.frame_locator("#ovelse")
    try:
        expect(frame.locator(".aiskole").first).to_be_visible(timeout=180_000)
    except AssertionError:
        inner = page.frames[1].inner_text("body") if len(page.frames) > 1 else ""
        raise AssertionError(f"{slug} never rendered; the REPL shows:\n{inner[-3000:]}") from None
    expect(page.get_by_role("status")).to_have_text("Øvelsen er klar.")
    print(f"\n[site {slug}] URL -> first widget, cold: {time.perf_counter() - start_time:.1f} s")
    return frame


def both_widths(watched: Offline, frame, name: str) -> None:
    """Screenshots at 375 px (the page as answered) and 1280 px; no sideways scrolling at 375 px."""
    page = watched.page
    width = page.evaluate("document.documentElement.scrollWidth")
    inner = frame.locator(".aiskole").first.evaluate("e => e.ownerDocument.documentElement.scrollWidth")
    assert width <= PHONE["width"] + 1 and inner <= PHONE["width"] + 1
    shoot(page, f"{name}-375")
    # the whole exercise: a viewport as tall as the console's content (the page itself never scrolls)
    tall = frame.locator(".jp-CodeConsole-content").evaluate("e => e.scrollHeight")
    page.set_viewport_size({"width": PHONE["width"], "height": min(int(tall) + 200, 16000)})
    shoot(page, f"{name}-375-all")
    page.set_viewport_size(LAPTOP)
    shoot(page, f"{name}-1280")


def test_mini_dpia_answers_ten_questions_and_saves_in_the_browser(offline_page, site_url):
    watched = offline_page(PHONE)
    frame = open_exercise(watched, site_url, "mini-dpia")
    expect(frame.get_by_text("Mini-DPIA: skal I lave en konsekvensanalyse?")).to_be_visible()
    for number in range(1, 11):
        box = frame.locator(".aiskole-question", has_text=re.compile(rf"^{number}\. "))
        box.get_by_role("radio", name="Ja" if number in (2, 8) else "Nej").check()
    expect(frame.get_by_text("10 af 10 besvaret")).to_be_visible()
    expect(frame.locator(".aiskole-verdict")).to_have_text(re.compile("Fuld DPIA påkrævet"))
    frame.get_by_role("button", name="Gem").click()
    expect(
        frame.get_by_text(re.compile(r"Gemt som screening nr\. 1\b"))
    ).to_be_visible()  # the browser's own store
    both_widths(watched, frame, "mini-dpia")
    watched.assert_clean()


def test_quiz_starts_answers_and_gives_feedback(offline_page, site_url):
    watched = offline_page(PHONE)
    frame = open_exercise(watched, site_url, "quiz")
    expect(frame.get_by_text("Quiz: jura, prompts og procesledelse")).to_be_visible()
    frame.get_by_role("button", name="Start quiz", exact=True).click()
    expect(frame.get_by_text(re.compile(r"Spørgsmål 1 af \d+"))).to_be_visible()
    frame.locator(".aiskole-quiz-options").get_by_role("radio").first.check()
    frame.get_by_role("button", name="Svar", exact=True).click()
    expect(frame.locator(".aiskole-feedback")).to_have_text(
        re.compile(r"Rigtigt|Forkert – det rigtige svar er: .+")
    )
    expect(frame.locator(".aiskole-claim-source a").first).to_have_attribute("href", re.compile("^https://"))
    both_widths(watched, frame, "quiz")
    watched.assert_clean()


def test_prompt_lab_finds_a_cpr_number_and_saves_without_the_prompt(offline_page, site_url):
    watched = offline_page(PHONE)
    frame = open_exercise(watched, site_url, "promptlab")
    expect(frame.get_by_role("heading", name="Promptlaboratorium")).to_be_visible()
    expect(frame.get_by_text("Der er ikke sat en sprogmodel op")).to_be_visible()  # offline: nothing is sent
    frame.locator(".aiskole-prompt-area textarea").fill(
        "Du er erfaren sagsbehandler i en dansk kommune. Omskriv udkastet til et brev til borgeren med "
        "CPR 010190-1234. Højst 200 ord. Tilføj ikke nye fakta."
    )
    frame.get_by_role("button", name="Tjek prompten").click()
    expect(frame.locator("mark.aiskole-find-cpr")).to_have_text("[CPR] 010190-1234")
    expect(frame.locator(".aiskole-find-alert")).to_contain_text("1 CPR-nummer")
    frame.get_by_role("button", name="Gem", exact=True).click()
    expect(frame.get_by_text(re.compile(r"Gemt som nr\. 1\b"))).to_contain_text("Selve prompten er ikke gemt")
    both_widths(watched, frame, "promptlab")
    watched.assert_clean()


@pytest.mark.parametrize("viewport", [PHONE, LAPTOP], ids=["375px", "1280px"])
def test_front_page_and_a_lesson_read_well_offline(offline_page, site_url, viewport):
    """Do the front page and a lesson render in Danish, fit the width, list what needs the server, and load
    nothing from outside?"""
    watched = offline_page(viewport)
    page = watched.page
    page.goto(site_url)
    expect(page.get_by_role("heading", name="aiskole – selvstudium", level=1)).to_be_visible()
    expect(page.get_by_role("heading", name="Dine svar bliver i din browser")).to_be_visible()
    expect(page.get_by_role("heading", name="Øvelser, der kræver kittets server")).to_be_visible()
    expect(page.get_by_role("link", name="Mini-DPIA", exact=True)).to_have_attribute(
        "href", "ovelser/mini-dpia.html"
    )
    expect(page.get_by_role("link", name="Use-case-canvas")).to_have_attribute(
        "href", re.compile(r"voila/render/use-case-canvas\.ipynb$")
    )
    assert page.evaluate("document.documentElement.lang") == "da"
    assert page.evaluate("document.documentElement.scrollWidth") <= viewport["width"] + 1
    shoot(page, f"front-{viewport['width']}")
    page.get_by_role("link", name=re.compile("Konsekvensanalyse")).click()
    expect(page.get_by_role("heading", level=1, name=re.compile("Konsekvensanalyse"))).to_be_visible()
    expect(page.get_by_role("link", name="Åbn Mini-DPIA i browseren")).to_be_visible()
    assert page.evaluate("document.documentElement.scrollWidth") <= viewport["width"] + 1
    shoot(page, f"lesson-{viewport['width']}")
    watched.assert_clean()


def test_a_request_from_the_kernel_to_a_cdn_would_be_caught(offline_page, site_url):
    """Would the offline check see it if Python in the browser (a web worker) asked a CDN for something?
    (This is how the site would fail without its local Pyodide and wheels.)"""
    from urllib.parse import quote, urlencode

    code = (
        "import pyodide.http, ipywidgets\n"
        "try:\n"
        "    await pyodide.http.pyfetch('https://cdn.jsdelivr.net/pyodide/v314.0.6/full/pyodide-lock.json')\n"
        "except Exception:\n"
        "    pass\n"
        "ipywidgets.Button(description='færdig')"
    )
    watched = offline_page(LAPTOP)
    watched.page.goto(
        site_url + "repl/index.html?" + urlencode([("kernel", "python"), ("code", code)], quote_via=quote)
    )
    expect(watched.page.get_by_role("button", name="færdig")).to_be_visible(timeout=180_000)
    assert watched.aborted == ["https://cdn.jsdelivr.net/pyodide/v314.0.6/full/pyodide-lock.json"]
    with pytest.raises(AssertionError, match="leave the machine"):
        watched.assert_clean()


def test_storybank_keeps_a_quote_with_consent_and_offers_it_for_download(offline_page, site_url):
    watched = offline_page(PHONE)
    frame = open_exercise(watched, site_url, "historiebank")
    expect(frame.get_by_text("Historiebank: kollegernes egne ord om AI")).to_be_visible()
    frame.locator(".aiskole-storybank-quote textarea").fill("AI gav mig tid til borgerne igen.")
    frame.get_by_placeholder("fx Sagsbehandler").fill("Sagsbehandler")
    frame.get_by_placeholder("fx Borgerservice").fill("Borgerservice")
    frame.get_by_role("checkbox", name="Min kollega har læst teksten og sagt ja").check()
    frame.get_by_role("button", name="Gem", exact=True).click()
    expect(frame.get_by_text("Citatet er gemt og står nu i listen nedenfor.")).to_be_visible()
    expect(frame.locator(".aiskole-story blockquote")).to_have_text(re.compile("AI gav mig tid til borgerne"))
    expect(frame.locator("a.aiskole-download")).to_have_attribute(
        "href", re.compile(r"^data:text/markdown;base64,")
    )
    both_widths(watched, frame, "historiebank")
    watched.assert_clean()
