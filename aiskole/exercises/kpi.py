"""Gevinst- og KPI-beregner: hours freed by an AI solution in three scenarios, årsværk, and KPI progress.

The formula is domain.md §7::

    hours freed per year = (baseline minutes − minutes with AI incl. checking) × cases per year
                           × adoption rate / 60 − hours spent on new tasks

Each scenario (pessimistic, likely, optimistic) has its own inputs. A negative result is allowed and
explained; scenarios out of order (pessimistic > likely or likely > optimistic) are explained and refused
when saving. Årsværk divide by a denominator chosen from ``datasets/kpi.yaml`` (1,924 h gross, or ~1,667 h
implied by the national target). KPIs compare a baseline, a target and a measured value.

The unit owns its content (``datasets/kpi.yaml``) and its submission model (:class:`KpiSubmission`). Pure:
no widgets, no display, no storage, no HTML (the chart is :func:`aiskole.render.charts.hours_png`).
"""

from __future__ import annotations

import datetime as dt
import math
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, ClassVar, Literal

from pydantic import Field, model_validator

from aiskole.datasets import DatasetModel, Source, load_dataset
from aiskole.exercises.base import Unreadable, versioned
from aiskole.l10n import number as format_number

ScenarioId = Literal["pessimistic", "likely", "optimistic"]
SCENARIOS: tuple[ScenarioId, ...] = ("pessimistic", "likely", "optimistic")

#: Upper bounds that catch typing errors (a case taking more than 100 hours is not a "case" here).
MAX_MINUTES_PER_CASE = 6_000
MAX_CASES_PER_YEAR = 10_000_000
MAX_NEW_TASK_HOURS = 1_000_000
MAX_KPI_VALUE = 1_000_000_000

#: The input fields of a scenario and their Danish labels (with units).
FIELDS: dict[str, str] = {
    "baseline_minutes": "Minutter pr. sag i dag",
    "ai_minutes": "Minutter pr. sag med AI (inkl. kontrol)",
    "cases_per_year": "Sager pr. år",
    "adoption_pct": "Andel af sagerne, hvor AI bruges (%)",
    "new_task_hours": "Timer pr. år til nye opgaver",
}

NEGATIVE = "AI-løsningen koster mere tid, end den sparer"


# --- dataset -----------------------------------------------------------------------------------------


class SourcedText(DatasetModel):
    text: str = Field(min_length=20)
    sources: tuple[str, ...] = Field(min_length=1)


class ScenarioName(DatasetModel):
    label: str = Field(min_length=3)
    #: The definite form for running text, e.g. "det sandsynlige scenarie".
    definite: str = Field(min_length=3)


class Denominator(DatasetModel):
    """Hours per årsværk, with what it means and how far to trust it."""

    id: str = Field(pattern=r"^[a-z0-9][a-z0-9-]*$")
    hours: float = Field(gt=1000, lt=2500)
    label: str
    explanation: str
    caveat: str
    sources: tuple[str, ...] = Field(min_length=1)


class KpiDefinition(DatasetModel):
    """One KPI: what it measures, how to get the baseline, and how the change is computed.

    ``kind`` is ``relative`` (change in % of the baseline), ``reduction`` (baseline − measured, in the unit)
    or ``points`` (measured − baseline, in percentage points).
    """

    id: str = Field(pattern=r"^[a-z0-9][a-z0-9-]*$")
    name: str
    definition: str
    baseline: str
    unit: str
    kind: Literal["relative", "reduction", "points"]
    better: Literal["lower", "higher"]
    max_value: float | None = None
    formula: str
    sources: tuple[str, ...] = Field(min_length=1)


