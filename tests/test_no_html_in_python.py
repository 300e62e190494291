"""No HTML or CSS is built in Python strings: every fragment a user sees is a Jinja2 template with autoescape.

The scan reads the source with :mod:`ast` and looks at every string literal and every literal part of an
f-string (docstrings are documentation, not markup, and are left out). A tag such as ``<p`` or ``</div``, or
an inline ``style=`` attribute, means markup is being put together in Python, where one forgotten
``escape()`` is an XSS hole. The folders are parameters, so the check can grow to all of ``aiskole/``.

The same scan keeps functions short: no function in a scanned folder is longer than 80 lines.
"""

from __future__ import annotations

import ast
import re
from collections.abc import Iterator
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]

#: Folders whose Python code must not build HTML or CSS (relative to the repository root).
NO_HTML_FOLDERS = ("aiskole/widgets",)
#: Folders whose functions must fit in :data:`MAX_FUNCTION_LINES`.
SHORT_FUNCTION_FOLDERS = ("aiskole/widgets",)
MAX_FUNCTION_LINES = 80

HTML_TAG = re.compile(
    r"<(/?)(div|p|span|table|tr|td|th|ul|ol|li|h[1-6]|section|a|img|strong|em|br|style|script|caption|thead"
    r"|tbody|mark|details|summary|blockquote|label|button|input|small|code|time)\b",
    re.IGNORECASE,
)
INLINE_STYLE = re.compile(r"\bstyle\s*=", re.IGNORECASE)


def _docstrings(tree: ast.AST) -> set[int]:
    """The ids of the string constants that are module, class or function docstrings."""
    ids = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Module | ast.ClassDef | ast.FunctionDef | ast.AsyncFunctionDef):
            body = node.body
            if body and isinstance(body[0], ast.Expr) and isinstance(body[0].value, ast.Constant):
                ids.add(id(body[0].value))
    return ids


def string_parts(source: str) -> Iterator[tuple[int, str]]:
    """(line, text) of every string literal and every literal part of an f-string, docstrings left out."""
    tree = ast.parse(source)
    skip = _docstrings(tree)
    for node in ast.walk(tree):
        # the literal parts of an f-string are Constant nodes too, so ast.walk reaches them
        if isinstance(node, ast.Constant) and isinstance(node.value, str) and id(node) not in skip:
            yield node.lineno, node.value


def markup_in(source: str) -> list[tuple[int, str]]:
    """(line, text) of every string part that holds an HTML tag or an inline ``style=`` attribute."""
    return [
        (line, text)
        for line, text in string_parts(source)
        if HTML_TAG.search(text) or INLINE_STYLE.search(text)
    ]


def python_files(folder: str) -> list[Path]:
    files = sorted((ROOT / folder).rglob("*.py"))
    assert files, f"no Python files in {folder}"
    return files


def long_functions(source: str, limit: int = MAX_FUNCTION_LINES) -> list[tuple[str, int, int]]:
    """(name, first line, length) of every function or method longer than ``limit`` lines."""
    found = []
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
            length = node.end_lineno - node.lineno + 1
            if length > limit:
                found.append((node.name, node.lineno, length))
    return found


# --- the checks ------------------------------------------------------------------------------------------


@pytest.mark.parametrize("folder", NO_HTML_FOLDERS)
def test_no_html_or_css_is_built_in_python_strings(folder):
    """Is every HTML fragment and every colour in a template or a stylesheet, none in a Python string?"""
    offenders = [
        f"{path.relative_to(ROOT)}:{line}: {text[:80]!r}"
        for path in python_files(folder)
        for line, text in markup_in(path.read_text(encoding="utf-8"))
    ]
    assert not offenders, "HTML or CSS built in Python (move it to a template):\n" + "\n".join(offenders)


@pytest.mark.parametrize("folder", SHORT_FUNCTION_FOLDERS)
def test_no_function_is_longer_than_80_lines(folder):
    """Is every function short enough to read at once (split long ``__init__``s into builder methods)?"""
    offenders = [
        f"{path.relative_to(ROOT)}:{line}: {name} has {length} lines"
        for path in python_files(folder)
        for name, line, length in long_functions(path.read_text(encoding="utf-8"))
    ]
    assert not offenders, f"functions longer than {MAX_FUNCTION_LINES} lines:\n" + "\n".join(offenders)


# --- the checks check what they claim --------------------------------------------------------------------


@pytest.mark.parametrize(
    "source",
    [
        "x = '<p class=\"aiskole-help\">Hej</p>'",
        "x = f'<strong>{name}</strong>'",
        "x = 'Tekst' + '</div>'",
        "x = f'<span style=\"width:{w}%\"></span>'",
        "x = 'style=\"background:#fff\"'",
        "def f():\n    return ('<h3>Resultat</h3>'\n            f'{rows}')",
        "x = '<TABLE>'",
    ],
)
def test_the_scan_finds_markup_in_literals_and_f_strings(source):
    assert markup_in(source)


@pytest.mark.parametrize(
    "source",
    [
        '"""A docstring may mention <p> and <mark> tags."""',
        "def f():\n    '''Shows a <details> box.'''\n    return render('exercises/x.html.j2')",
        "x = 'a < b and p > q'",
        "x = 'aiskole-status-error'",
        "x = '<presenter>'",  # not an HTML tag of the list
        "x = 'Læs mere på https://example.org/p'",
    ],
)
def test_the_scan_leaves_plain_text_and_docstrings_alone(source):
    assert not markup_in(source)


def test_the_length_check_counts_every_line_of_a_function():
    body = "\n".join(f"    x{i} = {i}" for i in range(79))
    assert not long_functions(f"def f():\n{body}\n")  # 80 lines: allowed
    assert long_functions(f"def f():\n{body}\n    x = 0\n") == [("f", 1, 81)]
    method = f"class A:\n    def g(self):\n{body.replace('    ', '        ')}\n        y = 1\n"
    assert long_functions(method) == [("g", 2, 81)]
