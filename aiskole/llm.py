"""An optional, minimal client for an OpenAI-compatible chat endpoint (the municipality's approved service).

Configured with ``AISKOLE_LLM_URL``, ``AISKOLE_LLM_MODEL`` and ``AISKOLE_LLM_API_KEY`` (see
:mod:`aiskole.settings`). With nothing configured the prompt lab works fully offline and says so.

Guarantees, enforced here in the pure layer and not only in the widget:

* A prompt in which :func:`aiskole.pii.scan` finds anything is **never sent**: :func:`send` raises a
  Danish ``ValueError`` before any network call.
* The API key is only put in the ``Authorization`` header. It is never logged, never part of an error
  message and never shown; redirects are refused so the header cannot follow a redirect to another host.
* Plain ``http://`` is only allowed to this machine (127.0.0.1, ::1, localhost); anything else needs https.
* Every failure becomes an :class:`LLMError` (a ``ValueError``) with a Danish message that is safe to show.
"""

from __future__ import annotations

import json
import logging
import urllib.error
import urllib.request
from urllib.parse import urlsplit

from aiskole.exercises.prompt import validate_prompt
from aiskole.pii import findings_summary, scan
from aiskole.settings import Settings, get_settings

log = logging.getLogger("aiskole.llm")

#: Seconds to wait for the model's answer.
DEFAULT_TIMEOUT = 30.0
LOOPBACK = ("127.0.0.1", "::1", "localhost")
#: Asks the model to answer in Danish and to say when it is unsure (the kit's own default).
SYSTEM_PROMPT = (
    "Du hjælper en medarbejder i en dansk kommune. Svar på dansk i klart sprog. "
    "Sig det tydeligt, hvis du er usikker, og find ikke på fakta."
)

NOT_CONFIGURED = (
    "Der er ikke sat en sprogmodel op, så prompten kan ikke sendes. Laboratoriet virker fuldt ud uden – "
    "du kan skrive, tjekke og gemme."
)


class LLMError(ValueError):
    """Sending a prompt failed or was refused. The message is Danish and safe to show."""


def configured(settings: Settings | None = None) -> bool:
    """True when a language model is set up (URL and model)."""
    return (settings or get_settings()).llm_configured


def describe(settings: Settings | None = None) -> str:
    """A Danish one-liner about the model set-up, for the UI. Never contains the key."""
    settings = settings or get_settings()
    if not settings.llm_configured:
        return NOT_CONFIGURED
    host = urlsplit(settings.llm_url or "").hostname or "ukendt adresse"
    return f"Sprogmodel: {settings.llm_model} på {host}."


def endpoint(settings: Settings) -> str:
    """The chat-completions URL for the configured base URL.

    Raises
    ------
    LLMError
        Not configured, not an http(s) URL, or plain http to another machine.
    """
    if not settings.llm_configured:
        raise LLMError(NOT_CONFIGURED)
    base = (settings.llm_url or "").strip().rstrip("/")
    parts = urlsplit(base)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise LLMError("Adressen på sprogmodellen er ikke en gyldig webadresse. Tjek AISKOLE_LLM_URL.")
    if parts.scheme == "http" and parts.hostname not in LOOPBACK:
        raise LLMError(
            "Adressen på sprogmodellen skal begynde med https://, så prompten og nøglen sendes krypteret. "
            "Tjek AISKOLE_LLM_URL."
        )
    if base.endswith("/chat/completions"):
        return base
    return base + "/chat/completions"


def check_sendable(prompt: str) -> str:
    """Refuse a prompt that is empty, too long, or in which the scanner finds personal data.

    Raises
    ------
    ValueError
        With a Danish message naming what was found (not the data itself).
    """
    prompt = validate_prompt(prompt)
    findings = scan(prompt)
    if findings:
        raise LLMError(
            f"Prompten er ikke sendt, fordi den indeholder {findings_summary(findings)}. "
            "Erstat dem med pladsholdere som [NAVN], [CPR] og [ADRESSE], og tjek prompten igen."
        )
    return prompt


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    # The Authorization header must never follow a redirect to another host.
    def redirect_request(self, req, fp, code, msg, headers, newurl):
        return None


