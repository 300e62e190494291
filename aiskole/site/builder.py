"""Build the static self-study site: JupyterLite's REPL app, Pyodide and the kit's wheels, plus Danish pages.

How an exercise opens: its page (``ovelser/<app>.html``) holds JupyterLite's REPL app in an iframe, with URL
parameters that run the app notebook's own code when the kernel is ready and hide the code
(``kernel=python&showBanner=0&hideCodeInput=1&code=...``; JupyterLite 0.8). The learner sees the widget, not
code; the page around it says, in Danish, that the answers stay in this browser, and shows progress while
Python loads. The REPL rather than a notebook: a notebook shows its code cells and waits for "Run"; the REPL
runs code from the URL on load, has no file browser, and its only other part (the prompt) is hidden here.

Nothing is fetched at run time from outside the site: Pyodide comes from the npm package, every wheel from
PyPI at build time (:mod:`aiskole.site.wheels`), the widget front end from the installed jupyterlab_widgets,
and ``disablePyPIFallback`` stops the kernel from asking PyPI for anything missing.
"""

from __future__ import annotations

import datetime as dt
import gzip
import json
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import quote, urlencode

from aiskole import __version__
from aiskole.resources import apps_dir
from aiskole.settings import get_settings
from aiskole.site import wheels as W
from aiskole.site.exercises import SiteExercise, site_exercises
from aiskole.site.lessons import Lesson, render_lessons
from aiskole.site.wheels import SiteBuildError

#: Written into every built site; a folder with it may be replaced by the next build, any other is refused.
MARKER = "aiskole-site.json"
#: The Pyodide files the kernel loads (the npm package also has a console, type stubs and source maps).
PYODIDE_FILES = ("pyodide.mjs", "pyodide.asm.mjs", "pyodide.asm.wasm", "python_stdlib.zip", "package.json")
#: The federated extensions of the site: the Pyodide kernel and the ipywidgets front end.
LAB_EXTENSIONS = ("@jupyterlite/pyodide-kernel-extension", "@jupyter-widgets/jupyterlab-manager")
KERNEL_PLUGIN = "@jupyterlite/pyodide-kernel-extension:kernel"
TEMPLATES = Path(__file__).resolve().parent / "templates"


@dataclass
class BuildResult:
    """What a build made, and how long each step took (seconds)."""

    out: Path
    exercises: list[SiteExercise]
    lessons: list[Lesson]
    steps: dict[str, float] = field(default_factory=dict)

    @property
    def seconds(self) -> float:
        return sum(self.steps.values())

    @property
    def static(self) -> list[SiteExercise]:
        return [e for e in self.exercises if e.static]


def default_cache() -> Path:
    """``~/.cache/aiskole/site`` (the platform's user cache folder): downloads kept between builds."""
    import platformdirs

    return Path(platformdirs.user_cache_dir("aiskole", appauthor=False)) / "site"


def site_size(out: Path) -> tuple[int, int]:
    """Bytes of the site on disk, and the same gzipped file by file (what a server with gzip sends)."""
    raw = packed = 0
    for path in out.rglob("*"):
        if path.is_file():
            data = path.read_bytes()
            raw += len(data)
            packed += len(gzip.compress(data, compresslevel=6))
    return raw, packed


def _labextension(name: str) -> Path:
    from jupyter_core.paths import jupyter_path

    for root in [
        Path(sys.prefix) / "share" / "jupyter" / "labextensions",
        *map(Path, jupyter_path("labextensions")),
    ]:
        if (root / name / "package.json").is_file():
            return root / name
    raise SiteBuildError(
        f"JupyterLab-udvidelsen {name} er ikke installeret. Installér kittet med: pip install -e '.[site]'"
    )


def _kernel_extension_wheels() -> list[Path]:
    """The kernel's own wheels from jupyterlite-pyodide-kernel's labextension (ipywidgets 8's shim only)."""
    pypi = _labextension(LAB_EXTENSIONS[0]) / "static" / "pypi"
    found = []
    for name in W.KERNEL_EXTENSION_WHEELS:
        stem = name.replace("-", "_")
        candidates = sorted(pypi.glob(f"{stem}-*-py3-none-any.whl"))
        if name == "widgetsnbextension":  # the 4.x shim, for ipywidgets 8 (3.x is for ipywidgets 7)
            candidates = [c for c in candidates if c.name.startswith(f"{stem}-4.")]
        if not candidates:
            raise SiteBuildError(f"{name} mangler i jupyterlite-pyodide-kernel ({pypi}).")
        found.append(candidates[-1])
    return found


