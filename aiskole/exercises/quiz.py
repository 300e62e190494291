"""The quiz: a sourced question bank on law (jura), prompting (prompt) and process leadership (proces).

Content is ``datasets/quiz.yaml`` (validated by :class:`QuizContent`); the law questions are domain.md §8.2.
This module is pure: no widgets, no display, no storage.

* :func:`pick_questions` selects questions by topic (optionally in a shuffled order),
* :func:`shuffle_options` shows the options in a random order; the right answer is tracked by option id,
  never by position,
* :func:`check_answer` grades one answer (for immediate feedback) and :func:`grade` a whole quiz: the score,
  the score per topic and, per question, the explanation and the source,
* :class:`QuizSubmission` is the stored shape and :func:`aggregate` the live result,
* :func:`workshop_questions` deals a workshop's short phone quiz, the same on every phone, and
  :func:`from_form` grades it from the phone's form.
"""

from __future__ import annotations

import datetime as dt
import random
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, ClassVar, Literal

from pydantic import Field, model_validator

from aiskole.datasets import DatasetModel, Source, load_dataset
from aiskole.exercises.base import Form, FormError, LiveResult, Stored, Unreadable, versioned
from aiskole.scales import TOPICS
from aiskole.workshop import WorkshopState

Topic = Literal["jura", "prompt", "proces"]


# --- content -----------------------------------------------------------------------------------------


class QuizOption(DatasetModel):
    """One answer option. ``id`` is stable ("a", "b", ...); the shown order is shuffled."""

    id: str = Field(pattern=r"^[a-z]$")
    text: str = Field(min_length=1)
    correct: bool = False


class QuizQuestion(DatasetModel):
    """One question with 3-4 options of which exactly one is correct, an explanation and a source."""

    id: str = Field(pattern=r"^[a-z0-9][a-z0-9-]*$")
    topic: Topic
    text: str = Field(min_length=10)
    options: tuple[QuizOption, ...] = Field(min_length=3, max_length=4)
    explanation: str = Field(min_length=10)
    source: Source
    checked: dt.date

    @model_validator(mode="after")
    def _one_correct(self) -> QuizQuestion:
        ids = [o.id for o in self.options]
        if len(set(ids)) != len(ids):
            raise ValueError(f"{self.id}: svarmulighederne skal have forskellige id'er, fandt {ids}")
        correct = [o.id for o in self.options if o.correct]
        if len(correct) != 1:
            raise ValueError(f"{self.id}: præcis én svarmulighed skal være rigtig, fandt {len(correct)}")
        if self.source.url.scheme != "https":
            raise ValueError(f"{self.id}: kilden skal have en https-adresse")
        return self

    @property
    def correct_option(self) -> QuizOption:
        return next(o for o in self.options if o.correct)

    def option(self, option_id: str) -> QuizOption:
        for o in self.options:
            if o.id == option_id:
                return o
        raise ValueError(f"Spørgsmål {self.id} har ingen svarmulighed {option_id!r}.")


class QuizContent(DatasetModel):
    """The content of ``datasets/quiz.yaml``."""

    schema_: Literal["aiskole.quiz/1"] = Field(alias="schema")
    review_by: dt.date
    topics: dict[Topic, str]
    questions: tuple[QuizQuestion, ...] = Field(min_length=1)

    @model_validator(mode="after")
    def _consistent(self) -> QuizContent:
        ids = [q.id for q in self.questions]
        dupes = sorted({i for i in ids if ids.count(i) > 1})
        if dupes:
            raise ValueError(f"spørgsmål med samme id: {dupes}")
        if set(self.topics) != set(TOPICS):
            raise ValueError(f"der skal være en overskrift for hvert emne: {', '.join(TOPICS)}")
        stale = [q.id for q in self.questions if q.checked >= self.review_by]
        if stale:
            raise ValueError(f"review_by skal ligge efter checked for {stale}")
        return self

    def question(self, question_id: str) -> QuizQuestion:
        for q in self.questions:
            if q.id == question_id:
                return q
        raise ValueError(f"Ukendt spørgsmål: {question_id!r}.")

    def for_workshop(self, code: str) -> tuple[ShuffledQuestion, ...]:
        """The workshop's short phone quiz (:func:`workshop_questions`; the participant form calls this)."""
        return workshop_questions(self, code)


def load_quiz(datasets_dir: Path | None = None) -> QuizContent:
    """Load and validate ``quiz.yaml`` (raises :class:`DatasetError` with a Danish message)."""
    return load_dataset("quiz.yaml", QuizContent, datasets_dir)


