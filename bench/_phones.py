"""The load generator of ``bench/room.py``: phones at protocol level, on one asyncio loop, to 127.0.0.1 only.

A protocol-level phone asks of the server what a phone's browser asks of it and nothing else (no rendering):

* :class:`RoomPhone`, the room without kernels: GET the participant page (gzip accepted, like a browser), GET
  every file the page links from the server (none today: style and script are inline), open the live channel
  (``/deltag/<kode>/live``) on the same keep-alive connection, as a browser reuses an idle one, and read until
  the first ``state`` event names the exercise the page shows. Like the page's script it fetches
  ``?del=main`` only when that event's version differs from the page's. It can then stay connected and answer
  (``POST /deltag/<kode>/<øvelse>`` as JSON, as the script sends it).
* :class:`VoilaPhone`, today's Voilà room (commit ``d6acf38``): GET the join page, GET every file a real page load
  fetched (recorded once in Chromium), over up to six keep-alive connections as a browser does per host, open
  the kernel's websocket and ask for the widget states as ipywidgets' front end does (``jupyter.widget.control``,
  ``request_states``) until the poll exists in the kernel (joined by the link's code, choices present). It can
  stay connected and answer by the widget protocol (the radio's ``index``, then a click on "Send").

Bytes are counted as they arrive on the socket (headers and gzipped bodies; websocket messages by their
payload). Nothing here opens a connection anywhere but the host it is given, and :func:`check_loopback`
refuses any host that is not a loopback address.
"""

from __future__ import annotations

import asyncio
import contextlib
import ipaddress
import json
import re
import time
import uuid
import zlib
from dataclasses import dataclass, field
from datetime import UTC, datetime
from urllib.parse import urlsplit

#: Connections a browser opens to one host over HTTP/1.1.
BROWSER_CONNECTIONS = 6
USER_AGENT = "aiskole-bench (protocol-level phone)"


def check_loopback(host: str) -> None:
    if not ipaddress.ip_address(host).is_loopback:
        raise ValueError(f"the benchmark sends traffic to loopback addresses only, not {host}")


# --- a small HTTP/1.1 client ------------------------------------------------------------------------------


@dataclass
class Response:
    status: int
    headers: dict[str, str]
    body: bytes
    wire: int  # bytes received for this response: status line, headers, body as sent
    cookies: dict[str, str] = field(default_factory=dict)


class HttpError(RuntimeError):
    pass


