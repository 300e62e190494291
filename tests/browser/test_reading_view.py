"""Every lesson's reading view in Chromium: opened from the landing page's "Lektioner", at 375 and 1280 px.

A learner who is no programmer must see Danish text, the sourced claims and working exercises, and not one
line of Python: no code input, no prompt, no traceback, not the cell that says how to run the lesson in
JupyterLab. What a page must show is read from the lesson notebook itself (its claims, its views, its code),
so a new lesson is checked without touching this file. Screenshots: ``artifacts/reading-<lesson>-<width>.png``.
"""

from __future__ import annotations

import re
from urllib.parse import urlparse

import pytest
from playwright.sync_api import expect

from aiskole.apps import lessons, render_paths
from aiskole.lesson import load_claims
from aiskole.testing import PHONE
from tests.browser import visits

pytestmark = pytest.mark.browser

LESSONS = lessons()
GLOSSARY = next(lesson for lesson in LESSONS if lesson.path == "ordliste.ipynb")
#: Python in a <pre> or in the page's text: an import, a call of a kit function or view, an assignment.
PYTHON = re.compile(r"^\s*(from \w[\w.]* import |import \w|\w+ = |\w+View\(|claims\(|timeline\()", re.M)


@pytest.fixture(scope="module")
def server(request):
    return visits.shared_server(request)


def _stem(lesson) -> str:
    return lesson.path.rsplit("/", 1)[-1].removesuffix(".ipynb")


@pytest.mark.parametrize("width", sorted(visits.VIEWPORTS), ids=lambda w: f"{w}px")
@pytest.mark.parametrize("lesson", LESSONS, ids=_stem)
def test_a_lesson_reads_as_danish_text_claims_and_exercises_without_code(lesson, width, open_page, server):
    """Does the lesson show its title, its claims and its exercises, and no code, traceback or outside request?"""
    facts = visits.lesson_facts(lesson)
    seen = visits.visit(lesson.render_path, width, open_page, server)
    print(
        f"\n[reading] {seen.name} {width}px: {seen.seconds:.1f} s from the landing page to every widget; {seen.notes}"
    )

    assert seen.facts["h1"] == [lesson.title]
    if lesson != GLOSSARY:
        assert facts.claim_ids, "a lesson cites at least one sourced claim"
        assert facts.jupyterlab_only, "a lesson's first cell says how to run it in JupyterLab"
    known = load_claims()
    assert seen.facts["claims"] >= len(facts.claim_ids)
    assert [i for i in facts.claim_ids if " ".join(known[i].text.split()) not in seen.text] == []
    assert seen.facts["views"] == len(facts.views)

    assert seen.facts["code_inputs"] == 0
    assert [line for line in facts.code_lines if line in seen.text] == []
    assert [pre for pre in seen.facts["pre"] if PYTHON.search(pre)] == []
    assert not PYTHON.search(seen.text)
    for cell in facts.jupyterlab_only:  # its first words as rendered (no Markdown marks)
        assert re.sub(r"[*_`]", "", cell.strip().splitlines()[0])[:40] not in seen.text
    assert "Traceback" not in seen.text and seen.facts["errors"] == 0

    assert seen.external_requests == []
    assert not [e for e in seen.console_errors if "Failed to load model class" in e]
    assert seen.screenshot is not None and seen.screenshot.exists()


def test_every_lesson_is_linked_from_the_landing_page(open_page, server):
    """Does the landing page's "Lektioner" list every lesson, each with its title?"""
    seen = visits.visit("/", 375, open_page, server)
    rendered = {urlparse(link).path for link in seen.facts["links"]}
    assert {f"/voila/render/{lesson.render_path}" for lesson in LESSONS} <= rendered
    assert all(lesson.title in seen.text for lesson in LESSONS)


def test_links_between_lessons_lead_to_a_page_and_an_entry_that_exist(open_page, server):
    """Does every link in a reading view go to a page the server renders, and every #anchor to an entry there?"""
    pages = {f"/voila/render/{path}" for path in render_paths()}
    glossary = visits.visit(GLOSSARY.render_path, 375, open_page, server)
    entries = set(glossary.facts["ids"])
    broken = []
    for lesson in LESSONS:
        seen = visits.visit(lesson.render_path, 375, open_page, server)
        for link in seen.facts["links"]:
            url = urlparse(link)
            if (
                url.path not in pages
                or url.path == f"/voila/render/{GLOSSARY.render_path}"
                and url.fragment not in ("", *entries)
            ):
                broken.append((lesson.path, link))
    assert broken == []
    expected = [link for lesson in LESSONS for link in visits.lesson_facts(lesson).glossary_links]
    assert len(expected) >= len(LESSONS) - 1  # every lesson links to the glossary


def test_a_glossary_link_opens_the_glossary_at_its_entry(open_page, server):
    """From a lesson, does a click on a glossary word open the glossary scrolled to that word's entry?"""
    watched = open_page(PHONE)
    page = watched.page
    lesson = LESSONS[0]
    # the entry furthest down the (alphabetical) glossary: the page must scroll to show it
    anchor = max(link.split("#", 1)[1] for link in visits.lesson_facts(lesson).glossary_links)
    page.goto(server.url + "voila/render/" + lesson.render_path, wait_until="commit")
    visits.wait_for_voila(page, len(visits.lesson_facts(lesson).views))
    visits.shut_down_kernel(page, server)
    page.locator(f'a[href$="ordliste.ipynb#{anchor}"]').first.click()
    expect(page).to_have_url(re.compile(rf"/voila/render/{re.escape(GLOSSARY.render_path)}#{anchor}$"))
    visits.wait_for_voila(page, 0)
    entry = page.locator(f'[id="{anchor}"]')
    expect(entry).to_be_in_viewport()
    top = entry.evaluate("e => e.getBoundingClientRect().top")
    assert 0 <= top < PHONE["height"] / 2, top
    assert page.locator("#rendered_cells").evaluate("e => e.scrollTop") > PHONE["height"]
    assert watched.external_requests() == []
    visits.shut_down_kernel(page, server)
