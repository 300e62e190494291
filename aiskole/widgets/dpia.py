"""The mini-DPIA as an ipywidgets view: ten Ja/Nej questions, the verdict, and a "Gem" button.

The view only collects answers and shows results; the decision is :func:`aiskole.dpia.screen` and the
storage is :mod:`aiskole.store`. No error ever reaches the user as a traceback: every failure becomes a
Danish message and the answers stay on screen.
"""

from __future__ import annotations

from collections.abc import Callable
from html import escape

import ipywidgets as w

from aiskole import dpia
from aiskole.datasets import DpiaContent, load_dpia
from aiskole.html import screening_html
from aiskole.store import Store, normalise_workshop_code, open_store
from aiskole.widgets.base import ExerciseView, workshop_code_field

YES_NO = [("Ja", True), ("Nej", False)]


class DpiaView(ExerciseView):
    """Mini-DPIA screening view.

    Parameters
    ----------
    store_factory
        Returns the store to save into; called at the first save, so the questions show even when the
        database is down. Defaults to :func:`aiskole.store.open_store`.
    content
        The dataset content (defaults to ``datasets/dpia.yaml``).
    workshop_code
        Pre-filled workshop code, e.g. from a join link.
    """

    def __init__(
        self,
        store_factory: Callable[[], Store] = open_store,
        content: DpiaContent | None = None,
        workshop_code: str | None = None,
    ) -> None:
        super().__init__(store_factory)
        self._content = content or load_dpia()
        self._boxes: dict[int, w.VBox] = {}
        self._missing_labels: dict[int, w.HTML] = {}
        self.questions: dict[int, w.RadioButtons] = {}
        rows: list[w.Widget] = []
        for q in self._content.questions:
            radio = self._yes_no(f"Spørgsmål {q.number}")
            missing = w.HTML("")
            box = w.VBox(
                [
                    w.HTML(f"<strong>{q.number}.</strong> {escape(q.text)}"),
                    w.HTML(f'<span class="aiskole-basis">Grundlag: {escape(q.legal_basis)}</span>'),
                    radio,
                    missing,
                ],
                layout=w.Layout(width="auto"),
            )
            box.add_class("aiskole-question")
            self.questions[q.number] = radio
            self._boxes[q.number] = box
            self._missing_labels[q.number] = missing
            rows.append(box)
            if q.follow_up:
                self.public_area = self._yes_no("Offentligt tilgængeligt område")
                self._public_box = w.VBox(
                    [w.HTML(f"<em>Opfølgning:</em> {escape(q.follow_up)}"), self.public_area],
                    layout=w.Layout(display="none", width="auto"),
                )
                self._public_box.add_class("aiskole-question")
                rows.append(self._public_box)

        self.workshop_code = workshop_code_field(workshop_code)
        self.save_button = w.Button(
            description="Gem", button_style="primary", tooltip="Gem dine svar (anonymt)"
        )
        self.save_button.on_click(self._on_save)
        self.progress = w.HTML()
        self.result = w.HTML()
        self.saved_id: int | None = None

        intro = w.HTML(
            "<h2>Mini-DPIA: skal I lave en konsekvensanalyse?</h2>"
            "<p>Svar ja eller nej på de ti spørgsmål om den AI-løsning, I planlægger. Svarene gemmes "
            "anonymt – uden navn.</p>"
            f'<p class="aiskole-disclaimer">{escape(self._content.disclaimer)}</p>'
        )
        self.widget = self._wrap(
            [intro, *rows, self.progress, self.result, self.workshop_code, self.save_button]
        )
        self._refresh()

    def _yes_no(self, tooltip: str) -> w.RadioButtons:
        radio = w.RadioButtons(options=YES_NO, value=None, tooltip=tooltip, layout=w.Layout(width="auto"))
        radio.add_class("aiskole-yesno")
        radio.observe(self.guard(self._refresh), names="value")
        return radio

    # -- state ---------------------------------------------------------------------------------------

    def answers(self) -> dict[int, bool | None]:
        """The current answers; ``None`` for an unanswered question."""
        return {n: radio.value for n, radio in self.questions.items()}

    def set_answers(self, answers: dict[int, bool], *, public_area: bool | None = None) -> None:
        """Set answers programmatically (tests, pre-filled examples)."""
        for n, value in answers.items():
            self.questions[n].value = value
        if public_area is not None:
            self.public_area.value = public_area

    def _unanswered(self) -> list[int]:
        return [n for n, v in self.answers().items() if v is None]

    def _screen(self) -> dpia.Screening:
        public = bool(self.questions[3].value) and bool(self.public_area.value)
        return dpia.screen(self.answers(), public_area=public, content=self._content)

    # -- events --------------------------------------------------------------------------------------

    def _refresh(self, _change=None) -> None:
        self._public_box.layout.display = "flex" if self.questions[3].value else "none"
        missing = self._unanswered()
        for n, box in self._boxes.items():
            if n not in missing and "aiskole-missing" in box._dom_classes:
                box.remove_class("aiskole-missing")
                self._missing_labels[n].value = ""
        done = len(self.questions) - len(missing)
        self.progress.value = f'<p class="aiskole-progress">{done} af {len(self.questions)} besvaret</p>'
        self.result.value = "" if missing else screening_html(self._screen())

    def save(self) -> int | None:
        """Validate, screen and store the answers. Returns the submission id, or ``None`` with a message.

        Raises
        ------
        ValueError, StoreError
            With Danish messages; :meth:`_on_save` shows them in the status line.
        """
        missing = self._unanswered()
        if missing:
            for n in missing:
                self._boxes[n].add_class("aiskole-missing")
                self._missing_labels[n].value = '<span class="aiskole-missing-label">Mangler svar</span>'
            dpia.validate_answers({n: v for n, v in self.answers().items() if v is not None})
        code = normalise_workshop_code(self.workshop_code.value)
        screening = self._screen()
        self.result.value = screening_html(screening)
        submission_id = self.store().add_submission(
            "dpia",
            answers={str(n): v for n, v in screening.answers.items()},
            result=screening.to_dict(),
            workshop_code=code,
        )
        self.saved_id = submission_id
        self.set_status(
            f"Gemt som screening nr. {submission_id}. Skriv nummeret ned: med det kan I lave et "
            "screeningsnotat til jeres databeskyttelsesrådgiver (DPO)."
        )
        return submission_id
