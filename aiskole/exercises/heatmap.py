"""Risk heatmap: likelihood x consequence for the citizen, banded green/yellow/red.

The rule is domain.md §6 and §8.4:

* 3x3 (default): likelihood 1-3 (usandsynlig, mulig, sandsynlig) x consequence for the citizen 1-3
  (begrænset, betydelig, alvorlig); score = product; green 1-2, yellow 3-4, red 6-9.
* 5x5 (optional): green 1-4, yellow 5-9, red 10-25.

The bands are organisational conventions, not a standard (the learner is told so). A domain's colour is the
band of the highest score among its risks (worst case). Every red risk needs an owner and a mitigation before
the heatmap can be saved.

The unit owns its content (``datasets/risks.yaml``), the rule, its submission model (:class:`HeatmapSubmission`)
and its live aggregate (:func:`aggregate`). Pure: no widgets, no display, no storage, no HTML (the table is a
template in ``templates/exercises/heatmap``, the PNG is :mod:`aiskole.render.heatmap_png`).
"""

from __future__ import annotations

import datetime as dt
import re
from collections import Counter
from collections.abc import Callable, Iterable, Mapping, Sequence
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
    is_int,
    join_danish,
    versioned,
)
from aiskole.workshop import WorkshopState

Band = Literal["green", "yellow", "red"]
DomainCode = Literal["data", "etik", "tilgaengelighed", "drift"]

SCALES = (3, 5)
BANDS: tuple[Band, ...] = ("green", "yellow", "red")
DOMAINS: tuple[DomainCode, ...] = ("data", "etik", "tilgaengelighed", "drift")
TITLE_MAX = 120
OWNER_MAX = 120
MITIGATION_MAX = 1000
#: The highest score of the green and of the yellow band per scale (domain.md §6 / §8.4).
_UPPER = {3: (2, 4), 5: (4, 9)}

#: The symbol of each band: colour is never the only signal (every cell also has its label, "RØD 6").
SYMBOLS: dict[Band, str] = {"green": "✓", "yellow": "●", "red": "▲"}


# --- dataset ----------------------------------------------------------------------------------------


def _https_only(sources: Iterable[Source], where: str) -> None:
    for source in sources:
        if source.url.scheme != "https":
            raise ValueError(f"{where}: kilden {source.title!r} skal have en https-adresse")


class SourcedText(DatasetModel):
    """A text shown to the learner that states a fact, with its sources and the date it was checked."""

    text: str = Field(min_length=10)
    sources: tuple[Source, ...] = Field(min_length=1)
    checked: dt.date


class BandText(DatasetModel):
    label: str = Field(min_length=2, max_length=8)
    meaning: str = Field(min_length=5)


class DomainText(DatasetModel):
    label: str = Field(min_length=3)
    description: str = Field(min_length=5)
    optional: bool = False


class ScaleLabels(DatasetModel):
    likelihood: tuple[str, ...]
    consequence: tuple[str, ...]


class CatalogueRisk(DatasetModel):
    """A typical municipal AI risk the learner can start from."""

    id: str = Field(pattern=r"^[a-z0-9][a-z0-9-]*$")
    domain: DomainCode
    title: str = Field(min_length=5, max_length=TITLE_MAX)
    description: str = Field(min_length=10)
    mitigation: str = Field(min_length=10, max_length=MITIGATION_MAX)
    sources: tuple[Source, ...] = ()
    checked: dt.date | None = None

    @model_validator(mode="after")
    def _sourced(self) -> CatalogueRisk:
        if self.sources and self.checked is None:
            raise ValueError(f"{self.id}: en risiko med kilder skal have en checked-dato")
        return self


