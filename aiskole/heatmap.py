"""Risk heatmap: likelihood x consequence for the citizen, banded green/yellow/red.

The rule is domain.md §6 and §8.4:

* 3x3 (default): likelihood 1-3 (usandsynlig, mulig, sandsynlig) x consequence for the citizen 1-3
  (begrænset, betydelig, alvorlig); score = product; green 1-2, yellow 3-4, red 6-9.
* 5x5 (optional): green 1-4, yellow 5-9, red 10-25.

The bands are organisational conventions, not a standard (the learner is told so). A domain's colour is the
band of the highest score among its risks (worst case). Every red risk needs an owner and a mitigation before
the heatmap can be saved.

This module is pure: no widgets, no display, no storage. It holds the dataset model of
``datasets/risks.yaml``, the logic, the accessible HTML builders and the PNG export (matplotlib's object
API; matplotlib is imported only when a PNG is made, so the app starts fast).
"""

from __future__ import annotations

import datetime as dt
import io
import textwrap
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from html import escape
from pathlib import Path
from typing import Literal

from pydantic import Field, model_validator

from aiskole.datasets import DatasetError, DatasetModel, Source, load_dataset

__all__ = [
    "BANDS",
    "DOMAINS",
    "SCALES",
    "Cell",
    "DatasetError",
    "DomainSummary",
    "Heatmap",
    "HeatmapImage",
    "Risk",
    "RisksContent",
    "band",
    "band_for_score",
    "band_ranges",
    "build",
    "check_ready",
    "load_risks",
    "render_png",
    "score",
]

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

#: Colour-blind-safe palette (Okabe-Ito bluish green, yellow and vermillion): fill, text colour, a PNG hatch,
#: and a symbol. Colour is never the only signal: every cell also carries its label ("RØD 6") and a pattern.
PALETTE: dict[Band, tuple[str, str, str, str]] = {
    "green": ("#a6dbc9", "#00382a", "", "✓"),
    "yellow": ("#f0e442", "#3d3500", "..", "●"),
    "red": ("#d55e00", "#ffffff", "xx", "▲"),
}


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

    def level_label(self, axis: Literal["likelihood", "consequence"], level: int, scale: int = 3) -> str:
        """``"2 mulig"``: the number and its word, for a choice or an axis."""
        return f"{level} {getattr(self.scales[scale], axis)[level - 1]}"


def load_risks(datasets_dir: Path | None = None) -> RisksContent:
    """Load and validate ``risks.yaml``: domains, scale labels, band texts, caveats and the catalogue."""
    return load_dataset("risks.yaml", RisksContent, datasets_dir)


# --- the rule ---------------------------------------------------------------------------------------


def _is_int(value: object) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def _check_scale(scale: object) -> int:
    if not _is_int(scale) or scale not in SCALES:
        raise ValueError("Skalaen skal være 3 (3×3) eller 5 (5×5).")
    return scale  # type: ignore[return-value]


def _check_level(value: object, scale: int, what: str) -> int:
    if value is None:
        raise ValueError(f"Vælg {what.lower()} (1-{scale}).")
    if not _is_int(value) or not 1 <= value <= scale:  # type: ignore[operator]
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
    if not _is_int(value) or not 1 <= value <= scale * scale:
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
        if self.domain not in DOMAINS:
            raise ValueError(
                "Vælg et område for risikoen: Data & privatliv, Etik & retssikkerhed, "
                "Tilgængelighed & inklusion eller Drift & leverandør."
            )
        title = _clean(self.title, "En titel på risikoen", TITLE_MAX, required=True)
        _check_level(self.likelihood, scale, "Sandsynligheden")
        _check_level(self.consequence, scale, "Konsekvensen for borgeren")
        object.__setattr__(self, "title", title)
        object.__setattr__(self, "owner", _clean(self.owner, "Ejeren", OWNER_MAX, required=False))
        object.__setattr__(
            self, "mitigation", _clean(self.mitigation, "Tiltaget", MITIGATION_MAX, required=False)
        )
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


def _join(words: Sequence[str]) -> str:
    return words[0] if len(words) == 1 else ", ".join(words[:-1]) + " og " + words[-1]


