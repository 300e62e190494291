"""The risk heatmap widget driven headless: add risks, edit, remove, refuse, save, download."""

from __future__ import annotations

import base64
import re

import pytest

from aiskole.exercises import heatmap as hm
from aiskole.store import Store, StoreError
from aiskole.widgets.heatmap import OWN_RISK, HeatmapView

XSS = '<img src="x" onerror="window.__xss = 2">'


def make_view(url: str) -> tuple[HeatmapView, Store]:
    store = Store(url)
    store.migrate()
    return HeatmapView(store_factory=lambda: store), store


def fill(view: HeatmapView, title, domain, likelihood, consequence, owner="", mitigation="") -> None:
    view.title.value = title
    view.domain.value = domain
    view.likelihood.value = likelihood
    view.consequence.value = consequence
    view.owner.value = owner
    view.mitigation.value = mitigation


def add(view: HeatmapView, *args, **kwargs) -> None:
    fill(view, *args, **kwargs)
    view.add_button.click()


def row_buttons(view: HeatmapView, index: int):
    edit, remove = view.risk_list.children[index].children[1].children
    return edit, remove


def test_save_stores_the_heatmap_shown(any_url):
    """Does "Gem" store exactly the risks and the aggregation shown, on SQLite and PostgreSQL?"""
    view, store = make_view(any_url)
    add(view, "Bias i forslag til ydelser", "etik", 3, 2, owner="Teamleder", mitigation="Test for grupper")
    add(view, "Chatbot uden skærmlæser", "tilgaengelighed", 2, 2)
    add(view, "Låst til én leverandør", "drift", 1, 1)
    store.create_pilot("Test", code="frokost-1")
    view.workshop_code.value = "frokost-1"
    assert "RØD 6" in view.table.value and "GUL 4" in view.table.value
    assert "Jeres risici (3)" in view.list_heading.value
    view.save_button.click()
    assert re.search(r"Gemt som risikokort nr\. \d+", view.status.value)
    [row] = store.list_submissions()
    assert view.saved_id == row.id
    assert (row.exercise, row.workshop_code) == ("heatmap", "FROKOST-1")
    assert row.answers["scale"] == 3
    assert [(r["title"], r["domain"], r["score"], r["band"]) for r in row.answers["risks"]] == [
        ("Bias i forslag til ydelser", "etik", 6, "red"),
        ("Chatbot uden skærmlæser", "tilgaengelighed", 4, "yellow"),
        ("Låst til én leverandør", "drift", 1, "green"),
    ]
    assert row.answers["risks"][0]["owner"] == "Teamleder"
    assert row.result["bands"] == {"green": 1, "yellow": 1, "red": 1}
    assert row.result["domains"]["etik"] == {"count": 1, "worst_score": 6, "band": "red"}
    assert row.result["domains"]["data"] == {"count": 0, "worst_score": None, "band": None}
    assert row.result["domains"]["drift"]["band"] == "green"
    assert row.result["ready"] is True
    # saving again updates the same row instead of adding a copy
    add(view, "CPR i prompts", "data", 1, 2)
    view.save_button.click()
    assert "opdateret" in view.status.value
    [row] = store.list_submissions()
    assert len(row.answers["risks"]) == 4
    store.dispose()


