"""The cohort report: workshops created in a period (optionally one department), month by month, the quiz
topics that need follow-up, and the poll before/after per department.

**Every aggregate over fewer than** :data:`MIN_GROUP` **participants is held back** and shown as "for få svar
til at vise"; participants of a department below the threshold are left out of every other figure too, so
totals cannot be subtracted to reveal them. Only the fields the report uses are read from the store: the
participant tokens, the poll's answer and the quiz's right/wrong per question (a report over 10,000 answers
then decodes a few fields, not 20,000 whole JSON documents, and needs neither pydantic nor the question bank).
"""

from __future__ import annotations

import datetime as dt
from collections import Counter, defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from aiskole import l10n
from aiskole.errors import ReportError
from aiskole.exercises.base import latest_per_participant
from aiskole.exercises.poll import first_and_last
from aiskole.exercises.quiz import correct_per_question
from aiskole.quiz_index import load_quiz_index
from aiskole.reports.model import Report, Section, is_synthetic, parse_date, read
from aiskole.scales import TOPICS
from aiskole.workshop import validate_department

if TYPE_CHECKING:  # the store is handed in; its types are only annotations here
    from aiskole.store import Store, SubmissionValue, Workshop

#: Aggregates over fewer participants than this are never shown in a cohort report.
MIN_GROUP = 5
#: Quiz topics with a lower share of correct answers than this are marked for follow-up.
FOLLOW_UP_SHARE = 0.7


@dataclass
class Person:
    """One participant of one workshop in the period (an anonymous token, never a name)."""

    token: str
    department: str
    month: str
    before: int | None = None
    after: int | None = None
    quiz: dict[str, bool] = field(default_factory=dict)


@dataclass(frozen=True)
class Overview:
    period: str
    department: str | None
    workshops: int
    participants: int | None
    small_departments: int
    min_group: int = MIN_GROUP


@dataclass(frozen=True)
class MonthRow:
    key: str
    workshops: int
    participants: int | None
    before_mean: float | None
    after_mean: float | None
    quiz_share: float | None


@dataclass(frozen=True)
class TopicRow:
    topic: str
    label: str
    participants: int | None
    share: float | None
    follow_up: bool
    lowest: bool


@dataclass(frozen=True)
class Topics:
    """The quiz topics: one row each, those to follow up (lowest share first) and the lowest shown topic."""

    rows: tuple[TopicRow, ...]
    follow_up: tuple[str, ...]
    lowest: str | None
    threshold: float = FOLLOW_UP_SHARE


@dataclass(frozen=True)
class DepartmentRow:
    name: str
    participants: int | None
    before: tuple[int, float] | None  # (answers, mean)
    after: tuple[int, float] | None
    change: float | None


def _mean(values: Sequence[float]) -> float | None:
    return sum(values) / len(values) if values else None


def _round(value: float | None) -> float | None:
    return None if value is None else round(value, 4)


def _if_enough(values: Sequence[float], n: int | None = None) -> float | None:
    """The rounded mean, or ``None`` when fewer than :data:`MIN_GROUP` values (or ``n``) back it."""
    return _round(_mean(values)) if (len(values) if n is None else n) >= MIN_GROUP else None


def _workshops_in_period(store: Store, first: dt.date, last: dt.date, wanted: str | None) -> list[Workshop]:
    # The database narrows the workshops to the period (Danish days as UTC bounds); the check on the local
    # date below is the definition. Department names are compared case-insensitively for any alphabet
    # (casefold), which SQL's lower() does not do for "Æ", so that filter stays here.
    after = l10n.day_start(last + dt.timedelta(days=1)) if last < dt.date.max else None
    found = read(store, "list_workshops", created_from=l10n.day_start(first), created_before=after)
    return [
        w
        for w in found
        if first <= l10n.local_date(w.created_at) <= last
        and (wanted is None or (w.department or "").casefold() == wanted.casefold())
    ]