# --- picking and shuffling ---------------------------------------------------------------------------


def pick_questions(
    content: QuizContent, topic: str | None = None, *, rng: random.Random | None = None
) -> list[QuizQuestion]:
    """The questions of one topic (``None`` or ``"alle"``: every topic), in dataset order or shuffled by ``rng``.

    Raises
    ------
    ValueError
        Unknown topic (Danish message).
    """
    if topic in (None, "", "alle"):
        chosen = list(content.questions)
    elif topic in TOPICS:
        chosen = [q for q in content.questions if q.topic == topic]
    else:
        raise ValueError(f"Ukendt emne: {topic!r}. Vælg jura, prompt, proces eller alle.")
    if rng is not None:
        rng.shuffle(chosen)
    return chosen


@dataclass(frozen=True)
class ShuffledQuestion:
    """A question with its options in the order they are shown."""

    question: QuizQuestion
    options: tuple[QuizOption, ...]

    @property
    def correct_id(self) -> str:
        return self.question.correct_option.id


def shuffle_options(question: QuizQuestion, rng: random.Random | None = None) -> ShuffledQuestion:
    """The question with its options in a random order (seed ``rng`` for a repeatable order)."""
    options = list(question.options)
    (rng or random.Random()).shuffle(options)
    return ShuffledQuestion(question=question, options=tuple(options))


# --- grading -----------------------------------------------------------------------------------------


@dataclass(frozen=True)
class QuestionResult:
    """One graded answer, with what a learner needs to understand it."""

    question_id: str
    topic: str
    text: str
    chosen_id: str
    chosen_text: str
    correct_id: str
    correct_text: str
    is_correct: bool
    explanation: str
    source: Source


@dataclass(frozen=True)
class TopicScore:
    correct: int
    total: int


@dataclass(frozen=True)
class QuizResult:
    """The result of :func:`grade`."""

    score: int
    total: int
    by_topic: dict[str, TopicScore]
    items: tuple[QuestionResult, ...]


def check_answer(question: QuizQuestion, option_id: str | None) -> QuestionResult:
    """Grade one answer.

    Raises
    ------
    ValueError
        No answer, or an option the question does not have (Danish message).
    """
    if option_id is None or option_id == "":
        raise ValueError("Vælg et svar, før du går videre.")
    chosen = question.option(option_id)
    right = question.correct_option
    return QuestionResult(
        question_id=question.id,
        topic=question.topic,
        text=question.text,
        chosen_id=chosen.id,
        chosen_text=chosen.text,
        correct_id=right.id,
        correct_text=right.text,
        is_correct=chosen.id == right.id,
        explanation=question.explanation,
        source=question.source,
    )


def grade(questions: Sequence[QuizQuestion], answers: Mapping[str, str | None]) -> QuizResult:
    """Grade a quiz: ``answers`` maps each question id to the chosen option id.

    Raises
    ------
    ValueError
        Answers to questions that are not in the quiz, unanswered questions, or unknown options (Danish).
    """
    if not questions:
        raise ValueError("Quizzen har ingen spørgsmål.")
    if not isinstance(answers, Mapping):
        raise ValueError("Svarene skal være en oversigt fra spørgsmål til valgt svar.")
    ids = [q.id for q in questions]
    unknown = [k for k in answers if k not in ids]
    if unknown:
        raise ValueError(f"Svar på spørgsmål, der ikke er med i quizzen: {', '.join(map(str, unknown))}.")
    missing = [i + 1 for i, q in enumerate(questions) if not answers.get(q.id)]
    if missing:
        shown = ", ".join(str(n) for n in missing)
        raise ValueError(f"Spørgsmål {shown} mangler et svar.")
    items = tuple(check_answer(q, answers[q.id]) for q in questions)
    by_topic: dict[str, TopicScore] = {}
    for topic in TOPICS:
        mine = [i for i in items if i.topic == topic]
        if mine:
            by_topic[topic] = TopicScore(correct=sum(i.is_correct for i in mine), total=len(mine))
    return QuizResult(
        score=sum(i.is_correct for i in items), total=len(items), by_topic=by_topic, items=items
    )


def feedback_text(result: QuestionResult) -> str:
    """The Danish verdict in words (colour is never the only signal)."""
    if result.is_correct:
        return "Rigtigt"
    return f"Forkert – det rigtige svar er: {result.correct_text}"


# --- the stored submission ---------------------------------------------------------------------------


