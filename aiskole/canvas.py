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

Charts are pure too (matplotlib's object API, never pyplot): :func:`quadrant_png` and the printable A3 poster
:func:`a3_pdf` / :func:`a3_png`. Every text a learner sees comes from ``datasets/canvas.yaml``.
"""

from __future__ import annotations

import datetime as dt
import io
import math
import re
import textwrap
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Literal

from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.backends.backend_pdf import FigureCanvasPdf
from matplotlib.figure import Figure
from matplotlib.font_manager import FontProperties
from matplotlib.patches import FancyBboxPatch, Rectangle
from pydantic import Field, model_validator

from aiskole.datasets import DatasetError, DatasetModel, Source, load_dataset
from aiskole.html import danish_date

__all__ = [
    "Canvas",
    "CanvasContent",
    "DatasetError",
    "Evaluation",
    "a3_figure",
    "a3_pdf",
    "a3_png",
    "build_canvas",
    "evaluate",
    "hours_score",
    "load_canvas",
    "normalise_weights",
    "quadrant_for",
    "quadrant_png",
    "validate_fields",
    "validate_gates",
    "validate_scores",
]

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


def _is_number(value) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)


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
    if not _is_number(hours) or not math.isfinite(hours):
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
        dim.part(i).label for i in ids if not _is_number(weights[i]) or not math.isfinite(weights[i])
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
    weights = weights or {}
    if not isinstance(weights, Mapping) or any(k not in DIMENSIONS for k in weights):
        raise ValueError("Vægtene skal angives for gevinst og/eller kompleksitet.")
    defaults = default_weights(content)
    norm = {d: normalise_weights(weights.get(d, defaults[d]), d, content) for d in DIMENSIONS}

    full_dpia = answers["fuld_dpia"] is True
    high_risk = answers["bilag_iii"] is True and answers["art_6_3"] is not True

    def parts(dimension: str) -> list[Part]:
        out = []
        for sub in content.dimension(dimension).parts:
            score = chosen[sub.id]
            if sub.id == "jura" and full_dpia:
                score = max(score, JURA_MIN_WITH_FULL_DPIA)
            out.append(Part(sub.id, sub.label, score, chosen[sub.id], norm[dimension][sub.id]))
        return out

    gain_parts, complexity_parts = parts("gevinst"), parts("kompleksitet")
    gevinst = _weighted(gain_parts)
    kompleksitet = _weighted(complexity_parts)
    if high_risk:
        kompleksitet = max(kompleksitet, KOMPLEKSITET_MIN_HIGH_RISK)

    fired = [
        ("forbudt", answers["forbudt"] is True, True),
        ("hoejrisiko", high_risk, False),
        ("fuld_dpia", full_dpia, False),
        ("offentlig_genai", answers["offentlig_genai"] is True, True),
    ]
    hits = tuple(
        GateHit(g.id, g.title, g.text, g.legal_basis, content.sources_for(g.sources), stop)
        for g, on, stop in ((content.gate(i), on, stop) for i, on, stop in fired)
        if on
    )

    flags: list[Flag] = []

    def add_flag(flag_id: str, **fmt) -> None:
        f = content.flag(flag_id)
        flags.append(
            Flag(f.id, f.label, f.text.format(**fmt) if fmt else f.text, content.sources_for(f.sources))
        )

    if high_risk:
        add_flag("fria_registrering")
    needed = [q for q in QUESTIONS if q != "art_6_3" or answers["bilag_iii"]]
    if any(answers[q] is None for q in needed):
        add_flag("foreloebig")
    if roles is not None:
        empty = missing_roles(roles, content)
        if empty:
            add_flag("roller_mangler", roles=_join(empty))

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
        flags=tuple(flags),
        quadrant=code,
        quadrant_name=quadrant.name if quadrant else None,
        quadrant_meaning=quadrant.meaning if quadrant else None,
        answers=answers,
    )


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


# --- formatting ---------------------------------------------------------------------------------------


def format_number(value: float, decimals: int = 0) -> str:
    """Danish number format: ``1.234,5``."""
    text = f"{value:,.{decimals}f}"
    return text.replace(",", "\0").replace(".", ",").replace("\0", ".")


def format_score(value: float) -> str:
    return format_number(value, 2)


def format_date(day: dt.date) -> str:
    return danish_date(day)


# --- charts -------------------------------------------------------------------------------------------

#: Light, colour-blind-safe tints; every quadrant also carries its name, so colour is never the only signal.
QUADRANT_STYLE: dict[str, tuple[str, tuple[float, float, float, float]]] = {
    # id: (fill colour, (x0, y0, width, height) in score units: x = kompleksitet, y = gevinst)
    "quick_wins": ("#d9ecf7", (0, CUT, CUT, 5 - CUT)),
    "strategiske": ("#fff3c4", (CUT, CUT, 5 - CUT, 5 - CUT)),
    "smaa": ("#ececec", (0, 0, CUT, CUT)),
    "parker": ("#fbe3d6", (CUT, 0, 5 - CUT, CUT)),
}
INK = "#1b1b1b"
BUBBLE = "#1a5fb4"
STOP_INK = "#7a1d14"
ELLIPSIS = "…"


def _text_width(renderer, text: str, prop: FontProperties) -> float:
    if not text:
        return 0.0
    width, _, _ = renderer.get_text_width_height_descent(text, prop, ismath=False)
    return width


def wrap_to_width(text: str, width: float, renderer, prop: FontProperties) -> list[str]:
    """Greedy word wrap by measured width (display pixels); words too long for a line are broken."""
    lines: list[str] = []
    for paragraph in text.split("\n"):
        words = paragraph.split()
        if not words:
            if lines and lines[-1] != "":
                lines.append("")
            continue
        line = ""
        for word in words:
            candidate = f"{line} {word}" if line else word
            if _text_width(renderer, candidate, prop) <= width:
                line = candidate
                continue
            if line:
                lines.append(line)
                line = ""
            while _text_width(renderer, word, prop) > width:
                cut = 1
                while cut < len(word) and _text_width(renderer, word[: cut + 1], prop) <= width:
                    cut += 1
                lines.append(word[:cut])
                word = word[cut:]
            line = word
        if line:
            lines.append(line)
    while lines and lines[-1] == "":
        lines.pop()
    return lines


def fit_text(text: str, width: float, max_lines: int, renderer, prop: FontProperties) -> tuple[str, bool]:
    """Wrap ``text`` to ``width`` and cut it to ``max_lines``, ending in "…" when cut. Returns (text, cut)."""
    lines = wrap_to_width(text, width, renderer, prop)
    if len(lines) <= max_lines:
        return "\n".join(lines), False
    if max_lines <= 0:
        return "", True
    kept = lines[:max_lines]
    last = kept[-1].rstrip()
    while last and _text_width(renderer, last + ELLIPSIS, prop) > width:
        last = last[:-1].rstrip()
    kept[-1] = last + ELLIPSIS
    return "\n".join(kept), True


def _short(text: str, limit: int) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1].rstrip() + ELLIPSIS


def draw_quadrant(
    ax, evaluation: Evaluation, title: str, content: CanvasContent, *, fontsize: float = 10
) -> None:
    """Draw the 2×2 quadrant chart on ``ax``: names in the chart, bubble area = hours freed, STOP note."""
    ax.set_xlim(0, 5)
    ax.set_ylim(0, 5)
    ax.set_aspect("equal")
    for code, (colour, (x0, y0, w, h)) in QUADRANT_STYLE.items():
        ax.add_patch(Rectangle((x0, y0), w, h, facecolor=colour, edgecolor="none", zorder=0))
        name = textwrap.fill(content.quadrant(code).name, 14)
        left = x0 == 0
        ax.text(
            x0 + (0.12 if left else w - 0.12),
            y0 + h - 0.14,
            name,
            ha="left" if left else "right",
            multialignment="left" if left else "right",
            va="top",
            fontsize=fontsize,
            fontweight="bold",
            color=INK,
            zorder=1,
        )
    ax.axhline(CUT, color="#555555", linewidth=1, linestyle="--", zorder=1)
    ax.axvline(CUT, color="#555555", linewidth=1, linestyle="--", zorder=1)
    ax.set_xlabel("Kompleksitet (0–5)", fontsize=fontsize)
    ax.set_ylabel("Gevinst (0–5)", fontsize=fontsize)
    ax.set_xticks(range(6))
    ax.set_yticks(range(6))
    ax.tick_params(labelsize=fontsize * 0.9)
    label = textwrap.fill(_short(title or "Use case", 44), 22)
    if evaluation.stopped:
        reasons = "\n".join(textwrap.fill(g.title, 22) for g in evaluation.stop_gates)
        label = textwrap.fill(f"«{_short(title or 'Use case', 40)}»", 22)
        ax.text(
            2.5,
            2.5,
            f"STOP – ikke placeret\n{reasons}\n{label}",
            ha="center",
            va="center",
            fontsize=fontsize,
            fontweight="bold",
            color=STOP_INK,
            wrap=False,
            parse_math=False,
            zorder=5,
            bbox={"boxstyle": "round,pad=0.5", "facecolor": "white", "edgecolor": STOP_INK, "linewidth": 2},
        )
        return
    x, y = evaluation.kompleksitet, evaluation.gevinst
    size = 120 + 1500 * min(evaluation.hours, 4000) / 4000
    ax.scatter(
        [x],
        [y],
        s=size * (fontsize / 10) ** 2,
        color=BUBBLE,
        alpha=0.55,
        edgecolors=INK,
        linewidths=1.5,
        zorder=3,
    )
    ax.plot([x], [y], marker="+", color=INK, markersize=fontsize, zorder=4)
    radius_pt = math.sqrt(size * (fontsize / 10) ** 2) / 2
    below = y > 4.0
    ax.annotate(
        label,
        (x, y),
        xytext=(0, -(radius_pt + 4) if below else radius_pt + 4),
        textcoords="offset points",
        ha="left" if x < 1.6 else ("right" if x > 3.4 else "center"),
        multialignment="center",
        va="top" if below else "bottom",
        fontsize=fontsize * 0.95,
        color=INK,
        parse_math=False,
        annotation_clip=False,
        zorder=5,
        bbox={"boxstyle": "round,pad=0.25", "facecolor": "white", "edgecolor": "#777777", "alpha": 0.9},
    )


def bubble_note(evaluation: Evaluation) -> str:
    if evaluation.stopped:
        return "Idéen er ikke placeret, fordi en stop-regel gælder."
    return f"Boblens størrelse viser frigjort tid: {format_number(evaluation.hours)} timer pr. år."


def quadrant_figure(evaluation: Evaluation, title: str, content: CanvasContent | None = None) -> Figure:
    content = content or load_canvas()
    fig = Figure(figsize=(5.2, 5.6), dpi=100, layout="constrained")
    FigureCanvasAgg(fig)
    ax = fig.add_subplot()
    draw_quadrant(ax, evaluation, title, content)
    if evaluation.stopped:
        ax.set_title("Gevinst og kompleksitet", fontsize=12)
    else:
        ax.set_title(
            f"Gevinst {format_score(evaluation.gevinst)} · kompleksitet {format_score(evaluation.kompleksitet)}",
            fontsize=12,
        )
    fig.supxlabel(bubble_note(evaluation), fontsize=9, color="#333333")
    return fig


def quadrant_png(
    evaluation: Evaluation, title: str, *, dpi: int = 100, content: CanvasContent | None = None
) -> bytes:
    """The quadrant chart as PNG bytes."""
    fig = quadrant_figure(evaluation, title, content)
    buffer = io.BytesIO()
    fig.savefig(buffer, format="png", dpi=dpi)
    return buffer.getvalue()


def quadrant_alt_text(evaluation: Evaluation, title: str) -> str:
    """A Danish text alternative for the quadrant chart (WCAG 1.1.1)."""
    name = _short(title or "Use casen", 80)
    if evaluation.stopped:
        reasons = " og ".join(g.title for g in evaluation.stop_gates)
        return f"Kvadrantdiagram: «{name}» er ikke placeret. {reasons}."
    return (
        f"Kvadrantdiagram: «{name}» ligger i feltet {evaluation.quadrant_name} med gevinst "
        f"{format_score(evaluation.gevinst)} og kompleksitet {format_score(evaluation.kompleksitet)} "
        f"(skala 0–5, skæring ved 2,5). {bubble_note(evaluation)}"
    )


# --- the A3 poster --------------------------------------------------------------------------------------

A3_MM = (420.0, 297.0)
MM_PER_INCH = 25.4


@dataclass(frozen=True)
class PosterBox:
    """A box on the poster and the text drawn in it (for tests: the text must stay inside)."""

    name: str
    rect: FancyBboxPatch
    text: object
    cut: bool


class _Poster:
    """Lays out the A3 poster in millimetres (origin bottom left)."""

    def __init__(self, fig: Figure, renderer) -> None:
        self.fig = fig
        self.renderer = renderer
        self.boxes: list[PosterBox] = []
        self.px_per_mm = fig.bbox.width / A3_MM[0]

    def fx(self, x: float) -> float:
        return x / A3_MM[0]

    def fy(self, y: float) -> float:
        return y / A3_MM[1]

    def text(self, x, y, s, *, size, weight="normal", colour=INK, ha="left", va="top", **kw):
        return self.fig.text(
            self.fx(x),
            self.fy(y),
            s,
            fontsize=size,
            fontweight=weight,
            color=colour,
            ha=ha,
            va=va,
            parse_math=False,
            linespacing=1.3,
            **kw,
        )

    def fitted(self, x, y, w, h, s, *, size, weight="normal", colour=INK) -> tuple[object, bool]:
        """Text wrapped to ``w`` mm and cut to fit ``h`` mm (top-left at x, y)."""
        prop = FontProperties(size=size, weight=weight)
        width_px = w * self.px_per_mm * 0.97
        height_px = h * self.px_per_mm * 0.97  # a little room for the PDF's slightly different metrics
        _, lp_px, _ = self.renderer.get_text_width_height_descent("lp", prop, ismath=False)
        max_lines = max(1, int(height_px // lp_px))
        text = self.text(x, y, "", size=size, weight=weight, colour=colour)
        while True:
            fitted, cut = fit_text(s, width_px, max_lines, self.renderer, prop)
            text.set_text(fitted)
            if max_lines == 0 or text.get_window_extent(self.renderer).height <= height_px:
                return text, cut
            max_lines -= 1

    def box(self, name, x, y, w, h, heading, body, *, size=9, fill="#f6f6f6", edge="#555555", placeholder=""):
        """A box with a bold heading and wrapped body text; (x, y) is the bottom-left corner in mm."""
        rect = FancyBboxPatch(
            (self.fx(x), self.fy(y)),
            self.fx(w),
            self.fy(h),
            boxstyle="round,pad=0,rounding_size=0.004",
            transform=self.fig.transFigure,
            facecolor=fill,
            edgecolor=edge,
            linewidth=1.2,
        )
        self.fig.add_artist(rect)
        pad = 3.0
        self.text(x + pad, y + h - pad, heading, size=11.5, weight="bold")
        body_top = y + h - pad - 7.0
        if body:
            text, cut = self.fitted(x + pad, body_top, w - 2 * pad, body_top - y - pad, body, size=size)
        else:
            text, cut = (
                self.text(x + pad, body_top, placeholder, size=size, colour="#777777", style="italic"),
                False,
            )
        self.boxes.append(PosterBox(name, rect, text, cut))
        return text


def a3_figure(
    canvas: Canvas, *, today: dt.date | None = None, content: CanvasContent | None = None
) -> tuple[Figure, list[PosterBox]]:
    """The A3 landscape poster (420 × 297 mm) as a matplotlib Figure, and its text boxes."""
    content = content or load_canvas()
    today = today or dt.date.today()
    ev = canvas.evaluation
    fig = Figure(figsize=(A3_MM[0] / MM_PER_INCH, A3_MM[1] / MM_PER_INCH), dpi=100)
    FigureCanvasAgg(fig)
    renderer = fig.canvas.get_renderer()
    p = _Poster(fig, renderer)
    fig.patch.set_facecolor("white")

    margin = 12.0
    # header: the title (wrapped, at most two lines), the kit and the date
    title_text, title_cut = p.fitted(
        margin, 285, 305, 25, canvas.title or "Use case uden titel", size=21, weight="bold"
    )
    p.boxes.append(PosterBox("titel", None, title_text, title_cut))
    p.text(408, 266, f"Use-case-canvas · {format_date(today)}", size=11, colour="#333333", ha="right")
    if ev.stopped:
        badge, badge_colour, badge_ink = "STOP – ikke placeret", "#fbe3e0", STOP_INK
    else:
        badge = f"Placering: {ev.quadrant_name}"
        badge_colour, badge_ink = QUADRANT_STYLE[ev.quadrant][0], INK
    p.text(
        408,
        279,
        badge,
        size=15,
        weight="bold",
        colour=badge_ink,
        ha="right",
        bbox={
            "boxstyle": "round,pad=0.5",
            "facecolor": badge_colour,
            "edgecolor": badge_ink,
            "linewidth": 1.5,
        },
    )

    # nine field boxes, 3 × 3, on the left
    left, top, bottom = margin, 256.0, 24.0
    col_w, gap = 86.0, 4.0
    row_h = (top - bottom - 2 * gap) / 3
    grid = [
        "problem",
        "maalgruppe",
        "nuvaerende_proces",
        "ai_loesning",
        "data",
        "jura",
        "kpi",
        "risici",
        "historie",
    ]
    for i, field_id in enumerate(grid):
        row, col = divmod(i, 3)
        x = left + col * (col_w + gap)
        y = top - (row + 1) * row_h - row * gap
        spec = content.field_(field_id)
        p.box(
            field_id,
            x,
            y,
            col_w,
            row_h,
            spec.label,
            canvas.fields.get(field_id, ""),
            placeholder="(ikke udfyldt)",
        )

    # right column: the quadrant chart, the scores, gates and flags, the roles
    rx = left + 3 * col_w + 2 * gap + 4.0
    rw = 408.0 - rx
    chart = 72.0
    ax = fig.add_axes((p.fx(rx + (rw - chart) / 2 + 4), p.fy(top - chart - 2), p.fx(chart), p.fy(chart)))
    draw_quadrant(ax, ev, canvas.title, content, fontsize=8.5)
    p.text(rx + rw / 2, top - chart - 14.5, bubble_note(ev), size=8, colour="#333333", ha="center")

    def parts_lines(parts: tuple[Part, ...]) -> list[str]:
        out = []
        for part in parts:
            extra = f" (valgt {part.chosen}, hævet af en regel)" if part.raised else ""
            if part.id == "tid":
                extra = f" ({format_number(ev.hours)} timer/år)"
            out.append(f"– {part.label}: {part.score}{extra} · vægt {format_number(part.weight * 100)} %")
        return out

    note = " (kun til orientering)" if ev.stopped else ""
    score_lines = [
        f"Gevinst: {format_score(ev.gevinst)} af 5{note}",
        *parts_lines(ev.gevinst_parts),
        f"Kompleksitet: {format_score(ev.kompleksitet)} af 5{note}",
        *parts_lines(ev.kompleksitet_parts),
    ]
    p.box("scores", rx, 107.0, rw, 56.0, "Scorer", "\n".join(score_lines), size=7.5)

    rule_lines = [f"▲ {g.title} ({g.legal_basis})" for g in ev.gates]
    rule_lines += [f"● {f.label}: {f.text}" for f in ev.flags]
    p.box(
        "regler",
        rx,
        63.0,
        rw,
        41.0,
        "Regler og flag",
        "\n".join(rule_lines),
        size=7.5,
        placeholder="Ingen stop-regler eller flag.",
    )
    role_lines = [f"{f.label}: {canvas.fields.get(f.id) or '–'}" for f in content.roles]
    p.box("roller", rx, bottom, rw, 36.0, "Roller", "\n".join(role_lines), size=8)

    foot = (
        f"{content.disclaimer} Kvadranter skæres ved 2,5. Regler: AI-forordningen art. 5, 6, 26 og 27; "
        "databeskyttelsesforordningen art. 28 og 35."
    )
    foot_text, foot_cut = p.fitted(margin, 19.5, 396, 9, foot, size=7.5, colour="#333333")
    p.boxes.append(PosterBox("fod", None, foot_text, foot_cut))
    return fig, p.boxes


def a3_pdf(canvas: Canvas, *, today: dt.date | None = None, content: CanvasContent | None = None) -> bytes:
    """The A3 landscape poster as PDF bytes (vector; for printing)."""
    fig, _ = a3_figure(canvas, today=today, content=content)
    FigureCanvasPdf(fig)
    buffer = io.BytesIO()
    fig.savefig(
        buffer,
        format="pdf",
        metadata={
            "Title": f"Use-case-canvas: {canvas.title}",
            "Creator": "aiskole",
            "Subject": "Use-case-canvas",
        },
    )
    return buffer.getvalue()


def a3_png(
    canvas: Canvas, *, today: dt.date | None = None, dpi: int = 100, content: CanvasContent | None = None
) -> bytes:
    """The A3 landscape poster as PNG bytes (for sharing on screen)."""
    fig, _ = a3_figure(canvas, today=today, content=content)
    buffer = io.BytesIO()
    fig.savefig(buffer, format="png", dpi=dpi)
    return buffer.getvalue()
