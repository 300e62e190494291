"""The pilot report: a pilot team's canvas, heatmap, mini-DPIA and gain calculation saved under one code,
and a recommendation by the rules of :data:`RECOMMENDATION_RULES`.

Each part is the newest submission of its exercise under the code, read into its unit's model and evaluated
again by today's rules; a part that is missing or cannot be read is said so, and makes the pilot "Justér".
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from aiskole import exercises, l10n
from aiskole.errors import ReportError
from aiskole.exercises import canvas, dpia, heatmap, kpi
from aiskole.exercises.base import Stored, Unreadable, by_time, read_all
from aiskole.reports.model import Report, Section, is_synthetic, parse_code, read

if TYPE_CHECKING:  # the store is handed in; its types are only annotations here
    from aiskole.store import Store

#: A KPI that has come less than this far (in %) from its baseline toward its target makes a pilot "Justér".
KPI_PROGRESS_MIN = 50.0

#: The recommendation rules, in order. The strictest outcome that fires wins: "stop" over "juster" over
#: "drift". Every rule that fires is listed as a reason.
RECOMMENDATION_RULES: tuple[tuple[str, str, str], ...] = (
    (
        "stop-gate",
        "stop",
        "Canvasset har en juridisk STOP-klods (forbudt AI-praksis eller personoplysninger i en "
        "offentlig AI-tjeneste).",
    ),
    ("ingen-gevinst", "stop", "Det sandsynlige scenarie frigør ingen tid (0 timer eller derunder)."),
    ("mangler", "juster", "En af de fire dele (canvas, heatmap, mini-DPIA, gevinstberegning) mangler."),
    (
        "fuld-dpia",
        "juster",
        "Mini-DPIA'en siger, at der skal laves en konsekvensanalyse (DPIA). Den skal være lavet, og "
        "databeskyttelsesrådgiveren hørt, før løsningen går i drift – rapporten kan ikke se, om det er sket.",
    ),
    (
        "hoejrisiko",
        "juster",
        "Løsningen er højrisiko efter AI-forordningen: konsekvensanalyse for grundlæggende "
        "rettigheder (FRIA) og registrering før drift.",
    ),
    ("foreloebig", "juster", "Canvasset har ubesvarede juridiske spørgsmål."),
    ("roede-risici", "juster", "En rød risiko mangler en ejer eller et tiltag."),
    ("roller-mangler", "juster", "En governance-rolle på canvasset står tom."),
    ("kpi-mangler", "juster", "Der er ingen KPI med et målt tal."),
    (
        "kpi-fremdrift",
        "juster",
        f"KPI'en er nået mindre end {KPI_PROGRESS_MIN:.0f} % af vejen fra udgangspunktet til målet.",
    ),
)
DECISIONS = {"drift": "Gå i drift", "juster": "Justér", "stop": "Stop"}
_ORDER = [r[0] for r in RECOMMENDATION_RULES]


@dataclass(frozen=True)
class Reason:
    rule: str
    outcome: str
    text: str


def reason(rule: str, detail: str = "") -> Reason:
    _id, outcome, text = next(r for r in RECOMMENDATION_RULES if r[0] == rule)
    return Reason(rule, outcome, f"{text} {detail}".strip())


def recommend(reasons: Sequence[Reason]) -> str:
    """``"stop"``, ``"juster"`` or ``"drift"``: the strictest outcome among the reasons (none: drift)."""
    outcomes = {r.outcome for r in reasons}
    return "stop" if "stop" in outcomes else "juster" if "juster" in outcomes else "drift"


@dataclass(frozen=True)
class Missing:
    """A part the team has not saved, or that cannot be read."""

    text: str
    status: str = "mangler"


@dataclass(frozen=True)
class CanvasPart:
    id: int
    saved: dt.datetime
    fields: dict[str, str]
    evaluation: canvas.Evaluation
    content: canvas.CanvasContent


@dataclass(frozen=True)
class HeatmapPart:
    id: int
    heatmap: heatmap.Heatmap
    content: heatmap.RisksContent

    @property
    def not_ready(self) -> tuple[heatmap.Risk, ...]:
        return tuple(r for r in self.heatmap.risks if r.missing)

    @property
    def ranges(self) -> dict[str, tuple[int, int]]:
        return heatmap.band_ranges(self.heatmap.scale)


@dataclass(frozen=True)
class DpiaPart:
    id: int
    saved: dt.datetime
    screening: dpia.Screening


@dataclass(frozen=True)
class KpiPart:
    id: int
    saved: dt.datetime
    estimate: kpi.Estimate
    kpi_result: kpi.KpiResult | None
    content: kpi.KpiContent


@dataclass(frozen=True)
class Recommendation:
    decision: str
    reasons: tuple[Reason, ...]
    notes: tuple[str, ...]

    @property
    def label(self) -> str:
        return DECISIONS[self.decision]

    rules = RECOMMENDATION_RULES
    decisions = DECISIONS


def _newest(rows, model) -> Stored | Missing | None:
    """The newest submission of ``model``'s exercise, ``Missing`` when it cannot be read, ``None`` if none."""
    mine = [r for r in rows if r.exercise == model.exercise]
    if not mine:
        return None
    newest = by_time(mine)[-1]
    found, unreadable = read_all(model, [newest])
    if unreadable:
        return Missing(f"{exercises.get(model.exercise).title} nr. {newest.id} kunne ikke læses.", "ulæselig")
    return found[0]