class RisksContent(DatasetModel):
    """The content of ``datasets/risks.yaml``."""

    schema_: Literal["aiskole.risks/1"] = Field(alias="schema")
    checked: dt.date
    review_by: dt.date
    intro: str
    citizen_note: SourcedText
    convention_note: SourcedText
    cox_caveat: SourcedText
    owner_hint: str
    bands: dict[Band, BandText]
    domains: dict[DomainCode, DomainText]
    scales: dict[int, ScaleLabels]
    catalogue: tuple[CatalogueRisk, ...] = Field(min_length=1)

    @model_validator(mode="after")
    def _consistent(self) -> RisksContent:
        if set(self.bands) != set(BANDS):
            raise ValueError("der skal være en tekst for hvert bånd: green, yellow og red")
        if set(self.domains) != set(DOMAINS):
            raise ValueError(f"områderne skal være netop {', '.join(DOMAINS)}")
        if set(self.scales) != set(SCALES):
            raise ValueError("der skal være etiketter for skalaerne 3 og 5")
        for size, labels in self.scales.items():
            if len(labels.likelihood) != size or len(labels.consequence) != size:
                raise ValueError(f"skala {size} skal have {size} etiketter for sandsynlighed og konsekvens")
        ids = [r.id for r in self.catalogue]
        dupes = sorted({i for i in ids if ids.count(i) > 1})
        if dupes:
            raise ValueError(f"risici med samme id: {dupes}")
        for name in ("citizen_note", "convention_note", "cox_caveat"):
            _https_only(getattr(self, name).sources, name)
        for risk in self.catalogue:
            _https_only(risk.sources, risk.id)
        if self.review_by <= self.checked:
            raise ValueError("review_by skal ligge efter checked")
        return self

    def catalogue_risk(self, risk_id: str) -> CatalogueRisk:
        for risk in self.catalogue:
            if risk.id == risk_id:
                return risk
        raise ValueError(f"Risikoen {risk_id!r} findes ikke i kataloget.")

    @property
    def phone(self) -> PhoneForm:
        """What a participant's phone form shows (:class:`PhoneForm`; templates are handed only the content)."""
        return PhoneForm(
            slots=tuple(range(1, RISK_SLOTS + 1)),
            scale=PHONE_SCALE,
            ranges=band_ranges(PHONE_SCALE),
            title_max=TITLE_MAX,
            owner_max=OWNER_MAX,
            mitigation_max=MITIGATION_MAX,
        )

    def level_label(self, axis: Literal["likelihood", "consequence"], level: int, scale: int = 3) -> str:
        """``"2 mulig"``: the number and its word, for a choice or an axis."""
        return f"{level} {getattr(self.scales[scale], axis)[level - 1]}"


def load_risks(datasets_dir: Path | None = None) -> RisksContent:
    """Load and validate ``risks.yaml``: domains, scale labels, band texts, caveats and the catalogue."""
    return load_dataset("risks.yaml", RisksContent, datasets_dir)


# --- the rule ---------------------------------------------------------------------------------------


def _check_scale(scale: object) -> int:
    if not is_int(scale) or scale not in SCALES:
        raise ValueError("Skalaen skal være 3 (3×3) eller 5 (5×5).")
    return scale  # type: ignore[return-value]


def _check_level(value: object, scale: int, what: str) -> int:
    if value is None:
        raise ValueError(f"Vælg {what.lower()} (1-{scale}).")
    if not is_int(value) or not 1 <= value <= scale:  # type: ignore[operator]
        raise ValueError(f"{what} skal være et helt tal fra 1 til {scale}.")
    return value  # type: ignore[return-value]


def score(likelihood: int, consequence: int, scale: int = 3) -> int:
    """The risk score: likelihood x consequence (1-9 on the 3x3 scale, 1-25 on the 5x5 scale).

    Raises
    ------
    ValueError
        A scale other than 3 or 5, or a level that is not a whole number from 1 to ``scale`` (Danish message).
    """
    scale = _check_scale(scale)
    return _check_level(likelihood, scale, "Sandsynligheden") * _check_level(
        consequence, scale, "Konsekvensen"
    )


