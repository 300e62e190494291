"""The use-case canvas: scores recomputed independently, weights, legal gates, quadrants, Danish errors, A3 export."""

from __future__ import annotations

import datetime as dt
import math
import re
from pathlib import Path

import pytest
import yaml

from aiskole.datasets import DatasetError
from aiskole.exercises import canvas as cv

ROOT = Path(__file__).resolve().parent.parent
ARTIFACTS = ROOT / "artifacts"
TODAY = dt.date(2026, 11, 27)

GAIN_W = {"tid": 40, "kvalitet": 20, "faglig_tid": 15, "klima": 10, "strategi": 15}
COMPLEXITY_W = {"data": 25, "jura": 30, "teknik": 15, "organisation": 20, "leverandoer": 10}
NO = {"forbudt": False, "bilag_iii": False, "fuld_dpia": False, "offentlig_genai": False}


def scores(**overrides) -> dict[str, int]:
    base = {
        "kvalitet": 4,
        "faglig_tid": 3,
        "klima": 1,
        "strategi": 4,
        "data": 2,
        "jura": 3,
        "teknik": 1,
        "organisation": 2,
        "leverandoer": 1,
    }
    return {**base, **overrides}


def band(hours: float) -> int:
    """The tidsbesparelse bands of domain.md §8.3, written out again."""
    if hours < 50:
        return 0
    if hours < 200:
        return 1
    if hours < 500:
        return 2
    if hours < 1000:
        return 3
    if hours < 2000:
        return 4
    return 5


def mean(values: dict[str, float], weights: dict[str, float]) -> float:
    return sum(values[k] * weights[k] for k in weights) / sum(weights.values())


# --- the dataset ------------------------------------------------------------------------------------


def test_dataset_loads_with_sources_and_dates():
    content = cv.load_canvas()
    assert content.checked == TODAY
    assert [p.weight for p in content.gevinst.parts] == list(GAIN_W.values())
    assert [p.weight for p in content.kompleksitet.parts] == list(COMPLEXITY_W.values())
    assert [q.name for q in content.quadrants] == [
        "Lavthængende frugter",
        "Strategiske projekter",
        "Små forbedringer",
        "Parkér",
    ]
    for record in (*content.questions, *content.gates):
        assert record.legal_basis
        for source in content.sources_for(record.sources):
            assert str(source.url).startswith("https://")
    urls = {str(s.url) for s in content.sources.values()}
    assert "https://aiact.annotated.nl/en/aiact/annex/iii/5/" in urls
    assert any("article-27" in u for u in urls)
    assert {f.label for f in content.roles} == {
        "AI-produktejer",
        "Dataejer / systemejer",
        "Informationssikkerhedskoordinator (ISK)",
        "Databeskyttelsesrådgiver (DPO)",
    }


@pytest.mark.parametrize(
    ("mutate", "message"),
    [
        (lambda d: d["gevinst"]["parts"].pop(), "delscorerne skal være"),
        (lambda d: d["gates"][0].update(sources=["ukendt"]), "ukendt kilde"),
        (lambda d: d["hours_bands"].__setitem__(2, [40, 2]), "hours_bands"),
        (lambda d: d["quadrants"].pop(), "quadrants"),
        (lambda d: d.update(review_by=d["checked"]), "review_by"),
        (lambda d: d["sources"]["gdpr-35"].update(url="ikke en url"), "url"),
    ],
)
def test_a_broken_dataset_is_refused_in_danish(tmp_path, mutate, message):
    data = yaml.safe_load((ROOT / "datasets" / "canvas.yaml").read_text(encoding="utf-8"))
    mutate(data)
    (tmp_path / "canvas.yaml").write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    with pytest.raises(DatasetError, match="er ugyldig") as info:
        cv.load_canvas(tmp_path)
    assert message in str(info.value)


