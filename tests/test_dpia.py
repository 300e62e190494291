"""The mini-DPIA decision rule (domain.md §8.1), rule by rule."""

from __future__ import annotations

import pytest

from aiskole.exercises import dpia
from aiskole.exercises.dpia import load_dpia


def answers(*yes: int) -> dict[int, bool]:
    return {n: n in yes for n in range(1, 11)}


# (yes-answers, public_area, expected verdict, expected rule ids in order, "påkrævet"?)
TABLE = [
    # 1. rules resting on art. 35(3) or Datatilsynet's list: "påkrævet"
    pytest.param((2,), False, "full", ["automatiske-afgoerelser"], True, id="Q2-alone-art35-3a"),
    pytest.param(
        (4, 5),
        False,
        "full",
        ["meget-personlige-data-i-stort-omfang", "to-kriterier"],
        False,
        id="Q4+Q5-art9-or-highly-personal-not-told-apart",
    ),  # fmt: skip
    pytest.param(
        (10, 5),
        False,
        "full",
        ["foelsomme-data-i-stort-omfang", "biometri-genetik", "to-kriterier"],
        True,
        id="Q10+Q5-biometrics-is-art9-data",
    ),  # fmt: skip
    pytest.param(
        (3, 5),
        True,
        "full",
        ["overvaagning-offentligt-omraade", "to-kriterier"],
        True,
        id="Q3+Q5-public-art35-3c",
    ),
    pytest.param(
        (8, 6), False, "full", ["innovativ-teknologi", "to-kriterier"], True, id="Q8+other-datatilsynet"
    ),
    pytest.param((10, 7), False, "full", ["biometri-genetik", "to-kriterier"], True, id="Q10+one-criterion"),
    pytest.param(
        (10, 8), False, "full", ["innovativ-teknologi", "biometri-genetik", "to-kriterier"], True, id="Q10+Q8"
    ),
    # 2. WP248's rule of thumb and the draft list: "skal som udgangspunkt laves"
    pytest.param((3, 5), False, "full", ["to-kriterier"], False, id="Q3+Q5-not-public-two-criteria"),
    pytest.param(
        (1, 5), False, "full", ["profilering-i-stort-omfang", "to-kriterier"], False, id="Q1+Q5-draft-list"
    ),
    pytest.param((6, 7), False, "full", ["to-kriterier"], False, id="two-plain-criteria"),
    pytest.param((1, 3, 6, 7, 9), False, "full", ["to-kriterier"], False, id="five-criteria"),
    pytest.param((4, 10), False, "grey", ["et-kriterium"], False, id="Q4+Q10-are-the-same-criterion"),
    # 3. grey zone: exactly one criterion and no rule
    *[
        pytest.param((n,), False, "grey", ["et-kriterium"], False, id=f"grey-Q{n}-alone")
        for n in (1, 3, 4, 5, 6, 7, 8, 9, 10)
    ],
    pytest.param((3,), True, "grey", ["et-kriterium"], False, id="grey-Q3-public-but-not-large-scale"),
    # 4. nothing
    pytest.param((), False, "none", ["ingen-kriterier"], False, id="none"),
    pytest.param((), True, "none", ["ingen-kriterier"], False, id="public-area-without-Q3-ignored"),
]


@pytest.mark.parametrize(("yes", "public", "verdict", "rules", "required"), TABLE)
def test_decision_table(yes, public, verdict, rules, required):
    """Does each combination give the verdict, the rules and the wording of rule v2 (domain.md §00)?"""
    result = dpia.screen(answers(*yes), public_area=public)
    assert result.verdict == verdict
    assert [r.rule for r in result.reasons] == rules
    assert result.required is required
    assert result.criteria_met == tuple(sorted({4 if n == 10 else n for n in yes}))
    if verdict == "full":
        assert result.label == ("DPIA påkrævet" if required else "DPIA skal som udgangspunkt laves")


def test_biometric_identification_alone_is_no_longer_no_dpia():
    """Biometrics alone gave "Ingen DPIA" under the old rule; as art. 9 data it is one criterion: grey zone."""
    assert dpia.screen(answers(10)).verdict == "grey"


def test_no_personal_data_means_no_dpia_whatever_the_ten_say():
    """The gateway: without personal data art. 35 does not apply, and the AI Act note says what still does."""
    for yes in ((), (2, 4, 5, 8, 10), tuple(range(1, 11))):
        result = dpia.screen(answers(*yes), personal_data=False)
        assert result.verdict == "none" and not result.required
        assert [r.rule for r in result.reasons] == ["ingen-personoplysninger"]
        assert [n.id for n in result.notes] == ["ikke-personoplysninger"]
        assert "AI-forordningen" in result.notes[0].text and result.criteria_met == ()
    assert dpia.screen({}, personal_data=False).answers == {}
    assert dpia.screen({3: True}, personal_data=False).answers == {3: True}
    with pytest.raises(ValueError, match="mangler et svar"):
        dpia.screen({}, personal_data=True)
    with pytest.raises(ValueError, match="ja eller nej"):
        dpia.screen(answers(), personal_data="nej")


def test_every_rule_alone_is_enough_for_a_dpia():
    """Does every rule of step 2 fire on its own, with only the questions it needs answered yes?"""
    minimal = {
        "automatiske-afgoerelser": ((2,), False),
        "foelsomme-data-i-stort-omfang": ((10, 5), False),
        "meget-personlige-data-i-stort-omfang": ((4, 5), False),
        "overvaagning-offentligt-omraade": ((3, 5), True),
        "innovativ-teknologi": ((8, 1), False),
        "biometri-genetik": ((10, 9), False),
        "profilering-i-stort-omfang": ((1, 5), False),
    }
    for rule, (yes, public) in minimal.items():
        verdict, fired = dpia.fired_rules(answers(*yes), public_area=public)
        assert verdict == "full"
        assert rule in fired


