"""The quiz as an ipywidgets view: one question at a time (good on a phone), instant feedback, a score.

Choosing a topic and pressing "Start quiz" deals the questions of that topic in a random order with the
options shuffled (:mod:`aiskole.exercises.quiz`). After each answer the view says in words whether it was right
("Rigtigt" / "Forkert – det rigtige svar er …"), with the explanation and the source. At the end it shows
the score per topic; "Gem" stores it anonymously (exercise ``"quiz"``).
"""

from __future__ import annotations

import random
from collections.abc import Callable, Sequence

import ipywidgets as w

from aiskole.exercises import quiz
from aiskole.exercises.quiz import QuizSubmission
from aiskole.render import render
from aiskole.store import Store, open_store
from aiskole.widgets.base import ExerciseView, workshop_code_field


def _auto() -> w.Layout:
    """A fresh auto-width layout (a Layout must not be shared: hiding one widget would hide all)."""
    return w.Layout(width="auto", max_width="100%")


def _feedback_html(result: quiz.QuestionResult) -> str:
    """Right or wrong in words and a symbol (colour is never the only signal), the explanation and the source."""
    return render("exercises/quiz/feedback.html.j2", result=result, text=quiz.feedback_text(result))


class QuizView(ExerciseView):
    """Quiz view.

    Parameters
    ----------
    store_factory
        Returns the store; called only when "Gem" is pressed.
    content
        The question bank (defaults to ``datasets/quiz.yaml``).
    seed
        Seed for the order of questions and options (tests); random when not given.
    workshop_code
        Pre-filled workshop code.
    """

    def __init__(
        self,
        store_factory: Callable[[], Store] = open_store,
        content: quiz.QuizContent | None = None,
        seed: int | None = None,
        workshop_code: str | None = None,
        questions: Sequence[str] | None = None,
    ) -> None:
        super().__init__(store_factory, stylesheets=("quiz",))
        self._content = content or quiz.load_quiz()
        # A lesson's own short quiz: these question ids, in this order, and no choice of topic.
        self._fixed = None if questions is None else [self._content.question(i) for i in questions]
        self._rng = random.Random(seed)
        self._questions: list[quiz.ShuffledQuestion] = []
        self._answers: dict[str, str] = {}
        self._index = 0
        self.result: quiz.QuizResult | None = None
        self.saved_id: int | None = None

        self._build_start_box()
        self._build_question_box()
        self._build_end_box(workshop_code)
        fixed = None if self._fixed is None else len(self._fixed)
        intro = w.HTML(render("exercises/quiz/intro.html.j2", fixed=fixed))
        self.widget = self._wrap([intro, self._question_box, self._end_box, self._start_box])

    # -- building ------------------------------------------------------------------------------------

    def _build_start_box(self) -> None:
        """The choice of topic and "Start quiz" (a lesson's own quiz has only the button)."""
        counts = {t: sum(q.topic == t for q in self._content.questions) for t in quiz.TOPICS}
        options = [(f"Alle emner ({len(self._content.questions)} spørgsmål)", "alle")]
        options += [(f"{self._content.topics[t]} ({counts[t]})", t) for t in quiz.TOPICS if counts[t]]
        # the label is the dropdown's own (a <label for>), so a screen reader names the list "Emne"
        self.topic = w.Dropdown(
            options=options, value="alle", description="Emne", layout=w.Layout(width="auto", max_width="100%")
        )
        self.topic.add_class("aiskole-stack")
        self.start_button = w.Button(description="Start quiz", button_style="primary", layout=_auto())
        self.start_button.on_click(self.guard(self._on_start))
        children = [self.topic, self.start_button]
        self._start_box = w.VBox(
            children if self._fixed is None else [self.start_button], layout=w.Layout(width="auto")
        )

    def _build_question_box(self) -> None:
        """One question at a time: progress, question, options, "Svar", the feedback and "Næste spørgsmål"."""
        self.progress = w.HTML()
        self.question = w.HTML()
        self.options = w.RadioButtons(options=[], value=None, layout=w.Layout(width="auto", max_width="100%"))
        self.options.add_class("aiskole-quiz-options")
        self.answer_button = w.Button(description="Svar", button_style="primary", layout=_auto())
        self.answer_button.on_click(self.guard(self._on_answer))
        self.feedback = w.HTML()
        self.next_button = w.Button(description="Næste spørgsmål", button_style="primary", layout=_auto())
        self.next_button.on_click(self.guard(self._on_next))
        self.next_button.layout.display = "none"
        self._question_box = w.VBox(
            [
                self.progress,
                self.question,
                self.options,
                self.answer_button,
                self.feedback,
                self.next_button,
            ],
            layout=w.Layout(width="auto", display="none"),
        )
        self._question_box.add_class("aiskole-question")

    def _build_end_box(self, workshop_code: str | None) -> None:
        """The end: the score, the workshop code, "Gem" and "Tag en ny quiz"."""
        self.summary = w.HTML()
        self.workshop_code = workshop_code_field(workshop_code)
        self.save_button = w.Button(
            description="Gem", button_style="primary", tooltip="Gem dit resultat (anonymt)", layout=_auto()
        )
        self.new_button = w.Button(description="Tag en ny quiz", layout=_auto())
        self.new_button.on_click(self.guard(self._on_new))
        self.save_button.on_click(self._on_save)
        buttons = w.HBox([self.save_button, self.new_button], layout=w.Layout(width="auto"))
        buttons.add_class("aiskole-buttons")
        self._end_box = w.VBox(
            [
                self.summary,
                self.workshop_code,
                buttons,
            ],
            layout=w.Layout(width="auto", display="none"),
        )

    # -- state ---------------------------------------------------------------------------------------

    @property
    def current(self) -> quiz.ShuffledQuestion | None:
        return self._questions[self._index] if self._index < len(self._questions) else None

    def answers(self) -> dict[str, str]:
        """Question id to chosen option id, for the questions answered so far."""
        return dict(self._answers)

    def choose(self, option_id: str) -> None:
        """Pick an option of the current question by its id (tests)."""
        self.options.value = option_id

    def correct_option_id(self) -> str:
        """The id of the right option of the current question (tests)."""
        return self.current.correct_id

    # -- events --------------------------------------------------------------------------------------

    def start(self, topic: str | None = None) -> None:
        """Deal the questions of ``topic`` (or the chosen one) and show the first."""
        if topic is not None:
            self.topic.value = topic
        if self._fixed is not None:
            picked = list(self._fixed)
        else:
            picked = quiz.pick_questions(self._content, self.topic.value, rng=self._rng)
        self._questions = [quiz.shuffle_options(q, self._rng) for q in picked]
        self._answers = {}
        self._index = 0
        self.result = None
        self.saved_id = None
        self.clear_status()
        self._end_box.layout.display = "none"
        self._start_box.layout.display = "none"
        self._question_box.layout.display = "flex"
        self._show_question()

    def _on_start(self, _button=None) -> None:
        self.start()

    def _show_question(self) -> None:
        shuffled = self.current
        q = shuffled.question
        label = self._content.topics[q.topic]
        self.progress.value = render(
            "exercises/quiz/progress.html.j2", number=self._index + 1, total=len(self._questions), topic=label
        )
        self.question.value = render("exercises/quiz/question.html.j2", question=q)
        self.options.options = [(o.text, o.id) for o in shuffled.options]
        self.options.value = None
        self.options.disabled = False
        self.options.remove_class("aiskole-locked")
        self.feedback.value = ""
        self.answer_button.layout.display = None
        self.next_button.layout.display = "none"

    def _on_answer(self, _button=None) -> None:
        self.answer()

    def answer(self) -> quiz.QuestionResult:
        """Grade the chosen option of the current question and show the feedback."""
        shuffled = self.current
        if shuffled is None:
            raise ValueError("Quizzen er slut. Tryk på Tag en ny quiz for at prøve igen.")
        checked = quiz.check_answer(shuffled.question, self.options.value)
        self.clear_status()
        self._answers[shuffled.question.id] = checked.chosen_id
        self.options.disabled = True
        self.options.add_class("aiskole-locked")
        self.feedback.value = _feedback_html(checked)
        self.answer_button.layout.display = "none"
        last = self._index + 1 == len(self._questions)
        self.next_button.description = "Se dit resultat" if last else "Næste spørgsmål"
        self.next_button.layout.display = None
        return checked

    def _on_next(self, _button=None) -> None:
        self.next()

    def next(self) -> None:
        """Go to the next question, or to the result after the last one."""
        if self.current is None or self.current.question.id not in self._answers:
            raise ValueError("Vælg et svar, før du går videre.")
        self._index += 1
        if self._index < len(self._questions):
            self._show_question()
        else:
            self._finish()

    def _finish(self) -> None:
        self.result = quiz.grade([s.question for s in self._questions], self._answers)
        self._question_box.layout.display = "none"
        self._end_box.layout.display = "flex"
        self.summary.value = self._summary_html(self.result)

    def _on_new(self, _button=None) -> None:
        """Back to the choice of topic (the saved result stays saved)."""
        self.clear_status()
        self._end_box.layout.display = "none"
        self._start_box.layout.display = "flex"

    def _summary_html(self, result: quiz.QuizResult) -> str:
        return render("exercises/quiz/summary.html.j2", result=result, topics=self._content.topics)

    def save(self) -> int | None:
        """Store the result anonymously. Returns the submission id.

        Raises
        ------
        ValueError, StoreError
            With Danish messages; :meth:`_on_save` shows them in the status line.
        """
        if self.result is None:
            raise ValueError("Svar på alle spørgsmålene, før du gemmer.")
        if self.saved_id is not None:
            self.set_status(f"Dit resultat er allerede gemt som nr. {self.saved_id}.")
            return self.saved_id
        model = QuizSubmission.of(self.topic.value, self._answers, self.result)
        submission_id = self.save_model(model, self.workshop_code.value)
        self.saved_id = submission_id
        self.set_status(f"Dit resultat er gemt som nr. {submission_id} – anonymt, uden navn.")
        return submission_id
