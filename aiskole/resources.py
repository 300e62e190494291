"""Where the kit finds its content: the source checkout's folders, or the copies bundled in the wheel.

In a source checkout (an editable install) ``datasets/``, ``notebooks/`` and ``lessons/`` live at the
repository root; a wheel bundles them inside the package as ``_datasets``, ``_notebooks`` and ``_lessons``
(see ``pyproject.toml``). Templates, stylesheets and the Jupyter data folder always live in the package.
"""

from __future__ import annotations

from functools import cache
from importlib import resources
from pathlib import Path

PACKAGE_DIR = Path(__file__).resolve().parent
#: A Jupyter data dir inside the package: ``share/jupyter/voila/templates/aiskole`` is the Voilà template.
JUPYTER_DATA = PACKAGE_DIR / "share" / "jupyter"
#: nbconvert templates for the HTML reports.
NBCONVERT_TEMPLATES = JUPYTER_DATA / "nbconvert" / "templates"
#: The kit's Jinja2 templates and stylesheets.
TEMPLATES = PACKAGE_DIR / "templates"


def is_checkout() -> bool:
    """Whether the kit runs from a source checkout (an editable install) rather than an installed wheel."""
    return (PACKAGE_DIR.parent / "pyproject.toml").is_file() and (PACKAGE_DIR.parent / "lessons").is_dir()


def content_dir(*parts: str) -> Path:
    """The folder ``parts`` (e.g. ``"notebooks", "apps"``): the checkout's, else the bundled copy.

    The first part names the top folder: ``datasets``, ``notebooks`` or ``lessons``.
    """
    top, *rest = parts
    checkout = PACKAGE_DIR.parent / top
    base = checkout if checkout.is_dir() else PACKAGE_DIR / f"_{top}"
    return base.joinpath(*rest)


def datasets_dir() -> Path:
    return content_dir("datasets")


def apps_dir() -> Path:
    return content_dir("notebooks", "apps")


def report_templates_dir() -> Path:
    return content_dir("notebooks", "reports")


def lessons_dir() -> Path:
    return content_dir("lessons")


@cache
def stylesheet(name: str) -> str:
    """The text of ``templates/css/<name>.css`` (read once per process)."""
    return resources.files("aiskole").joinpath("templates", "css", f"{name}.css").read_text(encoding="utf-8")