def band_for_score(value: int, scale: int = 3) -> Band:
    """The band of a score: 3x3 green 1-2, yellow 3-4, red 6-9; 5x5 green 1-4, yellow 5-9, red 10-25."""
    scale = _check_scale(scale)
    if not is_int(value) or not 1 <= value <= scale * scale:
        raise ValueError(f"Scoren skal være et helt tal fra 1 til {scale * scale}.")
    green, yellow = _UPPER[scale]
    if value <= green:
        return "green"
    if value <= yellow:
        return "yellow"
    return "red"


def band(likelihood: int, consequence: int, scale: int = 3) -> Band:
    """``"green"``, ``"yellow"`` or ``"red"`` for a likelihood and a consequence for the citizen.

    Parameters
    ----------
    likelihood, consequence
        Whole numbers from 1 to ``scale`` (``bool`` is refused).
    scale
        3 (default, domain.md §8.4) or 5.

    Raises
    ------
    ValueError
        Out-of-range or non-integer input (Danish message).
    """
    return band_for_score(score(likelihood, consequence, scale), scale)


def band_ranges(scale: int = 3) -> dict[Band, tuple[int, int]]:
    """The lowest and highest score that can occur in each band, e.g. ``{"red": (6, 9), ...}`` for 3x3."""
    scale = _check_scale(scale)
    found: dict[Band, list[int]] = {b: [] for b in BANDS}
    for value in sorted({li * c for li in range(1, scale + 1) for c in range(1, scale + 1)}):
        found[band_for_score(value, scale)].append(value)
    return {b: (min(v), max(v)) for b, v in found.items()}


def _clean(value: object, what: str, limit: int, *, required: bool) -> str:
    if value is None:
        value = ""
    if not isinstance(value, str):
        raise ValueError(f"{what} skal være tekst.")
    text = value.strip()
    if required and not text:
        raise ValueError(f"Skriv {what.lower()}.")
    if len(text) > limit:
        raise ValueError(f"{what} er for lang ({len(text)} tegn). Den må højst være {limit} tegn.")
    return text


@dataclass(frozen=True)
class PhoneForm:
    """The phone form's numbers: which risks it asks for, on which scale, its band ranges and text limits."""

    slots: tuple[int, ...]
    scale: int
    ranges: Mapping[Band, tuple[int, int]]
    title_max: int
    owner_max: int
    mitigation_max: int


def _check_domain(domain: object) -> str:
    if domain not in DOMAINS:
        raise ValueError(
            "Vælg et område for risikoen: Data & privatliv, Etik & retssikkerhed, "
            "Tilgængelighed & inklusion eller Drift & leverandør."
        )
    return domain  # type: ignore[return-value]


#: What :class:`Risk` checks, field by field and in this order: each returns the value cleaned.
_FIELD_CHECKS: dict[str, Callable[[Any, int], Any]] = {
    "domain": lambda value, _scale: _check_domain(value),
    "title": lambda value, _scale: _clean(value, "En titel på risikoen", TITLE_MAX, required=True),
    "likelihood": lambda value, scale: _check_level(value, scale, "Sandsynligheden"),
    "consequence": lambda value, scale: _check_level(value, scale, "Konsekvensen for borgeren"),
    "owner": lambda value, _scale: _clean(value, "Ejeren", OWNER_MAX, required=False),
    "mitigation": lambda value, _scale: _clean(value, "Tiltaget", MITIGATION_MAX, required=False),
}
RISK_FIELDS = tuple(_FIELD_CHECKS)


def check_field(name: str, value: Any, scale: int = 3) -> Any:
    """One field of a :class:`Risk` checked alone (a form shows each message next to its own field).

    Raises
    ------
    ValueError
        The Danish message :class:`Risk` gives for that field.
    """
    return _FIELD_CHECKS[name](value, _check_scale(scale))


