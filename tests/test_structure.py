"""The shape of the package: short functions, no HTML or CSS in Python strings, imports at the top, one role per
module (domain logic, rendering or I/O), and one registry of exercises that every part reads."""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest

from aiskole import exercises
from aiskole.apps import APPS
from tests.conftest import ROOT

PACKAGE = ROOT / "aiskole"
MODULES = sorted(p for p in PACKAGE.rglob("*.py") if "migrations" not in p.parts)
MAX_FUNCTION_LINES = 80

#: What a string literal must not contain: an HTML tag, an inline style, or a CSS rule.
HTML_TAG = re.compile(
    r"<(/?)(div|p|span|table|tr|td|th|ul|ol|li|h[1-6]|section|a|img|strong|em|br|style|script|caption|thead"
    r"|tbody|mark|details|summary|blockquote|label|button|input|small|code|time|main|html|body|head|meta)\b",
    re.IGNORECASE,
)
INLINE_STYLE = re.compile(r"\bstyle\s*=\s*[\"']")
CSS_RULE = re.compile(r"[.#]?[a-z][\w-]*(\s+[.#]?[\w-]+)*\s*\{[^}]*:[^}]*;")


def _relative(path: Path) -> str:
    return str(path.relative_to(ROOT)) if path.is_relative_to(ROOT) else path.name


def _strings(tree: ast.AST):
    """Every string literal, including the literal parts of f-strings (docstrings excepted)."""
    docstrings = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Module | ast.ClassDef | ast.FunctionDef | ast.AsyncFunctionDef):
            body = node.body
            if body and isinstance(body[0], ast.Expr) and isinstance(body[0].value, ast.Constant):
                docstrings.add(id(body[0].value))
    for node in ast.walk(tree):
        if isinstance(node, ast.Constant) and isinstance(node.value, str) and id(node) not in docstrings:
            yield node.lineno, node.value


def html_in_strings(path: Path) -> list[str]:
    """``file:line: text`` for every line with a string that holds HTML or CSS (once per line, in order)."""
    found: dict[int, str] = {}
    for line, text in _strings(ast.parse(path.read_text(encoding="utf-8"))):
        if HTML_TAG.search(text) or INLINE_STYLE.search(text) or CSS_RULE.search(text):
            found.setdefault(line, f"{_relative(path)}:{line}: {text[:60]!r}")
    return [found[line] for line in sorted(found)]


#: The harness's XSS payloads are test data, not page fragments.
#: The browser harness (test pages), and the static site's lesson pages, which strip nbconvert's "¶" anchor links
#: with a regular expression (it matches HTML, it builds none).
HTML_ALLOWED = {PACKAGE / "testing.py", PACKAGE / "site" / "lessons.py"}


@pytest.mark.parametrize("path", [p for p in MODULES if p not in HTML_ALLOWED], ids=_relative)
def test_no_html_or_css_is_built_in_python_strings(path):
    """Is every page fragment a template (aiskole/templates) and every style a stylesheet?"""
    assert html_in_strings(path) == []


def test_the_html_scan_finds_html_when_there_is_some(tmp_path):
    """Can the scan above fail? It must find a tag, an inline style and a CSS rule, and skip docstrings."""
    sample = tmp_path / "sample.py"
    sample.write_text(
        '"""A <p> in a docstring is documentation."""\n'
        'a = f"<td>{1}</td>"\n'
        "b = 'x style=\"color:red\"'\n"
        'c = ".aiskole-x { color: red; }"\n'
        'd = "nothing here"\n',
        encoding="utf-8",
    )
    assert [f.split(":")[1] for f in html_in_strings(sample)] == ["2", "3", "4"]


def long_functions(path: Path) -> list[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    return [
        f"{_relative(path)}:{node.lineno} {node.name} ({node.end_lineno - node.lineno + 1} lines)"
        for node in ast.walk(tree)
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef)
        and node.end_lineno - node.lineno + 1 > MAX_FUNCTION_LINES
    ]


@pytest.mark.parametrize("path", MODULES, ids=_relative)
def test_no_function_is_longer_than_80_lines(path):
    assert long_functions(path) == []


