"""Use-case canvas (A3): describe an AI idea, score gevinst and kompleksitet, apply the legal gates, place it.

The scoring is domain.md §8.3, implemented exactly:

* **Gevinst (0-5)** is the weighted mean of tidsbesparelse (from hours freed per year: <50 → 0, 50-199 → 1,
  200-499 → 2, 500-999 → 3, 1,000-1,999 → 4, ≥2,000 → 5), kvalitet/borgeroplevelse, faglig tid, klima/CO₂ and
  strategisk fit. Default weights 40/20/15/10/15.
* **Kompleksitet (0-5)** is the weighted mean of data, jura, teknik/integration, organisation/forandring and
  leverandør/økonomi. Default weights 25/30/15/20/10.
* Weights are user-editable: each ≥ 0, not all zero, normalised to sum 1. Both scores are rounded to two decimals,
  and the rounded value is the one shown, compared and stored.
* **Legal gates** override the scores: AI Act art. 5 → STOP (not placed); Annex III high-risk and not art. 6(3) →
  kompleksitet ≥ 4 and the flag "FRIA + registrering"; mini-DPIA "full" → jura sub-score ≥ 4 before weighting;
  personal data in a public gen-AI service → STOP until an approved platform / databehandleraftale.
* **Quadrants** cut at 2.5: Quick wins (gevinst ≥ 2.5, kompleksitet < 2.5), Strategiske projekter (≥, ≥),
  Små forbedringer (<, <), Parkér (<, ≥).

The unit owns its content (``datasets/canvas.yaml``), its submission model (:class:`CanvasSubmission`) and its
live aggregate (:func:`aggregate`). Pure: no widgets, no display, no storage, no drawing (the quadrant chart
and the A3 poster are :mod:`aiskole.render.canvas_poster`).
"""

from __future__ import annotations

import datetime as dt
import math
import re
from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any, ClassVar, Literal

from pydantic import Field, model_validator

from aiskole.datasets import DatasetModel, Source, load_dataset
from aiskole.exercises.base import (
    Form,
    FormError,
    LiveResult,
    Stored,
    Unreadable,
    is_number,
    normalise_text,
    split_moderated,
    versioned,
)
from aiskole.exercises.kpi import parse_number
from aiskole.l10n import number as format_number
from aiskole.workshop import WorkshopState

#: Gevinst sub-scores in order; ``tid`` is derived from hours freed per year.
GEVINST_PARTS = ("tid", "kvalitet", "faglig_tid", "klima", "strategi")
#: Kompleksitet sub-scores in order.
KOMPLEKSITET_PARTS = ("data", "jura", "teknik", "organisation", "leverandoer")
#: The sub-scores a user chooses (0-5); ``tid`` is not among them.
SCORE_INPUTS = (*GEVINST_PARTS[1:], *KOMPLEKSITET_PARTS)
DIMENSIONS = ("gevinst", "kompleksitet")
#: The Ja/Nej questions behind the legal gates; ``art_6_3`` is a follow-up to ``bilag_iii``.
QUESTIONS = ("forbudt", "bilag_iii", "art_6_3", "fuld_dpia", "offentlig_genai")
GATES = ("forbudt", "hoejrisiko", "fuld_dpia", "offentlig_genai")
FLAGS = ("fria_registrering", "foreloebig", "roller_mangler")
QUADRANTS = ("quick_wins", "strategiske", "smaa", "parker")
#: The cut between low and high on both axes.
CUT = 2.5
#: What the gates force: jura sub-score (before weighting) and kompleksitet (after weighting).
JURA_MIN_WITH_FULL_DPIA = 4
KOMPLEKSITET_MIN_HIGH_RISK = 4.0
MAX_HOURS = 10_000_000

QuadrantCode = Literal["quick_wins", "strategiske", "smaa", "parker"]


# --- content (datasets/canvas.yaml) -------------------------------------------------------------------


class CanvasField(DatasetModel):
    id: str = Field(pattern=r"^[a-z][a-z0-9_]*$")
    label: str = Field(min_length=2)
    help: str = Field(min_length=5)
    max_length: int = Field(ge=20, le=2000)
    required: bool = False
    role: bool = False


class SubScore(DatasetModel):
    id: str
    label: str = Field(min_length=2)
    help: str = Field(min_length=5)
    weight: float = Field(ge=0)


class Dimension(DatasetModel):
    label: str
    scale: tuple[str, ...] = Field(min_length=6, max_length=6)
    sources: tuple[str, ...] = ()
    parts: tuple[SubScore, ...]

    def part(self, part_id: str) -> SubScore:
        for part in self.parts:
            if part.id == part_id:
                return part
        raise KeyError(part_id)


class GateQuestion(DatasetModel):
    id: str
    short: str = Field(min_length=3)
    text: str = Field(min_length=10)
    legal_basis: str = Field(min_length=3)
    sources: tuple[str, ...] = Field(min_length=1)
    follow_up_of: str | None = None


