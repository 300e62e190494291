"""The prompt lab widget driven headless: check, highlight, gallery, send (or refuse) and save."""

from __future__ import annotations

import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

from aiskole.exercises.base import VERSION_KEY
from aiskole.exercises.prompt import PromptSubmission
from aiskole.store import Store, StoreError
from aiskole.widgets.prompt import PromptLabView

SECRET_PROMPT = (
    "Du er erfaren sagsbehandler i en dansk kommune. Omskriv udkastet nedenfor til et brev til Anna Hansen, "
    "CPR 010190-1234, anna.hansen@example.dk, tlf. 23 45 67 89, som har en lungesygdom. Højst 200 ord. "
    "Tilføj ikke nye fakta. Skriv i klart sprog."
)
CLEAN_PROMPT = (
    "Du er erfaren sagsbehandler i en dansk kommune. Omskriv udkastet nedenfor til et brev til en ældre "
    'borger, [NAVN]. Højst 200 ord. Tilføj ikke nye fakta. Skriv i klart sprog. Udkast: """[udkast]"""'
)


def offline() -> object:
    from aiskole.settings import Settings

    return Settings(
        data_dir=Path("/nonexistent"), database_url="sqlite://", datasets_dir=Path("/nonexistent")
    )


def make_view(url: str, **kwargs) -> tuple[PromptLabView, Store]:
    store = Store(url)
    store.migrate()
    kwargs.setdefault("settings", offline())
    return PromptLabView(store_factory=lambda: store, **kwargs), store


def test_save_stores_task_rubric_and_counts_but_never_the_prompt(any_url):
    """Does "Gem" store the task, the rubric and finding counts – and nothing of the prompt or its data?"""
    view, store = make_view(any_url)
    view.task.value = "brev"
    view.prompt.value = SECRET_PROMPT
    store.create_pilot("Test", code="frokost-1")
    view.workshop_code.value = "frokost-1"
    view.save_button.click()
    assert "Gemt som nr." in view.status.value
    assert "Selve prompten er ikke gemt" in view.status.value
    [row] = store.list_submissions()
    assert view.saved_id == row.id
    assert row.exercise == "prompt" and row.workshop_code == "FROKOST-1"
    assert row.answers == {"task": "brev", VERSION_KEY: PromptSubmission.version}
    assert row.result["findings"] == {"cpr": 1, "email": 1, "phone": 1, "special_category": 1}
    assert row.result["finding_kinds"] == ["cpr", "email", "phone", "special_category"]
    assert row.result["criteria"]["rolle"] is True and row.result["criteria"]["eksempler"] is False
    assert row.result["score"] == sum(row.result["criteria"].values())
    stored = json.dumps([row.answers, row.result], ensure_ascii=False)
    for secret in ("Anna", "Hansen", "010190", "1234", "anna.hansen", "23 45 67 89", "lungesygdom", "Du er"):
        assert secret not in stored, secret
    store.dispose()


def test_the_ui_says_the_prompt_is_not_stored(store):
    view = PromptLabView(store_factory=lambda: store, settings=offline())
    html = "".join(c.value for c in view.widget.children if hasattr(c, "value") and isinstance(c.value, str))
    assert "Selve prompten gemmes ikke" in html


def test_check_shows_rubric_and_highlights_findings_with_labels(store):
    view = PromptLabView(store_factory=lambda: store, settings=offline())
    view.prompt.value = SECRET_PROMPT
    view.check_button.click()
    assert 'role="alert"' in view.findings.value
    assert '<span class="aiskole-find-label">[CPR]</span> 010190-1234</mark>' in view.findings.value
    assert '<span class="aiskole-find-label">[TELEFON]</span> 23 45 67 89</mark>' in view.findings.value
    assert "[ART. 9]</span> lungesygdom</mark>" in view.findings.value
    assert (
        "1 CPR-nummer, 1 e-mailadresse, 1 telefonnummer og 1 ord om følsomme forhold" in view.findings.value
    )
    assert "databeskyttelsesloven § 11" in view.findings.value  # why, with its source
    assert "Rolle" in view.result.value and "Opfyldt" in view.result.value and "Mangler" in view.result.value
    assert "tommelfingerregel" in view.result.value
    assert "Forslag:" in view.result.value
    assert store.list_submissions() == []  # checking stores nothing


def test_clean_prompt_says_nothing_found_but_names_the_limits(store):
    view = PromptLabView(store_factory=lambda: store, settings=offline())
    view.prompt.value = CLEAN_PROMPT
    view.check_button.click()
    assert "Ingen personoplysninger fundet" in view.findings.value
    assert "ikke navne og adresser" in view.findings.value
    assert "<mark" not in view.findings.value


@pytest.mark.parametrize(
    "payload", ["<script>window.__xss = 1</script>", '<img src="x" onerror="window.__xss = 2">']
)
def test_payloads_are_escaped_everywhere(store, payload):
    view = PromptLabView(store_factory=lambda: store, settings=offline())
    view.prompt.value = f"{payload} Skriv et brev til CPR 010190-1234 {payload} om {payload}sygdom"
    view.check_button.click()
    for html in (view.findings.value, view.result.value, view.status.value):
        assert "<script" not in html and "<img" not in html
    assert "&lt;script&gt;" in view.findings.value or "&lt;img" in view.findings.value
    view.workshop_code.value = payload
    view.save_button.click()
    assert "Workshopkoden skal være" in view.status.value and "<script" not in view.status.value


