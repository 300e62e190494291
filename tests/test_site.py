"""The static self-study site without a browser: the app list, the wheels for Pyodide, the lock, the pages.

The browser half (every included exercise rendered and answered with all outside requests aborted) is
tests/browser/test_site_app.py; both use the one build of tests/site_build.py.
"""

from __future__ import annotations

import hashlib
import html
import json
import os
import re
import subprocess
import sys
import zipfile
from html.parser import HTMLParser
from urllib.parse import parse_qs

import pytest

from aiskole.apps import APPS
from aiskole.site import wheels as W
from aiskole.site.builder import MARKER, build_site, default_cache
from aiskole.site.exercises import EXCLUDED, STATIC, site_exercises
from aiskole.site.wheels import SiteBuildError
from tests.conftest import ROOT
from tests.site_build import SERVER_URL, built_site


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    return built_site(tmp_path_factory.getbasetemp())


# -- which exercises ----------------------------------------------------------------------------------------


def test_every_app_is_on_the_site_or_has_a_reason():
    """Is each app of the registry either static or explained (none silently missing), mini-DPIA, quiz and
    prompt lab among the static ones?"""
    exercises = site_exercises()
    assert [e.app.notebook for e in exercises] == [a.notebook for a in APPS]
    assert {"mini-dpia.ipynb", "quiz.ipynb", "promptlab.ipynb"} <= set(STATIC)
    assert not set(STATIC) & set(EXCLUDED)
    for exercise in exercises:
        assert exercise.static or len(exercise.excluded_because) > 20


def test_an_app_without_a_decision_stops_the_build(monkeypatch):
    from aiskole.apps import App
    from aiskole.site import exercises as ex

    monkeypatch.setattr(ex, "APPS", (*APPS, App("ny.ipynb", "Ny", "En ny øvelse")))
    with pytest.raises(ValueError, match="ny.ipynb"):
        ex.site_exercises()


# -- wheels for Pyodide -------------------------------------------------------------------------------------


@pytest.mark.parametrize("name", ["markupsafe", "pyyaml"])
def test_pure_wheel_from_the_sdist_has_no_c_code_and_works(name, tmp_path):
    """Is the wheel made from the sdist pure Python, and does the package work from it with its fallback
    (MarkupSafe's _native, PyYAML's pure loader) even where the C speedups are installed?"""
    pin = next(p for p in W.PINS if p.key == name)
    wheel = W.fetch_wheels(default_cache(), [pin])[name]
    assert wheel.name.endswith("-py3-none-any.whl")
    with zipfile.ZipFile(wheel) as zf:
        names = zf.namelist()
        assert not [n for n in names if n.endswith((".c", ".so", ".pyx", ".pyd"))]
        assert "Root-Is-Purelib: true" in zf.read(next(n for n in names if n.endswith("/WHEEL"))).decode()
    check = {
        "markupsafe": "import markupsafe as m; assert m._escape_inner.__module__ == 'markupsafe._native';"
        " assert str(m.escape('<a href=\"x\">&')) == '&lt;a href=&#34;x&#34;&gt;&amp;'; print(m.__file__)",
        "pyyaml": "import yaml; assert yaml.__with_libyaml__ is False;"
        " assert yaml.safe_load('a: [1, æ]') == {'a': [1, 'æ']}; print(yaml.__file__)",
    }[name]
    result = subprocess.run(
        [sys.executable, "-c", check], env={"PYTHONPATH": str(wheel)}, capture_output=True, text=True
    )
    assert result.returncode == 0, result.stderr
    assert str(wheel) in result.stdout  # imported from the wheel, not from the installed package


def test_pure_wheel_is_the_same_every_time(tmp_path):
    """Does the same sdist give a byte-identical wheel (so the sha256 in the lock is stable)?"""
    pin = next(p for p in W.PINS if p.key == "markupsafe")
    sdist = next((default_cache() / "sdists").glob("markupsafe-3.0.4.tar.gz"), None)
    if sdist is None:
        W.fetch_wheels(default_cache(), [pin])
        sdist = next((default_cache() / "sdists").glob("markupsafe-3.0.4.tar.gz"))
    first = W.pure_wheel_from_sdist(sdist, pin, tmp_path / "a").read_bytes()
    second = W.pure_wheel_from_sdist(sdist, pin, tmp_path / "b").read_bytes()
    assert first == second


