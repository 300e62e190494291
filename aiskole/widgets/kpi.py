"""The Gevinst- og KPI-beregner as an ipywidgets view: three scenarios, årsværk, a chart, KPIs and "Gem".

The view only collects numbers and shows results; the arithmetic is :mod:`aiskole.exercises.kpi`, what it shows
the templates in ``aiskole/templates/exercises/kpi`` and the storage :mod:`aiskole.store`. Numbers are typed as text so that Danish formats (``1.200``, ``7,5``) work; a number
that cannot be read gives a Danish message beside the result, and nothing typed is lost.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import ipywidgets as w

from aiskole import l10n
from aiskole.exercises import kpi
from aiskole.render import charts, render
from aiskole.store import Store, open_store
from aiskole.widgets.base import ExerciseView, chart_image, heading, workshop_code_field

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


def _buttons(button: w.Button) -> w.Box:
    row = w.Box([button], layout=w.Layout(width="100%"))
    row.add_class("aiskole-buttons")
    return row


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
        self.saved_id: int | None = None
        self.estimate: kpi.Estimate | None = None
        self.kpi_result: kpi.KpiResult | None = None
        scenario_box = self._build_scenarios()
        self._build_denominator()
        self._build_kpi()
        self.workshop_code = workshop_code_field(workshop_code)
        self.workshop_code.add_class("aiskole-field")
        self.save_button = w.Button(
            description="Gem", button_style="primary", tooltip="Gem beregningen (anonymt)"
        )
        self.save_button.on_click(self._on_save)
        self._observe_fields()
        self.widget = self._wrap(
            [
                w.HTML(render("exercises/kpi/intro.html.j2", content=self._content)),
                scenario_box,
                w.HTML(heading("Hvor mange timer er et årsværk?")),
                self.denominator,
                self.denominator_text,
                _buttons(self.calculate_button),
                self.result,
                w.HTML(heading("KPI'er: følg udviklingen", lead=self._content.kpi_note)),
                self.kpi_choice,
                self.kpi_text,
                *self.kpi_fields.values(),
                self.kpi_output,
                w.HTML(heading("Gem")),
                self.workshop_code,
                _buttons(self.save_button),
            ]
        )
        self._refresh()
        self._refresh_kpi()

    # -- building ------------------------------------------------------------------------------------

    def _build_scenarios(self) -> w.Box:
        """The three scenarios side by side, each with its fields and the line for its problem."""
        self.fields: dict[str, dict[str, w.Text]] = {}
        self._scenario_boxes: dict[str, w.VBox] = {}
        self._scenario_problems: dict[str, w.HTML] = {}
        boxes = []
        for sid in kpi.SCENARIOS:
            name = self._content.scenarios[sid]
            self.fields[sid] = {key: _field(label, DEFAULTS[sid][key]) for key, label in kpi.FIELDS.items()}
            self._scenario_problems[sid] = w.HTML()
            box = w.VBox(
                [
                    w.HTML(heading(f"{name.label} scenarie")),
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
        return scenario_box

    def _build_denominator(self) -> None:
        """The choice of hours in an årsværk, its explanation, and the "Beregn" button with the result."""
        c = self._content
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

    def _build_kpi(self) -> None:
        """The choice of KPI, its definition, its three fields and its result."""
        c = self._content
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

    def _observe_fields(self) -> None:
        for row in self.fields.values():
            for field in row.values():
                field.observe(self.guard(self._refresh), names="value")
        self.denominator.observe(self.guard(self._refresh), names="value")
        self.kpi_choice.observe(self.guard(self._refresh_kpi), names="value")
        for field in self.kpi_fields.values():
            field.observe(self.guard(self._refresh_kpi), names="value")

    # -- html ----------------------------------------------------------------------------------------

    def _denominator_html(self, d: kpi.Denominator) -> str:
        return render("exercises/kpi/denominator.html.j2", d=d, content=self._content)

    def _result_html(self, e: kpi.Estimate) -> str:
        chart = chart_image(charts.hours_png(e), charts.hours_alt_text(e), "aiskole-chart")
        return render("exercises/kpi/result.html.j2", e=e, chart=chart, content=self._content)

    @staticmethod
    def _problem_html(message: str) -> str:
        return render("widgets/status.html.j2", message=message, error=True)

    def _kpi_definition_html(self, k: kpi.KpiDefinition) -> str:
        return render("exercises/kpi/definition.html.j2", k=k, content=self._content)

    @staticmethod
    def _kpi_result_html(r: kpi.KpiResult) -> str:
        return render("exercises/kpi/progress.html.j2", r=r)

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
            self.result.value = render("exercises/kpi/invalid.html.j2", labels=invalid)
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
