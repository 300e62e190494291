"""The presenter's screen for a live workshop, and where pilots are created.

:class:`PresenterView` creates (or reopens) a workshop, shows the join code, link and QR code large, puts one
exercise "in play", hides or reveals the results, lets the presenter approve participants' words before they
are shown, and closes the workshop. The results refresh by themselves: an asyncio task on the kernel's event
loop re-reads the store every half second (the read runs in a worker thread, so the kernel never blocks) and
updates the results only when they changed. The task stops when the view is closed and never dies on an error:
it logs, shows a Danish status and tries again.

Participants answer on the room's own pages (``/deltag/<kode>``, :mod:`aiskole.room`); a projector or the
office's info screen opens the workshop's read-only display link (``/skaerm/<link>``). Only the facilitator
reaches this view: the server refuses its page and its kernel to everybody else (:mod:`aiskole.room.guard`).

Aggregation is :mod:`aiskole.live` and the results' HTML :mod:`aiskole.render.live`; the screens around them are
the templates in ``aiskole/templates/widgets/presenter``. The widgets only read the store and show what it returns.
"""

from __future__ import annotations

import asyncio
import dataclasses
import logging
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import ipywidgets as w

from aiskole import exercises, live
from aiskole.errors import StoreError
from aiskole.exercises.base import LiveResult, normalise_text
from aiskole.render import Markup, render
from aiskole.render.live import STYLESHEETS, live_html
from aiskole.settings import Settings, get_settings
from aiskole.store import Store, open_store
from aiskole.widgets.base import ExerciseView, heading, paragraph
from aiskole.workshop import WorkshopState, display_url, join_url, qr_svg

log = logging.getLogger("aiskole.widgets.presenter")

#: Seconds between two reads of the store on the presenter's screen.
REFRESH_SECONDS = 0.5

OFFLINE = (
    "Databasen kan ikke nås lige nu, så resultaterne står stille. De opdateres af sig selv, "
    "så snart forbindelsen er tilbage."
)
BACK_ONLINE = "Forbindelsen til databasen er tilbage. Resultaterne opdateres igen."
NOT_UPDATED = "Resultaterne kunne ikke opdateres. Der prøves igen af sig selv."


def _box(children: list[w.Widget], css_class: str, *, vertical: bool = False) -> w.Box:
    box = (w.VBox if vertical else w.HBox)(children, layout=w.Layout(width="auto", max_width="100%"))
    box.add_class(css_class)
    return box


def _text(description: str, placeholder: str, *, width: str = "460px") -> w.Text:
    return w.Text(
        continuous_update=False,
        description=description,
        placeholder=placeholder,
        style={"description_width": "initial"},
        layout=w.Layout(width=width, max_width="100%"),
    )


def _show(widget: w.Widget, visible: bool) -> None:
    widget.layout.display = None if visible else "none"


@dataclass(frozen=True)
class _Job:
    """What one refresh reads: the workshop, the exercise in play and the state it is rendered with."""

    code: str
    active: str | None
    state: WorkshopState


@dataclass(frozen=True)
class _Outcome:
    html: str
    pending: tuple[tuple[str, int], ...]
    result: LiveResult | None


class _LiveRefresh:
    """A loop on the kernel's event loop that calls ``view._tick_async()`` until the view is closed."""

    def __init__(self, view: Any, interval: float) -> None:
        self.view = view
        self.interval = interval
        self.task: asyncio.Task | None = None
        self.stopped = False
        try:
            loop = asyncio.get_running_loop()
        except RuntimeError:
            return  # no running event loop (plain Python, tests): refresh() is called by hand
        self.task = loop.create_task(self._run())

    def done(self) -> bool:
        return self.stopped or self.view.widget.comm is None

    async def _run(self) -> None:
        while not self.done():
            try:
                await self.view._tick_async()
            except asyncio.CancelledError:
                raise
            except Exception:  # noqa: BLE001 - the loop must survive anything; _tick_async reports errors
                log.exception("%s: live refresh failed", type(self.view).__name__)
            await asyncio.sleep(self.interval)

    def stop(self) -> None:
        self.stopped = True
        if self.task is not None and not self.task.done():
            self.task.cancel()


