"""The Gevinst- og KPI-beregner as an ipywidgets view: three scenarios, årsværk, a chart, KPIs and "Gem".

The view only collects numbers and shows results; the arithmetic is :mod:`aiskole.kpi` and the storage is
:mod:`aiskole.store`. Numbers are typed as text so that Danish formats (``1.200``, ``7,5``) work; a number
that cannot be read gives a Danish message beside the result, and nothing typed is lost.
"""

from __future__ import annotations

import base64
from collections.abc import Callable
from html import escape
from typing import Any

import ipywidgets as w

from aiskole import l10n
from aiskole.exercises import kpi
from aiskole.render import charts, render
from aiskole.store import Store, open_store
from aiskole.widgets.base import ExerciseView

#: A worked example so that the result shows at once: a task of 12 minutes, 4,000 cases a year.
DEFAULTS: dict[str, dict[str, str]] = {
    "pessimistic": {
        "baseline_minutes": "12",
        "ai_minutes": "10",
        "cases_per_year": "4.000",
        "adoption_pct": "50",
        "new_task_hours": "40",
    },
    "likely": {
        "baseline_minutes": "12",
        "ai_minutes": "8",
        "cases_per_year": "4.000",
        "adoption_pct": "70",
        "new_task_hours": "20",
    },
    "optimistic": {
        "baseline_minutes": "12",
        "ai_minutes": "6",
        "cases_per_year": "4.000",
        "adoption_pct": "90",
        "new_task_hours": "10",
    },
}

KPI_FIELDS = {"baseline": "Udgangspunkt før", "target": "Mål", "measured": "Målt efter"}


def _field(description: str, value: str = "", placeholder: str = "") -> w.Text:
    field = w.Text(
        value=value,
        description=description,
        placeholder=placeholder,
        continuous_update=False,
        style={"description_width": "initial"},
        layout=w.Layout(width="auto", max_width="100%"),
    )
    field.add_class("aiskole-field")
    return field


def _img(png: bytes, alt: str) -> str:
    data = base64.b64encode(png).decode("ascii")
    return f'<img class="aiskole-chart" src="data:image/png;base64,{data}" alt="{escape(alt)}">'


