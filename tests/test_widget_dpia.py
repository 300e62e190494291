"""The mini-DPIA widget driven headless: set values, click "Gem", check the store and the screen."""

from __future__ import annotations

import pytest

from aiskole.exercises.base import VERSION_KEY
from aiskole.exercises.dpia import DpiaSubmission
from aiskole.store import Store, StoreError
from aiskole.widgets.dpia import DpiaView


def fill(view: DpiaView, *yes: int) -> None:
    view.set_answers({n: n in yes for n in range(1, 11)})


def make_view(url: str) -> tuple[DpiaView, Store]:
    store = Store(url)
    store.migrate()
    return DpiaView(store_factory=lambda: store), store


def test_save_stores_the_row_and_shows_the_verdict(any_url):
    """Does "Gem" store exactly the answers and verdict shown, on SQLite and PostgreSQL?"""
    view, store = make_view(any_url)
    fill(view, 6, 8)
    store.create_pilot("Test", code="frokost-1")
    view.workshop_code.value = "frokost-1"
    assert "DPIA påkrævet" in view.result.value
    view.save_button.click()
    assert "Gemt som screening nr." in view.status.value
    [row] = store.list_submissions()
    assert view.saved_id == row.id
    assert row.workshop_code == "FROKOST-1"
    assert row.answers == {
        **{str(n): n in (6, 8) for n in range(1, 11)},
        "public_area": False,
        "personal_data": True,
        VERSION_KEY: DpiaSubmission.version,
    }
    assert row.result["verdict"] == "full"
    assert row.result["rules"] == ["innovativ-teknologi", "to-kriterier"]
    assert "Retsgrundlag: Datatilsynets liste" in view.result.value
    assert "databeskyttelsesrådgiveren (DPO)" in view.result.value  # the disclaimer
    store.dispose()


def test_verdict_appears_only_when_all_ten_are_answered(store):
    view = DpiaView(store_factory=lambda: store)
    view.set_answers({n: False for n in range(1, 10)})
    assert view.result.value == ""
    assert "9 af 10 besvaret" in view.progress.value
    view.questions[10].value = False
    assert "Ingen DPIA efter screeningen" in view.result.value


def test_unanswered_questions_get_a_danish_message_and_nothing_is_stored_or_lost(store):
    view = DpiaView(store_factory=lambda: store)
    view.set_answers({1: True, 2: False, 4: True})
    view.save_button.click()
    assert "Spørgsmålene 3, 5, 6, 7, 8, 9 og 10 mangler et svar" in view.status.value
    assert 'role="alert"' in view.status.value
    assert "Mangler svar" in view._missing_labels[3].value
    assert "aiskole-missing" in view._boxes[3]._dom_classes
    assert view.answers()[1] is True and view.answers()[4] is True
    assert store.list_submissions() == []
    # answering clears the marker
    view.questions[3].value = False
    assert "aiskole-missing" not in view._boxes[3]._dom_classes


def test_unreachable_store_keeps_the_answers_on_screen():
    """When the store cannot be reached: a Danish message, the answers stay, and no traceback."""

    def broken():
        raise StoreError("Databasen kan ikke nås lige nu, så svarene er ikke gemt. Dine svar er ikke tabt.")

    view = DpiaView(store_factory=broken)
    fill(view, 2)
    view.save_button.click()
    assert "Databasen kan ikke nås" in view.status.value
    assert "Traceback" not in view.status.value
    assert view.answers()[2] is True
    assert "DPIA påkrævet" in view.result.value
    assert view.save_button.disabled is False


def test_real_unreachable_database():
    view = DpiaView(store_factory=lambda: Store("postgresql+psycopg://x@127.0.0.1:1/x?connect_timeout=2"))
    fill(view)
    view.save_button.click()
    assert "Dine svar er ikke tabt" in view.status.value


def test_unexpected_errors_never_show_a_traceback(store, caplog):
    def boom():
        raise ZeroDivisionError("internal detail")

    view = DpiaView(store_factory=boom)
    fill(view)
    view.save_button.click()
    assert "Noget gik galt" in view.status.value
    assert "ZeroDivisionError" not in view.status.value and "internal detail" not in view.status.value


def test_public_area_follow_up_only_for_question_3(store):
    view = DpiaView(store_factory=lambda: store)
    assert view._public_box.layout.display == "none"
    fill(view, 3, 5)
    assert view._public_box.layout.display == "flex"
    assert "Systematisk overvågning af et offentligt tilgængeligt område" not in view.result.value
    view.public_area.value = True
    assert "Systematisk overvågning af et offentligt tilgængeligt område" in view.result.value
    view.save_button.click()
    assert store.list_submissions()[0].result["public_area"] is True


@pytest.mark.parametrize("code", ["x", "<script>alert(1)</script>"])
def test_bad_workshop_code_is_refused_with_a_danish_message(store, code):
    view = DpiaView(store_factory=lambda: store)
    fill(view)
    view.workshop_code.value = code
    view.save_button.click()
    assert "Workshopkoden skal være" in view.status.value
    assert "<script>" not in view.status.value
    assert store.list_submissions() == []
    assert view.workshop_code.value == code  # nothing the user typed is lost


def test_the_gateway_comes_first_and_no_personal_data_means_no_dpia(store):
    """Does the view ask about personal data first, hide the ten questions on "Nej" and store the gateway?"""
    view = DpiaView(store_factory=lambda: store)
    assert view._questions_box.layout.display == "none" and view.result.value == ""
    view.save_button.click()
    assert "Svar først på, om løsningen behandler personoplysninger" in view.status.value
    assert store.list_submissions() == []
    view.personal_data.value = False
    assert view._questions_box.layout.display == "none"
    assert "Ingen DPIA efter screeningen" in view.result.value and "AI-forordningen" in view.result.value
    view.save_button.click()
    [row] = store.list_submissions()
    assert row.answers["personal_data"] is False and row.result["rules"] == ["ingen-personoplysninger"]
    view.personal_data.value = True
    assert view._questions_box.layout.display == "flex" and view.result.value == ""