class GateText(DatasetModel):
    id: str
    title: str = Field(min_length=3)
    text: str = Field(min_length=10)
    legal_basis: str = Field(min_length=3)
    sources: tuple[str, ...] = Field(min_length=1)


class FlagText(DatasetModel):
    id: str
    label: str = Field(min_length=3)
    text: str = Field(min_length=10)
    sources: tuple[str, ...] = ()


class QuadrantText(DatasetModel):
    id: str
    name: str = Field(min_length=3)
    meaning: str = Field(min_length=10)


class CanvasContent(DatasetModel):
    """The content of ``datasets/canvas.yaml``."""

    schema_: Literal["aiskole.canvas/1"] = Field(alias="schema")
    checked: dt.date
    review_by: dt.date
    disclaimer: str
    sources: dict[str, Source]
    fields: tuple[CanvasField, ...]
    roles_source: str
    gevinst: Dimension
    kompleksitet: Dimension
    hours_bands: tuple[tuple[float, int], ...]
    hours_help: str
    questions: tuple[GateQuestion, ...]
    gates: tuple[GateText, ...]
    flags: tuple[FlagText, ...]
    quadrants: tuple[QuadrantText, ...]

    @model_validator(mode="after")
    def _consistent(self) -> CanvasContent:
        ids = [f.id for f in self.fields]
        if len(set(ids)) != len(ids) or "titel" not in ids:
            raise ValueError(f"felterne skal have forskellige id'er og et felt 'titel', fandt {ids}")
        if not any(f.role for f in self.fields):
            raise ValueError("mindst ét felt skal være en rolle (role: true)")
        for name, expected in (("gevinst", GEVINST_PARTS), ("kompleksitet", KOMPLEKSITET_PARTS)):
            dim: Dimension = getattr(self, name)
            found = tuple(p.id for p in dim.parts)
            if found != expected:
                raise ValueError(
                    f"{name}: delscorerne skal være {list(expected)} i den rækkefølge, fandt {list(found)}"
                )
            if sum(p.weight for p in dim.parts) <= 0:
                raise ValueError(f"{name}: vægtene må ikke alle være 0")
        bands = self.hours_bands
        if not bands or bands[0] != (0, 0):
            raise ValueError("hours_bands skal starte med [0, 0]")
        for (h1, s1), (h2, s2) in zip(bands, bands[1:], strict=False):
            if not (h2 > h1 and s2 == s1 + 1):
                raise ValueError("hours_bands: timerne skal stige, og scoren skal stige med 1 ad gangen")
        if bands[-1][1] != 5:
            raise ValueError("hours_bands skal slutte med scoren 5")
        for attr, expected in (
            ("questions", QUESTIONS),
            ("gates", GATES),
            ("flags", FLAGS),
            ("quadrants", QUADRANTS),
        ):
            found = tuple(r.id for r in getattr(self, attr))
            if found != expected:
                raise ValueError(f"{attr}: forventede {list(expected)}, fandt {list(found)}")
        keys = [self.roles_source, *self.gevinst.sources, *self.kompleksitet.sources]
        for record in (*self.questions, *self.gates, *self.flags):
            keys += list(record.sources)
        unknown = sorted({k for k in keys if k not in self.sources})
        if unknown:
            raise ValueError(f"ukendt kilde {unknown}")
        if self.review_by <= self.checked:
            raise ValueError("review_by skal ligge efter checked")
        return self

    def dimension(self, name: str) -> Dimension:
        return getattr(self, name)

    def field_(self, field_id: str) -> CanvasField:
        for f in self.fields:
            if f.id == field_id:
                return f
        raise KeyError(field_id)

    def question(self, question_id: str) -> GateQuestion:
        return self.questions[QUESTIONS.index(question_id)]

    def gate(self, gate_id: str) -> GateText:
        return self.gates[GATES.index(gate_id)]

    def flag(self, flag_id: str) -> FlagText:
        return self.flags[FLAGS.index(flag_id)]

    def quadrant(self, quadrant_id: str) -> QuadrantText:
        return self.quadrants[QUADRANTS.index(quadrant_id)]

    def sources_for(self, keys: tuple[str, ...]) -> tuple[Source, ...]:
        return tuple(self.sources[k] for k in keys)

    @property
    def roles(self) -> tuple[CanvasField, ...]:
        return tuple(f for f in self.fields if f.role)


def load_canvas(datasets_dir=None) -> CanvasContent:
    """Load and validate ``canvas.yaml`` (raises :class:`~aiskole.datasets.DatasetError` in Danish)."""
    return load_dataset("canvas.yaml", CanvasContent, datasets_dir)


# --- results ----------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Part:
    """One sub-score as used: the score after gates, the score chosen, and its normalised weight."""

    id: str
    label: str
    score: int
    chosen: int
    weight: float

    @property
    def raised(self) -> bool:
        return self.score != self.chosen


