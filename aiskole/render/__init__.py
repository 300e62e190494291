"""Rendering: the kit's Jinja2 templates (``aiskole/templates``) with autoescape and the Danish filters.

Every page fragment a user sees is a template; Python code hands it plain values and typed results and never
builds HTML in strings. ``.html.j2`` and ``.svg.j2`` templates escape every value unless it is marked safe
(:class:`~markupsafe.Markup`, which :func:`render` returns for every fragment).
"""

from __future__ import annotations

from functools import cache

from jinja2 import Environment, FileSystemLoader, StrictUndefined, select_autoescape
from markupsafe import Markup

from aiskole import l10n
from aiskole.resources import TEMPLATES, stylesheet

__all__ = ["Markup", "environment", "render", "stylesheet"]


@cache
def environment() -> Environment:
    """The one Jinja2 environment of the kit (built once per process)."""
    env = Environment(
        loader=FileSystemLoader(TEMPLATES),
        autoescape=select_autoescape(enabled_extensions=("html.j2", "svg.j2"), default=False),
        undefined=StrictUndefined,  # a misspelt name is an error in the tests, never an empty hole on a page
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=False,
        # the templates ship with the package and do not change while a process runs: no stat() per render
        # (a room page is rendered for every phone; bench/room.py found the check in its profile)
        auto_reload=False,
    )
    env.filters.update(
        number=l10n.number,
        mean=l10n.mean,
        signed=l10n.signed,
        percent=l10n.percent,
        date_long=l10n.date_long,
        date_short=l10n.date_short,
        datetime_short=l10n.datetime_short,
        month_year=l10n.month_year,
        hyphenate=l10n.hyphenate,
    )
    env.globals.update(count=l10n.count, stylesheet=stylesheet, l10n=l10n)
    return env


def render(template: str, /, **context: object) -> Markup:
    """Render ``template`` (a path under ``aiskole/templates``) with ``context``.

    The result is :class:`~markupsafe.Markup`: another template can embed it without escaping it twice, and
    plain text joined to it is escaped (join fragments with ``Markup("").join(...)``, never with ``+`` on
    HTML written in Python – there is none).
    """
    return Markup(environment().get_template(template).render(**context))
