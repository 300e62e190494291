"""The risk heatmap rule (domain.md §6 and §8.4), validation, aggregation, the HTML table and the PNG."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
import yaml

from aiskole.datasets import DatasetError
from aiskole.exercises import heatmap as hm

ROOT = Path(__file__).resolve().parent.parent
CONTENT = hm.load_risks()


def expected_band(likelihood: int, consequence: int, scale: int) -> str:
    """An independent reading of the bands, written from the brief's table, not from the module."""
    product = likelihood * consequence
    if scale == 3:
        table = {1: "green", 2: "green", 3: "yellow", 4: "yellow", 6: "red", 9: "red"}
        return table[product]
    if product in range(1, 5):
        return "green"
    if product in range(5, 10):
        return "yellow"
    assert product in range(10, 26)
    return "red"


CELLS_3 = [(li, c) for li in range(1, 4) for c in range(1, 4)]
CELLS_5 = [(li, c) for li in range(1, 6) for c in range(1, 6)]


@pytest.mark.parametrize(("likelihood", "consequence"), CELLS_3, ids=lambda v: str(v))
def test_band_3x3_every_cell(likelihood, consequence):
    """Does every 3x3 cell get the band of domain.md §8.4 (grøn 1-2, gul 3-4, rød 6-9)?"""
    assert hm.band(likelihood, consequence) == expected_band(likelihood, consequence, 3)
    assert hm.band(likelihood, consequence, scale=3) == expected_band(likelihood, consequence, 3)
    assert hm.score(likelihood, consequence) == likelihood * consequence


@pytest.mark.parametrize(("likelihood", "consequence"), CELLS_5, ids=lambda v: str(v))
def test_band_5x5_every_cell(likelihood, consequence):
    """Does every 5x5 cell get the conventional band (grøn 1-4, gul 5-9, rød 10-25)?"""
    assert hm.band(likelihood, consequence, scale=5) == expected_band(likelihood, consequence, 5)


def test_the_nine_3x3_scores_of_the_brief():
    """domain.md: '9 cells: scores 1,2,3,2,4,6,3,6,9'."""
    assert [li * c for li, c in CELLS_3] == [1, 2, 3, 2, 4, 6, 3, 6, 9]
    counts = {b: sum(hm.band(li, c) == b for li, c in CELLS_3) for b in hm.BANDS}
    assert counts == {"green": 3, "yellow": 3, "red": 3}


def test_band_ranges_are_the_conventions_shown_to_the_learner():
    assert hm.band_ranges(3) == {"green": (1, 2), "yellow": (3, 4), "red": (6, 9)}
    assert hm.band_ranges(5) == {"green": (1, 4), "yellow": (5, 9), "red": (10, 25)}


@pytest.mark.parametrize(
    ("args", "message"),
    [
        ((0, 1), "Sandsynligheden skal være et helt tal fra 1 til 3"),
        ((4, 1), "Sandsynligheden skal være et helt tal fra 1 til 3"),
        ((1, 4), "Konsekvensen skal være et helt tal fra 1 til 3"),
        ((-1, 2), "Sandsynligheden"),
        ((2.0, 2), "helt tal"),
        (("2", 2), "helt tal"),
        ((True, 2), "helt tal"),  # bool is not an int here
        ((2, False), "Konsekvensen skal være et helt tal"),
        ((None, 2), "Vælg sandsynligheden"),
        ((6, 1, 5), "fra 1 til 5"),
        ((1, 1, 4), "Skalaen skal være 3"),
        ((1, 1, True), "Skalaen skal være 3"),
        ((1, 1, "3"), "Skalaen skal være 3"),
    ],
)
def test_bad_input_is_refused_in_danish(args, message):
    with pytest.raises(ValueError, match=message):
        hm.band(*args)


def test_band_for_score_refuses_impossible_scores():
    with pytest.raises(ValueError, match="Scoren skal være et helt tal fra 1 til 9"):
        hm.band_for_score(10, 3)
    with pytest.raises(ValueError, match="fra 1 til 25"):
        hm.band_for_score(0, 5)


# --- Risk -------------------------------------------------------------------------------------------


def risk(**kwargs) -> hm.Risk:
    values = {"domain": "data", "title": "En risiko", "likelihood": 1, "consequence": 1}
    return hm.Risk(**{**values, **kwargs})


