"""The KPI calculator widget driven headless: type numbers, click "Gem", check the store and the screen."""

from __future__ import annotations

import base64
import re

import pytest

from aiskole.store import Store, StoreError
from aiskole.widgets.kpi import DEFAULTS, KpiView


def make_view(url: str) -> tuple[KpiView, Store]:
    store = Store(url)
    store.migrate()
    return KpiView(store_factory=lambda: store), store


def test_example_numbers_show_a_result_at_once(store):
    """Does the view open with a worked example: table, chart with alt text, and the key messages?"""
    view = KpiView(store_factory=lambda: store)
    html = view.result.value
    assert "<caption>Frigjort tid pr. år (1 årsværk = 1.924 timer)</caption>" in html
    assert '<th scope="row">Sandsynligt</th><td>167</td><td>0,09</td>' in html
    assert '<th scope="row">Pessimistisk</th><td>27</td><td>0,01</td>' in html
    assert '<th scope="row">Optimistisk</th><td>350</td><td>0,18</td>' in html
    assert "Frigjort tid er ikke en besparelse, før den bliver brugt til noget andet eller taget ud." in html
    assert "2,8 %" in html and "8,4 %" in html
    [alt] = re.findall(r'<img class="aiskole-chart" src="data:image/png;base64,[^"]+" alt="([^"]+)"', html)
    assert (
        alt
        == "Søjlediagram over frigjort tid pr. år: pessimistisk 27 timer, sandsynligt 167 timer, optimistisk 350 timer."
    )
    png = base64.b64decode(re.search(r"base64,([^\"]+)", html).group(1))
    assert png[:8] == b"\x89PNG\r\n\x1a\n"
    assert "Valgt: 1.924 timer" in view.denominator_text.value
    assert "ikke officiel" in view.denominator_text.value
    assert view.status.value == ""
    assert store.list_submissions() == []  # nothing is stored before "Gem"


def test_save_stores_the_numbers_and_result_shown(any_url):
    """Does "Gem" store exactly the scenarios, denominator and KPI shown, on SQLite and PostgreSQL?"""
    view, store = make_view(any_url)
    view.set_values({"likely": {"cases_per_year": "1.200", "ai_minutes": "7,5", "new_task_hours": 0}})
    view.denominator.value = "nationalt-maal"
    view.kpi_choice.value = "svartid"
    view.kpi_fields["baseline"].value = "72"
    view.kpi_fields["target"].value = "48"
    view.kpi_fields["measured"].value = "60"
    store.create_pilot("Test", code="gevinst-1")
    view.workshop_code.value = "gevinst-1"
    likely_hours = (12 - 7.5) * 1200 * 0.70 / 60 - 0
    assert "<td>63</td>" in view.result.value
    assert "Valgt: ca. 1.667 timer" in view.denominator_text.value
    assert "Ændring: −16,7 % (fra 72 til 60 timer)." in view.kpi_output.value
    assert "I er nået 50 % af vejen" in view.kpi_output.value
    view.save_button.click()
    assert "Gemt som beregning nr." in view.status.value
    [row] = store.list_submissions()
    assert view.saved_id == row.id
    assert row.exercise == "kpi" and row.workshop_code == "GEVINST-1"
    assert row.answers["scenarios"]["likely"] == {
        "baseline_minutes": 12.0,
        "ai_minutes": 7.5,
        "cases_per_year": 1200,
        "adoption_pct": 70.0,
        "new_task_hours": 0.0,
    }
    assert row.answers["denominator"] == "nationalt-maal"
    assert row.answers["kpi"] == {"id": "svartid", "baseline": 72.0, "target": 48.0, "measured": 60.0}
    assert row.result["hours"]["likely"] == pytest.approx(likely_hours, abs=0.01)
    assert row.result["aarsvaerk"]["likely"] == pytest.approx(likely_hours / 1667, abs=1e-4)
    assert row.result["kpi"]["progress_pct"] == 50.0
    assert row.result["ordered"] is True
    store.dispose()


def test_without_kpi_values_no_kpi_is_stored(store):
    view = KpiView(store_factory=lambda: store)
    view.save_button.click()
    [row] = store.list_submissions()
    assert row.answers["kpi"] is None and row.result["kpi"] is None
    assert row.answers["denominator"] == "brutto"