@dataclass(frozen=True)
class GateHit:
    """A legal gate that fired, with its plain-Danish text and legal basis."""

    id: str
    title: str
    text: str
    legal_basis: str
    sources: tuple[Source, ...]
    stop: bool


@dataclass(frozen=True)
class Flag:
    """Something to do or check, shown with the result."""

    id: str
    label: str
    text: str
    sources: tuple[Source, ...]


@dataclass(frozen=True)
class Evaluation:
    """The result of :func:`evaluate`. ``quadrant`` is ``None`` when a STOP gate fired."""

    gevinst: float
    kompleksitet: float
    gevinst_parts: tuple[Part, ...]
    kompleksitet_parts: tuple[Part, ...]
    hours: float
    gates: tuple[GateHit, ...]
    flags: tuple[Flag, ...]
    quadrant: QuadrantCode | None
    quadrant_name: str | None
    quadrant_meaning: str | None
    answers: dict[str, bool | None] = field(default_factory=dict)

    @property
    def stopped(self) -> bool:
        return any(g.stop for g in self.gates)

    @property
    def stop_gates(self) -> tuple[GateHit, ...]:
        return tuple(g for g in self.gates if g.stop)

    def to_dict(self) -> dict:
        """A JSON-ready summary for storage (texts stay in the dataset)."""
        return {
            "gevinst": self.gevinst,
            "kompleksitet": self.kompleksitet,
            "quadrant": self.quadrant,
            "stopped": self.stopped,
            "gates": [g.id for g in self.gates],
            "flags": [f.id for f in self.flags],
            "hours": self.hours,
            "parts": {p.id: p.score for p in (*self.gevinst_parts, *self.kompleksitet_parts)},
            "weights": {
                "gevinst": {p.id: round(p.weight, 4) for p in self.gevinst_parts},
                "kompleksitet": {p.id: round(p.weight, 4) for p in self.kompleksitet_parts},
            },
        }


@dataclass(frozen=True)
class Canvas:
    """A complete, validated canvas: the free-text fields and the evaluation."""

    fields: dict[str, str]
    evaluation: Evaluation

    @property
    def title(self) -> str:
        return self.fields.get("titel", "")


# --- validation ---------------------------------------------------------------------------------------


def _join(items: list[str]) -> str:
    return items[0] if len(items) == 1 else ", ".join(items[:-1]) + " og " + items[-1]


def _quoted(items) -> str:
    return _join([f"«{i}»" for i in items])


def hours_score(hours, content: CanvasContent | None = None) -> int:
    """Tidsbesparelse (0-5) from hours freed per year, by the bands of domain.md §8.3.

    Raises
    ------
    ValueError
        Hours that are not a number, negative, or absurdly large (Danish message).
    """
    hours = validate_hours(hours)
    content = content or load_canvas()
    score = 0
    for lowest, band_score in content.hours_bands:
        if hours >= lowest:
            score = band_score
    return score


def validate_hours(hours) -> float:
    if not is_number(hours) or not math.isfinite(hours):
        raise ValueError("Frigjort tid skal være et tal (timer pr. år), fx 300.")
    if hours < 0:
        raise ValueError("Frigjort tid kan ikke være negativ. Skriv 0, hvis løsningen ikke frigør tid.")
    if hours > MAX_HOURS:
        raise ValueError(
            f"Frigjort tid på {format_number(hours)} timer pr. år er urealistisk meget. Tjek tallet – det er timer pr. år."
        )
    return float(hours)


def validate_scores(scores: Mapping[str, int], content: CanvasContent | None = None) -> dict[str, int]:
    """Check that each of the nine chosen sub-scores is a whole number 0-5.

    Raises
    ------
    ValueError
        Naming (in Danish) the sub-scores that are missing, unknown or out of range.
    """
    content = content or load_canvas()
    if not isinstance(scores, Mapping):
        raise ValueError("Delscorerne skal være en oversigt fra delscore til et tal fra 0 til 5.")
    if "tid" in scores:
        raise ValueError(
            "Tidsbesparelse regnes ud fra frigjort tid i timer pr. år – den vælges ikke direkte."
        )
    unknown = [k for k in scores if k not in SCORE_INPUTS]
    if unknown:
        raise ValueError(f"Ukendte delscorer: {_join([repr(k) for k in unknown])}.")

    def label(part_id: str) -> str:
        dim = content.gevinst if part_id in GEVINST_PARTS else content.kompleksitet
        return f"{dim.part(part_id).label} ({dim.label.lower()})"

    missing = [p for p in SCORE_INPUTS if scores.get(p) is None]
    if missing:
        word = "Vælg en score for" if len(missing) == 1 else "Vælg en score for hver af"
        raise ValueError(f"{word}: {_quoted([label(p) for p in missing])}.")
    bad = [p for p in SCORE_INPUTS if not (isinstance(scores[p], int) and not isinstance(scores[p], bool))]
    bad += [p for p in SCORE_INPUTS if p not in bad and not 0 <= scores[p] <= 5]
    if bad:
        raise ValueError(f"Delscoren skal være et helt tal fra 0 til 5: {_quoted([label(p) for p in bad])}.")
    return {p: int(scores[p]) for p in SCORE_INPUTS}


