"""The room's pages as rendered: one request each (style and script inline), a script the
Content-Security-Policy allows by its hash and nothing else, hostile text escaped."""

from __future__ import annotations

import base64
import datetime as dt
import hashlib
import re

from aiskole.room import pages
from aiskole.store import Workshop
from aiskole.testing import XSS_PAYLOADS

NOW = dt.datetime(2026, 12, 1, 12, tzinfo=dt.UTC)


def workshop(title: str = "Frokostdemo") -> Workshop:
    return Workshop("K7FMQX", title, NOW, NOW + dt.timedelta(days=90), None, {}, display_token="t" * 43)


def test_the_script_runs_by_its_hash_and_no_other_script_can():
    html = str(
        pages.participant_page(
            workshop(), pages.waiting_body(), base="/", version="1--0", active=None, refresh=True
        )
    )
    scripts = re.findall(r"<script>(.*?)</script>", html, re.S)
    assert scripts == [pages.script()]
    digest = base64.b64encode(hashlib.sha256(scripts[0].encode()).digest()).decode()
    policy = pages.content_security_policy()
    assert f"script-src 'sha256-{digest}'" in policy
    assert "'unsafe-inline'" not in policy.split(";")[1]  # scripts: by hash only
    assert '<link rel="stylesheet"' not in html and "http://" not in html and "https://" not in html


def test_a_waiting_page_reloads_itself_without_the_script_and_a_form_never_does():
    waiting = str(
        pages.participant_page(
            workshop(), pages.waiting_body(), base="/", version="1--0", active=None, refresh=True
        )
    )
    assert f'<noscript><meta http-equiv="refresh" content="{pages.NO_SCRIPT_REFRESH}"></noscript>' in waiting
    form = str(
        pages.participant_page(
            workshop(), pages.waiting_body(), base="/", version="1-poll-0", active="poll", refresh=False
        )
    )
    assert "http-equiv" not in form


def test_hostile_text_in_a_title_is_text_on_every_page():
    for payload in XSS_PAYLOADS:
        shown = workshop(payload)
        rendered = [
            pages.participant_page(
                shown, pages.closed_body(), base="/", version="0--0", active=None, refresh=False
            ),
            pages.display_page(
                shown,
                snapshot := _snapshot(),
                pages.display_body(
                    shown, snapshot, join_url="http://10.0.0.5:8866/deltag/K7FMQX", qr_svg="<svg/>"
                ),
                base="/",
                token="t" * 43,
            ),
            pages.message_page(payload, payload, links=(("/", payload),)),
            pages.join_page(base="/", error=payload, typed=payload),
        ]
        for html in map(str, rendered):
            assert payload not in html
            assert "&lt;" in html


def _snapshot():
    from aiskole.room.hub import Snapshot

    return Snapshot("K7FMQX", True, None, False)