# --- scores -----------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("hours", "expected"),
    [
        (0, 0),
        (49.9, 0),
        (50, 1),
        (199, 1),
        (200, 2),
        (499.5, 2),
        (500, 3),
        (999, 3),
        (1000, 4),
        (1999, 4),
        (2000, 5),
        (250_000, 5),
    ],
)
def test_hours_bands(hours, expected):
    assert cv.hours_score(hours) == expected == band(hours)


CASES = [
    (scores(), 1200, None),
    (scores(kvalitet=0, faglig_tid=0, klima=0, strategi=0), 10, None),
    ({k: 5 for k in cv.SCORE_INPUTS}, 5000, None),
    (scores(data=5, jura=5, teknik=4), 300, {"gevinst": {**GAIN_W, "tid": 0}}),
    (scores(), 700, {"gevinst": dict.fromkeys(GAIN_W, 1), "kompleksitet": dict.fromkeys(COMPLEXITY_W, 7)}),
    (scores(klima=5, data=0), 60, {"kompleksitet": {**COMPLEXITY_W, "jura": 100}}),
]


@pytest.mark.parametrize(("chosen", "hours", "weights"), CASES)
def test_scores_match_an_independent_recomputation(chosen, hours, weights):
    gain_w = (weights or {}).get("gevinst", GAIN_W)
    complexity_w = (weights or {}).get("kompleksitet", COMPLEXITY_W)
    values = {**chosen, "tid": band(hours)}
    expected_gain = mean(values, gain_w)
    expected_complexity = mean(values, complexity_w)
    ev = cv.evaluate(chosen, hours=hours, gates=NO, weights=weights)
    assert ev.gevinst == pytest.approx(expected_gain, abs=0.005)
    assert ev.kompleksitet == pytest.approx(expected_complexity, abs=0.005)
    assert ev.quadrant == cv.quadrant_for(ev.gevinst, ev.kompleksitet)
    assert sum(p.weight for p in ev.gevinst_parts) == pytest.approx(1)
    assert sum(p.weight for p in ev.kompleksitet_parts) == pytest.approx(1)
    assert ev.gates == () and not ev.stopped


def test_a_worked_example():
    # tid 4 (1,200 h); gevinst = (4·40 + 4·20 + 3·15 + 1·10 + 4·15)/100 = 3.55
    # kompleksitet = (2·25 + 3·30 + 1·15 + 2·20 + 1·10)/100 = 2.05 -> Lavthængende frugter
    ev = cv.evaluate(scores(), hours=1200, gates=NO)
    assert (ev.gevinst, ev.kompleksitet, ev.quadrant) == (3.55, 2.05, "quick_wins")
    assert ev.quadrant_name == "Lavthængende frugter"


def test_weights_are_normalised_and_scale_free():
    norm = cv.normalise_weights(
        {"tid": 2, "kvalitet": 2, "faglig_tid": 0, "klima": 0, "strategi": 4}, "gevinst"
    )
    assert norm == {"tid": 0.25, "kvalitet": 0.25, "faglig_tid": 0.0, "klima": 0.0, "strategi": 0.5}
    a = cv.evaluate(scores(), hours=800, gates=NO, weights={"gevinst": GAIN_W})
    b = cv.evaluate(
        scores(), hours=800, gates=NO, weights={"gevinst": {k: v * 10 for k, v in GAIN_W.items()}}
    )
    assert a.gevinst == b.gevinst
    # a zero weight makes a sub-score count for nothing
    only_climate = {k: (1 if k == "klima" else 0) for k in GAIN_W}
    assert cv.evaluate(scores(klima=5), hours=0, gates=NO, weights={"gevinst": only_climate}).gevinst == 5