def default_weights(content: CanvasContent | None = None) -> dict[str, dict[str, float]]:
    """The dataset's default weights, e.g. ``{"gevinst": {"tid": 40, ...}, "kompleksitet": {...}}``."""
    content = content or load_canvas()
    return {d: {p.id: p.weight for p in content.dimension(d).parts} for d in DIMENSIONS}


def normalise_weights(
    weights: Mapping[str, float], dimension: str, content: CanvasContent | None = None
) -> dict[str, float]:
    """Check the weights of one dimension and scale them to sum 1.

    Raises
    ------
    ValueError
        A weight that is missing, not a number or negative, or all weights zero (Danish message).
    """
    content = content or load_canvas()
    if dimension not in DIMENSIONS:
        raise ValueError(f"Ukendt dimension: {dimension!r}. Vælg gevinst eller kompleksitet.")
    dim = content.dimension(dimension)
    ids = [p.id for p in dim.parts]
    if not isinstance(weights, Mapping):
        raise ValueError(f"Vægtene for {dim.label.lower()} skal være en oversigt fra delscore til tal.")
    unknown = [k for k in weights if k not in ids]
    if unknown:
        raise ValueError(f"Ukendte vægte for {dim.label.lower()}: {_join([repr(k) for k in unknown])}.")
    missing = [dim.part(i).label for i in ids if weights.get(i) is None]
    if missing:
        raise ValueError(f"Skriv en vægt for {_quoted(missing)} ({dim.label.lower()}).")
    not_number = [
        dim.part(i).label for i in ids if not is_number(weights[i]) or not math.isfinite(weights[i])
    ]
    if not_number:
        raise ValueError(f"Vægten skal være et tal: {_quoted(not_number)} ({dim.label.lower()}).")
    negative = [dim.part(i).label for i in ids if weights[i] < 0]
    if negative:
        raise ValueError(
            f"En vægt kan ikke være negativ: {_quoted(negative)} ({dim.label.lower()}). Brug 0 for at se bort fra den."
        )
    total = float(sum(weights[i] for i in ids))
    if total <= 0:
        raise ValueError(f"Mindst én vægt for {dim.label.lower()} skal være større end 0.")
    return {i: weights[i] / total for i in ids}


def validate_gates(
    gates: Mapping[str, bool | None] | None,
    content: CanvasContent | None = None,
    *,
    require_all: bool = False,
) -> dict[str, bool | None]:
    """Check the Ja/Nej answers behind the legal gates. ``None`` means not answered.

    With ``require_all`` every question must be answered (the follow-up on art. 6(3) only when the
    Annex III question is answered Ja).

    Raises
    ------
    ValueError
        Unknown questions, answers that are not ja/nej, or (with ``require_all``) unanswered ones, in Danish.
    """
    content = content or load_canvas()
    gates = {} if gates is None else gates
    if not isinstance(gates, Mapping):
        raise ValueError("Svarene om jura skal være en oversigt fra spørgsmål til ja eller nej.")
    unknown = [k for k in gates if k not in QUESTIONS]
    if unknown:
        raise ValueError(f"Ukendte spørgsmål om jura: {_join([repr(k) for k in unknown])}.")
    answers = {q: gates.get(q) for q in QUESTIONS}
    bad = [content.question(q).short for q, v in answers.items() if v is not None and not isinstance(v, bool)]
    if bad:
        raise ValueError(f"Svaret skal være ja eller nej: {_quoted(bad)}.")
    if require_all:
        needed = [q for q in QUESTIONS if q != "art_6_3" or answers["bilag_iii"]]
        missing = [content.question(q).short for q in needed if answers[q] is None]
        if missing:
            raise ValueError(f"Svar ja eller nej på spørgsmålene om jura og sikkerhed: {_quoted(missing)}.")
    return answers


_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f]")


def clean_text(value: str) -> str:
    """Strip a free text, drop control characters and use ``\\n`` line breaks."""
    text = value.replace("\r\n", "\n").replace("\r", "\n").replace("\t", " ")
    return _CONTROL.sub("", text).strip()