@dataclass(frozen=True)
class Risk:
    """One risk in the heatmap. Text is stripped; bad input raises ``ValueError`` in Danish.

    ``domain`` is ``"data"`` (Data & privatliv), ``"etik"`` (Etik & retssikkerhed), ``"tilgaengelighed"``
    (Tilgængelighed & inklusion) or ``"drift"`` (Drift & leverandør, optional).
    """

    domain: str
    title: str
    likelihood: int
    consequence: int
    owner: str = ""
    mitigation: str = ""
    scale: int = 3
    catalogue_id: str | None = None

    def __post_init__(self) -> None:
        scale = _check_scale(self.scale)
        for name in RISK_FIELDS:
            object.__setattr__(self, name, check_field(name, getattr(self, name), scale))
        if self.catalogue_id is not None and not isinstance(self.catalogue_id, str):
            raise ValueError("Katalog-id'et skal være tekst.")

    @property
    def score(self) -> int:
        return self.likelihood * self.consequence

    @property
    def band(self) -> Band:
        return band_for_score(self.score, self.scale)

    @property
    def missing(self) -> tuple[str, ...]:
        """What a red risk still lacks before it can be saved: ``"en ejer"`` and/or ``"et tiltag"``."""
        if self.band != "red":
            return ()
        return tuple(
            word for word, value in (("en ejer", self.owner), ("et tiltag", self.mitigation)) if not value
        )

    @property
    def ready(self) -> bool:
        return not self.missing

    def to_dict(self) -> dict:
        """A JSON-ready record for storage."""
        return {
            "domain": self.domain,
            "title": self.title,
            "likelihood": self.likelihood,
            "consequence": self.consequence,
            "score": self.score,
            "band": self.band,
            "owner": self.owner,
            "mitigation": self.mitigation,
            "catalogue_id": self.catalogue_id,
        }


def check_ready(risks: Sequence[Risk]) -> None:
    """Refuse to save a heatmap that is empty or has a red risk without an owner and a mitigation.

    Raises
    ------
    ValueError
        With a Danish message that names each red risk and what it lacks.
    """
    if not risks:
        raise ValueError("Tilføj mindst én risiko, før I gemmer risikokortet.")
    lacking = [r for r in risks if not r.ready]
    if not lacking:
        return
    rule = "En rød risiko skal have en ejer og et tiltag, før risikokortet kan gemmes."
    if len(lacking) == 1:
        r = lacking[0]
        raise ValueError(f"Risikoen »{r.title}« er rød og mangler {join_danish(r.missing)}. {rule}")
    named = "; ".join(f"»{r.title}« mangler {join_danish(r.missing)}" for r in lacking)
    raise ValueError(f"{len(lacking)} røde risici er ikke klar: {named}. {rule}")


# --- aggregation ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Cell:
    """One cell of the grid: its score and band, its label (``"RØD 6"``) and the risks in it."""

    likelihood: int
    consequence: int
    score: int
    band: Band
    label: str
    count: int
    numbers: tuple[int, ...] = ()

    @property
    def count_text(self) -> str:
        return "1 risiko" if self.count == 1 else f"{self.count} risici"


@dataclass(frozen=True)
class DomainSummary:
    """A domain's colour: the band of the highest score among its risks (``None`` without risks)."""

    domain: str
    label: str
    count: int
    worst_score: int | None
    band: Band | None
    band_label: str


@dataclass(frozen=True)
class Heatmap:
    """The aggregated heatmap of :func:`build`."""

    scale: int
    risks: tuple[Risk, ...]
    cells: dict[tuple[int, int], Cell] = field(hash=False)
    domains: tuple[DomainSummary, ...]

    def rows(self) -> list[list[Cell]]:
        """The grid as drawn: highest likelihood first, consequence from low to high."""
        return [[self.cells[(li, c)] for c in range(1, self.scale + 1)] for li in range(self.scale, 0, -1)]

    @property
    def band_counts(self) -> dict[Band, int]:
        return {b: sum(1 for r in self.risks if r.band == b) for b in BANDS}

    def to_dict(self) -> dict:
        """A JSON-ready summary for storage."""
        return {
            "scale": self.scale,
            "cells": [
                {
                    "likelihood": c.likelihood,
                    "consequence": c.consequence,
                    "score": c.score,
                    "band": c.band,
                    "count": c.count,
                }
                for c in self.cells.values()
                if c.count
            ],
            "domains": {
                d.domain: {"count": d.count, "worst_score": d.worst_score, "band": d.band}
                for d in self.domains
            },
            "bands": self.band_counts,
            "ready": all(r.ready for r in self.risks),
        }