def independent_reading(a: dict[int, bool], public: bool, personal: bool) -> tuple[str, bool]:
    """Rule v2 of domain.md §00, written out again from the text: (verdict, "påkrævet")."""
    if not personal:
        return "none", False
    # biometrics for identification and genetic data are art. 9 data (criterion 4); Q4 mixes art. 9/10 data with
    # other highly personal data (§00, point 3), so only Q10 is certainly art. 9 data
    crit = {n for n in range(1, 10) if a[n]} | ({4} if a[10] else set())
    required = (
        a[2]  # art. 35(3)(a)
        or (a[10] and a[5])  # art. 35(3)(b)
        or (a[3] and a[5] and public)  # art. 35(3)(c)
        or (a[8] and len(crit - {8}) >= 1)  # Datatilsynet's list: innovative technology + another criterion
        or (a[10] and len(crit - {4}) >= 1)  # Datatilsynet's list: biometrics + another criterion
    )
    presumed = (a[1] and a[5]) or len(crit) >= 2  # the draft list; WP248's rule of thumb
    if required or presumed:
        return "full", required
    return ("grey" if len(crit) == 1 else "none"), False


def test_all_combinations_follow_rule_v2():
    """Does the verdict (and "påkrævet") match an independent reading of rule v2 for all 4,096 combinations of the
    ten answers, the public-area follow-up and the gateway?"""
    for mask in range(1024):
        a = {n: bool(mask >> (n - 1) & 1) for n in range(1, 11)}
        for public in (False, True):
            for personal in (True, False):
                result = dpia.screen(a, public_area=public, personal_data=personal)
                assert (result.verdict, result.required) == independent_reading(a, public, personal), (
                    a,
                    public,
                )


def test_reasons_carry_the_legal_basis_from_the_dataset():
    """Does every reason name its legal basis and at least one source, taken from datasets/dpia.yaml?"""
    content = load_dpia()
    result = dpia.screen(answers(2, 4, 5, 8))
    for reason in result.reasons:
        assert reason.legal_basis == content.rule(reason.rule).legal_basis
        assert reason.sources and all(str(s.url).startswith("https://") for s in reason.sources)
    assert "art. 22" in result.reasons[0].legal_basis


def test_notes_prior_consultation_and_ai_act_check():
    """Is art. 36 mentioned for a DPIA, and the AI Act Annex III check when people are assessed or decided about
    (Q1, Q2 or Q9: education, employment, benefits and triage all assess people), with every area a kommune meets
    and the amended date?"""
    full_q2 = dpia.screen(answers(2))
    assert [n.id for n in full_q2.notes] == ["forudgaaende-hoering", "ai-forordningen-hoejrisiko"]
    assert [n.id for n in dpia.screen(answers(9)).notes] == ["ai-forordningen-hoejrisiko"]
    # scoring employees (Annex III point 4) asks no question about a decision on a citizen
    assert "ai-forordningen-hoejrisiko" in [n.id for n in dpia.screen(answers(1, 7)).notes]
    full_other = dpia.screen(answers(6, 7))
    assert [n.id for n in full_other.notes] == ["forudgaaende-hoering"]
    assert dpia.screen(answers(6)).notes == ()
    note = full_q2.notes[1].text
    for area in ("punkt 3", "punkt 4", "punkt 5(a)", "punkt 5(d)", "2. december 2027", "EUR-Lex"):
        assert area in note
    assert "2. august 2026" not in note  # the original date is history, not the law


def test_verdict_texts_and_disclaimer():
    """Does the result carry the Danish label, summary and the DPO disclaimer?"""
    result = dpia.screen(answers(6))
    assert result.label == "Gråzone"
    assert "DPO" in result.disclaimer and "screeningsværktøj" in result.disclaimer
    assert "Kommunen (den dataansvarlige) træffer afgørelsen" in result.disclaimer  # the DPO advises


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
    assert model.public_area is True and model.verdict == "full" and model.personal_data is True
    assert model.screen().verdict == "full"
    assert (
        dpia.DpiaSubmission.from_answers(old_answers, {**old_result, "public_area": False}).public_area
        is False
    )


def test_an_unreadable_row_says_so_in_danish():
    from aiskole.exercises.base import Unreadable

    with pytest.raises(Unreadable, match="spørgsmål 4"):
        dpia.DpiaSubmission.from_answers({str(n): False for n in (1, 2, 3)}, {})


def test_a_row_in_the_version_2_shape_still_loads():
    """Version 2 rows had public_area with the answers and no gateway: they processed personal data."""
    old = {**{str(n): n in (2,) for n in range(1, 11)}, "public_area": False, "v": 2}
    model = dpia.DpiaSubmission.from_answers(old, {"verdict": "full"})
    assert model.personal_data is True and model.screen().verdict == "full"


def test_a_submission_without_personal_data_stores_only_what_was_answered():
    model = dpia.DpiaSubmission.of(dpia.screen({}, personal_data=False))
    stored = model.to_answers()
    assert stored == {"public_area": False, "personal_data": False, "v": 3}
    back = dpia.DpiaSubmission.from_answers(stored, model.to_result())
    assert back == model and back.screen().verdict == "none"
