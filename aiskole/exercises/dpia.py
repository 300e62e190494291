"""Mini-DPIA screening: ten yes/no questions decide whether a full DPIA (konsekvensanalyse) is needed.

The decision rule is domain.md §8.1, implemented exactly:

1. A full DPIA is required if any hard rule fires:
   Q2; Q4 and Q5; Q3 and Q5 and a publicly accessible area; Q8 and at least one other criterion;
   Q10 and at least one criterion; Q1 and Q5.
2. Otherwise count the criteria (Q1-Q9) answered yes: two or more -> full DPIA (WP248 rule of thumb),
3. exactly one -> grey zone,
4. none -> no DPIA.

The unit owns its content (``datasets/dpia.yaml``), its submission model (:class:`DpiaSubmission`) and its
live aggregate (:func:`aggregate`). Pure: no widgets, no display, no storage, no HTML.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, ClassVar, Literal

from pydantic import Field, model_validator

from aiskole.datasets import DatasetModel, Source, load_dataset
from aiskole.exercises.base import LiveResult, Stored, Unreadable, join_danish, stored_version, versioned
from aiskole.workshop import WorkshopState

QUESTIONS = tuple(range(1, 11))
#: Q1-Q9 are WP248 criteria; Q10 only amplifies (Datatilsynet's list).
CRITERIA = tuple(range(1, 10))
VERDICTS = ("full", "grey", "none")

VerdictCode = Literal["full", "grey", "none"]


# --- content (datasets/dpia.yaml) ------------------------------------------------------------------


class DpiaQuestion(DatasetModel):
    number: int = Field(ge=1, le=10)
    text: str = Field(min_length=10)
    kind: Literal["kriterium", "hård trigger", "forstærker"]
    legal_basis: str = Field(min_length=3)
    sources: tuple[str, ...] = Field(min_length=1)
    follow_up: str | None = None


class DpiaRule(DatasetModel):
    id: str
    title: str
    explanation: str
    legal_basis: str
    sources: tuple[str, ...] = Field(min_length=1)


class DpiaNote(DatasetModel):
    id: str
    when: Literal["full", "q2"]
    text: str
    legal_basis: str
    sources: tuple[str, ...] = Field(min_length=1)


class Verdict(DatasetModel):
    label: str
    summary: str


class DpiaContent(DatasetModel):
    """The content of ``datasets/dpia.yaml``."""

    schema_: Literal["aiskole.dpia/1"] = Field(alias="schema")
    checked: dt.date
    review_by: dt.date
    disclaimer: str
    sources: dict[str, Source]
    questions: tuple[DpiaQuestion, ...]
    rules: tuple[DpiaRule, ...]
    notes: tuple[DpiaNote, ...]
    verdicts: dict[Literal["full", "grey", "none"], Verdict]

    @model_validator(mode="after")
    def _consistent(self) -> DpiaContent:
        numbers = [q.number for q in self.questions]
        if numbers != list(range(1, 11)):
            raise ValueError(f"spørgsmålene skal være nummereret 1-10 i rækkefølge, fandt {numbers}")
        if set(self.verdicts) != {"full", "grey", "none"}:
            raise ValueError("der skal være en tekst for hver afgørelse: full, grey og none")
        for record in (*self.questions, *self.rules, *self.notes):
            unknown = [s for s in record.sources if s not in self.sources]
            if unknown:
                raise ValueError(f"ukendt kilde {unknown} i {record!r:.60}")
        if self.review_by <= self.checked:
            raise ValueError("review_by skal ligge efter checked")
        return self

    def question(self, number: int) -> DpiaQuestion:
        return self.questions[number - 1]

    def rule(self, rule_id: str) -> DpiaRule:
        for rule in self.rules:
            if rule.id == rule_id:
                return rule
        raise KeyError(rule_id)

    def sources_for(self, keys: tuple[str, ...]) -> tuple[Source, ...]:
        return tuple(self.sources[k] for k in keys)


def load_dpia(datasets_dir: Path | None = None) -> DpiaContent:
    """Load and validate ``dpia.yaml``: the ten questions, the rules and their legal basis."""
    return load_dataset("dpia.yaml", DpiaContent, datasets_dir)


# --- screening ---------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Reason:
    """A rule that fired, with its plain-Danish explanation and legal basis."""

    rule: str
    title: str
    explanation: str
    legal_basis: str
    sources: tuple[Source, ...]


@dataclass(frozen=True)
class Note:
    """Something to check next, shown with the verdict (e.g. prior consultation, AI Act)."""

    id: str
    text: str
    legal_basis: str
    sources: tuple[Source, ...]


@dataclass(frozen=True)
class Screening:
    """The result of :func:`screen`."""

    verdict: VerdictCode
    reasons: tuple[Reason, ...]
    notes: tuple[Note, ...]
    answers: dict[int, bool]
    public_area: bool
    label: str
    summary: str
    disclaimer: str
    criteria_met: tuple[int, ...] = field(default=())


def validate_answers(answers: Mapping[int, bool]) -> dict[int, bool]:
    """Check that ``answers`` maps each question number 1-10 to ``True`` or ``False``.

    Raises
    ------
    ValueError
        With a Danish message naming the missing, unknown or unanswered questions.
    """
    if not isinstance(answers, Mapping):
        raise ValueError("Svarene skal være en oversigt fra spørgsmålsnummer (1-10) til ja eller nej.")
    keys = list(answers)
    unknown = [k for k in keys if isinstance(k, bool) or not isinstance(k, int) or k not in QUESTIONS]
    if unknown:
        shown = ", ".join(repr(k) for k in unknown)
        raise ValueError(f"Ukendte spørgsmålsnumre: {shown}. Mini-DPIA'en har spørgsmål 1-10.")
    missing = [n for n in QUESTIONS if n not in answers]
    if missing:
        word = "Spørgsmål" if len(missing) == 1 else "Spørgsmålene"
        raise ValueError(f"{word} {join_danish(missing)} mangler et svar. Svar ja eller nej på alle ti.")
    not_bool = sorted(n for n, v in answers.items() if not isinstance(v, bool))
    if not_bool:
        raise ValueError(f"Svaret på spørgsmål {join_danish(not_bool)} skal være ja eller nej.")
    return {n: answers[n] for n in QUESTIONS}


def fired_rules(answers: Mapping[int, bool], *, public_area: bool = False) -> tuple[VerdictCode, list[str]]:
    """Apply the decision rule and return the verdict and the ids of the rules that fired.

    ``answers`` must already be valid (see :func:`validate_answers`).
    """
    a = answers
    criteria = [n for n in CRITERIA if a[n]]
    others_than_8 = [n for n in criteria if n != 8]
    rules: list[str] = []
    if a[2]:
        rules.append("automatiske-afgoerelser")
    if a[4] and a[5]:
        rules.append("foelsomme-data-i-stort-omfang")
    if a[3] and a[5] and public_area:
        rules.append("overvaagning-offentligt-omraade")
    if a[8] and others_than_8:
        rules.append("innovativ-teknologi")
    if a[10] and criteria:
        rules.append("biometri-genetik-lokation")
    if a[1] and a[5]:
        rules.append("profilering-i-stort-omfang")
    if len(criteria) >= 2:
        rules.append("to-kriterier")
    if rules:
        return "full", rules
    if len(criteria) == 1:
        return "grey", ["et-kriterium"]
    return "none", ["ingen-kriterier"]


def screen(
    answers: Mapping[int, bool], *, public_area: bool = False, content: DpiaContent | None = None
) -> Screening:
    """Screen a planned AI solution: is a full DPIA needed, and on which legal basis?

    Parameters
    ----------
    answers
        Question number (1-10) to ``True`` (ja) or ``False`` (nej). All ten are required.
    public_area
        Whether the monitored area of question 3 is publicly accessible (GDPR art. 35(3)(c)).
    content
        The dataset content; loaded from ``datasets/dpia.yaml`` when not given.

    Returns
    -------
    Screening
        ``.verdict`` is ``"full"``, ``"grey"`` or ``"none"``; ``.reasons`` name each rule that fired.

    Raises
    ------
    ValueError
        Missing or extra question numbers, or answers that are not ``True``/``False`` (Danish message).
    """
    valid = validate_answers(answers)
    if not isinstance(public_area, bool):
        raise ValueError("Svaret om offentligt tilgængeligt område skal være ja eller nej.")
    content = content or load_dpia()
    verdict, rule_ids = fired_rules(valid, public_area=public_area)
    reasons = tuple(
        Reason(
            rule=r.id,
            title=r.title,
            explanation=r.explanation,
            legal_basis=r.legal_basis,
            sources=content.sources_for(r.sources),
        )
        for r in (content.rule(i) for i in rule_ids)
    )
    notes = tuple(
        Note(id=n.id, text=n.text, legal_basis=n.legal_basis, sources=content.sources_for(n.sources))
        for n in content.notes
        if (n.when == "full" and verdict == "full") or (n.when == "q2" and valid[2])
    )
    text = content.verdicts[verdict]
    return Screening(
        verdict=verdict,
        reasons=reasons,
        notes=notes,
        answers=valid,
        public_area=bool(public_area and valid[3]),
        label=text.label,
        summary=text.summary,
        disclaimer=content.disclaimer,
        criteria_met=tuple(n for n in CRITERIA if valid[n]),
    )


# --- the stored submission ---------------------------------------------------------------------------


@dataclass(frozen=True)
class DpiaSubmission:
    """One saved mini-DPIA: the ten answers, the public-area follow-up and the verdict it gave.

    Version 1 rows (before versions existed) kept ``public_area`` in the result only; version 2 keeps it with
    the answers.
    """

    exercise: ClassVar[str] = "dpia"
    version: ClassVar[int] = 2

    answers: Mapping[int, bool]
    public_area: bool = False
    verdict: VerdictCode | None = None
    rules: tuple[str, ...] = ()
    notes: tuple[str, ...] = ()
    criteria_met: tuple[int, ...] = ()

    @classmethod
    def of(cls, screening: Screening) -> DpiaSubmission:
        """The submission that stores ``screening``."""
        return cls(
            answers=dict(screening.answers),
            public_area=screening.public_area,
            verdict=screening.verdict,
            rules=tuple(r.rule for r in screening.reasons),
            notes=tuple(n.id for n in screening.notes),
            criteria_met=screening.criteria_met,
        )

    def to_answers(self) -> dict[str, Any]:
        answers: dict[str, Any] = {str(n): self.answers[n] for n in QUESTIONS}
        answers["public_area"] = self.public_area
        return versioned(self, answers)

    def to_result(self) -> dict[str, Any]:
        return {
            "verdict": self.verdict,
            "rules": list(self.rules),
            "notes": list(self.notes),
            "criteria_met": list(self.criteria_met),
            "public_area": self.public_area,
        }

    @classmethod
    def from_answers(
        cls, answers: Mapping[str, Any], result: Mapping[str, Any] | None = None
    ) -> DpiaSubmission:
        result = result or {}
        try:
            valid = validate_answers({int(n): answers[str(n)] for n in QUESTIONS})
        except KeyError as exc:
            raise Unreadable(f"Mini-DPIA'en mangler svaret på spørgsmål {exc.args[0]}.") from None
        public = answers.get("public_area") if stored_version(answers) >= 2 else result.get("public_area")
        verdict = result.get("verdict")
        return cls(
            answers=valid,
            public_area=public is True,
            verdict=verdict if verdict in VERDICTS else None,
            rules=tuple(r for r in result.get("rules") or () if isinstance(r, str)),
            notes=tuple(n for n in result.get("notes") or () if isinstance(n, str)),
            criteria_met=tuple(n for n in result.get("criteria_met") or () if isinstance(n, int)),
        )

    def screen(self, content: DpiaContent | None = None) -> Screening:
        """The screening of these answers by today's rule (a stored verdict may be from an older rule)."""
        return screen(self.answers, public_area=self.public_area, content=content)


