"""The Gevinst- og KPI-beregner (domain.md §7): hours freed, årsværk, scenario order, KPIs, the dataset."""

from __future__ import annotations

import datetime as dt

import pytest
import yaml

from aiskole.datasets import DatasetError
from aiskole.exercises import kpi
from tests.conftest import ROOT


def scenario(baseline=12, ai=8, cases=4000, adoption=70, new_tasks=20) -> dict:
    return {
        "baseline_minutes": baseline,
        "ai_minutes": ai,
        "cases_per_year": cases,
        "adoption_pct": adoption,
        "new_task_hours": new_tasks,
    }


def three(pessimistic: dict, likely: dict, optimistic: dict) -> dict:
    return {"pessimistic": pessimistic, "likely": likely, "optimistic": optimistic}


# --- hours freed ---------------------------------------------------------------------------------------

# (inputs, expected hours per year worked out by hand)
HOURS = [
    pytest.param(scenario(), 166.6667, id="4-min-saved-4000-cases-70pct-minus-20h"),
    pytest.param(scenario(12, 10, 4000, 50, 40), 26.6667, id="pessimistic-example"),
    pytest.param(scenario(12, 6, 4000, 90, 10), 350.0, id="optimistic-example"),
    pytest.param(scenario(30, 30, 1000, 100, 0), 0.0, id="no-time-saved"),
    pytest.param(scenario(10, 15, 1200, 100, 0), -100.0, id="ai-slower-than-today-negative"),
    pytest.param(scenario(10, 5, 1200, 0, 0), 0.0, id="nobody-uses-it"),
    pytest.param(scenario(10, 5, 0, 100, 8), -8.0, id="no-cases-only-new-tasks"),
    pytest.param(scenario(7.5, 2.5, 600, 100, 0), 50.0, id="decimals"),
    pytest.param(scenario(60, 0, 1924, 100, 0), 1924.0, id="one-gross-aarsvaerk"),
]


@pytest.mark.parametrize(("inputs", "expected"), HOURS)
def test_hours_freed_table(inputs, expected):
    """Does the formula give the hours worked out by hand?"""
    inp = kpi.validate_scenario(inputs)
    assert kpi.hours_freed(inp) == pytest.approx(expected, abs=1e-3)


@pytest.mark.parametrize(("inputs", "expected"), HOURS)
def test_hours_freed_matches_an_independent_recomputation(inputs, expected):
    i = inputs
    recomputed = (i["baseline_minutes"] - i["ai_minutes"]) * i["cases_per_year"] * (i["adoption_pct"] / 100.0)
    recomputed = recomputed / 60.0 - i["new_task_hours"]
    assert kpi.hours_freed(kpi.validate_scenario(inputs)) == pytest.approx(recomputed)


@pytest.mark.parametrize(
    ("denominator", "hours_per_aarsvaerk"),
    [("brutto", 37 * 52), ("nationalt-maal", round(50_000_000 / 30_000))],
)
def test_aarsvaerk_use_the_chosen_denominator(denominator, hours_per_aarsvaerk):
    """Is årsværk = hours / 1,924 (37 h × 52 weeks) or / ~1,667 (50 mio. h ≈ 30,000 årsværk)?"""
    result = kpi.estimate(
        three(scenario(new_tasks=40), scenario(), scenario(new_tasks=0)), denominator=denominator
    )
    assert result.denominator.hours == hours_per_aarsvaerk
    for s in result.scenarios:
        assert s.aarsvaerk == pytest.approx(s.hours / hours_per_aarsvaerk)
    likely = (12 - 8) * 4000 * 0.7 / 60 - 20
    assert result.scenario("likely").aarsvaerk == pytest.approx(likely / hours_per_aarsvaerk)
    assert result.to_dict()["denominator"] == denominator


def test_the_two_denominators_are_1924_and_about_1667():
    content = kpi.load_kpi()
    assert content.denominator("brutto").hours == 1924
    assert abs(content.denominator("nationalt-maal").hours - 50_000_000 / 30_000) < 0.5


def test_unknown_denominator_is_refused_in_danish():
    with pytest.raises(ValueError, match="Ukendt nævner for årsværk"):
        kpi.estimate(three(scenario(), scenario(), scenario()), denominator="netto")


def test_estimate_to_dict_is_json_ready():
    result = kpi.estimate(three(scenario(12, 10, 4000, 50, 40), scenario(), scenario(12, 6, 4000, 90, 10)))
    assert result.to_dict() == {
        "denominator": "brutto",
        "denominator_hours": 1924,
        "hours": {"pessimistic": 26.67, "likely": 166.67, "optimistic": 350.0},
        "aarsvaerk": {"pessimistic": 0.0139, "likely": 0.0866, "optimistic": 0.1819},
        "ordered": True,
    }