@pytest.mark.parametrize(
    ("scenario", "field", "text", "message"),
    [
        (
            "likely",
            "cases_per_year",
            "12,5",
            "Sandsynligt scenarie – Sager pr. år: skriv et helt antal sager",
        ),
        ("optimistic", "adoption_pct", "150", "Optimistisk scenarie – Andel af sagerne, hvor AI bruges (%)"),
        ("pessimistic", "baseline_minutes", "tolv", "det er ikke et tal"),
        ("pessimistic", "ai_minutes", "<img src=x onerror=alert(1)>", "det er ikke et tal"),
        ("likely", "new_task_hours", "", "skriv et tal"),
    ],
)
def test_bad_numbers_give_a_danish_message_by_the_result_and_nothing_is_stored_or_lost(
    store, scenario, field, text, message
):
    view = KpiView(store_factory=lambda: store)
    view.fields[scenario][field].value = text
    problem = view._scenario_problems[scenario].value  # shown in the box with the number to fix
    assert message in problem and 'role="alert"' in problem
    assert "<img src=x" not in problem
    assert "aiskole-invalid" in view._scenario_boxes[scenario]._dom_classes
    assert "Ret tallene:" in view.result.value and "<caption>" not in view.result.value
    assert view.estimate is None
    view.save_button.click()
    assert message in view.status.value
    assert store.list_submissions() == []
    assert view.fields[scenario][field].value == text
    # correcting the number brings the result back
    view.fields[scenario][field].value = DEFAULTS[scenario][field]
    assert "<caption>" in view.result.value
    assert view.estimate is not None
    assert view._scenario_problems[scenario].value == ""
    assert "aiskole-invalid" not in view._scenario_boxes[scenario]._dom_classes


def test_negative_result_is_shown_and_explained(store):
    view = KpiView(store_factory=lambda: store)
    view.set_values({"pessimistic": {"ai_minutes": 15, "new_task_hours": 100}})
    assert "AI-løsningen koster mere tid, end den sparer" in view.result.value
    assert "<td>−200</td>" in view.result.value  # (12 − 15) × 4000 × 50 % / 60 − 100
    assert "Bemærk:" in view.result.value
    view.save_button.click()
    assert store.list_submissions()[0].result["hours"]["pessimistic"] == pytest.approx(-200)


def test_scenarios_out_of_order_are_shown_and_not_saved(store):
    """Are swapped scenarios explained on screen and refused by "Gem" with a Danish message?"""
    view = KpiView(store_factory=lambda: store)
    view.set_values({"pessimistic": {"ai_minutes": 4}})
    assert "Scenarierne står i forkert rækkefølge" in view.result.value
    assert "Tjek:" in view.result.value
    view.save_button.click()
    assert "forkert rækkefølge" in view.status.value and 'role="alert"' in view.status.value
    assert store.list_submissions() == []


@pytest.mark.parametrize(
    ("values", "message"),
    [
        ({"baseline": "72", "target": "", "measured": ""}, "Udfyld alle tre KPI-felter"),
        ({"baseline": "72", "target": "90", "measured": "60"}, "her er lavere bedre"),
        ({"baseline": "72", "target": "<b>x</b>", "measured": "60"}, "Svartid – Mål: det er ikke et tal"),
    ],
)
def test_bad_kpi_values_give_a_danish_message_and_block_saving(store, values, message):
    view = KpiView(store_factory=lambda: store)
    for key, value in values.items():
        view.kpi_fields[key].value = value
    assert message in view.kpi_output.value
    assert "<b>" not in view.kpi_output.value
    view.save_button.click()
    assert message in view.status.value
    assert store.list_submissions() == []


def test_changing_kpi_shows_its_definition_and_unit(store):
    view = KpiView(store_factory=lambda: store)
    view.kpi_choice.value = "co2"
    assert "kg CO₂e pr. måned" in view.kpi_text.value
    assert view.kpi_fields["target"].description == "Mål (kg CO₂e pr. måned)"
    for key, value in {"baseline": "800", "target": "600", "measured": "680"}.items():
        view.kpi_fields[key].value = value
    assert "Reduktion: 120 kg CO₂e pr. måned" in view.kpi_output.value
    assert "60 % af vejen" in view.kpi_output.value


def test_unreachable_store_keeps_the_numbers_on_screen():
    def broken():
        raise StoreError("Databasen kan ikke nås lige nu, så svarene er ikke gemt. Dine svar er ikke tabt.")

    view = KpiView(store_factory=broken)
    view.set_values({"likely": {"cases_per_year": "5.000"}})
    view.save_button.click()
    assert "Databasen kan ikke nås" in view.status.value
    assert view.fields["likely"]["cases_per_year"].value == "5.000"
    assert view.save_button.disabled is False


def test_unexpected_errors_never_show_a_traceback():
    def boom():
        raise ZeroDivisionError("internal detail")

    view = KpiView(store_factory=boom)
    view.save_button.click()
    assert "Noget gik galt" in view.status.value
    assert "internal detail" not in view.status.value


@pytest.mark.parametrize("code", ["x", "<script>alert(1)</script>"])
def test_bad_workshop_code_is_refused_with_a_danish_message(store, code):
    view = KpiView(store_factory=lambda: store)
    view.workshop_code.value = code
    view.save_button.click()
    assert "Workshopkoden skal være" in view.status.value
    assert "<script>" not in view.status.value
    assert store.list_submissions() == []