def _people(store: Store, active: list[Workshop], tokens: Mapping[str, set[str]]) -> list[Person]:
    codes = [w.code for w in active]
    polls: dict[str | None, list[SubmissionValue]] = defaultdict(list)
    for v in read(store, "list_submission_values", "poll", "answers", "answer", workshop_codes=codes):
        polls[v.workshop_code].append(v)
    quizzes: dict[str | None, list[SubmissionValue]] = defaultdict(list)
    for v in read(store, "list_submission_values", "quiz", "result", "questions", workshop_codes=codes):
        if v.participant:
            quizzes[v.workshop_code].append(v)
    topic_of = load_quiz_index().topic_of
    people: list[Person] = []
    for w in active:
        first, last = first_and_last(polls[w.code])
        quiz_of = {
            v.participant: {q: ok for q, ok in correct_per_question(v.value).items() if q in topic_of}
            for v in latest_per_participant(quizzes[w.code])
        }
        month = l10n.month_key(w.created_at)
        for token in sorted(tokens[w.code]):
            people.append(
                Person(
                    token,
                    w.department or "Uden afdeling",
                    month,
                    first.get(token),
                    last.get(token),
                    quiz_of.get(token, {}),
                )
            )
    return people


def _months(active: list[Workshop], people: list[Person], counted: list[Person]) -> tuple[MonthRow, ...]:
    keys = sorted({p.month for p in people} | {l10n.month_key(w.created_at) for w in active})
    rows = []
    for key in keys:
        group = [p for p in counted if p.month == key]
        quizzers = [p for p in group if p.quiz]
        answers = [ok for p in quizzers for ok in p.quiz.values()]
        share = sum(answers) / len(answers) if answers else 0.0
        rows.append(
            MonthRow(
                key=key,
                workshops=sum(l10n.month_key(w.created_at) == key for w in active),
                participants=len(group) if len(group) >= MIN_GROUP else None,
                before_mean=_if_enough([p.before for p in group if p.before is not None]),
                after_mean=_if_enough([p.after for p in group if p.after is not None]),
                quiz_share=_round(share) if len(quizzers) >= MIN_GROUP else None,
            )
        )
    return tuple(rows)


def _topics(counted: list[Person], labels: Mapping[str, str], topic_of: Mapping[str, str]) -> Topics:
    takers: Counter[str] = Counter()  # participants with at least one answer in the topic
    right: Counter[str] = Counter()
    answered: Counter[str] = Counter()
    for p in counted:
        for topic in {topic_of[q] for q in p.quiz}:
            takers[topic] += 1
        for q, ok in p.quiz.items():
            right[topic_of[q]] += ok
            answered[topic_of[q]] += 1
    shares = {t: right[t] / answered[t] if answered[t] else 0.0 for t in TOPICS if takers[t] >= MIN_GROUP}
    ranking = sorted((share, t) for t, share in shares.items())
    follow_up = tuple(t for share, t in ranking if share < FOLLOW_UP_SHARE)
    lowest = ranking[0][1] if ranking else None
    rows = tuple(
        TopicRow(
            topic=t,
            label=labels[t],
            participants=takers[t] if t in shares else None,
            share=_round(shares[t]) if t in shares else None,
            follow_up=t in follow_up,
            lowest=t == lowest and t in follow_up,
        )
        for t in TOPICS
        if takers[t]
    )
    return Topics(rows, follow_up, lowest)


def _departments(by_department: Mapping[str, list[Person]], small: set[str]) -> tuple[DepartmentRow, ...]:
    rows = []
    for name in sorted(by_department):
        group = by_department[name]
        if name in small:
            rows.append(DepartmentRow(name, None, None, None, None))
            continue
        befores = [p.before for p in group if p.before is not None]
        pairs = [(p.before, p.after) for p in group if p.before is not None and p.after is not None]
        before, after = _if_enough(befores), _if_enough([a for _, a in pairs])
        rows.append(
            DepartmentRow(
                name=name,
                participants=len(group),
                before=None if before is None else (len(befores), before),
                after=None if after is None else (len(pairs), after),
                change=_if_enough([a - b for b, a in pairs]),
            )
        )
    return tuple(rows)


