"""The quiz's pure logic and its question bank: validation, picking, shuffling and grading."""

from __future__ import annotations

import datetime as dt
import random
import re
from pathlib import Path

import pytest
import yaml

from aiskole.datasets import DatasetError
from aiskole.exercises import quiz

ROOT = Path(__file__).resolve().parent.parent
RAW = yaml.safe_load((ROOT / "datasets" / "quiz.yaml").read_text(encoding="utf-8"))
#: The right option per question, read straight from the YAML (independent of the pydantic model).
RIGHT = {q["id"]: next(o["id"] for o in q["options"] if o.get("correct")) for q in RAW["questions"]}
TOPIC_OF = {q["id"]: q["topic"] for q in RAW["questions"]}

#: domain.md §8.2: the ten law questions must all be in the bank.
LAW_IDS = {
    "dpia-hvornaar",
    "wp248-to-kriterier",
    "dpia-dpo",
    "cpr-ikke-art9",
    "cpr-modulus-11",
    "aia-dato-art4-art5",
    "aia-foelelsesgenkendelse",
    "aia-hoejrisiko-ydelse",
    "aia-fria",
    "aia-maerkning-nyhed",
}


@pytest.fixture(scope="module")
def content() -> quiz.QuizContent:
    return quiz.load_quiz()


# --- the question bank -------------------------------------------------------------------------------


def test_the_bank_has_the_law_questions_and_enough_on_prompting_and_process(content):
    ids = {q.id for q in content.questions}
    assert ids >= LAW_IDS
    counts = {t: sum(q.topic == t for q in content.questions) for t in quiz.TOPICS}
    assert counts["jura"] >= 10 and counts["prompt"] >= 5 and counts["proces"] >= 5


def test_every_question_has_one_right_option_a_source_and_a_date(content):
    for q in content.questions:
        assert 3 <= len(q.options) <= 4
        assert sum(o.correct for o in q.options) == 1
        assert q.correct_option.id == RIGHT[q.id]
        assert str(q.source.url).startswith("https://")
        # checked against the domain brief (27 November) or its corrections of 1 December 2026
        assert q.checked in (dt.date(2026, 11, 27), dt.date(2026, 12, 1))
        assert len(q.explanation) > 40


def test_no_unverified_figures_are_taught():
    """domain.md marks these as unverified or contradicted; they must never appear as quiz facts."""
    text = (ROOT / "datasets" / "quiz.yaml").read_text(encoding="utf-8")
    for banned in (r"\b82 ?%", r"\b196\b", r"\b114\b", r"30 % færre", r"3 mio"):
        assert not re.search(banned, text), banned


def _broken(tmp_path, mutate) -> Path:
    data = yaml.safe_load((ROOT / "datasets" / "quiz.yaml").read_text(encoding="utf-8"))
    mutate(data)
    (tmp_path / "quiz.yaml").write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    return tmp_path


def _two_right(d):
    d["questions"][0]["options"][1]["correct"] = True


def _none_right(d):
    d["questions"][0]["options"][0]["correct"] = False


def _duplicate_id(d):
    d["questions"][1]["id"] = d["questions"][0]["id"]


@pytest.mark.parametrize(
    ("mutate", "message"),
    [
        (_two_right, "præcis én svarmulighed skal være rigtig, fandt 2"),
        (_none_right, "præcis én svarmulighed skal være rigtig, fandt 0"),
        (_duplicate_id, "spørgsmål med samme id"),
        (lambda d: d["questions"][0].update(topic="økonomi"), "topic"),
        (lambda d: d["questions"][0]["options"].pop(), "options"),
        (lambda d: d["questions"][0]["source"].update(url="http://gdprinfo.eu/da/da-article-35"), "https"),
        (lambda d: d["questions"][0]["source"].update(url="ikke en url"), "url"),
        (lambda d: d["topics"].pop("proces"), "overskrift for hvert emne"),
        (lambda d: d["questions"][0].pop("explanation"), "explanation"),
        (lambda d: d.update(review_by=dt.date(2026, 1, 1)), "review_by"),
    ],
)
def test_a_broken_copy_is_refused_with_a_danish_message(tmp_path, mutate, message):
    with pytest.raises(DatasetError, match="er ugyldig") as info:
        quiz.load_quiz(_broken(tmp_path, mutate))
    assert message in str(info.value)


