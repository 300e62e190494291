"""What every exercise unit shares: the stored-row wrapper, reading rows into typed models, and live results.

A unit's submission model is a frozen dataclass with

* ``exercise`` and ``version`` (class variables): the registry name, and the shape it writes;
* ``to_answers()`` / ``to_result()``: the JSON stored in ``submissions.answers`` and ``submissions.result``;
* ``from_answers(answers, result)``: the model back from a stored row, of this version or any older one
  (an unreadable row raises :class:`Unreadable`).

Exercises a presenter can put in play also answer a participant's phone, which posts a plain HTML form (or the
same fields as JSON): ``from_form(form, content)`` builds the model from a :class:`Form` or raises
:class:`FormError` with a Danish message per field; ``form_values(model)`` gives the fields back, so a
participant who wants to change an answer sees it again.

Aggregators take :class:`Stored` models (the model plus the row's id, participant and time), keep each
participant's latest answer (:func:`latest_per_participant`) and return a typed, frozen result.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, ClassVar, Generic, Protocol, Self, TypeVar

from aiskole.errors import UserError

#: The key under which a model writes its version into ``answers`` (rows without it are version 1).
VERSION_KEY = "v"


class Unreadable(UserError):
    """A stored row that does not fit any version of its exercise's model (Danish message)."""


class FormError(UserError):
    """A participant's form with fields that need fixing: one Danish message per field name (what the page
    shows next to each field), and a summary for the top of the form."""

    def __init__(self, errors: Mapping[str, str], summary: str = "Ret det markerede, og send igen.") -> None:
        super().__init__(summary)
        self.errors = dict(errors)
        self.summary = summary


class Form:
    """The fields of a posted form (or of a JSON object with the same names): every value a string.

    ``Form({"svar": ["3"], "ord": [" nysgerrig "]})``; a field posted twice (checkboxes) keeps every value.
    Values are bounded (:data:`MAX_VALUES`, :data:`MAX_VALUE_LENGTH`) before any exercise reads them.
    """

    MAX_VALUES = 200
    MAX_VALUE_LENGTH = 4000

    def __init__(self, fields: Mapping[str, Any] | None = None) -> None:
        self._fields: dict[str, list[str]] = {}
        for name, value in (fields or {}).items():
            if len(self._fields) >= self.MAX_VALUES:
                raise FormError({}, "Formularen har for mange felter.")
            values = value if isinstance(value, list | tuple) else [value]
            self._fields[str(name)] = [self._text(v) for v in values[: self.MAX_VALUES] if v is not None]

    def _text(self, value: Any) -> str:
        text = value.decode("utf-8", "replace") if isinstance(value, bytes) else str(value)
        if len(text) > self.MAX_VALUE_LENGTH:
            raise FormError({}, "En af teksterne er for lang.")
        return text

    def get(self, name: str) -> str | None:
        """The field's (first) value, stripped; ``None`` when it is missing or blank."""
        values = self._fields.get(name)
        text = values[0].strip() if values else ""
        return text or None

    def get_all(self, name: str) -> list[str]:
        return [v.strip() for v in self._fields.get(name, ()) if v.strip()]

    def __contains__(self, name: object) -> bool:
        return name in self._fields

    def to_dict(self) -> dict[str, list[str]]:
        return {k: list(v) for k, v in self._fields.items()}


class SubmissionModel(Protocol):
    exercise: ClassVar[str]
    version: ClassVar[int]

    def to_answers(self) -> dict[str, Any]: ...

    def to_result(self) -> dict[str, Any]: ...

    @classmethod
    def from_answers(cls, answers: Mapping[str, Any], result: Mapping[str, Any] | None = None) -> Self: ...


M = TypeVar("M")


class Row(Protocol):
    """What a stored submission row has (:class:`aiskole.store.SubmissionRow` and test doubles)."""

    id: int
    exercise: str
    answers: Mapping[str, Any]
    result: Mapping[str, Any]
    created_at: dt.datetime
    participant: str | None
    workshop_code: str | None


@dataclass(frozen=True)
class Stored(Generic[M]):
    """A typed submission with what identifies and orders its row."""

    id: int
    model: M
    created_at: dt.datetime
    participant: str | None = None
    workshop_code: str | None = None