# --- scenario order and negative results ------------------------------------------------------------


def test_scenarios_in_order_have_no_problem():
    result = kpi.estimate(three(scenario(ai=10), scenario(ai=8), scenario(ai=6)))
    assert result.order_problem is None
    result.require_order()  # no error


@pytest.mark.parametrize(
    ("scenarios", "names"),
    [
        pytest.param(
            three(scenario(ai=6), scenario(ai=8), scenario(ai=4)),
            ["det pessimistiske scenarie giver 260 timer, men det sandsynlige scenarie kun 167 timer"],
            id="pessimistic-above-likely",
        ),
        pytest.param(
            three(scenario(ai=10), scenario(ai=4), scenario(ai=8)),
            ["det sandsynlige scenarie giver 353 timer, men det optimistiske scenarie kun 167 timer"],
            id="likely-above-optimistic",
        ),
        pytest.param(
            three(scenario(ai=4), scenario(ai=8), scenario(ai=10)),
            ["det pessimistiske scenarie giver 353 timer", "det sandsynlige scenarie giver 167 timer"],
            id="reversed",
        ),
    ],
)
def test_scenarios_out_of_order_are_explained_in_danish_and_refused_for_saving(scenarios, names):
    """Is pessimistic ≤ likely ≤ optimistic checked on the result, with a Danish explanation?"""
    result = kpi.estimate(scenarios)
    assert result.order_problem.startswith("Scenarierne står i forkert rækkefølge")
    for name in names:
        assert name in result.order_problem
    assert "byttet om" in result.order_problem
    with pytest.raises(ValueError, match="forkert rækkefølge"):
        result.require_order()
    assert result.to_dict()["ordered"] is False


def test_equal_scenarios_are_in_order():
    assert kpi.estimate(three(scenario(), scenario(), scenario())).order_problem is None


def test_a_negative_result_is_allowed_and_explained():
    """Is a solution that costs more time than it saves shown, with the plain-Danish explanation?"""
    result = kpi.estimate(three(scenario(ai=15, new_tasks=100), scenario(ai=12, new_tasks=0), scenario(ai=6)))
    assert result.scenario("pessimistic").hours == pytest.approx(-3 * 4000 * 0.7 / 60 - 100)
    assert result.scenario("pessimistic").negative
    assert result.order_problem is None
    [note] = result.notes
    assert note.startswith("Pessimistisk scenarie: AI-løsningen koster mere tid, end den sparer (−240 timer")


# --- input validation ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("baseline_minutes", -1, "Minutter pr. sag i dag: tallet må ikke være under 0"),
        ("ai_minutes", -0.5, "Minutter pr. sag med AI (inkl. kontrol): tallet må ikke være under 0"),
        ("ai_minutes", kpi.MAX_MINUTES_PER_CASE + 1, "tallet må højst være 6.000"),
        ("baseline_minutes", 10_000, "tallet må højst være 6.000"),
        ("cases_per_year", 12.5, "skriv et helt antal sager"),
        ("cases_per_year", "12,5", "skriv et helt antal sager"),
        ("cases_per_year", -3, "Sager pr. år: tallet må ikke være under 0"),
        ("cases_per_year", 20_000_000, "tallet må højst være 10.000.000"),
        ("adoption_pct", 101, "Andel af sagerne, hvor AI bruges (%): tallet må højst være 100 %"),
        ("adoption_pct", -5, "tallet må ikke være under 0 %"),
        ("new_task_hours", -1, "Timer pr. år til nye opgaver: tallet må ikke være under 0"),
        ("baseline_minutes", "tolv", "det er ikke et tal. Skriv fx 12 eller 7,5"),
        ("baseline_minutes", "", "Minutter pr. sag i dag: skriv et tal"),
        ("baseline_minutes", None, "skriv et tal"),
        ("baseline_minutes", True, "skriv et tal"),
        ("ai_minutes", float("nan"), "skriv et almindeligt tal"),
        ("ai_minutes", float("inf"), "skriv et almindeligt tal"),
        ("new_task_hours", "<script>alert(1)</script>", "det er ikke et tal"),
    ],
)
def test_bad_input_gives_a_danish_error_that_names_the_scenario_and_field(field, value, message):
    values = scenario()
    values[field] = value
    with pytest.raises(ValueError, match="^Sandsynligt scenarie – ") as info:
        kpi.estimate(three(scenario(ai=10), values, scenario(ai=6)))
    assert message in str(info.value)
    assert "<script>" not in str(info.value)  # what the user typed is never repeated