def test_a_missing_file_is_named(tmp_path):
    with pytest.raises(DatasetError, match="findes ikke"):
        quiz.load_quiz(tmp_path)


# --- picking and shuffling ---------------------------------------------------------------------------


@pytest.mark.parametrize("topic", quiz.TOPICS)
def test_pick_by_topic(content, topic):
    picked = quiz.pick_questions(content, topic)
    assert picked and {q.topic for q in picked} == {topic}
    assert [q.id for q in picked] == [i for i, t in TOPIC_OF.items() if t == topic]


@pytest.mark.parametrize("topic", [None, "", "alle"])
def test_pick_all(content, topic):
    assert [q.id for q in quiz.pick_questions(content, topic)] == list(RIGHT)


def test_picking_with_a_seed_shuffles_the_order_repeatably(content):
    a = quiz.pick_questions(content, "alle", rng=random.Random(7))
    b = quiz.pick_questions(content, "alle", rng=random.Random(7))
    assert [q.id for q in a] == [q.id for q in b]
    assert sorted(q.id for q in a) == sorted(RIGHT)
    assert [q.id for q in a] != list(RIGHT)


def test_unknown_topic_is_refused_in_danish(content):
    with pytest.raises(ValueError, match="Ukendt emne"):
        quiz.pick_questions(content, "økonomi")


def test_shuffling_keeps_the_right_answer_right(content):
    """Over many seeds, the right option moves around, but it is always the same option (by id and text)."""
    for q in content.questions:
        positions = set()
        for seed in range(40):
            shuffled = quiz.shuffle_options(q, random.Random(seed))
            assert sorted(o.id for o in shuffled.options) == sorted(o.id for o in q.options)
            assert shuffled.correct_id == RIGHT[q.id]
            right = [o for o in shuffled.options if o.id == shuffled.correct_id]
            assert right[0].correct and right[0].text == q.correct_option.text
            positions.add([o.id for o in shuffled.options].index(RIGHT[q.id]))
            # grading by the option id, whatever the position
            assert quiz.check_answer(q, shuffled.correct_id).is_correct
        assert len(positions) > 1, f"{q.id}: the right answer never moved"


def test_the_same_seed_gives_the_same_order(content):
    q = content.questions[0]
    one = quiz.shuffle_options(q, random.Random(3)).options
    two = quiz.shuffle_options(q, random.Random(3)).options
    assert one == two


# --- grading -----------------------------------------------------------------------------------------


def test_check_answer_right_and_wrong(content):
    q = content.question("dpia-hvornaar")
    right = quiz.check_answer(q, "a")
    assert right.is_correct and quiz.feedback_text(right) == "Rigtigt"
    wrong = quiz.check_answer(q, "c")
    assert not wrong.is_correct
    assert quiz.feedback_text(wrong) == (
        "Forkert – det rigtige svar er: Inden behandlingen af personoplysninger går i gang"
    )
    assert wrong.chosen_text == "Når Datatilsynet beder om den"
    assert "forud for behandlingen" in wrong.explanation
    assert str(wrong.source.url) == "https://gdprinfo.eu/da/da-article-35"


@pytest.mark.parametrize(
    ("option", "message"), [(None, "Vælg et svar"), ("", "Vælg et svar"), ("z", "ingen svarmulighed")]
)
def test_check_answer_refuses_missing_or_unknown_options(content, option, message):
    with pytest.raises(ValueError, match=message):
        quiz.check_answer(content.questions[0], option)


