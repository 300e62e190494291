"""Kick-off-afstemning: one question on a 1-5 scale, an optional word, and the results so far.

An answer is a number 1-5 with a label from ``datasets/poll.yaml`` plus an optional word (trimmed, at most
a few words and ``max_length`` characters). :func:`aggregate` counts answers per value, the mean and the
word frequencies (case-folded); :func:`chart_png` draws the counts with every bar labelled.

This module is pure: no widgets, no display, no storage.
"""

from __future__ import annotations

import datetime as dt
import io
from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

from pydantic import Field, model_validator

# The shared loader (validation, Danish errors, mtime cache); see the report about making it public.
from aiskole.datasets import DatasetModel, load_dataset
from aiskole.scales import SCALE

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
class Vote:
    """A validated answer, ready to store."""

    answer: int
    label: str
    word: str | None

    def answers_dict(self) -> dict[str, Any]:
        return {"answer": self.answer, "word": self.word}

    def result_dict(self) -> dict[str, Any]:
        return {"label": self.label}


def make_vote(answer: Any, word: Any = None, *, content: PollContent | None = None) -> Vote:
    """Validate an answer and an optional word (see :func:`validate_answer` and :func:`clean_word`)."""
    content = content or load_poll()
    value = validate_answer(answer)
    return Vote(value, content.label(value), clean_word(word, content))


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


def aggregate(responses: Iterable[Mapping[str, Any]]) -> PollResults:
    """Aggregate stored answers (``{"answer": 1-5, "word": str | None}``).

    Rows with a missing or invalid answer are skipped and counted in ``skipped``; words are case-folded
    and counted once per response.
    """
    counts = dict.fromkeys(SCALE, 0)
    words: Counter[str] = Counter()
    skipped = 0
    for row in responses:
        value = row.get("answer") if isinstance(row, Mapping) else None
        if isinstance(value, bool) or not isinstance(value, int) or value not in SCALE:
            skipped += 1
            continue
        counts[value] += 1
        word = row.get("word")
        if isinstance(word, str) and word.strip():
            words[" ".join(word.split()).casefold()] += 1
    n = sum(counts.values())
    mean = sum(v * c for v, c in counts.items()) / n if n else None
    ordered = tuple(sorted(words.items(), key=lambda item: (-item[1], item[0])))
    return PollResults(counts, n, mean, ordered, skipped)


def format_mean(mean: float | None) -> str:
    """The mean with one decimal and a Danish comma, or a dash when nobody has answered."""
    return "–" if mean is None else f"{mean:.1f}".replace(".", ",")


# --- chart ---------------------------------------------------------------------------------------------


def chart_png(results: PollResults, content: PollContent | None = None) -> bytes:
    """A horizontal bar chart: one bar per answer, labelled with its answer text and its count (PNG)."""
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    content = content or load_poll()
    fig = Figure(figsize=(4.2, 3.0), dpi=140)
    FigureCanvasAgg(fig)
    ax = fig.add_subplot()
    labels = [f"{a.value} – {a.label}" for a in content.answers]
    counts = [results.counts[a.value] for a in content.answers]
    bars = ax.barh(labels, counts, color="#0072B2", edgecolor="#222222")
    ax.invert_yaxis()  # 1 at the top, as in the list of answers
    ax.bar_label(bars, labels=[str(c) for c in counts], padding=4, fontsize=11)
    ax.set_xlim(0, max(1, *counts) * 1.18)
    ax.xaxis.set_major_locator(_integer_locator())
    ax.set_xlabel("Antal svar", fontsize=11)
    ax.set_title(f"Svar i alt: {results.n}", fontsize=12)
    ax.tick_params(labelsize=11)
    for side in ("top", "right"):
        ax.spines[side].set_visible(False)
    fig.tight_layout()
    buffer = io.BytesIO()
    fig.savefig(buffer, format="png")
    return buffer.getvalue()


def _integer_locator():
    from matplotlib.ticker import MaxNLocator

    return MaxNLocator(integer=True)


def chart_alt_text(results: PollResults, content: PollContent | None = None) -> str:
    """The chart in words, for screen readers and when the image does not load."""
    content = content or load_poll()
    parts = ", ".join(f"{a.label} {results.counts[a.value]}" for a in content.answers)
    return f"Søjlediagram over svarene på «{content.question}»: {parts}. I alt {results.n} svar."
