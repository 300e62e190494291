"""The demo server's configuration: what a room gets, without starting Voilà (the browser tests start it)."""

from __future__ import annotations

import asyncio

import pytest

from aiskole import server
from aiskole.workshop import JOIN_APP


def test_room_settings_are_safe_for_a_lunch_demo():
    argv = server.voila_argv(port=9000, pool_size=1, cell_timeout=60)
    assert "--template=aiskole" in argv  # the own template loads nothing from a CDN
    assert "--VoilaConfiguration.allow_template_override=NO" in argv
    assert "--VoilaConfiguration.show_tracebacks=False" in argv
    assert "--VoilaConfiguration.strip_sources=True" in argv
    assert "--Voila.ip=127.0.0.1" in argv
    assert "--VoilaExecutor.timeout=60" in argv
    assert "--VoilaExecutor.iopub_timeout=30" in argv
    assert "--preheat_kernel=True" in argv and "--pool_size=1" in argv
    assert "--no-browser" in argv


def test_kernels_use_unix_sockets_on_linux_only(monkeypatch):
    monkeypatch.setattr(server.sys, "platform", "linux")
    assert "--KernelManager.transport=ipc" in server.voila_argv()
    monkeypatch.setattr(server.sys, "platform", "darwin")  # socket paths there are limited to 104 bytes
    assert not [a for a in server.voila_argv() if "transport" in a]


def test_no_pool_without_preheating():
    argv = server.voila_argv(pool_size=0)
    assert not [a for a in argv if a.startswith(("--preheat_kernel", "--pool_size"))]


def test_the_room_size_goes_to_the_join_app_only():
    assert server.pools_config(40, 1) == {"default": {"pool_size": 1}, JOIN_APP: {"pool_size": 40}}
    assert server.pools_config(0, 2) == {"default": {"pool_size": 2}}


def test_a_pooled_kernel_is_ready_only_when_its_page_is_rendered():
    async def scenario():
        loop = asyncio.get_running_loop()
        starting = loop.create_future()
        assert not server._rendered(starting)  # kernel still starting

        render = loop.create_future()
        started = loop.create_future()
        started.set_result({"task": render, "renderer": None, "kernel_id": "k"})
        assert not server._rendered(started)  # kernel up, notebook still running
        render.set_result(None)
        assert server._rendered(started)

        failed = loop.create_future()
        failed.set_exception(RuntimeError("kernel died"))
        assert server._rendered(failed)  # counted, so a dead kernel cannot hold the room back forever
        failed.exception()  # retrieved: no "never retrieved" warning

    asyncio.run(scenario())


def test_refills_after_a_burst_are_spaced_out():
    """40 kernels taken in the same second: their replacements start one by one, the first after 2 s."""

    class FakeManager:
        def __init__(self):
            self.calls = []

        def fill_if_needed(self, delay=None, notebook_name=None, **kwargs):
            self.calls.append((delay, notebook_name))

    async def scenario():
        manager = FakeManager()
        server.stagger_refills(manager, first=2.0, spacing=1.0)
        manager.fill_if_needed(delay=0, notebook_name="x.ipynb")  # the initial fill is not delayed
        for _ in range(5):
            manager.fill_if_needed(notebook_name=JOIN_APP)
        manager.fill_if_needed(notebook_name="praesentation.ipynb")
        return manager.calls

    calls = asyncio.run(scenario())
    assert calls[0] == (0, "x.ipynb")
    delays = [d for d, _ in calls[1:6]]
    assert delays == pytest.approx([2.0, 3.0, 4.0, 5.0, 6.0], abs=0.05)
    assert all(name == JOIN_APP for _, name in calls[1:6])
    # another app's refill does not queue behind the room's
    assert calls[6] == (pytest.approx(2.0, abs=0.05), "praesentation.ipynb")