class KpiContent(DatasetModel):
    """The content of ``datasets/kpi.yaml``."""

    schema_: Literal["aiskole.kpi/1"] = Field(alias="schema")
    checked: dt.date
    review_by: dt.date
    sources: dict[str, Source]
    redeployment: SourcedText
    caution: SourcedText
    national_target: SourcedText
    method: SourcedText
    scenarios: dict[ScenarioId, ScenarioName]
    denominators: tuple[Denominator, ...] = Field(min_length=1)
    kpi_note: str
    kpis: tuple[KpiDefinition, ...] = Field(min_length=1)

    @model_validator(mode="after")
    def _consistent(self) -> KpiContent:
        if set(self.scenarios) != set(SCENARIOS):
            raise ValueError("der skal være et navn for hvert scenarie: pessimistic, likely og optimistic")
        for kind, records in (("årsværk", self.denominators), ("KPI", self.kpis)):
            ids = [r.id for r in records]
            if len(set(ids)) != len(ids):
                raise ValueError(f"to {kind}-poster har samme id: {ids}")
        texts = (self.redeployment, self.caution, self.national_target, self.method)
        for record in (*texts, *self.denominators, *self.kpis):
            unknown = [s for s in record.sources if s not in self.sources]
            if unknown:
                raise ValueError(f"ukendt kilde {unknown} i {record!r:.60}")
        if "besparelse" not in self.redeployment.text:
            raise ValueError("redeployment skal sige, at frigjort tid ikke er en besparelse i sig selv")
        if self.review_by <= self.checked:
            raise ValueError("review_by skal ligge efter checked")
        return self

    def sources_for(self, keys: tuple[str, ...]) -> tuple[Source, ...]:
        return tuple(self.sources[k] for k in keys)

    def denominator(self, denominator_id: str) -> Denominator:
        for d in self.denominators:
            if d.id == denominator_id:
                return d
        known = ", ".join(d.id for d in self.denominators)
        raise ValueError(f"Ukendt nævner for årsværk: {denominator_id!r}. Vælg en af: {known}.")

    def kpi(self, kpi_id: str) -> KpiDefinition:
        for k in self.kpis:
            if k.id == kpi_id:
                return k
        raise ValueError(f"Ukendt KPI: {kpi_id!r}.")


def load_kpi(datasets_dir: Path | None = None) -> KpiContent:
    """Load and validate ``kpi.yaml``: KPI definitions, årsværk denominators and the sourced texts."""
    return load_dataset("kpi.yaml", KpiContent, datasets_dir)


# --- numbers -------------------------------------------------------------------------------------------


_PLAIN = re.compile(r"-?\d+([.,]\d+)?")
_DANISH_THOUSANDS = re.compile(r"-?\d{1,3}(\.\d{3})+(,\d+)?")


def parse_number(value: Any, label: str) -> float:
    """A number typed by a user: ``12``, ``7,5``, ``1.200`` (Danish thousands), ``7.5`` or ``70 %``.

    Raises
    ------
    ValueError
        With a Danish message naming ``label`` (the input itself is not repeated).
    """
    if isinstance(value, bool):
        raise ValueError(f"{label}: skriv et tal.")
    if isinstance(value, int | float):
        number = float(value)
    else:
        text = "" if value is None else str(value)
        text = re.sub(r"[\s\u00a0\u202f]", "", text).replace("−", "-").removesuffix("%")
        if not text:
            raise ValueError(f"{label}: skriv et tal.")
        if _DANISH_THOUSANDS.fullmatch(text):
            text = text.replace(".", "").replace(",", ".")
        elif _PLAIN.fullmatch(text):
            text = text.replace(",", ".")
        else:
            raise ValueError(f"{label}: det er ikke et tal. Skriv fx 12 eller 7,5.")
        number = float(text)
    if not math.isfinite(number):
        raise ValueError(f"{label}: skriv et almindeligt tal.")
    return number


def _in_range(number: float, label: str, low: float, high: float, unit: str = "") -> float:
    if number < low:
        raise ValueError(f"{label}: tallet må ikke være under {format_number(low)}{unit}.")
    if number > high:
        raise ValueError(f"{label}: tallet må højst være {format_number(high)}{unit}.")
    return number


# --- hours freed ---------------------------------------------------------------------------------------


@dataclass(frozen=True)
class ScenarioInput:
    """Validated inputs of one scenario."""

    baseline_minutes: float
    ai_minutes: float
    cases_per_year: int
    adoption_pct: float
    new_task_hours: float

    def to_dict(self) -> dict[str, float | int]:
        return {name: getattr(self, name) for name in FIELDS}


