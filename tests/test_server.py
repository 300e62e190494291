"""The demo server's assembly, without starting it: Voilà's settings, the folder it serves, which of Voilà's
handlers are kept and how they are wrapped, kernel owners, and a log line without anything personal (the real
server is started by tests/room/ and tests/browser/)."""

from __future__ import annotations

import asyncio
import logging
from types import SimpleNamespace

import pytest

from aiskole import server
from aiskole.apps import APPS, LESSONS_FOLDER
from aiskole.room import guard
from aiskole.room.kernels import KernelPolicy, Owner


def test_voila_is_configured_for_a_room_on_an_open_wifi():
    argv = server.voila_argv(root=server.Path("/srv/x"), port=9000, cell_timeout=60)
    assert argv[0] == "/srv/x"
    for expected in (
        "--port=9000",
        "--Voila.ip=127.0.0.1",
        "--Voila.port_retries=0",
        "--template=aiskole",  # the own template loads nothing from a CDN
        "--VoilaConfiguration.allow_template_override=NO",
        "--VoilaConfiguration.allow_theme_override=NO",
        "--VoilaConfiguration.show_tracebacks=False",
        "--VoilaConfiguration.strip_sources=True",
        "--VoilaExecutor.timeout=60",
        "--MappingKernelManager.cull_connected=False",
        "--no-browser",
    ):
        assert expected in argv, expected
    assert not [a for a in argv if a.startswith(("--preheat_kernel", "--pool_size"))]  # phones get no kernel
    idle = next(a for a in argv if a.startswith("--MappingKernelManager.cull_idle_timeout="))
    assert int(idle.split("=")[1]) <= 300  # unconnected kernels are culled within minutes
    interval = next(a for a in argv if a.startswith("--MappingKernelManager.cull_interval="))
    assert int(interval.split("=")[1]) <= 60


def test_kernels_use_unix_sockets_on_linux_only(monkeypatch):
    monkeypatch.setattr(server.sys, "platform", "linux")
    assert "--KernelManager.transport=ipc" in server.voila_argv(root=server.Path("/x"))
    monkeypatch.setattr(server.sys, "platform", "darwin")  # socket paths there are limited to 104 bytes
    assert not [a for a in server.voila_argv(root=server.Path("/x")) if "transport" in a]


def test_the_served_folder_holds_the_apps_and_the_lessons_only(tmp_path):
    root = server.make_root(tmp_path / "root")
    names = sorted(p.name for p in root.iterdir())
    assert names == sorted([*(a.notebook for a in APPS), LESSONS_FOLDER])
    assert all((root / a.notebook).resolve().exists() for a in APPS)
    assert server.make_root(root) == root  # again: nothing changes, nothing fails


def _handler(name: str, base: type = object) -> type:
    return type(name, (base,), {})