@pytest.mark.parametrize(
    ("weights", "message"),
    [
        ({**GAIN_W, "klima": -1}, "En vægt kan ikke være negativ: «Klima og CO₂»"),
        (dict.fromkeys(GAIN_W, 0), "Mindst én vægt for gevinst skal være større end 0"),
        ({k: v for k, v in GAIN_W.items() if k != "strategi"}, "Skriv en vægt for «Passer til strategien»"),
        ({**GAIN_W, "klima": "ti"}, "Vægten skal være et tal: «Klima og CO₂»"),
        ({**GAIN_W, "klima": math.nan}, "Vægten skal være et tal"),
        ({**GAIN_W, "co2": 3}, "Ukendte vægte for gevinst"),
    ],
)
def test_bad_weights_are_refused_in_danish(weights, message):
    with pytest.raises(ValueError, match=re.escape(message)):
        cv.evaluate(scores(), hours=100, gates=NO, weights={"gevinst": weights})


# --- gates -----------------------------------------------------------------------------------------

HIGH = {k: 5 for k in cv.SCORE_INPUTS if k in cv.GEVINST_PARTS} | dict.fromkeys(cv.KOMPLEKSITET_PARTS, 0)


@pytest.mark.parametrize("gate", ["forbudt", "offentlig_genai"])
def test_stop_gates_take_the_idea_off_the_quadrant(gate):
    ev = cv.evaluate(HIGH, hours=5000, gates={**NO, gate: True})
    assert ev.stopped and ev.quadrant is None and ev.quadrant_name is None
    assert [g.id for g in ev.gates] == [gate]
    hit = ev.gates[0]
    assert hit.title.startswith("STOP")
    assert hit.legal_basis and hit.sources
    assert ev.gevinst == 5  # still computed, shown for information only
    assert ev.to_dict()["quadrant"] is None and ev.to_dict()["stopped"] is True
    # without the gate the same idea is a low-hanging fruit
    assert cv.evaluate(HIGH, hours=5000, gates=NO).quadrant == "quick_wins"


def test_prohibited_practice_cites_article_5():
    ev = cv.evaluate(HIGH, hours=5000, gates={**NO, "forbudt": True})
    assert "art. 5" in ev.gates[0].legal_basis
    assert any("prohibited-ai-practices-article-5" in str(s.url) for s in ev.gates[0].sources)


def test_public_genai_stop_names_the_databehandleraftale():
    ev = cv.evaluate(HIGH, hours=5000, gates={**NO, "offentlig_genai": True})
    assert "databehandleraftale" in ev.gates[0].text
    assert "art. 28" in ev.gates[0].legal_basis


def test_annex_iii_high_risk_lifts_kompleksitet_to_4_and_flags_fria():
    ev = cv.evaluate(HIGH, hours=5000, gates={**NO, "bilag_iii": True, "art_6_3": False})
    assert ev.kompleksitet == 4.0
    assert ev.quadrant == "strategiske"
    assert [g.id for g in ev.gates] == ["hoejrisiko"]
    assert "art. 27" in ev.gates[0].legal_basis
    assert [f.label for f in ev.flags] == ["FRIA + registrering"]
    # a higher score is kept, not lowered
    hard = cv.evaluate(
        dict.fromkeys(cv.SCORE_INPUTS, 5), hours=0, gates={**NO, "bilag_iii": True, "art_6_3": False}
    )
    assert hard.kompleksitet == 5


def test_the_art_6_3_exception_lifts_the_high_risk_gate():
    ev = cv.evaluate(HIGH, hours=5000, gates={**NO, "bilag_iii": True, "art_6_3": True})
    assert ev.kompleksitet == 0 and ev.gates == () and ev.flags == ()
    assert ev.quadrant == "quick_wins"


def test_an_unanswered_art_6_3_counts_as_high_risk_and_is_provisional():
    ev = cv.evaluate(HIGH, hours=5000, gates={**NO, "bilag_iii": True})
    assert ev.kompleksitet == 4.0
    assert [f.id for f in ev.flags] == ["fria_registrering", "foreloebig"]


