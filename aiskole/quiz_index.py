"""The quiz's topic headings and the topic of each question, read straight from ``datasets/quiz.yaml``.

Reports that group stored quiz answers by topic need these two maps, not the validated question bank.
Loading the validation layer (pydantic and the dataset models) costs a report kernel more than the
report's own work over 10,000 answers, so this module reads the file without it. The file is still
validated: :func:`aiskole.exercises.quiz.load_quiz` checks it wherever questions are shown, and the tests check that
this index agrees with it. A file this reader cannot understand is handed to ``load_quiz`` for its
Danish error message.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import yaml

from aiskole.scales import TOPICS
from aiskole.settings import get_settings


@dataclass(frozen=True)
class QuizIndex:
    """``topics``: topic → Danish heading; ``topic_of``: question id → topic."""

    topics: dict[str, str]
    topic_of: dict[str, str]


def load_quiz_index(datasets_dir: Path | None = None) -> QuizIndex:
    """The topics and the topic of every question (cached until the file changes).

    Raises
    ------
    aiskole.datasets.DatasetError
        The file is missing or broken (the message of the full validation, in Danish).
    """
    path = (datasets_dir or get_settings().datasets_dir) / "quiz.yaml"
    try:
        return _read(path, path.stat().st_mtime)
    except (OSError, yaml.YAMLError, TypeError, KeyError, AttributeError, ValueError):
        # Only for a broken file: the full validation gives its Danish error message; importing it costs a
        # report kernel pydantic and the question bank's models (~0.15 s), which a sound file never needs.
        from aiskole.exercises.quiz import load_quiz

        content = load_quiz(datasets_dir)  # raises the Danish DatasetError for a broken file
        return QuizIndex(dict(content.topics), {q.id: q.topic for q in content.questions})


@lru_cache(maxsize=4)
def _read(path: Path, _mtime: float) -> QuizIndex:
    loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
    raw = yaml.load(path.read_text(encoding="utf-8"), Loader=loader)
    topics = {str(k): str(v) for k, v in raw["topics"].items()}
    topic_of = {str(q["id"]): str(q["topic"]) for q in raw["questions"]}
    if set(topics) != set(TOPICS) or not set(topic_of.values()) <= set(TOPICS):
        raise ValueError("quiz.yaml: unknown topics")
    return QuizIndex(topics, topic_of)