def canvas_part(found: Stored | Missing | None) -> CanvasPart | Missing:
    if not isinstance(found, Stored):
        return found or Missing("Pilotteamet har ikke gemt et use-case-canvas under koden.")
    content = canvas.load_canvas()
    try:
        fields, evaluation = found.model.evaluate(content)
    except (ValueError, TypeError):
        return Missing(
            f"Canvas nr. {found.id} kunne ikke læses (det er gemt med en ældre version).", "ulæselig"
        )
    return CanvasPart(found.id, found.created_at, fields, evaluation, content)


def heatmap_part(found: Stored | Missing | None) -> HeatmapPart | Missing:
    if not isinstance(found, Stored):
        return found or Missing("Pilotteamet har ikke gemt et risiko-heatmap under koden.")
    content = heatmap.load_risks()
    try:
        built = found.model.heatmap(content)
    except (ValueError, TypeError):
        return Missing(f"Heatmap nr. {found.id} kunne ikke læses.", "ulæselig")
    return HeatmapPart(found.id, built, content)


def dpia_part(found: Stored | Missing | None) -> DpiaPart | Missing:
    if not isinstance(found, Stored):
        return found or Missing("Pilotteamet har ikke gemt en mini-DPIA under koden.")
    return DpiaPart(found.id, found.created_at, found.model.screen())


def kpi_part(found: Stored | Missing | None) -> KpiPart | Missing:
    if not isinstance(found, Stored):
        return found or Missing("Pilotteamet har ikke gemt en gevinstberegning under koden.")
    content = kpi.load_kpi()
    try:
        estimate = found.model.estimate(content)
        kpi_result = found.model.kpi_result(content)
    except (ValueError, TypeError, KeyError, Unreadable):
        return Missing(f"Gevinstberegning nr. {found.id} kunne ikke læses.", "ulæselig")
    return KpiPart(found.id, found.created_at, estimate, kpi_result, content)


def _canvas_reasons(part: CanvasPart) -> list[Reason]:
    ev, found = part.evaluation, []
    if ev.stopped:
        found.append(reason("stop-gate", f"({'; '.join(g.title for g in ev.stop_gates)})"))
    if any(g.id == "hoejrisiko" for g in ev.gates):
        found.append(reason("hoejrisiko"))
    if any(f.id == "foreloebig" for f in ev.flags):
        found.append(reason("foreloebig"))
    empty = canvas.missing_roles(part.fields, part.content)
    if empty:
        found.append(reason("roller-mangler", f"Tom: {', '.join(empty)}."))
    return found


def _kpi_reasons(part: KpiPart) -> tuple[list[Reason], list[str]]:
    found, notes = [], []
    likely = part.estimate.scenario("likely")
    if likely.hours <= 0:
        found.append(reason("ingen-gevinst", f"({l10n.number(likely.hours)} timer pr. år)"))
    if part.estimate.scenario("pessimistic").hours <= 0 < likely.hours:
        notes.append(
            "Det pessimistiske scenarie frigør ingen tid. Hold øje med, om gevinsten faktisk kommer."
        )
    if part.kpi_result is None:
        found.append(reason("kpi-mangler"))
    elif part.kpi_result.progress_pct < KPI_PROGRESS_MIN:
        progress = l10n.number(part.kpi_result.progress_pct)
        found.append(reason("kpi-fremdrift", f"({part.kpi_result.kpi.name}: {progress} %)"))
    return found, notes


def recommendation(parts: dict[str, Any]) -> Recommendation:
    """The pilot's decision from its four parts (each a part or :class:`Missing`)."""
    reasons: list[Reason] = []
    notes: list[str] = []
    missing = [e.title for e in exercises.PILOT if isinstance(parts[e.name], Missing)]
    if missing:
        reasons.append(reason("mangler", f"Mangler: {', '.join(missing)}."))
    if isinstance(parts["canvas"], CanvasPart):
        reasons += _canvas_reasons(parts["canvas"])
    if isinstance(parts["heatmap"], HeatmapPart) and parts["heatmap"].not_ready:
        lacking = parts["heatmap"].not_ready
        reasons.append(
            reason("roede-risici", f"({len(lacking)} risici: {', '.join(r.title for r in lacking)})")
        )
    if isinstance(parts["dpia"], DpiaPart):
        verdict = parts["dpia"].screening.verdict
        if verdict == "full":
            reasons.append(reason("fuld-dpia"))
        elif verdict == "grey":
            notes.append(
                "Mini-DPIA'en ligger i gråzonen: vurder sammen med databeskyttelsesrådgiveren, om der skal laves en "
                "fuld DPIA, og skriv vurderingen ned."
            )
    if isinstance(parts["kpi"], KpiPart):
        more, kpi_notes = _kpi_reasons(parts["kpi"])
        reasons += more
        notes += kpi_notes
    reasons.sort(key=lambda r: _ORDER.index(r.rule))
    return Recommendation(recommend(reasons), tuple(reasons), tuple(notes))


