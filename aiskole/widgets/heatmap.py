"""The risk heatmap as an ipywidgets view: add risks, see them on the heatmap, download a PNG, "Gem".

The view only collects risks and shows results; the rule is :mod:`aiskole.exercises.heatmap`, the drawing
:mod:`aiskole.render.heatmap_png`, what it shows the templates in ``aiskole/templates/exercises/heatmap`` and the
storage :mod:`aiskole.store`. No error ever reaches the user as a traceback, and nothing typed is lost:
a refused save leaves every risk and every field as it was.
"""

from __future__ import annotations

from collections.abc import Callable

import ipywidgets as w

from aiskole.exercises import heatmap as hm
from aiskole.render import heatmap_png, render
from aiskole.store import Store, normalise_workshop_code, open_store
from aiskole.widgets.base import ExerciseView, download_link, heading, paragraph, workshop_code_field

OWN_RISK = ""


def _stack(widget: w.Widget) -> w.Widget:
    """Label above the control, full width: readable on a 375 px phone."""
    widget.add_class("aiskole-stack")
    return widget


class HeatmapView(ExerciseView):
    """Risk heatmap view.

    Parameters
    ----------
    store_factory
        Returns the store to save into; called at the first save, so the form shows even when the
        database is down. Defaults to :func:`aiskole.store.open_store`.
    content
        The dataset content (defaults to ``datasets/risks.yaml``).
    workshop_code
        Pre-filled workshop code, e.g. from a join link.
    """

    def __init__(
        self,
        store_factory: Callable[[], Store] = open_store,
        content: hm.RisksContent | None = None,
        workshop_code: str | None = None,
    ) -> None:
        super().__init__(store_factory, stylesheets=("heatmap", "heatmap-view"))
        self._content = content or hm.load_risks()
        self.risks: list[hm.Risk] = []
        self._editing: int | None = None
        self._filled_from: dict[str, str] = {}
        self._png_made = False
        self._near_form = False
        self.saved_id: int | None = None
        self._saved_code: str | None = None

        self.scale = _stack(
            w.RadioButtons(
                options=[("3×3 – hurtig vurdering (anbefalet)", 3), ("5×5 – mere detaljeret", 5)],
                value=3,
                description="Skala",
                layout=w.Layout(width="auto"),
            )
        )
        self.scale.observe(self._form_guard(self._on_scale), names="value")
        self.scale_note = w.HTML()
        self.form = self._build_form()
        self._build_results(workshop_code)
        c = self._content
        self.widget = self._wrap(
            [
                w.HTML(render("exercises/heatmap/intro.html.j2", intro=c.intro)),
                self.scale,
                self.scale_note,
                self.list_heading,
                self.risk_list,
                self.form,
                w.HTML(heading("Risikokortet")),
                self.table,
                w.HTML(heading("Områder")),
                self.domain_summary,
                w.HTML(render("exercises/heatmap/caveat.html.j2", record=c.cox_caveat)),
                w.HBox([self.png_button], layout=w.Layout(width="auto")),
                self.download,
                self.workshop_code,
                self.save_button,
            ]
        )
        self._set_scale_options()
        self._refresh()

    # -- building ------------------------------------------------------------------------------------

    def _build_form(self) -> w.VBox:
        """The form that adds a risk (or, while one is being edited, changes it)."""
        c = self._content
        self.catalogue = _stack(
            w.Dropdown(
                options=[("Skriv din egen risiko", OWN_RISK), *((r.title, r.id) for r in c.catalogue)],
                value=OWN_RISK,
                description="Vælg en typisk risiko – eller skriv din egen",
                layout=w.Layout(width="auto", max_width="100%"),
            )
        )
        self.catalogue.observe(self._form_guard(self._on_catalogue), names="value")
        self.catalogue_info = w.HTML()
        self.title = _stack(
            w.Text(
                continuous_update=False,
                description="Risiko (kort titel)",
                placeholder="fx Borgerens sag skrives ind i en offentlig chatbot",
                layout=w.Layout(width="auto", max_width="100%"),
            )
        )
        self.domain = _stack(
            w.RadioButtons(
                options=[
                    (d.label + (" (valgfrit)" if d.optional else ""), code) for code, d in c.domains.items()
                ],
                value=None,
                description="Område",
                layout=w.Layout(width="auto"),
            )
        )
        self.likelihood = _stack(
            w.RadioButtons(options=[], value=None, description="Sandsynlighed", layout=w.Layout(width="auto"))
        )
        self.consequence = _stack(
            w.RadioButtons(
                options=[], value=None, description="Konsekvens for borgeren", layout=w.Layout(width="auto")
            )
        )
        self._build_owner_and_mitigation()
        self.form_title = w.HTML(render("exercises/heatmap/form_title.html.j2", number=None))
        self.form_status = w.HTML()
        buttons = w.HBox([self.add_button, self.cancel_button], layout=w.Layout(width="auto"))
        buttons.add_class("aiskole-row-buttons")
        form = w.VBox(
            [
                self.form_title,
                self.catalogue,
                self.catalogue_info,
                self.title,
                self.domain,
                self.likelihood,
                w.HTML(render("exercises/heatmap/note.html.j2", record=c.citizen_note)),
                self.consequence,
                self.owner,
                w.HTML(paragraph(c.owner_hint, "aiskole-basis")),
                self.mitigation,
                buttons,
                self.form_status,
            ],
            layout=w.Layout(width="auto"),
        )
        form.add_class("aiskole-form")
        return form

    def _build_owner_and_mitigation(self) -> None:
        """The owner and mitigation fields and the form's buttons."""
        self.owner = _stack(
            w.Text(
                continuous_update=False,
                description="Ejer (en rolle, ikke et navn)",
                placeholder="fx Teamleder, Jobcenter",
                layout=w.Layout(width="auto", max_width="100%"),
            )
        )
        self.mitigation = _stack(
            w.Textarea(
                continuous_update=False,
                description="Tiltag – hvad gør I for at mindske risikoen?",
                placeholder="fx Kun godkendt AI-løsning med databehandleraftale",
                rows=3,
                layout=w.Layout(width="auto", max_width="100%"),
            )
        )
        self.add_button = w.Button(
            description="Tilføj risiko", button_style="primary", layout=w.Layout(width="auto")
        )
        self.add_button.on_click(self._form_guard(self._on_add))
        self.cancel_button = w.Button(
            description="Fortryd ændring", layout=w.Layout(display="none", width="auto")
        )
        self.cancel_button.on_click(self._form_guard(self._on_cancel))

    def _build_results(self, workshop_code: str | None) -> None:
        """The list of risks, the heatmap and the domains, the PNG download, the workshop code and "Gem"."""
        self.list_heading = w.HTML()
        self.risk_list = w.VBox(layout=w.Layout(width="auto"))
        self.table = w.HTML()
        self.domain_summary = w.HTML()
        self.png_button = w.Button(
            description="Lav billede (PNG)",
            tooltip="Lav risikokortet som billede",
            layout=w.Layout(width="auto"),
        )
        self.png_button.on_click(self._bottom_guard(self._on_png))
        self.download = w.HTML()
        self.workshop_code = _stack(workshop_code_field(workshop_code))
        self.save_button = w.Button(
            description="Gem", button_style="primary", tooltip="Gem risikokortet (anonymt)"
        )
        self.save_button.on_click(self._on_save)

    # -- state ---------------------------------------------------------------------------------------

    @property
    def current_scale(self) -> int:
        return int(self.scale.value)

    def heatmap(self) -> hm.Heatmap:
        return hm.build(self.risks, self.current_scale, self._content)

    def form_risk(self) -> hm.Risk:
        """The risk described by the form (raises ``ValueError`` in Danish when something is missing)."""
        if self.domain.value is None:
            raise ValueError("Vælg et område for risikoen.")
        catalogue_id = self.catalogue.value or None
        return hm.Risk(
            domain=self.domain.value,
            title=self.title.value,
            likelihood=self.likelihood.value,
            consequence=self.consequence.value,
            owner=self.owner.value,
            mitigation=self.mitigation.value,
            scale=self.current_scale,
            catalogue_id=catalogue_id,
        )

    def add_risk(self, risk: hm.Risk) -> None:
        """Add a risk programmatically (tests, pre-filled examples)."""
        hm.build([risk], self.current_scale, self._content)  # same scale check as the list
        self.risks.append(risk)
        self._refresh()

    def _set_scale_options(self) -> None:
        s = self.current_scale
        self.likelihood.options = [
            (self._content.level_label("likelihood", n, s), n) for n in range(1, s + 1)
        ]
        self.consequence.options = [
            (self._content.level_label("consequence", n, s), n) for n in range(1, s + 1)
        ]
        self.likelihood.value = None
        self.consequence.value = None
        self.scale_note.value = render(
            "exercises/heatmap/legend.html.j2", ranges=hm.band_ranges(s), content=self._content
        )

    def _clear_form(self) -> None:
        self._filled_from = {}
        self.catalogue.value = OWN_RISK
        self.catalogue_info.value = ""
        for field in (self.title, self.owner, self.mitigation):
            field.value = ""
        self.domain.value = None
        self.likelihood.value = None
        self.consequence.value = None
        self._set_editing(None)

    def _set_editing(self, index: int | None) -> None:
        self._editing = index
        if index is None:
            self.form_title.value = render("exercises/heatmap/form_title.html.j2", number=None)
            self.add_button.description = "Tilføj risiko"
            self.cancel_button.layout.display = "none"
            self.form.remove_class("aiskole-editing")
        else:
            self.form_title.value = render("exercises/heatmap/form_title.html.j2", number=index + 1)
            self.add_button.description = "Gem ændringer"
            self.cancel_button.layout.display = "flex"
            self.form.add_class("aiskole-editing")

    # -- feedback ------------------------------------------------------------------------------------

    def _form_guard(self, handler):
        """Guard a form or list action; its message shows right under the form, where the user looks."""
        guarded = self.guard(handler)

        def run(*args, **kwargs):
            self._near_form = True
            return guarded(*args, **kwargs)

        return run

    def _bottom_guard(self, handler):
        guarded = self.guard(handler)

        def run(*args, **kwargs):
            self._near_form = False
            return guarded(*args, **kwargs)

        return run

    def set_status(self, message: str, *, error: bool = False) -> None:
        # The base class writes into ``self.status``; point it at the line the user is looking at, so the
        # message is never shown twice, not even for a moment.
        bottom = self.status
        target, other = (self.form_status, bottom) if self._near_form else (bottom, self.form_status)
        other.value = ""
        self.status = target
        try:
            super().set_status(message, error=error)
        finally:
            self.status = bottom

    def clear_status(self) -> None:
        super().clear_status()
        self.form_status.value = ""

    def _form_has_text(self) -> bool:
        return any(f.value.strip() for f in (self.title, self.owner, self.mitigation))

    # -- rendering -----------------------------------------------------------------------------------

    def _risk_row(self, index: int, risk: hm.Risk) -> w.VBox:
        label = hm.cell_label(risk.score, risk.scale, self._content)
        details = w.HTML(
            render(
                "exercises/heatmap/risk.html.j2",
                risk=risk,
                number=index + 1,
                label=label,
                content=self._content,
            )
        )
        edit = w.Button(
            description="Ret", tooltip=f"Ret risiko nr. {index + 1}", layout=w.Layout(width="auto")
        )
        edit.on_click(self._form_guard(lambda _b, i=index: self._on_edit(i)))
        remove = w.Button(
            description="Fjern", tooltip=f"Fjern risiko nr. {index + 1}", layout=w.Layout(width="auto")
        )
        remove.on_click(self._form_guard(lambda _b, i=index: self._on_remove(i)))
        buttons = w.HBox([edit, remove], layout=w.Layout(width="auto"))
        buttons.add_class("aiskole-row-buttons")
        row = w.VBox([details, buttons], layout=w.Layout(width="auto"))
        row.add_class("aiskole-risk")
        row.add_class(f"aiskole-risk-{risk.band}")
        return row

    def _refresh(self) -> None:
        heatmap = self.heatmap()
        self.list_heading.value = render("exercises/heatmap/list_heading.html.j2", n=len(self.risks))
        self.risk_list.children = [self._risk_row(i, r) for i, r in enumerate(self.risks)]
        self.table.value = render("exercises/heatmap/table.html.j2", heatmap=heatmap, content=self._content)
        self.domain_summary.value = render("exercises/heatmap/domains.html.j2", heatmap=heatmap)
        # The scale cannot change under risks scored on it: nothing typed may be lost or silently rescored.
        self.scale.disabled = bool(self.risks)
        self.scale.tooltip = "Fjern risiciene for at skifte skala" if self.risks else ""
        if self._png_made:
            self._make_png(heatmap)

    def _make_png(self, heatmap: hm.Heatmap) -> None:
        image = heatmap_png.render_png(heatmap, self._content)
        self.download.value = download_link(
            image.png, "risikokort.png", "image/png", "Hent risikokortet som billede (PNG)"
        )

    # -- events --------------------------------------------------------------------------------------

    def _on_scale(self, change) -> None:
        if self.risks:  # the radio is disabled then; this guards programmatic changes
            if change["new"] == self.risks[0].scale:
                return
            self.scale.value = self.risks[0].scale
            raise ValueError("Fjern risiciene, før I skifter skala.")
        self._set_scale_options()
        self._refresh()

    def _on_catalogue(self, change) -> None:
        risk_id = change["new"]
        if not risk_id:
            self.catalogue_info.value = ""
            return
        item = self._content.catalogue_risk(risk_id)
        # Fill only fields that are empty or still hold what an earlier catalogue choice put there.
        for key, field, value in (
            ("title", self.title, item.title),
            ("mitigation", self.mitigation, item.mitigation),
        ):
            if not field.value.strip() or field.value == self._filled_from.get(key):
                field.value = value
                self._filled_from[key] = value
        if self.domain.value is None or self.domain.value == self._filled_from.get("domain"):
            self.domain.value = item.domain
            self._filled_from["domain"] = item.domain
        self.catalogue_info.value = render("exercises/heatmap/catalogue_info.html.j2", item=item)

    def _on_add(self, _button=None) -> None:
        risk = self.form_risk()
        if self._editing is None:
            self.risks.append(risk)
            number = len(self.risks)
            verb = "tilføjet"
        else:
            number = self._editing + 1
            self.risks[self._editing] = risk
            verb = "rettet"
        self._clear_form()
        self._refresh()
        message = f"Risiko nr. {number} er {verb}: {hm.cell_label(risk.score, risk.scale, self._content)}."
        if risk.missing:
            message += (
                f" Husk: en rød risiko skal have en ejer og et tiltag, før I kan gemme – den mangler "
                f"{' og '.join(risk.missing)}. Tryk »Ret« ved risikoen."
            )
        self.set_status(message)

    def _on_edit(self, index: int) -> None:
        if self._editing is not None and self._editing != index:
            raise ValueError(
                f"Du er i gang med at rette risiko nr. {self._editing + 1}. Tryk »Gem ændringer« eller "
                "»Fortryd ændring« først."
            )
        if self._editing is None and self._form_has_text():
            raise ValueError(
                "Formularen er ikke tom. Tryk »Tilføj risiko« – eller slet teksten i felterne – før du "
                f"retter risiko nr. {index + 1}."
            )
        risk = self.risks[index]
        self._filled_from = {}
        self.catalogue.value = risk.catalogue_id or OWN_RISK
        self.title.value = risk.title
        self.domain.value = risk.domain
        self.likelihood.value = risk.likelihood
        self.consequence.value = risk.consequence
        self.owner.value = risk.owner
        self.mitigation.value = risk.mitigation
        self._set_editing(index)
        self.set_status(f"Risiko nr. {index + 1} står nu i formularen. Ret den, og tryk »Gem ændringer«.")

    def _on_cancel(self, _button=None) -> None:
        self._clear_form()
        self.clear_status()

    def _on_remove(self, index: int) -> None:
        removed = self.risks.pop(index)
        if self._editing is not None:
            if self._editing == index:
                self._set_editing(None)
            elif self._editing > index:
                self._set_editing(self._editing - 1)
        self._refresh()
        self.set_status(f"Risikoen »{removed.title}« er fjernet.")

    def _on_png(self, _button=None) -> None:
        self._png_made = True
        self._make_png(self.heatmap())
        self.set_status("Billedet er klar. Tryk på linket for at hente det.")

    def _save_guard(self, handler):
        # save messages belong at the bottom, next to "Gem", not under the risk form
        return self._bottom_guard(handler)

    def save(self) -> int | None:
        """Check and store the heatmap. Returns the submission id.

        A second save from the same view updates the stored heatmap instead of adding a copy.

        Raises
        ------
        ValueError, StoreError
            With Danish messages; :meth:`_on_save` shows them in the status line.
        """
        try:
            hm.check_ready(self.risks)
        except ValueError:
            for row, risk in zip(self.risk_list.children, self.risks, strict=True):
                if risk.missing:
                    row.add_class("aiskole-missing")
            raise
        code = normalise_workshop_code(self.workshop_code.value)
        heatmap = self.heatmap()
        model = hm.HeatmapSubmission.of(heatmap)
        store = self.store()
        updated = False
        if self.saved_id is not None and code == self._saved_code:
            updated = store.replace(self.saved_id, model)
        if not updated:
            self.saved_id = store.save(model, workshop_code=code, participant=self.participant)
            self._saved_code = code
        message = (
            f"Risikokortet er opdateret (nr. {self.saved_id})."
            if updated
            else f"Gemt som risikokort nr. {self.saved_id}."
        )
        if self.title.value.strip():
            message += " Bemærk: risikoen i formularen er ikke tilføjet endnu – tryk »Tilføj risiko«."
        self.set_status(message)
        return self.saved_id