def test_a_missing_field_or_scenario_is_named():
    values = scenario()
    del values["cases_per_year"]
    with pytest.raises(ValueError, match="mangler: Sager pr. år"):
        kpi.validate_scenario(values)
    with pytest.raises(ValueError, match="Der mangler tal for scenariet: Optimistisk"):
        kpi.estimate({"pessimistic": scenario(), "likely": scenario()})


@pytest.mark.parametrize(
    ("text", "number"),
    [
        ("12", 12),
        ("7,5", 7.5),
        ("7.5", 7.5),
        ("1.200", 1200),
        ("12.000.000", 12_000_000),
        ("1.234,5", 1234.5),
        (" 4 000 ", 4000),
        ("70 %", 70),
        ("70%", 70),
        ("−3", -3),
        ("0", 0),
        (12, 12),
        (2.5, 2.5),
    ],
)
def test_danish_number_formats_are_read(text, number):
    assert kpi.parse_number(text, "Felt") == number


@pytest.mark.parametrize("text", ["1,2,3", "1.2.3", "12a", "1e5", "..", ",5", "fem", "12 timer"])
def test_unreadable_numbers_are_refused(text):
    with pytest.raises(ValueError, match="^Felt: det er ikke et tal"):
        kpi.parse_number(text, "Felt")


# --- KPIs ----------------------------------------------------------------------------------------------

# (kpi, baseline, target, measured, expected change, expected progress %)
KPIS = [
    pytest.param("svartid", 72, 48, 60, (60 - 72) / 72 * 100, 50.0, id="svartid-halfway"),
    pytest.param(
        "svartid", "72", "48", "40", (40 - 72) / 72 * 100, (40 - 72) / (48 - 72) * 100, id="svartid-beat"
    ),
    pytest.param(
        "svartid", 72, 48, 80, (80 - 72) / 72 * 100, (80 - 72) / (48 - 72) * 100, id="svartid-worse"
    ),
    pytest.param("co2", 800, 600, 680, 800 - 680, 60.0, id="co2-difference"),
    pytest.param("co2", "1.200,5", 1000, "1.200,5", 0.0, 0.0, id="co2-unchanged"),
    pytest.param("faglig-tid", 40, 50, 45, 5.0, 50.0, id="faglig-tid-points"),
    pytest.param("tid-pr-sag", 12, 8, 9.5, (9.5 - 12) / 12 * 100, 62.5, id="tid-pr-sag"),
    pytest.param("kvalitet", 10, 5, 6, -4.0, 80.0, id="kvalitet-points"),
    pytest.param("adoption", 0, 80, 85, 85.0, 106.25, id="adoption-beyond-target"),
]


@pytest.mark.parametrize(("kpi_id", "baseline", "target", "measured", "change", "progress"), KPIS)
def test_kpi_change_and_progress(kpi_id, baseline, target, measured, change, progress):
    """Is the change computed by the KPI's formula (§7) and the progress toward the target right?"""
    r = kpi.evaluate_kpi(kpi_id, baseline, target, measured)
    assert r.change == pytest.approx(change)
    assert r.progress_pct == pytest.approx(progress)
    assert r.to_dict()["kpi"] == kpi_id


@pytest.mark.parametrize(
    ("args", "text"),
    [
        (("svartid", 72, 48, 60), "Ændring: −16,7 % (fra 72 til 60 timer)."),
        (("co2", 800, 600, 680), "Reduktion: 120 kg CO₂e pr. måned (fra 800 til 680)."),
        (("co2", 800, 600, 900), "Stigning: 100 kg CO₂e pr. måned (fra 800 til 900)."),
        (("faglig-tid", 40, 50, 45), "Ændring: +5 procentpoint (fra 40 % til 45 %)."),
    ],
)
def test_kpi_change_text(args, text):
    assert kpi.evaluate_kpi(*args).change_text == text


