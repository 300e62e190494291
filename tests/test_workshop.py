"""Workshop codes, join URLs and QR codes."""

from __future__ import annotations

import datetime as dt
import re
from types import SimpleNamespace

import pytest

from aiskole import workshop
from aiskole.exercises.base import latest_per_participant


def test_codes_are_short_unambiguous_and_random():
    codes = {workshop.new_code() for _ in range(500)}
    assert len(codes) == 500
    for code in codes:
        assert len(code) == 6
        assert not set(code) & set("0O1IL5S2Z8B")


@pytest.mark.parametrize(
    ("typed", "code"), [("k7fmqx", "K7FMQX"), (" K7F-MQX ", "K7FMQX"), ("k7f mqx", "K7FMQX")]
)
def test_typed_codes_are_cleaned(typed, code):
    assert workshop.normalise_code(typed) == code


@pytest.mark.parametrize(
    ("typed", "message"),
    [
        ("", "Skriv koden"),
        ("K7FMQ", "6 tegn"),
        ("K7FMQXX", "6 tegn"),
        ("<script>", "6 tegn"),
        ("O0O0O0", "6 tegn"),
    ],
)
def test_bad_codes_get_a_danish_message(typed, message):
    with pytest.raises(ValueError, match=message):
        workshop.normalise_code(typed)


def test_title_validation():
    assert workshop.validate_title("  Frokostdemo,   Teknik  ") == "Frokostdemo, Teknik"
    with pytest.raises(ValueError, match="titel"):
        workshop.validate_title(" ")
    with pytest.raises(ValueError, match="højst være 80"):
        workshop.validate_title("x" * 81)


def test_join_url_and_qr():
    url = workshop.join_url("http://10.0.0.5:8866", "K7FMQX")
    assert url == "http://10.0.0.5:8866/deltag/K7FMQX"
    assert workshop.join_url("http://10.0.0.5:8866/") == "http://10.0.0.5:8866/deltag"
    assert (
        workshop.display_url("http://10.0.0.5:8866/", "abc_DEF-123")
        == "http://10.0.0.5:8866/skaerm/abc_DEF-123"
    )
    svg = workshop.qr_svg(url)
    assert svg.startswith("<svg") and "QR-kode til at deltage" in svg
    assert not re.search(r"(href|src)=\"https?://", svg)


def test_qr_is_small_enough_to_scan_from_a_projector_and_differs_per_code():
    import segno

    url = workshop.join_url("http://192.168.1.20:8866/", "ACDEFG")
    assert segno.make(url, error="m").version <= 5  # few, large modules
    assert workshop.qr_svg(url) != workshop.qr_svg(workshop.join_url("http://192.168.1.20:8866/", "ACDEFH"))


def test_retention():
    created = dt.datetime(2026, 1, 1, tzinfo=dt.UTC)
    assert workshop.expires_at(created) == dt.datetime(2026, 4, 1, tzinfo=dt.UTC)
    with pytest.raises(ValueError, match="mindst 1 dag"):
        workshop.expires_at(created, 0)


def test_latest_answer_per_participant_wins():
    t = dt.datetime(2026, 1, 1, tzinfo=dt.UTC)
    subs = [
        SimpleNamespace(id=1, participant="a", created_at=t, answers={"v": 1}),
        SimpleNamespace(id=2, participant="b", created_at=t, answers={"v": 2}),
        SimpleNamespace(id=3, participant="a", created_at=t + dt.timedelta(seconds=5), answers={"v": 5}),
        SimpleNamespace(id=4, participant=None, created_at=t, answers={"v": 3}),
    ]
    assert [s.id for s in latest_per_participant(subs)] == [2, 3, 4]


def test_state_round_trip():
    state = workshop.WorkshopState(active="poll", revealed=True, approved_words=("tryg",))
    assert workshop.WorkshopState.from_dict(state.to_dict()) == state
    assert workshop.WorkshopState.from_dict(None) == workshop.WorkshopState()
