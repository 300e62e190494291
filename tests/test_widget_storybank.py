"""The storybank widget driven headless: save with consent, list, delete, withdraw consent, export."""

from __future__ import annotations

import base64
import re

import pytest

from aiskole.store import Store, StoreError
from aiskole.widgets.storybank import StorybankView

XSS = '<img src="x" onerror="window.__xss = 2"><script>window.__xss = 1</script>'


def make_view(url: str) -> tuple[StorybankView, Store]:
    store = Store(url)
    store.migrate()
    return StorybankView(store_factory=lambda: store), store


def fill(
    view: StorybankView,
    quote="AI laver mit første udkast.",
    role="Sagsbehandler",
    dept="Borgerservice",
    consent=True,
) -> None:
    view.quote.value = quote
    view.role.value = role
    view.department.value = dept
    view.consent.value = consent


def exported(view: StorybankView) -> str:
    match = re.search(r'href="data:text/markdown;base64,([^"]+)"', view.export.value)
    assert match, view.export.value
    return base64.b64decode(match.group(1)).decode("utf-8")


def test_save_list_delete_and_withdraw(any_url):
    """The whole life of two quotes, on SQLite and PostgreSQL."""
    view, store = make_view(any_url)
    assert "Citater med samtykke (0)" in view.list_heading.value
    assert view.export.value == ""

    fill(view, "AI laver mit første udkast.", "Sagsbehandler", "Borgerservice")
    view.save_button.click()
    assert "Citatet er gemt" in view.status.value
    kids = list(view.widget.children)
    assert kids.index(view.status) == kids.index(view.save_button) + 1  # the message is where the user looks
    fill(view, "Referater på halv tid.", "Leder", "Ældreplejen")
    view.save_button.click()
    rows = store.list_submissions(exercise="story")
    assert [r.answers["quote"] for r in rows] == ["AI laver mit første udkast.", "Referater på halv tid."]
    assert all(
        r.answers["consent"] is True and "trække samtykket tilbage" in r.answers["consent_text"] for r in rows
    )
    assert view.saved_id == rows[1].id
    # the form is cleared for the next colleague
    assert (view.quote.value, view.role.value, view.department.value, view.consent.value) == (
        "",
        "",
        "",
        False,
    )
    assert "Citater med samtykke (2)" in view.list_heading.value
    assert [r.story.id for r in view.rows] == [r.id for r in rows]
    assert "— Leder, Ældreplejen" in view.rows[1].text.value
    markdown = exported(view)
    assert "> AI laver mit første udkast." in markdown and "> — Leder, Ældreplejen" in markdown
    assert "Hent 2 citater (Markdown)" in view.export.value

    # delete: ask first, cancel, ask again, confirm
    first = view.rows[0]
    first.delete_button.click()
    assert first.confirm_box.layout.display == "flex" and "for altid" in first.confirm_text.value
    assert len(store.list_submissions(exercise="story")) == 2
    first.cancel_button.click()
    assert first.confirm_box.layout.display == "none" and first.actions.layout.display == "flex"
    first.delete_button.click()
    first.confirm_button.click()
    assert "Citatet er slettet" in view.list_status.value and view.status.value == ""
    assert store.get_submission(rows[0].id) is None
    assert "Citater med samtykke (1)" in view.list_heading.value
    assert "AI laver mit første udkast." not in exported(view)

    # withdraw consent: the row stays as a record, without the text, and leaves the list and the export
    second = view.rows[0]
    second.withdraw_button.click()
    assert "trukket samtykket tilbage" in second.confirm_text.value
    second.confirm_button.click()
    assert "Samtykket er trukket tilbage" in view.list_status.value
    row = store.get_submission(rows[1].id)
    assert row.answers["consent"] is False
    assert (row.answers["quote"], row.answers["role"], row.answers["department"]) == ("", "", "")
    assert row.answers["withdrawn_on"] and row.result["status"] == "trukket-tilbage"
    assert view.rows == [] and "Citater med samtykke (0)" in view.list_heading.value
    assert view.export.value == ""
    store.dispose()


def test_without_consent_nothing_is_saved_and_nothing_is_lost(any_url):
    view, store = make_view(any_url)
    fill(view, "Hemmeligt citat", consent=False)
    view.save_button.click()
    assert "mangler samtykke" in view.status.value and 'role="alert"' in view.status.value
    assert store.list_submissions() == []
    assert view.quote.value == "Hemmeligt citat" and view.role.value == "Sagsbehandler"
    store.dispose()


