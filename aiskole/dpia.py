"""Mini-DPIA screening: ten yes/no questions decide whether a full DPIA (konsekvensanalyse) is needed.

The decision rule is domain.md §8.1, implemented exactly:

1. A full DPIA is required if any hard rule fires:
   Q2; Q4 and Q5; Q3 and Q5 and a publicly accessible area; Q8 and at least one other criterion;
   Q10 and at least one criterion; Q1 and Q5.
2. Otherwise count the criteria (Q1-Q9) answered yes: two or more -> full DPIA (WP248 rule of thumb),
3. exactly one -> grey zone,
4. none -> no DPIA.

This module is pure: no widgets, no display, no storage. Texts come from ``datasets/dpia.yaml``.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Literal

from aiskole.datasets import DpiaContent, Source, load_dpia

QUESTIONS = tuple(range(1, 11))
#: Q1-Q9 are WP248 criteria; Q10 only amplifies (Datatilsynet's list).
CRITERIA = tuple(range(1, 10))

VerdictCode = Literal["full", "grey", "none"]


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

    def to_dict(self) -> dict:
        """A JSON-ready summary for storage: verdict, rule ids and criteria (texts stay in the dataset)."""
        return {
            "verdict": self.verdict,
            "rules": [r.rule for r in self.reasons],
            "notes": [n.id for n in self.notes],
            "criteria_met": list(self.criteria_met),
            "public_area": self.public_area,
        }


def _join(numbers: list[int]) -> str:
    text = [str(n) for n in numbers]
    return text[0] if len(text) == 1 else ", ".join(text[:-1]) + " og " + text[-1]


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
        raise ValueError(f"{word} {_join(missing)} mangler et svar. Svar ja eller nej på alle ti.")
    not_bool = sorted(n for n, v in answers.items() if not isinstance(v, bool))
    if not_bool:
        raise ValueError(f"Svaret på spørgsmål {_join(not_bool)} skal være ja eller nej.")
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