@dataclass(frozen=True)
class QuizSubmission:
    """One finished quiz: the topic chosen, the option chosen per question, and right/wrong per question."""

    exercise: ClassVar[str] = "quiz"
    version: ClassVar[int] = 2

    topic: str
    choices: Mapping[str, str]
    correct: Mapping[str, bool]
    score: int = 0
    total: int = 0
    topics: Mapping[str, Mapping[str, int]] = field(default_factory=dict)

    @classmethod
    def of(cls, topic: str, choices: Mapping[str, str], result: QuizResult) -> QuizSubmission:
        return cls(
            topic=topic,
            choices=dict(choices),
            correct={i.question_id: i.is_correct for i in result.items},
            score=result.score,
            total=result.total,
            topics={t: {"correct": s.correct, "total": s.total} for t, s in result.by_topic.items()},
        )

    def to_answers(self) -> dict[str, Any]:
        return versioned(self, {"topic": self.topic, "choices": dict(self.choices)})

    def to_result(self) -> dict[str, Any]:
        return {
            "score": self.score,
            "total": self.total,
            "topics": {t: dict(v) for t, v in self.topics.items()},
            "questions": dict(self.correct),
        }

    @classmethod
    def from_answers(
        cls, answers: Mapping[str, Any], result: Mapping[str, Any] | None = None
    ) -> QuizSubmission:
        result = result or {}
        correct = correct_per_question(result.get("questions"))
        if not correct:
            raise Unreadable("Quizzen har ingen besvarede spørgsmål.")
        choices = answers.get("choices")
        topic = answers.get("topic")
        return cls(
            topic=topic if isinstance(topic, str) else "alle",
            choices={str(k): str(v) for k, v in choices.items()} if isinstance(choices, Mapping) else {},
            correct=correct,
            score=result.get("score") if isinstance(result.get("score"), int) else sum(correct.values()),
            total=result.get("total") if isinstance(result.get("total"), int) else len(correct),
            topics=result.get("topics") if isinstance(result.get("topics"), Mapping) else {},
        )


def correct_per_question(value: Any) -> dict[str, bool]:
    """A stored ``result["questions"]`` as question id -> right or wrong (reports read this field alone)."""
    if not isinstance(value, Mapping):
        return {}
    return {str(q): ok for q, ok in value.items() if isinstance(ok, bool)}


# --- a participant's phone -----------------------------------------------------------------------------

#: How many questions a workshop's phone quiz has (a lunch demo: a few minutes on a phone).
WORKSHOP_SIZE = 5
#: The fields of the participant form: the ids of the questions shown, comma-separated in a hidden field (so the
#: quiz graded is exactly the one the phone showed), and one answer per question (:func:`answer_field`).
FORM_QUESTIONS = "spoergsmaal"
#: The topic a phone quiz is stored under: its questions are drawn from every topic.
WORKSHOP_TOPIC = "alle"
load_content = load_quiz


def answer_field(question_id: str) -> str:
    return f"svar_{question_id}"


def workshop_questions(
    content: QuizContent, code: str, size: int = WORKSHOP_SIZE
) -> tuple[ShuffledQuestion, ...]:
    """The same short quiz for everyone in a workshop: ``size`` questions taken in turn from each topic, and
    the order of the questions and of their options, all drawn from the workshop ``code``.

    Every phone and every reload shows the same quiz (a room can talk about "svar B"); another workshop gets
    another one. ``random.Random`` seeded with a string is the same in every process and Python version.
    """
    rng = random.Random(f"aiskole-quiz:{code}")
    pools = [pick_questions(content, topic, rng=rng) for topic in TOPICS]
    picked: list[QuizQuestion] = []
    while len(picked) < size and any(pools):
        for pool in pools:
            if pool and len(picked) < size:
                picked.append(pool.pop())
    rng.shuffle(picked)
    return tuple(shuffle_options(q, rng) for q in picked)


def _form_questions(form: Form, content: QuizContent) -> list[QuizQuestion]:
    """The questions named in the form's hidden field, in the order shown."""
    ids = [i.strip() for i in (form.get(FORM_QUESTIONS) or "").split(",") if i.strip()]
    problem = None
    if not ids:
        problem = "Quizzen mangler sine spørgsmål."
    elif len(set(ids)) != len(ids) or len(ids) > len(content.questions):
        problem = "Quizzen har de samme spørgsmål flere gange."
    else:
        try:
            return [content.question(i) for i in ids]
        except ValueError as exc:
            problem = str(exc)
    raise FormError({FORM_QUESTIONS: problem}, f"{problem} Siden er hentet igen – svar, og send igen.")