def test_only_the_handlers_the_room_needs_are_kept_and_each_is_wrapped():
    """Voilà's tree, contents API, file handler and login pages are dropped; rendering, kernels and static
    files are kept behind the room's checks."""
    static_base = _handler("MultiStaticFileHandler")
    voila = [
        ("/api/kernels/(?P<kernel_id>x)", _handler("KernelHandler")),
        ("/api/kernels/(?P<kernel_id>x)/channels", _handler("VoilaKernelWebsocketHandler")),
        ("/voila/templates/(.*)", _handler("TemplateStaticFileHandler")),
        ("/voila/static/(.*)", static_base, {"paths": []}),
        ("/voila/api/themes/(.*)", _handler("ThemesHandler")),
        ("/voila/api/shutdown/(.*)", _handler("VoilaShutdownKernelHandler")),
        ("/login", _handler("LoginHandler")),
        ("/logout", _handler("LogoutHandler")),
        ("/voila/labextensions/(.*)", _handler("FileFindHandler")),
        ("/voila/files/(.*)", _handler("AllowListFileHandler")),
        ("/", _handler("TornadoVoilaTreeHandler")),
        ("/voila/tree(.*)", _handler("TornadoVoilaTreeHandler")),
        ("/voila/render/(.*)", _handler("TornadoVoilaHandler")),
        ("/voila/api/contents(.*)", _handler("VoilaContentsHandler")),
        ("/voila/query/(x)", _handler("RequestInfoSocketHandler")),
        ("/voila/static2/(.*)", _handler("Subclassed", static_base)),
    ]
    kept = guard.guard_handlers(voila)
    patterns = [spec[0] for spec in kept]
    assert patterns == [
        "/api/kernels/(?P<kernel_id>x)",
        "/api/kernels/(?P<kernel_id>x)/channels",
        "/voila/templates/(.*)",
        "/voila/static/(.*)",
        "/voila/api/themes/(.*)",
        "/voila/api/shutdown/(.*)",
        "/voila/labextensions/(.*)",
        "/voila/render/(.*)",
        "/voila/static2/(.*)",
    ]
    for spec in kept:
        assert issubclass(spec[1], guard._Guarded), spec[0]
        assert spec[1].__name__.startswith("Guarded")
    assert kept[3][2] == {"paths": []}  # the handler's arguments are passed on
    kernel_handlers = [s[1] for s in kept if "kernel" in s[0] or "shutdown" in s[0]]
    assert all(issubclass(h, guard._KernelGuarded) for h in kernel_handlers)
    assert issubclass(kept[2][1], guard._TemplateStaticGuarded)


def test_every_kernel_is_owned_by_the_page_that_started_it_and_gets_no_secret():
    class KernelManager:
        def __init__(self):
            self.env = None

        async def start_kernel(self, **kwargs):
            self.env = kwargs.get("env")
            return "kernel-1"

    manager, policy = KernelManager(), KernelPolicy(anonymous=2)
    guard.track_kernels(manager, policy)
    owner = Owner("browser-a", "10.0.0.5")

    async def start():
        token = guard.CURRENT_OWNER.set(owner)
        try:
            env = {"PATH": "/usr/bin", "AISKOLE_FACILITATOR_KEY": "hemmelig"}
            return await manager.start_kernel(env=env)
        finally:
            guard.CURRENT_OWNER.reset(token)

    assert asyncio.run(start()) == "kernel-1"
    assert policy.owners == {"kernel-1": owner}
    assert manager.env == {"PATH": "/usr/bin"}  # a kernel never holds the facilitator key


def test_the_access_log_has_no_address_no_path_and_no_query(caplog):
    request = SimpleNamespace(
        method="GET",
        remote_ip="10.0.0.5",
        uri="/deltag/K7FMQX?kode=K7FMQX",
        path="/deltag/K7FMQX",
        request_time=lambda: 0.012,
    )

    class ParticipantHandler:
        def __init__(self, status: int, headers: dict | None = None):
            self.request, self._status, self._headers = request, status, headers or {}

        def get_status(self):
            return self._status

    with caplog.at_level(logging.DEBUG, logger="aiskole.server"):
        server.log_request(ParticipantHandler(200))
        server.log_request(ParticipantHandler(500))
        server.log_request(ParticipantHandler(503, {"Retry-After": "30"}))
    lines = [(r.levelno, r.getMessage()) for r in caplog.records]
    assert lines == [
        (logging.DEBUG, "200 GET ParticipantHandler 12 ms"),
        (logging.WARNING, "500 GET ParticipantHandler 12 ms"),
        (logging.DEBUG, "503 GET ParticipantHandler 12 ms"),  # a full room is expected, not a fault
    ]
    assert "10.0.0.5" not in caplog.text and "K7FMQX" not in caplog.text


def test_the_server_asks_for_enough_open_files():
    resource = pytest.importorskip("resource")
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    try:
        limit = server.raise_open_files_limit(4096)
        if hard == resource.RLIM_INFINITY or hard >= 4096:
            assert limit >= 4096 or soft >= 4096
        assert server.raise_open_files_limit(16) >= 16  # never lowers it
    finally:
        resource.setrlimit(resource.RLIMIT_NOFILE, (soft, hard))