def test_trimmed_babel_wheel_keeps_only_the_danish_locales_and_formats_as_the_whole_one(tmp_path):
    """Is the site's Babel wheel a fraction of PyPI's (four CLDR locales of ~1,000, global.dat and the code
    whole), the same bytes every time, and does aiskole.l10n format numbers and dates from it exactly as with
    the installed (whole) Babel?"""
    pin = next(p for p in W.PINS if p.key == "babel")
    assert pin.kind == "trimmed"
    wheel = W.fetch_wheels(default_cache(), [pin])["babel"]
    whole = next((default_cache() / "wheels").glob("babel-2.19.0-*.whl"))
    assert wheel.stat().st_size < whole.stat().st_size / 10
    with zipfile.ZipFile(wheel) as zf, zipfile.ZipFile(whole) as full:
        names = set(zf.namelist())
        data = {n.rsplit("/", 1)[1] for n in names if n.startswith("babel/locale-data/")}
        assert data == set(W.BABEL_LOCALES)
        code = {
            n for n in full.namelist() if not n.startswith(("babel/locale-data/", "babel-2.19.0.dist-info/"))
        }
        assert code <= names  # every module and global.dat
        for name in code:
            assert zf.read(name) == full.read(name)
        assert "babel" in zf.read("babel-2.19.0.dist-info/top_level.txt").decode().split()
        zf.extractall(tmp_path / "site-packages")  # Babel opens its .dat files by path: not from a zip
    again = W.trimmed_wheel(whole, pin, tmp_path / "again")
    assert again.read_bytes() == wheel.read_bytes()
    probe = (
        "import datetime as dt, json, babel; from aiskole import l10n\n"
        "t = dt.datetime(2026, 12, 1, 13, 5, tzinfo=dt.UTC)\n"
        "print(json.dumps([babel.__file__, l10n.number(-1924.5, 1), l10n.percent(0.456), l10n.signed(0.4),"
        " l10n.date_long(t), l10n.date_short(t), l10n.month_year('2026-7'), l10n.datetime_short(t)]))"
    )

    def run(path: str) -> list[str]:
        env = {"PYTHONPATH": path, "PYTHONTZPATH": ""}  # tzdata, as in Pyodide (no system time zones)
        out = subprocess.run([sys.executable, "-c", probe], env=env, capture_output=True, text=True, cwd=ROOT)
        assert out.returncode == 0, out.stderr
        return json.loads(out.stdout)

    trimmed = run(f"{tmp_path / 'site-packages'}:{ROOT}")
    assert trimmed[0].startswith(str(tmp_path))  # Babel came from the trimmed wheel
    assert trimmed[1:] == run(str(ROOT))[1:]
    assert trimmed[1:] == [
        "\u22121.924,5", "46\u00a0%", "+0,4", "1. december 2026", "01.12.2026", "juli 2026", "01.12.2026 kl. 14:05"
    ]  # fmt: skip


def test_unmet_requirements_names_a_missing_or_too_old_dependency(tmp_path):
    meta = b"Metadata-Version: 2.1\nName: %s\nVersion: %s\n%s"
    app = W.write_wheel(
        tmp_path / "app-1.0-py3-none-any.whl",
        {"app/__init__.py": b""},
        meta
        % (
            b"app",
            b"1.0",
            b"Requires-Dist: lib>=2\nRequires-Dist: gone\nRequires-Dist: win; sys_platform == 'win32'\n",
        ),
        "app",
        "1.0",
    )
    lib = W.write_wheel(
        tmp_path / "lib-1.5-py3-none-any.whl", {"lib.py": b""}, meta % (b"lib", b"1.5", b""), "lib", "1.5"
    )
    problems = W.unmet_requirements([app, lib])
    assert problems == ["app 1.0 needs lib>=2: have 1.5", "app 1.0 needs gone: missing"]


