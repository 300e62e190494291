"""The kit behind a real JupyterHub: two users log in, read a lesson in JupyterLab, save a mini-DPIA in Voilà into
one shared PostgreSQL database, cannot open each other's server, and no page asks anything of a host other than
127.0.0.1."""

from __future__ import annotations

import re
from urllib.parse import urlparse

import pytest
from playwright.sync_api import expect

from aiskole.exercises.dpia import DpiaSubmission
from aiskole.store import Store
from tests.browser.conftest import LAPTOP, PHONE, screenshot
from tests.hub.hubserver import PASSWORD, start_hub

pytestmark = [pytest.mark.browser, pytest.mark.postgres]

LESSON = "aiskole/lektioner/00-start-her/00-start-her.ipynb"
MINI_DPIA = "aiskole/apps/mini-dpia.ipynb"
YES = {2, 8}


@pytest.fixture(scope="module")
def hub(tmp_path_factory, pg_server):
    """JupyterHub with the single-user settings of deploy/jupyterhub/values.yaml, on one shared PostgreSQL database
    (``hub.database_url``)."""
    database_url = pg_server.create_database()
    server = start_hub(tmp_path_factory.mktemp("hub"), database_url)
    server.database_url = database_url
    yield server
    server.stop()


def lab_asked_for_danish(watched) -> bool:
    """Whether the JupyterLab front end loaded the da_DK language pack (it does when da_DK is the locale)."""
    return any(urlparse(u).path.endswith("/lab/api/translations/da_DK") for u in watched.requests)


def log_in(watched, hub, user: str) -> None:
    """Log in on the hub's form and wait until the user's own JupyterLab is on screen (the hub starts it)."""
    page = watched.page
    page.goto(hub.url + "hub/login")
    # the hub's own pages in Danish (deploy/jupyterhub/templates/)
    expect(page.get_by_role("heading", name="Log ind")).to_be_visible()
    assert page.evaluate("document.documentElement.lang") == "da"
    page.locator("#username_input").fill(user)
    page.locator("#password_input").fill(PASSWORD)
    page.locator("#login_submit").click()
    page.wait_for_url(re.compile(rf"/user/{user}/lab"), timeout=120_000)
    expect(page.locator("#jp-main-dock-panel")).to_be_visible(timeout=120_000)


def open_lesson(watched, hub, user: str) -> None:
    page = watched.page
    page.goto(hub.user_url(user, "lab/tree/" + LESSON))
    expect(page.locator(".jp-Notebook .jp-RenderedMarkdown h1").first).to_contain_text(
        "Start her", timeout=120_000
    )


def new_tab(watched):
    """A second tab in the same browser context (JupyterLab's "leave the page?" question stays in the first),
    with its requests recorded into ``watched`` too."""
    page = watched.page.context.new_page()
    page.set_default_timeout(60_000)
    page.on("request", lambda r: watched.requests.append(r.url))
    page.on("websocket", lambda ws: watched.requests.append(ws.url))
    page.on("console", lambda m: m.type == "error" and watched.console_errors.append(m.text))
    return page


def save_mini_dpia(page, hub, user: str) -> int:
    """Answer the gateway and the ten questions in Voilà, save, and return the number the app shows."""
    page.goto(hub.user_url(user, "voila/render/" + MINI_DPIA), wait_until="commit")
    expect(page.get_by_text("Mini-DPIA: skal I lave en konsekvensanalyse?")).to_be_visible(timeout=120_000)
    # the gateway first: with personal data the ten questions appear
    page.locator(".aiskole-question", has_text="Først:").get_by_role("radio", name="Ja").check()
    for number in range(1, 11):
        box = page.locator(".aiskole-question", has_text=re.compile(rf"^{number}\. "))
        box.get_by_role("radio", name="Ja" if number in YES else "Nej").check()
    expect(page.get_by_text("10 af 10 besvaret")).to_be_visible()
    page.get_by_role("button", name="Gem").click()
    status = page.get_by_text(re.compile(r"Gemt som screening nr\. \d+"))
    expect(status).to_be_visible()
    return int(re.search(r"nr\. (\d+)", status.inner_text()).group(1))


def test_two_users_read_a_lesson_and_save_into_one_database(hub, open_page):
    """Do two users each get their own server with the kit's lessons in their home, a Danish JupyterLab without
    the news question, the mini-DPIA in Voilà, and their answers in the one shared database?"""
    saved = {}
    for user, viewport in (("anna", LAPTOP), ("bo", PHONE)):
        watched = open_page(viewport)
        page = watched.page
        log_in(watched, hub, user)
        # the server extension copied the kit into this user's own home at start
        assert (hub.home(user) / LESSON).is_file()
        assert (hub.home(user) / MINI_DPIA).is_file()
        open_lesson(watched, hub, user)
        assert lab_asked_for_danish(watched), "JupyterLab did not load its Danish translations"
        # JupyterLab asks about "official Jupyter news" shortly after start unless told not to
        page.wait_for_timeout(2000)
        expect(page.get_by_text(re.compile("Jupyter news", re.I))).to_have_count(0)
        screenshot(page, f"hub-lesson-{user}-{viewport['width']}")
        voila = new_tab(watched)
        saved[user] = save_mini_dpia(voila, hub, user)
        screenshot(voila, f"hub-mini-dpia-{user}-{viewport['width']}")
        assert "Traceback" not in voila.content()
        assert watched.external_requests() == []
        assert not [e for e in watched.console_errors if "Failed to load model class" in e]
    assert saved["anna"] != saved["bo"]
    store = Store(hub.database_url)
    try:
        for submission_id in saved.values():
            row = store.get_submission(submission_id)
            assert row is not None
            model = DpiaSubmission.from_answers(row.answers, row.result)
            assert model.answers == {n: n in YES for n in range(1, 11)} and model.personal_data
            assert row.result["verdict"] == "full"
    finally:
        store.dispose()


def test_a_user_cannot_open_another_users_server(hub, open_page):
    """Does the hub refuse user B on user A's JupyterLab, Voilà and REST API, while B's own server works?"""
    anna = open_page(LAPTOP)
    log_in(anna, hub, "anna")
    bo = open_page(PHONE)
    log_in(bo, hub, "bo")
    for path in ("lab", "voila/render/" + MINI_DPIA, "lab/tree/" + LESSON):
        response = bo.page.goto(hub.user_url("anna", path))
        assert response.status == 403, path
        expect(bo.page.get_by_role("heading", name="Ingen adgang")).to_be_visible()
        expect(bo.page.get_by_text("Start her")).to_have_count(0)
    screenshot(bo.page, "hub-forbidden-375")
    # the REST API with B's cookies: refused, and no file names of A's come back
    api = bo.page.request.get(hub.user_url("anna", "api/contents/aiskole"))
    assert api.status == 403
    assert "lektioner" not in api.text()
    own = bo.page.request.get(hub.user_url("bo", "api/contents/aiskole"))
    assert own.status == 200 and "lektioner" in own.text()
    assert anna.external_requests() == [] and bo.external_requests() == []
