"""`aiskole demo` without starting Voilà: what the facilitator is told, and the join address the kernels get."""

from __future__ import annotations

import pytest

import aiskole.server
from aiskole import cli


@pytest.fixture
def fake_serve(monkeypatch, tmp_path):
    monkeypatch.setenv("AISKOLE_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.delenv("AISKOLE_DATABASE_URL", raising=False)
    # set, then removed: so the teardown also removes what `aiskole demo` itself sets
    monkeypatch.setenv("AISKOLE_PUBLIC_URL", "placeholder")
    monkeypatch.delenv("AISKOLE_PUBLIC_URL")
    calls = []

    def serve(**options):
        calls.append(options)
        options["on_ready"]()

    monkeypatch.setattr(aiskole.server, "serve", serve)
    return calls


def test_the_join_link_uses_the_port_the_room_runs_on(fake_serve, capsys, monkeypatch):
    assert cli.main(["demo", "--max-kernels", "7", "--port", "8877"]) == 0
    out = capsys.readouterr().out
    assert "Rummet er klar" in out
    assert "Deltagerne går ind på: http://127.0.0.1:8877/deltag" in out
    assert fake_serve[0]["max_kernels"] == 7 and fake_serve[0]["port"] == 8877
    assert "Højst 7 kerner" in out
    import os

    assert os.environ["AISKOLE_PUBLIC_URL"] == "http://127.0.0.1:8877/"  # what the presenter's kernels read


def test_a_room_on_all_interfaces_asks_for_the_laptops_address(fake_serve, capsys, monkeypatch):
    monkeypatch.setattr(cli, "lan_address", lambda: None)
    assert cli.main(["demo", "--ip", "0.0.0.0", "--port", "8866"]) == 0
    out = capsys.readouterr().out
    assert "sæt AISKOLE_PUBLIC_URL til bærbarens adresse" in out


def test_a_room_on_all_interfaces_uses_the_laptops_address_on_the_network(fake_serve, capsys, monkeypatch):
    import os

    monkeypatch.setattr(cli, "lan_address", lambda: "192.168.1.20")
    assert cli.main(["demo", "--ip", "0.0.0.0", "--port", "8866"]) == 0
    out = capsys.readouterr().out
    assert "Deltagerne går ind på: http://192.168.1.20:8866/deltag" in out
    assert os.environ["AISKOLE_PUBLIC_URL"] == "http://192.168.1.20:8866/"


def test_the_lan_address_is_an_address_of_this_machine():
    import ipaddress

    from aiskole.network import lan_address

    found = lan_address()
    assert found is None or not ipaddress.ip_address(found).is_loopback


def test_a_given_public_address_is_kept(fake_serve, capsys, monkeypatch):
    monkeypatch.setenv("AISKOLE_PUBLIC_URL", "https://aiskole.kommune.dk/")
    assert cli.main(["demo", "--port", "8877"]) == 0
    out = capsys.readouterr().out
    assert "Deltagerne går ind på: https://aiskole.kommune.dk/deltag" in out
    assert "Bemærk" not in out


def test_the_facilitator_key_is_printed_once_and_handed_to_the_server(fake_serve, capsys):
    assert cli.main(["demo", "--port", "8877"]) == 0
    out = capsys.readouterr().out
    key = fake_serve[0]["key"]
    assert len(key) >= 24 and out.count(key) == 2  # the key, and the link with it
    assert f"http://127.0.0.1:8877/oplaegsholder?noegle={key}" in out
    assert cli.main(["demo", "--port", "8877"]) == 0
    assert fake_serve[1]["key"] != key  # a new key at every start


def test_a_configured_facilitator_key_is_used(fake_serve, capsys, monkeypatch):
    monkeypatch.setenv("AISKOLE_FACILITATOR_KEY", "fast-noegle-til-to-processer")
    assert cli.main(["demo"]) == 0
    assert fake_serve[0]["key"] == "fast-noegle-til-to-processer"
