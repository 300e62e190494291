"""Two aiskole processes behind deploy/nginx/aiskole.conf, sharing one real PostgreSQL (AISKOLE_BEHIND_PROXY=1 on
both): phones on either process see the same room, answers through either are counted once, nothing is lost
when one process dies, and the facilitator needs the key although every request comes from 127.0.0.1."""

from __future__ import annotations

import re
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
import sqlalchemy as sa
from playwright.sync_api import expect

from aiskole.store import Store, submissions
from aiskole.testing import (
    LAPTOP,
    PHONE,
    TEST_KEY,
    Phone,
    Watched,
    close_pages,
    kill_voila,
    screenshot,
    start_nginx,
    start_voila,
    stop_nginx,
    stop_voila,
    watched_page,
)

pytestmark = pytest.mark.browser

PHONES = 40


@pytest.fixture(scope="module")
def room(tmp_path_factory, pg_server):
    """``(nginx, [first, second], database URL)``."""
    url = pg_server.create_database()
    env = {"AISKOLE_BEHIND_PROXY": "1"}
    servers = []
    try:
        for name in ("first", "second"):
            servers.append(start_voila(tmp_path_factory.mktemp(name), url, env=env, max_kernels=4))
        proxy = start_nginx(tmp_path_factory.mktemp("nginx2"), [s.port for s in servers])
    except BaseException:
        for server in servers:
            stop_voila(server)
        raise
    yield proxy, servers, url
    stop_nginx(proxy)
    for server in servers:
        stop_voila(server)


def connections_to(port: int) -> int:
    """Established TCP connections to 127.0.0.1:``port`` (nginx's to that aiskole process), from /proc."""
    wanted = f"0100007F:{port:04X}"
    count = 0
    for table in ("/proc/net/tcp",):
        for line in Path(table).read_text().splitlines()[1:]:
            fields = line.split()
            if fields[2] == wanted and fields[3] == "01":
                count += 1
    return count


def counted(store, code: str) -> tuple[int, int, int]:
    """(rows, counted rows, participants) of a workshop."""
    c = submissions.c
    with store.engine.connect() as conn:
        rows = conn.execute(sa.select(sa.func.count()).where(c.workshop_code == code)).scalar_one()
        live = conn.execute(
            sa.select(sa.func.count()).where(c.workshop_code == code, c.superseded_at.is_(None))
        ).scalar_one()
        people = conn.execute(
            sa.select(sa.func.count(sa.distinct(c.participant))).where(c.workshop_code == code)
        ).scalar_one()
    return rows, live, people


def phone_page(browser, contexts: list) -> Watched:
    return watched_page(browser, PHONE, contexts, timeout=30_000, ignore_https_errors=True)


def test_behind_the_proxy_only_the_key_makes_a_facilitator(room, browser):
    proxy, servers, _ = room
    anyone = Phone(proxy.https, context=proxy.ssl)
    assert anyone.request("voila/render/praesentation.ipynb")[0] == 403  # from 127.0.0.1, through nginx
    assert "praesentation.ipynb" not in anyone.request("")[2].decode()

    # the facilitator opens the link with the key: the presenter works through nginx (its websocket reaches
    # the process that started its kernel, while both run)
    context = browser.new_context(viewport=LAPTOP, ignore_https_errors=True)
    try:
        page = context.new_page()
        page.goto(f"{proxy.https}oplaegsholder?noegle={TEST_KEY}&videre=/voila/render/praesentation.ipynb")
        expect(page.get_by_label("Titel på workshoppen")).to_be_visible(timeout=60_000)
        cookie = next(c for c in context.cookies() if c["name"] == "aiskole_oplaeg")
        assert cookie["secure"] and cookie["httpOnly"] and cookie["sameSite"] == "Strict"
        page.get_by_label("Titel på workshoppen").fill("Via nginx")
        page.get_by_role("button", name="Opret workshop").click()
        expect(
            page.get_by_text(re.compile(r"Workshoppen er oprettet\. Koden er [A-Z0-9]{6}\."))
        ).to_be_visible()
    finally:
        context.close()


