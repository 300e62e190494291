"""The optional language-model client against a fake OpenAI-compatible server on 127.0.0.1."""

from __future__ import annotations

import json
import logging
import threading
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

from aiskole import llm
from aiskole.settings import Settings

KEY = "sk-test-hemmelig-noegle-123"


@dataclass
class FakeLLM:
    """Records every request; answers with ``status`` and ``body`` (or sleeps ``delay`` seconds first)."""

    url: str
    requests: list[dict] = field(default_factory=list)
    status: int = 200
    body: bytes = b""
    delay: float = 0.0
    headers: dict[str, str] = field(default_factory=dict)

    def answer(self, text: str) -> None:
        self.status = 200
        self.body = json.dumps({"choices": [{"message": {"role": "assistant", "content": text}}]}).encode()


@pytest.fixture
def fake_llm():
    fake = FakeLLM(url="")
    stop = threading.Event()

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self):  # noqa: N802 - http.server's naming
            length = int(self.headers.get("Content-Length") or 0)
            fake.requests.append(
                {
                    "path": self.path,
                    "headers": dict(self.headers),
                    "body": json.loads(self.rfile.read(length) or b"null"),
                }
            )
            if fake.delay:
                stop.wait(fake.delay)
            self.send_response(fake.status)
            for name, value in fake.headers.items():
                self.send_header(name, value)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(fake.body)))
            self.end_headers()
            self.wfile.write(fake.body)

        def log_message(self, *args):
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    server.daemon_threads = True
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
    thread.start()
    fake.url = f"http://127.0.0.1:{server.server_address[1]}/v1"
    fake.answer("Her er et bedre brev.")
    yield fake
    stop.set()
    server.shutdown()
    server.server_close()


@pytest.fixture(autouse=True)
def no_proxy(monkeypatch):
    # A proxy in the environment must not swallow requests to the fake server.
    for name in ("http_proxy", "https_proxy", "HTTP_PROXY", "HTTPS_PROXY", "all_proxy", "ALL_PROXY"):
        monkeypatch.delenv(name, raising=False)


def settings_for(url: str | None, *, model: str | None = "kommune-gpt", key: str | None = KEY) -> Settings:
    return Settings(
        data_dir=Path("/nonexistent"),
        database_url="sqlite://",
        datasets_dir=Path("/nonexistent"),
        llm_url=url,
        llm_model=model,
        llm_api_key=key,
    )


CLEAN = "Du er kommunikationsmedarbejder. Skriv tre korte råd om affaldssortering til borgere."


def test_a_clean_prompt_is_sent_and_the_answer_returned(fake_llm):
    answer = llm.send(CLEAN, settings=settings_for(fake_llm.url))
    assert answer == "Her er et bedre brev."
    [request] = fake_llm.requests
    assert request["path"] == "/v1/chat/completions"
    assert request["headers"]["Authorization"] == f"Bearer {KEY}"
    assert request["body"]["model"] == "kommune-gpt"
    assert request["body"]["messages"][-1] == {"role": "user", "content": CLEAN}
    assert request["body"]["messages"][0]["role"] == "system"


def test_a_full_endpoint_url_is_used_as_it_is(fake_llm):
    llm.send(CLEAN, settings=settings_for(fake_llm.url + "/chat/completions/"))
    assert [r["path"] for r in fake_llm.requests] == ["/v1/chat/completions"]


def test_no_key_means_no_authorization_header(fake_llm):
    llm.send(CLEAN, settings=settings_for(fake_llm.url, key=None))
    assert "Authorization" not in fake_llm.requests[0]["headers"]


@pytest.mark.parametrize(
    ("prompt", "named"),
    [
        (CLEAN + " Borgeren har CPR 010190-1234.", "1 CPR-nummer"),
        (CLEAN + " Borgeren har CPR 211062-5628.", "1 CPR-nummer"),  # fails mod 11, still a CPR number
        (CLEAN + " Skriv til anna@example.dk.", "1 e-mailadresse"),
        (CLEAN + " Ring på 12 34 56 78.", "1 telefonnummer"),
        (CLEAN + " CVR-nr. 13585628.", "1 CVR-nummer"),
        (CLEAN + " Borgeren har en diagnose.", "ord om følsomme forhold"),
    ],
)
def test_a_prompt_with_findings_is_never_sent(fake_llm, prompt, named):
    with pytest.raises(ValueError, match="Prompten er ikke sendt") as info:
        llm.send(prompt, settings=settings_for(fake_llm.url))
    assert named in str(info.value)
    assert "010190" not in str(info.value) and "anna@" not in str(info.value)  # the data is not echoed
    assert fake_llm.requests == []


