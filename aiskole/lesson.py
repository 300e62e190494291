"""Helpers for lesson notebooks: render sourced claims and timelines from ``datasets/``.

Lessons never state a legal or statistical fact in their own cells; they call :func:`claims` with ids, or
:func:`timeline` with the id of a timeline in ``datasets/timeline.yaml``.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path

from IPython.display import HTML

from aiskole.datasets import DatasetError, TimelineEvent, load_claims, load_timelines
from aiskole.render import render


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
    return HTML(render("lesson/claims.html.j2", claims=[known[i] for i in ids]))


@dataclass(frozen=True)
class _ShownEvent:
    event: TimelineEvent
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
    events = [_ShownEvent(e, e.date <= today) for e in record.events]
    return render("lesson/timeline.html.j2", timeline=record, events=events, today=today)


def timeline(timeline_id: str, today: dt.date | None = None) -> HTML:
    """Show a timeline from ``datasets/timeline.yaml`` in a lesson (see :func:`timeline_html`)."""
    return HTML(timeline_html(timeline_id, today))