def validate_fields(fields: Mapping[str, str], content: CanvasContent | None = None) -> dict[str, str]:
    """Check the free-text fields: known ids, text, within the maximum length, required ones filled in.

    Returns every field of the canvas (missing optional ones as ``""``), cleaned.

    Raises
    ------
    ValueError
        In Danish, naming the field by its heading.
    """
    content = content or load_canvas()
    if not isinstance(fields, Mapping):
        raise ValueError("Felterne skal være en oversigt fra felt til tekst.")
    known = {f.id for f in content.fields}
    unknown = [k for k in fields if k not in known]
    if unknown:
        raise ValueError(f"Ukendte felter: {_join([repr(k) for k in unknown])}.")
    not_text = [
        content.field_(k).label for k, v in fields.items() if v is not None and not isinstance(v, str)
    ]
    if not_text:
        raise ValueError(f"Feltet skal indeholde tekst: {_quoted(not_text)}.")
    cleaned = {f.id: clean_text(fields.get(f.id) or "") for f in content.fields}
    too_long = [f for f in content.fields if len(cleaned[f.id]) > f.max_length]
    if too_long:
        f = too_long[0]
        more = f" (og {len(too_long) - 1} felt mere)" if len(too_long) == 2 else ""
        more = f" (og {len(too_long) - 1} felter mere)" if len(too_long) > 2 else more
        raise ValueError(
            f"Feltet «{f.label}» er for langt: {len(cleaned[f.id])} tegn. Der er plads til {f.max_length} "
            f"tegn – forkort teksten{more}."
        )
    missing = [f.label for f in content.fields if f.required and not cleaned[f.id]]
    if missing:
        word = "Udfyld feltet" if len(missing) == 1 else "Udfyld felterne"
        raise ValueError(f"{word} {_quoted(missing)}.")
    return cleaned


def missing_roles(fields: Mapping[str, str], content: CanvasContent | None = None) -> list[str]:
    """The headings of the governance roles left empty."""
    content = content or load_canvas()
    return [f.label for f in content.roles if not clean_text(fields.get(f.id) or "")]


# --- scoring ------------------------------------------------------------------------------------------


def quadrant_for(gevinst: float, kompleksitet: float) -> QuadrantCode:
    """The quadrant of a (gevinst, kompleksitet) point; exactly 2.5 counts as high on both axes."""
    high_gain = gevinst >= CUT
    high_complexity = kompleksitet >= CUT
    if high_gain:
        return "strategiske" if high_complexity else "quick_wins"
    return "parker" if high_complexity else "smaa"


def _weighted(parts: list[Part]) -> float:
    return round(sum(p.score * p.weight for p in parts), 2)


def evaluate(
    scores: Mapping[str, int],
    *,
    hours: float,
    gates: Mapping[str, bool | None] | None = None,
    weights: Mapping[str, Mapping[str, float]] | None = None,
    roles: Mapping[str, str] | None = None,
    content: CanvasContent | None = None,
) -> Evaluation:
    """Score a use case and apply the legal gates.

    Parameters
    ----------
    scores
        The nine chosen sub-scores (0-5): ``kvalitet``, ``faglig_tid``, ``klima``, ``strategi`` (gevinst) and
        ``data``, ``jura``, ``teknik``, ``organisation``, ``leverandoer`` (kompleksitet).
    hours
        Hours freed per year; gives the tidsbesparelse sub-score.
    gates
        Answers (``True``/``False``/``None`` = not answered) to ``forbudt``, ``bilag_iii``, ``art_6_3``,
        ``fuld_dpia``, ``offentlig_genai``. Unanswered questions do not fire a gate but make the result
        provisional; under Annex III the art. 6(3) exception only applies when answered ``True``.
    weights
        ``{"gevinst": {...}, "kompleksitet": {...}}``; a dimension left out keeps the default weights.
    roles
        The canvas fields; when given, empty governance roles are flagged.

    Raises
    ------
    ValueError
        Bad scores, hours, weights or answers (Danish message).
    """
    content = content or load_canvas()
    chosen = validate_scores(scores, content)
    chosen["tid"] = hours_score(hours, content)
    answers = validate_gates(gates, content)
    norm = _weights(weights, content)
    full_dpia = answers["fuld_dpia"] is True
    high_risk = answers["bilag_iii"] is True and answers["art_6_3"] is not True
    gain_parts = _parts("gevinst", chosen, norm, full_dpia, content)
    complexity_parts = _parts("kompleksitet", chosen, norm, full_dpia, content)
    gevinst = _weighted(gain_parts)
    kompleksitet = _weighted(complexity_parts)
    if high_risk:
        kompleksitet = max(kompleksitet, KOMPLEKSITET_MIN_HIGH_RISK)
    hits = _gates(answers, high_risk, full_dpia, content)
    stopped = any(h.stop for h in hits)
    code = None if stopped else quadrant_for(gevinst, kompleksitet)
    quadrant = content.quadrant(code) if code else None
    return Evaluation(
        gevinst=gevinst,
        kompleksitet=kompleksitet,
        gevinst_parts=tuple(gain_parts),
        kompleksitet_parts=tuple(complexity_parts),
        hours=float(hours),
        gates=hits,
        flags=_flags(answers, high_risk, roles, content),
        quadrant=code,
        quadrant_name=quadrant.name if quadrant else None,
        quadrant_meaning=quadrant.meaning if quadrant else None,
        answers=answers,
    )