def validate_scenario(values: Mapping[str, Any], scenario_label: str = "") -> ScenarioInput:
    """Parse and check the five inputs of a scenario (numbers or Danish-formatted text).

    Raises
    ------
    ValueError
        A missing field, text that is not a number, or a number out of range (Danish message that names the
        scenario and the field).
    """
    prefix = f"{scenario_label} – " if scenario_label else ""
    missing = [FIELDS[name] for name in FIELDS if name not in values]
    if missing:
        raise ValueError(f"{prefix}mangler: {', '.join(missing)}.")

    def number(name: str) -> float:
        return parse_number(values[name], prefix + FIELDS[name])

    label = {name: prefix + text for name, text in FIELDS.items()}
    baseline = _in_range(number("baseline_minutes"), label["baseline_minutes"], 0, MAX_MINUTES_PER_CASE)
    ai = _in_range(number("ai_minutes"), label["ai_minutes"], 0, MAX_MINUTES_PER_CASE)
    cases = _in_range(number("cases_per_year"), label["cases_per_year"], 0, MAX_CASES_PER_YEAR)
    if not float(cases).is_integer():
        raise ValueError(f"{label['cases_per_year']}: skriv et helt antal sager, fx 1.200.")
    adoption = _in_range(number("adoption_pct"), label["adoption_pct"], 0, 100, " %")
    new_tasks = _in_range(number("new_task_hours"), label["new_task_hours"], 0, MAX_NEW_TASK_HOURS)
    return ScenarioInput(baseline, ai, int(cases), adoption, new_tasks)


def hours_freed(inp: ScenarioInput) -> float:
    """Hours freed per year (may be negative: the AI solution then costs more time than it saves)."""
    saved_minutes = (inp.baseline_minutes - inp.ai_minutes) * inp.cases_per_year * inp.adoption_pct / 100
    return saved_minutes / 60 - inp.new_task_hours


@dataclass(frozen=True)
class ScenarioResult:
    id: ScenarioId
    label: str
    definite: str
    inputs: ScenarioInput
    hours: float
    aarsvaerk: float

    @property
    def negative(self) -> bool:
        return self.hours < 0


@dataclass(frozen=True)
class Estimate:
    """The result of :func:`estimate`: one :class:`ScenarioResult` per scenario and the texts to show."""

    scenarios: tuple[ScenarioResult, ...]
    denominator: Denominator
    order_problem: str | None
    notes: tuple[str, ...]

    def scenario(self, scenario_id: ScenarioId) -> ScenarioResult:
        return next(s for s in self.scenarios if s.id == scenario_id)

    def require_order(self) -> None:
        """Raise ``ValueError`` (Danish) when the scenarios are not pessimistic ≤ likely ≤ optimistic."""
        if self.order_problem:
            raise ValueError(self.order_problem)

    def to_dict(self) -> dict[str, Any]:
        """A JSON-ready summary for storage (texts stay in the dataset)."""
        return {
            "denominator": self.denominator.id,
            "denominator_hours": self.denominator.hours,
            "hours": {s.id: round(s.hours, 2) for s in self.scenarios},
            "aarsvaerk": {s.id: round(s.aarsvaerk, 4) for s in self.scenarios},
            "ordered": self.order_problem is None,
        }


def _order_problem(results: tuple[ScenarioResult, ...]) -> str | None:
    problems = []
    for low, high in zip(results, results[1:], strict=False):
        if low.hours > high.hours:
            problems.append(
                f"{low.definite} giver {format_number(low.hours)} timer, men "
                f"{high.definite} kun {format_number(high.hours)} timer"
            )
    if not problems:
        return None
    return (
        "Scenarierne står i forkert rækkefølge: "
        + " og ".join(problems)
        + ". Det pessimistiske skal give mindst, det optimistiske mest. Tjek, om tallene er byttet om."
    )


