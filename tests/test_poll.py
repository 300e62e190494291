"""The kick-off poll: the dataset, validation of the answer and the word, aggregation and the chart."""

from __future__ import annotations

import datetime as dt
from collections import Counter

import pytest
import yaml

from aiskole import l10n
from aiskole.datasets import DatasetError
from aiskole.exercises import poll
from tests.conftest import ROOT, rows_of


def test_dataset_has_the_question_and_five_labelled_answers():
    content = poll.load_poll()
    assert content.question == "Hvordan har du det med AI i dit arbejde?"
    assert [(a.value, a.label) for a in content.answers] == [
        (1, "Utryg"),
        (2, "Lidt usikker"),
        (3, "Neutral"),
        (4, "Ret tryg"),
        (5, "Tryg og motiveret"),
    ]
    assert content.word.max_length == 30
    assert content.checked == dt.date(2026, 11, 27)
    assert "anonymt" in content.intro


# --- the answer ----------------------------------------------------------------------------------------


@pytest.mark.parametrize("value", [1, 2, 3, 4, 5])
def test_every_answer_on_the_scale_is_accepted(value):
    vote = poll.make_vote(value)
    assert vote.answer == value
    assert vote.label == poll.load_poll().answers[value - 1].label
    assert vote.to_answers() == {"answer": value, "word": None, "v": 2}
    assert poll.PollSubmission.from_answers(vote.to_answers(), vote.to_result()) == vote


def test_a_row_in_the_version_1_shape_still_loads():
    """Poll answers saved before versions existed had no "v": do they load as the same answer?"""
    loaded = poll.PollSubmission.from_answers({"answer": 4, "word": "spændt"}, {"label": "Ret tryg"})
    assert loaded == poll.PollSubmission(4, "Ret tryg", "spændt")


@pytest.mark.parametrize(
    ("value", "message"),
    [
        (None, "Vælg et svar, før du sender."),
        (0, "Vælg et af de fem svar"),
        (6, "Vælg et af de fem svar"),
        ("4", "Vælg et af de fem svar"),
        (3.0, "Vælg et af de fem svar"),
        (True, "Vælg et af de fem svar"),
    ],
)
def test_a_missing_or_bad_answer_gives_a_danish_error(value, message):
    with pytest.raises(ValueError, match=message):
        poll.make_vote(value, "nysgerrig")


# --- the word ------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "cleaned"),
    [
        ("nysgerrig", "nysgerrig"),
        ("  Spændt  ", "Spændt"),
        ("lidt   bekymret", "lidt bekymret"),
        ("ny\tmulighed\n", "ny mulighed"),
        ("", None),
        ("   ", None),
        (None, None),
        ("x" * 30, "x" * 30),
        ("<b>fed</b>", "<b>fed</b>"),  # stored as typed; escaped wherever it is shown
    ],
)
def test_the_word_is_trimmed_and_blank_means_none(text, cleaned):
    assert poll.clean_word(text) == cleaned


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("x" * 31, "Ordet er for langt: højst 30 tegn – du har skrevet 31."),
        ("<script>window.__xss = 1</script>", "Ordet er for langt: højst 30 tegn – du har skrevet 33."),
        ("en to tre fire", "Skriv højst tre ord – du har skrevet 4."),
        (42, "Ordet skal være tekst."),
    ],
)
def test_a_bad_word_gives_a_danish_error_without_repeating_it(text, message):
    with pytest.raises(ValueError) as info:
        poll.make_vote(3, text)
    assert str(info.value).startswith(message)
    assert "<script>" not in str(info.value)


# --- aggregation ---------------------------------------------------------------------------------------

RESPONSES = [
    {"answer": 4, "word": "Nysgerrig"},
    {"answer": 5, "word": "nysgerrig"},
    {"answer": 5, "word": "NYSGERRIG "},
    {"answer": 2, "word": "Bekymret"},
    {"answer": 1, "word": None},
    {"answer": 4, "word": ""},
    {"answer": 3, "word": "spændt"},
    {"answer": 4, "word": "Spændt"},
]


def test_aggregate_counts_mean_n_and_case_folded_words():
    """Are counts, n, mean and word frequencies right (recomputed independently)?"""
    r = poll.results_of(rows_of("poll", RESPONSES))
    answers = [row["answer"] for row in RESPONSES]
    assert r.counts == {v: answers.count(v) for v in range(1, 6)}
    assert r.counts == {1: 1, 2: 1, 3: 1, 4: 3, 5: 2}
    assert r.n == len(RESPONSES) == 8
    assert r.mean == pytest.approx(sum(answers) / len(answers)) == pytest.approx(3.5)
    expected = Counter(
        row["word"].strip().casefold() for row in RESPONSES if row["word"] and row["word"].strip()
    )
    assert dict(r.words) == dict(expected)
    assert r.words == (("nysgerrig", 3), ("spændt", 2), ("bekymret", 1))  # most frequent first, then a-å
    assert r.skipped == 0
    assert l10n.mean(r.mean) == "3,5"


def test_aggregate_of_nothing():
    r = poll.results_of([])
    assert r.n == 0 and r.mean is None and r.words == ()
    assert r.counts == {1: 0, 2: 0, 3: 0, 4: 0, 5: 0}
    assert l10n.mean(r.mean) == "–"


@pytest.mark.parametrize("bad", [{}, {"answer": 7}, {"answer": "5"}, {"answer": True}, {"answer": None}, "x"])
def test_aggregate_skips_rows_that_are_not_valid_answers(bad):
    r = poll.results_of(rows_of("poll", [{"answer": 2, "word": "rolig"}, bad]))
    assert r.n == 1 and r.skipped == 1 and r.mean == 2


def test_to_dict_is_json_ready():
    r = poll.results_of(rows_of("poll", RESPONSES[:2]))
    assert r.to_dict() == {
        "counts": {"1": 0, "2": 0, "3": 0, "4": 1, "5": 1},
        "n": 2,
        "mean": 4.5,
        "words": [["nysgerrig", 2]],
    }


# --- the dataset ---------------------------------------------------------------------------------------


def _broken_copy(tmp_path, mutate):
    data = yaml.safe_load((ROOT / "datasets" / "poll.yaml").read_text(encoding="utf-8"))
    mutate(data)
    (tmp_path / "poll.yaml").write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    return tmp_path


@pytest.mark.parametrize(
    ("mutate", "message"),
    [
        (lambda d: d["answers"].pop(), "1-5 i rækkefølge"),
        (lambda d: d["answers"].reverse(), "1-5 i rækkefølge"),
        (lambda d: d["answers"][1].update(label=d["answers"][0]["label"]), "samme tekst"),
        (lambda d: d["answers"][0].update(label=""), "label"),
        (lambda d: d["word"].update(max_length=500), "max_length"),
        (lambda d: d.update(review_by=d["checked"]), "review_by"),
        (lambda d: d.update(extra="felt"), "extra"),
    ],
)
def test_a_broken_dataset_is_refused_with_a_danish_message(tmp_path, mutate, message):
    with pytest.raises(DatasetError, match="er ugyldig") as info:
        poll.load_poll(_broken_copy(tmp_path, mutate))
    assert message in str(info.value)