def test_risk_strips_text_and_knows_its_band():
    r = risk(title="  Bias  ", likelihood=3, consequence=2, owner=" Teamleder ", mitigation=" Test ")
    assert (r.title, r.owner, r.mitigation) == ("Bias", "Teamleder", "Test")
    assert (r.score, r.band, r.ready, r.missing) == (6, "red", True, ())
    assert r.to_dict() == {
        "domain": "data",
        "title": "Bias",
        "likelihood": 3,
        "consequence": 2,
        "score": 6,
        "band": "red",
        "owner": "Teamleder",
        "mitigation": "Test",
        "catalogue_id": None,
    }


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"domain": "økonomi"}, "Vælg et område"),
        ({"domain": None}, "Vælg et område"),
        ({"title": "   "}, "Skriv en titel på risikoen"),
        ({"title": None}, "Skriv en titel"),
        ({"title": 42}, "skal være tekst"),
        ({"title": "x" * 121}, "for lang \\(121 tegn\\).*højst være 120"),
        ({"owner": "x" * 121}, "Ejeren er for lang"),
        ({"mitigation": "x" * 1001}, "Tiltaget er for lang"),
        ({"likelihood": None}, "Vælg sandsynligheden \\(1-3\\)"),
        ({"consequence": 0}, "Konsekvensen for borgeren skal være et helt tal fra 1 til 3"),
        ({"consequence": True}, "Konsekvensen for borgeren skal være et helt tal"),
        ({"likelihood": 4}, "Sandsynligheden skal være et helt tal fra 1 til 3"),
        ({"likelihood": 5, "scale": 4}, "Skalaen skal være 3"),
    ],
)
def test_risk_validation_messages(kwargs, message):
    with pytest.raises(ValueError, match=message):
        risk(**kwargs)


def test_title_of_exactly_120_characters_is_fine_and_5x5_levels_go_to_5():
    assert len(risk(title="x" * 120).title) == 120
    assert risk(likelihood=5, consequence=5, scale=5).band == "red"


@pytest.mark.parametrize(
    ("owner", "mitigation", "missing"),
    [("", "", ("en ejer", "et tiltag")), ("Ejer", "", ("et tiltag",)), ("", "Tiltag", ("en ejer",))],
)
def test_a_red_risk_needs_an_owner_and_a_mitigation(owner, mitigation, missing):
    r = risk(title="Bias mod grupper", likelihood=3, consequence=3, owner=owner, mitigation=mitigation)
    assert r.missing == missing and not r.ready
    with pytest.raises(ValueError, match="Risikoen »Bias mod grupper« er rød og mangler") as info:
        hm.check_ready([risk(), r])
    assert " og ".join(missing) in str(info.value)
    assert "En rød risiko skal have en ejer og et tiltag" in str(info.value)


def test_yellow_and_green_risks_need_no_owner():
    hm.check_ready([risk(likelihood=2, consequence=2), risk()])


def test_several_red_risks_are_all_named():
    a = risk(title="A", likelihood=3, consequence=3)
    b = risk(title="B", likelihood=2, consequence=3, owner="Ejer")
    with pytest.raises(ValueError, match="2 røde risici er ikke klar: »A« mangler en ejer og et tiltag; »B«"):
        hm.check_ready([a, b])


def test_an_empty_heatmap_cannot_be_saved():
    with pytest.raises(ValueError, match="Tilføj mindst én risiko"):
        hm.check_ready([])


# --- aggregation ------------------------------------------------------------------------------------


def test_build_counts_per_cell_and_worst_band_per_domain():
    risks = [
        risk(domain="data", likelihood=3, consequence=2, owner="o", mitigation="m"),  # 6 red
        risk(domain="data", likelihood=1, consequence=2),  # 2 green
        risk(domain="etik", likelihood=2, consequence=2),  # 4 yellow
        risk(domain="etik", likelihood=1, consequence=2),  # 2 green, same cell as nr. 2
    ]
    heatmap = hm.build(risks)
    counts = {key: cell.count for key, cell in heatmap.cells.items()}
    assert counts == {(li, c): 0 for li, c in CELLS_3} | {(3, 2): 1, (1, 2): 2, (2, 2): 1}
    assert heatmap.cells[(1, 2)].numbers == (2, 4)
    assert heatmap.cells[(3, 2)].label == "RØD 6"
    assert heatmap.cells[(2, 2)].label == "GUL 4"
    assert heatmap.cells[(1, 1)].label == "GRØN 1"
    assert sum(cell.count for cell in heatmap.cells.values()) == len(risks)
    summary = {d.domain: (d.count, d.worst_score, d.band, d.band_label) for d in heatmap.domains}
    assert summary == {
        "data": (2, 6, "red", "RØD 6"),
        "etik": (2, 4, "yellow", "GUL 4"),
        "tilgaengelighed": (0, None, None, ""),
    }
    assert heatmap.band_counts == {"green": 2, "yellow": 1, "red": 1}
    stored = heatmap.to_dict()
    assert stored["scale"] == 3 and stored["ready"] is True
    assert sorted((c["likelihood"], c["consequence"], c["count"]) for c in stored["cells"]) == [
        (1, 2, 2),
        (2, 2, 1),
        (3, 2, 1),
    ]
    assert stored["domains"]["data"] == {"count": 2, "worst_score": 6, "band": "red"}


