"""The kick-off poll as an ipywidgets view: pick an answer, add a word if you like, "Send", see the results.

The view only collects the answer and shows results; validation and aggregation are
:mod:`aiskole.exercises.poll` and the storage is :mod:`aiskole.store`. The results
(``aiskole/templates/exercises/poll/results.html.j2``) are a chart (with alt text), an accessible table and the
words, every one of them escaped.
"""

from __future__ import annotations

import functools
import threading
from collections.abc import Callable

import ipywidgets as w

from aiskole.exercises import poll
from aiskole.render import charts, render
from aiskole.store import Store, normalise_workshop_code, open_store
from aiskole.widgets.base import ExerciseView, chart_image, paragraph


@functools.cache
def _matplotlib_import() -> threading.Thread:
    """The background import of matplotlib, started once per kernel."""

    def work() -> None:
        try:
            import matplotlib.backends.backend_agg  # noqa: F401
            import matplotlib.figure  # noqa: F401
        except Exception:  # noqa: BLE001 - only a head start; chart_png imports it again when needed
            pass

    thread = threading.Thread(target=work, name="aiskole-prewarm-matplotlib", daemon=True)
    thread.start()
    return thread


def _prewarm_chart() -> None:
    """Import matplotlib in the background, so the first results chart does not wait ~2 s for the import."""
    _matplotlib_import()


def _wait_for_matplotlib() -> None:
    """Let a background import finish before a chart is drawn: two threads importing matplotlib at once can
    see it half-initialised ("cannot import name ... from partially initialized module")."""
    if _matplotlib_import.cache_info().currsize:
        _matplotlib_import().join()


class PollView(ExerciseView):
    """Kick-off poll view.

    Parameters
    ----------
    store_factory
        Returns the store; called at the first "Send" or "Vis resultater". Defaults to
        :func:`aiskole.store.open_store`.
    content
        The dataset content (defaults to ``datasets/poll.yaml``).
    workshop_code
        Store and show the answers of this workshop only (e.g. from a join link). Without it, answers are
        stored without a code and the results show every poll answer.
    in_workshop
        Inside a live workshop the results belong on the presenter's screen (hidden until revealed, so nobody
        is influenced), and a participant may change their answer: then there is no results button and
        "Send" stays available as "Skift svar".
    """

    def __init__(
        self,
        store_factory: Callable[[], Store] = open_store,
        content: poll.PollContent | None = None,
        workshop_code: str | None = None,
        *,
        in_workshop: bool = False,
    ) -> None:
        super().__init__(store_factory, stylesheets=("poll",))
        self._content = content or poll.load_poll()
        c = self._content
        self.saved_id: int | None = None
        self.results: poll.PollResults | None = None
        self._sent_word: str | None = None

        self.answer = w.RadioButtons(
            options=[(f"{a.value} – {a.label}", a.value) for a in c.answers],
            value=None,
            layout=w.Layout(width="auto", max_width="100%"),
        )
        self.answer.add_class("aiskole-poll-options")
        self.word = w.Text(
            continuous_update=False,
            description=c.word.label,
            placeholder=c.word.placeholder,
            style={"description_width": "initial"},
            layout=w.Layout(width="auto", max_width="100%"),
        )
        self.word.add_class("aiskole-field")
        self.send_button = w.Button(
            description="Send", button_style="primary", tooltip="Send dit svar (anonymt)"
        )
        self.send_button.on_click(self._on_send)
        self.show_button = w.Button(
            description="Vis resultater", tooltip="Hent de svar, der er kommet indtil nu"
        )
        self.show_button.on_click(self.guard(self.show_results))
        self.output = w.HTML()
        self.in_workshop = in_workshop
        if in_workshop:
            self.show_button.layout.display = "none"

        self._code_problem: str | None = None
        try:
            self.workshop_code = normalise_workshop_code(workshop_code)
        except ValueError as exc:
            # A bad code in the app's notebook: refuse to store (answers would land in the wrong place).
            self.workshop_code = None
            self._code_problem = str(exc)

        buttons = w.Box([self.send_button, self.show_button], layout=w.Layout(width="100%"))
        buttons.add_class("aiskole-buttons")
        intro = w.HTML(render("exercises/poll/intro.html.j2", content=c, code=self.workshop_code))
        self.widget = self._wrap(
            [
                intro,
                self.answer,
                self.word,
                w.HTML(paragraph(c.word.help, "aiskole-basis")),
                buttons,
                self.output,
            ]
        )
        if self._code_problem:
            self.send_button.disabled = True
            self.set_status(self._code_problem, error=True)
        if not in_workshop:
            # In a workshop the chart is drawn on the presenter's screen, never here: importing matplotlib
            # would only cost every participant's kernel ~25 MiB (bench/room.py).
            _prewarm_chart()

    # -- events --------------------------------------------------------------------------------------

    def _on_send(self, _button=None) -> None:
        self.send_button.disabled = True
        sent = None
        try:
            sent = self.guard(self.send)()
        finally:
            # one answer per visit (in a workshop: change it as often as you like); after an error the user
            # can correct and try again
            once = sent is not None and not self.in_workshop
            self.send_button.disabled = once or self._code_problem is not None
            if sent is not None and self.in_workshop:
                self.send_button.description = "Skift svar"

    def send(self) -> int:
        """Validate and store the answer, then show the results so far. Returns the submission id.

        Raises
        ------
        ValueError, StoreError
            With Danish messages; :meth:`_on_send` shows them in the status line.
        """
        if self._code_problem:
            raise ValueError(self._code_problem)
        vote = poll.make_vote(self.answer.value, self.word.value, content=self._content)
        submission_id = self.store().save(
            vote, workshop_code=self.workshop_code, participant=self.participant
        )
        self.saved_id = submission_id
        self._sent_word = vote.word
        if self.in_workshop:
            self.set_status(
                "Tak! Dit svar er sendt. Resultaterne vises på den store skærm. Du kan skifte svar, så længe "
                "afstemningen er åben."
            )
            return submission_id
        self.show_results()
        self.set_status("Tak! Dit svar er sendt. Tryk «Vis resultater» for at se de nyeste svar.")
        return submission_id

    def show_results(self, _button=None) -> poll.PollResults:
        """Load the poll answers (this workshop's, or those saved without a code) and show the chart and the
        table; of the words only the visitor's own (never another visitor's free text)."""
        rows = self.store().list_submissions(
            exercise="poll", workshop_code=self.workshop_code, without_code=self.workshop_code is None
        )
        self.results = poll.visitor_results(rows, self._sent_word)
        self.output.value = self._results_html(self.results)
        return self.results

    # -- html ----------------------------------------------------------------------------------------

    def _results_html(self, r: poll.PollResults) -> str:
        c = self._content
        chart = ""
        if r.n:
            _wait_for_matplotlib()
            chart = chart_image(charts.poll_png(r, c), charts.poll_alt_text(r, c), "aiskole-chart")
        return render("exercises/poll/results.html.j2", r=r, content=c, code=self.workshop_code, chart=chart)
