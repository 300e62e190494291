"""The use-case canvas widget driven headless: set values, click "Gem" and "Lav A3-plakat", check store and screen."""

from __future__ import annotations

import base64
import re

import pytest

from aiskole.render.canvas_poster import QUADRANT_STYLE
from aiskole.resources import stylesheet
from aiskole.store import Store, StoreError
from aiskole.widgets.canvas import CanvasView
from tests.browser.conftest import XSS_PAYLOADS
from tests.test_canvas import scores as canvas_scores

SCORES = canvas_scores()
NO = {"forbudt": False, "bilag_iii": False, "fuld_dpia": False, "offentlig_genai": False}
FIELDS = {
    "titel": "Svar på henvendelser",
    "problem": "Mange ens henvendelser.",
    "ai_loesning": "AI skriver et udkast, medarbejderen retter.",
    "ai_produktejer": "Teamleder, Borgerservice",
    "dataejer": "Borgerservicechef",
    "isk": "IT-sikkerhed",
    "dpo": "Kommunens DPO-funktion",
}


def make_view(url: str) -> tuple[CanvasView, Store]:
    store = Store(url)
    store.migrate()
    return CanvasView(store_factory=lambda: store), store


def fill(view: CanvasView, **gates) -> None:
    view.set_values(fields=FIELDS, scores=SCORES, hours=1200, gates={**NO, **gates})


def test_save_stores_the_canvas_and_shows_the_quadrant(any_url):
    """Does "Gem" store exactly the fields, scores and result shown, on SQLite and PostgreSQL?"""
    view, store = make_view(any_url)
    fill(view)
    store.create_pilot("Test", code="canvas-1")
    view.workshop_code.value = "canvas-1"
    assert "Placering: Lavthængende frugter" in view.result.value
    assert "Gevinst: 3,55" in view.result.value and "Kompleksitet: 2,05" in view.result.value
    assert '<img src="data:image/png;base64,' in view.chart.value
    assert (
        'alt="Kvadrantdiagram: «Svar på henvendelser» ligger i feltet Lavthængende frugter'
        in view.chart.value
    )
    view.save_button.click()
    assert "Gemt som canvas nr." in view.status.value
    [row] = store.list_submissions()
    assert row.exercise == "canvas" and view.saved_id == row.id
    assert row.workshop_code == "CANVAS-1"
    assert row.answers["fields"]["titel"] == "Svar på henvendelser"
    assert row.answers["fields"]["maalgruppe"] == ""
    assert row.answers["scores"] == SCORES
    assert row.answers["hours"] == 1200
    assert row.answers["gates"] == {**NO, "art_6_3": None}
    assert row.result["quadrant"] == "quick_wins"
    assert row.result["gevinst"] == 3.55 and row.result["kompleksitet"] == 2.05
    assert row.result["parts"]["tid"] == 4
    store.dispose()


def test_the_result_waits_for_all_nine_sub_scores(store):
    view = CanvasView(store_factory=lambda: store)
    assert "0 af 9 delscorer valgt" in view.result.value
    assert view.chart.value == ""
    view.set_values(scores={k: v for k, v in SCORES.items() if k != "jura"})
    assert "8 af 9 delscorer valgt" in view.result.value
    view.scores["jura"].value = 3
    assert "Placering:" in view.result.value
    assert "Foreløbig placering" in view.result.value  # the gates are not answered yet
    assert "Tidsbesparelse: <strong>0 af 5</strong>" in view.hours_result.value
    view.hours.value = 250
    assert "Tidsbesparelse: <strong>2 af 5</strong>" in view.hours_result.value


def test_missing_fields_and_gates_get_danish_messages_and_nothing_is_lost(store):
    view = CanvasView(store_factory=lambda: store)
    view.set_values(fields={"problem": "Noget vigtigt"}, scores=SCORES, hours=10)
    view.save_button.click()
    assert "Udfyld felterne «Idéens titel» og «AI-løsning»." in view.status.value
    assert 'role="alert"' in view.status.value
    view.set_values(fields={"titel": "T", "ai_loesning": "A"})
    view.save_button.click()
    assert "Svar ja eller nej på spørgsmålene om jura og sikkerhed" in view.status.value
    assert store.list_submissions() == []
    assert view.fields["problem"].value == "Noget vigtigt"
    assert view.scores["jura"].value == 3


def test_too_long_text_is_refused_and_kept(store):
    view = CanvasView(store_factory=lambda: store)
    fill(view)
    view.fields["problem"].value = "x" * 600
    view.save_button.click()
    assert "Feltet «Problem» er for langt: 600 tegn" in view.status.value
    assert view.fields["problem"].value == "x" * 600
    assert store.list_submissions() == []


def test_weights_are_editable_and_bad_weights_get_a_danish_message(store):
    view = CanvasView(store_factory=lambda: store)
    fill(view)
    assert view.weights_box.get_title(0) == "Vægte"
    for k in view.weights["gevinst"]:
        view.weights["gevinst"][k].value = 1 if k == "klima" else 0
    assert "Gevinst: 1,00" in view.result.value  # klima is 1
    view.weights["gevinst"]["klima"].value = -2
    assert "En vægt kan ikke være negativ: «Klima og CO₂» (gevinst)" in view.status.value
    assert "Resultatet kan ikke regnes ud" in view.result.value
    assert view.weights["gevinst"]["klima"].value == -2  # nothing typed is lost
    view.reset_weights_button.click()
    assert view.status.value == ""
    assert "Gevinst: 3,55" in view.result.value
    view.weights["kompleksitet"]["jura"].value = 0
    view.save_button.click()
    row = store.list_submissions()[0]
    assert row.answers["weights"]["kompleksitet"]["jura"] == 0
    assert row.result["weights"]["kompleksitet"]["jura"] == 0


