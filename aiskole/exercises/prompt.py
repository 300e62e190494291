"""The prompt lab: find personal data in a prompt, and give heuristic feedback on how it is built.

The personal-data scanner is :mod:`aiskole.pii`; this unit is the rubric:

* :func:`review` checks a prompt against the kit's R-K-O-F-E-B scaffold (Rolle, Kontekst, Opgave, Format,
  Eksempler, Begrænsninger) plus tone/målgruppe. **It is a heuristic**: it looks for Danish marker words
  and phrases, it does not understand the prompt. A prompt can contain the words and still be vague, or
  fulfil a criterion in words the heuristic does not know. The learner is told so with every result.

The unit owns its content (``datasets/prompts.yaml``, validated by :class:`PromptContent`) and its submission
model (:class:`PromptSubmission`; the prompt's text is never stored). Pure: no widgets, no display, no
storage, no HTML.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, ClassVar, Literal

from pydantic import Field, model_validator

from aiskole import l10n
from aiskole.datasets import DatasetModel, Source, load_dataset
from aiskole.exercises.base import versioned
from aiskole.pii import Finding, count_kinds

CRITERIA = ("rolle", "kontekst", "opgave", "format", "eksempler", "begraensninger", "tone")
TASKS = ("brev", "referat", "faq", "opsummering")
#: The longest prompt the lab accepts (a long letter draft fits; a whole case file does not).
MAX_CHARS = 4000


# --- dataset ---------------------------------------------------------------------------------------------


class PromptCriterion(DatasetModel):
    """One criterion of the R-K-O-F-E-B scaffold (plus tone/målgruppe)."""

    id: Literal["rolle", "kontekst", "opgave", "format", "eksempler", "begraensninger", "tone"]
    letter: str = Field(min_length=1, max_length=2)
    name: str = Field(min_length=3)
    meaning: str = Field(min_length=10)
    tip: str = Field(min_length=10)
    sources: tuple[str, ...] = Field(min_length=1)


class PromptTask(DatasetModel):
    """A municipal writing task the learner can practise on."""

    id: Literal["brev", "referat", "faq", "opsummering"]
    title: str = Field(min_length=3)
    description: str = Field(min_length=10)
    tip: str = Field(min_length=10)
    #: Task-specific suggestions per criterion id, used instead of the general tip when present.
    hints: dict[str, str] = Field(default_factory=dict)
    sources: tuple[str, ...] = ()


class GalleryExample(DatasetModel):
    """A weak prompt and a better one for the same municipal task, and why the second is better."""

    id: str = Field(pattern=r"^[a-z0-9][a-z0-9-]*$")
    task: Literal["brev", "referat", "faq", "opsummering"]
    title: str = Field(min_length=3)
    before: str = Field(min_length=5)
    after: str = Field(min_length=40)
    why: str = Field(min_length=10)


class FindingInfo(DatasetModel):
    """Why a kind of finding must stay out of a prompt, with its legal basis and sources."""

    name: str
    why: str = Field(min_length=10)
    sources: tuple[str, ...] = Field(min_length=1)


class PromptContent(DatasetModel):
    """The content of ``datasets/prompts.yaml``."""

    schema_: Literal["aiskole.prompts/1"] = Field(alias="schema")
    checked: dt.date
    review_by: dt.date
    synthesis_note: str = Field(min_length=20)
    heuristic_note: str = Field(min_length=20)
    scan_note: str = Field(min_length=20)
    sources: dict[str, Source]
    criteria: tuple[PromptCriterion, ...]
    tasks: tuple[PromptTask, ...]
    findings: dict[Literal["cpr", "cvr", "email", "phone", "art9", "art10", "fortrolig"], FindingInfo]
    gallery: tuple[GalleryExample, ...] = Field(min_length=4)

    @model_validator(mode="after")
    def _consistent(self) -> PromptContent:
        ids = tuple(c.id for c in self.criteria)
        if ids != CRITERIA:
            raise ValueError(f"kriterierne skal være {list(CRITERIA)} i den rækkefølge, fandt {list(ids)}")
        tasks = tuple(t.id for t in self.tasks)
        if tasks != TASKS:
            raise ValueError(f"opgaverne skal være {list(TASKS)} i den rækkefølge, fandt {list(tasks)}")
        if set(self.findings) != {"cpr", "cvr", "email", "phone", "art9", "art10", "fortrolig"}:
            raise ValueError("der skal være en forklaring for hver slags fund")
        for task in self.tasks:
            unknown = [k for k in task.hints if k not in CRITERIA]
            if unknown:
                raise ValueError(f"ukendt kriterium {unknown} i opgaven {task.id}")
        records = [*self.criteria, *self.tasks, *self.findings.values()]
        for record in records:
            unknown = [s for s in record.sources if s not in self.sources]
            if unknown:
                raise ValueError(f"ukendt kilde {unknown} i {record!r:.60}")
        gallery_ids = [g.id for g in self.gallery]
        dupes = sorted({i for i in gallery_ids if gallery_ids.count(i) > 1})
        if dupes:
            raise ValueError(f"eksempler med samme id: {dupes}")
        missing = [t for t in TASKS if t not in {g.task for g in self.gallery}]
        if missing:
            raise ValueError(f"galleriet mangler et eksempel for {missing}")
        if self.review_by <= self.checked:
            raise ValueError("review_by skal ligge efter checked")
        return self

    def criterion(self, criterion_id: str) -> PromptCriterion:
        return self.criteria[CRITERIA.index(criterion_id)]

    def task(self, task_id: str) -> PromptTask:
        if task_id not in TASKS:
            names = ", ".join(f"»{t.title}«" for t in self.tasks)
            raise ValueError(f"Ukendt opgavetype: {task_id!r}. Vælg en af: {names}.")
        return self.tasks[TASKS.index(task_id)]

    def sources_for(self, keys: Iterable[str]) -> tuple[Source, ...]:
        return tuple(self.sources[k] for k in keys)


def load_prompts(datasets_dir: Path | None = None) -> PromptContent:
    """Load and validate ``prompts.yaml``: criteria, tasks, finding explanations and the gallery."""
    return load_dataset("prompts.yaml", PromptContent, datasets_dir)


# --- review ----------------------------------------------------------------------------------------------

# HEURISTIC: each criterion is "met" when one of its Danish marker phrases occurs in the prompt. The
# markers are chosen from the frameworks in domain.md §5 and the kit's before/after examples. They
# produce explainable feedback ("Fundet: »du er«") but cannot judge quality: a prompt can say "du er"
# and still give a useless role. The learner is told this with every result (heuristic_note).
_MARKERS: dict[str, tuple[str, ...]] = {
    "rolle": (
        r"\bdu er\b",
        r"\b(?:agér|ager|optræd|fungér|funger|tænk|skriv|svar) som (?:en|et)\b",
        r"\bforestil dig\b",
        r"\bdin rolle\b",
        r"\brolle\s*:",
        r"\bi rollen som\b",
        r"\bsom (?:en |et )?(?:erfaren|dygtig|ekspert|specialist|sagsbehandler|kommunikationsmedarbejder"
        r"|referent|jurist|konsulent|rådgiver|fagperson)\w*",
    ),
    "kontekst": (
        r"\bkontekst\b",
        r"\bbaggrund\w*",
        r"\bsituation\w*",
        r"\bvedlagt\w*",
        r"\bnedenfor\b",
        r"\bherunder\b",
        r"\budkast\w*",
        r"\bkilde\w*",
        r"\btranskription\w*",
        r"\bfordi\b",
        r"\bformål\w*",
        r"\bhøringssvar\w*",
        r"\bi en (?:dansk )?kommune\b",
        r'"""',
        r"###",
        r"<[a-zæøå]+>",
    ),
    "opgave": (
        r"\b(?:skriv|omskriv|opsummér|opsummer|sammenfat|resumér|resumer|forklar|oversæt|udarbejd|foreslå"
        r"|besvar|formulér|formuler|find|forkort|gennemgå|udtræk|kategorisér|kategoriser|giv|vurdér|vurder"
        r"|sammenlign|strukturér|strukturer|opstil|uddrag|tæl)\b",
        r"\blav (?:et|en|mig|nogle|to|tre|fem|ti|\d+)\b",
        r"\bopgave\s*:",
    ),
    "format": (
        r"\b(?:max\.?|maks\.?|maksimalt|højst|mindst|ca\.?|under|op til)\s*\d+\s*"
        r"(?:ord|tegn|sætninger|linjer|afsnit|punkter|sider?)\b",
        r"\b\d+\s*(?:ord|sætninger|linjer|afsnit|punkter|spørgsmål|sider)\b",
        r"\b(?:tabel|punktform|punktopstilling|overskrift|liste|kolonne|skema|opstilling|json|markdown)\w*",
        r"\bformat\s*:",
        r"\b(?:én|en) side\b",
    ),
    "eksempler": (
        r"\beksemp(?:el|ler|lerne|let)\b",
        r"\bfor eksempel\b",
        r"\bf\.\s?eks\.",
        r"\bfx\b",
        r"\bsom dette\b",
        r"\bsådan her\b",
        r"\bi stil med\b",
        r"\bskabelon\w*",
    ),
    "begraensninger": (
        r"\b(?:må|skal) ikke\b",
        r"\bundgå\b",
        r"\b(?:tilføj|opfind|gæt|nævn|medtag|brug) (?:ikke|ingen)\b",
        r"\bikke (?:tilføje|opfinde|gætte|nævne|medtage|bruge|nye)\b",
        r"\bkun (?:det|de|ud fra|fra|oplysninger|fakta|på|med|den)\b",
        r"\bhvis du er (?:usikker|i tvivl)\b",
        r"\bfremgår ikke\b",
        r"\buændret\b",
        r"\[tjek\]",
        r"\bingen (?:navne|personoplysninger|nye)\b",
        r"\buden (?:at|personoplysninger|navne)\b",
        r"\bbegrænsning\w*",
    ),
    "tone": (
        r"\btone\w*",
        r"\b(?:venlig|høflig|imødekommende|neutral|formel|uformel|professionel|empatisk|respektfuld)\w*",
        r"\bklar(?:t)? sprog\b",
        r"\bklarsprog\b",
        r"\b(?:du|de)-form\b",
        r"\bmålgruppe\w*",
        r"\blix\w*",
        r"\blet(?:te)? at (?:læse|forstå)\b",
        r"\bkorte sætninger\b",
        r"\b(?:til|for) (?:en |et )?(?:ældre |ung |unge |travl |travle |almindelig |almindelige )?"
        r"(?:borger|borgere|leder|ledere|politiker|politikere|udvalg\w*|kolleg\w*|pårørende|forældre|elev\w*)\b",
    ),
}
_MARKER_RES = {cid: tuple(re.compile(p, re.IGNORECASE) for p in pats) for cid, pats in _MARKERS.items()}
#: Under this many words a prompt is called "meget kort" whatever it contains.
SHORT_WORDS = 15

