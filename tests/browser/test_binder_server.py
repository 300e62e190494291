"""Binder: the repository served as Binder serves it (tests/hub/jupyter_servers.py), over HTTP and in Chromium with
every request recorded."""

from __future__ import annotations

import json
import re
from pathlib import Path
from urllib.parse import urlparse

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import LAPTOP, PHONE, screenshot
from tests.hub.jupyter_servers import start_binder_server

# all of the module is one block at the end of the run, so the server starts once
pytestmark = pytest.mark.browser

LESSON = "lessons/00-start-her/00-start-her.ipynb"
MINI_DPIA = "notebooks/apps/mini-dpia.ipynb"


@pytest.fixture(scope="module")
def binder(tmp_path_factory):
    server = start_binder_server(tmp_path_factory.mktemp("binder"))
    yield server
    server.stop()


def test_the_kit_is_installed_not_the_checkout(binder):
    """Does the Binder server run the kit that postBuild installed (so shared-data and bundled content are used)?"""
    site = next((binder.venv / "lib").glob("python3*/site-packages"))
    assert (site / "aiskole" / "_notebooks" / "apps" / "mini-dpia.ipynb").is_file()
    assert (binder.venv / "etc/jupyter/jupyter_server_config.d/aiskole.json").is_file()
    assert (binder.venv / "share/jupyter/lab/settings/overrides.d/aiskole.json").is_file()
    assert "aiskole.jupyter_extension | extension was successfully loaded" in binder.log.read_text()
    assert not Path(site, "_aiskole.pth").exists()  # not an editable install


def test_pages_are_danish_without_cdn_urls(binder):
    """On Binder, is the Voilà landing page the kit's Danish one, the app's page free of CDN URLs and sources, and
    JupyterLab set to Danish with news and update checks off?"""
    tree = binder.get("voila/tree/notebooks/apps")
    assert '<html lang="da">' in tree and "aiskole – øvelser" in tree
    assert "voila/render/notebooks/apps/mini-dpia.ipynb" in tree
    app = binder.get("voila/render/" + MINI_DPIA)
    assert "Øvelsen indlæses" in app and '<html lang="da">' in app
    assert '"fullMathjaxUrl": null' in app  # without the kit's extension: a cdnjs.cloudflare.com URL
    assert not re.search(r"<(link|script)[^>]+(href|src)=\"https?://", app)
    assert "from aiskole" not in app  # sources stripped
    # ?template= cannot switch back to the stock, CDN-loading template
    assert "Øvelsen indlæses" in binder.get("voila/render/" + MINI_DPIA + "?template=lab")
    locale = json.loads(binder.get("lab/api/settings/@jupyterlab/translation-extension:plugin"))
    assert locale["schema"]["properties"]["locale"]["default"] == "da_DK"
    news = json.loads(binder.get("lab/api/settings/@jupyterlab/apputils-extension:notification"))
    assert news["schema"]["properties"]["fetchNews"]["default"] == "false"
    assert news["schema"]["properties"]["checkForUpdates"]["default"] is False
    assert json.loads(binder.get("lab/api/news")) == {"news": []}
    assert json.loads(binder.get("lab/api/update")) == {"notification": None}


def test_lesson_and_app_make_no_outside_request(binder, open_page):
    """Do a lesson in JupyterLab and the mini-DPIA in Voilà, as Binder serves them, load everything from the server
    itself (no CDN, no jupyter.org), at 1280 and at 375 px?"""
    lab = open_page(LAPTOP)
    lab.page.goto(f"{binder.url}lab/tree/{LESSON}?token={binder.token}")
    expect(lab.page.locator(".jp-Notebook .jp-RenderedMarkdown h1").first).to_contain_text(
        "Start her", timeout=120_000
    )
    lab.page.wait_for_timeout(2000)  # the news question would be up by now
    expect(lab.page.get_by_text(re.compile("Jupyter news", re.I))).to_have_count(0)
    assert any(urlparse(u).path.endswith("/lab/api/translations/da_DK") for u in lab.requests)
    screenshot(lab.page, "binder-lesson-1280")
    assert lab.external_requests() == []

    for viewport in (PHONE, LAPTOP):
        app = open_page(viewport)
        app.page.goto(f"{binder.url}voila/render/{MINI_DPIA}?token={binder.token}", wait_until="commit")
        expect(app.page.get_by_text("Mini-DPIA: skal I lave en konsekvensanalyse?")).to_be_visible()
        expect(app.page.get_by_role("radio", name="Ja").first).to_be_visible()
        screenshot(app.page, f"binder-mini-dpia-{viewport['width']}")
        app.assert_clean()