class Conn:
    """One keep-alive HTTP/1.1 connection. Counts the bytes it receives and the requests it sends."""

    def __init__(self, host: str, port: int) -> None:
        check_loopback(host)
        self.host, self.port = host, port
        self.reader: asyncio.StreamReader | None = None
        self.writer: asyncio.StreamWriter | None = None
        self.received = 0
        self.requests = 0
        self.connects = 0
        #: Leave out ``Accept-Encoding: gzip`` (a diagnostic: every browser sends it).
        self.plain = False

    async def _ensure(self) -> None:
        if self.writer is None or self.writer.is_closing():
            self.reader, self.writer = await asyncio.open_connection(self.host, self.port, limit=2**22)
            self.connects += 1

    async def _line(self) -> bytes:
        line = await self.reader.readline()
        if not line:
            raise HttpError("connection closed by the server")
        self.received += len(line)
        return line

    async def _exactly(self, n: int) -> bytes:
        data = await self.reader.readexactly(n)
        self.received += n
        return data

    async def send(
        self, method: str, path: str, headers: dict[str, str] | None = None, body: bytes = b""
    ) -> None:
        await self._ensure()
        lines = [
            f"{method} {path} HTTP/1.1",
            f"Host: {self.host}:{self.port}",
            f"User-Agent: {USER_AGENT}",
            "Connection: keep-alive",
        ]
        if not self.plain:
            lines.append("Accept-Encoding: gzip")
        for name, value in (headers or {}).items():
            lines.append(f"{name}: {value}")
        if body or method == "POST":
            lines.append(f"Content-Length: {len(body)}")
        self.writer.write(("\r\n".join(lines) + "\r\n\r\n").encode() + body)
        await self.writer.drain()
        self.requests += 1

    async def head(self) -> tuple[int, dict[str, str], dict[str, str]]:
        status_line = await self._line()
        parts = status_line.decode("latin-1").split(" ", 2)
        if len(parts) < 2 or not parts[0].startswith("HTTP/"):
            raise HttpError(f"not an HTTP response: {status_line[:80]!r}")
        status = int(parts[1])
        headers: dict[str, str] = {}
        cookies: dict[str, str] = {}
        while True:
            line = (await self._line()).decode("latin-1").rstrip("\r\n")
            if not line:
                break
            name, _, value = line.partition(":")
            name, value = name.strip().lower(), value.strip()
            if name == "set-cookie":
                key, _, rest = value.partition("=")
                cookies[key.strip()] = rest.split(";", 1)[0]
            headers[name] = f"{headers[name]}, {value}" if name in headers else value
        return status, headers, cookies

    async def body(self, headers: dict[str, str], status: int) -> bytes:
        if status in (204, 304) or 100 <= status < 200:
            return b""
        if "chunked" in headers.get("transfer-encoding", "").lower():
            out = []
            while True:
                size = int((await self._line()).split(b";", 1)[0].strip(), 16)
                if size == 0:
                    while (await self._line()) not in (b"\r\n", b"\n"):
                        pass
                    break
                out.append(await self._exactly(size))
                await self._exactly(2)
            return b"".join(out)
        if "content-length" in headers:
            return await self._exactly(int(headers["content-length"]))
        data = await self.reader.read()  # until the server closes
        self.received += len(data)
        self.close()
        return data

    async def request(
        self, method: str, path: str, headers: dict[str, str] | None = None, body: bytes = b""
    ) -> Response:
        await self.send(method, path, headers, body)
        before = self.received
        status, hdrs, cookies = await self.head()
        data = await self.body(hdrs, status)
        if hdrs.get("connection", "").lower() == "close":
            self.close()
        return Response(status, hdrs, data, self.received - before, cookies)

    async def events(self, headers: dict[str, str]):
        """After :meth:`head` of a ``text/event-stream`` response (chunked, maybe gzipped as it goes): yield
        ``(event, data)`` as they arrive."""
        unzip = zlib.decompressobj(16 + zlib.MAX_WBITS) if headers.get("content-encoding") == "gzip" else None
        buffer = b""
        while True:
            size = int((await self._line()).split(b";", 1)[0].strip(), 16)
            if size == 0:
                raise HttpError("the event stream ended")
            chunk = await self._exactly(size)
            buffer += unzip.decompress(chunk) if unzip else chunk
            await self._exactly(2)
            while b"\n\n" in buffer:
                block, buffer = buffer.split(b"\n\n", 1)
                event, data = "message", []
                for line in block.decode().splitlines():
                    if line.startswith("event:"):
                        event = line[6:].strip()
                    elif line.startswith("data:"):
                        data.append(line[5:].lstrip())
                if data:
                    yield event, "\n".join(data)

    def close(self) -> None:
        if self.writer is not None:
            with contextlib.suppress(Exception):
                self.writer.close()
        self.writer = self.reader = None


def gunzip(response: Response) -> bytes:
    import gzip

    if response.headers.get("content-encoding") == "gzip":
        return gzip.decompress(response.body)
    return response.body


#: Files a page links from its own server (``src``/``href`` that are paths, not ``data:`` or other hosts).
_LINKED = re.compile(
    r"""<(?:script|img|source|iframe)\b[^>]*?\bsrc=["']([^"']+)["']|<link\b[^>]*?\bhref=["']([^"']+)["']""",
    re.I,
)


def linked_files(html: str) -> list[str]:
    out = []
    for match in _LINKED.finditer(html):
        url = match.group(1) or match.group(2)
        parts = urlsplit(url)
        if parts.scheme or parts.netloc or url.startswith(("data:", "#")) or not url:
            continue
        out.append(parts.path + (f"?{parts.query}" if parts.query else ""))
    return list(dict.fromkeys(out))