class _LiveView(ExerciseView):
    """What the presenter and the info screen share: a job read in a worker thread, applied on the loop."""

    def _init_live(self, interval: float, live_refresh: bool) -> None:
        self._failing = False
        self._live = _LiveRefresh(self, interval) if live_refresh else None

    def _job(self) -> Any:  # pragma: no cover - overridden
        raise NotImplementedError

    def _compute(self, job: Any) -> Any:  # pragma: no cover - overridden
        raise NotImplementedError

    def _apply(self, job: Any, outcome: Any) -> bool:  # pragma: no cover - overridden
        raise NotImplementedError

    def refresh(self) -> bool:
        """One synchronous update. Returns True when what is shown changed."""
        job = self._job()
        if job is None:
            return False
        try:
            outcome = self._compute(job)
        except Exception as exc:  # noqa: BLE001 - reported in Danish, retried at the next refresh
            self._failed(exc)
            return False
        return self._apply(job, outcome)

    async def _tick_async(self) -> None:
        job = self._job()
        if job is None:
            return
        loop = asyncio.get_running_loop()
        try:
            outcome = await loop.run_in_executor(None, self._compute, job)
        except Exception as exc:  # noqa: BLE001 - reported in Danish, retried at the next refresh
            self._failed(exc)
            return
        self._apply(job, outcome)

    def _failed(self, exc: Exception) -> None:
        if not self._failing:  # log once per outage, not twice a second
            log.warning("%s: refresh failed", type(self).__name__, exc_info=exc)
        self._failing = True
        self.set_status(OFFLINE if isinstance(exc, StoreError) else NOT_UPDATED, error=True)

    def _succeeded(self) -> None:
        if self._failing:
            self._failing = False
            self.set_status(BACK_ONLINE)

    def close(self) -> None:
        """Stop the live refresh and close the view's widgets."""
        if self._live is not None:
            self._live.stop()
        self.widget.close()


# --- the presenter -----------------------------------------------------------------------------------------

EXERCISE_OPTIONS = [("Ingen", ""), *((e.title, e.name) for e in exercises.LIVE)]
_TEXTS = {"poll": "ord", "canvas": "titler"}


