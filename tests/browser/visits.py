"""One visit per page and width, shared by the reading-view and the accessibility tests.

Opening a Voilà page costs a kernel and 4–8 s on two cores, and both test modules need every lesson at 375 and
1280 px: a visit opens the page once, waits until every widget is drawn, runs axe-core once, takes the
screenshots, records what the page showed and made, and shuts its kernel down. The visit is kept for the
session, so whichever test module comes second asserts on the same page without opening it again.

Lessons are opened the way a user opens them: the landing page, its "Lektioner" section, a click on the link.

The kernel is shut down through the kernel API. Voilà's own ``beforeunload`` beacon would do it, but the page
never gets an ``_xsrf`` cookie and the server refuses the beacon (voila#1458); the visit sends the token the
check compares. Without it every page would keep a kernel for minutes, and the facilitator's six kernels (the
tests run on 127.0.0.1, which counts as the facilitator) would be used up after three pages.
"""

from __future__ import annotations

import json
import re
import secrets
import shutil
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import expect

from aiskole.apps import APPS, Lesson, lessons
from aiskole.exercises.heatmap import load_risks
from aiskole.resources import lessons_dir
from aiskole.testing import ARTIFACTS, LAPTOP, PHONE, VoilaServer, start_voila, stop_voila

VIEWPORTS = {375: PHONE, 1280: LAPTOP}
#: axe-core impacts that fail a test (the other two are "moderate" and "minor").
FAILING_IMPACTS = ("serious", "critical")
#: Voilà replaces each of these with the rendered output (a widget once its model has loaded).
PENDING_OUTPUT = 'script[type="application/vnd.voila.cell-output+json"]'
#: The root box of every exercise view (aiskole.widgets.base.ExerciseView._wrap).
VIEW_ROOT = ".jupyter-widgets.aiskole"
#: The tag of a lesson's cell that says how to run it in JupyterLab (the reading view leaves it out).
JUPYTERLAB_ONLY = "jupyterlab-only"

_AXE = Axe()


# -- the server --------------------------------------------------------------------------------------------


_SERVER: dict[str, object] = {}


def shared_server(request) -> VoilaServer:
    """The visits' own demo server, one per session, stopped when the session ends.

    Not the shared ``voila_sqlite``: other browser tests leave kernels running there (culled after minutes),
    and the facilitator's cap would turn these pages into "Prøv igen om lidt".
    """
    if "server" not in _SERVER:
        tmp = Path(tempfile.mkdtemp(prefix="aiskole-visits-"))
        server = start_voila(tmp, f"sqlite:///{tmp / 'data' / 'aiskole.sqlite3'}")
        _SERVER["server"] = server

        def stop() -> None:
            stop_voila(server)
            shutil.rmtree(tmp, ignore_errors=True)
            _SERVER.clear()
            _VISITS.clear()

        request.session.addfinalizer(stop)
    return _SERVER["server"]


# -- what a lesson notebook promises ------------------------------------------------------------------------


@dataclass(frozen=True)
class LessonFacts:
    """What the reading view of a lesson must show (and must not), read from the notebook itself."""

    title: str
    claim_ids: tuple[str, ...]
    views: tuple[str, ...]
    code_lines: tuple[str, ...]
    jupyterlab_only: tuple[str, ...]
    glossary_links: tuple[str, ...]


def lesson_facts(lesson: Lesson) -> LessonFacts:
    notebook = json.loads((lessons_dir() / lesson.path).read_text(encoding="utf-8"))
    claim_ids, views, code_lines, only, links = [], [], [], [], []
    for cell in notebook["cells"]:
        source = "".join(cell["source"])
        if JUPYTERLAB_ONLY in cell.get("metadata", {}).get("tags", []):
            only.append(source)
            continue
        if cell["cell_type"] == "markdown":
            links += re.findall(r"\]\(((?:\.\./)?ordliste\.ipynb#[\w-]+)\)", source)
            continue
        if cell["cell_type"] != "code":
            continue
        for call in re.findall(r"\bclaims\(([^)]*)\)", source):
            claim_ids += re.findall(r"\"([^\"]+)\"", call)
        views += re.findall(r"^(\w+View)\(", source, re.M)
        code_lines += [line.strip() for line in source.splitlines() if len(line.strip()) > 8]
    return LessonFacts(
        lesson.title, tuple(claim_ids), tuple(views), tuple(code_lines), tuple(only), tuple(links)
    )


# -- a visit ------------------------------------------------------------------------------------------------