def _weights(weights, content: CanvasContent) -> dict[str, dict[str, float]]:
    weights = weights or {}
    if not isinstance(weights, Mapping) or any(k not in DIMENSIONS for k in weights):
        raise ValueError("Vægtene skal angives for gevinst og/eller kompleksitet.")
    defaults = default_weights(content)
    return {d: normalise_weights(weights.get(d, defaults[d]), d, content) for d in DIMENSIONS}


def _parts(dimension: str, chosen, norm, full_dpia: bool, content: CanvasContent) -> list[Part]:
    """The sub-scores of one dimension as used; a full DPIA raises the jura sub-score before weighting."""
    out = []
    for sub in content.dimension(dimension).parts:
        score = chosen[sub.id]
        if sub.id == "jura" and full_dpia:
            score = max(score, JURA_MIN_WITH_FULL_DPIA)
        out.append(Part(sub.id, sub.label, score, chosen[sub.id], norm[dimension][sub.id]))
    return out


def _gates(answers, high_risk: bool, full_dpia: bool, content: CanvasContent) -> tuple[GateHit, ...]:
    fired = [
        ("forbudt", answers["forbudt"] is True, True),
        ("hoejrisiko", high_risk, False),
        ("fuld_dpia", full_dpia, False),
        ("offentlig_genai", answers["offentlig_genai"] is True, True),
    ]
    return tuple(
        GateHit(g.id, g.title, g.text, g.legal_basis, content.sources_for(g.sources), stop)
        for g, on, stop in ((content.gate(i), on, stop) for i, on, stop in fired)
        if on
    )


def _flags(answers, high_risk: bool, roles, content: CanvasContent) -> tuple[Flag, ...]:
    flags: list[Flag] = []

    def add(flag_id: str, **fmt) -> None:
        f = content.flag(flag_id)
        flags.append(
            Flag(f.id, f.label, f.text.format(**fmt) if fmt else f.text, content.sources_for(f.sources))
        )

    if high_risk:
        add("fria_registrering")
    needed = [q for q in QUESTIONS if q != "art_6_3" or answers["bilag_iii"]]
    if any(answers[q] is None for q in needed):
        add("foreloebig")
    if roles is not None:
        empty = missing_roles(roles, content)
        if empty:
            add("roller_mangler", roles=_join(empty))
    return tuple(flags)


def build_canvas(
    fields: Mapping[str, str],
    scores: Mapping[str, int],
    *,
    hours: float,
    gates: Mapping[str, bool | None] | None = None,
    weights: Mapping[str, Mapping[str, float]] | None = None,
    require_all_gates: bool = True,
    content: CanvasContent | None = None,
) -> Canvas:
    """Validate everything (fields, scores, weights, answers) and evaluate: what is saved and printed.

    Raises
    ------
    ValueError
        The first problem found, in Danish.
    """
    content = content or load_canvas()
    cleaned = validate_fields(fields, content)
    validate_gates(gates, content, require_all=require_all_gates)
    evaluation = evaluate(scores, hours=hours, gates=gates, weights=weights, roles=cleaned, content=content)
    return Canvas(fields=cleaned, evaluation=evaluation)


# --- the stored submission ---------------------------------------------------------------------------


@dataclass(frozen=True)
class CanvasSubmission:
    """One saved canvas: the free-text fields, the sub-scores, hours, weights and gate answers as typed, and
    ``summary``, what the evaluation gave when it was saved (scores, quadrant, gates, flags)."""

    exercise: ClassVar[str] = "canvas"
    version: ClassVar[int] = 2

    fields: Mapping[str, str]
    scores: Mapping[str, int]
    hours: float
    weights: Mapping[str, Mapping[str, float]] | None = None
    gates: Mapping[str, bool | None] = field(default_factory=dict)
    summary: Mapping[str, Any] = field(default_factory=dict)

    @classmethod
    def of(
        cls, canvas: Canvas, scores: Mapping[str, int], weights: Mapping[str, Mapping[str, float]]
    ) -> CanvasSubmission:
        ev = canvas.evaluation
        return cls(dict(canvas.fields), dict(scores), ev.hours, weights, dict(ev.answers), ev.to_dict())

    @property
    def title(self) -> str | None:
        """The canvas's title, whitespace collapsed; ``None`` when blank."""
        raw = self.fields.get("titel")
        return " ".join(raw.split()) if isinstance(raw, str) and raw.strip() else None

    def to_answers(self) -> dict[str, Any]:
        return versioned(
            self,
            {
                "fields": dict(self.fields),
                "scores": dict(self.scores),
                "hours": self.hours,
                "weights": None if self.weights is None else {k: dict(v) for k, v in self.weights.items()},
                "gates": dict(self.gates),
            },
        )

    def to_result(self) -> dict[str, Any]:
        return dict(self.summary)

    @classmethod
    def from_answers(
        cls, answers: Mapping[str, Any], result: Mapping[str, Any] | None = None
    ) -> CanvasSubmission:
        fields = answers.get("fields")
        scores = answers.get("scores")
        if not isinstance(fields, Mapping) or not isinstance(scores, Mapping):
            raise Unreadable("Skemaet mangler sine felter eller point.")
        hours = answers.get("hours", 0)
        weights = answers.get("weights")
        gates = answers.get("gates")
        return cls(
            fields={str(k): v for k, v in fields.items() if isinstance(v, str)},
            scores=dict(scores),
            hours=hours if is_number(hours) else 0,
            weights=weights if isinstance(weights, Mapping) and weights else None,
            gates=dict(gates) if isinstance(gates, Mapping) else {},
            summary=dict(result or {}),
        )

    def evaluate(self, content: CanvasContent | None = None) -> tuple[dict[str, str], Evaluation]:
        """The fields validated and the canvas evaluated again by today's rules (Danish ``ValueError``)."""
        content = content or load_canvas()
        fields = validate_fields(self.fields, content)
        evaluation = evaluate(
            self.scores,
            hours=self.hours,
            gates=self.gates,
            weights=self.weights,
            roles=fields,
            content=content,
        )
        return fields, evaluation


