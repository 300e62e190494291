"""The mini-DPIA as an ipywidgets view: ten Ja/Nej questions, the verdict, and a "Gem" button.

The view only collects answers and shows results; the decision is :func:`aiskole.exercises.dpia.screen`,
the stored shape is :class:`~aiskole.exercises.dpia.DpiaSubmission` and the storage is :mod:`aiskole.store`. No error ever reaches the user as a traceback: every failure becomes a
Danish message and the answers stay on screen.
"""

from __future__ import annotations

from collections.abc import Callable

import ipywidgets as w

from aiskole.exercises import dpia
from aiskole.exercises.dpia import DpiaContent, DpiaSubmission, load_dpia
from aiskole.render import render
from aiskole.store import Store, open_store
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
        self.personal_data = self._yes_no("Personoplysninger")
        self._gateway_missing = w.HTML("")
        self._gateway_box = w.VBox(
            [w.HTML(render("exercises/dpia/gateway.html.j2", gateway=self._content.gateway)), self.personal_data,
             self._gateway_missing],
            layout=w.Layout(width="auto"),
        )  # fmt: skip
        self._gateway_box.add_class("aiskole-question")
        self._questions_box = w.VBox(self._question_rows(), layout=w.Layout(width="auto", display="none"))

        self.workshop_code = workshop_code_field(workshop_code)
        self.save_button = w.Button(
            description="Gem", button_style="primary", tooltip="Gem dine svar (anonymt)"
        )
        self.save_button.on_click(self._on_save)
        self.progress = w.HTML()
        self.result = w.HTML()
        self.saved_id: int | None = None

        intro = w.HTML(render("exercises/dpia/intro.html.j2", disclaimer=self._content.disclaimer))
        self.widget = self._wrap(
            [intro, self._gateway_box, self._questions_box, self.progress, self.result, self.workshop_code,
             self.save_button]
        )  # fmt: skip
        self._refresh()

    def _question_rows(self) -> list[w.Widget]:
        """The ten questions, each with its legal basis, and the public-area follow-up after question 3."""
        rows: list[w.Widget] = []
        for q in self._content.questions:
            radio = self._yes_no(f"Spørgsmål {q.number}")
            missing = w.HTML("")
            box = w.VBox(
                [
                    w.HTML(render("exercises/dpia/question.html.j2", question=q)),
                    w.HTML(render("exercises/dpia/basis.html.j2", question=q)),
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
                    [w.HTML(render("exercises/dpia/follow_up.html.j2", question=q)), self.public_area],
                    layout=w.Layout(display="none", width="auto"),
                )
                self._public_box.add_class("aiskole-question")
                rows.append(self._public_box)
        return rows

    def _yes_no(self, tooltip: str) -> w.RadioButtons:
        radio = w.RadioButtons(options=YES_NO, value=None, tooltip=tooltip, layout=w.Layout(width="auto"))
        radio.add_class("aiskole-yesno")
        radio.observe(self.guard(self._refresh), names="value")
        return radio

    # -- state ---------------------------------------------------------------------------------------

    def answers(self) -> dict[int, bool | None]:
        """The current answers; ``None`` for an unanswered question."""
        return {n: radio.value for n, radio in self.questions.items()}

    def set_answers(
        self, answers: dict[int, bool], *, public_area: bool | None = None, personal_data: bool = True
    ) -> None:
        """Set answers programmatically (tests, pre-filled examples); the gateway defaults to "Ja"."""
        self.personal_data.value = personal_data
        for n, value in answers.items():
            self.questions[n].value = value
        if public_area is not None:
            self.public_area.value = public_area

    def _unanswered(self) -> list[int]:
        if self.personal_data.value is not True:
            return []  # without personal data (or before the gateway is answered) the ten are not asked
        return [n for n, v in self.answers().items() if v is None]

    def _screen(self) -> dpia.Screening:
        personal = self.personal_data.value is True
        given = {n: v for n, v in self.answers().items() if v is not None}
        public = bool(given.get(3)) and bool(self.public_area.value)
        return dpia.screen(
            given if personal else {}, public_area=public, personal_data=personal, content=self._content
        )

    # -- events --------------------------------------------------------------------------------------

    def _refresh(self, _change=None) -> None:
        asked = self.personal_data.value is True
        self._questions_box.layout.display = "flex" if asked else "none"
        self._public_box.layout.display = "flex" if self.questions[3].value else "none"
        if self.personal_data.value is not None:
            self._gateway_box.remove_class("aiskole-missing")
            self._gateway_missing.value = ""
        if self.personal_data.value is None:
            self.progress.value = ""
            self.result.value = ""
            return
        missing = self._unanswered()
        for n, box in self._boxes.items():
            if n not in missing and "aiskole-missing" in box._dom_classes:
                box.remove_class("aiskole-missing")
                self._missing_labels[n].value = ""
        done = len(self.questions) - len(missing)
        self.progress.value = (
            render("widgets/progress.html.j2", done=done, total=len(self.questions)) if asked else ""
        )
        self.result.value = "" if missing else _screening_html(self._screen())

    def save(self) -> int | None:
        """Validate, screen and store the answers. Returns the submission id, or ``None`` with a message.

        Raises
        ------
        ValueError, StoreError
            With Danish messages; :meth:`_on_save` shows them in the status line.
        """
        if self.personal_data.value is None:
            self._gateway_box.add_class("aiskole-missing")
            self._gateway_missing.value = render("widgets/missing.html.j2")
            raise ValueError("Svar først på, om løsningen behandler personoplysninger.")
        missing = self._unanswered()
        if missing:
            for n in missing:
                self._boxes[n].add_class("aiskole-missing")
                self._missing_labels[n].value = render("widgets/missing.html.j2")
            dpia.validate_answers({n: v for n, v in self.answers().items() if v is not None})
        screening = self._screen()
        self.result.value = _screening_html(screening)
        submission_id = self.save_model(DpiaSubmission.of(screening), self.workshop_code.value)
        self.saved_id = submission_id
        self.set_status(
            f"Gemt som screening nr. {submission_id}. Skriv nummeret ned: med det kan I lave et "
            "notat til jeres databeskyttelsesrådgiver (DPO)."
        )
        return submission_id


def _screening_html(screening: dpia.Screening) -> str:
    return render("exercises/dpia/screening.html.j2", screening=screening, heading_level=3)
