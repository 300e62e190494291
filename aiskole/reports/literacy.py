"""Documentation of a workshop as an AI Act art. 4 measure (AI literacy), with a printable participant
certificate (a complete HTML page the participant fills in with their own name in the browser)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from aiskole import exercises
from aiskole.datasets import Claim, load_claims
from aiskole.exercises.base import read_all
from aiskole.exercises.quiz import QuizSubmission
from aiskole.quiz_index import load_quiz_index
from aiskole.reports.model import Report, Section, is_synthetic
from aiskole.reports.workshop import Loaded, load
from aiskole.scales import TOPICS

if TYPE_CHECKING:  # the store is handed in; its types are only annotations here
    from aiskole.store import Store

#: The claim the record cites for art. 4.
ART4_CLAIM = "aia-art4-faerdigheder"


@dataclass(frozen=True)
class Covered:
    title: str
    topic: str
    practised: str
    submissions: int


@dataclass(frozen=True)
class Facts:
    day: dt.date
    title: str
    department: str
    code: str
    participants: int


@dataclass(frozen=True)
class Certificate:
    title: str
    day: dt.date
    department: str | None
    topics: tuple[str, ...]
    synthetic: bool


def covered(loaded: Loaded) -> tuple[list[str], list[str], list[Covered]]:
    """The exercises with at least one answer, the quiz's topics, and what each exercise covered."""
    index = load_quiz_index()
    quiz_topics = {
        index.topic_of[q]
        for s in read_all(QuizSubmission, loaded.rows)[0]
        for q in s.model.correct
        if q in index.topic_of
    }
    topics = [t for t in TOPICS if t in quiz_topics]
    done = [e for e in exercises.EXERCISES if any(r.exercise == e.name for r in loaded.rows)]
    rows = []
    for e in done:
        topic, practised = e.unit.COVERAGE
        if e.name == "quiz" and topics:
            topic = "Quiz om " + ", ".join(index.topics[t] for t in topics)
        rows.append(Covered(e.title, topic, practised, sum(r.exercise == e.name for r in loaded.rows)))
    return [e.name for e in done], topics, rows


def literacy_record(store: Store, code: Any) -> Report:
    """The art. 4 record of one workshop, and its participant certificate.

    Raises
    ------
    ReportError
        Badly formed or unknown code, a workshop without answers, or an unreachable store (Danish message).
    """
    loaded = load(store, code)
    names, topics, rows = covered(loaded)
    claim: Claim = load_claims()[ART4_CLAIM]
    synthetic = is_synthetic(loaded.workshop)
    facts = Facts(
        loaded.day, loaded.title, loaded.department or "ikke angivet", loaded.code, len(loaded.participants)
    )
    sections = (
        Section("facts", "Dokumentation", "reports/literacy/facts.html.j2", facts),
        Section("covered", "Indhold og øvelser", "reports/literacy/covered.html.j2", tuple(rows)),
        Section("art4", "AI-forordningens art. 4", "reports/literacy/art4.html.j2", claim),
        Section("certificate", "Deltagerbevis", "reports/literacy/certificate_note.html.j2", None),
    )
    certificate = Certificate(
        loaded.title,
        loaded.day,
        loaded.department,
        tuple(e.unit.COVERAGE[0] for e in map(exercises.get, names)),
        synthetic,
    )
    result = {
        "code": loaded.code,
        "date": loaded.day.isoformat(),
        "title": loaded.title,
        "department": loaded.department,
        "participants": len(loaded.participants),
        "exercises": names,
        "quiz_topics": topics,
        "synthetic": synthetic,
        "claim": claim.id,
    }
    return Report(
        "literacy",
        f"AI-færdigheder (art. 4): {loaded.title}",
        loaded.subtitle(),
        synthetic,
        sections,
        result,
        synthetic_text="Workshoppen er lavet af demodatagenerator.",
        certificate=certificate,
    )


def certificate_file_name(code: Any) -> str:
    return f"deltagerbevis-{str(code).strip().upper()}.html"