def check_ready(risks: Sequence[Risk]) -> None:
    """Refuse to save a heatmap that is empty or has a red risk without an owner and a mitigation.

    Raises
    ------
    ValueError
        With a Danish message that names each red risk and what it lacks.
    """
    if not risks:
        raise ValueError("Tilføj mindst én risiko, før I gemmer heatmappet.")
    lacking = [r for r in risks if not r.ready]
    if not lacking:
        return
    rule = "En rød risiko skal have en ejer og et tiltag, før heatmappet kan gemmes."
    if len(lacking) == 1:
        r = lacking[0]
        raise ValueError(f"Risikoen »{r.title}« er rød og mangler {_join(r.missing)}. {rule}")
    named = "; ".join(f"»{r.title}« mangler {_join(r.missing)}" for r in lacking)
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
                f"men heatmappet er {scale}×{scale}."
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


# --- HTML -------------------------------------------------------------------------------------------

#: Styles for the HTML table and the domain summary; a view adds them with ``extra_css``.
CSS = """
.aiskole-heatmap { width: 100%; border-collapse: separate; border-spacing: 3px; table-layout: fixed;
  font-size: 15px; line-height: 1.25; margin: 6px 0; }
.aiskole-heatmap caption { text-align: left; font-weight: 600; padding: 0 0 4px; }
.aiskole-heatmap col.aiskole-col-head { width: 25%; }
.aiskole-heatmap-5 col.aiskole-col-head { width: 21%; }
.aiskole-heatmap th { font-weight: 600; font-size: 13px; padding: 2px; overflow-wrap: break-word;
  vertical-align: bottom; }
.aiskole-heatmap th[scope="row"] { text-align: right; vertical-align: middle; padding-right: 4px; }
.aiskole-heatmap th .aiskole-num { display: block; font-size: 15px; }
.aiskole-heatmap .aiskole-axis { text-align: center; font-size: 14px; }
.aiskole-heatmap th[scope="col"].aiskole-axis { text-align: right; padding-right: 4px; }
.aiskole-heatmap td.aiskole-corner { border: 0; background: none; height: auto; }
.aiskole-heatmap td { text-align: center; vertical-align: middle; padding: 6px 2px; border-radius: 4px;
  border: 1px solid #555; height: 64px; }
.aiskole-heatmap td span { display: block; }
.aiskole-heatmap td .aiskole-cell-label span { display: inline; }
.aiskole .aiskole-sr-only, .aiskole-heatmap td span.aiskole-sr-only { position: absolute; width: 1px;
  height: 1px; overflow: hidden; clip: rect(0 0 0 0); white-space: nowrap; }
.aiskole-heatmap td .aiskole-cell-label, .aiskole-heatmap td .aiskole-cell-count { width: fit-content;
  max-width: 100%; margin: 0 auto; padding: 0 3px; border-radius: 3px; }
.aiskole-cell-label { font-weight: 700; white-space: nowrap; }
.aiskole-heatmap td .aiskole-cell-count { font-size: 13px; margin-top: 2px; }
.aiskole-heatmap td .aiskole-cell-count.aiskole-has-risks { font-weight: 700; font-size: 14px; }
.aiskole-heatmap-5 { font-size: 13px; border-spacing: 2px; }
.aiskole-heatmap-5 th { font-size: 11px; }
.aiskole-heatmap-5 th .aiskole-num { font-size: 13px; }
.aiskole-heatmap-5 td { height: 56px; }
.aiskole-heatmap-5 td .aiskole-cell-count, .aiskole-heatmap-5 td .aiskole-cell-count.aiskole-has-risks {
  font-size: 11px; }
.aiskole-band-green { background: #a6dbc9; color: #00382a; }
.aiskole-band-yellow { background-color: #f0e442; color: #3d3500;
  background-image: radial-gradient(rgba(0,0,0,0.16) 1px, transparent 1.6px); background-size: 7px 7px; }
.aiskole-band-red { background-color: #d55e00; color: #ffffff;
  background-image: repeating-linear-gradient(45deg, rgba(0,0,0,0.18) 0 2px, transparent 2px 9px); }
td.aiskole-band-green span { background-color: #a6dbc9; }
td.aiskole-band-yellow span { background-color: #f0e442; }
td.aiskole-band-red span { background-color: #d55e00; }
.aiskole-badge { display: inline-block; font-weight: 700; padding: 1px 8px; border-radius: 4px;
  border: 1px solid #555; white-space: nowrap; }
.aiskole-domains { width: 100%; border-collapse: collapse; margin: 6px 0; }
.aiskole-domains th, .aiskole-domains td { text-align: left; padding: 6px 4px; border-bottom: 1px solid #ddd;
  vertical-align: top; }
.aiskole-domains th[scope="col"] { white-space: nowrap; }
.aiskole-domains td.aiskole-domains-count { text-align: right; white-space: nowrap; }
.aiskole-legend { font-size: 0.95em; }
.aiskole-legend-list { list-style: none; padding-left: 0; margin: 4px 0; }
.aiskole-legend-list li { margin: 3px 0; }
.aiskole-legend .aiskole-badge { margin: 2px 4px 2px 0; }
@media (max-width: 420px) {
  .aiskole-heatmap { font-size: 14px; }
  .aiskole-heatmap col.aiskole-col-head { width: 27%; }
  .aiskole-heatmap th { font-size: 12px; }
  .aiskole-heatmap td .aiskole-cell-label span { display: block; }
  .aiskole-heatmap-5 { font-size: 11px; border-spacing: 2px; }
  .aiskole-heatmap-5 th { font-size: 10px; }
  .aiskole-heatmap-5 th .aiskole-num { font-size: 12px; }
  .aiskole-heatmap-5 td { padding: 3px 1px; }
  .aiskole-heatmap-5 td .aiskole-cell-label { white-space: normal; padding: 0 1px; }
  .aiskole-heatmap-5 td .aiskole-cell-label span { display: block; }
  .aiskole-heatmap-5 td .aiskole-cell-count, .aiskole-heatmap-5 td .aiskole-cell-count.aiskole-has-risks {
    font-size: 10px; padding: 0 1px; }
}
"""