@dataclass
class Visit:
    """What one page showed at one width, and what axe-core found on it."""

    name: str
    width: int
    url: str
    violations: list[dict]
    text: str
    #: Counts and flags read from the page (see :func:`_facts`).
    facts: dict
    external_requests: list[str]
    console_errors: list[str]
    seconds: float
    screenshot: Path | None = None
    notes: list[str] = field(default_factory=list)

    def serious(self) -> list[dict]:
        return [v for v in self.violations if v["impact"] in FAILING_IMPACTS]

    def report(self) -> str:
        """The serious and critical violations, readable: rule, impact, what it means, each node and why."""
        lines = [f"{self.name} at {self.width} px ({self.url}):"]
        for v in self.serious():
            lines.append(f"- {v['id']} ({v['impact']}): {v['help']} [{len(v['nodes'])} nodes] {v['helpUrl']}")
            for node in v["nodes"][:10]:
                lines.append(f"    {' '.join(node['target'])}")
                lines.append(f"      {node['html'][:200]}")
                for check in node.get("any", []) + node.get("all", []) + node.get("none", []):
                    lines.append(f"      * {check['message']}")
        return "\n".join(lines)


_VISITS: dict[tuple[str, int], Visit] = {}


def visit(key: str, width: int, open_page, server: VoilaServer) -> Visit:
    """The visit of ``key`` (``"/"``, an app's notebook or ``lektioner/<path>``) at ``width``, made once.

    The first call for a page visits it at every width at once: while one page is checked, the next one's
    kernel starts and its browser tab loads (two cores are rarely both busy with one page).
    """
    if (key, width) not in _VISITS:
        opened = [(w, _open(key, w, open_page, server)) for w in VIEWPORTS if (key, w) not in _VISITS]
        for w, (watched, start) in opened:
            _VISITS[(key, w)] = _finish(key, w, watched, start, server)
    return _VISITS[(key, width)]


def _open(key: str, width: int, open_page, server: VoilaServer):
    """Start loading the page (a lesson through the landing page's link); returns at once."""
    watched = open_page(VIEWPORTS[width])
    page = watched.page
    start = time.perf_counter()
    if key == "/":
        page.goto(server.url, wait_until="commit")
    elif key.startswith("lektioner/"):
        lesson = _lesson(key)
        page.goto(server.url, wait_until="load")
        section = page.locator("section", has=page.get_by_role("heading", name="Lektioner", exact=True))
        link = section.get_by_role("link", name=lesson.title, exact=True)
        expect(link).to_have_attribute("href", re.compile(re.escape(lesson.render_path) + "$"))
        link.click(no_wait_after=True)
    else:
        page.goto(server.url + "voila/render/" + key, wait_until="commit")
    return watched, start


def _finish(key: str, width: int, watched, start: float, server: VoilaServer) -> Visit:
    """Wait until the page is ready, bring it to its state, run axe once, take the screenshot, shut it down."""
    page = watched.page
    notes: list[str] = []
    shot = None
    if key == "/":
        expect(page.get_by_role("heading", name="Lektioner", exact=True)).to_be_visible()
        name = "forside"
    elif key.startswith("lektioner/"):
        lesson = _lesson(key)
        expect(page).to_have_url(re.compile(re.escape(lesson.render_path) + "$"))
        wait_for_voila(page, len(lesson_facts(lesson).views))
        name = Path(lesson.path).stem
    else:
        wait_for_voila(page, 1)
        name = Path(key).stem
        state = APP_STATES.get(key)
        if state is not None:
            notes.append(state(page))
    seconds = time.perf_counter() - start
    viewport = page.viewport_size
    # The whole page on one screen: axe reports text below the fold of Voilà's scrolling panel as "incomplete"
    # (it cannot see its background), not as a violation.
    page.set_viewport_size({"width": viewport["width"], "height": _height(page)})
    violations = _AXE.run(page).response["violations"]
    if key.startswith("lektioner/") or key == "/":
        shot = ARTIFACTS / (f"reading-{name}-{width}.png" if key != "/" else f"landing-{width}.png")
        ARTIFACTS.mkdir(exist_ok=True)
        page.screenshot(path=str(shot), scale="css", animations="disabled")
    page.set_viewport_size(viewport)
    result = Visit(
        name=name,
        width=width,
        url=page.url,
        violations=violations,
        text=page.locator("body").inner_text(),
        facts=_facts(page),
        external_requests=watched.external_requests(),
        console_errors=list(watched.console_errors),
        seconds=seconds,
        screenshot=shot,
        notes=notes,
    )
    shut_down_kernel(page, server)
    page.context.close()
    return result


def _height(page) -> int:
    """The height of the whole page: Voilà scrolls an inner panel, so the document's own height is one screen."""
    tall = page.evaluate(
        "() => Math.max(document.documentElement.scrollHeight,"
        " ...Array.from(document.querySelectorAll('#rendered_cells'), (e) => e.scrollHeight + 40))"
    )
    return min(int(tall), 16000)