Level = Literal["stærk", "god", "svag"]
LEVELS: dict[str, tuple[str, str]] = {
    "stærk": ("Stærk prompt", "Prompten har det meste af det, en sprogmodel har brug for."),
    "god": ("God start", "Prompten har det vigtigste, men mangler et par ting. Se forslagene nedenfor."),
    "svag": (
        "Kan gøres meget bedre",
        "Sprogmodellen skal gætte meget. Tilføj det, der mangler – se forslagene.",
    ),
}


@dataclass(frozen=True)
class CriterionResult:
    """Feedback on one criterion: met or not, why, and a concrete suggestion."""

    id: str
    letter: str
    name: str
    met: bool
    why: str
    suggestion: str
    #: The phrase that was found (a few words of the learner's own text), or ``None``.
    evidence: str | None


@dataclass(frozen=True)
class Review:
    """The result of :func:`review`."""

    task: str
    task_title: str
    task_tip: str
    criteria: tuple[CriterionResult, ...]
    score: int
    max_score: int
    level: Level
    label: str
    summary: str
    word_count: int
    too_short: bool
    heuristic_note: str


def _evidence(text: str, criterion_id: str) -> str | None:
    for pattern in _MARKER_RES[criterion_id]:
        m = pattern.search(text)
        if m:
            return m.group(0)
    return None


