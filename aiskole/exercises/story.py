"""The storybank (historiebank): colleagues' quotes about AI, for the internal newsletter and the intranet.

A story is a quote with the colleague's role and department (never a name) and their explicit consent: a
flag plus the consent text they agreed to (``datasets/storybank.yaml``). The rule this module enforces is
that **a quote without consent is never shown or exported**: :func:`visible_stories` filters on consent, and
every listing and export (:mod:`aiskole.render.markdown`, the reports) goes through it.

* :func:`new_story` validates input (Danish messages) and refuses a story without consent: a quote is only
  kept once the colleague has agreed;
* :func:`withdraw` turns a story into a withdrawn one: consent false and the text erased, so nothing of what
  the colleague said is kept, only that consent was withdrawn and when;
* :class:`Story` is the unit's submission model.

Pure: no widgets, no display, no storage, no rendering.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any, ClassVar, Literal

from pydantic import Field

from aiskole import pii
from aiskole.datasets import DatasetModel, load_dataset
from aiskole.exercises.base import Stored, versioned

QUOTE_MAX = 500
ROLE_MAX = 80
DEPARTMENT_MAX = 80


# --- content -----------------------------------------------------------------------------------------


class Consent(DatasetModel):
    version: int = Field(ge=1)
    text: str = Field(min_length=40)


class ExportTexts(DatasetModel):
    heading: str = Field(min_length=3)
    intro: str = Field(min_length=10)


class StorybankContent(DatasetModel):
    """The content of ``datasets/storybank.yaml``."""

    schema_: Literal["aiskole.storybank/1"] = Field(alias="schema")
    checked: dt.date
    review_by: dt.date
    consent: Consent
    export: ExportTexts


def load_storybank(datasets_dir: Path | None = None) -> StorybankContent:
    """Load and validate ``storybank.yaml`` (raises :class:`DatasetError` with a Danish message)."""
    return load_dataset("storybank.yaml", StorybankContent, datasets_dir)


# --- stories -----------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Story:
    """One quote: the unit's submission model. ``id`` is the store's submission id (``None`` before it is saved).

    Version 1 rows are the same shape without ``"v"``.
    """

    exercise: ClassVar[str] = "story"
    version: ClassVar[int] = 2

    quote: str
    role: str
    department: str
    consent: bool
    consent_text: str
    consent_version: int = 1
    id: int | None = None
    withdrawn_on: dt.date | None = None

    @property
    def visible(self) -> bool:
        """Shown and exported only with consent (and something to show)."""
        return self.consent is True and bool(self.quote.strip())

    def to_answers(self) -> dict[str, Any]:
        """The JSON-ready form stored as a submission's answers (exercise ``"story"``)."""
        return versioned(
            self,
            {
                "quote": self.quote,
                "role": self.role,
                "department": self.department,
                "consent": self.consent,
                "consent_text": self.consent_text,
                "consent_version": self.consent_version,
                "withdrawn_on": self.withdrawn_on.isoformat() if self.withdrawn_on else None,
            },
        )

    def to_result(self) -> dict[str, Any]:
        """The JSON-ready status stored as a submission's result."""
        return {"status": "samtykke" if self.consent else "trukket-tilbage", "length": len(self.quote)}

    @classmethod
    def from_answers(cls, answers: Mapping[str, Any], result: Mapping[str, Any] | None = None) -> Story:
        """A stored story. Anything but an explicit ``True`` consent counts as no consent."""
        withdrawn = answers.get("withdrawn_on")
        return cls(
            quote=str(answers.get("quote") or ""),
            role=str(answers.get("role") or ""),
            department=str(answers.get("department") or ""),
            consent=answers.get("consent") is True,
            consent_text=str(answers.get("consent_text") or ""),
            consent_version=int(answers.get("consent_version") or 1),
            withdrawn_on=dt.date.fromisoformat(withdrawn) if withdrawn else None,
        )


def _clean_line(text: str) -> str:
    return " ".join(str(text or "").split())


def _clean_quote(text: str) -> str:
    lines = [" ".join(line.split()) for line in str(text or "").replace("\r\n", "\n").split("\n")]
    # keep paragraphs, drop runs of empty lines and leading/trailing blank lines
    text = "\n".join(lines)
    return re.sub(r"\n{3,}", "\n\n", text).strip()


def _check(label: str, value: str, limit: int, example: str) -> None:
    if not value:
        raise ValueError(f"Skriv {label}{example}.")
    if len(value) > limit:
        raise ValueError(
            f"{label[0].upper()}{label[1:]} fylder {len(value)} tegn. Der er plads til højst {limit} – forkort lidt."
        )
    if any(f.kind == "cpr" for f in pii.scan(value)):  # a newsletter quote never needs a CPR number
        raise ValueError(
            f"{label[0].upper()}{label[1:]} ser ud til at indeholde et CPR-nummer. Fjern det – historiebanken må "
            "ikke indeholde personoplysninger om borgere."
        )


def new_story(
    quote: str,
    role: str,
    department: str,
    *,
    consent: bool,
    content: StorybankContent | None = None,
) -> Story:
    """Validate a new quote and return it as a consented :class:`Story`.

    Whitespace is tidied (role and department become one line; the quote keeps its paragraphs).

    Raises
    ------
    ValueError
        Empty or too long texts, something that looks like a CPR number, or no consent (Danish messages).
    """
    content = content or load_storybank()
    quote, role, department = _clean_quote(quote), _clean_line(role), _clean_line(department)
    _check("citatet", quote, QUOTE_MAX, "")
    _check("kollegaens rolle", role, ROLE_MAX, ", fx Sagsbehandler")
    _check("afdelingen", department, DEPARTMENT_MAX, ", fx Borgerservice")
    if consent is not True:
        raise ValueError(
            "Citatet er ikke gemt, fordi der mangler samtykke. Læs samtykketeksten for din kollega, og sæt "
            "kun flueben, når kollegaen har sagt ja. Din tekst står her stadig."
        )
    return Story(
        quote=quote,
        role=role,
        department=department,
        consent=True,
        consent_text=content.consent.text,
        consent_version=content.consent.version,
    )


def withdraw(story: Story, today: dt.date | None = None) -> Story:
    """The story after the colleague withdrew consent: no consent, the text erased, the date kept."""
    return replace(
        story, consent=False, quote="", role="", department="", withdrawn_on=today or dt.date.today()
    )


def visible_stories(stories: Iterable[Story]) -> list[Story]:
    """Only the stories that may be shown: those with consent. Every listing goes through here."""
    return [s for s in stories if isinstance(s, Story) and s.visible]


def stories(stored: Iterable[Stored[Story]]) -> list[Story]:
    """The stored stories with their submission ids, in the given order."""
    return [replace(s.model, id=s.id) for s in stored]


#: What the exercise covers and what participants practise in it (AI Act art. 4 documentation).
COVERAGE = (
    "Deling af erfaringer med AI",
    "Deltagerne delte erfaringer med AI som citater med samtykke.",
)

#: The unit's submission model (every unit names it ``MODEL``).
MODEL = Story