def _lesson(key: str) -> Lesson:
    return next(lesson for lesson in lessons() if lesson.render_path == key)


def wait_for_voila(page, views: int) -> None:
    """Voilà's cells are in their panel, every output is drawn, and ``views`` exercise views are there."""
    expect(page.locator("#rendered_cells.lm-Widget")).to_be_visible()
    expect(page.locator(PENDING_OUTPUT)).to_have_count(0)
    expect(page.locator(VIEW_ROOT)).to_have_count(views)
    if views:
        expect(page.locator(VIEW_ROOT).last).to_be_visible()


_FACTS_JS = """() => {
  const all = (s) => Array.from(document.querySelectorAll(s));
  return {
    h1: all('h1').map((e) => e.innerText.replace(/\\s*¶\\s*$/, '').trim()),
    claims: all('.aiskole-claim').filter((e) => !e.closest('.jupyter-widgets')).length,
    views: all('.jupyter-widgets.aiskole').length,
    code_inputs: all('.jp-CodeCell .jp-InputArea, .jp-CodeMirrorEditor, .jp-InputPrompt, .jp-OutputPrompt').length,
    pre: all('pre').map((e) => e.innerText),
    errors: all('[data-mime-type="application/vnd.jupyter.stderr"], .jp-RenderedText[data-mime-type*="error"]').length,
    ids: all('[id]').map((e) => e.id),
    links: all('a[href]').map((a) => a.href).filter((h) => h.includes('/voila/render/')),
  };
}"""


def _facts(page) -> dict:
    return page.evaluate(_FACTS_JS)


def shut_down_kernel(page, server: VoilaServer) -> None:
    kernel_id = page.evaluate(
        "() => { const e = document.getElementById('jupyter-config-data');"
        " return e ? JSON.parse(e.textContent).kernelId : null; }"
    )
    if not kernel_id:
        return
    token = secrets.token_hex(16)
    page.context.add_cookies([{"name": "_xsrf", "value": token, "url": server.url}])
    response = page.context.request.delete(
        f"{server.url}api/kernels/{kernel_id}", headers={"X-XSRFToken": token}
    )
    assert response.status == 204, f"the kernel of {page.url} was not shut down ({response.status})"


# -- app states that show more than the first screen --------------------------------------------------------


def _heatmap_with_risks(page) -> str:
    """A red and a green risk: the table of coloured cells (the known contrast finding) is drawn."""
    scale = load_risks().scales[3]
    for title, score in (("Forkert svar til borger", 3), ("Langsom side", 1)):
        page.get_by_label("Risiko (kort titel)").fill(title)
        page.get_by_role("radio", name="Data & privatliv", exact=True).check()
        page.get_by_role("radio", name=f"{score} {scale.likelihood[score - 1]}", exact=True).check()
        page.get_by_role("radio", name=f"{score} {scale.consequence[score - 1]}", exact=True).check()
        page.get_by_label("Ejer (en rolle, ikke et navn)").fill("Teamleder")
        page.get_by_label("Tiltag – hvad gør I for at mindske risikoen?").fill("Tjek svaret")
        page.get_by_role("button", name="Tilføj risiko").click()
        expect(
            page.get_by_text(re.compile(rf"Risiko nr\. \d+ er tilføjet: .+ {score * score}\."))
        ).to_be_visible()
    expect(page.locator("td.aiskole-band-red", has_text="1 risiko")).to_be_visible()
    expect(page.locator("td.aiskole-band-green", has_text="1 risiko")).to_be_visible()
    return "two risks added (red 9, green 1)"


def _presenter_in_play(page) -> str:
    """A workshop with its code, QR code and links, the poll in play and its results shown."""
    page.get_by_label("Titel på workshoppen").fill("Frokostdemo")
    page.get_by_role("button", name="Opret workshop").click()
    expect(page.locator(".aiskole-join-code")).to_be_visible()
    page.get_by_role("button", name="Kick-off-afstemning", exact=True).click()
    expect(page.locator(".aiskole-live-waiting")).to_be_visible()
    page.get_by_role("button", name="Vis resultater").click()
    expect(page.get_by_role("button", name="Skjul resultater")).to_be_visible()
    return "workshop created, poll in play, results shown"


APP_STATES = {"risiko-heatmap.ipynb": _heatmap_with_risks, "praesentation.ipynb": _presenter_in_play}

#: Every page the accessibility test checks: the landing page, each app, each lesson's reading view.
PAGES = ["/", *(app.notebook for app in APPS), *(lesson.render_path for lesson in lessons())]
