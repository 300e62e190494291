"""The storybank (historiebank): colleagues' quotes about AI, for the internal newsletter and the intranet.

A story is a quote with the colleague's role and department (never a name) and their explicit consent: a
flag plus the consent text they agreed to (``datasets/storybank.yaml``). The rule this module enforces is
that **a quote without consent is never shown or exported**: :func:`visible_stories`, :func:`story_markdown`
and :func:`export_markdown` filter on consent themselves, so no caller can forget it.

* :func:`new_story` validates input (Danish messages) and refuses a story without consent: a quote is only
  kept once the colleague has agreed;
* :func:`withdraw` turns a story into a withdrawn one: consent false and the text erased, so nothing of what
  the colleague said is kept, only that consent was withdrawn and when;
* :func:`export_markdown` gives newsletter-ready Markdown, with every free text escaped so that a quote
  cannot add links, images or HTML to the newsletter.

This module is pure: no widgets, no display, no storage.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any, Literal

from pydantic import Field

from aiskole.datasets import DatasetError, DatasetModel, load_dataset

__all__ = [
    "DEPARTMENT_MAX",
    "QUOTE_MAX",
    "ROLE_MAX",
    "DatasetError",
    "Story",
    "StorybankContent",
    "escape_markdown",
    "export_markdown",
    "load_storybank",
    "new_story",
    "story_markdown",
    "visible_stories",
    "withdraw",
]

QUOTE_MAX = 500
ROLE_MAX = 80
DEPARTMENT_MAX = 80

#: Something that looks like a CPR number (DDMMYY-SSSS); a newsletter quote never needs one.
_CPR_LIKE = re.compile(r"(?<!\d)\d{6}[-\s]?\d{4}(?!\d)")


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
    """One quote. ``id`` is the store's submission id (``None`` before it is saved)."""

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
        return {
            "quote": self.quote,
            "role": self.role,
            "department": self.department,
            "consent": self.consent,
            "consent_text": self.consent_text,
            "consent_version": self.consent_version,
            "withdrawn_on": self.withdrawn_on.isoformat() if self.withdrawn_on else None,
        }

    def to_result(self) -> dict[str, Any]:
        """The JSON-ready status stored as a submission's result."""
        return {"status": "samtykke" if self.consent else "trukket-tilbage", "length": len(self.quote)}

    @classmethod
    def from_answers(cls, answers: Mapping[str, Any], submission_id: int | None = None) -> Story:
        """A stored story. Anything but an explicit ``True`` consent counts as no consent."""
        withdrawn = answers.get("withdrawn_on")
        return cls(
            quote=str(answers.get("quote") or ""),
            role=str(answers.get("role") or ""),
            department=str(answers.get("department") or ""),
            consent=answers.get("consent") is True,
            consent_text=str(answers.get("consent_text") or ""),
            consent_version=int(answers.get("consent_version") or 1),
            id=submission_id,
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
    if _CPR_LIKE.search(value):
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


# --- Markdown export ---------------------------------------------------------------------------------

# Backslash-escape every character that could start Markdown markup or HTML: links and images need "[",
# HTML needs "<", entities "&", emphasis "*" "_" "~", code "`", tables "|", headings "#".
_MD_INLINE = re.compile(r"([\\`*_{}\[\]<>#+|~&@])")
_MD_LINE_START = re.compile(r"(?m)^(\s*)([-=]|\d+[.)])")


def escape_markdown(text: str) -> str:
    """Escape free text so that Markdown shows it literally: no links, images, HTML, headings or lists."""
    text = _MD_INLINE.sub(r"\\\1", str(text))
    # bare URLs and www. addresses are turned into links by GitHub-flavoured renderers (autolinks)
    text = re.sub(r"(?i)(?<=[a-z0-9]):(?=//)", r"\\:", text)
    text = re.sub(r"(?i)\b(www)\.", r"\1\\.", text)
    return _MD_LINE_START.sub(lambda m: m.group(1) + m.group(2)[:-1] + "\\" + m.group(2)[-1], text)


def story_markdown(story: Story) -> str:
    """One consented quote as a Markdown blockquote followed by "— rolle, afdeling".

    Raises
    ------
    ValueError
        The story has no consent (it must never be exported).
    """
    if not story.visible:
        raise ValueError("Citatet har ikke samtykke og kan ikke eksporteres.")
    quote = "\n".join(f"> {escape_markdown(line)}".rstrip() for line in story.quote.split("\n"))
    return f"{quote}\n>\n> — {escape_markdown(story.role)}, {escape_markdown(story.department)}\n"


def export_markdown(stories: Iterable[Story], content: StorybankContent | None = None) -> str:
    """Newsletter-ready Markdown of the consented stories (the others are left out, always).

    Raises
    ------
    ValueError
        There is no consented story to export (Danish message).
    """
    shown = visible_stories(stories)
    if not shown:
        raise ValueError("Der er ingen citater med samtykke at eksportere endnu.")
    content = content or load_storybank()
    parts = [f"## {escape_markdown(content.export.heading)}", "", escape_markdown(content.export.intro), ""]
    for story in shown:
        parts += [story_markdown(story)]
    return "\n".join(parts)