def _prepare_out(out: Path) -> None:
    """Empty ``out`` if it is a (possibly half-built) aiskole site; refuse any other non-empty folder."""
    if out.exists() and any(out.iterdir()):
        if not (out / MARKER).is_file():
            raise SiteBuildError(
                f"Mappen {out} findes allerede og er ikke en aiskole-side. Vælg en tom eller ny mappe."
            )
        shutil.rmtree(out)
    out.mkdir(parents=True, exist_ok=True)
    # marked at once, so the next build may replace a build that stopped half way
    (out / MARKER).write_text(json.dumps({"aiskole": "static self-study site", "complete": False}))


def _app_code(notebook: Path) -> list[str]:
    import nbformat

    nb = nbformat.read(notebook, as_version=4)
    return [c.source for c in nb.cells if c.cell_type == "code" and c.source.strip()]


def repl_url(code: list[str], *, prepare: bool = True) -> str:
    """The REPL app's URL (relative to an exercise page) that runs ``code`` with the input hidden.

    Each ``code`` parameter becomes one console cell, run in order once the kernel is ready; the first one
    (``prepare``) points the store at the browser's memory (:mod:`aiskole.site.browser`).
    """
    setup = ["import aiskole.site.browser; aiskole.site.browser.prepare()"] if prepare else []
    params = [
        ("kernel", "python"),
        ("showBanner", "0"),
        ("hideCodeInput", "1"),
        ("clearCodeContentOnExecute", "1"),
        *[("code", c) for c in [*setup, *code]],
    ]
    return "../repl/index.html?" + urlencode(params, quote_via=quote)


def _lite_dir(lite: Path, pyodide: Path, wheels: list[Path], out: Path) -> None:
    static = lite / "static" / "pyodide"
    static.mkdir(parents=True)
    for name in PYODIDE_FILES:
        shutil.copyfile(pyodide / name, static / name)
    packages = W.write_lock(pyodide / "pyodide-lock.json", wheels, static)
    lite_json = {
        "jupyter-lite-schema-version": 0,
        "jupyter-config-data": {
            "appName": "aiskole",
            # only the REPL app is built: its default favicon (./lab/favicon.ico) would be a 404
            "faviconUrl": "./icon-120x120.png",
            "litePluginSettings": {
                KERNEL_PLUGIN: {
                    "disablePyPIFallback": True,
                    # every wheel is preloaded while Pyodide starts (in parallel); nothing is resolved later
                    "loadPyodideOptions": {
                        "lockFileURL": "./static/pyodide/pyodide-lock.json",
                        "packages": packages,
                    },
                }
            },
        },
    }
    (lite / "jupyter-lite.json").write_text(json.dumps(lite_json, indent=1), encoding="utf-8")
    config = {
        "LiteBuildConfig": {
            "apps": ["repl"],
            "no_sourcemaps": True,
            "no_unused_shared_packages": True,
            "ignore_sys_prefix": True,
            "federated_extensions": [str(_labextension(name)) for name in LAB_EXTENSIONS],
            "contents": [],
            "output_dir": str(out),
        }
    }
    (lite / "jupyter_lite_config.json").write_text(json.dumps(config, indent=1), encoding="utf-8")


def _jupyterlite_build(lite: Path, out: Path) -> None:
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "jupyterlite_core",
            "build",
            "--lite-dir",
            str(lite),
            "--output-dir",
            str(out),
        ],
        cwd=lite,
        capture_output=True,
        text=True,
    )
    if result.returncode != 0:
        raise SiteBuildError("jupyter lite build mislykkedes:\n" + (result.stdout + result.stderr)[-3000:])
    config = json.loads((out / "jupyter-lite.json").read_text(encoding="utf-8"))
    settings = config["jupyter-config-data"]["litePluginSettings"][KERNEL_PLUGIN]
    if not str(settings.get("pyodideUrl", "")).startswith("./static/pyodide/"):
        raise SiteBuildError("JupyterLite peger ikke på den lokale Pyodide (pyodideUrl).")


def _environment():
    import jinja2

    return jinja2.Environment(
        loader=jinja2.FileSystemLoader(TEMPLATES),
        autoescape=jinja2.select_autoescape(["html", "j2"]),
        trim_blocks=True,
        lstrip_blocks=True,
    )


