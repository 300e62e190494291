"""Kick-off-afstemning: one question on a 1-5 scale, an optional word, and the results so far.

An answer is a number 1-5 with a label from ``datasets/poll.yaml`` plus an optional word (trimmed, at most
a few words and ``max_length`` characters). :func:`aggregate` counts answers per value, the mean and the
word frequencies (case-folded). The unit owns its submission model (:class:`PollSubmission`) and its live
aggregate (:func:`aggregate`). Pure: no widgets, no display, no storage, no HTML (the chart is drawn by
:mod:`aiskole.render.charts`).
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import re
from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any, ClassVar, Literal, Protocol

from pydantic import Field, model_validator

from aiskole.datasets import DatasetModel, load_dataset
from aiskole.exercises.base import (
    Form,
    FormError,
    LiveResult,
    Row,
    Stored,
    Unreadable,
    latest_per_participant,
    normalise_text,
    read_all,
    split_moderated,
    versioned,
)
from aiskole.scales import SCALE
from aiskole.workshop import WorkshopState

_NUMBER_WORDS = {1: "ét", 2: "to", 3: "tre", 4: "fire", 5: "fem"}


# --- dataset -----------------------------------------------------------------------------------------


class PollAnswer(DatasetModel):
    value: int = Field(ge=1, le=5)
    label: str = Field(min_length=3, max_length=40)


class WordRules(DatasetModel):
    label: str
    placeholder: str
    help: str
    max_length: int = Field(ge=5, le=60)
    max_words: int = Field(ge=1, le=5)


class PollContent(DatasetModel):
    """The content of ``datasets/poll.yaml``."""

    schema_: Literal["aiskole.poll/1"] = Field(alias="schema")
    checked: dt.date
    review_by: dt.date
    title: str
    question: str = Field(min_length=10)
    intro: str
    answers: tuple[PollAnswer, ...]
    word: WordRules

    @model_validator(mode="after")
    def _consistent(self) -> PollContent:
        values = [a.value for a in self.answers]
        if values != list(SCALE):
            raise ValueError(f"svarene skal have værdierne 1-5 i rækkefølge, fandt {values}")
        labels = [a.label for a in self.answers]
        if len(set(labels)) != len(labels):
            raise ValueError("to svar har samme tekst")
        if self.review_by <= self.checked:
            raise ValueError("review_by skal ligge efter checked")
        return self

    def label(self, value: int) -> str:
        return self.answers[value - 1].label


def load_poll(datasets_dir: Path | None = None) -> PollContent:
    """Load and validate ``poll.yaml``: the question, the five answers and the rules for the word."""
    return load_dataset("poll.yaml", PollContent, datasets_dir)


# --- validation ----------------------------------------------------------------------------------------


def validate_answer(value: Any) -> int:
    """The chosen answer as an int 1-5.

    Raises
    ------
    ValueError
        No answer, or not one of 1-5 (Danish message).
    """
    if value is None:
        raise ValueError("Vælg et svar, før du sender.")
    if isinstance(value, bool) or not isinstance(value, int) or value not in SCALE:
        raise ValueError("Vælg et af de fem svar (1-5).")
    return value


def clean_word(text: Any, content: PollContent | None = None) -> str | None:
    """The optional word, trimmed and with inner whitespace collapsed; ``None`` when blank.

    Raises
    ------
    ValueError
        Too long, or too many words (Danish message; the text itself is not repeated).
    """
    if text is None:
        return None
    if not isinstance(text, str):
        raise ValueError("Ordet skal være tekst.")
    rules = (content or load_poll()).word
    words = text.split()
    if not words:
        return None
    cleaned = " ".join(words)
    if len(cleaned) > rules.max_length:
        raise ValueError(
            f"Ordet er for langt: højst {rules.max_length} tegn – du har skrevet {len(cleaned)}. "
            "Prøv med et kortere ord."
        )
    if len(words) > rules.max_words:
        limit = _NUMBER_WORDS.get(rules.max_words, str(rules.max_words))
        raise ValueError(f"Skriv højst {limit} ord – du har skrevet {len(words)}.")
    return cleaned


@dataclass(frozen=True)
class PollSubmission:
    """One answer to the kick-off poll: the value 1-5, its label, and the optional word."""

    exercise: ClassVar[str] = "poll"
    version: ClassVar[int] = 2

    answer: int
    label: str
    word: str | None = None

    def to_answers(self) -> dict[str, Any]:
        return versioned(self, {"answer": self.answer, "word": self.word})

    def to_result(self) -> dict[str, Any]:
        return {"label": self.label}

    @classmethod
    def from_answers(
        cls, answers: Mapping[str, Any], result: Mapping[str, Any] | None = None
    ) -> PollSubmission:
        value = answer_value(answers.get("answer"))
        if value is None:
            raise Unreadable("Svaret på afstemningen er ikke et tal fra 1 til 5.")
        word = answers.get("word")
        label = (result or {}).get("label")
        return cls(
            value, label if isinstance(label, str) else str(value), word if isinstance(word, str) else None
        )


def answer_value(value: Any) -> int | None:
    """A stored answer as 1-5, or ``None`` when it is not one (reports read this field alone)."""
    return value if isinstance(value, int) and not isinstance(value, bool) and value in SCALE else None


def make_vote(answer: Any, word: Any = None, *, content: PollContent | None = None) -> PollSubmission:
    """Validate an answer and an optional word (see :func:`validate_answer` and :func:`clean_word`)."""
    content = content or load_poll()
    value = validate_answer(answer)
    return PollSubmission(value, content.label(value), clean_word(word, content))


# --- a participant's phone -----------------------------------------------------------------------------

#: The fields of the poll's participant form.
FORM_ANSWER, FORM_WORD = "svar", "ord"
load_content = load_poll


def from_form(form: Form, content: PollContent | None = None) -> PollSubmission:
    """The vote from a participant's form: ``svar`` (1-5) and the optional ``ord``.

    Raises
    ------
    FormError
        With a Danish message for each field that needs fixing.
    """
    content = content or load_poll()
    errors: dict[str, str] = {}
    value = None
    raw = form.get(FORM_ANSWER)
    try:
        value = validate_answer(
            int(raw) if raw and re.fullmatch(r"[0-9]{1,2}", raw) else (None if raw is None else -1)
        )
    except ValueError as exc:
        errors[FORM_ANSWER] = str(exc)
    word = None
    try:
        word = clean_word(form.get(FORM_WORD), content)
    except ValueError as exc:
        errors[FORM_WORD] = str(exc)
    if errors or value is None:
        raise FormError(errors)
    return PollSubmission(value, content.label(value), word)


def form_values(model: PollSubmission) -> dict[str, str]:
    return {FORM_ANSWER: str(model.answer), FORM_WORD: model.word or ""}


def participant_result(model: PollSubmission, content: PollContent | None = None) -> PollSubmission:
    """What the participant sees after voting: their own answer (never anybody else's)."""
    return model


# --- aggregation ---------------------------------------------------------------------------------------


@dataclass(frozen=True)
class PollResults:
    """Counts per answer, number of answers, mean, and word frequencies (most frequent first)."""

    counts: dict[int, int]
    n: int
    mean: float | None
    words: tuple[tuple[str, int], ...]
    skipped: int = 0

    def to_dict(self) -> dict[str, Any]:
        return {
            "counts": {str(k): v for k, v in self.counts.items()},
            "n": self.n,
            "mean": self.mean,
            "words": [list(w) for w in self.words],
        }


def results(votes: Iterable[PollSubmission], skipped: int = 0) -> PollResults:
    """Count answers per value, the mean and the words (case-folded, counted once per answer)."""
    counts = dict.fromkeys(SCALE, 0)
    words: Counter[str] = Counter()
    for vote in votes:
        counts[vote.answer] += 1
        word = normalise_text(vote.word)
        if word:
            words[word] += 1
    n = sum(counts.values())
    mean = sum(v * c for v, c in counts.items()) / n if n else None
    ordered = tuple(sorted(words.items(), key=lambda item: (-item[1], item[0])))
    return PollResults(counts, n, mean, ordered, skipped)


def results_of(rows: Iterable[Row]) -> PollResults:
    """:func:`results` over stored rows; rows that are not a valid answer are counted in ``skipped``."""
    stored, unreadable = read_all(PollSubmission, rows)
    return results((s.model for s in stored), unreadable)


def visitor_results(rows: Iterable[Row], own_word: str | None = None) -> PollResults:
    """Results for the standalone app: the counts of the given rows (each participant's latest answer), and of
    the free words only the visitor's own -- an app never shows another visitor's free text (issue 12)."""
    stored, unreadable = read_all(PollSubmission, rows)
    counted = results((s.model for s in latest_per_participant(stored)), unreadable)
    own = normalise_text(own_word)
    return dataclasses.replace(counted, words=((own, 1),) if own else ())


# --- live aggregate ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class AnswerCount:
    value: int
    label: str
    count: int


@dataclass(frozen=True)
class PollLive(LiveResult):
    """Counts per answer 1-5, the mean, and the words: approved (shown) and pending (never shown)."""

    exercise: ClassVar[str] = "poll"
    question: str
    answers: tuple[AnswerCount, ...]
    mean: float | None
    approved: tuple[tuple[str, int], ...]
    waiting: tuple[tuple[str, int], ...]

    @property
    def pending(self) -> tuple[tuple[str, int], ...]:
        return self.waiting


def aggregate(
    stored: Iterable[Stored[PollSubmission]],
    state: WorkshopState | None = None,
    *,
    content: PollContent | None = None,
) -> PollLive:
    """The live aggregate of the given answers (pass each participant's latest only).

    Words are shown only when the presenter approved them (in ``state``); the others wait.
    """
    content = content or load_poll()
    counted = results(s.model for s in stored)
    approved = {normalise_text(w) for w in (state or WorkshopState()).approved_words} - {None}
    shown, waiting = split_moderated(dict(counted.words), approved)
    return PollLive(
        n=counted.n,
        question=content.question,
        answers=tuple(AnswerCount(a.value, a.label, counted.counts[a.value]) for a in content.answers),
        mean=counted.mean,
        approved=shown,
        waiting=waiting,
    )


# --- before and after (reports) ------------------------------------------------------------------------


class Answer(Protocol):
    """One stored poll answer as a report reads it: who, when, and the raw ``answers["answer"]``."""

    id: int
    participant: str | None
    created_at: dt.datetime
    value: Any


@dataclass(frozen=True)
class Distribution:
    """Answers per value 1-5, how many and their mean."""

    n: int
    mean: float | None
    counts: Mapping[int, int]

    def to_dict(self) -> dict[str, Any]:
        return {
            "n": self.n,
            "mean": None if self.mean is None else round(self.mean, 4),
            "counts": {str(k): v for k, v in self.counts.items()},
        }


def distribution(values: Iterable[int]) -> Distribution:
    values = list(values)
    return Distribution(
        len(values), sum(values) / len(values) if values else None, {v: values.count(v) for v in SCALE}
    )


def first_and_last(answers: Iterable[Answer]) -> tuple[dict[str, int], dict[str, int]]:
    """Per participant: the first valid answer ("før") and, if they answered more than once, the last ("efter").

    Keys are participant tokens; answers without a token get a key of their own (before only).
    """
    first: dict[str, int] = {}
    last: dict[str, int] = {}
    seen: Counter[str] = Counter()
    for a in sorted(answers, key=lambda a: (a.created_at, a.id)):
        value = answer_value(a.value)
        if value is None:
            continue
        key = a.participant or f"#{a.id}"
        seen[key] += 1
        first.setdefault(key, value)
        if seen[key] > 1:
            last[key] = value
    return first, last


@dataclass(frozen=True)
class BeforeAfter:
    """The poll at the start and at the end of a workshop, and the change for those who answered both."""

    question: str
    answers: tuple[tuple[int, str], ...]
    before: Distribution
    after: Distribution
    paired: int
    change: float | None

    def to_dict(self) -> dict[str, Any]:
        return {
            "before": self.before.to_dict(),
            "after": self.after.to_dict(),
            "paired": {
                "n": self.paired,
                "mean_change": None if self.change is None else round(self.change, 4),
            },
        }


def before_after(answers: Iterable[Answer], *, content: PollContent | None = None) -> BeforeAfter:
    """Compare each participant's first answer with their last (see :func:`first_and_last`)."""
    content = content or load_poll()
    first, last = first_and_last(answers)
    changes = [last[k] - first[k] for k in last]
    return BeforeAfter(
        question=content.question,
        answers=tuple((a.value, a.label) for a in content.answers),
        before=distribution(first.values()),
        after=distribution(last.values()),
        paired=len(changes),
        change=sum(changes) / len(changes) if changes else None,
    )


@dataclass(frozen=True)
class StoredAnswer:
    """A stored poll submission as an :class:`Answer`."""

    id: int
    participant: str | None
    created_at: dt.datetime
    value: Any


def as_answers(stored: Iterable[Stored[PollSubmission]]) -> list[StoredAnswer]:
    return [StoredAnswer(s.id, s.participant, s.created_at, s.model.answer) for s in stored]


#: What the exercise covers and what participants practise in it (AI Act art. 4 documentation).
COVERAGE = (
    "Holdning til AI i eget arbejde",
    "Deltagerne satte ord på, hvor trygge de er ved AI i deres arbejde.",
)

#: The unit's submission model (every unit names it ``MODEL``).
MODEL = PollSubmission