def _opener() -> urllib.request.OpenerDirector:
    return urllib.request.build_opener(_NoRedirect())


def _http_error_message(code: int) -> str:
    if code in (401, 403):
        return "Sprogmodellen afviste adgangen. Nøglen er forkert eller udløbet – kontakt den, der har sat aiskole op."
    if code == 404:
        return "Sprogmodellen findes ikke på den adresse, der er sat op. Tjek AISKOLE_LLM_URL og AISKOLE_LLM_MODEL."
    if code == 429:
        return "Sprogmodellen har for travlt lige nu. Vent et øjeblik, og prøv igen."
    if 300 <= code < 400:
        return "Sprogmodellen svarede med en omdirigering, som aiskole ikke følger. Tjek AISKOLE_LLM_URL."
    if code >= 500:
        return "Sprogmodellen har en fejl lige nu. Prøv igen om lidt."
    return f"Sprogmodellen afviste prompten (fejlkode {code})."


def send(
    prompt: str,
    *,
    settings: Settings | None = None,
    timeout: float = DEFAULT_TIMEOUT,
    system: str | None = SYSTEM_PROMPT,
) -> str:
    """Send ``prompt`` to the configured model and return the text of its answer.

    The prompt is scanned first; with any finding nothing is sent (see :func:`check_sendable`).

    Raises
    ------
    LLMError
        (a ``ValueError``) Personal data found, not configured, bad URL, timeout, HTTP error or an answer
        that cannot be read - always with a Danish message and never with the key.
    """
    prompt = check_sendable(prompt)
    settings = settings or get_settings()
    url = endpoint(settings)
    messages = [{"role": "user", "content": prompt}]
    if system:
        messages.insert(0, {"role": "system", "content": system})
    body = json.dumps({"model": settings.llm_model, "messages": messages}).encode("utf-8")
    headers = {"Content-Type": "application/json", "Accept": "application/json"}
    if settings.llm_api_key:
        headers["Authorization"] = f"Bearer {settings.llm_api_key}"
    request = urllib.request.Request(url, data=body, headers=headers, method="POST")
    host = urlsplit(url).hostname
    try:
        with _opener().open(request, timeout=timeout) as response:
            raw = response.read()
    except urllib.error.HTTPError as exc:
        log.warning("language model at %s answered HTTP %s", host, exc.code)
        raise LLMError(_http_error_message(exc.code)) from None
    except TimeoutError:
        log.warning("language model at %s timed out after %s s", host, timeout)
        raise LLMError(
            f"Sprogmodellen svarede ikke inden for {timeout:g} sekunder. Prøv igen, eller gør prompten kortere."
        ) from None
    except (urllib.error.URLError, OSError) as exc:
        reason = getattr(exc, "reason", exc)
        if isinstance(reason, TimeoutError):
            raise LLMError(
                f"Sprogmodellen svarede ikke inden for {timeout:g} sekunder. Prøv igen, eller gør prompten kortere."
            ) from None
        log.warning("language model at %s unreachable: %s", host, type(reason).__name__)
        raise LLMError(
            "Sprogmodellen kan ikke nås lige nu. Tjek netværket, eller prøv igen om lidt."
        ) from None
    try:
        answer = json.loads(raw.decode("utf-8"))["choices"][0]["message"]["content"]
    except (ValueError, KeyError, IndexError, TypeError, AttributeError):
        log.warning("language model at %s sent an answer that could not be read", host)
        raise LLMError("Sprogmodellen sendte et svar, som aiskole ikke kan læse.") from None
    if not isinstance(answer, str) or not answer.strip():
        raise LLMError("Sprogmodellen sendte et tomt svar. Prøv igen.")
    return answer