def stored_version(answers: Mapping[str, Any]) -> int:
    """The version a row was written in: its ``"v"``, or 1 for rows written before versions existed."""
    value = answers.get(VERSION_KEY, 1) if isinstance(answers, Mapping) else 1
    return value if isinstance(value, int) and not isinstance(value, bool) and value >= 1 else 1


def versioned(model: SubmissionModel, answers: dict[str, Any]) -> dict[str, Any]:
    """``answers`` with the model's version in it (what ``to_answers`` returns)."""
    return {**answers, VERSION_KEY: model.version}


def read(model: type[M], row: Row) -> Stored[M]:
    """One stored row as a typed model.

    Raises
    ------
    Unreadable
        The row belongs to another exercise, or fits no version of the model.
    """
    if row.exercise != model.exercise:  # type: ignore[attr-defined]
        raise Unreadable(f"Svar nr. {row.id} hører til en anden øvelse.")
    answers = row.answers if isinstance(row.answers, Mapping) else {}
    result = row.result if isinstance(row.result, Mapping) else {}
    try:
        parsed = model.from_answers(answers, result)  # type: ignore[attr-defined]
    except Unreadable:
        raise
    except (ValueError, TypeError, KeyError, AttributeError) as exc:
        raise Unreadable(f"Svar nr. {row.id} kunne ikke læses: {exc}") from None
    return Stored(row.id, parsed, row.created_at, row.participant, row.workshop_code)


def read_all(model: type[M], rows: Iterable[Row]) -> tuple[list[Stored[M]], int]:
    """The rows of ``model``'s exercise as typed models, in the given order, and how many could not be read.

    Rows of other exercises are left out (and not counted).
    """
    found: list[Stored[M]] = []
    unreadable = 0
    for row in rows:
        if row.exercise != model.exercise:  # type: ignore[attr-defined]
            continue
        try:
            found.append(read(model, row))
        except Unreadable:
            unreadable += 1
    return found, unreadable


S = TypeVar("S", bound="Stored")


def latest_per_participant(stored: Iterable[S]) -> list[S]:
    """Each participant's latest answer (a participant may answer again to change it), in id order.

    Answers without a participant token count one by one.
    """
    latest: dict[str, S] = {}
    anonymous: list[S] = []
    for s in sorted(stored, key=lambda s: (s.created_at, s.id)):
        if s.participant:
            latest[s.participant] = s
        else:
            anonymous.append(s)
    return sorted([*latest.values(), *anonymous], key=lambda s: s.id)


def by_time(stored: Iterable[S]) -> list[S]:
    return sorted(stored, key=lambda s: (s.created_at, s.id))


@dataclass(frozen=True)
class LiveResult:
    """What every live aggregate has: its exercise, the number of answers, free text awaiting moderation."""

    exercise: ClassVar[str] = ""
    n: int

    @property
    def pending(self) -> tuple[tuple[str, int], ...]:
        return ()


def normalise_text(text: Any) -> str | None:
    """Free text as it is counted and approved: inner whitespace collapsed, case-folded; ``None`` when blank."""
    if not isinstance(text, str):
        return None
    cleaned = " ".join(text.split()).casefold()
    return cleaned or None


def split_moderated(
    counts: Mapping[str, int], approved: set[str]
) -> tuple[tuple[tuple[str, int], ...], tuple[tuple[str, int], ...]]:
    """Free texts with their counts, most frequent first: (approved ones, ones still waiting for moderation)."""
    ordered = sorted(counts.items(), key=lambda item: (-item[1], item[0]))
    shown = tuple((t, c) for t, c in ordered if t in approved)
    waiting = tuple((t, c) for t, c in ordered if t not in approved)
    return shown, waiting


def is_int(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def is_number(value: Any) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)


def join_danish(items: Sequence[object]) -> str:
    """``[1, 2, 3]`` -> ``"1, 2 og 3"``."""
    text = [str(i) for i in items]
    if not text:
        return ""
    return text[0] if len(text) == 1 else ", ".join(text[:-1]) + " og " + text[-1]