# --- a participant's phone -----------------------------------------------------------------------------

#: The fields of the participant form: the canvas's required fields by their own ids (``titel`` ...), the hours
#: freed (``timer``), the nine sub-scores (``delscore_<id>``, 0-5) and the legal questions by their ids
#: (``ja`` / ``nej`` / ``ved_ikke``). The weights are the dataset's defaults and the other fields stay empty.
FORM_HOURS = "timer"
YES, NO, UNKNOWN = "ja", "nej", "ved_ikke"
_GATE_VALUES = {YES: True, NO: False, UNKNOWN: None}
_WHOLE = re.compile(r"[0-9]{1,3}")
load_content = load_canvas


def score_field(part_id: str) -> str:
    return f"delscore_{part_id}"


def phone_fields(content: CanvasContent) -> tuple[CanvasField, ...]:
    """The free-text fields a phone asks for: the required ones (the rest of the canvas is for the A3 poster)."""
    return tuple(f for f in content.fields if f.required)


def field_errors(fields: Mapping[str, str], content: CanvasContent | None = None) -> dict[str, str]:
    """Per field given, the message :func:`validate_fields` gives for that field alone: a form shows each
    message next to its own field, and the rule stays in one place."""
    content = content or load_canvas()
    errors: dict[str, str] = {}
    for spec in content.fields:
        if spec.id in fields:
            alone = content.model_copy(update={"fields": (spec,)})
            try:
                validate_fields({spec.id: fields[spec.id]}, alone)
            except ValueError as exc:
                errors[spec.id] = str(exc)
    return errors


def _form_hours(form: Form, errors: dict[str, str]) -> float:
    try:
        return validate_hours(parse_number(form.get(FORM_HOURS), "Frigjort tid"))
    except ValueError as exc:
        errors[FORM_HOURS] = str(exc)
        return 0.0


def _form_scores(form: Form, content: CanvasContent, errors: dict[str, str]) -> dict[str, int]:
    """The nine sub-scores; each checked alone by :func:`validate_scores` (its message names the sub-score)."""
    scores: dict[str, Any] = {}
    for part in SCORE_INPUTS:
        raw = form.get(score_field(part))
        value = int(raw) if raw is not None and _WHOLE.fullmatch(raw) else raw
        try:
            validate_scores({p: value if p == part else 0 for p in SCORE_INPUTS}, content)
            scores[part] = value
        except ValueError as exc:
            errors[score_field(part)] = str(exc)
    return scores


def _form_gates(form: Form, content: CanvasContent, errors: dict[str, str]) -> dict[str, bool | None]:
    """The legal questions: ja, nej or ved ikke (not answered: the placement is provisional, see
    :func:`evaluate`); a follow-up counts only when its question is answered ja."""
    answers: dict[str, bool | None] = {}
    for q in content.questions:
        raw = (form.get(q.id) or "").casefold()
        if q.follow_up_of and answers.get(q.follow_up_of) is not True:
            answers[q.id] = None
        elif raw in _GATE_VALUES:
            answers[q.id] = _GATE_VALUES[raw]
        else:
            errors[q.id] = f"Svar ja, nej eller ved ikke: {q.short}."
    return answers