def test_the_phones_address_reaches_aiskole_and_cannot_be_forged(room):
    """Guessing codes through nginx is slowed down for the guesser's address (nginx's X-Real-IP, whatever the
    guesser sends), not for everyone behind the proxy."""
    proxy, servers, _ = room
    guesser = Phone(proxy.https, context=proxy.ssl, source="127.0.2.50")
    statuses = []
    for n in range(14):  # the limits are per process: enough failures to reach them on both
        code = "ACDEF" + "GHJKMNPQRTUVWX"[n]
        headers = {"X-Real-IP": f"10.9.9.{n}", "X-Forwarded-For": f"10.9.9.{n}"}
        statuses.append(guesser.request("deltag", data=f"kode={code}".encode(), headers=headers)[0])
    assert 429 in statuses, statuses
    neighbour = Phone(proxy.https, context=proxy.ssl, source="127.0.2.51")
    assert neighbour.request("deltag", data=b"kode=ACDEFG")[0] == 404  # not slowed down


def test_phones_on_either_process_see_one_room_and_nothing_is_lost(room, browser):
    """(Last in this module: one of the two processes is killed on the way.)"""
    proxy, servers, url = room
    store = Store(url)
    contexts: list = []
    try:
        workshop = store.create_workshop("Rådhuset, to processer")
        store.set_workshop_state(workshop.code, {"active": "poll", "revealed": False, "approved_words": []})

        # phones in Chromium, their live channels spread over both processes by nginx
        phones = [phone_page(browser, contexts) for _ in range(4)]
        for phone in phones:
            phone.page.goto(f"{proxy.https}deltag/{workshop.code}")
            expect(phone.page.get_by_text("Øvelse: Kick-off-afstemning")).to_be_visible()
            phone.page.evaluate("window.__same_page = 1")
        assert all(connections_to(s.port) >= 1 for s in servers), [connections_to(s.port) for s in servers]

        # 40 phones at the protocol level answer at once through nginx; half of them twice (a changed mind)
        def answer(n: int) -> list[tuple[int, dict]]:
            p = Phone(proxy.https, context=proxy.ssl, timeout=120)
            assert p.join(workshop.code)[0] == 200
            sent = [p.answer(workshop.code, "poll", {"svar": str(n % 5 + 1), "ord": f"ord{n}"})]
            if n % 2:
                sent.append(p.answer(workshop.code, "poll", {"svar": "1"}))
            return sent

        with ThreadPoolExecutor(PHONES) as pool:
            results = list(pool.map(answer, range(PHONES)))
        for sent in results:
            for status, body in sent:
                assert status == 200 and body["message"] == "Tak – dit svar er gemt.", body
        assert counted(store, workshop.code) == (PHONES + PHONES // 2, PHONES, PHONES)

        # the presenter moves on: every page follows, whichever process it listens to
        store.set_workshop_state(workshop.code, {"active": "dpia", "revealed": False, "approved_words": []})
        for phone in phones:
            expect(phone.page.get_by_text("Øvelse: Mini-DPIA")).to_be_visible(timeout=15_000)
        for phone in phones:
            phone.page.get_by_role("radio", name="Nej").first.check()
            phone.page.get_by_role("button", name="Send svar").click()
            expect(phone.page.get_by_role("heading", name="Tak – dit svar er gemt")).to_be_visible()
        screenshot(phones[0].page, "room-nginx-375")
        before = {r.id for r in store.list_submissions(workshop_code=workshop.code)}
        assert len(before) == PHONES + PHONES // 2 + len(phones)

        # one process dies: the phones carry on through the other by themselves, nothing confirmed is lost
        kill_voila(servers[0])
        store.set_workshop_state(
            workshop.code, {"active": "poll", "revealed": True, "approved_words": ["ord3"]}
        )
        for phone in phones:
            expect(phone.page.get_by_text("Øvelse: Kick-off-afstemning")).to_be_visible(timeout=45_000)
            assert phone.page.evaluate("window.__same_page") == 1
        status, body = Phone(proxy.https, context=proxy.ssl).answer(workshop.code, "poll", {"svar": "3"})
        assert status == 200 and body["ok"]
        after = {r.id for r in store.list_submissions(workshop_code=workshop.code)}
        assert before < after
        for phone in phones:
            phone.assert_no_xss()
    finally:
        close_pages(contexts)
        store.dispose()
