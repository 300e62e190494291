"""The use-case canvas as an ipywidgets view: fields, sub-scores, weights, legal gates, live result, A3 poster.

The view only collects input and shows results; the scoring is :func:`aiskole.exercises.canvas.evaluate`, the
poster is :func:`aiskole.render.canvas_poster.a3_pdf` / :func:`~aiskole.render.canvas_poster.a3_png`, what it
shows is rendered by the templates in ``aiskole/templates/exercises/canvas`` and the storage is
:mod:`aiskole.store`. No error ever reaches the user as a traceback, and nothing typed is lost.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

import ipywidgets as w

from aiskole.exercises import canvas as cv
from aiskole.render import canvas_poster as poster
from aiskole.render import render
from aiskole.store import Store, open_store
from aiskole.widgets.base import ExerciseView, chart_image, download_link, heading, workshop_code_field

YES_NO = [("Ja", True), ("Nej", False)]


def _stack(widget: w.Widget) -> w.Widget:
    widget.add_class("aiskole-stack")
    return widget


def _help(text: str) -> str:
    return render("exercises/canvas/help.html.j2", text=text, max_length=None)


def _section(title: str, lead: str = "") -> w.HTML:
    """A numbered part of the canvas: its heading and a line on how to fill it in."""
    html = w.HTML(heading(title, level=3, lead=lead))
    html.add_class("aiskole-section")
    return html


class CanvasView(ExerciseView):
    """Use-case canvas view.

    Parameters
    ----------
    store_factory
        Returns the store to save into; called at the first save, so the canvas shows even when the database
        is down. Defaults to :func:`aiskole.store.open_store`.
    content
        The dataset content (defaults to ``datasets/canvas.yaml``).
    workshop_code
        Pre-filled workshop code, e.g. from a join link.
    """

    def __init__(
        self,
        store_factory: Callable[[], Store] = open_store,
        content: cv.CanvasContent | None = None,
        workshop_code: str | None = None,
    ) -> None:
        super().__init__(store_factory, stylesheets=("canvas",))
        self._content = content or cv.load_canvas()
        self.saved_id: int | None = None
        field_rows, role_rows = self._build_fields()
        gain_rows, complexity_rows = self._build_scores()
        self.weights_box = self._build_weights()
        gate_rows = self._build_gates()
        self._build_result_and_actions(workshop_code)
        intro = w.HTML(render("exercises/canvas/intro.html.j2", disclaimer=self._content.disclaimer))
        self.widget = self._wrap(
            [
                intro,
                _section("1. Beskriv idéen"),
                *field_rows,
                _section(
                    "2. Gevinst", "Hvor meget giver løsningen? 0 = ingen gevinst, 5 = meget stor gevinst."
                ),
                *gain_rows,
                _section("3. Kompleksitet", "Hvor svært er det? 0 = ingen udfordringer, 5 = meget svært."),
                *complexity_rows,
                self.weights_box,
                _section("4. Jura og sikkerhed", "Svar ja eller nej. Reglerne går forud for pointene."),
                *gate_rows,
                _section("5. Roller", "Hvem har rollerne? Skriv funktionen, ikke personens navn."),
                *role_rows,
                _section("Resultat"),
                self.result,
                self.chart,
                self.workshop_code,
                w.HBox(
                    [self.save_button, self.poster_button],
                    layout=w.Layout(flex_flow="row wrap", width="auto", grid_gap="8px"),
                ),
                self.downloads,
            ]
        )
        self._refresh()

    # -- building ------------------------------------------------------------------------------------

    def _build_fields(self) -> tuple[list[w.Widget], list[w.Widget]]:
        """The free-text fields, each with its help line: (the use case's fields, the roles' fields)."""
        self.fields: dict[str, w.Textarea | w.Text] = {}
        field_rows: list[w.Widget] = []
        role_rows: list[w.Widget] = []
        for spec in self._content.fields:
            short = spec.id == "titel" or spec.role
            cls = w.Text if short else w.Textarea
            widget = cls(
                description=spec.label,
                placeholder="" if short else "Skriv her …",
                continuous_update=False,
                style={"description_width": "initial"},
                layout=w.Layout(width="auto", max_width="100%"),
            )
            if not short:
                widget.rows = 4
            _stack(widget)
            widget.observe(self.guard(self._changed), names="value")
            self.fields[spec.id] = widget
            help_html = w.HTML(
                render("exercises/canvas/help.html.j2", text=spec.help, max_length=spec.max_length),
                layout=w.Layout(width="auto"),
            )
            (role_rows if spec.role else field_rows).extend([widget, help_html])
        return field_rows, role_rows

    def _build_scores(self) -> tuple[list[w.Widget], list[w.Widget]]:
        """Gevinst (hours freed and four sub-scores) and kompleksitet (five sub-scores), each with help."""
        c = self._content
        self.hours = _stack(
            w.FloatText(
                value=0,
                description="Frigjort tid (timer pr. år)",
                style={"description_width": "initial"},
                layout=w.Layout(width="auto", max_width="100%"),
            )
        )
        self.hours.observe(self.guard(self._refresh), names="value")
        self.hours_result = w.HTML()
        self.scores: dict[str, w.Dropdown] = {}
        gain_rows: list[w.Widget] = [self.hours, w.HTML(_help(c.hours_help)), self.hours_result]
        complexity_rows: list[w.Widget] = []
        for name, rows in (("gevinst", gain_rows), ("kompleksitet", complexity_rows)):
            dim = c.dimension(name)
            for part in dim.parts:
                if part.id == "tid":
                    continue
                dropdown = _stack(
                    w.Dropdown(
                        options=[(label, i) for i, label in enumerate(dim.scale)],
                        value=None,
                        description=part.label,
                        style={"description_width": "initial"},
                        layout=w.Layout(width="auto", max_width="100%"),
                    )
                )
                dropdown.observe(self.guard(self._refresh), names="value")
                self.scores[part.id] = dropdown
                rows.extend([dropdown, w.HTML(_help(part.help))])
        return gain_rows, complexity_rows

    def _build_weights(self) -> w.Accordion:
        """The weights of every sub-score, in a collapsible section."""
        self.weights: dict[str, dict[str, w.FloatText]] = {}
        weight_rows: list[w.Widget] = [w.HTML(render("exercises/canvas/weights_help.html.j2"))]
        for name in cv.DIMENSIONS:
            dim = self._content.dimension(name)
            weight_rows.append(w.HTML(heading(dim.label, level=4)))
            self.weights[name] = {}
            for part in dim.parts:
                box = _stack(
                    w.FloatText(
                        value=part.weight,
                        description=f"{part.label} (vægt)",
                        style={"description_width": "initial"},
                        layout=w.Layout(width="auto", max_width="100%"),
                    )
                )
                box.observe(self.guard(self._refresh), names="value")
                self.weights[name][part.id] = box
                weight_rows.append(box)
        self.reset_weights_button = w.Button(description="Brug standardvægte", tooltip="Sæt vægtene tilbage")
        self.reset_weights_button.on_click(self.guard(self._reset_weights))
        weight_rows.append(self.reset_weights_button)
        return w.Accordion(
            children=[w.VBox(weight_rows, layout=w.Layout(width="auto"))],
            titles=("Vægte",),
            selected_index=None,
            layout=w.Layout(width="auto", max_width="100%"),
        )

    def _build_gates(self) -> list[w.Widget]:
        """The legal gates: a Ja/Nej question each (the art. 6(3) follow-up shows only under annex III)."""
        self.gates: dict[str, w.RadioButtons] = {}
        self._gate_boxes: dict[str, w.VBox] = {}
        gate_rows: list[w.Widget] = []
        for q in self._content.questions:
            radio = w.RadioButtons(options=YES_NO, value=None, layout=w.Layout(width="auto"))
            radio.add_class("aiskole-yesno")
            radio.observe(self.guard(self._refresh), names="value")
            box = w.VBox(
                [
                    w.HTML(render("exercises/canvas/question.html.j2", question=q)),
                    w.HTML(render("exercises/dpia/basis.html.j2", question=q)),
                    radio,
                ],
                layout=w.Layout(width="auto", display="none" if q.follow_up_of else "flex"),
            )
            box.add_class("aiskole-question")
            self.gates[q.id] = radio
            self._gate_boxes[q.id] = box
            gate_rows.append(box)
        return gate_rows

    def _build_result_and_actions(self, workshop_code: str | None) -> None:
        """The result and the chart, the workshop code, "Gem", the poster button and its download links."""
        self.result = w.HTML(layout=w.Layout(width="auto"))
        self.chart = w.HTML(layout=w.Layout(width="auto"))
        self.chart.add_class("aiskole-canvas-chart")
        self.workshop_code = _stack(workshop_code_field(workshop_code))
        self.save_button = w.Button(
            description="Gem", button_style="primary", tooltip="Gem skemaet (anonymt)"
        )
        self.save_button.on_click(self._on_save)
        self.poster_button = w.Button(
            description="Lav A3-plakat", tooltip="Lav skemaet som A3-plakat (PDF og PNG) til at printe"
        )
        self.poster_button.on_click(self._on_poster)
        self.downloads = w.HTML(layout=w.Layout(width="auto"))
        self._last_chart_key: tuple | None = None

    # -- state ---------------------------------------------------------------------------------------

    def field_values(self) -> dict[str, str]:
        return {k: widget.value for k, widget in self.fields.items()}

    def score_values(self) -> dict[str, int | None]:
        return {k: d.value for k, d in self.scores.items()}

    def weight_values(self) -> dict[str, dict[str, float]]:
        return {name: {k: box.value for k, box in boxes.items()} for name, boxes in self.weights.items()}

    def gate_values(self) -> dict[str, bool | None]:
        answers = {k: r.value for k, r in self.gates.items()}
        if not answers["bilag_iii"]:
            answers["art_6_3"] = None
        return answers

    def set_values(
        self,
        *,
        fields: dict[str, str] | None = None,
        scores: dict[str, int] | None = None,
        hours: float | None = None,
        gates: dict[str, bool] | None = None,
        weights: dict[str, dict[str, float]] | None = None,
    ) -> None:
        """Set values programmatically (tests, pre-filled examples)."""
        for k, v in (fields or {}).items():
            self.fields[k].value = v
        for k, v in (scores or {}).items():
            self.scores[k].value = v
        if hours is not None:
            self.hours.value = hours
        for k, v in (gates or {}).items():
            self.gates[k].value = v
        for name, values in (weights or {}).items():
            for k, v in values.items():
                self.weights[name][k].value = v

    def _evaluate(self) -> cv.Evaluation:
        return cv.evaluate(
            self.score_values(),
            hours=self.hours.value,
            gates=self.gate_values(),
            weights=self.weight_values(),
            roles=self.field_values(),
            content=self._content,
        )

    # -- rendering -----------------------------------------------------------------------------------

    def _result_html(self, ev: cv.Evaluation) -> str:
        return render("exercises/canvas/result.html.j2", ev=ev)

    def _chart_html(self, ev: cv.Evaluation) -> str:
        title = cv.clean_text(self.fields["titel"].value)
        png = poster.quadrant_png(ev, title, content=self._content)
        return chart_image(png, poster.quadrant_alt_text(ev, title))

    # -- events --------------------------------------------------------------------------------------

    def _changed(self, _change=None) -> None:
        """A text changed: the poster links no longer match, and the title or roles may need redrawing."""
        if self.downloads.value:
            self.downloads.value = render("exercises/canvas/changed.html.j2")
        self._refresh()

    def _refresh(self, _change=None) -> None:
        bilag = self.gates["bilag_iii"].value
        self._gate_boxes["art_6_3"].layout.display = "flex" if bilag else "none"
        try:
            score = cv.hours_score(self.hours.value, self._content)
            self.hours_result.value = render("exercises/canvas/hours.html.j2", score=score, problem=None)
        except ValueError as exc:
            self.hours_result.value = render("exercises/canvas/hours.html.j2", score=None, problem=str(exc))
        missing = [k for k, v in self.score_values().items() if v is None]
        if missing:
            done = len(self.scores) - len(missing)
            self.result.value = render("exercises/canvas/progress.html.j2", done=done, total=len(self.scores))
            self.chart.value = ""
            self._last_chart_key = None
            return
        try:
            ev = self._evaluate()
        except ValueError as exc:
            self.result.value = render("exercises/canvas/error.html.j2", message=str(exc))
            self.chart.value = ""
            self._last_chart_key = None
            raise
        if "aiskole-status-error" in self.status.value:
            self.clear_status()
        self.result.value = self._result_html(ev)
        key = (
            ev.gevinst,
            ev.kompleksitet,
            ev.hours,
            ev.quadrant,
            tuple(g.id for g in ev.gates),
            self.fields["titel"].value,
        )
        if key != self._last_chart_key:
            self.chart.value = self._chart_html(ev)
            self._last_chart_key = key

    def _reset_weights(self, _button=None) -> None:
        defaults = cv.default_weights(self._content)
        for name, boxes in self.weights.items():
            for k, box in boxes.items():
                box.value = defaults[name][k]

    def _build(self, *, require_all_gates: bool) -> cv.Canvas:
        return cv.build_canvas(
            self.field_values(),
            self.score_values(),
            hours=self.hours.value,
            gates=self.gate_values(),
            weights=self.weight_values(),
            require_all_gates=require_all_gates,
            content=self._content,
        )

    def save(self) -> int | None:
        """Validate, evaluate and store the canvas. Returns the submission id.

        Raises
        ------
        ValueError, StoreError
            With Danish messages; :meth:`_on_save` shows them in the status line.
        """
        canvas = self._build(require_all_gates=True)
        model = cv.CanvasSubmission.of(canvas, self.score_values(), self.weight_values())
        submission_id = self.save_model(model, self.workshop_code.value)
        self.saved_id = submission_id
        self.set_status(f"Gemt som canvas nr. {submission_id}. Lav gerne en A3-plakat til væggen.")
        return submission_id

    def _on_poster(self, _button=None) -> None:
        self.poster_button.disabled = True
        try:
            self.guard(self.make_poster)()
        finally:
            self.poster_button.disabled = False

    def make_poster(self, today: dt.date | None = None) -> tuple[bytes, bytes]:
        """Render the A3 poster and show download links for the PDF and the PNG. Returns (pdf, png)."""
        canvas = self._build(require_all_gates=False)
        today = today or dt.date.today()
        pdf = poster.a3_pdf(canvas, today=today, content=self._content)
        png = poster.a3_png(canvas, today=today, content=self._content)
        name = f"use-case-canvas-{today:%Y-%m-%d}"
        self.downloads.value = render(
            "exercises/canvas/posters.html.j2",
            pdf=download_link(pdf, f"{name}.pdf", "application/pdf", "Hent A3-plakat som PDF (til print)"),
            png=download_link(png, f"{name}.png", "image/png", "Hent A3-plakat som billede (PNG)"),
        )
        self.set_status("A3-plakaten er klar. Hent den med knapperne herunder.")
        return pdf, png