def _pages(
    out: Path, exercises: list[SiteExercise], lessons: list[Lesson], server_url: str, apps: Path
) -> None:
    env = _environment()
    server = server_url.rstrip("/") + "/"
    common = {
        "server_url": server,
        "server_link": lambda e: f"{server}voila/render/{e.app.notebook}",
        "version": __version__,
        "pyodide_version": W.PYODIDE_VERSION,
        "built": dt.date.today().isoformat(),
    }
    shutil.copyfile(TEMPLATES / "site.css", out / "aiskole-site.css")
    (out / "index.html").write_text(
        env.get_template("index.html.j2").render(root="", exercises=exercises, lessons=lessons, **common),
        encoding="utf-8",
    )
    (out / "ovelser").mkdir()
    for exercise in exercises:
        if exercise.static:
            page = env.get_template("exercise.html.j2").render(
                root="../",
                exercise=exercise,
                repl=repl_url(_app_code(apps / exercise.app.notebook)),
                **common,
            )
            (out / "ovelser" / f"{exercise.slug}.html").write_text(page, encoding="utf-8")
    (out / "lektioner").mkdir()
    for lesson in lessons:
        page = env.get_template("lesson.html.j2").render(root="../", lesson=lesson, **common)
        (out / "lektioner" / f"{lesson.slug}.html").write_text(page, encoding="utf-8")


def build_site(
    out: Path,
    *,
    cache: Path | None = None,
    server_url: str | None = None,
    progress: Callable[[str], None] | None = None,
) -> BuildResult:
    """Build the static site into ``out`` (created; a previous aiskole site there is replaced).

    Parameters
    ----------
    out
        The folder to write. Serve it with any static web server (``.wasm`` as ``application/wasm``).
    cache
        Where downloads (npm ``pyodide``, PyPI wheels and sdists) are kept; default :func:`default_cache`.
    server_url
        The kit's server, linked for the exercises that cannot run in the browser (default: the
        ``AISKOLE_PUBLIC_URL`` setting, i.e. ``aiskole demo`` on this machine).
    progress
        Called with a Danish line before each step.

    Raises
    ------
    SiteBuildError
        With a Danish message (a missing tool, a package not on the registries, a failing lesson cell).
    """

    say = progress or (lambda _line: None)
    out = Path(out).resolve()
    cache = Path(cache or default_cache())
    server_url = server_url or get_settings().public_url
    steps: dict[str, float] = {}

    def step(name: str, line: str):
        say(line)
        steps[name] = time.perf_counter()

    def done(name: str) -> None:
        steps[name] = time.perf_counter() - steps[name]

    _prepare_out(out)
    exercises = site_exercises()
    with tempfile.TemporaryDirectory(prefix="aiskole-site-") as tmp:
        work = Path(tmp)
        step("packages", "Henter Pyodide (npm) og pakkerne (PyPI) – første gang tager det et minuts tid …")
        pyodide = W.fetch_pyodide(cache)
        wheels = [*W.fetch_wheels(cache).values(), *_kernel_extension_wheels()]
        done("packages")
        step("kit", "Bygger kittets egen pakke (wheel) …")
        wheels.append(W.kit_wheel(work))
        problems = W.unmet_requirements(wheels)
        if problems:
            raise SiteBuildError("Pakkerne til browseren passer ikke sammen:\n" + "\n".join(problems))
        done("kit")
        step("jupyterlite", "Bygger JupyterLite-siden …")
        lite = work / "lite"
        _lite_dir(lite, pyodide, wheels, out)
        _jupyterlite_build(lite, out)
        done("jupyterlite")
    step("lessons", "Laver lektionernes tekst til HTML …")
    apps = apps_dir()
    lessons = render_lessons(exercises, apps)
    done("lessons")
    step("pages", "Skriver forsiden og øvelsernes sider …")
    _pages(out, exercises, lessons, server_url, apps)
    marker = {
        "aiskole": "static self-study site",
        "complete": True,
        "built": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
        "pyodide": W.PYODIDE_VERSION,
        "static": [e.app.notebook for e in exercises if e.static],
        "excluded": {e.app.notebook: e.excluded_because for e in exercises if not e.static},
        "lessons": [lesson.slug for lesson in lessons],
    }
    (out / MARKER).write_text(json.dumps(marker, indent=1, ensure_ascii=False), encoding="utf-8")
    done("pages")
    return BuildResult(out=out, exercises=exercises, lessons=lessons, steps=steps)