@pytest.mark.parametrize(
    ("measured", "text"),
    [
        (60, "I er nået 50 % af vejen fra udgangspunktet til målet."),
        (48, "Målet er nået"),
        (30, "Målet er nået"),
        (72, "Ingen ændring endnu"),
        (90, "Udviklingen går den forkerte vej"),
    ],
)
def test_kpi_progress_text(measured, text):
    assert text in kpi.evaluate_kpi("svartid", 72, 48, measured).progress_text


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("svartid", 72, 72, 60), "målet skal være forskelligt fra udgangspunktet"),
        (("svartid", 48, 72, 60), "her er lavere bedre, så målet skal være lavere"),
        (("faglig-tid", 50, 40, 45), "her er højere bedre, så målet skal være højere"),
        (("svartid", 0, 0.0, 0), "målet skal være forskelligt"),
        (("tid-pr-sag", 0, 5, 3), "Tidsforbrug pr. sag: her er lavere bedre"),
        (("faglig-tid", 40, 120, 45), "Mål: tallet må højst være 100 %"),
        (("co2", -5, -10, 0), "Udgangspunkt før: tallet må ikke være under 0"),
        (("svartid", "72", "", 60), "Svartid – Mål: skriv et tal"),
        (("svartid", "abc", 48, 60), "Svartid – Udgangspunkt før: det er ikke et tal"),
        (("ukendt", 1, 2, 3), "Ukendt KPI"),
    ],
)
def test_bad_kpi_input_gives_a_danish_error(args, message):
    with pytest.raises(ValueError, match=message.replace("(", r"\(").replace(")", r"\)")):
        kpi.evaluate_kpi(*args)


def test_relative_change_needs_a_baseline_above_zero():
    content = kpi.load_kpi()
    higher = content.model_copy(
        update={
            "kpis": tuple(
                k.model_copy(update={"better": "higher"}) if k.id == "svartid" else k for k in content.kpis
            )
        }
    )
    with pytest.raises(ValueError, match="udgangspunktet skal være større end 0"):
        kpi.evaluate_kpi("svartid", 0, 10, 5, content=higher)


# --- the dataset ---------------------------------------------------------------------------------------


def test_dataset_says_freed_time_is_not_a_saving_and_cites_its_sources():
    content = kpi.load_kpi()
    assert content.checked == dt.date(2026, 11, 27)
    assert content.redeployment.text.startswith(
        "Frigjort tid er ikke en besparelse, før den bliver brugt til noget andet eller taget ud."
    )
    assert "2,8 %" in content.caution.text and "8,4 %" in content.caution.text
    assert (
        "50 mio. timer" in content.national_target.text and "30.000 årsværk" in content.national_target.text
    )
    assert set(content.scenarios) == set(kpi.SCENARIOS)
    assert {k.id for k in content.kpis} == {
        "svartid",
        "co2",
        "faglig-tid",
        "tid-pr-sag",
        "kvalitet",
        "adoption",
    }
    records = [content.redeployment, content.caution, content.national_target, content.method]
    for record in (*records, *content.denominators, *content.kpis):
        for source in content.sources_for(record.sources):
            assert str(source.url).startswith("https://")


def test_dataset_is_honest_about_the_denominators():
    """Does it say 1,667 is derived by aiskole and 1,924 comes from a non-official source?"""
    content = kpi.load_kpi()
    assert "ikke officiel" in content.denominator("brutto").caveat
    assert "regnet det ud" in content.denominator("nationalt-maal").caveat
    assert "50.000.000 ÷ 30.000" in content.denominator("nationalt-maal").explanation


def _broken_copy(tmp_path, mutate):
    data = yaml.safe_load((ROOT / "datasets" / "kpi.yaml").read_text(encoding="utf-8"))
    mutate(data)
    (tmp_path / "kpi.yaml").write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    return tmp_path


@pytest.mark.parametrize(
    ("mutate", "message"),
    [
        (lambda d: d["scenarios"].pop("likely"), "scenarie"),
        (lambda d: d["kpis"][0].update(sources=["ukendt-kilde"]), "ukendt kilde"),
        (lambda d: d["sources"]["boligsektor"].update(url="ikke en url"), "url"),
        (lambda d: d["kpis"][0].update(kind="gæt"), "kind"),
        (lambda d: d["denominators"][0].update(hours=37), "hours"),
        (lambda d: d.update(review_by=d["checked"]), "review_by"),
        (
            lambda d: d["redeployment"].update(text="Frigjort tid er penge i kassen med det samme."),
            "besparelse",
        ),
        (lambda d: d["kpis"].append(dict(d["kpis"][0])), "samme id"),
    ],
)
def test_a_broken_dataset_is_refused_with_a_danish_message(tmp_path, mutate, message):
    folder = _broken_copy(tmp_path, mutate)
    with pytest.raises(DatasetError, match="er ugyldig") as info:
        kpi.load_kpi(folder)
    assert message in str(info.value)