def estimate(
    scenarios: Mapping[str, Mapping[str, Any]],
    *,
    denominator: str = "brutto",
    content: KpiContent | None = None,
) -> Estimate:
    """Hours freed and årsværk for the three scenarios.

    Parameters
    ----------
    scenarios
        ``{"pessimistic": {...}, "likely": {...}, "optimistic": {...}}``; each with the five fields of
        :data:`FIELDS` as numbers or Danish-formatted text.
    denominator
        The id of the årsværk denominator in ``datasets/kpi.yaml`` (``"brutto"`` or ``"nationalt-maal"``).
    content
        The dataset content; loaded from ``datasets/kpi.yaml`` when not given.

    Raises
    ------
    ValueError
        Missing scenarios, bad inputs, unknown denominator (Danish message). Scenarios out of order are
        *not* an error here: see :attr:`Estimate.order_problem` and :meth:`Estimate.require_order`.
    """
    content = content or load_kpi()
    if not isinstance(scenarios, Mapping):
        raise ValueError("Scenarierne mangler.")
    missing = [content.scenarios[s].label for s in SCENARIOS if s not in scenarios]
    if missing:
        raise ValueError(f"Der mangler tal for scenariet: {', '.join(missing)}.")
    per_year = content.denominator(denominator)
    results = []
    for sid in SCENARIOS:
        name = content.scenarios[sid]
        inp = validate_scenario(scenarios[sid], f"{name.label} scenarie")
        hours = hours_freed(inp)
        results.append(ScenarioResult(sid, name.label, name.definite, inp, hours, hours / per_year.hours))
    ordered = tuple(results)
    notes = tuple(
        f"{r.label} scenarie: {NEGATIVE} ({format_number(r.hours)} timer pr. år). Det sker, når kontrol af AI's svar "
        "og nye opgaver tager mere tid, end AI sparer."
        for r in ordered
        if r.negative
    )
    return Estimate(ordered, per_year, _order_problem(ordered), notes)


# --- KPIs ----------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class KpiResult:
    """A KPI with its baseline, target and measured value, the change and the progress toward the target."""

    kpi: KpiDefinition
    baseline: float
    target: float
    measured: float
    change: float
    change_text: str
    progress_pct: float
    progress_text: str

    def to_dict(self) -> dict[str, Any]:
        return {
            "kpi": self.kpi.id,
            "baseline": self.baseline,
            "target": self.target,
            "measured": self.measured,
            "change": round(self.change, 4),
            "progress_pct": round(self.progress_pct, 2),
        }


def kpi_change(kind: str, baseline: float, measured: float) -> float:
    """The change by the KPI's formula: % of baseline, reduction in the unit, or percentage points."""
    if kind == "relative":
        return (measured - baseline) / baseline * 100
    if kind == "reduction":
        return baseline - measured
    return measured - baseline


def progress_pct(baseline: float, target: float, measured: float) -> float:
    """How far from the baseline toward the target the measured value has come, in % (may be < 0 or > 100)."""
    return (measured - baseline) / (target - baseline) * 100


def _change_text(kpi: KpiDefinition, baseline: float, measured: float, change: float) -> str:
    unit = f" {kpi.unit}"
    before, after = format_number(baseline, 1, trim=True), format_number(measured, 1, trim=True)
    sign = "+" if change > 0 else ""
    if kpi.kind == "relative":
        return f"Ændring: {sign}{format_number(change, 1)} % (fra {before} til {after}{unit})."
    if kpi.kind == "reduction":
        word = "Reduktion" if change >= 0 else "Stigning"
        return f"{word}: {format_number(abs(change), 1, trim=True)}{unit} (fra {before} til {after})."
    return f"Ændring: {sign}{format_number(change, 1, trim=True)} procentpoint (fra {before}{unit} til {after}{unit})."


def _progress_text(progress: float) -> str:
    shown = format_number(progress)
    if progress >= 100:
        return f"Målet er nået ({shown} % af vejen fra udgangspunktet til målet)."
    if progress > 0:
        return f"I er nået {shown} % af vejen fra udgangspunktet til målet."
    if progress == 0:
        return "Ingen ændring endnu i forhold til udgangspunktet."
    return "Udviklingen går den forkerte vej: det målte tal er længere fra målet end udgangspunktet."