def from_form(form: Form, content: CanvasContent | None = None) -> CanvasSubmission:
    """The canvas from a participant's form (see :data:`FORM_HOURS` for the fields), evaluated like the view's
    with the default weights; a question answered "ved ikke" is not answered (a provisional placement).

    Raises
    ------
    FormError
        With the unit's Danish message for each field that needs fixing.
    """
    content = content or load_canvas()
    texts = {f.id: form.get(f.id) or "" for f in phone_fields(content)}
    errors = field_errors(texts, content)
    hours = _form_hours(form, errors)
    scores = _form_scores(form, content, errors)
    gates = _form_gates(form, content, errors)
    if errors:
        raise FormError(errors)
    weights = default_weights(content)
    canvas = build_canvas(
        texts, scores, hours=hours, gates=gates, weights=weights, require_all_gates=False, content=content
    )
    return CanvasSubmission.of(canvas, scores, weights)


def _hours_text(hours: float) -> str:
    """Hours as a participant would type them (``1500``, ``12,5``); :func:`parse_number` reads them back."""
    text = f"{hours:.6f}".rstrip("0").rstrip(".")
    return text.replace(".", ",")


def form_values(model: CanvasSubmission) -> dict[str, str]:
    values = {k: v for k, v in model.fields.items() if isinstance(v, str)}
    values[FORM_HOURS] = _hours_text(float(model.hours))
    values.update({score_field(p): str(v) for p, v in model.scores.items()})
    for q in QUESTIONS:
        answer = model.gates.get(q)
        if q != "art_6_3" or model.gates.get("bilag_iii") is True:
            values[q] = YES if answer is True else NO if answer is False else UNKNOWN
    return values


def participant_result(model: CanvasSubmission, content: CanvasContent | None = None) -> Canvas:
    """The participant's canvas evaluated again by today's rules: its title, placement, gates and flags."""
    fields, evaluation = model.evaluate(content)
    return Canvas(fields=fields, evaluation=evaluation)


# --- live aggregate ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class CanvasTeam:
    """One team's canvas. ``title`` is shown only when ``title_approved``; STOP canvases have no quadrant."""

    number: int
    title: str | None
    title_approved: bool
    gevinst: float
    kompleksitet: float
    quadrant: str | None
    quadrant_name: str | None
    stopped: bool


@dataclass(frozen=True)
class QuadrantCount:
    quadrant: str
    name: str
    count: int


@dataclass(frozen=True)
class CanvasLive(LiveResult):
    """Every team's position (gevinst, kompleksitet) and quadrant; STOPs counted separately."""

    exercise: ClassVar[str] = "canvas"
    teams: tuple[CanvasTeam, ...]
    quadrants: tuple[QuadrantCount, ...]
    stopped: int
    waiting: tuple[tuple[str, int], ...]

    @property
    def pending(self) -> tuple[tuple[str, int], ...]:
        return self.waiting


def aggregate(
    stored: Iterable[Stored[CanvasSubmission]],
    state: WorkshopState | None = None,
    *,
    content: CanvasContent | None = None,
) -> CanvasLive:
    """Every team's placement as stored (pass each participant's latest canvas only).

    A title is shown only when the presenter approved it (in ``state``); the others wait for moderation.
    """
    content = content or load_canvas()
    approved = {normalise_text(w) for w in (state or WorkshopState()).approved_words} - {None}
    teams: list[CanvasTeam] = []
    titles: Counter[str] = Counter()
    for s in stored:
        summary = s.model.summary
        gevinst, kompleksitet = summary.get("gevinst"), summary.get("kompleksitet")
        if not (is_number(gevinst) and is_number(kompleksitet)):
            continue
        title = s.model.title
        key = normalise_text(title)
        if key is not None and key not in approved:
            titles[key] += 1
        stopped = bool(summary.get("stopped")) or summary.get("quadrant") not in QUADRANTS
        quadrant = None if stopped else summary["quadrant"]
        teams.append(
            CanvasTeam(
                number=len(teams) + 1,
                title=title,
                title_approved=key is not None and key in approved,
                gevinst=float(gevinst),
                kompleksitet=float(kompleksitet),
                quadrant=quadrant,
                quadrant_name=None if quadrant is None else content.quadrant(quadrant).name,
                stopped=stopped,
            )
        )
    quadrants = tuple(
        QuadrantCount(q, content.quadrant(q).name, sum(t.quadrant == q for t in teams)) for q in QUADRANTS
    )
    _, waiting = split_moderated(titles, set())
    return CanvasLive(
        n=len(teams),
        teams=tuple(teams),
        quadrants=quadrants,
        stopped=sum(t.stopped for t in teams),
        waiting=waiting,
    )


#: What the exercise covers and what participants practise in it (AI Act art. 4 documentation).
COVERAGE = (
    "Prioritering af AI-idéer: gevinst, kompleksitet og juridiske stopklodser (AI-forordningen)",
    "Deltagerne beskrev en AI-idé på et canvas, scorede den og placerede den i en prioriteringsmatrix.",
)

#: The unit's submission model (every unit names it ``MODEL``).
MODEL = CanvasSubmission