def test_the_art_6_3_follow_up_shows_only_under_annex_iii(store):
    view = CanvasView(store_factory=lambda: store)
    fill(view)
    assert view._gate_boxes["art_6_3"].layout.display == "none"
    view.gates["bilag_iii"].value = True
    assert view._gate_boxes["art_6_3"].layout.display == "flex"
    assert "Kompleksitet: 4,00" in view.result.value
    assert "FRIA + registrering" in view.result.value
    assert "Placering: Strategiske projekter" in view.result.value
    view.gates["art_6_3"].value = True
    assert "Kompleksitet: 2,05" in view.result.value and "FRIA" not in view.result.value
    view.gates["bilag_iii"].value = False
    assert view.gate_values()["art_6_3"] is None


@pytest.mark.parametrize("gate", ["forbudt", "offentlig_genai"])
def test_stop_gates_show_stop_and_no_quadrant(store, gate):
    view = CanvasView(store_factory=lambda: store)
    fill(view, **{gate: True})
    assert "STOP – idéen placeres ikke" in view.result.value
    assert "Placering:" not in view.result.value
    assert "Retsgrundlag:" in view.result.value
    assert "er ikke placeret" in view.chart.value
    view.save_button.click()
    row = store.list_submissions()[0]
    assert row.result["stopped"] is True and row.result["quadrant"] is None


def test_free_text_is_escaped_everywhere(store):
    view = CanvasView(store_factory=lambda: store)
    fill(view)
    payloads = {k: XSS_PAYLOADS[i % 2] for i, k in enumerate(view.fields)}
    view.set_values(fields=payloads)
    view.fields["dpo"].value = ""
    shown = view.result.value + view.chart.value + view.status.value
    for payload in XSS_PAYLOADS:
        assert payload not in shown
    assert "<script>" not in shown and '<img src="x"' not in shown
    assert "&lt;script&gt;" in view.chart.value or "&lt;img" in view.chart.value  # the title in the alt text
    view.poster_button.click()
    assert "<script>" not in view.downloads.value
    view.save_button.click()
    row = store.list_submissions()[0]
    assert row.answers["fields"]["problem"] == payloads["problem"]  # stored as typed; escaped when shown


def test_poster_gives_pdf_and_png_links_and_goes_stale_on_change(store):
    view = CanvasView(store_factory=lambda: store)
    fill(view)
    pdf, png = view.make_poster()
    assert pdf.startswith(b"%PDF-") and png.startswith(b"\x89PNG")
    links = view.downloads.value
    assert 'download="use-case-canvas-' in links and ".pdf" in links and ".png" in links
    payload = re.search(r'href="data:application/pdf;base64,([^"]+)"', links).group(1)
    assert base64.b64decode(payload) == pdf
    assert "A3-plakaten er klar" in view.status.value
    view.fields["kpi"].value = "Svartid i dage"
    assert "Skemaet er ændret" in view.downloads.value
    # the poster needs the title, but not every answer about the law
    view.fields["titel"].value = ""
    view.poster_button.click()
    assert "Udfyld feltet «Idéens titel»." in view.status.value


def test_poster_without_gate_answers_is_marked_provisional(store):
    view = CanvasView(store_factory=lambda: store)
    view.set_values(fields=FIELDS, scores=SCORES, hours=100)
    pdf, _ = view.make_poster()
    assert pdf.startswith(b"%PDF-")
    assert "Foreløbig placering" in view.result.value


def test_unreachable_store_keeps_everything_on_screen():
    def broken():
        raise StoreError("Databasen kan ikke nås lige nu, så svarene er ikke gemt. Dine svar er ikke tabt.")

    view = CanvasView(store_factory=broken)
    fill(view)
    view.save_button.click()
    assert "Databasen kan ikke nås" in view.status.value
    assert view.fields["titel"].value == FIELDS["titel"]
    assert "Placering: Lavthængende frugter" in view.result.value
    assert view.save_button.disabled is False


def test_unexpected_errors_never_show_a_traceback():
    def boom():
        raise ZeroDivisionError("internal detail")

    view = CanvasView(store_factory=boom)
    fill(view)
    view.save_button.click()
    assert "Noget gik galt" in view.status.value
    assert "internal detail" not in view.status.value


@pytest.mark.parametrize("code", ["x", "<script>alert(1)</script>"])
def test_bad_workshop_code_is_refused(store, code):
    view = CanvasView(store_factory=lambda: store)
    fill(view)
    view.workshop_code.value = code
    view.save_button.click()
    assert "Workshopkoden skal være" in view.status.value
    assert "<script>" not in view.status.value
    assert store.list_submissions() == []
    assert view.workshop_code.value == code


def test_the_quadrant_tints_in_the_stylesheet_are_the_posters():
    """The view's quadrant box (a CSS class) has the same tint as the quadrant on the poster and the chart."""
    css = stylesheet("canvas")
    for quadrant, (colour, _box) in QUADRANT_STYLE.items():
        assert re.search(rf"\.aiskole-canvas-q-{quadrant} \{{ background: {colour}; \}}", css), quadrant