def cell_label(value: int, scale: int = 3, content: RisksContent | None = None) -> str:
    """The text shown in a cell, e.g. ``"RØD 6"``."""
    content = content or load_risks()
    return f"{content.bands[band_for_score(value, scale)].label} {value}"


def build(risks: Sequence[Risk], scale: int = 3, content: RisksContent | None = None) -> Heatmap:
    """Count the risks per cell and find each domain's worst band.

    Raises
    ------
    ValueError
        A risk scored on another scale than the heatmap's (Danish message).
    """
    scale = _check_scale(scale)
    content = content or load_risks()
    risks = tuple(risks)
    for r in risks:
        if r.scale != scale:
            raise ValueError(
                f"Risikoen »{r.title}« er vurderet på en {r.scale}×{r.scale}-skala, "
                f"men risikokortet er {scale}×{scale}."
            )
    cells: dict[tuple[int, int], Cell] = {}
    for li in range(1, scale + 1):
        for c in range(1, scale + 1):
            numbers = tuple(
                n for n, r in enumerate(risks, start=1) if (r.likelihood, r.consequence) == (li, c)
            )
            value = li * c
            cells[(li, c)] = Cell(
                likelihood=li,
                consequence=c,
                score=value,
                band=band_for_score(value, scale),
                label=cell_label(value, scale, content),
                count=len(numbers),
                numbers=numbers,
            )
    domains = []
    for code in DOMAINS:
        mine = [r for r in risks if r.domain == code]
        text = content.domains[code]
        if text.optional and not mine:
            continue
        worst = max((r.score for r in mine), default=None)
        domains.append(
            DomainSummary(
                domain=code,
                label=text.label,
                count=len(mine),
                worst_score=worst,
                band=None if worst is None else band_for_score(worst, scale),
                band_label="" if worst is None else cell_label(worst, scale, content),
            )
        )
    return Heatmap(scale=scale, risks=risks, cells=cells, domains=tuple(domains))


# --- the stored submission ---------------------------------------------------------------------------


@dataclass(frozen=True)
class HeatmapSubmission:
    """One saved heatmap: its scale and its risks, and ``summary``, the aggregate when it was saved."""

    exercise: ClassVar[str] = "heatmap"
    version: ClassVar[int] = 2

    scale: int
    risks: tuple[Risk, ...]
    summary: Mapping[str, Any] = field(default_factory=dict)

    @classmethod
    def of(cls, heatmap: Heatmap) -> HeatmapSubmission:
        return cls(heatmap.scale, heatmap.risks, heatmap.to_dict())

    def to_answers(self) -> dict[str, Any]:
        return versioned(self, {"scale": self.scale, "risks": [r.to_dict() for r in self.risks]})

    def to_result(self) -> dict[str, Any]:
        return dict(self.summary)

    @classmethod
    def from_answers(
        cls, answers: Mapping[str, Any], result: Mapping[str, Any] | None = None
    ) -> HeatmapSubmission:
        scale = answers.get("scale", 3)
        stored = answers.get("risks")
        if not isinstance(stored, list):
            raise Unreadable("Risikokortet har ingen liste over risici.")
        risks = tuple(
            Risk(
                domain=r.get("domain"),
                title=r.get("title"),
                likelihood=r.get("likelihood"),
                consequence=r.get("consequence"),
                owner=r.get("owner") or "",
                mitigation=r.get("mitigation") or "",
                scale=scale,
                catalogue_id=r.get("catalogue_id"),
            )
            for r in stored
            if isinstance(r, Mapping)
        )
        return cls(_check_scale(scale), risks, dict(result or {}))

    def heatmap(self, content: RisksContent | None = None) -> Heatmap:
        return build(self.risks, self.scale, content)


# --- live aggregate ----------------------------------------------------------------------------------

