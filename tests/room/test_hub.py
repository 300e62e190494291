"""The live hub: one poll of the store per watched workshop, the events each connection gets.

Driven by hand with ``poll_once`` over a real SQLite store; the listeners are fakes that record what they get.
"""

from __future__ import annotations

import asyncio
from concurrent.futures import ThreadPoolExecutor

import pytest

from aiskole.errors import StoreError
from aiskole.exercises.poll import make_vote
from aiskole.room.hub import RESULTS, STATE, Listener, RoomHub, Snapshot, _Watch, sse, take_snapshot


class Phone(Listener):
    def __init__(self) -> None:
        self.events: list[tuple[str, dict]] = []
        self.pings = 0

    def send(self, event: str, data: dict) -> None:
        self.events.append((event, data))

    def ping(self) -> None:
        self.pings += 1

    def take(self) -> list[tuple[str, dict]]:
        events, self.events = self.events, []
        return events


class Display(Phone):
    wants_results = True


class CountingStore:
    """The store with a count of the reads a poll makes."""

    def __init__(self, store) -> None:
        self.store = store
        self.reads = 0
        self.fail = False

    def __getattr__(self, name):
        attribute = getattr(self.store, name)
        if not callable(attribute):
            return attribute

        def counted(*args, **kwargs):
            self.reads += 1
            if self.fail:
                raise StoreError("Databasen kan ikke nås lige nu.")
            return attribute(*args, **kwargs)

        return counted


@pytest.fixture
def executor():
    with ThreadPoolExecutor(2) as pool:
        yield pool


def watch(hub: RoomHub, code: str, *listeners: Listener):
    """Listeners on a workshop without starting the hub's loop (the test polls by hand)."""
    found = hub._watches.setdefault(code, _Watch())
    found.listeners.update(listeners)
    return found


def poll(hub: RoomHub) -> None:
    asyncio.run(hub.poll_once())


def play(store, code: str, active: str | None, *, revealed: bool = False, approved=()) -> None:
    store.set_workshop_state(code, {"active": active, "revealed": revealed, "approved_words": list(approved)})


def test_every_connection_gets_the_state_once_and_only_changes_after(store, executor):
    room = store.create_workshop("Frokostdemo")
    hub = RoomHub(store, executor)
    phones = [Phone() for _ in range(3)]
    watch(hub, room.code, *phones)
    poll(hub)
    for phone in phones:
        assert phone.take() == [(STATE, {"v": "1--0", "open": True, "active": None, "revealed": False})]
    poll(hub)
    assert all(phone.take() == [] for phone in phones)  # nothing changed: nothing sent
    play(store, room.code, "poll")
    poll(hub)
    for phone in phones:
        assert phone.take() == [(STATE, {"v": "1-poll-0", "open": True, "active": "poll", "revealed": False})]


def test_one_poll_reads_each_workshop_the_same_few_times_however_many_watch(store, executor):
    """Is the store read per workshop, not per phone?"""
    room = store.create_workshop("Rådhuset")
    play(store, room.code, "poll")
    counting = CountingStore(store)
    hub = RoomHub(counting, executor)
    watched = watch(hub, room.code, Phone())
    poll(hub)
    one = counting.reads
    for _ in range(199):
        watched.listeners.add(Phone())
    counting.reads = 0
    poll(hub)
    assert counting.reads == one


def test_a_display_sees_only_counts_until_the_results_are_revealed(store, executor):
    room = store.create_workshop("Frokostdemo")
    play(store, room.code, "poll")
    store.save(make_vote(4, "nysgerrig"), workshop_code=room.code, participant="p1")
    store.save(make_vote(2, "bekymret"), workshop_code=room.code, participant="p2")
    hub = RoomHub(store, executor)
    display, phone = Display(), Phone()
    watch(hub, room.code, display, phone)
    poll(hub)
    events = dict(display.take())
    assert "2 svar indtil nu – resultaterne er skjult" in events[RESULTS]["html"]
    assert "Ret tryg" not in events[RESULTS]["html"]  # no bars while hidden
    assert [e for e, _ in phone.take()] == [STATE]  # phones never get results

    play(store, room.code, "poll", revealed=True, approved=["nysgerrig"])
    poll(hub)
    events = dict(display.take())
    html = events[RESULTS]["html"]
    assert "nysgerrig" in html
    assert "bekymret" not in html  # not approved: never shown
    assert events[STATE]["revealed"] is True


def test_approving_a_word_updates_the_display(store, executor):
    """The presenter approves a word while nothing else changes: does the display show it?"""
    room = store.create_workshop("Frokostdemo")
    play(store, room.code, "poll", revealed=True)
    store.save(make_vote(4, "nysgerrig"), workshop_code=room.code, participant="p1")
    hub = RoomHub(store, executor)
    display = Display()
    watch(hub, room.code, display)
    poll(hub)
    assert "nysgerrig" not in dict(display.take())[RESULTS]["html"]
    play(store, room.code, "poll", revealed=True, approved=["nysgerrig"])
    poll(hub)
    events = display.take()
    assert [e for e, _ in events] == [RESULTS]  # the state did not change, the results did
    assert "nysgerrig" in events[0][1]["html"]


