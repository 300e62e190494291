"""The use-case canvas as an ipywidgets view: fields, sub-scores, weights, legal gates, live result, A3 poster.

The view only collects input and shows results; the scoring is :func:`aiskole.canvas.evaluate`, the poster is
:func:`aiskole.canvas.a3_pdf` / :func:`aiskole.canvas.a3_png` and the storage is :mod:`aiskole.store`. No error
ever reaches the user as a traceback, and nothing typed is lost.
"""

from __future__ import annotations

import base64
import datetime as dt
from collections.abc import Callable
from html import escape

import ipywidgets as w

from aiskole import l10n
from aiskole.exercises import canvas as cv
from aiskole.render import canvas_poster as poster
from aiskole.render import render
from aiskole.store import Store, open_store
from aiskole.widgets.base import ExerciseView, download_link, workshop_code_field

YES_NO = [("Ja", True), ("Nej", False)]


def _stack(widget: w.Widget) -> w.Widget:
    widget.add_class("aiskole-stack")
    return widget


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
        c = self._content
        self.saved_id: int | None = None

        # 1. the free-text fields
        self.fields: dict[str, w.Textarea | w.Text] = {}
        field_rows: list[w.Widget] = []
        role_rows: list[w.Widget] = []
        for spec in c.fields:
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
                f'<p class="aiskole-help">{escape(spec.help)} Højst {spec.max_length} tegn.</p>',
                layout=w.Layout(width="auto"),
            )
            (role_rows if spec.role else field_rows).extend([widget, help_html])

        # 2. gevinst: hours freed and four sub-scores
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
        gain_rows: list[w.Widget] = [
            self.hours,
            w.HTML(f'<p class="aiskole-help">{escape(c.hours_help)}</p>'),
            self.hours_result,
        ]
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
                rows.extend([dropdown, w.HTML(f'<p class="aiskole-help">{escape(part.help)}</p>')])

        # 3. weights, in a collapsible section
        self.weights: dict[str, dict[str, w.FloatText]] = {}
        weight_rows: list[w.Widget] = [
            w.HTML(
                '<p class="aiskole-help">Vægtene bestemmer, hvor meget hver delscore tæller. De regnes om, så de '
                "tilsammen giver 100 %. En vægt skal være 0 eller mere, og mindst én skal være over 0.</p>"
            )
        ]
        for name in cv.DIMENSIONS:
            dim = c.dimension(name)
            weight_rows.append(w.HTML(f"<h4>{escape(dim.label)}</h4>"))
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
        self.weights_box = w.Accordion(
            children=[w.VBox(weight_rows, layout=w.Layout(width="auto"))],
            titles=("Vægte",),
            selected_index=None,
            layout=w.Layout(width="auto", max_width="100%"),
        )

        # 4. the legal gates
        self.gates: dict[str, w.RadioButtons] = {}
        self._gate_boxes: dict[str, w.VBox] = {}
        gate_rows: list[w.Widget] = []
        for q in c.questions:
            radio = w.RadioButtons(options=YES_NO, value=None, layout=w.Layout(width="auto"))
            radio.add_class("aiskole-yesno")
            radio.observe(self.guard(self._refresh), names="value")
            box = w.VBox(
                [
                    w.HTML(f"<strong>{escape(q.short)}.</strong> {escape(q.text)}"),
                    w.HTML(f'<span class="aiskole-basis">Grundlag: {escape(q.legal_basis)}</span>'),
                    radio,
                ],
                layout=w.Layout(width="auto", display="none" if q.follow_up_of else "flex"),
            )
            box.add_class("aiskole-question")
            self.gates[q.id] = radio
            self._gate_boxes[q.id] = box
            gate_rows.append(box)

        # result, saving and the poster
        self.result = w.HTML(layout=w.Layout(width="auto"))
        self.chart = w.HTML(layout=w.Layout(width="auto"))
        self.chart.add_class("aiskole-canvas-chart")
        self.workshop_code = _stack(workshop_code_field(workshop_code))
        self.save_button = w.Button(
            description="Gem", button_style="primary", tooltip="Gem canvasset (anonymt)"
        )
        self.save_button.on_click(self._on_save)
        self.poster_button = w.Button(
            description="Lav A3-plakat", tooltip="Lav canvasset som A3-plakat (PDF og PNG) til at printe"
        )
        self.poster_button.on_click(self._on_poster)
        self.downloads = w.HTML(layout=w.Layout(width="auto"))
        self._last_chart_key: tuple | None = None

        intro = w.HTML(
            "<h2>Use-case-canvas: hvor skal jeres AI-idé placeres?</h2>"
            "<p>Beskriv idéen, giv point for gevinst og kompleksitet, og svar på fire spørgsmål om jura og "
            "sikkerhed. Så ser I, om idéen er en quick win, et strategisk projekt, en lille forbedring – eller om "
            "den skal parkeres. Til sidst kan I lave en A3-plakat til væggen.</p>"
            "<p>Canvasset gemmes anonymt. Skriv ikke navne på personer eller andre personoplysninger i felterne – "
            "skriv roller og funktioner.</p>"
            f'<p class="aiskole-disclaimer">{escape(c.disclaimer)}</p>'
        )

        def section(title: str, text: str = "") -> w.HTML:
            html = w.HTML(f"<h3>{escape(title)}</h3>" + (f"<p>{escape(text)}</p>" if text else ""))
            html.add_class("aiskole-section")
            return html

        self.widget = self._wrap(
            [
                intro,
                section("1. Beskriv use casen"),
                *field_rows,
                section(
                    "2. Gevinst", "Hvor meget giver løsningen? 0 = ingen gevinst, 5 = meget stor gevinst."
                ),
                *gain_rows,
                section("3. Kompleksitet", "Hvor svært er det? 0 = ingen udfordringer, 5 = meget svært."),
                *complexity_rows,
                self.weights_box,
                section("4. Jura og sikkerhed", "Svar ja eller nej. Reglerne går forud for pointene."),
                *gate_rows,
                section("5. Roller", "Hvem har rollerne? Skriv funktionen, ikke personens navn."),
                *role_rows,
                section("Resultat"),
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
        parts: list[str] = []
        if ev.stopped:
            parts.append(
                '<div class="aiskole-canvas-quadrant aiskole-canvas-stop" role="status">'
                '<span aria-hidden="true">■</span> STOP – idéen placeres ikke</div>'
            )
        else:
            colour = cv.QUADRANT_STYLE[ev.quadrant][0]
            parts.append(
                f'<div class="aiskole-canvas-quadrant" role="status" style="background:{colour}">'
                f"Placering: {escape(ev.quadrant_name)}</div>"
                f"<p>{escape(ev.quadrant_meaning)}</p>"
            )
        note = " (kun til orientering)" if ev.stopped else ""
        parts.append(
            '<div class="aiskole-canvas-score">'
            f"<div><strong>Gevinst: {poster.format_score(ev.gevinst)}</strong> af 5{note}</div>"
            f"<div><strong>Kompleksitet: {poster.format_score(ev.kompleksitet)}</strong> af 5{note}</div></div>"
        )
        for title, items in (("Gevinst", ev.gevinst_parts), ("Kompleksitet", ev.kompleksitet_parts)):
            rows = "".join(
                f"<li>{escape(p.label)}: {p.score}"
                + (f" (valgt {p.chosen}, hævet af en regel)" if p.raised else "")
                + f" · vægt {l10n.number(p.weight * 100)} %</li>"
                for p in items
            )
            parts.append(
                f'<details><summary>{title}: delscorer og vægte</summary><ul class="aiskole-canvas-parts">{rows}</ul></details>'
            )
        if ev.gates:
            parts.append("<h4>Regler, der gælder</h4>")
            for g in ev.gates:
                symbol = "■ " if g.stop else "▲ "
                parts.append(
                    '<div class="aiskole-reason">'
                    f'<p><strong><span aria-hidden="true">{symbol}</span>{escape(g.title)}</strong><br>{escape(g.text)}</p>'
                    f'<p class="aiskole-basis">Retsgrundlag: {escape(g.legal_basis)}</p>'
                    f"{render_sources(g.sources)}</div>"
                )
        if ev.flags:
            parts.append("<h4>Husk</h4>")
            for f in ev.flags:
                parts.append(
                    '<div class="aiskole-reason">'
                    f"<p><strong>{escape(f.label)}:</strong> {escape(f.text)}</p>"
                    f"{render_sources(f.sources) if f.sources else ''}</div>"
                )
        return "".join(parts)

    def _chart_html(self, ev: cv.Evaluation) -> str:
        title = self.fields["titel"].value
        png = poster.quadrant_png(ev, cv.clean_text(title), content=self._content)
        alt = poster.quadrant_alt_text(ev, cv.clean_text(title))
        data = base64.b64encode(png).decode("ascii")
        return f'<img src="data:image/png;base64,{data}" alt="{escape(alt)}">'

    # -- events --------------------------------------------------------------------------------------

    def _changed(self, _change=None) -> None:
        """A text changed: the poster links no longer match, and the title or roles may need redrawing."""
        if self.downloads.value:
            self.downloads.value = '<p class="aiskole-help">Canvasset er ændret. Tryk «Lav A3-plakat» igen for at få den nye udgave.</p>'
        self._refresh()

    def _refresh(self, _change=None) -> None:
        bilag = self.gates["bilag_iii"].value
        self._gate_boxes["art_6_3"].layout.display = "flex" if bilag else "none"
        try:
            self.hours_result.value = (
                f'<p class="aiskole-help">Tidsbesparelse: <strong>{cv.hours_score(self.hours.value, self._content)} '
                "af 5</strong></p>"
            )
        except ValueError as exc:
            self.hours_result.value = f'<p class="aiskole-missing-label">{escape(str(exc))}</p>'
        missing = [k for k, v in self.score_values().items() if v is None]
        if missing:
            done = len(self.scores) - len(missing)
            self.result.value = (
                f'<p class="aiskole-progress">{done} af {len(self.scores)} delscorer valgt. Vælg alle for at se, '
                "hvor idéen placeres.</p>"
            )
            self.chart.value = ""
            self._last_chart_key = None
            return
        try:
            ev = self._evaluate()
        except ValueError as exc:
            self.result.value = (
                f'<p class="aiskole-missing-label">Resultatet kan ikke regnes ud: {escape(str(exc))}</p>'
            )
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
        self.downloads.value = (
            "<p>Plakaten er klar (A3 på tværs):</p>"
            + download_link(pdf, f"{name}.pdf", "application/pdf", "Hent A3-plakat som PDF (til print)")
            + download_link(png, f"{name}.png", "image/png", "Hent A3-plakat som billede (PNG)")
        )
        self.set_status("A3-plakaten er klar. Hent den med knapperne herunder.")
        return pdf, png


def render_sources(sources) -> str:
    return render("partials/sources.html.j2", sources=sources)
