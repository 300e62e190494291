"""Each finding of issue 12 against a real server, played as an attacker on the same Wi-Fi.

The server takes 127.0.0.1 for another machine (``AISKOLE_TRUST_LOOPBACK=0``); each phone connects from a
127.0.x.y address of its own. Every test here fails on the Voilà room before issue 12 (commit d6acf38).
"""

from __future__ import annotations

import asyncio
import json
import re
import uuid

import pytest
import sqlalchemy as sa
from tornado.httpclient import HTTPClientError, HTTPRequest
from tornado.websocket import websocket_connect

from aiskole.store import submissions
from aiskole.testing import TEST_KEY, Phone
from tests.room.conftest import phone, seed

KERNEL_ID = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}")


@pytest.fixture(scope="module")
def server(participant_server):
    return participant_server


def websocket(server, path: str, headers: dict[str, str]) -> int:
    """101 when a websocket opens at ``path``, else the status the server refused it with."""

    async def attempt() -> int:
        request = HTTPRequest(f"ws://127.0.0.1:{server.port}{path}", headers=headers, request_timeout=30)
        try:
            connection = await websocket_connect(request)
        except HTTPClientError as error:
            return error.code
        connection.close()
        return 101

    return asyncio.run(attempt())


def cookie_header(p: Phone) -> str:
    return "; ".join(f"{k}={v}" for k, v in p.cookies.items())


def facilitator(server) -> Phone:
    """The facilitator's browser on another machine: the key given once, the cookie kept."""
    f = phone(server)
    f.request(f"oplaegsholder?noegle={TEST_KEY}")  # (the tests check the cookie on their own)
    return f


def counted_rows(store, code: str) -> int:
    c = submissions.c
    with store.engine.connect() as conn:
        return conn.execute(
            sa.select(sa.func.count()).where(c.workshop_code == code, c.superseded_at.is_(None))
        ).scalar_one()


# -- roles ------------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("app", ["praesentation.ipynb", "historiebank.ipynb"])
def test_a_participant_cannot_open_the_presenter_or_the_storybank(server, app):
    before = set(server.kernels())
    status, _, body = phone(server).request(f"voila/render/{app}")
    assert status == 403
    assert "Kun for oplægsholderen" in body.decode()
    assert set(server.kernels()) <= before  # no kernel was started for it


def test_the_landing_page_links_no_facilitator_app_for_a_participant(server):
    status, _, body = phone(server).request("")
    page = body.decode()
    assert status == 200
    assert "praesentation.ipynb" not in page and "historiebank.ipynb" not in page
    assert "/oplaegsholder" in page  # the way to log in is there


def test_the_presenters_kernel_refuses_every_other_browser(server):
    """A participant who learns the presenter's kernel id (it is in the page) sends widget messages to it:
    the kernel's websocket, its info and its shutdown are refused, also with the facilitator's browser id."""
    f = facilitator(server)
    status, _, body = f.request("voila/render/praesentation.ipynb")
    assert status == 200
    kernel = KERNEL_ID.search(body.decode()).group(0)
    channels = f"/api/kernels/{kernel}/channels?session_id={uuid.uuid4()}"

    intruder = phone(server)
    intruder.request("deltag")  # an ordinary visit
    copied = f"aiskole_id={f.browser_id}"  # even the facilitator's browser id, copied, without the key
    for cookies in ("", f"aiskole_id={uuid.uuid4().hex}", copied):
        assert websocket(server, channels, {"Cookie": cookies}) == 403
        assert intruder.request(f"api/kernels/{kernel}", headers={"Cookie": cookies})[0] == 403
        status, _, _ = intruder.request(f"voila/api/shutdown/{kernel}", data=b"", headers={"Cookie": cookies})
        assert status == 403
        status, _, _ = intruder.request(f"api/kernels/{kernel}", method="DELETE", headers={"Cookie": cookies})
        assert status in (403, 405)
    assert f.request(f"api/kernels/{kernel}")[0] == 200  # still running, and the facilitator's own
    assert websocket(server, channels, {"Cookie": cookie_header(f)}) == 101
    # a foreign Host on the facilitator's own websocket (a page that rebinds its name to 127.0.0.1)
    assert websocket(server, channels, {"Cookie": cookie_header(f), "Host": "evil.example"}) == 403


