"""The preheated kernel's request reader: retries until Voilà's websocket answers, never loses the link."""

from __future__ import annotations

import json
import socket
import threading
import time

import pytest
from websockets.sync.server import serve

from aiskole import preheat


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class FakeVoila:
    """A websocket server that answers like Voilà's ``/voila/query/<kernel id>`` handler."""

    def __init__(self, port: int, messages: list[str | None]):
        self.messages = list(messages)  # None: close without sending (a dropped connection)
        self.paths: list[str] = []
        self.server = serve(self._handle, "127.0.0.1", port)
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def _handle(self, websocket) -> None:
        self.paths.append(websocket.request.path)
        message = self.messages.pop(0) if self.messages else None
        if message is not None:
            websocket.send(message)

    def __enter__(self) -> FakeVoila:
        self.thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self.server.shutdown()
        self.thread.join(5)


def test_query_url_follows_voilas_kernel_environment():
    env = {
        "VOILA_APP_IP": "127.0.0.1",
        "VOILA_APP_PORT": "9001",
        "VOILA_SERVER_URL": "/aiskole/",
        "VOILA_KERNEL_ID": "k1",
    }
    assert preheat.query_url(env) == "ws://127.0.0.1:9001/aiskole/voila/query/k1"
    env_behind_proxy = {
        **env,
        "VOILA_WS_PROTOCOL": "wss",
        "VOILA_WS_BASE_URL": "/proxy",
        "VOILA_APP_IP": "::1",
    }
    assert preheat.query_url(env_behind_proxy) == "wss://[::1]:9001/proxy/voila/query/k1"


def test_is_preheated_reads_voilas_flag(monkeypatch):
    monkeypatch.delenv("VOILA_PREHEAT", raising=False)
    assert not preheat.is_preheated()
    monkeypatch.setenv("VOILA_PREHEAT", "True")
    assert preheat.is_preheated()


def test_request_info_returns_the_request_once_sent():
    port = _free_port()
    payload = json.dumps({"QUERY_STRING": "kode=K7FMQX", "SCRIPT_NAME": "/voila/render/deltag.ipynb"})
    with FakeVoila(port, [payload]) as voila:
        info = preheat.request_info(f"ws://127.0.0.1:{port}/voila/query/k1", give_up_after=10)
    assert info == {"QUERY_STRING": "kode=K7FMQX", "SCRIPT_NAME": "/voila/render/deltag.ipynb"}
    assert voila.paths == ["/voila/query/k1"]


def test_request_info_waits_for_a_server_that_is_not_listening_yet():
    """The busy-server case that made Voilà's own helper give up after 5 s: keep trying, then read the code."""
    port = _free_port()
    result: dict = {}
    reader = threading.Thread(
        target=lambda: result.update(info=preheat.request_info(f"ws://127.0.0.1:{port}/q/k", max_delay=0.3)),
        daemon=True,
    )
    reader.start()
    time.sleep(1.5)  # several refused connections
    assert reader.is_alive()
    with FakeVoila(port, [json.dumps({"QUERY_STRING": "kode=ABCDEF"})]):
        reader.join(10)
    assert result["info"] == {"QUERY_STRING": "kode=ABCDEF"}


def test_request_info_retries_after_a_dropped_connection_and_a_bad_message():
    port = _free_port()
    good = json.dumps({"QUERY_STRING": "kode=ABCDEF"})
    with FakeVoila(port, [None, "not json", good]) as voila:
        info = preheat.request_info(f"ws://127.0.0.1:{port}/q/k", first_delay=0.05, give_up_after=10)
    assert info == {"QUERY_STRING": "kode=ABCDEF"}
    assert len(voila.paths) == 3


@pytest.mark.parametrize("give_up_after", [0.5, 1.0])
def test_request_info_gives_up_after_the_deadline(give_up_after):
    port = _free_port()  # nothing listens here
    started = time.monotonic()
    assert (
        preheat.request_info(f"ws://127.0.0.1:{port}/q/k", give_up_after=give_up_after, max_delay=0.2) is None
    )
    assert time.monotonic() - started < give_up_after + 2


@pytest.mark.parametrize("warm_up_fails", [False, True])
def test_a_preheated_join_view_gets_the_code_after_warming_up(monkeypatch, warm_up_fails):
    """The join page's thread warms up first, then waits for the link's code and hands it to the event loop;
    a failing warm-up is only logged."""
    import asyncio

    from aiskole.widgets.join import when_code_arrives

    port = _free_port()
    monkeypatch.setenv("VOILA_PREHEAT", "True")
    monkeypatch.setenv("VOILA_APP_IP", "127.0.0.1")
    monkeypatch.setenv("VOILA_APP_PORT", str(port))
    monkeypatch.setenv("VOILA_SERVER_URL", "/")
    monkeypatch.setenv("VOILA_KERNEL_ID", "k-join")
    events: list[str] = []

    def warm_up() -> None:
        events.append("warm")
        if warm_up_fails:
            raise RuntimeError("store not reachable")

    async def scenario() -> None:
        arrived = asyncio.Event()

        def got(code: str) -> None:
            events.append(f"code {code}")
            arrived.set()

        assert when_code_arrives(got, warm_up=warm_up) is None  # not known yet: the cell does not wait
        await asyncio.wait_for(arrived.wait(), 15)

    with FakeVoila(port, [json.dumps({"QUERY_STRING": "kode=ABCDEF&x=1"})]) as voila:
        asyncio.run(scenario())
    assert events == ["warm", "code ABCDEF"]
    assert voila.paths == ["/voila/query/k-join"]


def test_without_preheating_the_code_is_read_at_once(monkeypatch):
    from aiskole.widgets.join import when_code_arrives

    monkeypatch.delenv("VOILA_PREHEAT", raising=False)
    monkeypatch.setenv("QUERY_STRING", "kode=K7FMQX")
    called = []
    assert when_code_arrives(called.append, warm_up=lambda: called.append("warm")) == "K7FMQX"
    assert called == []


def test_failures_in_the_join_thread_print_nothing_a_page_could_show():
    """The thread's output would land in the pre-rendered page (as the running cell's stderr): it stays silent.

    Run in a fresh interpreter: pytest's own log capture would hide what Python prints by default.
    """
    import subprocess
    import sys

    script = """
import asyncio, os, threading, time
os.environ["VOILA_PREHEAT"] = "True"
from aiskole.widgets import join
done = threading.Event()
def broken_reader(*args, **kwargs):
    done.set()
    raise RuntimeError("Traceback: voila went away")
join.preheat.request_info = broken_reader
def broken_warm_up():
    raise PermissionError("/data is read-only")
async def scenario():
    join.when_code_arrives(lambda code: None, warm_up=broken_warm_up)
    while not done.is_set():
        await asyncio.sleep(0.02)
asyncio.run(scenario())
time.sleep(0.3)
print("thread ran", flush=True)
"""
    run = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=60)
    assert run.returncode == 0 and "thread ran" in run.stdout, run.stderr
    assert run.stderr == ""