#: The scale the live screen counts (heatmaps on the 5×5 scale are counted apart).
LIVE_SCALE = 3


@dataclass(frozen=True)
class HeatCell:
    likelihood: int
    consequence: int
    likelihood_label: str
    consequence_label: str
    score: int
    band: str
    band_label: str
    count: int


@dataclass(frozen=True)
class BandCount:
    band: str
    label: str
    count: int


@dataclass(frozen=True)
class HeatmapLive(LiveResult):
    """Every risk placed by every participant, per cell of the 3×3 grid and per band.

    ``n`` counts the 3×3 heatmaps; heatmaps on the 5×5 scale are counted in ``other_scale`` and left out.
    """

    exercise: ClassVar[str] = "heatmap"
    cells: tuple[HeatCell, ...]
    bands: tuple[BandCount, ...]
    risks: int
    other_scale: int

    def cell(self, likelihood: int, consequence: int) -> HeatCell:
        return next(c for c in self.cells if (c.likelihood, c.consequence) == (likelihood, consequence))

    def rows(self) -> list[list[HeatCell]]:
        """The grid as drawn: highest likelihood first, consequence from low to high."""
        return [
            [c for c in self.cells if c.likelihood == li]
            for li in sorted({c.likelihood for c in self.cells}, reverse=True)
        ]

    @property
    def consequence_labels(self) -> list[tuple[int, str]]:
        return sorted({(c.consequence, c.consequence_label) for c in self.cells})


def aggregate(
    stored: Iterable[Stored[HeatmapSubmission]],
    state: WorkshopState | None = None,
    *,
    content: RisksContent | None = None,
) -> HeatmapLive:
    """Count every placed risk per cell and per band (pass each participant's latest heatmap only)."""
    content = content or load_risks()
    scale = LIVE_SCALE
    per_cell: Counter[tuple[int, int]] = Counter()
    n = other = 0
    for s in stored:
        if s.model.scale != scale:
            other += 1
            continue
        n += 1
        for risk in s.model.risks:
            per_cell[(risk.likelihood, risk.consequence)] += 1
    labels = content.scales[scale]
    cells = []
    for li in range(scale, 0, -1):
        for co in range(1, scale + 1):
            band_code = band_for_score(li * co, scale)
            cells.append(
                HeatCell(
                    likelihood=li,
                    consequence=co,
                    likelihood_label=labels.likelihood[li - 1],
                    consequence_label=labels.consequence[co - 1],
                    score=li * co,
                    band=band_code,
                    band_label=content.bands[band_code].label,
                    count=per_cell[(li, co)],
                )
            )
    bands = tuple(
        BandCount(b, content.bands[b].label, sum(c.count for c in cells if c.band == b)) for b in BANDS
    )
    return HeatmapLive(n=n, cells=tuple(cells), bands=bands, risks=sum(per_cell.values()), other_scale=other)


# --- a participant's phone -----------------------------------------------------------------------------

#: How many risks a participant rates on the phone (any may stay empty, one is needed), on the live screen's
#: 3×3 scale. The fields of risk ``n`` are ``risiko<n>_<part>`` (:func:`risk_field`): ``katalog`` (a typical
#: risk from the catalogue), ``titel``, ``omraade``, ``sandsynlighed``, ``konsekvens``, ``ejer`` and ``tiltag``.
RISK_SLOTS = 3
PHONE_SCALE = LIVE_SCALE
FORM_CATALOGUE = "katalog"
#: The form's part of each risk field.
FORM_PARTS = {
    "titel": "title",
    "omraade": "domain",
    "sandsynlighed": "likelihood",
    "konsekvens": "consequence",
    "ejer": "owner",
    "tiltag": "mitigation",
}
_WHOLE = re.compile(r"[0-9]{1,3}")
load_content = load_risks


def risk_field(slot: int, part: str) -> str:
    return f"risiko{slot}_{part}"