#: A function-local import of the kit's own modules needs a comment with the measured cost that justifies it
#: (e.g. "papermill: ~3.4 s to import"), on the import's line or the line above.
MEASURED = re.compile(r"~?\d+(?:[.,]\d+)?\s*(?:s|ms|MiB|MB|KiB)\b")


def local_imports(path: Path) -> list[str]:
    lines = path.read_text(encoding="utf-8").splitlines()
    tree = ast.parse("\n".join(lines))
    found = []
    for func in ast.walk(tree):
        if not isinstance(func, ast.FunctionDef | ast.AsyncFunctionDef):
            continue
        for node in ast.walk(func):
            names = []
            if isinstance(node, ast.ImportFrom) and (node.module or "").startswith("aiskole"):
                names = [node.module]
            elif isinstance(node, ast.Import):
                names = [a.name for a in node.names if a.name.startswith("aiskole")]
            if not names:
                continue
            context = " ".join(lines[max(0, node.lineno - 3) : node.end_lineno])
            if not MEASURED.search(context):
                found.append(f"{_relative(path)}:{node.lineno} {names[0]}")
    return found


@pytest.mark.parametrize("path", MODULES, ids=_relative)
def test_the_kits_own_modules_are_imported_at_the_top(path):
    assert local_imports(path) == []


# --- one role per module ---------------------------------------------------------------------------------

#: Domain logic: pure, imports no rendering, no widgets, no database or web libraries, reads no files itself.
DOMAIN = [
    *sorted((PACKAGE / "exercises").glob("*.py")),
    *(
        PACKAGE / n
        for n in ("pii.py", "workshop.py", "live.py", "lix.py", "scales.py", "l10n.py", "errors.py")
    ),
    *(PACKAGE / "reports" / n for n in ("model.py", "workshop.py", "cohort.py", "pilot.py", "literacy.py")),
    PACKAGE / "reports" / "dpia_note.py",
    PACKAGE / "room" / "security.py",
]
#: Rendering: templates, charts and views; no database or web-server libraries.
RENDERING = [
    *sorted((PACKAGE / "render").glob("*.py")),
    PACKAGE / "reports" / "render.py",
    PACKAGE / "lesson.py",
    PACKAGE / "room" / "pages.py",
]
#: I/O: storage, files, processes, the network; no rendering libraries.
IO = [
    *(
        PACKAGE / n
        for n in ("store.py", "datasets.py", "resources.py", "files.py", "exports.py", "settings.py")
    ),
    *(PACKAGE / n for n in ("gzip_cache.py", "llm.py", "server.py", "content.py", "network.py")),
    PACKAGE / "room" / "kernels.py",
    *(PACKAGE / "site" / n for n in ("wheels.py", "serve.py")),
    PACKAGE / "jupyter_extension.py",
    *(PACKAGE / "reports" / n for n in ("runner.py", "pdf.py", "store.py", "batch.py")),
]
RENDERING_LIBRARIES = (
    "jinja2",
    "markupsafe",
    "matplotlib",
    "ipywidgets",
    "IPython",
    "aiskole.render",
    "aiskole.widgets",
)
IO_LIBRARIES = ("sqlalchemy", "tornado", "playwright", "papermill", "nbconvert", "voila", "aiskole.store")
FILE_CALLS = {"open", "read_text", "write_text", "read_bytes", "write_bytes", "mkdir", "unlink"}


def _runtime_nodes(tree: ast.AST):
    """Every node, except what sits under ``if TYPE_CHECKING:`` (imports for annotations only)."""
    stack = [tree]
    while stack:
        node = stack.pop()
        if isinstance(node, ast.If) and isinstance(node.test, ast.Name) and node.test.id == "TYPE_CHECKING":
            continue
        yield node
        stack.extend(ast.iter_child_nodes(node))


def imported(path: Path) -> set[str]:
    names = set()
    for node in _runtime_nodes(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom) and node.module:
            names.add(node.module)
        elif isinstance(node, ast.Import):
            names.update(a.name for a in node.names)
    return names


def uses(path: Path, libraries: tuple[str, ...]) -> list[str]:
    return sorted(n for n in imported(path) if n.split(".")[0] in libraries or n.startswith(libraries))


