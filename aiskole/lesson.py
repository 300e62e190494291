"""Helpers for lesson notebooks: render sourced claims and timelines from ``datasets/``.

Lessons never state a legal or statistical fact in their own cells; they call :func:`claims` with ids, or
:func:`timeline` with the id of a timeline in ``datasets/timeline.yaml``.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import jinja2
from IPython.display import HTML

from aiskole.datasets import DatasetError, TimelineEvent, load_claims, load_timelines
from aiskole.html import CSS, claim_html, danish_date


def claims(*ids: str) -> HTML:
    """Show the claims with these ids, each with its source and the date it was checked.

    Raises
    ------
    DatasetError
        An id that is not in ``claims.yaml`` (so a lesson can never cite an unsourced claim).
    """
    known = load_claims()
    unknown = [i for i in ids if i not in known]
    if unknown:
        raise DatasetError(f"Ukendte påstande i lektionen: {', '.join(unknown)} (se datasets/claims.yaml).")
    body = "".join(claim_html(known[i]) for i in ids)
    return HTML(f'<style>{CSS}</style><div class="aiskole">{body}</div>')


@cache
def _environment() -> jinja2.Environment:
    # The lead will later swap in the kit's shared environment; autoescape is on for every template.
    return jinja2.Environment(loader=jinja2.PackageLoader("aiskole", "templates"), autoescape=True)


@dataclass(frozen=True)
class _ShownEvent:
    event: TimelineEvent
    date_text: str
    past: bool


def timeline_html(timeline_id: str, today: dt.date | None = None, datasets_dir: Path | None = None) -> str:
    """The timeline as accessible HTML: an ordered list, ``<time datetime>``, past or coming said in words.

    Parameters
    ----------
    timeline_id
        The id of a timeline in ``datasets/timeline.yaml``.
    today
        The day that decides whether an event has happened (default: today). An event on ``today`` applies.
    datasets_dir
        Another folder with ``timeline.yaml`` (tests); default: the kit's datasets.

    Raises
    ------
    DatasetError
        An id that is not in ``timeline.yaml`` (Danish message).
    """
    known = load_timelines(datasets_dir)
    if timeline_id not in known:
        raise DatasetError(f"Ukendt tidslinje i lektionen: {timeline_id} (se datasets/timeline.yaml).")
    record = known[timeline_id]
    today = today or dt.date.today()
    events = [_ShownEvent(e, danish_date(e.date), e.date <= today) for e in record.events]
    template = _environment().get_template("lesson/timeline.html.j2")
    return template.render(
        css=CSS,
        timeline=record,
        events=events,
        checked_text=danish_date(record.checked),
        today_text=danish_date(today),
    )


def timeline(timeline_id: str, today: dt.date | None = None) -> HTML:
    """Show a timeline from ``datasets/timeline.yaml`` in a lesson (see :func:`timeline_html`)."""
    return HTML(timeline_html(timeline_id, today))
