"""Mini-DPIA screening: a gateway and ten yes/no questions decide whether a DPIA (konsekvensanalyse) is needed.

The decision rule is domain.md §8.1 as corrected on 2026-12-01 (§00, "rule v2"):

0. Gateway: does the solution process personal data – also in input, prompts, logs or output? If not, the verdict
   is "none" whatever the ten say (GDPR art. 35 applies only to processing of personal data).
1. The criteria are WP248's nine (Q1-Q9); Q10 (biometric data for unique identification, genetic data) is art. 9
   data and counts as criterion 4 too.
2. A DPIA is to be made ("full") if any rule fires: Q2 (art. 35(3)(a)); Q10 and Q5 (art. 9 data in large scale,
   art. 35(3)(b)); Q4 and Q5 (art. 9/10 data -- then 35(3)(b) -- or other highly personal data -- then WP248's
   criteria 4 and 5: the screening cannot tell, so it says both and "skal som udgangspunkt laves"); Q3 and Q5 and a publicly accessible area (art. 35(3)(c)); Q8 and another criterion
   (Datatilsynet's list); Q10 and another criterion than 4 (Datatilsynet's list); Q1 and Q5 (the draft list);
   two or more criteria (WP248's rule of thumb).
3. Otherwise exactly one criterion -> grey zone; none -> no DPIA.

A DPIA is "påkrævet" only when a rule resting on art. 35(3) or Datatilsynet's list fired (``required`` in the
dataset); by WP248's rule of thumb or the draft list alone it "skal som udgangspunkt laves". The verdict is
``"full"`` either way: the difference is in the headline and the reasons.

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
from aiskole.exercises.base import (
    Form,
    FormError,
    LiveResult,
    Stored,
    Unreadable,
    join_danish,
    stored_version,
    versioned,
)
from aiskole.workshop import WorkshopState

QUESTIONS = tuple(range(1, 11))
#: Q1-Q9 are WP248 criteria; Q10 (biometrics, genetics) is art. 9 data: criterion 4, and on Datatilsynet's list.
CRITERIA = tuple(range(1, 10))
VERDICTS = ("full", "grey", "none")

VerdictCode = Literal["full", "grey", "none"]


# --- content (datasets/dpia.yaml) ------------------------------------------------------------------


class DpiaQuestion(DatasetModel):
    number: int = Field(ge=1, le=10)
    text: str = Field(min_length=10)
    kind: Literal["kriterium", "hård trigger", "særlig kategori"]
    legal_basis: str = Field(min_length=3)
    sources: tuple[str, ...] = Field(min_length=1)
    follow_up: str | None = None


class DpiaRule(DatasetModel):
    id: str
    #: Rests on GDPR art. 35(3) or Datatilsynet's list: the DPIA is "påkrævet".
    required: bool
    title: str
    explanation: str
    legal_basis: str
    sources: tuple[str, ...] = Field(min_length=1)


class DpiaNote(DatasetModel):
    id: str
    when: Literal["full", "decision", "no-personal-data"]
    text: str
    legal_basis: str
    sources: tuple[str, ...] = Field(min_length=1)


class Verdict(DatasetModel):
    label: str
    summary: str
    #: How a count of this verdict is labelled on the live screen and in reports (default: ``label``).
    count_label: str | None = None


class Gateway(DatasetModel):
    """The question before the ten: is personal data processed at all?"""

    text: str = Field(min_length=10)
    help: str = Field(min_length=10)
    legal_basis: str = Field(min_length=3)
    sources: tuple[str, ...] = Field(min_length=1)


class DpiaContent(DatasetModel):
    """The content of ``datasets/dpia.yaml``."""

    schema_: Literal["aiskole.dpia/2"] = Field(alias="schema")
    checked: dt.date
    review_by: dt.date
    disclaimer: str
    sources: dict[str, Source]
    gateway: Gateway
    questions: tuple[DpiaQuestion, ...]
    rules: tuple[DpiaRule, ...]
    notes: tuple[DpiaNote, ...]
    verdicts: dict[Literal["full", "grey", "none"], Verdict]
    #: The headline of a "full" verdict that no required rule backs ("skal som udgangspunkt laves").
    presumed: Verdict

    @model_validator(mode="after")
    def _consistent(self) -> DpiaContent:
        numbers = [q.number for q in self.questions]
        if numbers != list(range(1, 11)):
            raise ValueError(f"spørgsmålene skal være nummereret 1-10 i rækkefølge, fandt {numbers}")
        if set(self.verdicts) != {"full", "grey", "none"}:
            raise ValueError("der skal være en tekst for hver afgørelse: full, grey og none")
        for record in (self.gateway, *self.questions, *self.rules, *self.notes):
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
    """The result of :func:`screen`.

    ``answers`` holds the ten answers (only those given, when the gateway was "no"); ``required`` says whether
    the DPIA is "påkrævet" (a rule resting on art. 35(3) or Datatilsynet's list fired).
    """

    verdict: VerdictCode
    reasons: tuple[Reason, ...]
    notes: tuple[Note, ...]
    answers: dict[int, bool]
    public_area: bool
    label: str
    summary: str
    disclaimer: str
    criteria_met: tuple[int, ...] = field(default=())
    personal_data: bool = True
    required: bool = False


def validate_answers(answers: Mapping[int, bool], *, complete: bool = True) -> dict[int, bool]:
    """Check that ``answers`` maps each question number 1-10 to ``True`` or ``False``.

    With ``complete=False`` (the gateway was "no") questions may be left out; those given must still be valid.

    Raises
    ------
    ValueError
        With a Danish message naming the missing, unknown or unanswered questions.
    """
    if not isinstance(answers, Mapping):
        raise ValueError("Svarene skal være en oversigt fra spørgsmålsnummer (1-10) til ja eller nej.")
    unknown = [k for k in answers if isinstance(k, bool) or not isinstance(k, int) or k not in QUESTIONS]
    if unknown:
        shown = ", ".join(repr(k) for k in unknown)
        raise ValueError(f"Ukendte spørgsmålsnumre: {shown}. Mini-DPIA'en har spørgsmål 1-10.")
    missing = [n for n in QUESTIONS if n not in answers]
    if missing and complete:
        word = "Spørgsmål" if len(missing) == 1 else "Spørgsmålene"
        raise ValueError(f"{word} {join_danish(missing)} mangler et svar. Svar ja eller nej på alle ti.")
    not_bool = sorted(n for n, v in answers.items() if not isinstance(v, bool))
    if not_bool:
        raise ValueError(f"Svaret på spørgsmål {join_danish(not_bool)} skal være ja eller nej.")
    return {n: answers[n] for n in QUESTIONS if n in answers}


def criteria_met(answers: Mapping[int, bool]) -> tuple[int, ...]:
    """The WP248 criteria (1-9) that are met; question 10 (biometri, genetik) is art. 9 data: criterion 4."""
    return tuple(n for n in CRITERIA if answers[n] or (n == 4 and answers[10]))


def fired_rules(answers: Mapping[int, bool], *, public_area: bool = False) -> tuple[VerdictCode, list[str]]:
    """Apply the decision rule to the ten answers and return the verdict and the ids of the rules that fired.

    ``answers`` must already be valid and complete (see :func:`validate_answers`); the gateway is :func:`screen`'s.
    """
    a = answers
    criteria = criteria_met(a)
    rules: list[str] = []
    if a[2]:
        rules.append("automatiske-afgoerelser")
    if a[10] and a[5]:
        rules.append("foelsomme-data-i-stort-omfang")  # certainly art. 9 data: art. 35(3)(b)
    elif a[4] and a[5]:
        rules.append("meget-personlige-data-i-stort-omfang")  # art. 9/10 data or highly personal: it depends
    if a[3] and a[5] and public_area:
        rules.append("overvaagning-offentligt-omraade")
    if a[8] and [n for n in criteria if n != 8]:
        rules.append("innovativ-teknologi")
    if a[10] and [n for n in criteria if n != 4]:
        rules.append("biometri-genetik")
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
    answers: Mapping[int, bool],
    *,
    public_area: bool = False,
    personal_data: bool = True,
    content: DpiaContent | None = None,
) -> Screening:
    """Screen a planned AI solution: is a DPIA needed, and on which legal basis?

    Parameters
    ----------
    answers
        Question number (1-10) to ``True`` (ja) or ``False`` (nej). All ten are required when
        ``personal_data`` is true.
    public_area
        Whether the monitored area of question 3 is publicly accessible (GDPR art. 35(3)(c)).
    personal_data
        The gateway: does the solution process personal data (also in prompts, logs or output)? ``False``
        gives verdict ``"none"`` whatever the ten say.
    content
        The dataset content; loaded from ``datasets/dpia.yaml`` when not given.

    Returns
    -------
    Screening
        ``.verdict`` is ``"full"``, ``"grey"`` or ``"none"``; ``.reasons`` name each rule that fired;
        ``.required`` tells "påkrævet" from "skal som udgangspunkt laves".

    Raises
    ------
    ValueError
        Missing or extra question numbers, or answers that are not ``True``/``False`` (Danish message).
    """
    if not isinstance(personal_data, bool) or not isinstance(public_area, bool):
        raise ValueError(
            "Svaret om personoplysninger og om offentligt tilgængeligt område skal være ja eller nej."
        )
    valid = validate_answers(answers, complete=personal_data)
    content = content or load_dpia()
    if personal_data:
        verdict, rule_ids = fired_rules(valid, public_area=public_area)
    else:
        verdict, rule_ids = "none", ["ingen-personoplysninger"]
    rules = [content.rule(i) for i in rule_ids]
    required = any(r.required for r in rules)
    text = content.presumed if verdict == "full" and not required else content.verdicts[verdict]
    return Screening(
        verdict=verdict,
        reasons=tuple(
            Reason(r.id, r.title, r.explanation, r.legal_basis, content.sources_for(r.sources)) for r in rules
        ),
        notes=_notes(content, verdict, valid, personal_data),
        answers=valid,
        public_area=bool(public_area and valid.get(3)),
        label=text.label,
        summary=text.summary,
        disclaimer=content.disclaimer,
        criteria_met=criteria_met(valid) if personal_data else (),
        personal_data=personal_data,
        required=required,
    )


def _notes(
    content: DpiaContent, verdict: str, answers: Mapping[int, bool], personal_data: bool
) -> tuple[Note, ...]:
    when = {
        "full": verdict == "full",
        "decision": personal_data and (answers[1] or answers[2] or answers[9]),
        "no-personal-data": not personal_data,
    }
    return tuple(
        Note(id=n.id, text=n.text, legal_basis=n.legal_basis, sources=content.sources_for(n.sources))
        for n in content.notes
        if when[n.when]
    )


# --- the stored submission ---------------------------------------------------------------------------


@dataclass(frozen=True)
class DpiaSubmission:
    """One saved mini-DPIA: the gateway, the ten answers, the public-area follow-up and the verdict it gave.

    Version 1 rows (before versions existed) kept ``public_area`` in the result only; version 2 keeps it with
    the answers; version 3 adds the gateway ``personal_data`` (rows before it processed personal data: the
    gateway did not exist, so all ten were answered), and without personal data some answers may be missing.
    """

    exercise: ClassVar[str] = "dpia"
    version: ClassVar[int] = 3

    answers: Mapping[int, bool]
    public_area: bool = False
    personal_data: bool = True
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
            personal_data=screening.personal_data,
            verdict=screening.verdict,
            rules=tuple(r.rule for r in screening.reasons),
            notes=tuple(n.id for n in screening.notes),
            criteria_met=screening.criteria_met,
        )

    def to_answers(self) -> dict[str, Any]:
        answers: dict[str, Any] = {str(n): self.answers[n] for n in QUESTIONS if n in self.answers}
        answers["public_area"] = self.public_area
        answers["personal_data"] = self.personal_data
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
        version = stored_version(answers)
        personal = answers.get("personal_data") is not False if version >= 3 else True
        given = {n: answers[str(n)] for n in QUESTIONS if str(n) in answers}
        missing = [n for n in QUESTIONS if n not in given]
        if missing and personal:
            raise Unreadable(f"Mini-DPIA'en mangler svaret på spørgsmål {join_danish(missing)}.")
        valid = validate_answers(given, complete=personal)
        public = answers.get("public_area") if version >= 2 else result.get("public_area")
        verdict = result.get("verdict")
        return cls(
            answers=valid,
            public_area=public is True,
            personal_data=personal,
            verdict=verdict if verdict in VERDICTS else None,
            rules=tuple(r for r in result.get("rules") or () if isinstance(r, str)),
            notes=tuple(n for n in result.get("notes") or () if isinstance(n, str)),
            criteria_met=tuple(n for n in result.get("criteria_met") or () if isinstance(n, int)),
        )

    def screen(self, content: DpiaContent | None = None) -> Screening:
        """The screening of these answers by today's rule (a stored verdict may be from an older rule)."""
        return screen(
            self.answers, public_area=self.public_area, personal_data=self.personal_data, content=content
        )


# --- a participant's phone -----------------------------------------------------------------------------

#: The fields of the participant form: the gateway, one per question (``q1`` ... ``q10``), the follow-up to Q3.
FORM_GATEWAY, FORM_PUBLIC_AREA = "personoplysninger", "offentligt"
YES, NO = "ja", "nej"
load_content = load_dpia


def form_field(number: int) -> str:
    return f"q{number}"


def _yes_no(form: Form, name: str) -> bool | None:
    value = (form.get(name) or "").casefold()
    return True if value == YES else False if value == NO else None


def from_form(form: Form, content: DpiaContent | None = None) -> DpiaSubmission:
    """The mini-DPIA from a participant's form: the gateway ``personoplysninger``, ``q1``-``q10`` (``ja``/``nej``)
    and, when Q3 is yes, ``offentligt``. Without personal data the ten are not needed.

    Raises
    ------
    FormError
        With a Danish message for each question that needs an answer.
    """
    content = content or load_dpia()
    personal = _yes_no(form, FORM_GATEWAY)
    if personal is None:
        raise FormError({FORM_GATEWAY: "Svar ja eller nej: behandler løsningen personoplysninger?"})
    answers = {n: _yes_no(form, form_field(n)) for n in QUESTIONS}
    if personal:
        missing = [n for n, v in answers.items() if v is None]
        if missing:
            raise FormError(
                {form_field(n): f"Svar ja eller nej på spørgsmål {n}." for n in missing},
                f"Spørgsmål {join_danish(missing)} mangler et svar.",
            )
    public = bool(answers.get(3)) and _yes_no(form, FORM_PUBLIC_AREA) is True
    given = {n: v for n, v in answers.items() if v is not None} if personal else {}
    return DpiaSubmission.of(screen(given, public_area=public, personal_data=personal, content=content))


def form_values(model: DpiaSubmission) -> dict[str, str]:
    values = {
        FORM_GATEWAY: YES if model.personal_data else NO,
        FORM_PUBLIC_AREA: YES if model.public_area else NO,
    }
    values.update({form_field(n): YES if v else NO for n, v in model.answers.items()})
    return values


def participant_result(model: DpiaSubmission, content: DpiaContent | None = None) -> Screening:
    """The participant's own screening, by today's rule."""
    return model.screen(content)


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
        verdicts=tuple(
            VerdictCount(v, content.verdicts[v].count_label or content.verdicts[v].label, counts[v])
            for v in VERDICTS
        ),
    )


#: What the exercise covers and what participants practise in it (AI Act art. 4 documentation).
COVERAGE = (
    "Databeskyttelse: hvornår kræver en AI-løsning en konsekvensanalyse (GDPR art. 35)",
    "Deltagerne screenede en planlagt AI-løsning med mini-DPIA'ens ti spørgsmål.",
)

#: The unit's submission model (every unit names it ``MODEL``).
MODEL = DpiaSubmission
