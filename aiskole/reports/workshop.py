"""The report of one live workshop: participation, the kick-off poll before and after ("tryghed"), the quiz
per topic, the outcome of the mini-DPIA, heatmap and canvas, and consented stories only.

Poll before/after: a participant's FIRST poll answer counts as "før"; their LAST answer, if they answered more
than once, counts as "efter". Answers without a participant token count as "før" only.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from aiskole import exercises, l10n
from aiskole.errors import ReportError
from aiskole.exercises import canvas, dpia, heatmap, poll, quiz, story
from aiskole.exercises.base import latest_per_participant, read_all
from aiskole.live import as_state
from aiskole.reports.model import Report, Section, is_synthetic, parse_code, read

if TYPE_CHECKING:  # the store is handed in; its types are only annotations here
    from aiskole.store import Store, Submission, Workshop


@dataclass(frozen=True)
class Loaded:
    """A workshop's row (``None`` for a code that is only a label on submissions) and its submissions."""

    code: str
    workshop: Workshop | None
    rows: tuple[Submission, ...]

    @property
    def title(self) -> str:
        return self.workshop.title if self.workshop else f"Workshop {self.code}"

    @property
    def department(self) -> str | None:
        return self.workshop.department if self.workshop else None

    @property
    def day(self) -> dt.date:
        moment = self.workshop.created_at if self.workshop else min(r.created_at for r in self.rows)
        return l10n.local_date(moment)

    @property
    def participants(self) -> set[str]:
        """The distinct participant tokens (anonymous random ids, never names)."""
        return {r.participant for r in self.rows if r.participant}

    def subtitle(self) -> str:
        return f"Workshop {self.code} · {l10n.date_long(self.day)} · afdeling: {self.department or 'ikke angivet'}."


def load(store: Store, code: Any) -> Loaded:
    """The workshop with this code and its submissions.

    Raises
    ------
    ReportError
        Badly formed or unknown code, a workshop without answers, or an unreachable store (Danish message).
    """
    code = parse_code(code)
    workshop = read(store, "get_workshop", code)
    rows = tuple(read(store, "list_submissions", workshop_code=code))
    if workshop is None and not rows:
        raise ReportError(f"Der findes ingen workshop med koden {code}. Tjek koden, og prøv igen.")
    if not rows:
        raise ReportError(
            f"Workshoppen {code} har ingen svar endnu, så der er ikke noget at lave en rapport om."
        )
    return Loaded(code, workshop, rows)


@dataclass(frozen=True)
class ExerciseCount:
    title: str
    participants: int | None  # None for stories: they are saved without a participant token
    submissions: int


@dataclass(frozen=True)
class Participation:
    participants: int
    submissions: int
    exercises: tuple[ExerciseCount, ...]


@dataclass(frozen=True)
class QuizPart:
    live: quiz.QuizLive
    weakest: tuple[quiz.QuestionShare, ...]


@dataclass(frozen=True)
class Outcomes:
    dpia: dpia.DpiaLive
    heatmap: heatmap.HeatmapLive
    canvas: canvas.CanvasLive


@dataclass(frozen=True)
class Stories:
    shown: tuple[story.Story, ...]
    not_shown: int


def participation(loaded: Loaded) -> Participation:
    counts = []
    for e in exercises.EXERCISES:
        mine = [r for r in loaded.rows if r.exercise == e.name]
        if mine:
            who = None if e.name == "story" else len({r.participant for r in mine if r.participant})
            counts.append(ExerciseCount(e.title, who, len(mine)))
    return Participation(len(loaded.participants), len(loaded.rows), tuple(counts))


def latest(unit, rows: Sequence[Submission], state=None):
    """The unit's live aggregate over each participant's latest readable submission."""
    stored, _ = read_all(unit.MODEL, rows)
    return unit.aggregate(latest_per_participant(stored), state)


def quiz_part(rows: Sequence[Submission], state) -> QuizPart:
    live = latest(quiz, rows, state)
    return QuizPart(live, tuple(sorted(live.questions, key=lambda q: (q.share, q.number))[:3]))


def stories(rows: Sequence[Submission]) -> Stories:
    every = story.stories(read_all(story.Story, rows)[0])
    shown = story.visible_stories(every)
    return Stories(tuple(shown), len(every) - len(shown))


def workshop_report(store: Store, code: Any) -> Report:
    """The report of one live workshop.

    Raises
    ------
    ReportError
        Badly formed or unknown code, a workshop without answers, or an unreachable store (Danish message).
    """
    loaded = load(store, code)
    state = as_state(loaded.workshop.state if loaded.workshop else None)
    taking_part = participation(loaded)
    polls = poll.before_after(poll.as_answers(read_all(poll.PollSubmission, loaded.rows)[0]))
    quizzes = quiz_part(loaded.rows, state)
    outcomes = Outcomes(
        latest(dpia, loaded.rows, state),
        latest(heatmap, loaded.rows, state),
        latest(canvas, loaded.rows, state),
    )
    told = stories(loaded.rows)
    sections = (
        Section("participation", "Deltagelse", "reports/workshop/participation.html.j2", taking_part),
        Section("poll", "Tryghed før og efter", "exercises/poll/report.html.j2", polls),
        Section("quiz", "Quiz", "exercises/quiz/report.html.j2", quizzes),
        Section("exercises", "Resultater af øvelserne", "reports/workshop/outcomes.html.j2", outcomes),
        Section("stories", "Historier fra deltagerne", "exercises/story/report.html.j2", told),
    )
    return Report(
        "workshop",
        f"Workshoprapport: {loaded.title}",
        loaded.subtitle() + " Rapporten samler de anonyme svar fra workshoppen.",
        is_synthetic(loaded.workshop),
        sections,
        _result(loaded, taking_part, polls, quizzes, outcomes, told),
        synthetic_text="Workshoppen er lavet af demodatagenerator.",
    )


def _result(loaded: Loaded, taking_part, polls, quizzes: QuizPart, outcomes: Outcomes, told: Stories) -> dict:
    q, h, c = quizzes.live, outcomes.heatmap, outcomes.canvas
    return {
        "code": loaded.code,
        "title": loaded.title,
        "department": loaded.department,
        "date": loaded.day.isoformat(),
        "synthetic": is_synthetic(loaded.workshop),
        "participants": taking_part.participants,
        "answers": {
            e.name: {
                "participants": len(
                    {r.participant for r in loaded.rows if r.exercise == e.name and r.participant}
                ),
                "submissions": sum(r.exercise == e.name for r in loaded.rows),
            }
            for e in exercises.EXERCISES
            if any(r.exercise == e.name for r in loaded.rows)
        },
        "poll": polls.to_dict(),
        "quiz": {
            "participants": q.n,
            "correct": q.correct,
            "total": q.total,
            "topics": {t.topic: {"correct": t.correct, "total": t.total} for t in q.topics},
            "questions": {x.id: {"correct": x.correct, "answered": x.answered} for x in q.questions},
        },
        "dpia": {v.verdict: v.count for v in outcomes.dpia.verdicts},
        "heatmap": {
            "heatmaps": h.n,
            "risks": h.risks,
            "bands": {b.band: b.count for b in h.bands},
            "cells": {f"{x.likelihood}x{x.consequence}": x.count for x in h.cells if x.count},
        },
        "canvas": {
            "canvases": c.n,
            "stopped": c.stopped,
            "quadrants": {x.quadrant: x.count for x in c.quadrants},
        },
        "stories": {"shown": len(told.shown), "not_shown": told.not_shown},
    }