def validate_prompt(text: object) -> str:
    """Check that a prompt is non-empty text within :data:`MAX_CHARS`; return it unchanged.

    Raises
    ------
    ValueError
        With a Danish message for empty, non-text or too long prompts.
    """
    if not isinstance(text, str):
        raise ValueError("Prompten skal være tekst.")
    if not text.strip():
        raise ValueError("Skriv en prompt i feltet først.")
    if len(text) > MAX_CHARS:
        raise ValueError(
            f"Prompten er for lang: {l10n.number(len(text))} tegn. Højst {l10n.number(MAX_CHARS)} tegn – "
            "forkort den, eller del opgaven op i flere prompter."
        )
    return text


def review(text: str, task: str, *, content: PromptContent | None = None) -> Review:
    """Give heuristic, explainable feedback on ``text`` as a prompt for ``task``.

    Parameters
    ----------
    text
        The prompt (1 to :data:`MAX_CHARS` characters).
    task
        One of :data:`TASKS`: ``"brev"``, ``"referat"``, ``"faq"`` or ``"opsummering"``.
    content
        The dataset content; loaded from ``datasets/prompts.yaml`` when not given.

    Returns
    -------
    Review
        One :class:`CriterionResult` per criterion in :data:`CRITERIA`, the score (criteria met out of
        seven) and a level: ``"stærk"`` (6-7), ``"god"`` (4-5) or ``"svag"`` (0-3). A prompt under
        :data:`SHORT_WORDS` words is never rated ``"stærk"``.

    Raises
    ------
    ValueError
        Empty or too long prompt, or unknown task (Danish message).
    """
    text = validate_prompt(text)
    content = content or load_prompts()
    task_record = content.task(task)
    results = []
    for criterion in content.criteria:
        evidence = _evidence(text, criterion.id)
        met = evidence is not None
        if met:
            why = f"Fundet: »{evidence}«. {criterion.meaning}"
            suggestion = "Godt. Tjek at det er præcist nok til, at en ny kollega ville forstå det."
        else:
            why = f"Ingen tegn på {criterion.name.lower()} i prompten. {criterion.meaning}"
            suggestion = task_record.hints.get(criterion.id, criterion.tip)
        results.append(
            CriterionResult(
                id=criterion.id,
                letter=criterion.letter,
                name=criterion.name,
                met=met,
                why=why,
                suggestion=suggestion,
                evidence=evidence,
            )
        )
    score = sum(r.met for r in results)
    words = len(text.split())
    too_short = words < SHORT_WORDS
    level: Level = "stærk" if score >= 6 else "god" if score >= 4 else "svag"
    if too_short and level == "stærk":
        level = "god"
    label, summary = LEVELS[level]
    if too_short:
        summary += (
            f" Prompten er meget kort ({words} ord) – de fleste gode prompter er flere sætninger lange."
        )
    return Review(
        task=task_record.id,
        task_title=task_record.title,
        task_tip=task_record.tip,
        criteria=tuple(results),
        score=score,
        max_score=len(results),
        level=level,
        label=label,
        summary=summary,
        word_count=words,
        too_short=too_short,
        heuristic_note=content.heuristic_note,
    )


