"""Loading and validating the dataset files in ``datasets/``.

Every learner-facing legal or statistical text comes from these files, each record with a source and the
date it was checked. Loading validates the whole file; a broken file raises :class:`DatasetError` with a
Danish message that names the file and the field.
"""

from __future__ import annotations

import datetime as dt
from functools import lru_cache
from pathlib import Path
from typing import Literal

import yaml
from pydantic import BaseModel, ConfigDict, Field, HttpUrl, ValidationError, model_validator

from aiskole.errors import DatasetError
from aiskole.settings import get_settings

__all__ = ["Claim", "DatasetError", "DatasetModel", "Source", "load_claims", "load_dataset", "overdue_claims"]

#: libyaml's safe loader when PyYAML was built with it (the same documents, parsed ~10x faster), else PyYAML's.
_SAFE_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


class DatasetModel(BaseModel):
    """Base of every dataset record: unknown fields are errors, records are immutable."""

    model_config = ConfigDict(extra="forbid", frozen=True)


class Source(DatasetModel):
    """A public source: a title a learner can read and a URL."""

    title: str = Field(min_length=3)
    url: HttpUrl


# --- sourced claims --------------------------------------------------------------------------------


class Claim(DatasetModel):
    """One legal or statistical claim shown to learners."""

    id: str = Field(pattern=r"^[a-z0-9][a-z0-9-]*$")
    text: str = Field(min_length=10)
    #: One line in plain Danish under the claim: "Det betyder det for jer: ..." (the claim keeps its wording).
    plain: str | None = Field(default=None, min_length=10)
    source: Source
    checked: dt.date
    review_by: dt.date

    @model_validator(mode="after")
    def _dates(self) -> Claim:
        if self.review_by <= self.checked:
            raise ValueError(f"{self.id}: review_by skal ligge efter checked")
        return self


class ClaimsFile(DatasetModel):
    schema_: Literal["aiskole.claims/1"] = Field(alias="schema")
    claims: tuple[Claim, ...]

    @model_validator(mode="after")
    def _unique(self) -> ClaimsFile:
        ids = [c.id for c in self.claims]
        dupes = sorted({i for i in ids if ids.count(i) > 1})
        if dupes:
            raise ValueError(f"påstande med samme id: {dupes}")
        return self


# --- loading -----------------------------------------------------------------------------------------


def _read(path: Path, model: type[DatasetModel]):
    try:
        raw = yaml.load(path.read_text(encoding="utf-8"), Loader=_SAFE_LOADER)
    except FileNotFoundError as exc:
        raise DatasetError(f"Datafilen {path} findes ikke.") from exc
    except yaml.YAMLError as exc:
        raise DatasetError(f"Datafilen {path} er ikke gyldig YAML: {exc}") from exc
    try:
        return model.model_validate(raw)
    except ValidationError as exc:
        problems = "; ".join(
            f"{'.'.join(str(p) for p in err['loc']) or '(hele filen)'}: {err['msg']}" for err in exc.errors()
        )
        raise DatasetError(f"Datafilen {path} er ugyldig: {problems}") from exc


@lru_cache(maxsize=8)
def _load_cached(path: Path, mtime: float, model: type[DatasetModel]):
    return _read(path, model)


def load_dataset(name: str, model: type[DatasetModel], datasets_dir: Path | None = None):
    """Load ``datasets/<name>`` and validate it with ``model`` (cached until the file changes).

    Raises
    ------
    DatasetError
        Missing file, invalid YAML, or a record that does not fit the model (Danish message).
    """
    path = (datasets_dir or get_settings().datasets_dir) / name
    try:
        mtime = path.stat().st_mtime
    except FileNotFoundError as exc:
        raise DatasetError(f"Datafilen {path} findes ikke.") from exc
    return _load_cached(path, mtime, model)


def load_claims(datasets_dir: Path | None = None) -> dict[str, Claim]:
    """Load and validate ``claims.yaml``, keyed by claim id."""
    return {c.id: c for c in load_dataset("claims.yaml", ClaimsFile, datasets_dir).claims}


def overdue_claims(today: dt.date | None = None, datasets_dir: Path | None = None) -> list[Claim]:
    """Claims whose review-by date has passed."""
    today = today or dt.date.today()
    return [c for c in load_claims(datasets_dir).values() if c.review_by < today]


# --- the AI Act timeline ---------------------------------------------------------------------------


class TimelineEvent(DatasetModel):
    """One dated step of a timeline, with its own source."""

    date: dt.date
    text: str = Field(min_length=10)
    #: One line in plain Danish under the event: "Det betyder det for jer: ..."
    plain: str | None = Field(default=None, min_length=10)
    source: Source


class TimelineNote(DatasetModel):
    """A short note with its sources (the history of the dates)."""

    text: str = Field(min_length=10)
    sources: tuple[Source, ...] = Field(min_length=1)


class Timeline(DatasetModel):
    """A timeline shown in a lesson: dated events in order, a history note and where to check the law."""

    id: str = Field(pattern=r"^[a-z0-9][a-z0-9-]*$")
    title: str = Field(min_length=3)
    intro: str | None = None
    events: tuple[TimelineEvent, ...] = Field(min_length=2)
    history: TimelineNote
    #: Where the learner checks the text in force ("Tjek EUR-Lex").
    check: Source
    checked: dt.date
    review_by: dt.date

    @model_validator(mode="after")
    def _consistent(self) -> Timeline:
        dates = [e.date for e in self.events]
        if any(a >= b for a, b in zip(dates, dates[1:], strict=False)):
            raise ValueError(f"{self.id}: begivenhederne skal stå i datoorden, og hver dato kun én gang")
        sources = [e.source for e in self.events] + [*self.history.sources, self.check]
        not_https = [str(s.url) for s in sources if s.url.scheme != "https"]
        if not_https:
            raise ValueError(f"{self.id}: kilderne skal have en https-adresse: {not_https}")
        if self.review_by <= self.checked:
            raise ValueError(f"{self.id}: review_by skal ligge efter checked")
        return self


class TimelinesFile(DatasetModel):
    schema_: Literal["aiskole.timeline/1"] = Field(alias="schema")
    timelines: tuple[Timeline, ...] = Field(min_length=1)

    @model_validator(mode="after")
    def _unique(self) -> TimelinesFile:
        ids = [t.id for t in self.timelines]
        dupes = sorted({i for i in ids if ids.count(i) > 1})
        if dupes:
            raise ValueError(f"tidslinjer med samme id: {dupes}")
        return self


def load_timelines(datasets_dir: Path | None = None) -> dict[str, Timeline]:
    """Load and validate ``timeline.yaml``, keyed by timeline id."""
    return {t.id: t for t in load_dataset("timeline.yaml", TimelinesFile, datasets_dir).timelines}
