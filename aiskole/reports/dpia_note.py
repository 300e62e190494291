"""The note to the DPO ("DPIA-screeningsnotat") for one stored mini-DPIA: the answers, the verdict by today's
rule, its reasons and legal basis. A starting point for a talk with the DPO, not a decision."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from aiskole.errors import ReportError
from aiskole.exercises import dpia
from aiskole.exercises.base import Unreadable, read
from aiskole.reports import model

if TYPE_CHECKING:  # the store is handed in; its types are only annotations here
    from aiskole.store import Store


@dataclass(frozen=True)
class DpiaNote:
    """Everything the note shows, built from one stored submission."""

    submission_id: int
    created_at: dt.datetime
    workshop_code: str | None
    screening: dpia.Screening
    content: dpia.DpiaContent

    @property
    def result(self) -> dict[str, Any]:
        return {
            "submission_id": self.submission_id,
            "verdict": self.screening.verdict,
            "rules": [r.rule for r in self.screening.reasons],
            "criteria_met": list(self.screening.criteria_met),
        }


def parse_submission_id(value: Any) -> int:
    """A screening's number as the user typed it.

    Raises
    ------
    ReportError
        Not a whole number of 1 or more (Danish message).
    """
    if isinstance(value, bool):
        raise ReportError("Screeningens nummer skal være et helt tal, fx 12.")
    try:
        number = int(str(value).strip())
    except (TypeError, ValueError):
        raise ReportError(f"Screeningens nummer skal være et helt tal, fx 12 – ikke {value!r}.") from None
    if number < 1:
        raise ReportError("Screeningens nummer skal være 1 eller større.")
    return number


def dpia_note(store: Store, submission_id: Any) -> DpiaNote:
    """The note for the stored mini-DPIA with this number.

    Raises
    ------
    ReportError
        The id is not a positive whole number, there is no such mini-DPIA, or the store is unreachable.
    """
    number = parse_submission_id(submission_id)
    row = model.read(store, "get_submission", number)
    if row is None or row.exercise != dpia.DpiaSubmission.exercise:
        raise ReportError(f"Der findes ingen mini-DPIA med nummer {number}.")
    try:
        stored = read(dpia.DpiaSubmission, row)
    except Unreadable as exc:
        raise ReportError(str(exc)) from None
    content = dpia.load_dpia()
    return DpiaNote(number, row.created_at, row.workshop_code, stored.model.screen(content), content)