#: A separator screen readers and copied text get between the lines of a cell (visually hidden).
SEP = '<span class="aiskole-sr-only">, </span>'


def badge_html(band_code: Band, label: str) -> str:
    """A coloured badge with a symbol and its label, e.g. ``▲ RØD 6``."""
    symbol = PALETTE[band_code][3]
    return (
        f'<span class="aiskole-badge aiskole-band-{band_code}">'
        f'<span aria-hidden="true">{symbol}</span> {escape(label)}</span>'
    )


def legend_html(scale: int = 3, content: RisksContent | None = None) -> str:
    """The bands of the scale with their score ranges and meaning, and the convention note with its source."""
    content = content or load_risks()
    ranges = band_ranges(scale)
    items = "".join(
        f"<li>{badge_html(b, f'{content.bands[b].label} {lo}–{hi}')} {escape(content.bands[b].meaning)}</li>"
        for b, (lo, hi) in ranges.items()
    )
    note = content.convention_note
    return (
        f'<div class="aiskole-legend"><ul class="aiskole-legend-list">'
        f"{items}</ul>"
        f"<p>{escape(note.text)} {source_line(note)}</p></div>"
    )


def source_line(record: SourcedText | CatalogueRisk) -> str:
    """``Kilde: <link> · tjekket 27.11.2026`` for a sourced record (empty when it has no sources)."""
    if not record.sources:
        return ""
    links = ", ".join(
        f'<a href="{escape(str(s.url))}" target="_blank" rel="noopener noreferrer">{escape(s.title)}</a>'
        for s in record.sources
    )
    word = "Kilde" if len(record.sources) == 1 else "Kilder"
    checked = f" · tjekket {record.checked:%d.%m.%Y}" if record.checked else ""
    return f'<span class="aiskole-claim-source">{word}: {links}{checked}</span>'


_VOWELS = set("aeiouyæøå")
#: Consonant pairs that start a Danish syllable together (be-græn-set, not beg-ræn-set).
_ONSETS = {
    "bl",
    "br",
    "dr",
    "fl",
    "fr",
    "gl",
    "gr",
    "kl",
    "kn",
    "kr",
    "pl",
    "pr",
    "sk",
    "sl",
    "sp",
    "st",
    "tr",
}