class KpiView(ExerciseView):
    """Gevinst- og KPI-beregner.

    Parameters
    ----------
    store_factory
        Returns the store to save into; called at the first save. Defaults to :func:`aiskole.store.open_store`.
    content
        The dataset content (defaults to ``datasets/kpi.yaml``).
    workshop_code
        Pre-filled workshop code, e.g. from a join link.
    """

    def __init__(
        self,
        store_factory: Callable[[], Store] = open_store,
        content: kpi.KpiContent | None = None,
        workshop_code: str | None = None,
    ) -> None:
        super().__init__(store_factory, stylesheets=("kpi",))
        self._content = content or kpi.load_kpi()
        c = self._content
        self.saved_id: int | None = None
        self.estimate: kpi.Estimate | None = None
        self.kpi_result: kpi.KpiResult | None = None

        # -- scenarios --
        self.fields: dict[str, dict[str, w.Text]] = {}
        self._scenario_boxes: dict[str, w.VBox] = {}
        self._scenario_problems: dict[str, w.HTML] = {}
        boxes = []
        for sid in kpi.SCENARIOS:
            name = c.scenarios[sid]
            self.fields[sid] = {key: _field(label, DEFAULTS[sid][key]) for key, label in kpi.FIELDS.items()}
            self._scenario_problems[sid] = w.HTML()
            box = w.VBox(
                [
                    w.HTML(f"<h3>{escape(name.label)} scenarie</h3>"),
                    *self.fields[sid].values(),
                    self._scenario_problems[sid],
                ],
                layout=w.Layout(width="auto"),
            )
            box.add_class("aiskole-scenario")
            self._scenario_boxes[sid] = box
            boxes.append(box)
        scenario_box = w.Box(boxes, layout=w.Layout(flex_flow="row wrap", width="100%"))
        scenario_box.add_class("aiskole-scenarios")

        # -- denominator --
        self.denominator = w.RadioButtons(
            options=[(d.label, d.id) for d in c.denominators],
            value=c.denominators[0].id,
            layout=w.Layout(width="auto", max_width="100%"),
        )
        self.denominator.add_class("aiskole-choice")
        self.denominator_text = w.HTML()

        self.calculate_button = w.Button(description="Beregn", tooltip="Regn resultatet ud igen")
        self.calculate_button.on_click(self.guard(self._refresh))
        self.result = w.HTML()

        # -- KPIs --
        self.kpi_choice = w.Dropdown(
            options=[(k.name, k.id) for k in c.kpis],
            value=c.kpis[0].id,
            description="Vælg KPI",
            style={"description_width": "initial"},
            layout=w.Layout(width="auto", max_width="100%"),
        )
        self.kpi_choice.add_class("aiskole-field")
        self.kpi_text = w.HTML()
        self.kpi_fields = {key: _field(label) for key, label in KPI_FIELDS.items()}
        self.kpi_output = w.HTML()

        # -- saving --
        self.workshop_code = _field("Workshopkode (valgfri)", workshop_code or "", "fx TEK-24")
        self.save_button = w.Button(
            description="Gem", button_style="primary", tooltip="Gem beregningen (anonymt)"
        )
        self.save_button.on_click(self._on_save)

        for row in self.fields.values():
            for field in row.values():
                field.observe(self.guard(self._refresh), names="value")
        self.denominator.observe(self.guard(self._refresh), names="value")
        self.kpi_choice.observe(self.guard(self._refresh_kpi), names="value")
        for field in self.kpi_fields.values():
            field.observe(self.guard(self._refresh_kpi), names="value")

        intro = w.HTML(
            "<h2>Gevinst- og KPI-beregner</h2>"
            "<p>Hvor meget tid kan en AI-løsning frigøre på et år? Skriv jeres egne tal i de tre scenarier – "
            "tallene nedenfor er bare et eksempel. Beregningen gemmes anonymt, når du trykker «Gem».</p>"
            + self._method_html()
        )
        buttons = w.Box([self.calculate_button], layout=w.Layout(width="100%"))
        buttons.add_class("aiskole-buttons")
        save_row = w.Box([self.save_button], layout=w.Layout(width="100%"))
        save_row.add_class("aiskole-buttons")
        self.widget = self._wrap(
            [
                intro,
                scenario_box,
                w.HTML("<h3>Hvor mange timer er et årsværk?</h3>"),
                self.denominator,
                self.denominator_text,
                buttons,
                self.result,
                w.HTML(f"<h3>KPI'er: følg udviklingen</h3><p>{escape(c.kpi_note)}</p>"),
                self.kpi_choice,
                self.kpi_text,
                *self.kpi_fields.values(),
                self.kpi_output,
                w.HTML("<h3>Gem</h3>"),
                self.workshop_code,
                save_row,
            ]
        )
        self._refresh()
        self._refresh_kpi()

    # -- html ----------------------------------------------------------------------------------------

    def _method_html(self) -> str:
        c = self._content
        return (
            "<details><summary>Sådan regner vi</summary>"
            f"<p>{escape(c.method.text)}</p>{render_sources(c.sources_for(c.method.sources))}"
            f"<p>{escape(c.national_target.text)}</p>{render_sources(c.sources_for(c.national_target.sources))}"
            "</details>"
        )

    def _denominator_html(self, d: kpi.Denominator) -> str:
        return (
            f"<p><strong>Valgt: {escape(d.label)}.</strong> {escape(d.explanation)}</p>"
            f'<p class="aiskole-basis"><strong>Forbehold:</strong> {escape(d.caveat)}</p>'
            f"{render_sources(self._content.sources_for(d.sources))}"
        )

    def _result_html(self, e: kpi.Estimate) -> str:
        c = self._content
        fmt = l10n.number
        rows = "".join(
            f'<tr><th scope="row">{escape(s.label)}</th><td>{fmt(s.hours)}</td><td>{fmt(s.aarsvaerk, 2)}</td></tr>'
            for s in e.scenarios
        )
        table = (
            '<table class="aiskole-table">'
            f"<caption>Frigjort tid pr. år (1 årsværk = {fmt(e.denominator.hours)} timer)</caption>"
            '<thead><tr><th scope="col">Scenarie</th><th scope="col">Timer pr. år</th>'
            '<th scope="col">Årsværk</th></tr></thead>'
            f"<tbody>{rows}</tbody></table>"
        )
        formulas = "".join(
            f"<li>{escape(s.label)}: ({fmt(s.inputs.baseline_minutes, 1, trim=True)} − "
            f"{fmt(s.inputs.ai_minutes, 1, trim=True)}) × {fmt(s.inputs.cases_per_year)} × "
            f"{fmt(s.inputs.adoption_pct, 1, trim=True)} % ÷ 60 − {fmt(s.inputs.new_task_hours, 1, trim=True)} "
            f"= {fmt(s.hours)} timer</li>"
            for s in e.scenarios
        )
        parts = [
            "<h3>Resultat</h3>",
            table,
            f'<details class="aiskole-formula"><summary>Se regnestykket</summary><ul>{formulas}</ul></details>',
        ]
        if e.order_problem:
            parts.append(
                f'<p class="aiskole-warning" role="alert"><strong>Tjek:</strong> {escape(e.order_problem)}</p>'
            )
        for note in e.notes:
            parts.append(f'<p class="aiskole-warning"><strong>Bemærk:</strong> {escape(note)}</p>')
        parts.append(_img(charts.hours_png(e), charts.hours_alt_text(e)))
        parts.append(
            f'<div class="aiskole-key"><p><strong>Husk:</strong> {escape(c.redeployment.text)}</p>'
            f"{render_sources(c.sources_for(c.redeployment.sources))}</div>"
        )
        parts.append(
            f'<div class="aiskole-claim"><p>{escape(c.caution.text)}</p>'
            f"{render_sources(c.sources_for(c.caution.sources))}</div>"
        )
        return "".join(parts)

    @staticmethod
    def _problem_html(message: str) -> str:
        return f'<p class="aiskole-status-error" role="alert">{escape(message)}</p>'

    def _kpi_definition_html(self, k: kpi.KpiDefinition) -> str:
        return (
            f"<p><strong>{escape(k.name)}</strong> ({escape(k.unit)}): {escape(k.definition)}</p>"
            f'<p class="aiskole-basis">Udgangspunkt: {escape(k.baseline)}<br>Formel: {escape(k.formula)}</p>'
            f"{render_sources(self._content.sources_for(k.sources))}"
        )

    @staticmethod
    def _kpi_result_html(r: kpi.KpiResult) -> str:
        width = max(0.0, min(100.0, r.progress_pct))
        return (
            f"<p><strong>{escape(r.change_text)}</strong></p>"
            '<div class="aiskole-meter" aria-hidden="true">'
            f'<span style="width:{width:.0f}%"></span></div>'
            f"<p>{escape(r.progress_text)}</p>"
        )

    # -- state ---------------------------------------------------------------------------------------

    def values(self) -> dict[str, dict[str, str]]:
        """The text in every scenario field."""
        return {sid: {key: f.value for key, f in row.items()} for sid, row in self.fields.items()}

    def set_values(self, values: dict[str, dict[str, Any]]) -> None:
        """Set scenario fields programmatically (tests, examples); numbers are shown in Danish format."""
        for sid, row in values.items():
            for key, value in row.items():
                text = value if isinstance(value, str) else l10n.number(value, 2, trim=True)
                self.fields[sid][key].value = text

    def fields_values(self, scenario_id: str) -> dict[str, str]:
        return {key: f.value for key, f in self.fields[scenario_id].items()}

    def kpi_values(self) -> dict[str, str]:
        return {key: f.value for key, f in self.kpi_fields.items()}

    def _estimate(self) -> kpi.Estimate:
        return kpi.estimate(self.values(), denominator=self.denominator.value, content=self._content)

    def _kpi(self) -> kpi.KpiResult | None:
        """The KPI result, or ``None`` when all three fields are empty."""
        values = self.kpi_values()
        if not any(v.strip() for v in values.values()):
            return None
        if not all(v.strip() for v in values.values()):
            raise ValueError(
                "Udfyld alle tre KPI-felter – udgangspunkt, mål og målt – eller lad dem alle stå tomme."
            )
        return kpi.evaluate_kpi(self.kpi_choice.value, **values, content=self._content)

    # -- events --------------------------------------------------------------------------------------

    def _refresh(self, _change=None) -> None:
        self.denominator_text.value = self._denominator_html(
            self._content.denominator(self.denominator.value)
        )
        # Check each scenario on its own, so the message shows in the box with the number to fix.
        invalid = []
        for sid in kpi.SCENARIOS:
            label = f"{self._content.scenarios[sid].label} scenarie"
            box, problem = self._scenario_boxes[sid], self._scenario_problems[sid]
            try:
                kpi.validate_scenario(self.fields_values(sid), label)
            except ValueError as exc:
                invalid.append(label)
                problem.value = self._problem_html(str(exc))
                box.add_class("aiskole-invalid")
                continue
            problem.value = ""
            box.remove_class("aiskole-invalid")
        if invalid:
            self.estimate = None
            self.result.value = (
                '<h3>Resultat</h3><p class="aiskole-warning"><strong>Ret tallene:</strong> resultatet vises, '
                f"når tallene i {escape(' og '.join(invalid).lower())} er i orden.</p>"
            )
            return
        self.estimate = self._estimate()
        self.result.value = self._result_html(self.estimate)

    def _refresh_kpi(self, _change=None) -> None:
        k = self._content.kpi(self.kpi_choice.value)
        self.kpi_text.value = self._kpi_definition_html(k)
        for key, field in self.kpi_fields.items():
            field.description = f"{KPI_FIELDS[key]} ({k.unit})"
        try:
            self.kpi_result = self._kpi()
        except ValueError as exc:
            self.kpi_result = None
            self.kpi_output.value = self._problem_html(str(exc))
            return
        self.kpi_output.value = "" if self.kpi_result is None else self._kpi_result_html(self.kpi_result)

    def save(self) -> int:
        """Validate and store the scenarios, the denominator and the KPI (if filled in). Returns the id.

        Raises
        ------
        ValueError, StoreError
            With Danish messages; :meth:`_on_save` shows them in the status line.
        """
        self._refresh()
        self._refresh_kpi()
        estimate = self._estimate()
        estimate.require_order()
        kpi_result = self._kpi()
        submission_id = self.save_model(kpi.KpiSubmission.of(estimate, kpi_result), self.workshop_code.value)
        self.saved_id = submission_id
        self.set_status(f"Gemt som beregning nr. {submission_id}. Dine tal står stadig på skærmen.")
        return submission_id


def render_sources(sources) -> str:
    return render("partials/sources.html.j2", sources=sources)