def test_full_dpia_raises_the_jura_sub_score_before_weighting():
    chosen = scores(jura=1)
    ev = cv.evaluate(chosen, hours=100, gates={**NO, "fuld_dpia": True})
    jura = next(p for p in ev.kompleksitet_parts if p.id == "jura")
    assert (jura.score, jura.chosen, jura.raised) == (4, 1, True)
    assert ev.kompleksitet == pytest.approx(mean({**chosen, "jura": 4}, COMPLEXITY_W), abs=0.005)
    assert [g.id for g in ev.gates] == ["fuld_dpia"]
    # a jura score already at 5 stays 5
    ev5 = cv.evaluate(scores(jura=5), hours=100, gates={**NO, "fuld_dpia": True})
    assert next(p for p in ev5.kompleksitet_parts if p.id == "jura").score == 5
    # and it is the sub-score that is raised, not the weighted result
    only_data = {k: (1 if k == "data" else 0) for k in COMPLEXITY_W}
    ev_w = cv.evaluate(
        scores(jura=0, data=1),
        hours=100,
        gates={**NO, "fuld_dpia": True},
        weights={"kompleksitet": only_data},
    )
    assert ev_w.kompleksitet == 1


def test_unanswered_gates_do_not_fire_but_make_the_result_provisional():
    ev = cv.evaluate(scores(), hours=1200)
    assert ev.gates == ()
    assert [f.label for f in ev.flags] == ["Foreløbig placering"]
    assert ev.quadrant == "quick_wins"


def test_empty_roles_are_flagged_in_danish():
    roles = {"ai_produktejer": "Digitaliseringsteamet", "dataejer": " ", "isk": "IT-sikkerhed"}
    ev = cv.evaluate(scores(), hours=1200, gates=NO, roles=roles)
    [flag] = ev.flags
    assert flag.id == "roller_mangler"
    assert "Dataejer / systemejer og Databeskyttelsesrådgiver (DPO)" in flag.text
    assert flag.sources


# --- quadrants --------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("gevinst", "kompleksitet", "expected"),
    [
        (2.5, 2.49, "quick_wins"),
        (2.5, 2.5, "strategiske"),
        (2.49, 2.49, "smaa"),
        (2.49, 2.5, "parker"),
        (5, 0, "quick_wins"),
        (0, 5, "parker"),
        (0, 0, "smaa"),
        (5, 5, "strategiske"),
    ],
)
def test_quadrant_boundaries(gevinst, kompleksitet, expected):
    assert cv.quadrant_for(gevinst, kompleksitet) == expected


def test_exactly_2_5_from_real_scores_is_high_on_both_axes():
    # gevinst = (2 + 3)/2 = 2.5 and kompleksitet = (2 + 3)/2 = 2.5 with two equal weights each
    gain = {k: (1 if k in ("kvalitet", "strategi") else 0) for k in GAIN_W}
    complexity = {k: (1 if k in ("data", "jura") else 0) for k in COMPLEXITY_W}
    weights = {"gevinst": gain, "kompleksitet": complexity}
    ev = cv.evaluate(scores(kvalitet=2, strategi=3, data=2, jura=3), hours=0, gates=NO, weights=weights)
    assert (ev.gevinst, ev.kompleksitet, ev.quadrant) == (2.5, 2.5, "strategiske")
    ev = cv.evaluate(scores(kvalitet=2, strategi=3, data=2, jura=2), hours=0, gates=NO, weights=weights)
    assert (ev.gevinst, ev.kompleksitet, ev.quadrant) == (2.5, 2.0, "quick_wins")
    ev = cv.evaluate(scores(kvalitet=2, strategi=2, data=2, jura=3), hours=0, gates=NO, weights=weights)
    assert (ev.gevinst, ev.kompleksitet, ev.quadrant) == (2.0, 2.5, "parker")