def _syllables(word: str) -> list[str]:
    lower = word.lower()
    cuts = []
    for i in range(2, len(word) - 1):
        if lower[i] in _VOWELS or lower[i + 1] not in _VOWELS:
            continue  # a break goes before a consonant that is followed by a vowel
        cut = i - 1 if lower[i - 1 : i + 1] in _ONSETS and lower[i - 2] in _VOWELS else i
        start = cuts[-1] if cuts else 0
        if cut - start >= 2 and len(word) - cut >= 2 and any(ch in _VOWELS for ch in lower[start:cut]):
            cuts.append(cut)
    return [word[a:b] for a, b in zip([0, *cuts], [*cuts, len(word)], strict=True)]


def soft_hyphens(text: str) -> str:
    """Let long Danish scale words break at a syllable on a phone (``sand-syn-lig``, ``be-græn-set``).

    Chromium has no Danish hyphenation dictionary on Linux, so ``hyphens: auto`` does not help; a soft
    hyphen (U+00AD) is invisible unless the word breaks there. Words shorter than 8 letters stay whole.
    """
    return " ".join("\u00ad".join(_syllables(word)) if len(word) >= 8 else word for word in text.split(" "))


def table_html(heatmap: Heatmap, content: RisksContent | None = None) -> str:
    """The heatmap as an accessible table: header cells with scope, every cell with band text, score, count."""
    content = content or load_risks()
    s = heatmap.scale
    head = "".join(
        f'<th scope="col"><span class="aiskole-num">{c}</span>'
        f"{soft_hyphens(escape(content.scales[s].consequence[c - 1]))}</th>"
        for c in range(1, s + 1)
    )
    body = []
    for row in heatmap.rows():
        li = row[0].likelihood
        cells = []
        for cell in row:
            symbol = PALETTE[cell.band][3]
            count_class = "aiskole-cell-count aiskole-has-risks" if cell.count else "aiskole-cell-count"
            numbers = (
                f'{SEP}<span class="aiskole-cell-count">nr. {", ".join(str(n) for n in cell.numbers)}</span>'
                if cell.numbers
                else ""
            )
            cells.append(
                f'<td class="aiskole-band-{cell.band}">'
                f'<span class="aiskole-cell-label"><span aria-hidden="true">{symbol}</span> '
                f"{escape(cell.label)}</span>{SEP}"
                f'<span class="{count_class}">{escape(cell.count_text)}</span>{numbers}</td>'
            )
        body.append(
            f'<tr><th scope="row"><span class="aiskole-num">{li}</span>'
            f"{soft_hyphens(escape(content.scales[s].likelihood[li - 1]))}</th>{''.join(cells)}</tr>"
        )
    return (
        f'<table class="aiskole-heatmap aiskole-heatmap-{s}" lang="da">'
        f"<caption>Risiko-heatmap {s}×{s}: sandsynlighed (rækker) gange konsekvens for borgeren "
        f"(kolonner)</caption>"
        f'<colgroup><col class="aiskole-col-head"><col span="{s}"></colgroup>'
        f'<thead><tr><td class="aiskole-corner"></td><th scope="colgroup" colspan="{s}" class="aiskole-axis">'
        f"Konsekvens for borgeren →</th></tr>"
        f'<tr><th scope="col" class="aiskole-axis">{soft_hyphens("Sandsynlighed")} ↓</th>{head}</tr></thead>'
        f"<tbody>{''.join(body)}</tbody></table>"
    )


def domains_html(heatmap: Heatmap) -> str:
    """Per domain: the number of risks and the worst band (the domain's colour)."""
    rows = []
    for d in heatmap.domains:
        worst = badge_html(d.band, d.band_label) if d.band else "Ingen risici endnu"
        rows.append(
            f'<tr><th scope="row">{escape(d.label)}</th>'
            f'<td class="aiskole-domains-count">{d.count}</td><td>{worst}</td></tr>'
        )
    return (
        '<table class="aiskole-domains"><caption class="aiskole-basis" style="text-align:left">'
        "Et områdes farve er den højeste score blandt dets risici.</caption>"
        '<thead><tr><th scope="col">Område</th><th scope="col">Risici</th>'
        '<th scope="col">Værste</th></tr></thead>'
        f"<tbody>{''.join(rows)}</tbody></table>"
    )


# --- PNG --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class HeatmapImage:
    """A rendered heatmap: the PNG bytes and every text drawn in it (cell labels, counts, axes)."""

    png: bytes
    labels: tuple[str, ...]
    width: int
    height: int


