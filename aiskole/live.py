"""Live results for the presenter's screen: a workshop's stored rows of one exercise, aggregated by its unit.

:func:`aggregate` reads the rows into the exercise's typed model, keeps each participant's latest answer and
hands them to the unit's aggregator (``aiskole.exercises.<name>.aggregate``), which returns a frozen,
typed result. Free text participants typed (poll words, canvas titles) is split into what the presenter
approved and what still waits for moderation; only the approved is ever rendered
(:mod:`aiskole.render.live`). Callers that know the exercise call its unit directly and get its own type.

This module is pure: no widgets, no display, no storage, no HTML.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from aiskole import exercises
from aiskole.errors import UserError
from aiskole.exercises.base import LiveResult, Row, latest_per_participant, read_all
from aiskole.workshop import WorkshopState

#: The exercises a presenter can put in play, in the registry's order.
LIVE_EXERCISES: tuple[str, ...] = tuple(e.name for e in exercises.LIVE)


def as_state(state: WorkshopState | Mapping | None) -> WorkshopState:
    """A workshop state from the stored dict (or ``None``: nothing revealed, nothing approved)."""
    if isinstance(state, WorkshopState):
        return state
    return WorkshopState.from_dict(dict(state) if state else None)


def aggregate(exercise: str, rows: Iterable[Row], state: WorkshopState | Mapping | None = None) -> LiveResult:
    """Aggregate the rows of one live exercise, counting only each participant's latest answer.

    Rows of other exercises and rows that cannot be read are left out.

    Raises
    ------
    aiskole.errors.UserError
        An exercise that has no live results (Danish message).
    """
    if exercise not in LIVE_EXERCISES:
        raise UserError(f"Øvelsen {exercise!r} har ingen live-resultater.")
    unit = exercises.get(exercise).unit
    stored, _unreadable = read_all(unit.MODEL, rows)
    return unit.aggregate(latest_per_participant(stored), as_state(state))


def exercises_with_answers(rows: Iterable[Any]) -> tuple[str, ...]:
    """The live exercises that have at least one submission, in the order they are offered."""
    present = {getattr(r, "exercise", None) for r in rows}
    return tuple(e for e in LIVE_EXERCISES if e in present)