def test_task_change_shows_task_text_and_tip(store):
    view = PromptLabView(store_factory=lambda: store, settings=offline())
    view.task.value = "faq"
    assert "Det fremgår ikke af kilden" in view.task_info.value
    view.task.value = "opsummering"
    assert "Del en stor opgave op i trin" in view.task_info.value


def test_gallery_browses_and_fills_the_weak_prompt(store):
    view = PromptLabView(store_factory=lambda: store, settings=offline())
    assert "Før (svag)" in view.example.value and "Efter (bedre)" in view.example.value
    view.gallery.value = "referat-udvalg"
    assert "Punkt | Beslutning | Ansvarlig | Frist" in view.example.value
    view.try_button.click()
    assert view.prompt.value == "Lav et referat."
    assert view.task.value == "referat"
    view.check_button.click()
    assert "Kan gøres meget bedre" in view.result.value


def test_counter_and_too_long_prompt(store):
    view = PromptLabView(store_factory=lambda: store, settings=offline())
    assert "Højst 4.000 tegn." in view.counter.value  # empty: the limit, no "0" left standing while typing
    view.prompt.value = "Skriv et referat"
    assert "16 af højst 4.000 tegn" in view.counter.value
    view.prompt.value = "x " * 2100
    assert "for lang" in view.counter.value
    view.check_button.click()
    assert "Prompten er for lang: 4.200 tegn" in view.status.value
    assert view.result.value == ""
    assert view.prompt.value == "x " * 2100  # nothing is lost


def test_empty_prompt_cannot_be_checked_or_saved(store):
    view = PromptLabView(store_factory=lambda: store, settings=offline())
    view.check_button.click()
    assert "Skriv en prompt i feltet først" in view.status.value
    view.save_button.click()
    assert "Skriv en prompt i feltet først" in view.status.value
    assert store.list_submissions() == []


def test_editing_the_prompt_clears_old_feedback(store):
    view = PromptLabView(store_factory=lambda: store, settings=offline())
    view.prompt.value = SECRET_PROMPT
    view.check_button.click()
    assert view.findings.value
    view.prompt.value = CLEAN_PROMPT
    assert view.findings.value == "" and view.result.value == ""


def test_offline_the_send_button_is_not_offered_and_the_lab_says_so(store):
    view = PromptLabView(store_factory=lambda: store, settings=offline())
    assert view.send_button.layout.display == "none"
    assert "Der er ikke sat en sprogmodel op" in view.llm_note.value
    view._on_send()
    assert "ikke sat en sprogmodel op" in view.status.value


def test_unreachable_store_keeps_the_prompt_on_screen():
    def broken():
        raise StoreError("Databasen kan ikke nås lige nu, så svarene er ikke gemt. Dine svar er ikke tabt.")

    view = PromptLabView(store_factory=broken, settings=offline())
    view.prompt.value = CLEAN_PROMPT
    view.save_button.click()
    assert "Databasen kan ikke nås" in view.status.value
    assert view.prompt.value == CLEAN_PROMPT
    assert view.save_button.disabled is False


def test_unexpected_errors_never_show_a_traceback():
    def boom():
        raise ZeroDivisionError("internal detail")

    view = PromptLabView(store_factory=boom, settings=offline())
    view.prompt.value = CLEAN_PROMPT
    view.save_button.click()
    assert "Noget gik galt" in view.status.value and "internal detail" not in view.status.value


# --- with a (fake, local) language model ----------------------------------------------------------------


@pytest.fixture
def fake_model():
    received: list[dict] = []

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self):  # noqa: N802
            received.append(json.loads(self.rfile.read(int(self.headers["Content-Length"]))))
            body = json.dumps({"choices": [{"message": {"content": "<b>Kære</b> borger"}}]}).encode()
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args):
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True).start()
    from aiskole.settings import Settings

    settings = Settings(
        data_dir=Path("/nonexistent"),
        database_url="sqlite://",
        datasets_dir=Path("/nonexistent"),
        llm_url=f"http://127.0.0.1:{server.server_address[1]}/v1",
        llm_model="test-model",
        llm_api_key="sk-hemmelig",
    )
    yield settings, received
    server.shutdown()
    server.server_close()


@pytest.fixture(autouse=True)
def no_proxy(monkeypatch):
    for name in ("http_proxy", "https_proxy", "HTTP_PROXY", "HTTPS_PROXY", "all_proxy", "ALL_PROXY"):
        monkeypatch.delenv(name, raising=False)


def test_configured_send_shows_the_escaped_answer(store, fake_model):
    settings, received = fake_model
    view = PromptLabView(store_factory=lambda: store, settings=settings)
    assert view.send_button.layout.display == "flex"
    assert "test-model" in view.llm_note.value and "sk-hemmelig" not in view.llm_note.value
    view.prompt.value = CLEAN_PROMPT
    view.send_button.click()
    assert len(received) == 1
    assert "&lt;b&gt;Kære&lt;/b&gt; borger" in view.answer.value
    assert "Tjek altid svaret selv" in view.answer.value
    assert store.list_submissions() == []  # sending stores nothing


def test_send_with_findings_is_refused_with_an_explanation(store, fake_model):
    settings, received = fake_model
    view = PromptLabView(store_factory=lambda: store, settings=settings)
    view.prompt.value = SECRET_PROMPT
    view.send_button.click()
    assert received == []
    assert "Prompten er ikke sendt" in view.status.value and 'role="alert"' in view.status.value
    assert "[CPR]</span> 010190-1234</mark>" in view.findings.value
    assert view.answer.value == ""
    assert view.send_button.disabled is False