@pytest.mark.parametrize("seed", range(8))
@pytest.mark.parametrize("topic", ["alle", *quiz.TOPICS])
def test_grading_matches_an_independent_recount(content, topic, seed):
    """Random answers graded by :func:`quiz.grade` and recounted straight from the YAML agree."""
    rng = random.Random(seed)
    questions = quiz.pick_questions(content, topic, rng=rng)
    raw = {q["id"]: q for q in RAW["questions"]}
    answers = {q.id: rng.choice([o["id"] for o in raw[q.id]["options"]]) for q in questions}
    result = quiz.grade(questions, answers)
    expected = sum(answers[i] == RIGHT[i] for i in answers)
    assert (result.score, result.total) == (expected, len(questions))
    for t in {TOPIC_OF[i] for i in answers}:
        mine = [i for i in answers if TOPIC_OF[i] == t]
        score = result.by_topic[t]
        assert (score.correct, score.total) == (sum(answers[i] == RIGHT[i] for i in mine), len(mine))
    assert set(result.by_topic) == {TOPIC_OF[i] for i in answers}
    model = quiz.QuizSubmission.of(topic, answers, result)
    stored = model.to_result()
    assert quiz.QuizSubmission.from_answers(model.to_answers(), stored) == model
    assert stored["questions"] == {i: answers[i] == RIGHT[i] for i in answers}
    assert stored["score"] == expected and stored["total"] == len(questions)
    assert [item.question_id for item in result.items] == [q.id for q in questions]


def test_all_right_and_all_wrong(content):
    questions = quiz.pick_questions(content, "jura")
    assert quiz.grade(questions, {q.id: RIGHT[q.id] for q in questions}).score == len(questions)
    wrong = {q.id: next(o.id for o in q.options if not o.correct) for q in questions}
    result = quiz.grade(questions, wrong)
    assert result.score == 0
    assert all(not i.is_correct and i.correct_id == RIGHT[i.question_id] for i in result.items)


def test_grading_names_unanswered_questions(content):
    questions = quiz.pick_questions(content, "proces")
    answers = {q.id: RIGHT[q.id] for q in questions[1:4]}
    with pytest.raises(ValueError, match=r"Spørgsmål 1, 5, 6 mangler et svar"):
        quiz.grade(questions, answers)


def test_grading_refuses_answers_to_other_questions(content):
    questions = quiz.pick_questions(content, "prompt")
    answers = {q.id: RIGHT[q.id] for q in questions} | {"dpia-hvornaar": "a"}
    with pytest.raises(ValueError, match="ikke er med i quizzen"):
        quiz.grade(questions, answers)


def test_grading_an_empty_quiz_is_refused():
    with pytest.raises(ValueError, match="ingen spørgsmål"):
        quiz.grade([], {})


def test_the_topic_index_agrees_with_the_validated_question_bank():
    """Reports group answers with the light index: is it the same as the validated quiz?"""
    from aiskole.quiz_index import load_quiz_index

    content, index = quiz.load_quiz(), load_quiz_index()
    assert index.topic_of == {q.id: q.topic for q in content.questions}
    assert index.topics == dict(content.topics)
    assert len(index.topic_of) >= 20


@pytest.mark.parametrize(
    "text",
    ["topics: [", "topics: {jura: Jura}\nquestions: []\n", "- just a list\n"],
    ids=["not-yaml", "missing-topics", "not-a-mapping"],
)
def test_a_broken_quiz_file_gives_the_index_the_validation_message(tmp_path, text):
    from aiskole.quiz_index import load_quiz_index

    (tmp_path / "quiz.yaml").write_text(text, encoding="utf-8")
    with pytest.raises(DatasetError, match="quiz.yaml"):
        load_quiz_index(tmp_path)


def test_a_row_in_the_version_1_shape_still_loads():
    """Quizzes saved before versions existed had no "v": do they load, right and wrong per question kept?"""
    answers = {"topic": "jura", "choices": {"dpia-hvornaar": "a", "dpia-dpo": "a"}}
    result = {
        "score": 1,
        "total": 2,
        "topics": {"jura": {"correct": 1, "total": 2}},
        "questions": {"dpia-hvornaar": True, "dpia-dpo": False},
    }
    model = quiz.QuizSubmission.from_answers(answers, result)
    assert model.correct == {"dpia-hvornaar": True, "dpia-dpo": False}
    assert (model.score, model.total, model.topic) == (1, 2, "jura")
    assert model.to_result() == result


def test_a_quiz_with_no_answered_question_is_unreadable():
    from aiskole.exercises.base import Unreadable

    with pytest.raises(Unreadable, match="ingen besvarede"):
        quiz.QuizSubmission.from_answers({"topic": "jura"}, {"questions": {}})