def test_a_participants_app_kernel_is_its_own(server):
    """The standalone poll's kernel answers its own browser only."""
    owner = phone(server)
    status, _, body = owner.request("voila/render/afstemning.ipynb")
    assert status == 200, body[:300]
    kernel = KERNEL_ID.search(body.decode()).group(0)
    channels = f"/api/kernels/{kernel}/channels?session_id={uuid.uuid4()}"
    assert websocket(server, channels, {"Cookie": f"aiskole_id={uuid.uuid4().hex}"}) == 403
    assert websocket(server, channels, {"Cookie": cookie_header(owner)}) == 101


# -- paths and hosts --------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "path",
    [
        "/voila/render/afstemning.ipynb/../praesentation.ipynb",
        "/voila/render/lektioner/../praesentation.ipynb",
        "/voila/render/%2e%2e/praesentation.ipynb",
        "/voila/render/afstemning.ipynb%2f..%2fpraesentation.ipynb",
        "/voila/render//afstemning.ipynb",
        "/voila/render/./afstemning.ipynb",
        "//voila/render/afstemning.ipynb",
        "/voila/render/Afstemning.ipynb",
        "/voila/render/afstemning.ipynb/",
        "/voila/templates/aiskole/static/../../../../../../etc/passwd",
        "/voila/templates/aiskole",
        "/voila/templates/aiskole/notstatic/x.css",
        "/voila/static/..%2f..%2f..%2fetc%2fpasswd",
        "/voila/files/afstemning.ipynb",
        "/voila/tree",
        "/voila/api/contents/",
        "/api/kernels",
        "/deltag/../voila/render/praesentation.ipynb",
    ],
)
def test_other_spellings_of_a_path_are_refused_and_start_no_kernel(server, path):
    before = set(server.kernels())
    status, _, body = phone(server).request(path)
    assert status == 404, (path, status)
    assert b"root:" not in body
    assert set(server.kernels()) <= before


FOREIGN = ["evil.example", "evil.example:8866", "localhost.evil.example", "127.0.0.1.nip.io"]


@pytest.mark.parametrize("host", FOREIGN)
def test_a_foreign_host_is_refused_on_pages_posts_static_files_and_live_channels(server, host):
    """DNS rebinding: a page the facilitator visits points its own name at the server."""
    workshop = seed(server, "Rebinding")
    p = phone(server)
    h = {"Host": host}
    for path in (
        "",
        "deltag",
        f"deltag/{workshop.code}",
        f"deltag/{workshop.code}/live",
        f"skaerm/{workshop.display_token}",
        "oplaegsholder",
        "voila/static/voila.js",
        "voila/render/afstemning.ipynb",
        "voila/templates/aiskole/static/aiskole.css",
        "nowhere",
    ):
        assert p.request(path, headers=h)[0] == 403, path
    assert p.request("deltag", data=f"kode={workshop.code}".encode(), headers=h)[0] == 403
    assert p.request(f"oplaegsholder?noegle={TEST_KEY}", headers=h)[0] == 403
    channels = f"/api/kernels/{uuid.uuid4()}/channels"
    assert websocket(server, channels, {"Host": host}) == 403


def test_the_servers_own_names_and_addresses_are_answered(server):
    p = phone(server)
    for host in ("127.0.0.1", f"127.0.0.1:{server.port}", f"localhost:{server.port}", "10.0.0.5:8866"):
        assert p.request("", headers={"Host": host})[0] == 200, host


# -- the display ---------------------------------------------------------------------------------------------------