def evaluate_kpi(
    kpi_id: str, baseline: Any, target: Any, measured: Any, *, content: KpiContent | None = None
) -> KpiResult:
    """Compute a KPI's change and the progress toward its target.

    Raises
    ------
    ValueError
        Unknown KPI, values that are not numbers or out of range, a target equal to the baseline, a target
        on the wrong side of the baseline, or a zero baseline for a %-change (Danish messages).
    """
    content = content or load_kpi()
    kpi = content.kpi(kpi_id)
    high = kpi.max_value if kpi.max_value is not None else MAX_KPI_VALUE
    unit = " %" if kpi.unit == "%" else ""
    values = []
    for raw, label in ((baseline, "Udgangspunkt før"), (target, "Mål"), (measured, "Målt efter")):
        values.append(
            _in_range(parse_number(raw, f"{kpi.name} – {label}"), f"{kpi.name} – {label}", 0, high, unit)
        )
    b, t, m = values
    if t == b:
        raise ValueError(
            f"{kpi.name}: målet skal være forskelligt fra udgangspunktet – ellers er der intet at nå."
        )
    if kpi.better == "lower" and t > b:
        raise ValueError(f"{kpi.name}: her er lavere bedre, så målet skal være lavere end udgangspunktet.")
    if kpi.better == "higher" and t < b:
        raise ValueError(f"{kpi.name}: her er højere bedre, så målet skal være højere end udgangspunktet.")
    if kpi.kind == "relative" and b == 0:
        raise ValueError(
            f"{kpi.name}: udgangspunktet skal være større end 0 for at regne ændringen i procent."
        )
    change = kpi_change(kpi.kind, b, m)
    progress = progress_pct(b, t, m)
    return KpiResult(
        kpi, b, t, m, change, _change_text(kpi, b, m, change), progress, _progress_text(progress)
    )


# --- the stored submission ---------------------------------------------------------------------------


@dataclass(frozen=True)
class KpiInput:
    """A KPI as the user typed it: which one, and the baseline, target and measured value."""

    id: str
    baseline: float
    target: float
    measured: float

    def to_dict(self) -> dict[str, Any]:
        return {"id": self.id, "baseline": self.baseline, "target": self.target, "measured": self.measured}


@dataclass(frozen=True)
class KpiSubmission:
    """One saved gain calculation: the three scenarios' inputs, the denominator and the KPI (if any).

    ``summary`` is what the calculation gave when it was saved (hours, årsværk, the KPI's progress).
    """

    exercise: ClassVar[str] = "kpi"
    version: ClassVar[int] = 2

    scenarios: Mapping[str, Mapping[str, float | int]]
    denominator: str
    kpi: KpiInput | None = None
    summary: Mapping[str, Any] = field(default_factory=dict)

    @classmethod
    def of(cls, estimate: Estimate, kpi_result: KpiResult | None) -> KpiSubmission:
        kpi = None
        if kpi_result is not None:
            kpi = KpiInput(kpi_result.kpi.id, kpi_result.baseline, kpi_result.target, kpi_result.measured)
        summary = {**estimate.to_dict(), "kpi": None if kpi_result is None else kpi_result.to_dict()}
        return cls(
            {s.id: s.inputs.to_dict() for s in estimate.scenarios}, estimate.denominator.id, kpi, summary
        )

    def to_answers(self) -> dict[str, Any]:
        return versioned(
            self,
            {
                "scenarios": {k: dict(v) for k, v in self.scenarios.items()},
                "denominator": self.denominator,
                "kpi": None if self.kpi is None else self.kpi.to_dict(),
            },
        )

    def to_result(self) -> dict[str, Any]:
        return dict(self.summary)

    @classmethod
    def from_answers(
        cls, answers: Mapping[str, Any], result: Mapping[str, Any] | None = None
    ) -> KpiSubmission:
        scenarios = answers.get("scenarios")
        if not isinstance(scenarios, Mapping):
            raise Unreadable("Gevinstberegningen har ingen scenarier.")
        stored = answers.get("kpi")
        kpi = None
        if isinstance(stored, Mapping):
            kpi = KpiInput(str(stored["id"]), stored["baseline"], stored["target"], stored["measured"])
        denominator = answers.get("denominator", "brutto")
        return cls(
            scenarios, denominator if isinstance(denominator, str) else "brutto", kpi, dict(result or {})
        )

    def estimate(self, content: KpiContent | None = None) -> Estimate:
        """The three scenarios computed again (Danish ``ValueError`` when the stored inputs no longer fit)."""
        return estimate(self.scenarios, denominator=self.denominator, content=content)

    def kpi_result(self, content: KpiContent | None = None) -> KpiResult | None:
        if self.kpi is None:
            return None
        k = self.kpi
        return evaluate_kpi(k.id, k.baseline, k.target, k.measured, content=content)


#: What the exercise covers and what participants practise in it (AI Act art. 4 documentation).
COVERAGE = (
    "Gevinstrealisering: frigjort tid, årsværk og KPI'er",
    "Deltagerne regnede frigjort tid i tre scenarier og satte mål for en KPI.",
)

#: The unit's submission model (every unit names it ``MODEL``).
MODEL = KpiSubmission