def _slot_values(
    form: Form, slot: int, content: RisksContent, errors: dict[str, str]
) -> dict[str, Any] | None:
    """Risk ``slot``'s values by :class:`Risk` field, ``None`` for a slot left empty. A risk picked from the
    catalogue fills its title, domain and mitigation where they are empty (as the view does)."""
    raw = {part: form.get(risk_field(slot, part)) for part in (FORM_CATALOGUE, *FORM_PARTS)}
    if not any(raw.values()):
        return None
    values: dict[str, Any] = {attr: raw[part] for part, attr in FORM_PARTS.items()}
    for attr in ("likelihood", "consequence"):
        text = values[attr]
        values[attr] = int(text) if text is not None and _WHOLE.fullmatch(text) else text
    values["catalogue_id"] = None
    if raw[FORM_CATALOGUE]:
        try:
            item = content.catalogue_risk(raw[FORM_CATALOGUE])
        except ValueError as exc:
            errors[risk_field(slot, FORM_CATALOGUE)] = str(exc)
        else:
            values["catalogue_id"] = item.id
            for attr in ("title", "domain", "mitigation"):
                values[attr] = values[attr] or getattr(item, attr)
    return values


def _form_risk(form: Form, slot: int, content: RisksContent, errors: dict[str, str]) -> Risk | None:
    """Risk ``slot`` checked field by field (:func:`check_field`), and a red one for an owner and a mitigation
    (:func:`check_ready`); ``None`` when the slot is empty or has mistakes (then they are in ``errors``)."""
    found = len(errors)
    values = _slot_values(form, slot, content, errors)
    if values is None:
        return None
    field_of = {attr: risk_field(slot, part) for part, attr in FORM_PARTS.items()}
    for attr in RISK_FIELDS:
        try:
            values[attr] = check_field(attr, values[attr], PHONE_SCALE)
        except ValueError as exc:
            errors[field_of[attr]] = str(exc)
    if len(errors) > found:
        return None
    risk = Risk(**values, scale=PHONE_SCALE)
    try:
        check_ready([risk])
    except ValueError as exc:
        lacking = {"en ejer": "owner", "et tiltag": "mitigation"}
        errors.update({field_of[lacking[word]]: str(exc) for word in risk.missing})
        return None
    return risk


def from_form(form: Form, content: RisksContent | None = None) -> HeatmapSubmission:
    """The heatmap from a participant's form: up to :data:`RISK_SLOTS` risks on the 3×3 scale, the empty ones
    left out, built as the view builds it.

    Raises
    ------
    FormError
        With the unit's Danish message for each field that needs fixing (a risk without a title, a domain or a
        level; a red risk without an owner or a mitigation; no risk at all).
    """
    content = content or load_risks()
    errors: dict[str, str] = {}
    risks = [r for slot in content.phone.slots if (r := _form_risk(form, slot, content, errors)) is not None]
    if not errors:
        try:
            check_ready(risks)
        except ValueError as exc:
            errors[risk_field(1, "titel")] = str(exc)
    if errors:
        raise FormError(errors)
    return HeatmapSubmission.of(build(risks, PHONE_SCALE, content))


def form_values(model: HeatmapSubmission) -> dict[str, str]:
    values: dict[str, str] = {}
    for slot, risk in enumerate(model.risks[:RISK_SLOTS], start=1):
        values[risk_field(slot, FORM_CATALOGUE)] = risk.catalogue_id or ""
        values.update({risk_field(slot, part): str(getattr(risk, attr)) for part, attr in FORM_PARTS.items()})
    return values


def participant_result(model: HeatmapSubmission, content: RisksContent | None = None) -> Heatmap:
    """The participant's own heatmap: their risks with their bands, per cell and per domain."""
    return model.heatmap(content)


#: What the exercise covers and what participants practise in it (AI Act art. 4 documentation).
COVERAGE = (
    "Risici for borgeren: sandsynlighed gange konsekvens, ejer og tiltag",
    "Deltagerne vurderede risici ved en AI-løsning og gav de røde risici en ejer og et tiltag.",
)

#: The unit's submission model (every unit names it ``MODEL``).
MODEL = HeatmapSubmission