async def fetch_all(host: str, port: int, paths: list[str], conns: list[Conn], timeout: float) -> None:
    """GET ``paths`` over ``conns`` (each one request at a time, like a browser's connections to one host)."""
    queue = list(paths)

    async def worker(conn: Conn) -> None:
        while queue:
            path = queue.pop(0)
            response = await conn.request("GET", path)
            if response.status != 200:
                raise HttpError(f"GET {path}: HTTP {response.status}")

    async with asyncio.timeout(timeout):
        await asyncio.gather(*(worker(c) for c in conns[: max(1, min(len(conns), len(paths)))]))


# --- what every phone reports -----------------------------------------------------------------------------


@dataclass
class Join:
    """One fresh join: seconds from the phone's start to the end of each phase, bytes and requests."""

    seconds: float = float("nan")
    phases: dict[str, float] = field(default_factory=dict)
    received: int = 0
    requests: int = 0
    connections: int = 0
    error: str | None = None

    @property
    def ok(self) -> bool:
        return self.error is None


# --- the room without kernels -----------------------------------------------------------------------------


class RoomPhone:
    """A participant of the room without kernels (see the module docstring)."""

    def __init__(
        self, host: str, port: int, code: str, exercise: str = "poll", *, live_fresh: bool = False
    ) -> None:
        self.host, self.port, self.code, self.exercise = host, port, code, exercise
        #: Open the live channel on a new connection instead of reusing the page's (a diagnostic).
        self.live_fresh = live_fresh
        self.conn = Conn(host, port)
        self.extra: list[Conn] = []
        self.cookie: str | None = None
        self.events_task: asyncio.Task | None = None
        self.join = Join()

    async def open(self, timeout: float, stay: bool = False) -> Join:
        t0 = time.perf_counter()
        j = self.join
        try:
            async with asyncio.timeout(timeout):
                await self._open(t0)
            j.seconds = time.perf_counter() - t0
            if stay:
                self.events_task = asyncio.ensure_future(self._drain())
        except Exception as exc:  # noqa: BLE001 - a failed join is counted, never raised
            j.error = f"{type(exc).__name__}: {str(exc)[:120]}" if str(exc) else type(exc).__name__
        finally:
            conns = [self.conn, *self.extra]
            j.received = sum(c.received for c in conns)
            j.requests = sum(c.requests for c in conns)
            j.connections = sum(c.connects for c in conns)
            if not stay or j.error:
                self.close()
        return j

    async def _open(self, t0: float) -> None:
        j = self.join
        page = await self.conn.request("GET", f"/deltag/{self.code}", {"Accept": "text/html"})
        j.phases["page"] = time.perf_counter() - t0
        if page.status != 200:
            raise HttpError(f"page: HTTP {page.status}")
        self.cookie = page.cookies.get("aiskole_id")
        html = gunzip(page).decode()
        if f'action="/deltag/{self.code}/{self.exercise}"' not in html or 'type="radio"' not in html:
            raise HttpError(f"the page does not show the {self.exercise} form")
        files = linked_files(html)
        if files:
            self.extra = [Conn(self.host, self.port) for _ in range(BROWSER_CONNECTIONS - 1)]
            await fetch_all(self.host, self.port, files, [self.conn, *self.extra], 60)
        j.phases["files"] = time.perf_counter() - t0
        live = re.search(r'data-live="([^"]+)"', html)
        version = re.search(r'data-version="([^"]*)"', html)
        if not live:
            raise HttpError("no live channel on the page")
        if self.live_fresh:
            self.extra.append(self.conn)
            self.conn = Conn(self.host, self.port)
        await self.conn.send("GET", live.group(1), self._cookies({"Accept": "text/event-stream"}))
        status, headers, _ = await self.conn.head()
        if status != 200 or "text/event-stream" not in headers.get("content-type", ""):
            raise HttpError(f"live channel: HTTP {status}")
        j.phases["live open"] = time.perf_counter() - t0
        self._events = self.conn.events(headers)
        async for event, data in self._events:
            if event == "state":
                state = json.loads(data)
                if state.get("active") != self.exercise:
                    raise HttpError(f"live state names {state.get('active')!r}, not {self.exercise!r}")
                j.phases["first state"] = time.perf_counter() - t0
                if version and state.get("v") != version.group(1):
                    # the page's script fetches the main part again when the versions differ
                    side = Conn(self.host, self.port)
                    self.extra.append(side)
                    r = await side.request(
                        "GET", f"/deltag/{self.code}?del=main", self._cookies({"Accept": "application/json"})
                    )
                    if r.status != 200:
                        raise HttpError(f"main part: HTTP {r.status}")
                    side.close()
                break

    def _cookies(self, headers: dict[str, str]) -> dict[str, str]:
        if self.cookie:
            headers["Cookie"] = f"aiskole_id={self.cookie}"
        return headers

    async def _drain(self) -> None:
        """Keep reading the live channel while connected (like an open page)."""
        with contextlib.suppress(Exception):
            async for _event, _data in self._events:
                pass

    async def answer(self, value: str, timeout: float = 30) -> float:
        """POST an answer as the page's script does; returns seconds until ``{"ok": true}``."""
        conn = Conn(self.host, self.port)
        body = json.dumps({"svar": value, "ord": "", "svar_id": str(uuid.uuid4())}).encode()
        headers = self._cookies(
            {
                "Content-Type": "application/json",
                "Accept": "application/json",
                "Origin": f"http://{self.host}:{self.port}",
                "Sec-Fetch-Site": "same-origin",
            }
        )
        t0 = time.perf_counter()
        try:
            async with asyncio.timeout(timeout):
                r = await conn.request("POST", f"/deltag/{self.code}/{self.exercise}", headers, body)
            if r.status != 200 or not json.loads(gunzip(r)).get("ok"):
                raise HttpError(f"answer: HTTP {r.status} {gunzip(r)[:120]!r}")
            return time.perf_counter() - t0
        finally:
            conn.close()

    def close(self) -> None:
        if self.events_task is not None:
            self.events_task.cancel()
        for c in [self.conn, *self.extra]:
            c.close()