def test_a_red_risk_without_owner_is_refused_and_nothing_is_lost(store):
    view = HeatmapView(store_factory=lambda: store)
    add(view, "Persondata i offentlig chatbot", "data", 3, 3, mitigation="Kun godkendt løsning")
    assert "Husk: en rød risiko skal have en ejer og et tiltag" in view.form_status.value
    assert "Mangler en ejer" in view.risk_list.children[0].children[0].value
    store.create_pilot("Test", code="TEK-24")
    view.workshop_code.value = "TEK-24"
    view.save_button.click()
    assert 'role="alert"' in view.status.value
    assert "Risikoen »Persondata i offentlig chatbot« er rød og mangler en ejer" in view.status.value
    assert store.list_submissions() == []
    assert "aiskole-missing" in view.risk_list.children[0]._dom_classes
    assert view.risks[0].mitigation == "Kun godkendt løsning"
    assert view.workshop_code.value == "TEK-24"
    # fix it through "Ret": the risk comes back into the form, nothing retyped
    edit, _remove = row_buttons(view, 0)
    edit.click()
    assert view.title.value == "Persondata i offentlig chatbot"
    assert view.mitigation.value == "Kun godkendt løsning"
    assert view.add_button.description == "Gem ændringer"
    view.owner.value = "Systemejer"
    view.add_button.click()
    assert len(view.risks) == 1 and view.risks[0].owner == "Systemejer"
    assert "Risiko nr. 1 er rettet: RØD 9" in view.form_status.value
    view.save_button.click()
    assert "Gemt som risikokort nr." in view.status.value
    assert store.list_submissions()[0].answers["risks"][0]["owner"] == "Systemejer"


def test_an_empty_heatmap_and_a_half_filled_form_give_danish_messages(store):
    view = HeatmapView(store_factory=lambda: store)
    view.save_button.click()
    assert "Tilføj mindst én risiko" in view.status.value
    view.title.value = "Noget"
    view.add_button.click()
    assert "Vælg et område" in view.form_status.value
    view.domain.value = "data"
    view.add_button.click()
    assert "Vælg sandsynligheden (1-3)" in view.form_status.value
    view.likelihood.value = 1
    view.add_button.click()
    assert "Vælg konsekvensen for borgeren (1-3)" in view.form_status.value
    assert view.title.value == "Noget" and view.risks == []
    view.consequence.value = 1
    view.add_button.click()
    assert len(view.risks) == 1 and view.title.value == ""  # the form is cleared after adding


def test_catalogue_fills_empty_fields_and_shows_the_source(store):
    view = HeatmapView(store_factory=lambda: store)
    item = view._content.catalogue_risk("digitalt-udfordrede")
    view.catalogue.value = item.id
    assert view.title.value == item.title
    assert view.domain.value == "tilgaengelighed"
    assert view.mitigation.value == item.mitigation
    assert "18 %" in view.catalogue_info.value
    assert (
        "https://videncenter.kl.dk/" in view.catalogue_info.value
        and "tjekket 27.11.2026" in view.catalogue_info.value
    )
    # what the user typed is never overwritten by another catalogue choice
    view.title.value = "Min egen titel"
    view.catalogue.value = "leverandoer-laasning"
    assert view.title.value == "Min egen titel"
    assert view.mitigation.value == view._content.catalogue_risk("leverandoer-laasning").mitigation
    view.likelihood.value, view.consequence.value = 2, 1
    view.add_button.click()
    assert view.risks[0].catalogue_id == "leverandoer-laasning"
    assert view.catalogue.value == OWN_RISK


def test_remove_and_edit_from_the_list(store):
    view = HeatmapView(store_factory=lambda: store)
    add(view, "A", "data", 1, 1)
    add(view, "B", "etik", 2, 1)
    add(view, "C", "etik", 1, 3)
    _edit, remove = row_buttons(view, 1)
    remove.click()
    assert [r.title for r in view.risks] == ["A", "C"]
    assert "Risikoen »B« er fjernet" in view.form_status.value
    assert "nr. 2" in view.table.value  # C is now number 2
    # editing while the form holds unsaved text is refused, so nothing typed is lost
    view.title.value = "halvfærdig"
    edit, _remove = row_buttons(view, 0)
    edit.click()
    assert "Formularen er ikke tom" in view.form_status.value
    assert view.title.value == "halvfærdig"
    view.title.value = ""
    edit, _ = row_buttons(view, 0)
    edit.click()
    assert view.title.value == "A"
    view.cancel_button.click()
    assert view.title.value == "" and view.add_button.description == "Tilføj risiko"
    assert [r.title for r in view.risks] == ["A", "C"]