def file_calls(path: Path) -> list[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    return sorted(
        {
            (n.func.id if isinstance(n.func, ast.Name) else n.func.attr)
            for n in ast.walk(tree)
            if isinstance(n, ast.Call)
            and (
                isinstance(n.func, ast.Name)
                and n.func.id in FILE_CALLS
                or isinstance(n.func, ast.Attribute)
                and n.func.attr in FILE_CALLS
            )
        }
    )


@pytest.mark.parametrize("path", DOMAIN, ids=_relative)
def test_domain_modules_neither_render_nor_do_io(path):
    assert uses(path, RENDERING_LIBRARIES) == []
    assert uses(path, IO_LIBRARIES) == []
    assert file_calls(path) == []


@pytest.mark.parametrize("path", RENDERING, ids=_relative)
def test_rendering_modules_do_no_io(path):
    assert uses(path, IO_LIBRARIES) == []


@pytest.mark.parametrize("path", IO, ids=_relative)
def test_io_modules_do_not_render(path):
    assert uses(path, RENDERING_LIBRARIES) == []


def test_every_module_has_a_role_or_is_an_adapter():
    """Every module is domain, rendering or I/O, or one of the thin adapters (views, CLI, apps, harness)."""
    adapters = {
        *(PACKAGE / "widgets").glob("*.py"),
        *(PACKAGE / n for n in ("cli.py", "__main__.py", "__init__.py")),
    }
    adapters |= {
        PACKAGE / n for n in ("apps.py", "testing.py", "demo_data.py", "projects.py", "quiz_index.py")
    }
    adapters |= {PACKAGE / "reports" / "__init__.py", PACKAGE / "render" / "__init__.py"}
    # the static site's build script (files in, pages out), its exercise list, lesson pages (nbconvert) and the
    # code that runs inside Pyodide
    adapters |= {
        PACKAGE / "site" / n
        for n in ("__init__.py", "builder.py", "exercises.py", "lessons.py", "browser.py")
    }
    # the room's request handlers and the glue between store, rules and pages (thin, like the views)
    adapters |= {
        PACKAGE / "room" / n
        for n in ("__init__.py", "handlers.py", "guard.py", "context.py", "hub.py", "service.py")
    }
    unassigned = [_relative(p) for p in MODULES if p not in {*DOMAIN, *RENDERING, *IO, *adapters}]
    assert unassigned == []


# --- one registry ----------------------------------------------------------------------------------------


def test_every_exercise_has_its_module_view_app_and_templates():
    """Is everything an exercise needs where the registry says it is?"""
    for e in exercises.EXERCISES:
        unit = e.unit
        assert unit.MODEL.exercise == e.name and isinstance(unit.MODEL.version, int)
        assert len(unit.COVERAGE) == 2
        assert (ROOT / "notebooks" / "apps" / e.app).exists(), e.app
        assert e.view_class().__name__ == e.view.partition(":")[2]
        if e.live:
            assert callable(unit.aggregate)
            assert (PACKAGE / "templates" / "exercises" / e.name / "live.html.j2").exists()
    assert {a.notebook for a in APPS} >= {e.app for e in exercises.EXERCISES}


def test_every_live_exercise_can_be_answered_from_a_phone():
    """The room's participant pages are built from the unit (issue 12): its form parser and its templates."""
    for e in exercises.LIVE:
        unit = e.unit
        for name in ("load_content", "from_form", "form_values", "participant_result"):
            assert callable(getattr(unit, name, None)), f"{e.name}.{name}"
        for template in ("participant_form.html.j2", "participant_done.html.j2"):
            assert (PACKAGE / "templates" / "exercises" / e.name / template).exists(), f"{e.name}/{template}"


def test_no_other_list_of_exercises_is_left():
    """Nothing spells out the exercise names itself: store, live screen, join view, reports and landing page read
    the registry."""
    names = {e.name for e in exercises.EXERCISES}
    pattern = re.compile(
        r"\(\s*\"(\w+)\",\s*\"(\w+)\",\s*\"(\w+)\""
    )  # a tuple literal of three or more names
    offenders = []
    for path in MODULES:
        if path.parent.name == "exercises":
            continue
        for match in pattern.finditer(path.read_text(encoding="utf-8")):
            if set(match.groups()) <= names:
                offenders.append(f"{_relative(path)}: {match.group(0)}")
    assert offenders == []