def pilot_report(store: Store, code: Any) -> Report:
    """The pilot team's report: canvas, heatmap, mini-DPIA and KPIs, and a recommendation.

    Raises
    ------
    ReportError
        Badly formed code, no pilot data under the code, or an unreachable store (Danish message).
    """
    code = parse_code(code, "pilotkode")
    workshop = read(store, "get_workshop", code)
    rows = read(store, "list_submissions", workshop_code=code)
    if not any(r.exercise in {e.name for e in exercises.PILOT} for r in rows):
        raise ReportError(
            f"Der er ingen pilotdata under koden {code}. Pilotteamet skal gemme canvas, heatmap, mini-DPIA og "
            "gevinstberegning med samme kode."
        )
    build = {"canvas": canvas_part, "heatmap": heatmap_part, "dpia": dpia_part, "kpi": kpi_part}
    parts = {e.name: build[e.name](_newest(rows, e.unit.MODEL)) for e in exercises.PILOT}
    advice = recommendation(parts)
    title = (parts["canvas"].fields.get("titel") if isinstance(parts["canvas"], CanvasPart) else None) or (
        workshop.title if workshop else f"Pilot {code}"
    )
    saved = max(r.created_at for r in rows if r.exercise in parts)
    sections = (
        Section("recommendation", "Anbefaling", "reports/pilot/recommendation.html.j2", advice),
        Section("canvas", "Use-case-canvas", "exercises/canvas/pilot.html.j2", parts["canvas"]),
        Section("heatmap", "Risiko-heatmap", "exercises/heatmap/pilot.html.j2", parts["heatmap"]),
        Section("dpia", "Mini-DPIA", "exercises/dpia/pilot.html.j2", parts["dpia"]),
        Section("kpi", "Gevinster og KPI'er", "exercises/kpi/pilot.html.j2", parts["kpi"]),
        Section("governance", "Roller og ansvar", "exercises/canvas/governance.html.j2", parts["canvas"]),
    )
    return Report(
        "pilot",
        f"Pilotrapport: {title}",
        f"Pilotkode {code} · senest gemt {l10n.date_long(saved)}. Rapporten bruger det nyeste canvas, heatmap, "
        "mini-DPIA og gevinstberegning, der er gemt under koden.",
        is_synthetic(workshop),
        sections,
        _result(code, workshop, parts, advice, title),
        synthetic_text="Pilotdataene er lavet af demodatagenerator.",
    )


def _result(code: str, workshop, parts: dict[str, Any], advice: Recommendation, title: str) -> dict[str, Any]:
    result: dict[str, Any] = {
        "code": code,
        "synthetic": is_synthetic(workshop),
        "parts": {name: part.status if isinstance(part, Missing) else "ok" for name, part in parts.items()},
        "recommendation": advice.decision,
        "recommendation_label": advice.label,
        "reasons": [r.rule for r in advice.reasons],
    }
    c, h, d, k = parts["canvas"], parts["heatmap"], parts["dpia"], parts["kpi"]
    if isinstance(c, CanvasPart):
        ev = c.evaluation
        result["title"] = c.fields.get("titel") or None
        result["canvas"] = {
            "submission_id": c.id,
            "gevinst": ev.gevinst,
            "kompleksitet": ev.kompleksitet,
            "quadrant": ev.quadrant,
            "stopped": ev.stopped,
            "gates": [g.id for g in ev.gates],
        }
        result["roles"] = {f.id: bool(c.fields[f.id]) for f in c.content.roles}
    if isinstance(h, HeatmapPart):
        result["heatmap"] = {
            "submission_id": h.id,
            "risks": len(h.heatmap.risks),
            "bands": h.heatmap.band_counts,
            "red_without_mitigation": len(h.not_ready),
        }
    if isinstance(d, DpiaPart):
        result["dpia"] = {
            "submission_id": d.id,
            "verdict": d.screening.verdict,
            "rules": [r.rule for r in d.screening.reasons],
            "legal_basis": [r.legal_basis for r in d.screening.reasons],
        }
    if isinstance(k, KpiPart):
        result["kpi"] = {
            "submission_id": k.id,
            "hours": {s.id: round(s.hours, 2) for s in k.estimate.scenarios},
            "aarsvaerk": {s.id: round(s.aarsvaerk, 4) for s in k.estimate.scenarios},
            "denominator_hours": k.estimate.denominator.hours,
            "kpi": None if k.kpi_result is None else k.kpi_result.to_dict(),
        }
    return result