# --- today's Voilà room --------------------------------------------------------------------------------------


def kernel_id_of(html: str) -> str | None:
    match = re.search(r'"kernelId"\s*:\s*"([0-9a-f-]{36})"', html) or re.search(
        r"kernel[-_]?[iI]d\W{1,6}([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})", html
    )
    return match.group(1) if match else None


def _message(session: str, msg_type: str, content: dict, metadata: dict | None = None) -> str:
    return json.dumps(
        {
            "header": {
                "msg_id": uuid.uuid4().hex,
                "msg_type": msg_type,
                "username": "bench",
                "session": session,
                "date": datetime.now(UTC).isoformat(),
                "version": "5.3",
            },
            "parent_header": {},
            "metadata": metadata or {},
            "content": content,
            "buffers": [],
            "channel": "shell",
        }
    )


def joined_poll(states: dict[str, dict]) -> bool:
    """The join app has joined by the link's code (banner filled in) and the poll's choices exist."""
    joined = any("aiskole-join-banner" in str(s.get("value", "")) for s in states.values())
    return joined and any(s.get("_model_name") == "RadioButtonsModel" for s in states.values())


class VoilaPhone:
    """A participant of today's Voilà room (see the module docstring)."""

    def __init__(self, host: str, port: int, path: str, assets: list[str]) -> None:
        self.host, self.port, self.path, self.assets = host, port, path, assets
        self.conns = [Conn(host, port) for _ in range(BROWSER_CONNECTIONS)]
        self.ws = None
        self.ws_received = 0
        self.session = uuid.uuid4().hex
        self.kernel_id: str | None = None
        self.states: dict[str, dict] = {}
        self.reader_task: asyncio.Task | None = None
        self.join = Join()

    async def open(self, timeout: float, stay: bool = False) -> Join:
        t0 = time.perf_counter()
        j = self.join
        try:
            async with asyncio.timeout(timeout):
                await self._open(t0)
            j.seconds = time.perf_counter() - t0
            if stay:
                self.reader_task = asyncio.ensure_future(self._read_forever())
        except Exception as exc:  # noqa: BLE001 - counted
            j.error = f"{type(exc).__name__}: {str(exc)[:120]}" if str(exc) else type(exc).__name__
        finally:
            j.received = sum(c.received for c in self.conns) + self.ws_received
            j.requests = sum(c.requests for c in self.conns) + (1 if self.ws is not None else 0)
            j.connections = sum(c.connects for c in self.conns) + (1 if self.ws is not None else 0)
            for c in self.conns:
                c.close()
            if not stay or j.error:
                await self.close()
        return j

    async def _open(self, t0: float) -> None:
        import websockets

        j = self.join
        page = await self.conns[0].request("GET", self.path, {"Accept": "text/html"})
        if page.status != 200:
            raise HttpError(f"page: HTTP {page.status}")
        j.phases["page"] = time.perf_counter() - t0
        html = gunzip(page).decode()
        self.kernel_id = kernel_id_of(html)
        if self.kernel_id is None:
            raise HttpError("no kernel id in the page")

        async def files() -> None:
            await fetch_all(self.host, self.port, self.assets, self.conns, 300)
            j.phases["files"] = time.perf_counter() - t0

        fetched = asyncio.ensure_future(files())
        try:
            url = f"ws://{self.host}:{self.port}/api/kernels/{self.kernel_id}/channels?session_id={self.session}"
            self.ws = await websockets.connect(url, open_timeout=300, close_timeout=2, max_size=2**26)
            j.phases["websocket open"] = time.perf_counter() - t0
            comm_id = uuid.uuid4().hex
            await self.ws.send(
                _message(
                    self.session,
                    "comm_open",
                    {"comm_id": comm_id, "target_name": "jupyter.widget.control", "data": {}},
                    {"version": "1.0.0"},
                )
            )
            await self.ws.send(
                _message(self.session, "comm_msg", {"comm_id": comm_id, "data": {"method": "request_states"}})
            )
            while not joined_poll(self.states):
                self._take(await self.ws.recv())
            j.phases["poll in kernel"] = time.perf_counter() - t0
            await fetched
        finally:
            if not fetched.done():
                fetched.cancel()

    def _take(self, raw) -> None:
        self.ws_received += len(raw)
        msg = json.loads(raw)
        kind = msg.get("msg_type") or msg["header"]["msg_type"]
        content = msg.get("content", {})
        data = content.get("data", {}) or {}
        if kind == "comm_msg" and data.get("method") == "update_states":
            for model_id, model in data.get("states", {}).items():
                self.states.setdefault(model_id, {}).update(model.get("state", {}))
        elif kind == "comm_open" and "state" in data:
            self.states.setdefault(content["comm_id"], {}).update(data["state"])
        elif kind == "comm_msg" and data.get("method") == "update":
            self.states.setdefault(content["comm_id"], {}).update(data.get("state", {}))

    async def _read_forever(self) -> None:
        with contextlib.suppress(Exception):
            while True:
                self._take(await self.ws.recv())

    async def answer(self, index: int) -> None:
        """Choose the ``index``-th answer and click "Send", as the widgets' front end sends it (returns at once:
        the count on the presenter is what is timed)."""
        radio = next(k for k, s in self.states.items() if s.get("_model_name") == "RadioButtonsModel")
        button = next(
            k
            for k, s in self.states.items()
            if s.get("_model_name") == "ButtonModel" and s.get("description") in ("Send", "Skift svar")
        )
        await self.ws.send(
            _message(
                self.session,
                "comm_msg",
                {
                    "comm_id": radio,
                    "data": {"method": "update", "state": {"index": index}, "buffer_paths": []},
                },
            )
        )
        await self.ws.send(
            _message(
                self.session,
                "comm_msg",
                {"comm_id": button, "data": {"method": "custom", "content": {"event": "click"}}},
            )
        )

    async def close(self) -> None:
        if self.reader_task is not None:
            self.reader_task.cancel()
        if self.ws is not None:
            with contextlib.suppress(Exception):
                await asyncio.wait_for(self.ws.close(), 5)
        for c in self.conns:
            c.close()


async def crowd(phones: list, timeout: float, stay: bool = False) -> tuple[list[Join], float]:
    """Open every phone at once; returns their joins and the seconds until the last one finished."""
    t0 = time.perf_counter()
    joins = await asyncio.gather(*(p.open(timeout, stay=stay) for p in phones))
    return list(joins), time.perf_counter() - t0