# --- the stored submission ---------------------------------------------------------------------------


@dataclass(frozen=True)
class PromptSubmission:
    """One reviewed prompt, without its text: the task, the rubric's result and how many findings of each kind."""

    exercise: ClassVar[str] = "prompt"
    version: ClassVar[int] = 2

    task: str
    score: int
    max_score: int
    level: str
    criteria: Mapping[str, bool]
    word_count: int
    findings: Mapping[str, int] = field(default_factory=dict)

    @classmethod
    def of(cls, review: Review, findings: Sequence[Finding]) -> PromptSubmission:
        return cls(
            task=review.task,
            score=review.score,
            max_score=review.max_score,
            level=review.level,
            criteria={c.id: c.met for c in review.criteria},
            word_count=review.word_count,
            findings=count_kinds(findings),
        )

    def to_answers(self) -> dict[str, Any]:
        return versioned(self, {"task": self.task})

    def to_result(self) -> dict[str, Any]:
        return {
            "task": self.task,
            "score": self.score,
            "max_score": self.max_score,
            "level": self.level,
            "criteria": dict(self.criteria),
            "word_count": self.word_count,
            "findings": dict(self.findings),
            "finding_kinds": list(self.findings),
        }

    @classmethod
    def from_answers(
        cls, answers: Mapping[str, Any], result: Mapping[str, Any] | None = None
    ) -> PromptSubmission:
        result = result or {}
        criteria = result.get("criteria")
        findings = result.get("findings")
        return cls(
            task=str(answers.get("task") or result.get("task") or ""),
            score=int(result.get("score") or 0),
            max_score=int(result.get("max_score") or len(CRITERIA)),
            level=str(result.get("level") or ""),
            criteria=dict(criteria) if isinstance(criteria, Mapping) else {},
            word_count=int(result.get("word_count") or 0),
            findings=dict(findings) if isinstance(findings, Mapping) else {},
        )


#: What the exercise covers and what participants practise in it (AI Act art. 4 documentation).
COVERAGE = (
    "Gode prompts og kritisk brug af generativ AI",
    "Deltagerne skrev og forbedrede prompts.",
)

#: The unit's submission model (every unit names it ``MODEL``).
MODEL = PromptSubmission