# --- live aggregate ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class VerdictCount:
    verdict: str
    label: str
    count: int


@dataclass(frozen=True)
class DpiaLive(LiveResult):
    """Count per verdict (full DPIA, grey zone, no DPIA) with the Danish labels."""

    exercise: ClassVar[str] = "dpia"
    verdicts: tuple[VerdictCount, ...]


def aggregate(
    stored: Iterable[Stored[DpiaSubmission]],
    state: WorkshopState | None = None,
    *,
    content: DpiaContent | None = None,
) -> DpiaLive:
    """Count the verdicts of the given submissions (pass each participant's latest only)."""
    content = content or load_dpia()
    counts = Counter(s.model.verdict for s in stored if s.model.verdict in VERDICTS)
    return DpiaLive(
        n=sum(counts.values()),
        verdicts=tuple(VerdictCount(v, content.verdicts[v].label, counts[v]) for v in VERDICTS),
    )


#: What the exercise covers and what participants practise in it (AI Act art. 4 documentation).
COVERAGE = (
    "Databeskyttelse: hvornår kræver en AI-løsning en konsekvensanalyse (GDPR art. 35)",
    "Deltagerne screenede en planlagt AI-løsning med mini-DPIA'ens ti spørgsmål.",
)

#: The unit's submission model (every unit names it ``MODEL``).
MODEL = DpiaSubmission