def cohort_report(store: Store, start: Any, end: Any, department: str | None = None) -> Report:
    """Workshops created from ``start`` to ``end`` (both included, Danish days), optionally one department.

    Raises
    ------
    ReportError
        Bad dates, start after end, no workshops with answers in the period, or an unreachable store.
    """
    first_day, last_day = parse_date(start, "Startdatoen"), parse_date(end, "Slutdatoen")
    if first_day > last_day:
        raise ReportError(
            f"Startdatoen ({first_day.isoformat()}) ligger efter slutdatoen ({last_day.isoformat()}). Byt om på dem."
        )
    try:
        wanted = validate_department(department)
    except ValueError as exc:
        raise ReportError(str(exc)) from None
    period = f"{l10n.date_long(first_day)} – {l10n.date_long(last_day)}"
    chosen = _workshops_in_period(store, first_day, last_day, wanted)
    # a participant is anyone who answered anything
    tokens = read(store, "participants_by_workshop", [w.code for w in chosen]) if chosen else {}
    active = [w for w in chosen if tokens.get(w.code)]
    if not active:
        where = f" for afdelingen «{wanted}»" if wanted else ""
        raise ReportError(
            f"Der er ingen workshops med svar{where} i perioden {period}. Vælg en anden periode."
        )
    people = _people(store, active, tokens)
    by_department: dict[str, list[Person]] = defaultdict(list)
    for p in people:
        by_department[p.department].append(p)
    small = {d for d, ps in by_department.items() if len(ps) < MIN_GROUP}
    counted = [p for p in people if p.department not in small]
    index = load_quiz_index()
    overview = Overview(
        period, wanted, len(active), len(counted) if len(counted) >= MIN_GROUP else None, len(small)
    )
    months = _months(active, people, counted)
    topics = _topics(counted, index.topics, index.topic_of)
    departments = _departments(by_department, small)
    synthetic = sum(is_synthetic(w) for w in active)
    sections = (
        Section("overview", "Overblik", "reports/cohort/overview.html.j2", overview),
        Section("months", "Udvikling måned for måned", "reports/cohort/months.html.j2", months),
        Section("topics", "Quizemner, der trænger til opfølgning", "reports/cohort/topics.html.j2", topics),
        Section(
            "departments",
            "Tryghed før og efter pr. afdeling",
            "reports/cohort/departments.html.j2",
            departments,
        ),
    )
    scope = f"afdeling: {wanted}" if wanted else "alle afdelinger"
    return Report(
        "cohort",
        "Samlet evalueringsrapport",
        f"Workshops oprettet {period} · {scope}.",
        synthetic > 0,
        sections,
        _result(first_day, last_day, overview, months, topics, departments, synthetic),
        synthetic_text=f"{synthetic} af de {len(active)} workshops i rapporten er lavet af demodatagenerator.",
    )


def _result(first_day, last_day, overview: Overview, months, topics, departments, synthetic: int) -> dict:
    return {
        "start": first_day.isoformat(),
        "end": last_day.isoformat(),
        "department": overview.department,
        "min_group": MIN_GROUP,
        "workshops": overview.workshops,
        "participants": overview.participants,
        "synthetic": synthetic > 0,
        "synthetic_workshops": synthetic,
        "suppressed_departments": overview.small_departments,
        "months": {
            m.key: {
                "workshops": m.workshops,
                "participants": m.participants,
                "before_mean": m.before_mean,
                "after_mean": m.after_mean,
                "quiz_share": m.quiz_share,
            }
            for m in months
        },
        "topics": {
            t.topic: {"participants": t.participants, "share": t.share, "suppressed": t.share is None}
            for t in topics.rows
        },
        "follow_up": list(topics.follow_up),
        "lowest_topic": topics.lowest,
        "departments": {
            d.name: {"suppressed": True, "participants": None, "before": None, "after": None}
            if d.participants is None
            else {
                "suppressed": False,
                "participants": d.participants,
                "before": None if d.before is None else {"n": d.before[0], "mean": d.before[1]},
                "after": None if d.after is None else {"n": d.after[0], "mean": d.after[1]},
                "change": d.change,
            }
            for d in departments
        },
    }