def test_findings_are_refused_even_before_configuration_is_checked():
    with pytest.raises(llm.LLMError, match="Prompten er ikke sendt"):
        llm.send("CPR 010190-1234", settings=settings_for(None, model=None))


@pytest.mark.parametrize(("url", "model"), [(None, None), ("http://127.0.0.1:9", None), (None, "m")])
def test_not_configured_gives_a_clear_danish_message(url, model):
    settings = settings_for(url, model=model)
    assert llm.configured(settings) is False
    assert "Der er ikke sat en sprogmodel op" in llm.describe(settings)
    assert "virker fuldt ud uden" in llm.describe(settings)
    with pytest.raises(ValueError, match="ikke sat en sprogmodel op"):
        llm.send(CLEAN, settings=settings)


def test_describe_never_shows_the_key(fake_llm):
    text = llm.describe(settings_for(fake_llm.url))
    assert "kommune-gpt" in text and "127.0.0.1" in text
    assert KEY not in text


@pytest.mark.parametrize(
    ("status", "message"),
    [
        (401, "afviste adgangen"),
        (403, "afviste adgangen"),
        (404, "findes ikke på den adresse"),
        (429, "for travlt"),
        (500, "har en fejl lige nu"),
        (503, "har en fejl lige nu"),
        (400, "fejlkode 400"),
    ],
)
def test_http_errors_become_danish_messages_without_the_key(fake_llm, caplog, status, message):
    fake_llm.status = status
    fake_llm.body = json.dumps({"error": f"bad key {KEY}"}).encode()
    caplog.set_level(logging.DEBUG)
    with pytest.raises(llm.LLMError, match=message) as info:
        llm.send(CLEAN, settings=settings_for(fake_llm.url))
    assert KEY not in str(info.value)
    assert KEY not in caplog.text
    assert len(fake_llm.requests) == 1


def test_a_redirect_is_not_followed(fake_llm):
    fake_llm.status = 307
    fake_llm.headers = {"Location": "http://127.0.0.1:9/elsewhere"}
    with pytest.raises(llm.LLMError, match="omdirigering"):
        llm.send(CLEAN, settings=settings_for(fake_llm.url))
    assert len(fake_llm.requests) == 1


@pytest.mark.parametrize(
    "body",
    [b"not json", b"{}", b'{"choices": []}', b'{"choices": [{"message": {}}]}', b'{"choices": [1]}'],
)
def test_an_unreadable_answer_is_a_danish_message(fake_llm, body):
    fake_llm.body = body
    with pytest.raises(llm.LLMError, match="ikke kan læse"):
        llm.send(CLEAN, settings=settings_for(fake_llm.url))


def test_an_empty_answer_is_a_danish_message(fake_llm):
    fake_llm.answer("  ")
    with pytest.raises(llm.LLMError, match="tomt svar"):
        llm.send(CLEAN, settings=settings_for(fake_llm.url))


def test_timeout_is_a_danish_message(fake_llm):
    fake_llm.delay = 3
    with pytest.raises(llm.LLMError, match="svarede ikke inden for 0.5 sekunder"):
        llm.send(CLEAN, settings=settings_for(fake_llm.url), timeout=0.5)


def test_unreachable_server_is_a_danish_message(caplog):
    caplog.set_level(logging.DEBUG)
    with pytest.raises(llm.LLMError, match="kan ikke nås") as info:
        llm.send(CLEAN, settings=settings_for("http://127.0.0.1:9/v1"), timeout=3)
    assert KEY not in str(info.value) and KEY not in caplog.text


@pytest.mark.parametrize(
    ("url", "message"),
    [
        ("http://llm.example.dk/v1", "skal begynde med https://"),
        ("ftp://127.0.0.1/v1", "ikke en gyldig webadresse"),
        ("kommune-gpt", "ikke en gyldig webadresse"),
    ],
)
def test_bad_urls_are_refused_before_sending(url, message):
    with pytest.raises(llm.LLMError, match=message):
        llm.send(CLEAN, settings=settings_for(url))


def test_empty_or_too_long_prompts_are_refused():
    with pytest.raises(ValueError, match="Skriv en prompt"):
        llm.send(" ", settings=settings_for("http://127.0.0.1:9"))
    with pytest.raises(ValueError, match="for lang"):
        llm.send("a" * 4001, settings=settings_for("http://127.0.0.1:9"))


def test_settings_repr_hides_the_key():
    assert KEY not in repr(settings_for("https://x.dk"))