def test_rows_without_consent_in_the_store_are_never_shown(any_url):
    """Even a row written by someone else without consent (or with a non-boolean flag) stays hidden."""
    store = Store(any_url)
    store.migrate()
    for consent in (False, "true", None):
        store.add_submission(
            "story",
            {
                "quote": f"HEMMELIGT {consent}",
                "role": "Pædagog",
                "department": "Dagtilbud",
                "consent": consent,
            },
            {"status": "kladde"},
        )
    store.add_submission(
        "story", {"quote": "Synligt", "role": "Leder", "department": "IT", "consent": True}, {}
    )
    store.add_submission("quiz", {"quote": "Fra en anden øvelse", "consent": True}, {})
    view = StorybankView(store_factory=lambda: store)
    everything = view.list_box.children
    assert len(view.rows) == 1 and "Synligt" in view.rows[0].text.value
    assert all("HEMMELIGT" not in getattr(c, "value", "") for c in everything)
    assert "HEMMELIGT" not in exported(view) and "Fra en anden øvelse" not in exported(view)
    store.dispose()


def test_free_text_is_escaped_in_the_list_and_in_the_export(store):
    view = StorybankView(store_factory=lambda: store)
    fill(view, XSS, XSS[:80], XSS[:80])
    view.save_button.click()
    html = view.rows[0].text.value
    assert "<img" not in html and "<script" not in html and "&lt;img" in html
    markdown = exported(view)
    assert "<img" not in markdown.replace("\\<img", "")
    assert "\\<script\\>" in markdown


def test_too_long_gets_a_danish_message_and_a_counter(store):
    view = StorybankView(store_factory=lambda: store)
    assert "Højst 500 tegn." in view.counter.value
    fill(view, "x" * 501)
    assert "501 af højst 500 tegn – for langt" in view.counter.value
    view.save_button.click()
    assert "Citatet fylder 501 tegn" in view.status.value
    assert store.list_submissions() == []
    assert view.quote.value == "x" * 501


def test_acting_on_a_story_that_is_already_gone(store):
    view = StorybankView(store_factory=lambda: store)
    fill(view)
    view.save_button.click()
    row = view.rows[0]
    store.delete_submission(row.story.id)  # e.g. deleted from another tab
    row.delete_button.click()
    row.confirm_button.click()
    assert "findes ikke længere" in view.list_status.value and 'role="alert"' in view.list_status.value
    assert view.rows == []


def test_unreachable_store_shows_the_form_and_a_danish_message():
    def broken():
        raise StoreError("Databasen kan ikke nås lige nu, så svarene er ikke gemt. Dine svar er ikke tabt.")

    view = StorybankView(store_factory=broken)
    assert "Databasen kan ikke nås" in view.status.value
    fill(view)
    view.save_button.click()
    assert "Databasen kan ikke nås" in view.status.value
    assert view.quote.value == "AI laver mit første udkast."
    assert view.save_button.disabled is False


def test_unexpected_errors_never_show_a_traceback():
    def boom():
        raise ZeroDivisionError("internal detail")

    view = StorybankView(store_factory=boom)
    assert "Noget gik galt" in view.status.value
    assert "internal detail" not in view.status.value


def test_on_the_shared_demo_server_participants_only_see_and_change_their_own_quotes(store):
    """With manage=False, can one participant neither see nor delete another participant's quote?"""
    from aiskole.widgets.storybank import StorybankView

    alice = StorybankView(store_factory=lambda: store, manage=False)
    bob = StorybankView(store_factory=lambda: store, manage=False)
    for view, quote in ((alice, "AI skriver mine første udkast."), (bob, "Referater går hurtigere nu.")):
        view.quote.value = quote
        view.role.value = "Sagsbehandler"
        view.department.value = "Borgerservice"
        view.consent.value = True
        view.save_button.click()
    assert [s.quote for s in alice.stories()] == ["AI skriver mine første udkast."]
    with pytest.raises(ValueError, match="selv har gemt"):
        alice.delete(bob.saved_id)
    assert store.get_submission(bob.saved_id) is not None
    champion = StorybankView(store_factory=lambda: store)  # manage=True: the whole bank
    assert len(champion.stories()) == 2


def test_stories_collected_at_a_workshop_carry_its_code(store):
    store.create_pilot("Teknik", code="TEK-24")
    view = StorybankView(store_factory=lambda: store, workshop_code="tek-24")
    view.quote.value = "Vi bruger AI til referater."
    view.role.value = "Teamleder"
    view.department.value = "Teknik"
    view.consent.value = True
    view.save_button.click()
    assert store.get_submission(view.saved_id).workshop_code == "TEK-24"
