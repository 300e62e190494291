"""The mini-DPIA decision rule (domain.md §8.1), rule by rule."""

from __future__ import annotations

import pytest

from aiskole.exercises import dpia
from aiskole.exercises.dpia import load_dpia


def answers(*yes: int) -> dict[int, bool]:
    return {n: n in yes for n in range(1, 11)}


# (yes-answers, public_area, expected verdict, expected rule ids in order)
TABLE = [
    # 1. hard triggers
    pytest.param((2,), False, "full", ["automatiske-afgoerelser"], id="Q2-alone-automatic-decisions"),
    pytest.param(
        (4, 5), False, "full", ["foelsomme-data-i-stort-omfang", "to-kriterier"], id="Q4+Q5-art35-3b"
    ),
    pytest.param(
        (3, 5), True, "full", ["overvaagning-offentligt-omraade", "to-kriterier"], id="Q3+Q5-public-art35-3c"
    ),
    pytest.param((3, 5), False, "full", ["to-kriterier"], id="Q3+Q5-not-public-only-two-criteria"),
    pytest.param((8, 6), False, "full", ["innovativ-teknologi", "to-kriterier"], id="Q8+other-datatilsynet"),
    pytest.param((10, 7), False, "full", ["biometri-genetik-lokation"], id="Q10+one-criterion"),
    pytest.param((10, 8), False, "full", ["biometri-genetik-lokation"], id="Q10+Q8-Q8-has-no-other"),
    pytest.param((1, 5), False, "full", ["profilering-i-stort-omfang", "to-kriterier"], id="Q1+Q5-profiling"),
    # 2. WP248 rule of thumb
    pytest.param((6, 7), False, "full", ["to-kriterier"], id="two-plain-criteria"),
    pytest.param((1, 3, 6, 7, 9), False, "full", ["to-kriterier"], id="five-criteria"),
    # 3. grey zone: exactly one criterion and no hard rule
    *[
        pytest.param((n,), False, "grey", ["et-kriterium"], id=f"grey-Q{n}-alone")
        for n in (1, 3, 4, 5, 6, 7, 8, 9)
    ],
    pytest.param((3,), True, "grey", ["et-kriterium"], id="grey-Q3-public-but-not-large-scale"),
    # 4. nothing
    pytest.param((), False, "none", ["ingen-kriterier"], id="none"),
    pytest.param((10,), False, "none", ["ingen-kriterier"], id="Q10-without-criteria-amplifies-nothing"),
    pytest.param((), True, "none", ["ingen-kriterier"], id="public-area-without-Q3-ignored"),
]


@pytest.mark.parametrize(("yes", "public", "verdict", "rules"), TABLE)
def test_decision_table(yes, public, verdict, rules):
    """Does each combination give the verdict and the rules that domain.md §8.1 prescribes?"""
    result = dpia.screen(answers(*yes), public_area=public)
    assert result.verdict == verdict
    assert [r.rule for r in result.reasons] == rules
    assert result.criteria_met == tuple(sorted(n for n in yes if n != 10))


def test_every_hard_trigger_alone_is_enough_to_require_a_full_dpia():
    """Does every rule of step 1 fire on its own, with only the questions it needs answered yes?"""
    minimal = {
        "automatiske-afgoerelser": ((2,), False),
        "foelsomme-data-i-stort-omfang": ((4, 5), False),
        "overvaagning-offentligt-omraade": ((3, 5), True),
        "innovativ-teknologi": ((8, 1), False),
        "biometri-genetik-lokation": ((10, 9), False),
        "profilering-i-stort-omfang": ((1, 5), False),
    }
    for rule, (yes, public) in minimal.items():
        verdict, fired = dpia.fired_rules(answers(*yes), public_area=public)
        assert verdict == "full"
        assert rule in fired


def test_all_1024_combinations_follow_the_rule():
    """Does the verdict match an independent reading of the rule for every possible set of answers?"""
    for mask in range(1024):
        a = {n: bool(mask >> (n - 1) & 1) for n in range(1, 11)}
        for public in (False, True):
            crit = sum(a[n] for n in range(1, 10))
            hard = (
                a[2]
                or (a[4] and a[5])
                or (a[3] and a[5] and public)
                or (a[8] and crit - 1 >= 1)
                or (a[10] and crit >= 1)
                or (a[1] and a[5])
            )
            expected = "full" if hard or crit >= 2 else "grey" if crit == 1 else "none"
            assert dpia.screen(a, public_area=public).verdict == expected, (a, public)