def test_a_new_answer_updates_displays_but_does_not_disturb_phones(store, executor):
    room = store.create_workshop("Frokostdemo")
    play(store, room.code, "poll")
    hub = RoomHub(store, executor)
    display, phone = Display(), Phone()
    watch(hub, room.code, display, phone)
    poll(hub)
    display.take(), phone.take()
    store.save(make_vote(3), workshop_code=room.code, participant="p1")
    poll(hub)
    assert phone.take() == []
    (event, data), *rest = display.take()
    assert event == RESULTS and rest == []
    assert "1 svar indtil nu" in data["html"]


def test_a_closed_workshop_shows_nothing(store, executor):
    room = store.create_workshop("Frokostdemo")
    play(store, room.code, "poll", revealed=True, approved=["nysgerrig"])
    store.save(make_vote(4, "nysgerrig"), workshop_code=room.code, participant="p1")
    hub = RoomHub(store, executor)
    display, phone = Display(), Phone()
    watch(hub, room.code, display, phone)
    poll(hub)
    display.take(), phone.take()
    store.close_workshop(room.code)
    poll(hub)
    assert phone.take() == [(STATE, {"v": "0--0", "open": False, "active": None, "revealed": False})]
    events = dict(display.take())
    assert events[RESULTS]["html"] == ""
    assert events[STATE]["open"] is False


def test_a_snapshot_of_a_closed_or_expired_workshop_has_no_results(store):
    import datetime as dt

    room = store.create_workshop("Gammel", retention_days=1, now=dt.datetime(2020, 1, 1, tzinfo=dt.UTC))
    play(store, room.code, "poll", revealed=True)
    snap = take_snapshot(store, store.get_workshop(room.code), results=True)
    assert snap == Snapshot(room.code, False, None, False)
    assert take_snapshot(store, None, results=True) is None


def test_phones_of_one_workshop_never_hear_of_another(store, executor):
    a, b = store.create_workshop("A"), store.create_workshop("B")
    play(store, a.code, "poll", revealed=True, approved=["alfa"])
    play(store, b.code, "poll", revealed=True, approved=["beta"])
    store.save(make_vote(4, "alfa"), workshop_code=a.code, participant="p1")
    store.save(make_vote(4, "beta"), workshop_code=b.code, participant="p2")
    hub = RoomHub(store, executor)
    in_a, in_b = Display(), Display()
    watch(hub, a.code, in_a)
    watch(hub, b.code, in_b)
    poll(hub)
    text_a, text_b = repr(in_a.take()), repr(in_b.take())
    assert "alfa" in text_a and "beta" not in text_a
    assert "beta" in text_b and "alfa" not in text_b


def test_a_store_that_fails_sends_nothing_and_the_next_poll_recovers(store, executor):
    room = store.create_workshop("Frokostdemo")
    counting = CountingStore(store)
    hub = RoomHub(counting, executor)
    phone = Phone()
    watch(hub, room.code, phone)
    counting.fail = True
    poll(hub)
    assert phone.take() == []
    counting.fail = False
    poll(hub)
    assert [e for e, _ in phone.take()] == [STATE]


def test_subscribing_starts_the_loop_and_a_late_phone_gets_the_current_state_at_once(store, executor):
    room = store.create_workshop("Frokostdemo")
    play(store, room.code, "quiz")

    async def scenario():
        hub = RoomHub(store, executor, interval=0.05, ping_every=0.05)
        first = Phone()
        hub.subscribe(room.code, first)
        for _ in range(100):  # bounded: at most 5 s
            if first.events and first.pings:
                break
            await asyncio.sleep(0.05)
        late = Phone()
        hub.subscribe(room.code, late)
        assert late.events[0][1]["active"] == "quiz"  # without waiting for a poll
        hub.unsubscribe(room.code, first)
        hub.unsubscribe(room.code, late)
        hub.unsubscribe(room.code, late)  # twice is harmless
        assert hub.connections == 0
        for _ in range(100):
            if hub._task.done():
                break
            await asyncio.sleep(0.05)
        return first, hub

    first, hub = asyncio.run(scenario())
    assert first.events[0][0] == STATE and first.pings >= 1
    assert hub._task.done()  # nobody watches: the loop ends


def test_server_sent_events_are_framed():
    assert sse("state", {"v": "1-poll-0", "tekst": "æøå"}) == (
        'event: state\ndata: {"v":"1-poll-0","tekst":"æøå"}\n\n'.encode()
    )


def test_the_first_phone_of_a_room_is_told_at_once_not_at_the_next_poll(store, executor):
    """The hub's loop may be asleep for a whole interval (its last watcher just left): a phone that comes
    then still gets the state within a read, not after the interval."""
    code = store.create_workshop("Frokostdemo").code
    store.set_workshop_state(code, {"active": "poll"})

    async def scenario():
        hub = RoomHub(store, executor, interval=30)
        first = Phone()
        hub.subscribe(code, first)
        for _ in range(100):
            await asyncio.sleep(0.01)
            if first.events:
                break
        hub.unsubscribe(code, first)  # nobody watches; the loop sleeps its 30 s
        await asyncio.sleep(0.05)
        second = Phone()
        hub.subscribe(code, second)
        for _ in range(200):
            await asyncio.sleep(0.01)
            if second.events:
                break
        hub._task.cancel()
        return first.events, second.events

    first, second = asyncio.run(scenario())
    assert first and first[0][0] == STATE and first[0][1]["active"] == "poll"
    assert second and second[0][0] == STATE and second[0][1]["active"] == "poll"