def test_the_display_shows_nothing_unrevealed_and_nothing_for_a_closed_workshop(server, store_of):
    store = store_of(server)
    workshop = seed(server, "Skærmen", approved=["godkendt"])
    for n, word in enumerate(["godkendt", "hemmeligt"]):
        status, _ = phone(server).answer(workshop.code, "poll", {"svar": str(4 - n), "ord": word})
    display = Phone(server.url)
    link = f"skaerm/{workshop.display_token}"

    status, _, body = display.request(link)
    page = body.decode()
    assert status == 200
    assert "2 svar indtil nu – resultaterne er skjult" in page
    assert "godkendt" not in page and "hemmeligt" not in page and "Ret tryg" not in page
    events = dict(display.events(f"{link}/live", count=2))
    assert "hemmeligt" not in json.dumps(events) and "godkendt" not in json.dumps(events)

    state = {"active": "poll", "revealed": True, "approved_words": ["godkendt"]}
    store.set_workshop_state(workshop.code, state)
    page = display.request(link)[2].decode()
    assert "godkendt" in page and "hemmeligt" not in page  # revealed: approved words only
    events = json.dumps(dict(display.events(f"{link}/live", count=2)))
    assert "godkendt" in events and "hemmeligt" not in events

    store.close_workshop(workshop.code)
    status, _, body = display.request(link)
    page = body.decode()
    assert "Workshoppen er slut" in page
    for shown in ("godkendt", "Ret tryg", workshop.code, "svar indtil nu"):
        assert shown not in page
    events = json.dumps(display.events(f"{link}/live", count=2))
    assert "godkendt" not in events and workshop.code not in events.replace('"code"', "")

    assert display.request(f"skaerm/{'x' * 43}")[0] == 404
    pilot = store.create_pilot("En pilot", code="TEK-24")
    assert display.request(f"skaerm/{pilot.display_token}")[0] == 404


# -- free text ------------------------------------------------------------------------------------------------


def test_no_page_shows_another_workshops_or_unapproved_free_text(server, store_of):
    """Two workshops with words of their own: a participant of A sees A's approved words, nothing else, on every
    page, live channel and app the server serves."""
    a = seed(server, "Workshop A", revealed=True, approved=["alfaord"])
    b = seed(server, "Workshop B", revealed=True, approved=["betaord", "alfaord"])
    others = ["betaord", "ventendeord"]
    phone(server).answer(a.code, "poll", {"svar": "4", "ord": "alfaord"})
    phone(server).answer(a.code, "poll", {"svar": "3", "ord": "ventendeord"})  # not approved
    phone(server).answer(b.code, "poll", {"svar": "2", "ord": "betaord"})

    me = phone(server)
    pages = [me.join(a.code)[1]]
    status, body = me.answer(a.code, "poll", {"svar": "5"})
    assert status == 200 and body["ok"]
    pages.append(body["html"])
    pages.append(me.main_part(a.code)[1]["html"])
    pages.append(me.join(a.code)[1])
    pages.append(json.dumps(me.events(f"deltag/{a.code}/live", count=1)))
    pages.append(Phone(server.url).request(f"skaerm/{a.display_token}")[2].decode())
    pages.append(me.request("")[2].decode())
    status, _, app = me.request("voila/render/afstemning.ipynb")
    pages.append(app.decode())
    assert "alfaord" in pages[1] + pages[2]  # the revealed results are on the participant's page
    for page in pages:
        for word in others:
            assert word not in page


# -- answers ---------------------------------------------------------------------------------------------------


def test_pressing_send_three_times_counts_once(server, store_of):
    store = store_of(server)
    workshop = seed(server, "Stemmesedler")
    p = phone(server)
    key = str(uuid.uuid4())
    for value in ("1", "1", "1"):
        assert p.answer(workshop.code, "poll", {"svar": value, "svar_id": key})[0] == 200
    for value in ("2", "5"):  # and changing one's mind
        assert p.answer(workshop.code, "poll", {"svar": value})[0] == 200
    assert counted_rows(store, workshop.code) == 1
    assert len(store.list_submissions(workshop_code=workshop.code)) == 3  # 1 (one key), 2, 5
    row = store.counted_answer(workshop.code, "poll", p.browser_id)
    assert row.answers["answer"] == 5