def test_the_pins_cover_every_package_the_static_exercises_import():
    """Does Pyodide find every distribution the static apps' views import (the kit's wheel carries no
    requirements, so a missing pin shows only in the browser, as a ModuleNotFoundError), time zone data
    included (Pyodide has no system time zones: without tzdata, aiskole.l10n fails at import)?"""
    views = set()
    for notebook in STATIC:
        text = (ROOT / "notebooks" / "apps" / notebook).read_text(encoding="utf-8")
        views |= set(re.findall(r"from (aiskole\.widgets\.\w+) import", text))
    assert views
    probe = (
        "import importlib, importlib.metadata as md, json, sys\n"
        "before = set(sys.modules)\n"
        f"for name in {sorted(views)!r}: importlib.import_module(name)\n"
        "dists = md.packages_distributions()\n"
        "tops = {m.split('.')[0] for m in set(sys.modules) - before}\n"
        "print(json.dumps(sorted({d for t in tops for d in dists.get(t, []) if t != 'aiskole'})))"
    )
    # no system time zones, as in Pyodide: zoneinfo then imports tzdata, which must be pinned too
    env = {**os.environ, "PYTHONTZPATH": ""}
    out = subprocess.run(
        [sys.executable, "-c", probe], capture_output=True, text=True, check=True, cwd=ROOT, env=env
    )
    imported = {W.canonical(d) for d in json.loads(out.stdout)}
    assert {"jinja2", "babel", "tzdata"} <= imported
    pinned = {p.key for p in W.PINS} | {W.canonical(w) for w in W.KERNEL_EXTENSION_WHEELS}
    assert imported - pinned == set()


def test_the_pinned_wheels_meet_each_others_requirements(site):
    """Does every shipped wheel find what it requires (for Pyodide's platform) among the shipped wheels?"""
    wheels = sorted((site.out / "static" / "pyodide").glob("*.whl"))
    assert W.unmet_requirements(wheels) == []


# -- the built site -----------------------------------------------------------------------------------------


def test_the_lock_lists_exactly_the_shipped_wheels(site):
    """Does pyodide-lock.json name only wheels that lie beside it, each with its real sha256 (and none of
    the ~350 CDN-only packages of the npm lock)?"""
    folder = site.out / "static" / "pyodide"
    lock = json.loads((folder / "pyodide-lock.json").read_text())
    files = {p.name for p in folder.glob("*.whl")}
    assert {e["file_name"] for e in lock["packages"].values()} == files
    for entry in lock["packages"].values():
        assert hashlib.sha256((folder / entry["file_name"]).read_bytes()).hexdigest() == entry["sha256"]
        assert not entry["file_name"].startswith(("http:", "https:", "/"))
    assert {
        "aiskole",
        "ipywidgets",
        "pydantic-core",
        "sqlalchemy",
        "markupsafe",
        "pyodide-kernel",
        "babel",
        "tzdata",
    } <= set(lock["packages"])
    assert lock["info"]["abi_version"] == W.PYODIDE_ABI


def test_the_kernel_is_pointed_at_the_site_itself(site):
    """Does the JupyterLite configuration load Pyodide and the lock from the site, preload every shipped
    package, and forbid the PyPI fallback?"""
    config = json.loads((site.out / "jupyter-lite.json").read_text())["jupyter-config-data"]
    kernel = config["litePluginSettings"]["@jupyterlite/pyodide-kernel-extension:kernel"]
    assert kernel["pyodideUrl"] == "./static/pyodide/pyodide.mjs"
    assert kernel["disablePyPIFallback"] is True
    lock = json.loads((site.out / "static" / "pyodide" / "pyodide-lock.json").read_text())
    assert sorted(kernel["loadPyodideOptions"]["packages"]) == sorted(lock["packages"])
    assert kernel["loadPyodideOptions"]["lockFileURL"] == "./static/pyodide/pyodide-lock.json"
    assert not re.search(r"https?://", json.dumps(config["litePluginSettings"]))
    assert (site.out / "static" / "pyodide" / "pyodide.asm.wasm").is_file()
    assert not list(site.out.rglob("*.map"))  # source maps stripped


class _Links(HTMLParser):
    def __init__(self):
        super().__init__()
        self.links: list[tuple[str, str]] = []
        self._href: str | None = None
        self._text = ""
        self.lang = None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "html":
            self.lang = attrs.get("lang")
        if tag == "a":
            self._href, self._text = attrs.get("href"), ""

    def handle_data(self, data):
        if self._href is not None:
            self._text += data

    def handle_endtag(self, tag):
        if tag == "a" and self._href is not None:
            self.links.append((self._href, self._text.strip()))
            self._href = None