def _wrap(text: str, width: int) -> str:
    return "\n".join(textwrap.wrap(text, width=width, break_long_words=False)) or text


def render_png(heatmap: Heatmap, content: RisksContent | None = None, *, dpi: int = 120) -> HeatmapImage:
    """Draw the heatmap as a PNG with matplotlib's object API (no pyplot).

    Every cell shows its label (``"RØD 6"``) and its count on a solid patch of its colour; the cells also
    carry a hatch per band, so colour is never the only signal. Axis labels and scale words are Danish.
    """
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure
    from matplotlib.patches import Patch, Rectangle
    from matplotlib.text import Text

    content = content or load_risks()
    s = heatmap.scale
    labels = content.scales[s]
    size = (7.2, 6.6) if s == 3 else (9.0, 8.2)
    fig = Figure(figsize=size, dpi=dpi, layout="constrained")
    FigureCanvasAgg(fig)
    ax = fig.add_subplot()
    label_size, count_size = (15, 12) if s == 3 else (12, 10)
    for cell in heatmap.cells.values():
        bg, fg, hatch, _symbol = PALETTE[cell.band]
        x, y = cell.consequence - 1, cell.likelihood - 1
        ax.add_patch(
            Rectangle((x, y), 1, 1, facecolor=bg, edgecolor="#00000055", hatch=hatch or None, linewidth=0)
        )
        ax.add_patch(Rectangle((x, y), 1, 1, facecolor="none", edgecolor="white", linewidth=3))
        box = {"boxstyle": "round,pad=0.25", "facecolor": bg, "edgecolor": "none"}
        ax.text(
            x + 0.5, y + 0.6, cell.label, ha="center", va="center", color=fg, fontsize=label_size,
            fontweight="bold", bbox=box,
        )  # fmt: skip
        ax.text(
            x + 0.5, y + 0.32, cell.count_text, ha="center", va="center", color=fg, fontsize=count_size,
            fontweight="bold" if cell.count else "normal", bbox=box,
        )  # fmt: skip
    ax.set_xlim(0, s)
    ax.set_ylim(0, s)
    ax.set_aspect("equal")
    ax.set_xticks([i + 0.5 for i in range(s)])
    ax.set_yticks([i + 0.5 for i in range(s)])
    if s == 3:
        ax.set_xticklabels([f"{i} {w}" for i, w in enumerate(labels.consequence, start=1)])
        ax.set_yticklabels([f"{i} {w}" for i, w in enumerate(labels.likelihood, start=1)])
    else:
        ax.set_xticklabels([f"{i}\n{_wrap(w, 10)}" for i, w in enumerate(labels.consequence, start=1)])
        ax.set_yticklabels([f"{i} {_wrap(w, 10)}" for i, w in enumerate(labels.likelihood, start=1)])
    ax.tick_params(length=0, labelsize=11 if s == 3 else 10)
    for spine in ax.spines.values():
        spine.set_visible(False)
    ax.set_xlabel("Konsekvens for borgeren", fontsize=13, fontweight="bold")
    ax.set_ylabel("Sandsynlighed", fontsize=13, fontweight="bold")
    n = len(heatmap.risks)
    ax.set_title(
        f"Risiko-heatmap {s}×{s} · {n} {'risiko' if n == 1 else 'risici'}", fontsize=15, fontweight="bold"
    )
    ranges = band_ranges(s)
    handles = [
        Patch(
            facecolor=PALETTE[b][0],
            edgecolor="#00000055",
            hatch=PALETTE[b][2] or None,
            label=f"{content.bands[b].label} {lo}–{hi}",
        )  # fmt: skip
        for b, (lo, hi) in ranges.items()
    ]
    fig.legend(
        handles=handles, loc="outside lower center", ncols=3, fontsize=11, frameon=False,
        title="Farvegrænserne er en konvention, ikke en standard", title_fontsize=10,
    )  # fmt: skip
    buffer = io.BytesIO()
    fig.savefig(buffer, format="png", dpi=dpi, metadata={"Software": None})
    drawn = tuple(t.get_text() for t in fig.findobj(Text) if t.get_text() and t.get_visible())
    width, height = (int(round(v)) for v in fig.get_size_inches() * dpi)
    return HeatmapImage(png=buffer.getvalue(), labels=drawn, width=width, height=height)
