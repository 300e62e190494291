"""What a participant may see and do in a workshop, over the store: the rules, without HTTP.

* A participant reaches exactly one workshop, by its code; a pilot's code or a closed or expired workshop lets
  nobody in.
* They answer only the exercise in play; each answer is the exercise's own model (its ``from_form``), saved with
  their anonymous browser id, so a newer answer replaces the older one in every count (the store enforces it).
* They see their own answer and, once the presenter has revealed them, the results -- approved free text only.

Every method blocks on the store: the handlers call them on an executor.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from typing import Any

from aiskole import exercises, live
from aiskole import workshop as ws
from aiskole.errors import UserError
from aiskole.exercises.base import Form, FormError, Unreadable
from aiskole.render import Markup
from aiskole.render.live import live_html
from aiskole.room import pages
from aiskole.store import Store, Workshop


class BadCode(UserError):
    """Text that cannot be a workshop code (a typing mistake, not a guess)."""


class NotFound(UserError):
    """No workshop with that code (a failed guess)."""


class Closed(UserError):
    """The workshop is closed or past its retention."""


class NotInPlay(UserError):
    """The exercise answered is not the one in play (the presenter moved on)."""


@dataclass(frozen=True)
class View:
    """A participant's main part of the page, with what the script compares to follow the presenter."""

    workshop: Workshop
    body: Markup
    version: str
    active: str | None
    #: Whether a page without the script should reload itself (waiting, or showing a result, never a form).
    refresh: bool
    message: str = ""
    #: The answer sent had mistakes: the form is shown again with a message per field and the input kept.
    invalid: bool = False


class Room:
    """A room's rules over one store (thread-safe: the store's engine is)."""

    def __init__(self, store: Store, *, base_url: str = "/") -> None:
        self.store = store
        self.base = base_url

    # -- finding the workshop ---------------------------------------------------------------------

    def workshop(self, typed: str) -> Workshop:
        """The open workshop with this code.

        Raises
        ------
        BadCode
            A code of the wrong form (Danish; not a guess).
        NotFound
            No workshop with that code, or it is a pilot's (Danish; a guess).
        Closed
            The workshop is closed or expired.
        """
        try:
            code = ws.normalise_code(typed)
        except ValueError as exc:
            raise BadCode(str(exc)) from None
        found = self.store.get_workshop(code)
        if found is None or found.is_pilot:
            raise NotFound("Den kode findes ikke. Tjek, at du har skrevet den rigtigt, og prøv igen.")
        if not found.is_open or found.is_expired():
            raise Closed("Workshoppen er slut. Tak fordi du var med!")
        return found

    # -- the participant's page -------------------------------------------------------------------

    def view(
        self,
        workshop: Workshop,
        browser: str,
        *,
        query: Form | None = None,
        screen: pages.ExerciseScreen | None = None,
        new_browser: bool = False,
    ) -> View:
        """What the participant sees now: waiting, the exercise in play (its form, or their own result), or the
        end of the workshop. ``screen`` overrides the exercise part (a form sent back with errors).
        ``new_browser``: the browser id was made for this request, so it has no answer to look up (a fresh
        join, the common case when a room fills, reads the store once instead of twice)."""
        state = ws.WorkshopState.from_dict(workshop.state)
        version = f"1-{state.active or ''}-{int(state.revealed)}"
        if not workshop.is_open or workshop.is_expired():
            return View(workshop, pages.closed_body(), f"0--{int(state.revealed)}", None, refresh=False)
        active = state.active if state.active in live.LIVE_EXERCISES else None
        if active is None:
            return View(workshop, pages.waiting_body(), f"1--{int(state.revealed)}", None, refresh=True)
        query = query or Form()
        if screen is None:
            screen = self._screen(workshop, active, None if new_browser else browser, query, state)
        body = pages.exercise_body(screen, base=self.base, code=workshop.code)
        return View(workshop, body, version, active, refresh=screen.result is not None)

    def _screen(
        self, workshop: Workshop, active: str, browser: str | None, query: Form, state: ws.WorkshopState
    ) -> pages.ExerciseScreen:
        exercise = exercises.get(active)
        unit = exercise.unit
        content = unit.load_content()
        model = None if browser is None else self._own_answer(workshop.code, exercise, browser)
        editing = query.get("ret") == "1"
        results = self._results(workshop, active, state) if model is not None and state.revealed else None
        if model is not None and not editing:
            result = _participant_result(unit, model, content)
            if result is not None:
                return pages.ExerciseScreen(exercise, content, result=result, query=query, results=results)
            model = None  # stored under content that has changed since: the form again, empty
        form = Form(unit.form_values(model)) if model is not None else Form()
        return pages.ExerciseScreen(exercise, content, form=form, query=query, client_key=str(uuid.uuid4()))

    def _own_answer(self, code: str, exercise: exercises.Exercise, browser: str) -> Any:
        row = self.store.counted_answer(code, exercise.name, browser)
        if row is None:
            return None
        try:
            return exercise.unit.MODEL.from_answers(row.answers, row.result)
        except (Unreadable, ValueError, TypeError):
            return None

    def _results(self, workshop: Workshop, active: str, state: ws.WorkshopState) -> Markup:
        rows = self.store.list_submissions(exercise=active, workshop_code=workshop.code)
        return live_html(live.aggregate(active, rows, state), True)

    # -- answering --------------------------------------------------------------------------------

    def answer(self, workshop: Workshop, exercise_name: str, form: Form, browser: str) -> View:
        """Save the participant's answer to the exercise in play and return their page after it.

        A form with mistakes comes back with a Danish message per field and everything typed kept; a form sent
        twice (a double tap, a retry after a lost connection) is saved once, by its ``svar_id``.

        Raises
        ------
        NotInPlay
            The exercise is not in play (any more).
        aiskole.errors.StoreError
            The store could not be written (Danish; nothing was saved, the input is still on the phone).
        """
        state = ws.WorkshopState.from_dict(workshop.state)
        if not exercises.is_exercise(exercise_name) or state.active != exercise_name:
            raise NotInPlay("Oplægsholderen er gået videre til en anden øvelse. Dit svar er ikke gemt.")
        exercise = exercises.get(exercise_name)
        unit = exercise.unit
        content = unit.load_content()
        try:
            model = unit.from_form(form, content)
        except FormError as exc:
            screen = pages.ExerciseScreen(
                exercise,
                content,
                form=form,
                errors=exc.errors,
                summary=exc.summary,
                client_key=form.get("svar_id") or str(uuid.uuid4()),
            )
            shown = self.view(workshop, browser, screen=screen)
            return View(
                shown.workshop, shown.body, shown.version, shown.active, False, exc.summary, invalid=True
            )
        self.store.save(model, workshop_code=workshop.code, participant=browser, client_key=_client_key(form))
        done = self.view(workshop, browser)
        return View(
            done.workshop, done.body, done.version, done.active, done.refresh, "Tak – dit svar er gemt."
        )

    def with_message(self, view: View, message: str) -> View:
        return View(view.workshop, view.body, view.version, view.active, view.refresh, message, view.invalid)


def _participant_result(unit: Any, model: Any, content: Any) -> Any:
    """The participant's own result, or None where their stored answer no longer fits the exercise's content
    (a question or an option removed from the dataset since they answered)."""
    try:
        return unit.participant_result(model, content)
    except (Unreadable, LookupError, ValueError, TypeError):
        return None


def _client_key(form: Form) -> str | None:
    key = form.get("svar_id")
    try:
        return str(uuid.UUID(key)) if key else None
    except ValueError:
        return None