def test_reasons_carry_the_legal_basis_from_the_dataset():
    """Does every reason name its legal basis and at least one source, taken from datasets/dpia.yaml?"""
    content = load_dpia()
    result = dpia.screen(answers(2, 4, 5, 8))
    for reason in result.reasons:
        assert reason.legal_basis == content.rule(reason.rule).legal_basis
        assert reason.sources and all(str(s.url).startswith("https://") for s in reason.sources)
    assert "art. 22" in result.reasons[0].legal_basis


def test_notes_prior_consultation_and_ai_act_check():
    """Is art. 36 mentioned for a full DPIA, and the AI Act Annex III check only when Q2 is yes?"""
    full_q2 = dpia.screen(answers(2))
    assert [n.id for n in full_q2.notes] == ["forudgaaende-hoering", "ai-forordningen-hoejrisiko"]
    full_other = dpia.screen(answers(6, 7))
    assert [n.id for n in full_other.notes] == ["forudgaaende-hoering"]
    assert dpia.screen(answers(6)).notes == ()
    assert "2. december 2027" in full_q2.notes[1].text and "2. august 2026" in full_q2.notes[1].text


def test_verdict_texts_and_disclaimer():
    """Does the result carry the Danish label, summary and the DPO disclaimer?"""
    result = dpia.screen(answers(6))
    assert result.label == "Gråzone"
    assert "DPO" in result.disclaimer and "screeningsværktøj" in result.disclaimer


@pytest.mark.parametrize(
    ("bad", "message"),
    [
        ({n: False for n in range(1, 10)}, "Spørgsmål 10 mangler et svar"),
        ({1: True}, "Spørgsmålene 2, 3, 4, 5, 6, 7, 8, 9 og 10 mangler"),
        ({**answers(), 11: True}, "Ukendte spørgsmålsnumre: 11"),
        ({**answers(), 0: True}, "Ukendte spørgsmålsnumre: 0"),
        ({**{str(n): False for n in range(1, 11)}}, "Ukendte spørgsmålsnumre: '1'"),
        ({**answers(), 3: "ja"}, "spørgsmål 3 skal være ja eller nej"),
        ({**answers(), 4: None, 5: 1}, "spørgsmål 4 og 5 skal være ja eller nej"),
        ([True] * 10, "oversigt fra spørgsmålsnummer"),
    ],
)
def test_bad_answers_raise_a_danish_value_error(bad, message):
    """Do missing, extra and non-yes/no answers raise ValueError with a Danish message?"""
    with pytest.raises(ValueError, match=message):
        dpia.screen(bad)


def test_public_area_must_be_yes_or_no():
    with pytest.raises(ValueError, match="offentligt tilgængeligt"):
        dpia.screen(answers(3), public_area="ja")


def test_the_stored_result_is_json_ready():
    import json

    model = dpia.DpiaSubmission.of(dpia.screen(answers(3, 5), public_area=True))
    data = json.loads(json.dumps(model.to_result()))
    assert data == {
        "verdict": "full",
        "rules": ["overvaagning-offentligt-omraade", "to-kriterier"],
        "notes": ["forudgaaende-hoering"],
        "criteria_met": [3, 5],
        "public_area": True,
    }


def test_a_submission_survives_the_round_trip_through_json():
    """Does a saved mini-DPIA come back from its stored JSON as the same model?"""
    import json

    model = dpia.DpiaSubmission.of(dpia.screen(answers(2, 3, 5), public_area=True))
    stored_answers = json.loads(json.dumps(model.to_answers()))
    stored_result = json.loads(json.dumps(model.to_result()))
    assert stored_answers["v"] == dpia.DpiaSubmission.version
    assert dpia.DpiaSubmission.from_answers(stored_answers, stored_result) == model


def test_a_row_in_the_version_1_shape_still_loads():
    """Rows saved before versions existed kept public_area in the result and had no "v": do they still load?"""
    old_answers = {str(n): n in (3, 5) for n in range(1, 11)}
    old_result = {
        "verdict": "full",
        "rules": ["overvaagning-offentligt-omraade", "to-kriterier"],
        "notes": ["forudgaaende-hoering"],
        "criteria_met": [3, 5],
        "public_area": True,
    }
    model = dpia.DpiaSubmission.from_answers(old_answers, old_result)
    assert model.public_area is True and model.verdict == "full"
    assert model.screen().verdict == "full"
    assert (
        dpia.DpiaSubmission.from_answers(old_answers, {**old_result, "public_area": False}).public_area
        is False
    )


def test_an_unreadable_row_says_so_in_danish():
    from aiskole.exercises.base import Unreadable

    with pytest.raises(Unreadable, match="spørgsmål 4"):
        dpia.DpiaSubmission.from_answers({str(n): False for n in (1, 2, 3)}, {})