def test_scale_5x5_offers_five_labelled_choices_and_locks_once_risks_exist(store):
    view = HeatmapView(store_factory=lambda: store)
    assert view.current_scale == 3
    assert [label for label, _ in view.likelihood.options] == ["1 usandsynlig", "2 mulig", "3 sandsynlig"]
    assert [label for label, _ in view.consequence.options] == ["1 begrænset", "2 betydelig", "3 alvorlig"]
    view.scale.value = 5
    assert len(view.likelihood.options) == 5 and view.consequence.options[-1][0] == "5 meget alvorlig"
    assert "RØD 10–25" in view.scale_note.value and "ikke en standard" in view.scale_note.value
    assert "aiskole-heatmap-5" in view.table.value
    add(view, "Stor risiko", "data", 5, 2, owner="Ejer", mitigation="Tiltag")
    assert view.risks[0].band == "red" and "RØD 10" in view.table.value
    assert view.scale.disabled
    view.scale.value = 3  # programmatic change is refused, the risks stay
    assert "Fjern risiciene, før I skifter skala" in view.form_status.value
    assert view.risks[0].scale == 5 and view.current_scale == 5
    view.save_button.click()
    assert store.list_submissions()[0].answers["scale"] == 5


def test_free_text_is_escaped_everywhere_it_is_shown_again(store):
    view = HeatmapView(store_factory=lambda: store)
    add(view, XSS, "data", 3, 3, owner=XSS, mitigation=XSS)
    shown = view.risk_list.children[0].children[0].value
    assert "<img" not in shown and "&lt;img" in shown
    view.owner.value = ""
    view.save_button.click()  # ready: owner and mitigation set
    assert "<img" not in view.status.value
    add(view, "<script>x</script>", "data", 3, 3)
    view.save_button.click()
    assert "<script>" not in view.status.value and "&lt;script&gt;" in view.status.value
    for html in (view.table.value, view.domain_summary.value, view.form_status.value):
        assert "<img" not in html and "<script>" not in html


def test_png_download_link_is_a_valid_png_and_follows_changes(store):
    view = HeatmapView(store_factory=lambda: store)
    assert view.download.value == ""
    add(view, "A", "data", 2, 2)
    view.png_button.click()
    link = view.download.value
    assert 'download="risikokort.png"' in link and "Hent risikokortet som billede (PNG)" in link
    data = base64.b64decode(re.search(r"base64,([A-Za-z0-9+/=]+)", link).group(1))
    assert data.startswith(b"\x89PNG\r\n\x1a\n")
    add(view, "B", "data", 3, 1)
    assert view.download.value != link  # regenerated with the new risk


def test_unreachable_store_keeps_every_risk():
    def broken():
        raise StoreError("Databasen kan ikke nås lige nu, så svarene er ikke gemt. Dine svar er ikke tabt.")

    view = HeatmapView(store_factory=broken)
    add(view, "A", "data", 1, 1)
    view.save_button.click()
    assert "Databasen kan ikke nås" in view.status.value
    assert [r.title for r in view.risks] == ["A"] and view.save_button.disabled is False


def test_unexpected_errors_never_show_a_traceback():
    def boom():
        raise ZeroDivisionError("internal detail")

    view = HeatmapView(store_factory=boom)
    add(view, "A", "data", 1, 1)
    view.save_button.click()
    assert "Noget gik galt" in view.status.value and "internal detail" not in view.status.value


@pytest.mark.parametrize("code", ["x", "<script>alert(1)</script>"])
def test_bad_workshop_code_is_refused(store, code):
    view = HeatmapView(store_factory=lambda: store)
    add(view, "A", "data", 1, 1)
    view.workshop_code.value = code
    view.save_button.click()
    assert "Workshopkoden skal være" in view.status.value
    assert store.list_submissions() == [] and view.workshop_code.value == code


def test_view_and_pure_rule_agree_on_every_cell(store):
    view = HeatmapView(store_factory=lambda: store)
    for li in range(1, 4):
        for c in range(1, 4):
            add(view, f"{li}x{c}", "data", li, c, owner="o", mitigation="m")
    heatmap = view.heatmap()
    assert all(cell.count == 1 for cell in heatmap.cells.values())
    assert [r.band for r in view.risks] == [hm.band(li, c) for li in range(1, 4) for c in range(1, 4)]