# --- validation -------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("chosen", "hours", "message"),
    [
        (
            {k: v for k, v in scores().items() if k != "klima"},
            10,
            "Vælg en score for: «Klima og CO₂ (gevinst)»",
        ),
        (
            {**scores(), "data": None, "jura": None},
            10,
            "Vælg en score for hver af: «Data (kompleksitet)» og «Jura",
        ),
        (scores(jura=6), 10, "Delscoren skal være et helt tal fra 0 til 5: «Jura (kompleksitet)»"),
        (scores(jura=True), 10, "Delscoren skal være et helt tal fra 0 til 5"),
        (scores(jura=2.5), 10, "Delscoren skal være et helt tal fra 0 til 5"),
        ({**scores(), "tid": 3}, 10, "Tidsbesparelse regnes ud fra frigjort tid"),
        ({**scores(), "hygge": 3}, 10, "Ukendte delscorer: 'hygge'"),
        (scores(), -5, "Frigjort tid kan ikke være negativ"),
        (scores(), "mange", "Frigjort tid skal være et tal"),
        (scores(), math.inf, "Frigjort tid skal være et tal"),
        (scores(), 1e9, "urealistisk meget"),
    ],
)
def test_bad_scores_and_hours_give_danish_messages(chosen, hours, message):
    with pytest.raises(ValueError, match=re.escape(message)):
        cv.evaluate(chosen, hours=hours, gates=NO)


def test_bad_gate_answers_give_danish_messages():
    with pytest.raises(ValueError, match="Svaret skal være ja eller nej: «Mini-DPIA»"):
        cv.evaluate(scores(), hours=0, gates={**NO, "fuld_dpia": "ja"})
    with pytest.raises(ValueError, match="Ukendte spørgsmål om jura"):
        cv.evaluate(scores(), hours=0, gates={**NO, "hjemmel": True})
    with pytest.raises(
        ValueError, match="Svar ja eller nej på spørgsmålene om jura og sikkerhed: «Mini-DPIA»"
    ):
        cv.validate_gates({k: v for k, v in NO.items() if k != "fuld_dpia"}, require_all=True)
    with pytest.raises(ValueError, match="«Undtagelsen i art. 6, stk. 3»"):
        cv.validate_gates({**NO, "bilag_iii": True}, require_all=True)
    assert cv.validate_gates(NO, require_all=True)["art_6_3"] is None


def test_field_validation_in_danish():
    good = {"titel": "  Svartid  ", "problem": "p\r\nq", "ai_loesning": "a"}
    cleaned = cv.validate_fields(good)
    assert cleaned["titel"] == "Svartid" and cleaned["problem"] == "p\nq" and cleaned["dpo"] == ""
    with pytest.raises(
        ValueError, match=r"Feltet «Problem» er for langt: 501 tegn\. Der er plads til 500 tegn"
    ):
        cv.validate_fields({**good, "problem": "x" * 501})
    with pytest.raises(ValueError, match=r"og 1 felt mere"):
        cv.validate_fields({**good, "problem": "x" * 501, "dpo": "y" * 121})
    with pytest.raises(ValueError, match=r"Udfyld felterne «Idéens titel» og «AI-løsning»\."):
        cv.validate_fields({"problem": "p", "titel": "   "})
    with pytest.raises(ValueError, match=r"Ukendte felter: 'navn'"):
        cv.validate_fields({**good, "navn": "Jens"})
    with pytest.raises(ValueError, match=r"Feltet skal indeholde tekst: «Målgruppe»"):
        cv.validate_fields({**good, "maalgruppe": 42})
    assert cv.validate_fields({**good, "problem": "a\x00b\x07c"})["problem"] == "abc"


def test_build_canvas_requires_every_gate_answer_unless_told_not_to():
    fields = {"titel": "T", "problem": "p", "ai_loesning": "a"}
    with pytest.raises(ValueError, match="Svar ja eller nej"):
        cv.build_canvas(fields, scores(), hours=0)
    canvas = cv.build_canvas(fields, scores(), hours=0, require_all_gates=False)
    assert canvas.title == "T"
    assert {f.id for f in canvas.evaluation.flags} == {"foreloebig", "roller_mangler"}
