"""`make lab` (``aiskole lab``): JupyterLab in Danish, with news and update checks off, through its settings API and
in Chromium with every request recorded."""

from __future__ import annotations

import json
import re
from urllib.parse import urlparse

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import LAPTOP, PHONE, screenshot
from tests.hub.jupyter_servers import start_make_lab

pytestmark = pytest.mark.browser  # one block at the end of the run: the server starts once

LESSON = "01-prompt/01-prompt-skrivning.ipynb"


@pytest.fixture(scope="module")
def lab(tmp_path_factory):
    server = start_make_lab(tmp_path_factory.mktemp("lab-home"))
    yield server
    server.stop()


def test_settings_api_says_danish_and_no_news(lab):
    """Does the settings API give da_DK as the language and "never" for news and update checks, with the user's
    own settings left empty (an override of the defaults, not a setting written for them)?"""
    plugin = json.loads(lab.get("lab/api/settings/@jupyterlab/translation-extension:plugin"))
    assert plugin["schema"]["properties"]["locale"]["default"] == "da_DK"
    assert "locale" not in plugin["settings"]
    notification = json.loads(lab.get("lab/api/settings/@jupyterlab/apputils-extension:notification"))
    assert notification["schema"]["properties"]["fetchNews"]["default"] == "false"
    assert notification["schema"]["properties"]["checkForUpdates"]["default"] is False
    languages = json.loads(lab.get("lab/api/translations"))["data"]
    assert "da_DK" in languages
    # and on the server side: no news feed, no update check, even if a user turns them on
    assert json.loads(lab.get("lab/api/news")) == {"news": []}
    assert json.loads(lab.get("lab/api/update")) == {"notification": None}


@pytest.mark.parametrize("viewport", [LAPTOP, PHONE], ids=["1280px", "375px"])
def test_a_lesson_in_lab_makes_no_outside_request(lab, open_page, viewport):
    """Does a lesson open in a Danish JupyterLab without the news question and without any request leaving
    127.0.0.1?"""
    watched = open_page(viewport)
    page = watched.page
    page.goto(f"{lab.url}lab/tree/{LESSON}?token={lab.token}")
    expect(page.locator(".jp-Notebook .jp-RenderedMarkdown h1").first).to_contain_text(
        "Prompt", timeout=120_000
    )
    page.wait_for_timeout(2000)  # the news question would be up by now
    expect(page.get_by_text(re.compile("Jupyter news", re.I))).to_have_count(0)
    assert any(urlparse(u).path.endswith("/lab/api/translations/da_DK") for u in watched.requests)
    screenshot(page, f"lab-lesson-{viewport['width']}")
    assert watched.external_requests() == []