def test_domain_colour_is_the_maximum_score_for_random_heatmaps():
    """Does each domain's worst score equal an independent max over its risks?"""
    import random

    rng = random.Random(20261127)
    for _ in range(200):
        scale = rng.choice(hm.SCALES)
        risks = [
            risk(
                domain=rng.choice(hm.DOMAINS),
                likelihood=rng.randint(1, scale),
                consequence=rng.randint(1, scale),
                scale=scale,
            )
            for _ in range(rng.randint(0, 12))
        ]
        heatmap = hm.build(risks, scale)
        for d in heatmap.domains:
            scores = [r.likelihood * r.consequence for r in risks if r.domain == d.domain]
            assert d.count == len(scores)
            assert d.worst_score == (max(scores) if scores else None)
            if scores:
                assert d.band == expected_band(1, max(scores), scale)
        assert {(li, c): cell.count for (li, c), cell in heatmap.cells.items()} == {
            (li, c): sum((r.likelihood, r.consequence) == (li, c) for r in risks)
            for li in range(1, scale + 1)
            for c in range(1, scale + 1)
        }


def test_drift_is_shown_only_when_used():
    assert [d.domain for d in hm.build([]).domains] == ["data", "etik", "tilgaengelighed"]
    with_drift = hm.build([risk(domain="drift", likelihood=2, consequence=1)])
    assert [d.domain for d in with_drift.domains][-1] == "drift"


def test_mixed_scales_are_refused():
    with pytest.raises(ValueError, match="vurderet på en 5×5-skala, men risikokortet er 3×3"):
        hm.build([risk(likelihood=1, consequence=1, scale=5)], 3)


def test_rows_are_drawn_with_the_highest_likelihood_on_top():
    rows = hm.build([], 5).rows()
    assert [row[0].likelihood for row in rows] == [5, 4, 3, 2, 1]
    assert [cell.consequence for cell in rows[0]] == [1, 2, 3, 4, 5]
    assert rows[0][-1].label == "RØD 25" and rows[-1][0].label == "GRØN 1"


# --- dataset ----------------------------------------------------------------------------------------


def test_dataset_has_the_domains_scales_and_a_catalogue_across_domains():
    assert [d.label for d in CONTENT.domains.values()] == [
        "Data & privatliv",
        "Etik & retssikkerhed",
        "Tilgængelighed & inklusion",
        "Drift & leverandør",
    ]
    assert CONTENT.scales[3].likelihood == ("usandsynlig", "mulig", "sandsynlig")
    assert CONTENT.scales[3].consequence == ("begrænset", "betydelig", "alvorlig")
    assert {b: t.label for b, t in CONTENT.bands.items()} == {"green": "GRØN", "yellow": "GUL", "red": "RØD"}
    assert 10 <= len(CONTENT.catalogue) <= 16
    assert {r.domain for r in CONTENT.catalogue} == set(hm.DOMAINS)
    assert "Cox (2008)" in CONTENT.cox_caveat.text
    assert str(CONTENT.cox_caveat.sources[0].url).startswith("https://econpapers.repec.org/")


def test_every_sourced_record_is_https_and_checked_on_the_brief_date():
    # The research brief sits beside the checkout for developers and CI; the source check needs it.
    brief_file = ROOT.parent / "shared" / "brief" / "domain.md"
    brief = brief_file.read_text(encoding="utf-8") if brief_file.exists() else None
    records = [CONTENT.citizen_note, CONTENT.convention_note, CONTENT.cox_caveat, *CONTENT.catalogue]
    for record in records:
        for source in record.sources:
            assert str(source.url).startswith("https://")
            if brief is not None:
                assert str(source.url).rstrip("/") in brief, f"{source.url} is not in domain.md"
        if record.sources:
            assert record.checked == dt.date(2026, 11, 27)
    assert CONTENT.review_by > CONTENT.checked
    assert all(len(r.title) <= hm.TITLE_MAX for r in CONTENT.catalogue)


def test_the_18_percent_claim_carries_its_source():
    item = CONTENT.catalogue_risk("digitalt-udfordrede")
    assert "18 %" in item.description
    assert "videncenter.kl.dk" in str(item.sources[0].url)
    with pytest.raises(ValueError, match="findes ikke i kataloget"):
        CONTENT.catalogue_risk("findes-ikke")


def _broken(tmp_path, mutate):
    data = yaml.safe_load((ROOT / "datasets" / "risks.yaml").read_text(encoding="utf-8"))
    mutate(data)
    (tmp_path / "risks.yaml").write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    return tmp_path


@pytest.mark.parametrize(
    ("mutate", "message"),
    [
        (lambda d: d["bands"].pop("red"), "bånd"),
        (lambda d: d["domains"].pop("etik"), "områderne"),
        (lambda d: d["scales"][3]["likelihood"].pop(), "skala 3"),
        (lambda d: d["catalogue"].append(dict(d["catalogue"][0])), "samme id"),
        (lambda d: d["catalogue"][0].pop("checked"), "checked-dato"),
        (lambda d: d["catalogue"][0]["sources"][0].update(url="http://example.org/x"), "https"),
        (lambda d: d["catalogue"][0].update(domain="økonomi"), "domain"),
        (lambda d: d.update(review_by=d["checked"]), "review_by"),
    ],
)
def test_a_broken_dataset_is_refused_with_a_danish_message(tmp_path, mutate, message):
    with pytest.raises(DatasetError, match="er ugyldig") as info:
        hm.load_risks(_broken(tmp_path, mutate))
    assert message in str(info.value)