class PresenterView(_LiveView):
    """The presenter's screen of a live workshop.

    Parameters
    ----------
    store_factory
        Returns the store. Defaults to :func:`aiskole.store.open_store`.
    settings
        For the public URL in the join link and the retention period (defaults to the environment's).
    interval
        Seconds between two reads of the store while the view is shown.
    live_refresh
        Start the refresh loop on the running event loop (there is none outside a kernel; tests call
        :meth:`refresh`).
    """

    def __init__(
        self,
        store_factory: Callable[[], Store] = open_store,
        *,
        settings: Settings | None = None,
        interval: float = REFRESH_SECONDS,
        live_refresh: bool = True,
    ) -> None:
        super().__init__(store_factory, stylesheets=(*STYLESHEETS, "presenter"))
        self._settings = settings or get_settings()
        self.code: str | None = None
        self.title: str | None = None
        self.state = WorkshopState()
        self.result: LiveResult | None = None
        self.pending: tuple[tuple[str, int], ...] = ()
        self._syncing = False

        self.setup = self._build_setup()
        self.session = self._build_session()
        _show(self.session, False)
        self.widget = self._wrap([self.setup, self.session])
        self.widget.add_class("aiskole-wide")
        self.widget.add_class("aiskole-presenter")
        self.guard(self.load_workshops)()
        self._init_live(interval, live_refresh)

    # -- building -----------------------------------------------------------------------------------------

    def _build_setup(self) -> w.Box:
        """Choose or create a workshop."""
        self.title_input = _text("Titel på workshoppen", "fx Frokostdemo, Teknik og Miljø")
        self.create_button = w.Button(description="Opret workshop", button_style="primary")
        self.create_button.on_click(self.guard(self.create))
        self.choose = w.Dropdown(
            description="Eller fortsæt en åben workshop",
            options=[("Vælg en workshop …", "")],
            value="",
            style={"description_width": "initial"},
            layout=w.Layout(width="auto", max_width="100%"),
        )
        self.choose.observe(self.guard(self._on_choose), names="value")
        return _box(
            [
                w.HTML(heading("Præsentation: live-workshop", level=2)),
                _box([self.title_input, self.create_button], "aiskole-presenter-setup"),
                _box([self.choose], "aiskole-presenter-setup"),
                self._build_pilot(),
            ],
            "aiskole-presenter-start",
            vertical=True,
        )

    def _build_pilot(self) -> w.Box:
        """Create a pilot: a code that gathers a pilot team's canvas, risk map, mini-DPIA and gain calculation."""
        self.pilot_title = _text("Pilotens titel", "fx Byggesagsbehandling med AI")
        self.pilot_code = _text("Egen kode (valgfri)", "fx TEK-24", width="300px")
        self.pilot_button = w.Button(description="Opret pilot")
        self.pilot_button.on_click(self.guard(self.create_pilot))
        self.pilots = w.HTML()
        return _box(
            [
                w.HTML(render("widgets/presenter/pilot_intro.html.j2")),
                _box([self.pilot_title, self.pilot_code, self.pilot_button], "aiskole-presenter-setup"),
                self.pilots,
            ],
            "aiskole-presenter-pilot",
            vertical=True,
        )

    def create_pilot(self, _button=None) -> str:
        """Create a pilot with the typed title (and code, if one is typed). Returns its code."""
        pilot = self.store().create_pilot(
            self.pilot_title.value,
            code=self.pilot_code.value or None,
            retention_days=self._settings.retention_days,
        )
        self.pilot_title.value = ""
        self.pilot_code.value = ""
        self.load_workshops()
        self.set_status(
            f"Piloten er oprettet med koden {pilot.code}. Skriv koden i feltet «Kode» i øvelserne, "
            "så samler pilotrapporten jeres arbejde."
        )
        return pilot.code

    def _build_session(self) -> w.Box:
        """The workshop in progress: the controls, the join card, the results, moderation and closing."""
        self.exercise = w.ToggleButtons(
            options=EXERCISE_OPTIONS,
            value="",
            description="Øvelse i spil:",
            style={"description_width": "initial"},
            tooltips=["Ingen øvelse", *(f"Sæt {name} i spil" for _, name in EXERCISE_OPTIONS[1:])],
        )
        self.exercise.observe(self.guard(self._on_exercise), names="value")
        self.reveal = w.ToggleButton(value=False, description="Vis resultater", button_style="info")
        self.reveal.observe(self.guard(self._on_reveal), names="value")
        self.join = w.HTML()
        self.heading = w.HTML(layout=w.Layout(width="100%"))
        self.results = w.HTML()
        self._build_moderation()
        self._build_close()
        return _box(
            [
                _box([self.heading, self.exercise, self.reveal], "aiskole-presenter-controls"),
                _box(
                    [
                        _box([self.join], "aiskole-presenter-join", vertical=True),
                        _box([self.results], "aiskole-presenter-results", vertical=True),
                    ],
                    "aiskole-presenter-main",
                ),
                self.moderation_toggle,
                self.moderation,
                _box([self.switch_button, self.close_button], "aiskole-presenter-close"),
                self.confirm,
            ],
            "aiskole-presenter-session",
            vertical=True,
        )

    def _build_moderation(self) -> None:
        """The participants' words (or canvas titles) waiting for approval, behind a toggle."""
        self.moderation_toggle = w.ToggleButton(
            value=False, description="Godkend ord (0 venter)", layout=w.Layout(width="auto")
        )
        self.moderation_toggle.observe(self.guard(self._on_moderation_toggle), names="value")
        self.moderation_list = w.VBox(layout=w.Layout(width="auto", max_width="100%"))
        self.moderation = _box(
            [w.HTML(render("widgets/presenter/moderation_note.html.j2")), self.moderation_list],
            "aiskole-moderation",
            vertical=True,
        )
        _show(self.moderation, False)

    def _build_close(self) -> None:
        """ "Skift workshop", "Luk workshop" and the confirmation before closing."""
        self.switch_button = w.Button(description="Skift workshop", tooltip="Vælg en anden workshop")
        self.switch_button.on_click(self.guard(self.leave))
        self.close_button = w.Button(
            description="Luk workshop", button_style="danger", tooltip="Koden holder op med at virke"
        )
        self.close_button.on_click(self.guard(self._ask_close))
        self.confirm_yes = w.Button(description="Ja, luk workshoppen", button_style="danger")
        self.confirm_yes.on_click(self.guard(self.close_workshop))
        self.confirm_no = w.Button(description="Fortryd")
        self.confirm_no.on_click(self.guard(self._cancel_close))
        self.confirm = _box(
            [w.HTML(render("widgets/presenter/confirm_close.html.j2")), self.confirm_yes, self.confirm_no],
            "aiskole-confirm",
        )
        _show(self.confirm, False)

    # -- workshops ----------------------------------------------------------------------------------------

    def load_workshops(self) -> list[tuple[str, str]]:
        """Fill the list of open workshops (newest first)."""
        open_ones = [
            (f"{ws.title} – {ws.code}", ws.code)
            for ws in self.store().list_workshops(kind="workshop")
            if ws.is_open and not ws.is_expired()
        ]
        pilots = [p for p in self.store().list_workshops(kind="pilot") if p.is_open and not p.is_expired()]
        self.pilots.value = render("widgets/presenter/pilots.html.j2", pilots=pilots)
        self._syncing = True
        try:
            self.choose.options = [("Vælg en workshop …", ""), *open_ones]
            self.choose.value = ""
        finally:
            self._syncing = False
        return open_ones

    def create(self, _button=None) -> str:
        """Create a workshop with the typed title and open it. Returns the join code."""
        workshop = self.store().create_workshop(
            self.title_input.value, retention_days=self._settings.retention_days
        )
        self.title_input.value = ""
        self.open(workshop.code)
        self.set_status(f"Workshoppen er oprettet. Koden er {workshop.code}.")
        return workshop.code

    def _on_choose(self, change) -> None:
        if self._syncing or not change["new"]:
            return
        self.open(change["new"])

    def open(self, code: str) -> None:
        """Show a workshop: its join code, link and QR code, the exercise in play and the results."""
        workshop = self.store().get_workshop(code)
        if workshop is None or not workshop.is_open:
            raise ValueError(f"Workshoppen {code} findes ikke eller er lukket.")
        self.code = workshop.code
        self.title = workshop.title
        self.state = WorkshopState.from_dict(workshop.state)
        self._sync_controls()
        url = join_url(self._settings.public_url, workshop.code)
        self.heading.value = render("widgets/presenter/title.html.j2", title=workshop.title)
        # the QR code is SVG that segno draws from the URL (nothing typed by a user), so it is inserted as is
        qr = Markup(qr_svg(url))
        screen = (
            display_url(self._settings.public_url, workshop.display_token) if workshop.display_token else None
        )
        self.join.value = render(
            "widgets/presenter/join.html.j2", code=workshop.code, url=url, qr=qr, display=screen
        )
        self.pending = ()
        self._render_moderation()
        _show(self.setup, False)
        _show(self.confirm, False)
        _show(self.session, True)
        self.clear_status()
        self.refresh()

    def leave(self, _button=None) -> None:
        """Back to choosing a workshop (the workshop stays open)."""
        self.code = None
        self.results.value = ""
        _show(self.session, False)
        _show(self.setup, True)
        self.clear_status()
        self.load_workshops()

    def _ask_close(self, _button=None) -> None:
        _show(self.confirm, True)

    def _cancel_close(self, _button=None) -> None:
        _show(self.confirm, False)

    def close_workshop(self, _button=None) -> None:
        """Close the workshop for good: its code no longer lets anyone in."""
        code = self.code
        if code is None:
            return
        if not self.store().close_workshop(code):
            raise ValueError(f"Workshoppen {code} findes ikke længere.")
        self.leave()
        self.set_status(f"Workshoppen {code} er lukket. Koden virker ikke længere.")

    # -- the presenter's state ----------------------------------------------------------------------------

    def _sync_controls(self) -> None:
        self._syncing = True
        try:
            self.exercise.value = self.state.active if self.state.active in live.LIVE_EXERCISES else ""
            self.reveal.value = self.state.revealed
            self._label_reveal()
        finally:
            self._syncing = False

    def _label_reveal(self) -> None:
        shown = self.reveal.value
        self.reveal.description = "Skjul resultater" if shown else "Vis resultater"
        self.reveal.disabled = not self.exercise.value

    def _save_state(self, **changes: Any) -> None:
        """Store the new state; on failure show the stored state again (the error reaches the status line)."""
        new = dataclasses.replace(self.state, **changes)
        try:
            if self.code is None or not self.store().set_workshop_state(self.code, new.to_dict()):
                raise ValueError("Workshoppen findes ikke længere. Vælg eller opret en ny.")
        except Exception:
            self._sync_controls()
            raise
        self.state = new
        self._sync_controls()

    def _on_exercise(self, change) -> None:
        if self._syncing:
            return
        # A new exercise starts hidden: the audience answers first, then the presenter reveals.
        self._save_state(active=change["new"] or None, revealed=False)
        self.refresh()

    def _on_reveal(self, change) -> None:
        if self._syncing:
            return
        self._save_state(revealed=bool(change["new"]))
        self.refresh()

    def set_exercise(self, exercise: str | None) -> None:
        """Put an exercise in play (``None``: none), as the buttons do."""
        self.exercise.value = exercise or ""

    def set_revealed(self, revealed: bool) -> None:
        self.reveal.value = revealed

    def approve(self, text: str) -> None:
        """Approve a participant's word (or canvas title): from now on it may be shown."""
        key = normalise_text(text)
        if key is None or key in self.state.approved_words:
            return
        self._save_state(approved_words=(*self.state.approved_words, key))
        self.refresh()

    # -- moderation ---------------------------------------------------------------------------------------

    def _on_moderation_toggle(self, _change) -> None:
        self._label_moderation()

    def _label_moderation(self) -> None:
        noun = _TEXTS.get(self.state.active or "", "ord")
        count = len(self.pending)
        if self.moderation_toggle.value:
            self.moderation_toggle.description = f"Skjul listen ({count} venter)"
        else:
            self.moderation_toggle.description = f"Godkend {noun} ({count} venter)"
        has_texts = self.state.active in _TEXTS
        _show(self.moderation_toggle, has_texts)
        _show(self.moderation, has_texts and self.moderation_toggle.value)

    def _render_moderation(self) -> None:
        rows = []
        for text, count in self.pending:
            button = w.Button(description="Godkend", button_style="success", tooltip="Vis det på skærmen")
            button.on_click(self.guard(lambda _b, text=text: self.approve(text)))
            label = w.HTML(render("widgets/presenter/moderation_word.html.j2", text=text, times=count))
            rows.append(_box([button, label], "aiskole-moderation-row"))
        if not rows:
            rows = [w.HTML(paragraph("Intet venter på godkendelse."))]
        self.moderation_list.children = rows
        self._label_moderation()

    # -- live results -------------------------------------------------------------------------------------

    def _job(self) -> _Job | None:
        if self.code is None:
            return None
        return _Job(self.code, self.state.active, self.state)

    def _compute(self, job: _Job) -> _Outcome:
        if job.active not in live.LIVE_EXERCISES:
            html = render("widgets/presenter/no_exercise.html.j2")
            # still read the store, so an unreachable database is noticed while nothing is in play
            self.store().get_workshop(job.code)
            return _Outcome(html, (), None)
        rows = self.store().list_submissions(exercise=job.active, workshop_code=job.code)
        result = live.aggregate(job.active, rows, job.state)
        return _Outcome(live_html(result, job.state.revealed), result.pending, result)

    def _apply(self, job: _Job, outcome: _Outcome) -> bool:
        self._succeeded()
        if job != self._job():
            return False  # the presenter changed something while this was read; the next refresh shows it
        self.result = outcome.result
        changed = False
        if self.results.value != outcome.html:
            self.results.value = outcome.html
            changed = True
        if self.pending != outcome.pending:
            self.pending = outcome.pending
            self._render_moderation()
        else:
            self._label_moderation()
        return changed


__all__ = ["PresenterView"]