def from_form(form: Form, content: QuizContent | None = None) -> QuizSubmission:
    """The graded quiz from a participant's form: ``spoergsmaal`` (the ids shown) and ``svar_<id>`` (the option
    id chosen) for each of them. Answers to questions that were not shown are ignored.

    Raises
    ------
    FormError
        With the unit's Danish message for each question without a valid answer (:func:`check_answer`), and
        :func:`grade`'s summary.
    """
    content = content or load_quiz()
    questions = _form_questions(form, content)
    choices: dict[str, str] = {}
    errors: dict[str, str] = {}
    for q in questions:
        try:
            choices[q.id] = check_answer(q, form.get(answer_field(q.id))).chosen_id
        except ValueError as exc:
            errors[answer_field(q.id)] = str(exc)
    try:
        result = grade(questions, choices)
    except ValueError as exc:
        raise FormError(errors, str(exc)) from None
    return QuizSubmission.of(WORKSHOP_TOPIC, choices, result)


def form_values(model: QuizSubmission) -> dict[str, str]:
    values = {FORM_QUESTIONS: ",".join(model.choices)}
    values.update({answer_field(q): option for q, option in model.choices.items()})
    return values


def participant_result(model: QuizSubmission, content: QuizContent | None = None) -> QuizResult:
    """The participant's own quiz graded again, with every explanation and source.

    Questions (or options) no longer in the question bank are left out; with none left the result is empty
    (``total`` 0).
    """
    content = content or load_quiz()
    known = {q.id: q for q in content.questions}
    questions = [
        known[q]
        for q, option in model.choices.items()
        if q in known and any(o.id == option for o in known[q].options)
    ]
    if not questions:
        return QuizResult(score=0, total=0, by_topic={}, items=())
    return grade(questions, {q.id: model.choices[q.id] for q in questions})


# --- live aggregate ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class QuestionShare:
    """One quiz question: how many answered it, and how many of them answered correctly."""

    id: str
    number: int
    text: str
    answered: int
    correct: int

    @property
    def share(self) -> float:
        return self.correct / self.answered if self.answered else 0.0


@dataclass(frozen=True)
class TopicShare:
    """One quiz topic: correct answers and answers in total, over every participant."""

    topic: str
    label: str
    correct: int
    total: int

    @property
    def share(self) -> float:
        return self.correct / self.total if self.total else 0.0


@dataclass(frozen=True)
class QuizLive(LiveResult):
    """``n`` participants; per question the share answering correctly; per topic the average."""

    exercise: ClassVar[str] = "quiz"
    questions: tuple[QuestionShare, ...]
    topics: tuple[TopicShare, ...]
    correct: int
    total: int

    @property
    def share(self) -> float:
        return self.correct / self.total if self.total else 0.0


def aggregate(
    stored: Iterable[Stored[QuizSubmission]],
    state: WorkshopState | None = None,
    *,
    content: QuizContent | None = None,
) -> QuizLive:
    """Per question and per topic, the share of right answers (pass each participant's latest quiz only).

    Questions no longer in the question bank are left out; a quiz with none left does not count.
    """
    content = content or load_quiz()
    known_ids = {q.id for q in content.questions}
    answered: Counter[str] = Counter()
    correct: Counter[str] = Counter()
    n = 0
    for s in stored:
        known = {q: ok for q, ok in s.model.correct.items() if q in known_ids}
        if not known:
            continue
        n += 1
        for question_id, ok in known.items():
            answered[question_id] += 1
            correct[question_id] += ok
    shares = tuple(
        QuestionShare(q.id, number, q.text, answered[q.id], correct[q.id])
        for number, q in enumerate(content.questions, start=1)
        if answered[q.id]
    )
    topic_of = {q.id: q.topic for q in content.questions}
    topics = []
    for topic in TOPICS:
        ids = [s.id for s in shares if topic_of[s.id] == topic]
        if ids:
            topics.append(
                TopicShare(
                    topic, content.topics[topic], sum(correct[i] for i in ids), sum(answered[i] for i in ids)
                )
            )
    return QuizLive(
        n=n,
        questions=shares,
        topics=tuple(topics),
        correct=sum(correct.values()),
        total=sum(answered.values()),
    )


#: What the exercise covers and what participants practise in it (AI Act art. 4 documentation).
COVERAGE = (
    "Viden om AI: jura, prompts og procesledelse",
    "Deltagerne testede deres viden med en quiz med forklaringer og kilder.",
)

#: The unit's submission model (every unit names it ``MODEL``).
MODEL = QuizSubmission
