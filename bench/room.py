"""A room of participants: first widget, a burst of 40, answer-to-presenter latency and memory per kernel.

Not a test: it prints figures and never asserts on time. Every figure is printed next to the same figure for a
bare Voilà page with one ``ipywidgets.Button`` (a notebook named ``deltag.ipynb`` in a temporary folder) served
the same way: the same :func:`aiskole.server.serve` (same template, same pool configuration, ``participants``
preheated kernels for ``deltag.ipynb``), started in a subprocess with only the root folder changed.

One run measures, for each server in turn (never both at once: the machine has 2 cores):

1. URL -> first widget for one participant in Chromium (fresh browser context each run), p50 over ``--runs``;
2. a room joining at once:
   (a) protocol-level phones (see :func:`protocol_phone`): one at a time (p50 over ``--runs``), then
       ``--participants`` at once against a full pool of preheated kernels, until the first widget exists in the
       kernel; the target compares the room's p95 with the single warm join's p50;
   (b) a smaller real-browser burst (``--browsers`` Chromium pages opened at once on this same machine);
3. answer -> presenter: answers written through :class:`~aiskole.store.BoundStore` into the server's database,
   time until the presenter page in Chromium shows the new count (aiskole only: the bare page has no presenter);
4. memory per kernel: RSS and USS of the kernel processes each server started.

First, an as-shipped check opens the join link twice in Chromium against a server with the shipped
``VoilaExecutor.timeout=60``: at once, and after the preheated kernel has waited 75 s more in the pool (the
join view waits for the link's query string in the background, so a slow room must not hit the cell timeout).
The measurements use the shipped settings too (``--executor-timeout`` can override the cell timeout for both
servers alike). Pages that show the code form instead of the workshop, or no widget at all, are counted, not
timed.

    .venv/bin/python bench/room.py [--participants 40] [--runs 5] [--browsers 8] [--answers 20]

Takes about 10-15 minutes on a 2-core machine. Everything runs in a temporary folder; every server, kernel and
browser it starts is stopped at the end, also on errors and Ctrl+C.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import http.client
import importlib.metadata
import os
import platform
import random
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
import uuid
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

import nbformat
from playwright.async_api import async_playwright

from aiskole.resources import apps_dir
from aiskole.store import BoundStore, Store
from aiskole.testing import CHROMIUM, CHROMIUM_ARGS, LAPTOP, PHONE, wait_for_page
from aiskole.workshop import JOIN_APP, join_url

ROOT = Path(__file__).resolve().parents[1]

#: Started with ``python -c`` so the root folder can be chosen: ``python -m aiskole.server`` has no option for it.
#: argv[4], when not empty, replaces the ``--VoilaExecutor.timeout=60`` of :func:`aiskole.server.voila_argv`
#: (for both servers alike).
LAUNCHER = (
    "import sys; from pathlib import Path; import aiskole.server as s\n"
    "shipped = s.voila_argv\n"
    "def argv(**kw):\n"
    "    out = shipped(**kw)\n"
    "    if sys.argv[4]:\n"
    "        out = [f'--VoilaExecutor.timeout={sys.argv[4]}' if a.startswith('--VoilaExecutor.timeout=') else a\n"
    "               for a in out]\n"
    "    print('voila argv:', out, flush=True)\n"
    "    return out\n"
    "s.voila_argv = argv\n"
    "s.serve(root=Path(sys.argv[1]) if sys.argv[1] else None, port=int(sys.argv[2]), "
    "participants=int(sys.argv[3]), pool_size=1, on_ready=lambda: print('AISKOLE READY', flush=True))"
)
READY_TIMEOUT = 600
#: Lines in the Voilà log that explain broken pages: outputs lost (nbclient's iopub_timeout of 4 s), and kernels
#: that died at start-up (jupyter_client's TCP port race when dozens of kernels start at once).
LOG_SIGNS = ("Timeout waiting for IOPub output", "Address already in use", "Kernel died before replying")
PAGE_TIMEOUT_MS = 60_000
BURST_TIMEOUT_MS = 180_000
CLK_TCK = os.sysconf("SC_CLK_TCK")
PAGE_SIZE = os.sysconf("SC_PAGE_SIZE")


# --- small helpers --------------------------------------------------------------------------------------


def pct(values: list[float], q: float) -> float:
    """Percentile with linear interpolation between order statistics (numpy's default)."""
    xs = sorted(values)
    if not xs:
        return float("nan")
    k = (len(xs) - 1) * q
    lo, hi = int(k), min(int(k) + 1, len(xs) - 1)
    return xs[lo] + (xs[hi] - xs[lo]) * (k - lo)


def fmt(values: list[float], unit: str = "s", digits: int = 2) -> str:
    if not values:
        return "no data"
    return (
        f"p50 {pct(values, 0.5):.{digits}f} {unit}, p95 {pct(values, 0.95):.{digits}f} {unit}, "
        f"min {min(values):.{digits}f}, max {max(values):.{digits}f}, n={len(values)}"
    )


def ratio(a: float, b: float) -> str:
    return f"{a / b:.2f}x" if b and a == a and b == b else "n/a"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def say(text: str = "") -> None:
    print(text, flush=True)


# --- /proc ----------------------------------------------------------------------------------------------


def _proc_table() -> dict[int, tuple[int, int]]:
    """pid -> (ppid, utime+stime ticks) for every process we can read."""
    table = {}
    for entry in os.scandir("/proc"):
        if not entry.name.isdigit():
            continue
        try:
            with open(f"/proc/{entry.name}/stat") as f:
                stat = f.read()
        except OSError:
            continue
        rest = stat[stat.rfind(")") + 2 :].split()
        table[int(entry.name)] = (int(rest[1]), int(rest[11]) + int(rest[12]))
    return table


def descendants(pid: int, table: dict[int, tuple[int, int]] | None = None) -> list[int]:
    table = table if table is not None else _proc_table()
    children: dict[int, list[int]] = {}
    for p, (ppid, _t) in table.items():
        children.setdefault(ppid, []).append(p)
    out, todo = [], [pid]
    while todo:
        for child in children.get(todo.pop(), []):
            out.append(child)
            todo.append(child)
    return out


def tree_ticks(pid: int) -> int:
    table = _proc_table()
    return sum(table[p][1] for p in [pid, *descendants(pid, table)] if p in table)


def cmdline(pid: int) -> str:
    try:
        return Path(f"/proc/{pid}/cmdline").read_bytes().replace(b"\0", b" ").decode(errors="replace")
    except OSError:
        return ""


def pids_matching(text: str) -> list[int]:
    me = os.getpid()
    return [
        int(e.name)
        for e in os.scandir("/proc")
        if e.name.isdigit() and int(e.name) != me and text in cmdline(int(e.name))
    ]


@dataclass
class Mem:
    rss: float  # MiB
    uss: float | None  # MiB, None when smaps_rollup is unreadable
    pss: float | None


def memory(pid: int) -> Mem | None:
    try:
        rss = int(Path(f"/proc/{pid}/statm").read_text().split()[1]) * PAGE_SIZE / 2**20
    except (OSError, IndexError, ValueError):
        return None
    uss = pss = None
    try:
        fields = {}
        for line in Path(f"/proc/{pid}/smaps_rollup").read_text().splitlines()[1:]:
            name, value = line.split(":", 1)
            fields[name] = int(value.split()[0])  # kB
        uss = (fields.get("Private_Clean", 0) + fields.get("Private_Dirty", 0)) / 1024
        pss = fields.get("Pss", 0) / 1024
    except (OSError, ValueError):
        pass
    return Mem(rss, uss, pss)


def mem_line(mems: list[Mem]) -> str:
    if not mems:
        return "no kernels found"
    rss = [m.rss for m in mems]
    uss = [m.uss for m in mems if m.uss is not None]
    pss = [m.pss for m in mems if m.pss is not None]
    text = f"RSS avg {statistics.mean(rss):.0f} MiB (max {max(rss):.0f})"
    if uss:
        text += f", USS avg {statistics.mean(uss):.0f} MiB (max {max(uss):.0f}), PSS avg {statistics.mean(pss):.0f} MiB"
    else:
        text += ", USS unreadable (no /proc/<pid>/smaps_rollup)"
    return text + f", n={len(mems)}"


# --- servers --------------------------------------------------------------------------------------------


@dataclass
class Server:
    name: str
    url: str
    log: Path
    tag: str  # a unique path in every kernel's command line (their connection files live under it)
    process: subprocess.Popen
    database_url: str
    start_seconds: float = 0.0
    ready_seconds: float = 0.0
    ready_how: str = ""
    pids_seen: set[int] = field(default_factory=set)

    def kernel_pids(self) -> list[int]:
        pids = [p for p in pids_matching(self.tag) if "ipykernel" in cmdline(p) or "kernel-" in cmdline(p)]
        self.pids_seen.update(pids)
        return pids

    def kernel_pid(self, kernel_id: str) -> int | None:
        found = pids_matching(f"kernel-{kernel_id}.json")
        return found[0] if found else None


def start_server(name: str, root: Path | None, tmp: Path, participants: int, timeout: str = "") -> Server:
    port = free_port()
    home = tmp / name
    (home / "tmp").mkdir(parents=True)
    log = home / "voila.log"
    database_url = f"sqlite:///{home / 'data' / 'aiskole.sqlite3'}"
    env = {
        **os.environ,
        "AISKOLE_DATA_DIR": str(home / "data"),
        "AISKOLE_DATABASE_URL": database_url,
        # Voilà keeps kernel connection files in tempfile.gettempdir(): this puts our folder in every
        # kernel's command line, so kernels can be found (and killed) even after the server is gone.
        "TMPDIR": str(home / "tmp"),
    }
    t0 = time.perf_counter()
    process = subprocess.Popen(
        [sys.executable, "-c", LAUNCHER, str(root or ""), str(port), str(participants), timeout],
        stdout=log.open("a"),
        stderr=subprocess.STDOUT,
        env=env,
        cwd=str(ROOT),
        start_new_session=True,
    )
    server = Server(name, f"http://127.0.0.1:{port}/", log, str(home / "tmp"), process, database_url)
    STARTED.append(server)
    wait_for_page(server.url, process, log, timeout=120, name=f"{name}: Voilà")
    server.start_seconds = time.perf_counter() - t0
    # "AISKOLE READY": every join kernel has started and run the notebook (its page is pre-rendered). Voila's own
    # "pool filled" line comes earlier (kernels started, notebooks maybe still running); both are reported.
    filled = f"Kernel pool of {JOIN_APP} is filled"
    filled_at = None
    while True:
        text = log.read_text(errors="replace")
        if filled_at is None and filled in text:
            filled_at = time.perf_counter() - t0
        if "AISKOLE READY" in text:
            server.ready_how = "AISKOLE READY" + (
                f" (Voila's 'pool filled' line after {filled_at:.1f} s)" if filled_at is not None else ""
            )
            break
        if process.poll() is not None or time.perf_counter() - t0 > READY_TIMEOUT:
            raise RuntimeError(f"{name}: the room never got ready:\n{text[-3000:]}")
        time.sleep(0.25)
    server.ready_seconds = time.perf_counter() - t0
    return server


def stop_server(server: Server) -> None:
    server.kernel_pids()
    if server.process.poll() is None:
        server.process.terminate()
        try:
            server.process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(server.process.pid, signal.SIGKILL)
            server.process.wait(timeout=10)
    # Kernels run in their own sessions; whatever the server did not shut down is killed here.
    deadline = time.time() + 10
    while pids_matching(server.tag) and time.time() < deadline:
        time.sleep(0.5)
    for pid in pids_matching(server.tag):
        with contextlib.suppress(ProcessLookupError):
            os.kill(pid, signal.SIGKILL)


STARTED: list[Server] = []


async def settle(server: Server, *, timeout: float = 240, quiet: float = 0.2, window: float = 1.0) -> float:
    """Wait until the server and its kernels use less than ``quiet`` cores for two windows; returns seconds."""
    t0 = time.perf_counter()
    calm = 0
    before = tree_ticks(server.process.pid)
    while time.perf_counter() - t0 < timeout:
        await asyncio.sleep(window)
        after = tree_ticks(server.process.pid)
        cores = max(after - before, 0) / CLK_TCK / window
        before = after
        calm = calm + 1 if cores < quiet else 0
        if calm >= 2:
            break
    return time.perf_counter() - t0


def shutdown_kernel(server: Server, kernel_id: str) -> None:
    request = urllib.request.Request(f"{server.url}voila/api/shutdown/{kernel_id}", method="POST", data=b"")
    with contextlib.suppress(OSError), urllib.request.urlopen(request, timeout=30):
        pass


# --- the apps -------------------------------------------------------------------------------------------


def write_bare_notebook(folder: Path) -> Path:
    """One Button, with deltag.ipynb's kernel metadata, saved as deltag.ipynb."""
    ours = nbformat.read(ROOT / "notebooks" / "apps" / JOIN_APP, as_version=4)
    nb = nbformat.v4.new_notebook()
    nb.metadata = {**ours.metadata, "title": "Knap"}
    nb.cells = [
        nbformat.v4.new_code_cell('import ipywidgets as widgets\n\nwidgets.Button(description="Klik")')
    ]
    folder.mkdir(parents=True)
    path = folder / JOIN_APP
    nbformat.write(nb, path)
    return path


@dataclass
class App:
    """What differs between the join app and the bare page: the URL and what 'first widget' means."""

    name: str
    server: Server
    url: str
    first_widget: str  # CSS/role selector, see visible()
    label: str
    assets: list[str] = field(
        default_factory=list
    )  # what a browser fetches besides the page (recorded_assets)

    async def visible(self, page, timeout: float) -> bool:
        """Wait for the first widget. False when the join app shows its code form instead of the workshop:
        the kernel never received the code from the link."""
        if self.first_widget == "button":
            await page.get_by_role("button", name="Klik").wait_for(state="visible", timeout=timeout)
            return True
        either = page.locator(f"{self.first_widget}:visible, .aiskole-join-code:visible").first
        await either.wait_for(state="visible", timeout=timeout)
        return await page.locator(f"{self.first_widget}:visible").count() > 0


async def leave(context) -> None:
    """Navigate away first (Voilà's page asks the server to shut its kernel down on unload), then close."""
    for page in context.pages:
        with contextlib.suppress(Exception):
            await page.goto("about:blank", timeout=10_000)
    with contextlib.suppress(Exception):
        await context.close()


async def new_phone(browser):
    context = await browser.new_context(
        viewport=PHONE, is_mobile=True, has_touch=True, device_scale_factor=2, locale="da-DK"
    )
    page = await context.new_page()
    return context, page


@dataclass
class Loads:
    """Page loads: seconds to first widget of the good ones, and how many went wrong, and how."""

    times: list[float] = field(default_factory=list)
    answerable: list[float] = field(default_factory=list)
    no_code: list[float] = field(default_factory=list)  # join form shown: the code never reached the kernel
    errors: list[str] = field(default_factory=list)
    warmup: str = ""

    def problems(self) -> str:
        parts = []
        if self.no_code:
            parts.append(
                f"{len(self.no_code)} showed the code form instead of joining (the kernel never got the link's "
                f"code), after {', '.join(f'{x:.1f}' for x in self.no_code)} s"
            )
        if self.errors:
            parts.append(f"{len(self.errors)} failed: {self.errors[0][:160]}")
        return "; ".join(parts) or "no failures"


async def one_participant(browser, app: App, runs: int) -> Loads:
    """Fresh context per run; one discarded warm-up first."""
    loads = Loads()
    for i in range(runs + 1):
        context, page = await new_phone(browser)
        try:
            t0 = time.perf_counter()
            await page.goto(app.url, wait_until="commit", timeout=PAGE_TIMEOUT_MS)
            joined = await app.visible(page, PAGE_TIMEOUT_MS)
            t1 = time.perf_counter() - t0
            if i == 0:
                loads.warmup = f"{t1:.2f} s" + ("" if joined else " (code form, not joined)")
            elif not joined:
                loads.no_code.append(t1)
            else:
                loads.times.append(t1)
                if app.name == "aiskole":
                    await page.get_by_role("radio").first.wait_for(state="visible", timeout=PAGE_TIMEOUT_MS)
                    loads.answerable.append(time.perf_counter() - t0)
        except Exception as exc:  # noqa: BLE001 - a failed load is counted, the run goes on
            loads.errors.append(f"{type(exc).__name__}: {str(exc).splitlines()[0]}")
        finally:
            await leave(context)
        await asyncio.sleep(1.0)
        await settle(app.server, timeout=60)
    return loads


async def browser_burst(browser, app: App, n: int) -> Loads:
    """``n`` pages opened at once, each in its own context; seconds from the common start to first widget."""
    opened = [await new_phone(browser) for _ in range(n)]
    t0 = time.perf_counter()

    async def one(page) -> tuple[bool, float]:
        await page.goto(app.url, wait_until="commit", timeout=BURST_TIMEOUT_MS)
        joined = await app.visible(page, BURST_TIMEOUT_MS)
        return joined, time.perf_counter() - t0

    try:
        results = await asyncio.gather(*(one(page) for _c, page in opened), return_exceptions=True)
    finally:
        for context, _page in opened:
            await leave(context)
    loads = Loads()
    for r in results:
        if isinstance(r, BaseException):
            loads.errors.append(f"{type(r).__name__}: {str(r).splitlines()[0] if str(r) else ''}")
        elif r[0]:
            loads.times.append(r[1])
        else:
            loads.no_code.append(r[1])
    return loads


# --- a phone at protocol level -----------------------------------------------------------------------------
#
# Forty Chromium pages on the server's own 2 cores measure Chromium, not the server (each phone renders its page
# on its own CPU). A protocol-level phone does everything a phone asks of the server and nothing else: GET the
# page, GET every script and style sheet it links from the server, open the kernel's websocket and ask for the
# widget states exactly as ipywidgets' front end does (comm "jupyter.widget.control", "request_states"), then wait
# until the first widget exists in the kernel (and, for the join app, has joined via the link's code).


#: Seconds from a phone's start to the end of each phase, per phase; reset before each measurement.
PHASES: dict[str, list[float]] = {}


async def recorded_assets(browser, url: str) -> list[str]:
    """The scripts, styles, fonts and chunks a real page load fetches from the server (recorded once in
    Chromium), so that every protocol-level phone asks for the same files a phone's browser would."""
    host = urlsplit(url).netloc
    paths: list[str] = []
    context, page = await new_phone(browser)

    def seen(request) -> None:
        parts = urlsplit(request.url)
        if (
            parts.netloc == host
            and request.method == "GET"
            and request.resource_type not in ("document", "websocket")
        ) and "/api/" not in parts.path:
            paths.append(parts.path + (f"?{parts.query}" if parts.query else ""))

    page.on("request", seen)
    try:
        await page.goto(url, wait_until="networkidle", timeout=PAGE_TIMEOUT_MS)
    finally:
        await leave(context)
    return list(dict.fromkeys(paths))


def _http_get(host: str, port: int, path: str, timeout: float, *, decode: bool = False) -> bytes:
    """GET like a browser (gzip accepted). The bytes as sent; ``decode`` unzips them (the page's HTML is read,
    the scripts only received: parsing them is the phone's own work, not the server's)."""
    import gzip

    conn = http.client.HTTPConnection(host, port, timeout=timeout)
    try:
        conn.request("GET", path, headers={"Accept-Encoding": "gzip"})
        response = conn.getresponse()
        body = response.read()
        if response.status != 200:
            raise RuntimeError(f"GET {path}: HTTP {response.status}")
        if decode and response.getheader("Content-Encoding") == "gzip":
            body = gzip.decompress(body)
        return body
    finally:
        conn.close()


def _message(session: str, msg_type: str, content: dict, metadata: dict | None = None) -> str:
    import json
    from datetime import UTC, datetime

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


def _first_widget_in(states: dict[str, dict], app_name: str) -> bool:
    """The join app: the workshop banner is filled in (joined by the link) and the poll's choices exist.
    The bare page: its Button exists."""
    if app_name == "bare":
        return any(s.get("description") == "Klik" for s in states.values())
    joined = any("aiskole-join-banner" in str(s.get("value", "")) for s in states.values())
    return joined and any(
        s.get("_model_name") in ("RadioButtonsModel", "ToggleButtonsModel") for s in states.values()
    )


async def protocol_phone(app: App, timeout: float = 120.0) -> tuple[float, str | None]:
    """One participant at protocol level; returns (seconds from start to first widget, kernel id)."""
    import json

    import websockets

    parts = urlsplit(app.url)
    path = parts.path + (f"?{parts.query}" if parts.query else "")
    t0 = time.perf_counter()
    html = (
        await asyncio.to_thread(_http_get, parts.hostname, parts.port, path, timeout, decode=True)
    ).decode()
    PHASES.setdefault("page HTML", []).append(time.perf_counter() - t0)
    kernel_id = kernel_id_of(html)
    if kernel_id is None:
        raise RuntimeError("no kernel id in the page")
    assets = app.assets

    async def fetch_assets() -> None:
        await asyncio.gather(
            *(asyncio.to_thread(_http_get, parts.hostname, parts.port, a, timeout) for a in assets)
        )
        PHASES.setdefault("scripts and styles", []).append(time.perf_counter() - t0)

    fetched = asyncio.ensure_future(fetch_assets())
    session = uuid.uuid4().hex
    ws_url = f"ws://{parts.hostname}:{parts.port}/api/kernels/{kernel_id}/channels?session_id={session}"
    states: dict[str, dict] = {}
    # the clock stops when the widget and every file are there; closing the socket afterwards is not timed
    async with websockets.connect(ws_url, open_timeout=timeout, close_timeout=2, max_size=2**26) as ws:
        comm_id = uuid.uuid4().hex
        await ws.send(
            _message(
                session,
                "comm_open",
                {"comm_id": comm_id, "target_name": "jupyter.widget.control", "data": {}},
                {"version": "1.0.0"},  # ipywidgets' control protocol, as its front end sends it
            )
        )
        await ws.send(
            _message(session, "comm_msg", {"comm_id": comm_id, "data": {"method": "request_states"}})
        )
        async with asyncio.timeout(timeout):
            while not _first_widget_in(states, app.name):
                msg = json.loads(await ws.recv())
                kind, content = msg.get("msg_type") or msg["header"]["msg_type"], msg.get("content", {})
                data = content.get("data", {}) or {}
                if kind == "comm_msg" and data.get("method") == "update_states":
                    for model_id, model in data.get("states", {}).items():
                        states.setdefault(model_id, {}).update(model.get("state", {}))
                elif kind == "comm_open" and "state" in data:
                    states.setdefault(content["comm_id"], {}).update(data["state"])
                elif kind == "comm_msg" and data.get("method") == "update":
                    states.setdefault(content["comm_id"], {}).update(data.get("state", {}))
        PHASES.setdefault("widget in kernel", []).append(time.perf_counter() - t0)
        await fetched
        done = time.perf_counter() - t0
    return done, kernel_id


async def protocol_burst(app: App, n: int) -> tuple[Loads, list[str]]:
    """``n`` protocol-level phones at once; seconds from the common start; kernel ids to free afterwards."""
    results = await asyncio.gather(*(protocol_phone(app) for _ in range(n)), return_exceptions=True)
    loads, kernels = Loads(), []
    for r in results:
        if isinstance(r, BaseException):
            loads.errors.append(f"{type(r).__name__}: {str(r).splitlines()[0] if str(r) else ''}")
        else:
            loads.times.append(r[0])
            kernels.append(r[1])
    return loads, kernels


def kernel_id_of(html: str) -> str | None:
    import re

    match = re.search(r'"kernelId"\s*:\s*"([0-9a-f-]{36})"', html) or re.search(
        r"kernel[-_]?[iI]d\W{1,6}([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})", html
    )
    return match.group(1) if match else None


@dataclass
class Figures:
    ready: float = float("nan")
    start: float = float("nan")
    quiet: float = float("nan")
    single: Loads = field(default_factory=Loads)
    proto_single: Loads = field(default_factory=Loads)
    proto_burst: Loads = field(default_factory=Loads)
    proto_single_phases: dict[str, list[float]] = field(default_factory=dict)
    proto_burst_phases: dict[str, list[float]] = field(default_factory=dict)
    pool_mem: list[Mem] = field(default_factory=list)
    served_mem: list[Mem] = field(default_factory=list)
    server_mem: Mem | None = None
    burst: Loads = field(default_factory=Loads)
    log_counts: dict[str, int] = field(default_factory=dict)  # LOG_SIGNS found in the server log
    refill: float = float("nan")


async def measure_app(browser, app: App, args) -> Figures:
    fig = Figures(ready=app.server.ready_seconds, start=app.server.start_seconds)
    server = app.server
    s = await settle(server, timeout=420)
    fig.quiet = fig.ready + s
    say(
        f"[{app.name}] HTTP up after {fig.start:.1f} s, {server.ready_how} after {fig.ready:.1f} s, "
        f"server and kernels quiet (pools warm) after {fig.ready + s:.1f} s"
    )

    # 1. one participant
    fig.single = await one_participant(browser, app, args.runs)
    say(
        f"[{app.name}] 1 participant, URL -> {app.label}: warm-up {fig.single.warmup or 'failed'} (discarded), "
        f"then {fmt(fig.single.times)}; {fig.single.problems()}"
    )
    if fig.single.answerable:
        say(f"[{app.name}]   ... -> poll answerable (first radio visible): {fmt(fig.single.answerable)}")

    # 2a. the room at protocol level: one phone at a time, then the whole room at once
    app.assets = await recorded_assets(browser, app.url)
    await settle(server, timeout=60)
    host, port = urlsplit(app.url).hostname, urlsplit(app.url).port
    sent = sum(len(_http_get(host, port, a, 60)) for a in app.assets)
    unzipped = sum(len(_http_get(host, port, a, 60, decode=True)) for a in app.assets)
    say(
        f"[{app.name}] a page load fetches {len(app.assets)} files besides the page: {sent / 1e6:.2f} MB sent "
        f"({unzipped / 1e6:.2f} MB unzipped)"
    )
    for i in range(args.runs + 1):
        if i <= 1:
            PHASES.clear()  # the warm-up's phases are not kept
        try:
            seconds, kernel = await protocol_phone(app)
            if i:
                fig.proto_single.times.append(seconds)
            await asyncio.to_thread(shutdown_kernel, server, kernel)
        except Exception as exc:  # noqa: BLE001 - counted
            fig.proto_single.errors.append(f"{type(exc).__name__}: {str(exc)[:160]}")
        await asyncio.sleep(1.0)
        await settle(server, timeout=60)
    fig.proto_single_phases = dict(PHASES)
    PHASES.clear()
    say(
        f"[{app.name}] 1 protocol-level phone, start -> {app.label}: {fmt(fig.proto_single.times)}; {fig.proto_single.problems()}"
    )
    await settle(server)
    fig.pool_mem = [m for p in server.kernel_pids() if (m := memory(p))]
    fig.server_mem = memory(server.process.pid)
    PHASES.clear()
    fig.proto_burst, kernel_ids = await protocol_burst(app, args.participants)
    fig.proto_burst_phases = dict(PHASES)
    say(
        f"[{app.name}] {args.participants} protocol-level phones at once, -> {app.label}: {fmt(fig.proto_burst.times)}; "
        f"{fig.proto_burst.problems()}"
    )
    for label, phases in (
        ("1 phone", fig.proto_single_phases),
        (f"{args.participants} at once", fig.proto_burst_phases),
    ):
        say(
            f"[{app.name}]   {label}, end of each phase: "
            + "; ".join(f"{k} p50 {pct(v, 0.5):.3f} s, p95 {pct(v, 0.95):.3f} s" for k, v in phases.items())
        )

    # 4 (served). the kernels that just served a phone, once they are idle
    await asyncio.sleep(3.0)
    served = [p for k in kernel_ids if (p := server.kernel_pid(k))]
    fig.served_mem = [m for p in served if (m := memory(p))]
    for k in kernel_ids:  # nobody will use them again: free them before the next measurement
        await asyncio.to_thread(shutdown_kernel, server, k)
    fig.refill = await settle(server)
    say(f"[{app.name}] pool refilled and quiet {fig.refill:.1f} s after the burst")

    # 2b. a real-browser burst on this machine
    fig.burst = await browser_burst(browser, app, args.browsers)
    say(
        f"[{app.name}] {args.browsers} Chromium pages at once, -> {app.label}: {fmt(fig.burst.times)}; "
        f"{fig.burst.problems()}"
    )
    await asyncio.sleep(1.0)
    await settle(server)
    return fig


async def presenter_latency(
    browser, server: Server, answers: int
) -> tuple[list[float], list[float], int, float]:
    """Presenter in Chromium (UI-driven: create a workshop, put the poll in play); answers written through
    BoundStore. Returns (commit -> count on screen, write times, timeouts, URL -> presenter first widget)."""
    context = await browser.new_context(viewport=LAPTOP, locale="da-DK")
    store = Store(server.database_url)
    latencies, writes, missed = [], [], 0
    try:
        page = await context.new_page()
        t0 = time.perf_counter()
        await page.goto(
            server.url + "voila/render/praesentation.ipynb", wait_until="commit", timeout=PAGE_TIMEOUT_MS
        )
        await page.get_by_label("Titel på workshoppen").wait_for(state="visible", timeout=PAGE_TIMEOUT_MS)
        opened = time.perf_counter() - t0
        await page.get_by_label("Titel på workshoppen").fill("Benchmark")
        await page.get_by_role("button", name="Opret workshop").click()
        code_el = page.locator(".aiskole-join-code")
        await code_el.wait_for(state="visible", timeout=60_000)
        code = (await code_el.inner_text()).strip()
        await page.get_by_role("button", name="Afstemning", exact=True).click()
        await page.wait_for_function(
            "() => (document.querySelector('.aiskole-live-waiting')?.textContent || '').trim().startsWith('0 svar')",
            timeout=60_000,
        )
        await asyncio.sleep(2.0)
        rng = random.Random(1458)
        check = (
            "n => { const e = document.querySelector('.aiskole-live-waiting');"
            " return !!e && e.textContent.trim().startsWith(n + ' svar'); }"
        )
        for n in range(1, answers + 1):
            person = BoundStore(store, workshop_code=code, participant=str(uuid.uuid4()))
            w0 = time.perf_counter()
            await asyncio.to_thread(
                person.add_submission, "poll", {"answer": rng.randint(1, 5), "word": None}, {"label": "x"}
            )
            committed = time.perf_counter()
            writes.append(committed - w0)
            try:
                await page.wait_for_function(check, arg=n, polling=10, timeout=15_000)
                latencies.append(time.perf_counter() - committed)
            except Exception:  # noqa: BLE001 - a missed update is counted, the run goes on
                missed += 1
            # a random gap, so answers do not land in step with the presenter's 0.5 s refresh
            await asyncio.sleep(rng.uniform(0.3, 1.2))
    finally:
        store.dispose()
        await leave(context)
    return latencies, writes, missed, opened


async def shipped_check(browser, tmp: Path) -> list[str]:
    """The join app as shipped (``VoilaExecutor.timeout=60``), 2 join kernels: a join link opened in Chromium as
    soon as the server is quiet, and one when the other preheated kernel has waited in the pool for 75 s more."""
    server = await asyncio.to_thread(start_server, "shipped", None, tmp, 2, "")
    lines = []
    try:
        store = Store(server.database_url)
        store.migrate()
        code = store.create_workshop("Frokostdemo").code
        store.dispose()
        quiet = await settle(server, timeout=180)
        url = join_url(server.url, code)
        for label in ("pool just warm", "after 75 s more in the pool"):
            if label.startswith("after"):
                await asyncio.sleep(75)
            context, page = await new_phone(browser)
            t0 = time.perf_counter()
            verdict = "no widget within 60 s"
            try:
                await page.goto(url, wait_until="commit", timeout=60_000)
                while time.perf_counter() - t0 < 60:
                    if await page.locator(".aiskole-join-banner:visible").count():
                        verdict = "joined (workshop banner)"
                    elif await page.locator(".aiskole-join-code:visible").count():
                        verdict = "code form shown: the kernel never got the link's code"
                    elif await page.get_by_text("Cell execution timed out").count():
                        verdict = "BROKEN: 'Cell execution timed out, aborting notebook execution', no widget"
                    else:
                        await asyncio.sleep(0.1)
                        continue
                    break
            except Exception as exc:  # noqa: BLE001 - reported
                verdict = f"failed: {type(exc).__name__}"
            finally:
                seconds = time.perf_counter() - t0
                await leave(context)
            lines.append(
                f"join link, {label} (server quiet {server.ready_seconds + quiet:.0f} s after start): "
                f"{verdict}, {seconds:.1f} s"
            )
            await asyncio.sleep(2)
    finally:
        await asyncio.to_thread(stop_server, server)
    return lines


# --- main -----------------------------------------------------------------------------------------------


def machine() -> list[str]:
    cpuinfo = Path("/proc/cpuinfo").read_text()
    model = next(
        (line.split(":", 1)[1].strip() for line in cpuinfo.splitlines() if line.startswith("model name")), "?"
    )
    mem = {line.split(":")[0]: line.split()[1] for line in Path("/proc/meminfo").read_text().splitlines()}
    try:
        chromium = (
            subprocess.run([CHROMIUM, "--version"], capture_output=True, text=True, timeout=30)
            .stdout.strip()
            .splitlines()[0]
        )
    except (OSError, subprocess.SubprocessError, IndexError):
        chromium = "?"

    def version(name: str) -> str:
        try:
            return importlib.metadata.version(name)
        except importlib.metadata.PackageNotFoundError:
            return "?"

    return [
        f"cores: {os.cpu_count()} logical ({len(os.sched_getaffinity(0))} usable), CPU: {model}",
        f"RAM: {int(mem['MemTotal']) / 2**20:.1f} GiB total, {int(mem['MemAvailable']) / 2**20:.1f} GiB available",
        f"load average (1/5/15 min) at start: {' '.join(f'{x:.2f}' for x in os.getloadavg())}",
        f"Python {platform.python_version()} ({platform.platform()})",
        f"Chromium: {chromium}",
        f"voila {version('voila')}, ipywidgets {version('ipywidgets')}, ipykernel {version('ipykernel')}, "
        f"playwright {version('playwright')}",
    ]


async def run(args, tmp: Path) -> None:
    apps = sorted(apps_dir().glob("*.ipynb"))
    say("=== machine ===")
    for line in machine():
        say(line)
    say()
    say(
        f"Both servers: aiskole.server.serve(root=..., participants={args.participants}, pool_size=1) -> "
        f"template aiskole, pool of {args.participants} for deltag.ipynb and 1 for every other notebook."
    )
    say(
        f"  aiskole: root = notebooks/apps ({len(apps)} notebooks: {args.participants} join kernels + {len(apps) - 1} "
        "others); bare: a temporary folder with one deltag.ipynb = one Button."
    )
    say(
        "  One server at a time. Between measurements the script waits until the server's process tree is quiet."
    )
    say()

    shipped: list[str] = []
    bare_root = tmp / "bare-root"
    write_bare_notebook(bare_root)
    figures: dict[str, Figures] = {}
    presenter = None

    async with async_playwright() as p:
        browser = await p.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
        say(f"Chromium (Playwright) browser version {browser.version}")
        say()
        if not args.skip_shipped_check:
            say(
                "=== as-shipped check: VoilaExecutor.timeout=60, a preheated join kernel waiting for its request ==="
            )
            try:
                shipped += await shipped_check(browser, tmp)
            except Exception as exc:  # noqa: BLE001 - reported; the measurements go on
                shipped.append(f"check failed: {type(exc).__name__}: {str(exc)[:300]}")
            for line in shipped:
                say(line)
            say()
        if args.executor_timeout:
            say(
                f"The measurements below use --VoilaExecutor.timeout={args.executor_timeout} for BOTH servers."
            )
            say()
        try:
            for name in ("aiskole", "bare"):
                say(f"=== {name} ===")
                root = None if name == "aiskole" else bare_root
                server = await asyncio.to_thread(
                    start_server, name, root, tmp, args.participants, args.executor_timeout
                )
                try:
                    if name == "aiskole":
                        store = Store(server.database_url)
                        store.migrate()
                        workshop = store.create_workshop("Frokostdemo")
                        store.set_workshop_state(
                            workshop.code, {"active": "poll", "revealed": False, "approved_words": []}
                        )
                        store.dispose()
                        app = App(
                            name,
                            server,
                            join_url(server.url, workshop.code),
                            ".aiskole-join-banner",
                            "workshop banner (joined)",
                        )
                        say(f"[aiskole] join link: {app.url} (workshop open, poll in play)")
                    else:
                        app = App(
                            name, server, server.url + "voila/render/" + JOIN_APP, "button", "the Button"
                        )
                    figures[name] = await measure_app(browser, app, args)
                    if name == "aiskole":
                        presenter = await presenter_latency(browser, server, args.answers)
                        lat, writes, missed, opened = presenter
                        say(f"[aiskole] presenter page URL -> first widget {opened:.2f} s")
                        say(
                            f"[aiskole] answer committed -> presenter count updated: {fmt(lat, 's', 3)}; missed (15 s) {missed}"
                        )
                        say(
                            f"[aiskole]   write through BoundStore (before the clock starts): {fmt(writes, 's', 3)}"
                        )
                finally:
                    await asyncio.to_thread(stop_server, server)
                    text = server.log.read_text(errors="replace")
                    counts = {sign: text.count(sign) for sign in LOG_SIGNS}
                    if name in figures:
                        figures[name].log_counts = counts
                    say(f"[{name}] server log: " + ", ".join(f"{n} x '{sign}'" for sign, n in counts.items()))
                say(
                    f"[{name}] stopped; {len(server.pids_seen)} kernel processes seen, none left: {not pids_matching(server.tag)}"
                )
                say()
        finally:
            await browser.close()

    report(figures, presenter, args, shipped)


def report(figures: dict[str, Figures], presenter, args, shipped: list[str]) -> None:
    a, b = figures["aiskole"], figures["bare"]
    say("=== summary (aiskole join app vs bare one-Button page, same server settings, same machine) ===")
    for line in shipped:
        say(f"as shipped: {line}")
    if args.executor_timeout:
        say(
            f"measured with --VoilaExecutor.timeout={args.executor_timeout} for both servers (as shipped: 60)"
        )
    say(f"load average (1/5/15 min) at end: {' '.join(f'{x:.2f}' for x in os.getloadavg())}")
    say()
    say(
        "Server start -> AISKOLE READY (every join page pre-rendered) / server"
        " and kernels quiet (pools really warm); not a participant's wait:"
    )
    say(
        f"  aiskole {a.ready:.1f} / {a.quiet:.1f} s, bare {b.ready:.1f} / {b.quiet:.1f} s, "
        f"ratio (quiet) {ratio(a.quiet, b.quiet)}"
    )
    for sign in LOG_SIGNS:
        say(f"  server log, '{sign}': aiskole {a.log_counts.get(sign, 0)}, bare {b.log_counts.get(sign, 0)}")
    say()
    say(
        f"1. One participant, URL -> first widget in Chromium (phone viewport, fresh context, p50 of {args.runs}):"
    )
    say("   aiskole: the join link with a valid code; first widget = the workshop banner (joined).")
    say("   bare: the Button. Includes downloading and parsing Voilà's JS bundle over loopback.")
    say(f"   aiskole {fmt(a.single.times)}; {a.single.problems()}")
    say(f"   bare    {fmt(b.single.times)}; {b.single.problems()}")
    say(f"   ratio p50 {ratio(pct(a.single.times, 0.5), pct(b.single.times, 0.5))}")
    if a.single.answerable:
        say(f"   aiskole until the poll's answers are visible: {fmt(a.single.answerable)}")
    say()
    say(
        "2a. Protocol-level phones (what a phone asks of the server, without rendering: GET the page and its scripts,"
    )
    say(
        "    open the kernel websocket, request the widget states) until the first widget exists in the kernel; aiskole:"
    )
    say("    joined by the link's code and the poll's choices present; bare: the Button. Warm pool.")
    for name, fig in (("aiskole", a), ("bare", b)):
        single = pct(fig.proto_single.times, 0.5)
        room_p95 = pct(fig.proto_burst.times, 0.95)
        say(f"   {name:7} 1 phone:   {fmt(fig.proto_single.times, 's', 3)}; {fig.proto_single.problems()}")
        say(
            f"   {name:7} {args.participants} at once: {fmt(fig.proto_burst.times, 's', 3)}; {fig.proto_burst.problems()}"
        )
        verdict = "met" if room_p95 <= 2 * single and not fig.proto_burst.errors else "NOT met"
        say(
            f"   {name:7} {args.participants} joiners' p95 / single warm join p50 = {ratio(room_p95, single)}"
            f" (target <= 2x: {verdict})"
        )
    say(
        f"   aiskole vs bare: 1 phone p50 {ratio(pct(a.proto_single.times, 0.5), pct(b.proto_single.times, 0.5))}, "
        f"{args.participants} at once p95 {ratio(pct(a.proto_burst.times, 0.95), pct(b.proto_burst.times, 0.95))}"
    )
    say(f"    refill of the pool afterwards until quiet: aiskole {a.refill:.1f} s, bare {b.refill:.1f} s")
    say()
    say(
        f"2b. {args.browsers} real Chromium pages opened at once on this 2-core machine (server and all browsers share"
    )
    say(
        "    the 2 cores: an upper bound dominated by Chromium, NOT what phones see); from the common start to first widget."
    )
    say(f"   aiskole {fmt(a.burst.times)}; {a.burst.problems()}")
    say(f"   bare    {fmt(b.burst.times)}; {b.burst.problems()}")
    say(
        f"   ratio p50 {ratio(pct(a.burst.times, 0.5), pct(b.burst.times, 0.5))}, "
        f"p95 {ratio(pct(a.burst.times, 0.95), pct(b.burst.times, 0.95))}"
    )
    say()
    if presenter is not None:
        lat, _writes, missed, _opened = presenter
        say(
            f"3. Answer -> presenter ({args.answers} answers, each by a new participant, written through BoundStore"
        )
        say(
            "   into the server's SQLite; clock from the commit to the presenter page's count showing the new number)."
        )
        say(f"   {fmt(lat, 's', 3)}; missed {missed}")
        p50, p95 = pct(lat, 0.5), pct(lat, 0.95)
        say(
            f"   target p50 <= 1 s: {'met' if p50 <= 1 else 'NOT met'}; p95 <= 2 s: {'met' if p95 <= 2 and not missed else 'NOT met'}"
        )
        say("   (bare page: no presenter, no ratio)")
        say()
    say(
        "4. Memory per kernel (kernel processes started by each server; MiB; USS = private memory, the cost of"
    )
    say("   one more kernel; RSS counts shared libraries in every process).")
    say(f"   after rendering a page (the {args.participants} kernels of 2a, idle):")
    say(f"     aiskole {mem_line(a.served_mem)}")
    say(f"     bare    {mem_line(b.served_mem)}")
    if a.served_mem and b.served_mem:
        ra = statistics.mean(m.rss for m in a.served_mem) / statistics.mean(m.rss for m in b.served_mem)
        text = f"     ratio RSS {ra:.2f}x"
        if all(m.uss is not None for m in a.served_mem + b.served_mem):
            ru = statistics.mean(m.uss for m in a.served_mem) / statistics.mean(m.uss for m in b.served_mem)
            text += f", USS {ru:.2f}x"
        rss = statistics.mean(m.rss for m in a.served_mem)
        say(
            text
            + f"; target <= 120 MB per kernel (aiskole RSS avg {rss * 2**20 / 1e6:.0f} MB): {'met' if rss * 2**20 / 1e6 <= 120 else 'NOT met'}"
        )
    say("   every kernel, preheated and idle, before the burst (aiskole: join pool + 1 per other app):")
    say(f"     aiskole {mem_line(a.pool_mem)}")
    say(f"     bare    {mem_line(b.pool_mem)}")
    if a.server_mem and b.server_mem:
        say(
            f"   Voilà server process itself: aiskole RSS {a.server_mem.rss:.0f} MiB, bare RSS {b.server_mem.rss:.0f} MiB"
        )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--participants", type=int, default=40, help="preheated join kernels and phones in 2a"
    )
    parser.add_argument("--runs", type=int, default=5, help="single-participant runs (plus one warm-up)")
    parser.add_argument("--browsers", type=int, default=8, help="Chromium pages in the browser burst")
    parser.add_argument("--answers", type=int, default=20, help="answers for the presenter latency")
    parser.add_argument(
        "--executor-timeout",
        default="",
        help="replaces VoilaExecutor.timeout=60 for both servers ('' keeps the shipped 60 s, -1 = none)",
    )
    parser.add_argument("--skip-shipped-check", action="store_true", help="skip the as-shipped 60 s check")
    args = parser.parse_args()
    tmp = Path(tempfile.mkdtemp(prefix="aiskole-bench-"))
    loop = asyncio.new_event_loop()
    main_task = loop.create_task(run(args, tmp))
    loop.add_signal_handler(signal.SIGTERM, main_task.cancel)
    loop.add_signal_handler(signal.SIGINT, main_task.cancel)
    try:
        loop.run_until_complete(main_task)
    except asyncio.CancelledError:
        say("interrupted")
        sys.exit(130)
    finally:
        for server in STARTED:  # normally stopped already; this is for errors
            with contextlib.suppress(Exception):
                stop_server(server)
        loop.close()
        shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    main()