def test_front_page_links_lessons_static_exercises_and_the_server_for_the_rest(site):
    page = (site.out / "index.html").read_text()
    parser = _Links()
    parser.feed(page)
    links = dict(parser.links)
    assert parser.lang == "da"
    assert "Dine svar bliver i din browser" in page
    for lesson in site.lessons:
        assert links[f"lektioner/{lesson.slug}.html"] == lesson.title
        assert (site.out / "lektioner" / f"{lesson.slug}.html").is_file()
    for exercise in site.exercises:
        if exercise.static:
            assert links[f"ovelser/{exercise.slug}.html"] == exercise.app.title
        else:
            assert links[f"{SERVER_URL}voila/render/{exercise.app.notebook}"] == exercise.app.title
            assert html.escape(exercise.excluded_because, quote=True) in page
    assert 'data-jupyter-lite-root="."' in page  # JupyterLite's apps find the site's root config here


def test_lessons_show_text_and_claims_but_no_code(site):
    """Is each lesson's text there, with its claims' sources, its exercises as links, and no code?"""
    from aiskole.resources import lessons_dir

    every_lesson = sorted(
        p.stem for p in lessons_dir().rglob("*.ipynb") if ".ipynb_checkpoints" not in p.parts
    )
    assert sorted(lesson.slug for lesson in site.lessons) == every_lesson
    assert site.lessons[0].slug == "00-start-her"
    dpia = (site.out / "lektioner" / "02-1-jura-dpia.html").read_text()
    assert "<h1" in dpia and "Konsekvensanalyse" in dpia
    assert "aiskole-claim-source" in dpia  # a claim, rendered at build time with its source
    assert 'href="../ovelser/mini-dpia.html"' in dpia
    for page in (site.out / "lektioner").glob("*.html"):
        text = page.read_text()
        assert "from aiskole" not in text and "claims(" not in text, page.name
    proces = (site.out / "lektioner" / "03-1-fra-ide-til-plan.html").read_text()
    assert f'href="{SERVER_URL}voila/render/use-case-canvas.ipynb"' in proces  # canvas needs the server


def test_an_exercise_page_runs_the_app_notebook_code_with_the_input_hidden(site):
    """Does the exercise page open the REPL with the code hidden, running first the browser set-up and then
    exactly the app notebook's own code?"""
    import nbformat

    from aiskole.server import apps_dir

    page = (site.out / "ovelser" / "mini-dpia.html").read_text()
    src = html.unescape(re.search(r'<iframe id="ovelse" src="([^"]+)"', page).group(1))
    path, query = src.split("?", 1)
    assert path == "../repl/index.html"
    params = parse_qs(query)
    assert (
        params["kernel"] == ["python"] and params["hideCodeInput"] == ["1"] and params["showBanner"] == ["0"]
    )
    notebook = nbformat.read(apps_dir() / "mini-dpia.ipynb", as_version=4)
    app_code = [c.source for c in notebook.cells if c.cell_type == "code"]
    assert params["code"] == ["import aiskole.site.browser; aiskole.site.browser.prepare()", *app_code]
    assert "Dine svar bliver i denne browser" in page
    assert f"{SERVER_URL}voila/render/mini-dpia.ipynb" in page


def test_a_half_built_site_is_replaced_by_the_next_build(tmp_path, monkeypatch):
    """Does a build that stops half way leave a folder the next build may replace (not a refused one)?"""
    from aiskole.site import builder

    def stop():
        raise SiteBuildError("stop")

    monkeypatch.setattr(builder, "site_exercises", stop)
    with pytest.raises(SiteBuildError):
        build_site(tmp_path / "site")
    assert json.loads((tmp_path / "site" / MARKER).read_text())["complete"] is False
    builder._prepare_out(tmp_path / "site")  # accepted: it is an aiskole site


def test_a_foreign_folder_is_never_overwritten(tmp_path):
    (tmp_path / "mine.txt").write_text("vigtigt")
    with pytest.raises(SiteBuildError, match="ikke en aiskole-side"):
        build_site(tmp_path)
    assert (tmp_path / "mine.txt").read_text() == "vigtigt"
    assert not (tmp_path / MARKER).exists()


def test_a_lesson_widget_that_is_no_app_stops_the_build(tmp_path):
    """Would a widget in a lesson that no app shows stop the build (instead of vanishing from the page)?"""
    import nbformat

    from aiskole.site.lessons import render_lesson

    nb = nbformat.v4.new_notebook()
    nb.cells = [
        nbformat.v4.new_markdown_cell("# Prøve"),
        nbformat.v4.new_code_cell("import ipywidgets\nipywidgets.Button(description='Ny')"),
    ]
    path = tmp_path / "prøve.ipynb"
    nbformat.write(nb, path)
    with pytest.raises(SiteBuildError, match="ikke er en app"):
        render_lesson(path, {})