def test_answers_reach_only_an_open_workshop_and_the_exercise_in_play(server, store_of):
    store = store_of(server)
    workshop = seed(server, "Lukket snart")
    p = phone(server)
    assert p.answer(workshop.code, "dpia", {"personoplysninger": "nej"})[0] == 409  # not in play
    pilot = store.create_pilot("En pilot med kode", code="PQRTUV")
    assert p.answer(pilot.code, "poll", {"svar": "3"})[0] == 404
    store.close_workshop(workshop.code)
    status, body = p.answer(workshop.code, "poll", {"svar": "3"})
    assert status == 410 and "Workshoppen er slut" in body["html"]
    assert p.join(workshop.code)[0] == 410
    assert store.list_submissions(workshop_code=workshop.code) == []
    assert store.list_submissions(workshop_code=pilot.code) == []


def test_a_form_posted_from_another_site_is_refused(server, store_of):
    store = store_of(server)
    workshop = seed(server, "Tværs")
    p = phone(server)
    p.join(workshop.code)
    for headers in ({"Origin": "http://evil.example"}, {"Sec-Fetch-Site": "cross-site"}, {"Origin": "null"}):
        form = {"Content-Type": "application/x-www-form-urlencoded", **headers}
        assert p.request(f"deltag/{workshop.code}/poll", data=b"svar=1", headers=form)[0] == 403
    assert store.list_submissions(workshop_code=workshop.code) == []


def test_request_bodies_and_free_text_are_bounded(server, store_of):
    store = store_of(server)
    workshop = seed(server, "Grænser")
    p = phone(server)
    p.join(workshop.code)
    form = {"Content-Type": "application/x-www-form-urlencoded"}
    status, _, body = p.request(
        f"deltag/{workshop.code}/poll", data=b"svar=1&ord=" + b"x" * 100_000, headers=form
    )
    assert status == 413 and "For meget tekst" in body.decode()
    try:
        status = p.request(f"deltag/{workshop.code}/poll", data=b"x" * 2_000_000, headers=form)[0]
    except (ConnectionError, OSError):
        status = 400  # Tornado closes the connection without reading the body
    assert status in (400, 413)
    status, body = p.answer(workshop.code, "poll", {"svar": "1", "ord": "x" * 5000})
    assert status == 400 and "for lang" in body["message"]
    status, body = p.answer(workshop.code, "poll", {"svar": "1", "ord": "x" * 31})
    assert status == 422 and "for langt" in body["html"]
    status, _, body = p.request(
        f"deltag/{workshop.code}/poll", data=b"svar=1&ord=" + b"x" * 5000, headers=form
    )
    assert (
        status == 400 and "kunne ikke læses" in body.decode()
    )  # a page, not JSON, for a form without script
    assert store.list_submissions(workshop_code=workshop.code) == []


# -- guessing codes and keys -----------------------------------------------------------------------------------


def test_code_guessing_is_slowed_down_after_a_few_failures(server):
    workshop = seed(server, "Gættet")
    guesser, neighbour = phone(server), phone(server)
    wrong = ["ACDEFG", "ACDEFH", "ACDEFJ", "ACDEFK", "ACDEFM"]
    for code in wrong:
        assert guesser.request("deltag", data=f"kode={code}".encode())[0] == 404
    status, headers, body = guesser.request("deltag", data=b"kode=ACDEFN")
    assert status == 429 and int(headers["retry-after"]) >= 1
    assert "Vent" in body.decode()
    # also for the right code, by link, and on the live channel: a guesser finds codes too
    assert guesser.join(workshop.code)[0] == 429
    assert guesser.request(f"deltag/{workshop.code}/live")[0] == 429
    assert neighbour.join(workshop.code)[0] == 200  # another phone joins as always


