"""The lessons' reading text as static HTML, made at build time; no code is shown.

A lesson notebook has three kinds of cell: markdown (the text), cells that show sourced claims or project
cards (``claims(...)``, ``projects_html(...)``: plain HTML output), and cells that start an exercise widget. The
first are rendered with mistune (nbconvert's Markdown), the second are *executed* at build time in one kernel
per lesson (they import neither pandas nor matplotlib) and their HTML output is kept, the third become a
link to the exercise: its page on the static site, or the kit's server when it cannot run in the browser.
"""

from __future__ import annotations

import ast
import re
from dataclasses import dataclass, field
from pathlib import Path

import nbformat

from aiskole import resources
from aiskole.site.exercises import SiteExercise
from aiskole.site.wheels import SiteBuildError

WIDGET_MIME = "application/vnd.jupyter.widget-view+json"


@dataclass(frozen=True)
class Block:
    """One rendered piece of a lesson: ``html`` (text or output) or an ``exercise`` link."""

    html: str = ""
    exercise: SiteExercise | None = None


@dataclass(frozen=True)
class Lesson:
    slug: str
    title: str
    duration: str
    blocks: list[Block] = field(default_factory=list)


def lessons_dir() -> Path:
    return resources.lessons_dir()


def _markdown(text: str) -> str:
    from nbconvert.filters.markdown_mistune import markdown2html_mistune

    # nbconvert puts a "¶" link after each heading: noise for a reader (and a link with no words)
    html = re.sub(r'<a class="anchor-link" href="[^"]*">(?:&#182;|¶)</a>', "", markdown2html_mistune(text))
    # the lessons link to each other as notebooks (../ordliste.ipynb#prompt); on the site every lesson is a
    # page in the same folder (ordliste.html#prompt)
    return _LESSON_LINK.sub(lambda m: f'href="{m["name"]}.html{m["anchor"] or ""}"', html)


_LESSON_LINK = re.compile(r'href="(?:\.\./)*(?:[\w-]+/)*(?P<name>[\w.-]+)\.ipynb(?P<anchor>#[^"]*)?"')


def _kit_imports(source: str) -> set[str]:
    """Names a code cell imports from the kit (``from aiskole... import X``)."""
    try:
        tree = ast.parse(source)
    except SyntaxError:
        return set()
    return {
        alias.asname or alias.name
        for node in ast.walk(tree)
        if isinstance(node, ast.ImportFrom) and (node.module or "").split(".")[0] == "aiskole"
        for alias in node.names
    }


def exercise_for_class(exercises: list[SiteExercise], apps_dir: Path) -> dict[str, SiteExercise]:
    """Which app shows which view class: what each app notebook imports from the kit (its view).

    Read from the notebooks, not from module paths, so a lesson cell is recognised as "this exercise" wherever
    the kit keeps its views.
    """
    found: dict[str, SiteExercise] = {}
    for exercise in exercises:
        path = apps_dir / exercise.app.notebook
        if not path.is_file():
            continue
        nb = nbformat.read(path, as_version=4)
        for cell in nb.cells:
            if cell.cell_type == "code":
                for name in _kit_imports(cell.source):
                    found.setdefault(name, exercise)
    return found


def _title(nb, path: Path) -> str:
    """The lesson's own heading (the notebook's ``title`` metadata is a short file label such as "00 Start her")."""
    for cell in nb.cells:
        if cell.cell_type == "markdown":
            match = re.search(r"^#\s+(.+)$", cell.source, re.M)
            if match:
                return re.sub(r"[*_`]", "", match.group(1)).strip()
    return str(nb.metadata.get("title") or path.stem)


def _duration(nb) -> str:
    """The lesson's "**Tid:** ca. 20 minutter", as ``"ca. 20 minutter"`` (empty when it has none)."""
    for cell in nb.cells:
        if cell.cell_type == "markdown":
            match = re.search(r"\*\*Tid:\*\*\s*([^\n]+)", cell.source)
            if match:
                return match.group(1).strip()
    return ""


def _html_outputs(cell, name: str) -> str:
    parts = []
    for output in cell.get("outputs", []):
        if output.output_type == "error":
            raise SiteBuildError(f"En celle i lektionen fejlede: {output.ename}: {output.evalue}")
        data = output.get("data", {})
        if WIDGET_MIME in data:  # a widget outside the app registry would silently vanish from the page
            raise SiteBuildError(f"{name}: en celle viser en widget, der ikke er en app i registret.")
        if "text/html" in data:
            parts.append(data["text/html"])
    return "".join(parts)


def render_lesson(path: Path, by_class: dict[str, SiteExercise], *, timeout: int = 120) -> Lesson:
    """Render one lesson notebook: execute its non-widget code cells, keep their HTML, link its exercises."""
    from nbclient import NotebookClient

    nb = nbformat.read(path, as_version=4)
    run = nbformat.v4.new_notebook(metadata=nb.metadata)
    plan: list[tuple[str, object]] = []
    for cell in nb.cells:
        if cell.cell_type == "markdown":
            plan.append(("md", cell.source))
        elif cell.cell_type == "code" and cell.source.strip():
            views = sorted(_kit_imports(cell.source) & set(by_class))
            if views:
                plan.append(("exercise", by_class[views[0]]))
            else:
                code = nbformat.v4.new_code_cell(cell.source)
                run.cells.append(code)
                plan.append(("output", code))
    if run.cells:
        try:
            client = NotebookClient(
                run,
                timeout=timeout,
                kernel_name="python3",
                resources={"metadata": {"path": str(path.parent)}},
            )
            client.execute()
        except Exception as exc:  # noqa: BLE001 - any failure: the lesson cannot be built
            raise SiteBuildError(f"Lektionen {path.name} kunne ikke køres: {exc}") from exc
    blocks = []
    for kind, item in plan:
        if kind == "md":
            blocks.append(Block(html=_markdown(item)))
        elif kind == "exercise":
            blocks.append(Block(exercise=item))
        else:
            blocks.append(Block(html=_html_outputs(item, path.name)))
    return Lesson(slug=path.stem, title=_title(nb, path), duration=_duration(nb), blocks=blocks)


def render_lessons(exercises: list[SiteExercise], apps_dir: Path, root: Path | None = None) -> list[Lesson]:
    """Every lesson notebook under ``root`` (default: the kit's ``lessons/``), in file-name order."""
    root = root or lessons_dir()
    by_class = exercise_for_class(exercises, apps_dir)
    found = [p for p in root.rglob("*.ipynb") if ".ipynb_checkpoints" not in p.parts]
    # the lessons in file-name order, then the glossary and anything else at the top level
    paths = sorted(found, key=lambda p: (p.parent == root, p.relative_to(root).as_posix()))
    return [render_lesson(p, by_class) for p in paths]
