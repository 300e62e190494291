"""The quiz widget driven headless: start, answer one question at a time, see the score, "Gem"."""

from __future__ import annotations

import pytest

from aiskole.exercises import quiz
from aiskole.store import Store, StoreError
from aiskole.widgets.quiz import QuizView

CONTENT = quiz.load_quiz()
RIGHT = {q.id: q.correct_option.id for q in CONTENT.questions}


def make_view(url: str, seed: int = 1) -> tuple[QuizView, Store]:
    store = Store(url)
    store.migrate()
    return QuizView(store_factory=lambda: store, seed=seed), store


def wrong_option(view: QuizView) -> str:
    return next(o.id for o in view.current.options if o.id != view.correct_option_id())


def play(view: QuizView, topic: str, right_every: int = 2) -> dict[str, bool]:
    """Answer every question: right for every ``right_every``-th, wrong otherwise. Returns id -> right."""
    view.topic.value = topic
    view.start_button.click()
    expected = {}
    n = 0
    while view.current is not None:
        right = n % right_every == 0
        qid = view.current.question.id
        view.choose(view.correct_option_id() if right else wrong_option(view))
        view.answer_button.click()
        expected[qid] = right
        n += 1
        view.next_button.click()
    return expected


def test_play_the_law_quiz_and_save_the_score(any_url):
    """Play the law questions, get the right score and store it, on SQLite and PostgreSQL."""
    view, store = make_view(any_url)
    expected = play(view, "jura")
    score = sum(expected.values())
    assert len(expected) == sum(q.topic == "jura" for q in CONTENT.questions)
    assert f"{score} af {len(expected)} rigtige" in view.summary.value
    store.create_pilot("Test", code="quiz-1")
    view.workshop_code.value = "quiz-1"
    view.save_button.click()
    assert "Dit resultat er gemt som nr." in view.status.value
    [row] = store.list_submissions()
    assert row.exercise == "quiz" and row.workshop_code == "QUIZ-1"
    assert view.saved_id == row.id
    assert row.result["questions"] == expected
    assert row.result["score"] == score and row.result["total"] == len(expected)
    assert row.result["topics"] == {"jura": {"correct": score, "total": len(expected)}}
    assert row.answers["topic"] == "jura"
    assert {q: row.answers["choices"][q] == RIGHT[q] for q in expected} == expected
    # saving twice does not make a second row
    view.save_button.click()
    assert "allerede gemt" in view.status.value
    assert len(store.list_submissions()) == 1
    store.dispose()


def test_all_topics_gives_a_score_per_topic(store):
    view = QuizView(store_factory=lambda: store, seed=5)
    expected = play(view, "alle", right_every=3)
    assert len(expected) == len(CONTENT.questions)
    for topic in quiz.TOPICS:
        mine = [q.id for q in CONTENT.questions if q.topic == topic]
        line = f"{CONTENT.topics[topic]}: {sum(expected[i] for i in mine)} af {len(mine)}"
        assert line in view.summary.value
    view.save_button.click()
    stored = store.list_submissions()[0].result
    assert set(stored["topics"]) == set(quiz.TOPICS)
    assert stored["questions"] == expected


def test_feedback_is_in_words_with_explanation_and_source(store):
    view = QuizView(store_factory=lambda: store, seed=2)
    view.start("prompt")
    q = view.current.question
    assert "Spørgsmål 1 af" in view.progress.value and CONTENT.topics["prompt"] in view.progress.value
    assert view.next_button.layout.display == "none"
    view.choose(view.correct_option_id())
    view.answer_button.click()
    assert "Rigtigt" in view.feedback.value and "Forkert" not in view.feedback.value
    assert 'role="status"' in view.feedback.value
    assert str(q.source.url) in view.feedback.value
    assert view.options.disabled and view.answer_button.layout.display == "none"
    assert view.next_button.layout.display is None  # shown

    view.next_button.click()
    q2 = view.current.question
    view.choose(wrong_option(view))
    view.answer_button.click()
    assert f"Forkert – det rigtige svar er: {q2.correct_option.text}" in view.feedback.value
    assert "Rigtigt" not in view.feedback.value


def test_the_options_are_shuffled_but_the_right_one_stays_right(store):
    positions = set()
    for seed in range(12):
        view = QuizView(store_factory=lambda: store, seed=seed)
        view.start("jura")
        qid = view.current.question.id
        ids = [value for _label, value in view.options.options]
        positions.add((qid, ids.index(RIGHT[qid])))
        view.choose(RIGHT[qid])
        view.answer_button.click()
        assert "Rigtigt" in view.feedback.value
    assert len({p for _q, p in positions}) > 1


def test_answering_without_a_choice_gets_a_danish_message(store):
    view = QuizView(store_factory=lambda: store, seed=1)
    view.start("proces")
    view.answer_button.click()
    assert "Vælg et svar" in view.status.value and 'role="alert"' in view.status.value
    assert view.feedback.value == ""
    view.next_button.click()  # hidden, but even if pressed it does not skip the question
    assert view._index == 0


def test_saving_before_the_end_is_refused(store):
    view = QuizView(store_factory=lambda: store, seed=1)
    view.start("proces")
    view.save_button.click()
    assert "Svar på alle spørgsmålene" in view.status.value
    assert store.list_submissions() == []


def test_unreachable_store_keeps_the_result_on_screen():
    def broken():
        raise StoreError("Databasen kan ikke nås lige nu, så svarene er ikke gemt. Dine svar er ikke tabt.")

    view = QuizView(store_factory=broken, seed=1)
    play(view, "proces")
    view.save_button.click()
    assert "Databasen kan ikke nås" in view.status.value
    assert "rigtige" in view.summary.value
    assert view.save_button.disabled is False


@pytest.mark.parametrize("code", ["x", "<script>alert(1)</script>"])
def test_bad_workshop_code_is_refused(store, code):
    view = QuizView(store_factory=lambda: store, seed=1)
    play(view, "proces")
    view.workshop_code.value = code
    view.save_button.click()
    assert "Workshopkoden skal være" in view.status.value
    assert "<script>" not in view.status.value
    assert store.list_submissions() == []


def test_starting_again_resets(store):
    view = QuizView(store_factory=lambda: store, seed=1)
    play(view, "proces")
    view.save_button.click()
    view.new_button.click()
    assert view._start_box.layout.display == "flex" and view._end_box.layout.display == "none"
    view.start("prompt")
    assert view.saved_id is None and view.result is None and view.answers() == {}
    assert view._end_box.layout.display == "none"


def test_dataset_texts_are_escaped(store):
    raw = CONTENT.model_dump(mode="json", by_alias=True)
    q = raw["questions"][0]
    q["text"] = "<img src=x onerror=alert(1)> Hvornår?"
    q["explanation"] = "<script>alert(2)</script> forklaring"
    q["options"][0]["text"] = "<b>fed</b>"
    view = QuizView(store_factory=lambda: store, content=quiz.QuizContent.model_validate(raw), seed=0)
    view.start("alle")
    while view.current.question.id != q["id"]:
        view.choose(view.correct_option_id())
        view.answer()
        view.next()
    assert "<img" not in view.question.value and "&lt;img" in view.question.value
    view.choose(wrong_option(view))
    view.answer()
    assert "<script>" not in view.feedback.value and "&lt;script&gt;" in view.feedback.value