def test_the_facilitator_key_by_link_and_by_form_and_the_cookie_it_leaves(server):
    by_link = phone(server)
    status, headers, _ = by_link.request(
        f"oplaegsholder?noegle={TEST_KEY}&videre=/voila/render/praesentation.ipynb"
    )
    assert status == 303 and headers["location"].endswith("/voila/render/praesentation.ipynb")
    cookie = next(h for h in by_link.set_cookie_headers if h.startswith("aiskole_oplaeg="))
    assert "HttpOnly" in cookie and "SameSite=Strict" in cookie and "Path=/" in cookie
    assert TEST_KEY not in cookie
    assert (
        "praesentation.ipynb" in by_link.request("")[2].decode()
    )  # the landing page shows the facilitator's

    by_form = phone(server)
    form = {"Content-Type": "application/x-www-form-urlencoded"}
    status, headers, _ = by_form.request("oplaegsholder", data=f"noegle={TEST_KEY}".encode(), headers=form)
    assert status == 303 and "aiskole_oplaeg" in by_form.cookies
    status, _, _ = by_form.request("oplaegsholder", data=b"log_ud=1", headers=form)
    assert status == 303 and "aiskole_oplaeg" not in by_form.cookies
    assert "praesentation.ipynb" not in by_form.request("")[2].decode()

    for target in ("//evil.example/", "/\\evil.example/", "https://evil.example/"):
        status, headers, _ = phone(server).request(f"oplaegsholder?noegle={TEST_KEY}&videre={target}")
        assert status == 303 and headers["location"] == "/", target


def test_a_wrong_key_counts_as_a_guess(server):
    guesser = phone(server)
    for n in range(5):
        status, _, body = guesser.request(f"oplaegsholder?noegle=gaet-{n}")
        assert status == 403 and "Nøglen passer ikke" in body.decode()
    assert guesser.request(f"oplaegsholder?noegle={TEST_KEY}")[0] == 429  # even the right key waits now
    assert "aiskole_oplaeg" not in guesser.cookies


# -- the log (last: after every request above) ---------------------------------------------------------------


def test_nothing_personal_is_logged_after_a_session(server, store_of):
    """After the whole module's requests (answers with words, wrong codes and keys, foreign hosts, refused
    paths, kernels refused and opened) and a few more here: no client address, no code, no free text, no key."""
    store = store_of(server)
    workshop = seed(server, "Loggen", revealed=True, approved=["logord"])
    p = phone(server)
    p.answer(workshop.code, "poll", {"svar": "2", "ord": "logord"})
    p.answer(workshop.code, "poll", {"svar": "2", "ord": "x" * 31})
    p.request("deltag", data=b"kode=ACDEFG")
    p.request("oplaegsholder?noegle=forkert-noegle-i-loggen")
    p.request("voila/templates/aiskole/static/../../../etc/passwd")
    p.request("voila/render/praesentation.ipynb", headers={"X-Forwarded-For": "10.9.8.7"})
    p.events(f"deltag/{workshop.code}/live", count=1, timeout=3)

    log = server.log.read_text()
    lines = [
        line for line in log.splitlines() if "is running at" not in line and "http://127.0.0.1" not in line
    ]
    text = "\n".join(lines)
    assert not re.search(r"\b\d{1,3}\.\d{1,3}\.\d{1,3}\.\d{1,3}\b", text), text[-3000:]
    assert "::1" not in text
    codes = [w.code for w in store.list_workshops()]
    tokens = [w.display_token for w in store.list_workshops() if w.display_token]
    words = ["logord", "alfaord", "betaord", "ventendeord", "hemmeligt", "godkendt", "xxxxxxxxxx"]
    browsers = {r.participant for r in store.list_submissions() if r.participant}
    for secret in [*codes, *tokens, *words, *browsers, TEST_KEY, "forkert-noegle", "gaet-", "evil.example"]:
        assert secret not in text, secret
    assert "Traceback" not in text
