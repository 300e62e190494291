"""The live room, side by side: the room without kernels (this checkout) and today's Voilà room (commit d6acf38).

Not a test: it prints figures and never asserts on time. Both rooms are measured in the same run, one after the
other (never both at once: the machine has 2 cores), each served by its own ``python -m aiskole.server`` with its
own SQLite file in a temporary folder. Today's room is a throwaway ``git archive d6acf38`` in that folder, run
with the same interpreter and ``PYTHONPATH`` pointing at it (``--pool-size 1 --participants N``: N preheated
kernels for its join app ``deltag.ipynb?kode=<kode>``).

Per room, in this order:

1. start -> ready (new: ``AISKOLE READY`` and the first 200 of ``/deltag/<kode>``; old: its ``AISKOLE READY``,
   printed once every join kernel is preheated), then memory idle (server process and all its kernels, /proc);
2. protocol-level phones (:mod:`bench._phones`: page, every file it links, live channel, the exercise shown):
   one at a time (p50 of ``--runs`` after a warm-up), then crowds opened at once (new: 40, 200, 500; old: 40);
   p50, p95, failures, bytes as sent and requests per fresh join, and the end of each phase;
3. Chromium at 375 px: one phone, URL -> the poll's choices visible, median of ``--runs``; a burst of 10 pages;
4. the presenter app in headless Chromium (``/voila/render/praesentation.ipynb``, a facilitator on loopback),
   showing the workshop; a crowd connects and stays (new: 200, old: 40); answers are sent one at a time by
   connected phones, and the time from sending to the presenter's count showing it is taken (new room: the
   display link's live channel is timed alongside); then the rest of the crowd answers at once;
5. memory with a crowd connected (new: 500, old: 40).

    .venv/bin/python bench/room.py [--quick] [--runs 5] [--answers 30] [--no-old]

``--quick`` is a 2-3 minute smoke run with small crowds (the output says which). The full run takes about
8-10 minutes on 2 cores (more when the machine is busy). Traffic goes to 127.0.0.1 only; every loop is
bounded in count and time; every server, kernel and browser it starts is stopped at the end, also on errors
and Ctrl+C. The load generator runs on the same 2 cores as the server: the output says how much CPU each used.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import importlib.metadata
import json
import os
import platform
import random
import re
import resource
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))  # this checkout's aiskole, whatever the environment's editable install says
sys.path.insert(0, str(Path(__file__).resolve().parent))

import _phones as phones  # noqa: E402
from playwright.async_api import async_playwright  # noqa: E402

import aiskole  # noqa: E402
from aiskole.store import Store  # noqa: E402
from aiskole.testing import CHROMIUM, CHROMIUM_ARGS, LAPTOP, PHONE  # noqa: E402

#: Today's Voilà room, as the issue measured it.
BASELINE = "d6acf38"
HOST = "127.0.0.1"
CLK_TCK = os.sysconf("SC_CLK_TCK")
PAGE_SIZE = os.sysconf("SC_PAGE_SIZE")
#: What one kernel of today's room costs (issue 12): the reason its room of 200 or 500 is not started.
OLD_KERNEL_MIB = 117
PAGE_TIMEOUT_MS = 60_000
BURST_TIMEOUT_MS = 180_000
STATE = {"active": "poll", "revealed": False, "approved_words": []}


@dataclass(frozen=True)
class Plan:
    """Sizes and counts of one run."""

    quick: bool
    runs: int
    crowds: tuple[int, ...]  # new room, opened at once
    old_crowd: int  # today's room: its preheated kernels and its crowd
    connected: int  # new room: connected while answers are timed
    memory_crowd: int  # new room: connected while memory is read
    answers: int
    browsers: int
    ready_runs: int
    phone_timeout: float

    @classmethod
    def make(cls, args) -> Plan:
        if args.quick:
            return cls(True, 1, (20, 50, 100), 3, 50, 100, min(args.answers, 5), 2, 1, 60)
        return cls(False, args.runs, (40, 200, 500), 40, 200, 500, args.answers, 10, 3, 120)


# --- small helpers --------------------------------------------------------------------------------------


def pct(values: list[float], q: float) -> float:
    xs = sorted(values)
    if not xs:
        return float("nan")
    k = (len(xs) - 1) * q
    lo, hi = int(k), min(int(k) + 1, len(xs) - 1)
    return xs[lo] + (xs[hi] - xs[lo]) * (k - lo)


def secs(x: float) -> str:
    if x != x:
        return "–"
    return f"{x * 1000:.0f} ms" if x < 1 else f"{x:.2f} s"


def dist(values: list[float]) -> str:
    if not values:
        return "no data"
    return f"p50 {secs(pct(values, 0.5))}, p95 {secs(pct(values, 0.95))}, max {secs(max(values))}, n={len(values)}"


def free_port() -> int:
    with socket.socket() as s:
        s.bind((HOST, 0))
        return s.getsockname()[1]


def say(text: str = "") -> None:
    print(text, flush=True)


def cpu_self() -> float:
    r = resource.getrusage(resource.RUSAGE_SELF)
    return r.ru_utime + r.ru_stime


def raise_open_files(needed: int) -> str:
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    if soft >= needed:
        return f"open files: {soft} allowed (enough)"
    target = needed if hard == resource.RLIM_INFINITY else min(needed, hard)
    resource.setrlimit(resource.RLIMIT_NOFILE, (target, hard))
    return f"open files: raised from {soft} to {target} (servers inherit it)"


# --- /proc ----------------------------------------------------------------------------------------------


def _proc_table() -> dict[int, tuple[int, int]]:
    """pid -> (ppid, utime+stime ticks)."""
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


def cmdline(pid: int) -> str:
    try:
        return Path(f"/proc/{pid}/cmdline").read_bytes().replace(b"\0", b" ").decode(errors="replace")
    except OSError:
        return ""


def tree(pid: int, table: dict | None = None) -> list[int]:
    """``pid`` and every process below it."""
    table = table if table is not None else _proc_table()
    children: dict[int, list[int]] = {}
    for p, (ppid, _t) in table.items():
        children.setdefault(ppid, []).append(p)
    out, todo = [pid], [pid]
    while todo:
        for child in children.get(todo.pop(), []):
            out.append(child)
            todo.append(child)
    return [p for p in out if p in table]


def tree_ticks(pid: int) -> int:
    table = _proc_table()
    return sum(table[p][1] for p in tree(pid, table))


def pids_matching(text: str) -> list[int]:
    me = os.getpid()
    return [
        int(e.name)
        for e in os.scandir("/proc")
        if e.name.isdigit() and int(e.name) != me and text in cmdline(int(e.name))
    ]


@dataclass
class Mem:
    rss: float = 0.0  # MiB
    pss: float = 0.0
    uss: float = 0.0
    processes: int = 0

    def __add__(self, other: Mem) -> Mem:
        return Mem(
            self.rss + other.rss, self.pss + other.pss, self.uss + other.uss, self.processes + other.processes
        )

    def short(self, kernels: int | None = None) -> str:
        text = f"PSS {mb(self.pss)}, RSS {mb(self.rss)}"
        return text + (f" ({kernels} kernels)" if kernels is not None else "")

    def text(self) -> str:
        if not self.processes:
            return "not measured"
        return f"RSS {self.rss:.0f} MiB, PSS {self.pss:.0f} MiB, USS {self.uss:.0f} MiB ({self.processes} processes)"


def memory(pid: int) -> Mem:
    try:
        fields = {}
        for line in Path(f"/proc/{pid}/smaps_rollup").read_text().splitlines()[1:]:
            name, value = line.split(":", 1)
            fields[name] = int(value.split()[0])  # kB
    except (OSError, ValueError):
        return Mem()
    uss = (fields.get("Private_Clean", 0) + fields.get("Private_Dirty", 0)) / 1024
    return Mem(fields.get("Rss", 0) / 1024, fields.get("Pss", 0) / 1024, uss, 1)


# --- servers --------------------------------------------------------------------------------------------


@dataclass
class Server:
    name: str
    port: int
    home: Path
    log: Path
    process: subprocess.Popen
    tag: str  # a path in every kernel's command line (Voilà keeps connection files under TMPDIR)
    ready: float = float("nan")  # spawn -> AISKOLE READY
    http_up: float = float("nan")  # new: spawn -> first 200 of /deltag/<kode>; old: "Voilà is running at"
    kernels_seen: set[int] = field(default_factory=set)

    @property
    def url(self) -> str:
        return f"http://{HOST}:{self.port}/"

    def mem(self) -> tuple[Mem, Mem, int]:
        """(server process, server and every kernel, kernels)."""
        pids = set(tree(self.process.pid)) | set(pids_matching(self.tag))
        kernels = [p for p in pids if "ipykernel" in cmdline(p)]
        self.kernels_seen.update(kernels)
        total = Mem()
        for p in pids:
            total = total + memory(p)
        return memory(self.process.pid), total, len(kernels)

    def kernel_pid(self, kernel_id: str) -> int | None:
        found = pids_matching(f"kernel-{kernel_id}.json")
        return found[0] if found else None


STARTED: list[Server] = []


def server_env(home: Path, pythonpath: Path) -> dict[str, str]:
    return {
        **os.environ,
        "PYTHONPATH": str(pythonpath),
        "AISKOLE_DATA_DIR": str(home / "data"),
        "AISKOLE_DATABASE_URL": f"sqlite:///{home / 'data' / 'aiskole.sqlite3'}",
        # Voilà keeps kernel connection files in tempfile.gettempdir(): this puts our folder in every kernel's
        # command line, so kernels can be found (and killed) even after their server is gone.
        "TMPDIR": str(home / "tmp"),
    }


async def spawn(
    name: str,
    home: Path,
    pythonpath: Path,
    argv: list[str],
    ready_line: str,
    *,
    probe: str | None,
    timeout: float,
) -> Server:
    """Start ``python -m aiskole.server`` and wait for ``ready_line`` (and a 200 of ``probe``, if given)."""
    (home / "tmp").mkdir(parents=True, exist_ok=True)
    (home / "data").mkdir(parents=True, exist_ok=True, mode=0o700)
    port = free_port()
    log = home / f"server-{port}.log"
    t0 = time.perf_counter()
    process = subprocess.Popen(
        [sys.executable, "-m", "aiskole.server", "--port", str(port), *argv],
        stdout=log.open("a"),
        stderr=subprocess.STDOUT,
        env=server_env(home, pythonpath),
        cwd=str(home),
        start_new_session=True,
    )
    server = Server(name, port, home, log, process, str(home / "tmp"))
    STARTED.append(server)
    running_at = None
    while True:
        text = log.read_text(errors="replace")
        if running_at is None and "is running at" in text:
            running_at = time.perf_counter() - t0
        if ready_line in text:
            break
        if process.poll() is not None or time.perf_counter() - t0 > timeout:
            raise RuntimeError(f"{name}: never ready:\n{text[-3000:]}")
        await asyncio.sleep(0.02)
    server.ready = time.perf_counter() - t0
    server.http_up = running_at if running_at is not None else float("nan")
    if probe:
        while time.perf_counter() - t0 < timeout:
            conn = phones.Conn(HOST, port)
            try:
                r = await conn.request("GET", probe)
                if r.status == 200:
                    server.http_up = time.perf_counter() - t0
                    break
            except (OSError, phones.HttpError):
                pass
            finally:
                conn.close()
            await asyncio.sleep(0.02)
    return server


def stop_server(server: Server) -> None:
    if server.process.poll() is None:
        with contextlib.suppress(Exception):
            server.mem()  # remember its kernels
        server.process.terminate()
        try:
            server.process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(server.process.pid, signal.SIGKILL)
            server.process.wait(timeout=10)
    deadline = time.time() + 10
    while pids_matching(server.tag) and time.time() < deadline:
        time.sleep(0.3)
    for pid in pids_matching(server.tag):  # kernels run in sessions of their own
        with contextlib.suppress(ProcessLookupError):
            os.kill(pid, signal.SIGKILL)


#: Seconds of one window of :func:`settle` (the quick run uses shorter ones).
SETTLE_WINDOW = [1.0]


async def settle(
    server: Server, *, timeout: float = 180, quiet: float = 0.15, window: float | None = None
) -> float:
    """Wait until the server and its kernels use less than ``quiet`` cores for two windows; returns seconds."""
    window = window or SETTLE_WINDOW[0]
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


# --- the two rooms --------------------------------------------------------------------------------------


@dataclass
class Room:
    """What differs between the two rooms: how to start one, what a phone is, where the pages are."""

    name: str
    label: str
    pythonpath: Path
    home: Path
    code: str = ""
    display_token: str = ""
    server: Server | None = None
    assets: list[str] = field(default_factory=list)
    preheat: int = 0

    @property
    def old(self) -> bool:
        return self.name == "old"

    @property
    def join_path(self) -> str:
        return f"/voila/render/deltag.ipynb?kode={self.code}" if self.old else f"/deltag/{self.code}"

    def phone(self):
        if self.old:
            return phones.VoilaPhone(HOST, self.server.port, self.join_path, self.assets)
        return phones.RoomPhone(HOST, self.server.port, self.code)

    def create_workshop(self) -> None:
        """An open workshop with the poll in play, written straight into the room's own database."""
        env = server_env(self.home, self.pythonpath)
        if self.old:
            script = (
                "import os, json; from aiskole.store import Store\n"
                "s = Store(os.environ['AISKOLE_DATABASE_URL']); s.migrate()\n"
                "w = s.create_workshop('Bench'); s.set_workshop_state(w.code, json.loads(os.environ['STATE']))\n"
                "print(w.code)"
            )
            (self.home / "data").mkdir(parents=True, exist_ok=True, mode=0o700)
            out = subprocess.run(
                [sys.executable, "-c", script],
                env={**env, "STATE": json.dumps(STATE)},
                capture_output=True,
                text=True,
                timeout=120,
                cwd=str(self.home),
                check=True,
            )
            self.code = out.stdout.strip().splitlines()[-1]
            return
        (self.home / "data").mkdir(parents=True, exist_ok=True, mode=0o700)
        store = Store(env["AISKOLE_DATABASE_URL"])
        try:
            store.migrate()
            w = store.create_workshop("Bench")
            store.set_workshop_state(w.code, STATE)
            self.code, self.display_token = w.code, w.display_token
        finally:
            store.dispose()

    async def start(self, plan: Plan) -> Server:
        if self.old:
            argv = ["--pool-size", "1", "--participants", str(self.preheat)]
            self.server = await spawn(
                self.name, self.home, self.pythonpath, argv, "AISKOLE READY", probe=None, timeout=600
            )
        else:
            self.server = await spawn(
                self.name,
                self.home,
                self.pythonpath,
                ["--ip", HOST],
                "AISKOLE READY",
                probe=self.join_path,
                timeout=120,
            )
        return self.server

    async def stop(self) -> None:
        if self.server is not None:
            await asyncio.to_thread(stop_server, self.server)

    async def free(self, kernel_ids: list[str]) -> None:
        """Today's room: shut down kernels no browser will use again (Voilà's own unload request)."""
        if not self.old:
            return
        for kernel_id in kernel_ids:
            if not kernel_id:
                continue
            conn = phones.Conn(HOST, self.server.port)
            with contextlib.suppress(Exception):
                async with asyncio.timeout(30):
                    await conn.request("POST", f"/voila/api/shutdown/{kernel_id}", {}, b"")
            conn.close()


# --- figures --------------------------------------------------------------------------------------------


@dataclass
class Crowd:
    n: int
    joins: list[phones.Join]
    wall: float
    server_cpu: float
    client_cpu: float

    @property
    def ok(self) -> list[phones.Join]:
        return [j for j in self.joins if j.ok]

    @property
    def times(self) -> list[float]:
        return [j.seconds for j in self.ok]

    @property
    def failures(self) -> int:
        return self.n - len(self.ok)

    def errors(self) -> str:
        seen: dict[str, int] = {}
        for j in self.joins:
            if j.error:
                seen[j.error] = seen.get(j.error, 0) + 1
        return "; ".join(f"{n} x {e}" for e, n in sorted(seen.items(), key=lambda x: -x[1])[:3])

    def phases(self) -> str:
        names = list(dict.fromkeys(k for j in self.ok for k in j.phases))
        return "; ".join(
            f"{k} p50 {secs(pct([j.phases[k] for j in self.ok if k in j.phases], 0.5))} "
            f"p95 {secs(pct([j.phases[k] for j in self.ok if k in j.phases], 0.95))}"
            for k in names
        )

    def cell(self) -> str:
        return f"p50 {secs(pct(self.times, 0.5))}, p95 {secs(pct(self.times, 0.95))}, {self.failures} failed"

    def cpu_cell(self) -> str:
        return f"{secs(self.server_cpu / self.n)} CPU (server and its kernels)"

    def line(self) -> str:
        text = f"{dist(self.times)}; failures {self.failures}/{self.n}"
        if self.failures:
            text += f" ({self.errors()})"
        return text


@dataclass
class Latency:
    presenter: list[float] = field(default_factory=list)
    display: list[float] = field(default_factory=list)
    display_missed: int = 0
    send: list[float] = field(default_factory=list)
    missed: int = 0
    connected: int = 0
    burst_n: int = 0
    burst_send: list[float] = field(default_factory=list)
    burst_failed: int = 0
    burst_presenter: float = float("nan")  # first answer sent -> presenter shows them all
    note: str = ""

    def cell(self) -> str:
        return f"p50 {secs(pct(self.presenter, 0.5))}, p95 {secs(pct(self.presenter, 0.95))}, {self.missed} missed"


@dataclass
class Figures:
    room: Room
    ready: list[float] = field(default_factory=list)
    http_up: list[float] = field(default_factory=list)
    idle: tuple[Mem, Mem, int] | None = None
    single: list[phones.Join] = field(default_factory=list)
    single_fresh: list[phones.Join] = field(default_factory=list)
    imports: dict[str, float] = field(default_factory=dict)
    chromium_html: list[float] = field(default_factory=list)
    crowds: dict[int, Crowd] = field(default_factory=dict)
    chromium_single: list[float] = field(default_factory=list)
    chromium_single_errors: list[str] = field(default_factory=list)
    chromium_burst: list[float] = field(default_factory=list)
    chromium_burst_errors: list[str] = field(default_factory=list)
    latency: Latency | None = None
    crowd_mem: tuple[int, Mem, Mem, int] | None = None  # (connected, server, total, kernels)
    before_mem: dict[int, Mem] = field(default_factory=dict)  # server process just before each crowd
    crowd_server_mem: dict[int, Mem] = field(default_factory=dict)  # server process with each crowd connected
    kernels_serving: list[Mem] = field(default_factory=list)  # old: the kernels of the connected phones
    notes: list[str] = field(default_factory=list)


# --- protocol-level phones ---------------------------------------------------------------------------------


async def one_at_a_time(room: Room, plan: Plan, *, live_fresh: bool = False) -> list[phones.Join]:
    joins = []
    for i in range(plan.runs + 1):
        phone = room.phone()
        if live_fresh:
            phone.live_fresh = True
        join = await phone.open(plan.phone_timeout)
        if i:
            joins.append(join)
        if room.old:
            await room.free([phone.kernel_id])
            await settle(room.server, timeout=60)
        else:
            await asyncio.sleep(1.0)  # the room is empty again before the next phone joins
    return joins


async def crowd(room: Room, n: int, plan: Plan, *, stay: bool = False) -> tuple[Crowd, list]:
    ps = [room.phone() for _ in range(n)]
    ticks, cpu = tree_ticks(room.server.process.pid), cpu_self()
    joins, wall = await phones.crowd(ps, plan.phone_timeout, stay=stay)
    c = Crowd(n, joins, wall, (tree_ticks(room.server.process.pid) - ticks) / CLK_TCK, cpu_self() - cpu)
    return c, ps


async def close_all(room: Room, ps: list) -> None:
    for p in ps:
        result = p.close()
        if asyncio.iscoroutine(result):
            await result
    if room.old:
        await room.free([p.kernel_id for p in ps])


# --- Chromium ------------------------------------------------------------------------------------------


async def new_phone_page(browser):
    context = await browser.new_context(
        viewport=PHONE, is_mobile=True, has_touch=True, device_scale_factor=2, locale="da-DK"
    )
    return context, await context.new_page()


async def leave(context) -> None:
    """Navigate away first (Voilà's page asks its server to shut its kernel down on unload), then close."""
    for page in context.pages:
        with contextlib.suppress(Exception):
            await page.goto("about:blank", timeout=10_000)
    with contextlib.suppress(Exception):
        await context.close()


async def poll_visible(page, timeout: float) -> None:
    await page.get_by_role("radio").first.wait_for(state="visible", timeout=timeout)


#: Milliseconds from the navigation's start to the last byte of the page's HTML.
NAVIGATION_JS = (
    "() => { const n = performance.getEntriesByType('navigation')[0]; return n ? n.responseEnd : 0; }"
)


async def chromium_single(browser, room: Room, plan: Plan, fig: Figures) -> None:
    url = room.server.url.rstrip("/") + room.join_path
    for i in range(plan.runs + 1):
        context, page = await new_phone_page(browser)
        try:
            t0 = time.perf_counter()
            await page.goto(url, wait_until="commit", timeout=PAGE_TIMEOUT_MS)
            await poll_visible(page, PAGE_TIMEOUT_MS)
            if i:
                fig.chromium_single.append(time.perf_counter() - t0)
                end = await page.evaluate(NAVIGATION_JS)
                if end:
                    fig.chromium_html.append(end / 1000)
        except Exception as exc:  # noqa: BLE001 - counted
            fig.chromium_single_errors.append(f"{type(exc).__name__}: {str(exc).splitlines()[0][:100]}")
        finally:
            await leave(context)
        await settle(room.server, timeout=60) if room.old else await asyncio.sleep(0.3)


async def chromium_burst(browser, room: Room, plan: Plan, fig: Figures) -> None:
    url = room.server.url.rstrip("/") + room.join_path
    opened = [await new_phone_page(browser) for _ in range(plan.browsers)]
    t0 = time.perf_counter()

    async def one(page) -> float:
        await page.goto(url, wait_until="commit", timeout=BURST_TIMEOUT_MS)
        await poll_visible(page, BURST_TIMEOUT_MS)
        return time.perf_counter() - t0

    try:
        results = await asyncio.gather(*(one(page) for _c, page in opened), return_exceptions=True)
    finally:
        for context, _page in opened:
            await leave(context)
    for r in results:
        if isinstance(r, BaseException):
            fig.chromium_burst_errors.append(
                f"{type(r).__name__}: {str(r).splitlines()[0][:100] if str(r) else ''}"
            )
        else:
            fig.chromium_burst.append(r)


# --- the presenter and answers -----------------------------------------------------------------------------

COUNT_JS = (
    "() => { const e = document.querySelector('.aiskole-live-waiting');"
    " const m = e && e.textContent.trim().match(/^(\\d+)\\s+svar/); return m ? Number(m[1]) : -1; }"
)
#: Resolves (to the page's clock, ms since the epoch) once the presenter's count reaches n.
REACHED_JS = (
    "n => { const e = document.querySelector('.aiskole-live-waiting');"
    " const m = e && e.textContent.trim().match(/^(\\d+)\\s+svar/);"
    " return m && Number(m[1]) >= n ? Date.now() : false; }"
)


async def open_presenter(browser, room: Room):
    """The presenter app showing the workshop (chosen in its list of open workshops); returns (context, page)."""
    context = await browser.new_context(viewport=LAPTOP, locale="da-DK")
    page = await context.new_page()
    await page.goto(
        room.server.url + "voila/render/praesentation.ipynb", wait_until="commit", timeout=PAGE_TIMEOUT_MS
    )
    choose = page.get_by_label("Eller fortsæt en åben workshop")
    await choose.wait_for(state="visible", timeout=PAGE_TIMEOUT_MS)
    await choose.select_option(label=f"Bench – {room.code}", timeout=PAGE_TIMEOUT_MS)
    await page.wait_for_function(f"() => ({COUNT_JS})() >= 0", timeout=PAGE_TIMEOUT_MS)
    return context, page


class DisplayWatch:
    """The new room's display link, read as a projector would: when does its count reach n?"""

    def __init__(self, room: Room) -> None:
        self.room = room
        self.seen: list[tuple[int, float]] = []  # (count, wall clock)
        self.conn = phones.Conn(HOST, room.server.port)
        self.task: asyncio.Task | None = None

    async def start(self) -> None:
        await self.conn.send(
            "GET", f"/skaerm/{self.room.display_token}/live", {"Accept": "text/event-stream"}
        )
        status, headers, _ = await self.conn.head()
        if status != 200:
            raise phones.HttpError(f"display: HTTP {status}")
        self.task = asyncio.ensure_future(self._read(headers))

    async def _read(self, headers) -> None:
        with contextlib.suppress(Exception):
            async for event, data in self.conn.events(headers):
                if event == "results":
                    m = re.search(r"(\d+)\s+svar", json.loads(data).get("html", ""))
                    if m:
                        self.seen.append((int(m.group(1)), time.time()))

    def reached(self, n: int) -> float | None:
        return next((t for c, t in self.seen if c >= n), None)

    async def wait(self, n: int, timeout: float) -> float | None:
        """The wall clock when the display's count reached ``n`` (``None`` if not within ``timeout``)."""
        deadline = time.perf_counter() + timeout
        while (seen := self.reached(n)) is None and time.perf_counter() < deadline:
            await asyncio.sleep(0.01)
        return seen

    def close(self) -> None:
        if self.task is not None:
            self.task.cancel()
        self.conn.close()


async def answers(room: Room, page, ps: list, plan: Plan, display: DisplayWatch | None) -> Latency:
    """Answers from connected phones one at a time (a random gap, so they do not land in step with the
    presenter's refresh), then the rest of the crowd at once."""
    lat = Latency(connected=sum(1 for p in ps if p.join.ok))
    live = [p for p in ps if p.join.ok]
    rng = random.Random(1458)
    base = await page.evaluate(COUNT_JS)
    n = min(plan.answers, len(live))
    for i, phone in enumerate(live[:n]):
        target = base + i + 1
        sent = time.time()
        t0 = time.perf_counter()
        try:
            if room.old:
                await phone.answer(rng.randint(0, 4))
            else:
                await phone.answer(str(rng.randint(1, 5)))
            lat.send.append(time.perf_counter() - t0)
            handle = await page.wait_for_function(REACHED_JS, arg=target, polling=10, timeout=15_000)
            lat.presenter.append(await handle.json_value() / 1000 - sent)
        except Exception:  # noqa: BLE001 - a missed update is counted
            lat.missed += 1
        if display is not None:
            seen = await display.wait(target, 5.0)
            if seen is None:
                lat.display_missed += 1
            else:
                lat.display.append(seen - sent)
        await asyncio.sleep(rng.uniform(0.3, 1.2))
    rest = live[n:]
    if rest:
        lat.burst_n = len(rest)
        base = await page.evaluate(COUNT_JS)
        sent = time.time()

        async def one(phone) -> float:
            t0 = time.perf_counter()
            if room.old:
                await phone.answer(rng.randint(0, 4))
            else:
                await phone.answer(str(rng.randint(1, 5)), timeout=60)
            return time.perf_counter() - t0

        results = await asyncio.gather(*(one(p) for p in rest), return_exceptions=True)
        lat.burst_send = [r for r in results if isinstance(r, float)]
        lat.burst_failed = sum(1 for r in results if isinstance(r, BaseException))
        with contextlib.suppress(Exception):
            handle = await page.wait_for_function(
                REACHED_JS, arg=base + len(lat.burst_send), polling=10, timeout=60_000
            )
            lat.burst_presenter = await handle.json_value() / 1000 - sent
    return lat


# --- one room ------------------------------------------------------------------------------------------


async def measure(browser, room: Room, plan: Plan) -> Figures:
    fig = Figures(room)
    room.create_workshop()
    say(f"[{room.name}] {room.label}; workshop {room.code} with the poll in play")
    await measure_start(room, plan, fig)
    if room.old:  # what a real page load fetches besides the page
        room.assets = await recorded_assets(browser, room)
        await settle(room.server, timeout=120)
        say(f"[old] a join fetches {len(room.assets)} files besides the page (recorded in Chromium)")
    await measure_single(room, plan, fig)
    await measure_chromium(browser, room, plan, fig)
    presenter = None
    try:
        for n in [plan.old_crowd] if room.old else list(plan.crowds):
            answering = room.old or n == plan.connected
            if answering and presenter is None:
                presenter = await open_presenter(browser, room)
                await settle(room.server, timeout=120)
                say(
                    f"[{room.name}] presenter open in Chromium, showing the workshop (it re-reads the store every 0.5 s)"
                )
            await crowd_step(room, plan, fig, n, presenter[1] if answering else None)
            await settle(room.server, timeout=120)
    finally:
        if presenter is not None:
            await leave(presenter[0])
    return fig


async def measure_start(room: Room, plan: Plan, fig: Figures) -> None:
    """Start -> ready (the new room several times, for a median; each start but the last stopped again)."""
    starts = 1 if room.old else plan.ready_runs
    for i in range(starts):
        await room.start(plan)
        fig.ready.append(room.server.ready)
        fig.http_up.append(room.server.http_up)
        if i < starts - 1:
            await room.stop()
    say(
        f"[{room.name}] start -> AISKOLE READY: {', '.join(secs(x) for x in fig.ready)}; "
        + ("first 200 of the participant page: " if not room.old else "'Voilà is running at' logged: ")
        + ", ".join(secs(x) for x in fig.http_up)
    )
    if not room.old and not plan.quick:
        fig.imports = await import_costs(room, plan.ready_runs)
        say(
            f"[new]   of which imports (a fresh interpreter, median of {plan.ready_runs}): "
            + "; ".join(f"import {k}: {secs(v)}" for k, v in fig.imports.items())
        )
    quiet = await settle(room.server, timeout=240)
    fig.idle = room.server.mem()
    say(
        f"[{room.name}] quiet {quiet:.1f} s after ready; idle: server process {fig.idle[0].text()}; "
        f"with all {fig.idle[2]} kernels {fig.idle[1].text()}"
    )


#: What a start spends importing: the server module, and the one package that dominated it when measured.
IMPORTS = ("aiskole.server", "jupyter_server.serverapp", "rfc3987_syntax")


async def import_costs(room: Room, runs: int) -> dict[str, float]:
    out = {}
    for module in IMPORTS:
        code = f"import time; t = time.perf_counter(); import {module}; print(time.perf_counter() - t)"
        times = []
        for _ in range(runs):
            r = await asyncio.to_thread(
                subprocess.run,
                [sys.executable, "-c", code],
                capture_output=True,
                text=True,
                timeout=120,
                env=server_env(room.home, room.pythonpath),
                cwd=str(room.home),
            )
            if r.returncode == 0:
                times.append(float(r.stdout.strip().splitlines()[-1]))
        if times:
            out[module] = statistics.median(times)
    return out


async def measure_single(room: Room, plan: Plan, fig: Figures) -> None:
    fig.single = await one_at_a_time(room, plan)
    good = [j for j in fig.single if j.ok]
    say(
        f"[{room.name}] 1 protocol-level phone (after a warm-up): {dist([j.seconds for j in good])}; "
        f"failures {len(fig.single) - len(good)}"
    )
    if good:
        say(
            f"[{room.name}]   a fresh join: {good[-1].requests} requests, {good[-1].connections} connections, "
            f"{good[-1].received / 1000:.1f} KB received as sent; phases p50: {phase_p50(good)}"
        )
    if not room.old:  # diagnostic: the live channel on a connection of its own instead of the page's
        fig.single_fresh = await one_at_a_time(room, plan, live_fresh=True)
        fresh = [j for j in fig.single_fresh if j.ok]
        say(
            f"[new]   diagnostic, live channel on a new connection instead of the page's: "
            f"{dist([j.seconds for j in fresh])}; phases p50: {phase_p50(fresh)}"
        )


def phase_p50(joins: list[phones.Join]) -> str:
    names = list(dict.fromkeys(k for j in joins for k in j.phases))
    return ", ".join(f"{k} {secs(pct([j.phases[k] for j in joins if k in j.phases], 0.5))}" for k in names)


async def measure_chromium(browser, room: Room, plan: Plan, fig: Figures) -> None:
    await chromium_single(browser, room, plan, fig)
    say(
        f"[{room.name}] Chromium 375 px, URL -> poll visible: {dist(fig.chromium_single)}"
        + (
            f"; {len(fig.chromium_single_errors)} failed: {fig.chromium_single_errors[0]}"
            if fig.chromium_single_errors
            else ""
        )
    )
    if fig.chromium_html:
        say(
            f"[{room.name}]   of which the page's HTML had arrived (navigation timing, responseEnd): "
            f"{dist(fig.chromium_html)}"
        )
    await settle(room.server, timeout=120)
    await chromium_burst(browser, room, plan, fig)
    say(
        f"[{room.name}] {plan.browsers} Chromium pages at once: {dist(fig.chromium_burst)}"
        + (
            f"; {len(fig.chromium_burst_errors)} failed: {fig.chromium_burst_errors[0]}"
            if fig.chromium_burst_errors
            else ""
        )
    )
    await settle(room.server, timeout=180)


async def crowd_step(room: Room, plan: Plan, fig: Figures, n: int, presenter_page) -> None:
    """``n`` phones at once; the ones that stay connected answer (``presenter_page``) or are weighed."""
    tag = f"[{room.name}]"
    remember = room.old or n == plan.memory_crowd
    stay = presenter_page is not None or remember
    fig.before_mem[n] = room.server.mem()[0]
    c, ps = await crowd(room, n, plan, stay=stay)
    fig.crowds[n] = c
    say(f"{tag} {n} protocol-level phones at once: {c.line()}; all done after {secs(c.wall)}")
    say(f"{tag}   end of each phase: {c.phases()}")
    say(
        f"{tag}   CPU meanwhile: server and kernels {c.server_cpu:.1f} s ({1000 * c.server_cpu / n:.1f} ms a phone), "
        f"load generator {c.client_cpu:.1f} s; {c.wall:.1f} s wall on 2 cores shared with the rest of the machine"
    )
    try:
        if stay:
            if room.old:  # the pool refills meanwhile: weigh it once it is quiet again
                refill = await settle(room.server, timeout=240)
                say(f"{tag}   pool refilled and quiet {refill:.1f} s later")
            else:
                await asyncio.sleep(2)
            server_mem, total, kernels = room.server.mem()
            fig.crowd_server_mem[n] = server_mem
            say(
                f"{tag}   memory with {len(c.ok)} connected: server process {server_mem.text()}; "
                f"with all {kernels} kernels {total.text()}"
            )
            if remember:
                fig.crowd_mem = (len(c.ok), server_mem, total, kernels)
                if room.old:
                    pids = [room.server.kernel_pid(p.kernel_id) for p in ps if p.join.ok and p.kernel_id]
                    fig.kernels_serving = [m for pid in pids if pid and (m := memory(pid)).processes]
        if presenter_page is not None:
            await answer_step(room, plan, fig, ps, presenter_page)
    finally:
        await close_all(room, ps)


async def answer_step(room: Room, plan: Plan, fig: Figures, ps: list, page) -> None:
    tag = f"[{room.name}]"
    display = None
    if not room.old and room.display_token:
        display = DisplayWatch(room)
        await display.start()
    try:
        fig.latency = lat = await answers(room, page, ps, plan, display)
    finally:
        if display is not None:
            display.close()
    say(
        f"{tag}   answer sent -> counted on the presenter, {lat.connected} connected: {dist(lat.presenter)}; "
        f"missed {lat.missed}"
    )
    if lat.display:
        say(
            f"{tag}   answer sent -> count on the display link's live channel: {dist(lat.display)}; missed {lat.display_missed}"
        )
    how = " (websocket messages written; the kernel stores it)" if room.old else ' (POST -> {"ok": true})'
    say(f"{tag}   sending one answer: {dist(lat.send)}{how}")
    if lat.burst_n:
        say(
            f"{tag}   then {lat.burst_n} answers at once: send {dist(lat.burst_send)}, failed {lat.burst_failed}; "
            f"the presenter showed them all {secs(lat.burst_presenter)} after they were sent"
        )


async def recorded_assets(browser, room: Room) -> list[str]:
    """The scripts, styles, fonts and chunks a real page load of today's join page fetches from its server."""
    from urllib.parse import urlsplit

    url = room.server.url.rstrip("/") + room.join_path
    host = urlsplit(url).netloc
    paths: list[str] = []
    context, page = await new_phone_page(browser)

    def seen(request) -> None:
        parts = urlsplit(request.url)
        if (
            parts.netloc == host
            and request.method == "GET"
            and request.resource_type not in ("document", "websocket")
            and "/api/" not in parts.path
        ):
            paths.append(parts.path + (f"?{parts.query}" if parts.query else ""))

    page.on("request", seen)
    try:
        await page.goto(url, wait_until="networkidle", timeout=PAGE_TIMEOUT_MS)
        await poll_visible(page, PAGE_TIMEOUT_MS)
    finally:
        await leave(context)
    return list(dict.fromkeys(paths))


# --- the report ---------------------------------------------------------------------------------------------


def machine() -> list[str]:
    cpuinfo = Path("/proc/cpuinfo").read_text()
    model = next(
        (ln.split(":", 1)[1].strip() for ln in cpuinfo.splitlines() if ln.startswith("model name")), "?"
    )
    mem = {ln.split(":")[0]: ln.split()[1] for ln in Path("/proc/meminfo").read_text().splitlines()}

    def version(name: str) -> str:
        try:
            return importlib.metadata.version(name)
        except importlib.metadata.PackageNotFoundError:
            return "?"

    return [
        f"cores: {os.cpu_count()} logical ({len(os.sched_getaffinity(0))} usable), CPU: {model}",
        f"RAM: {int(mem['MemTotal']) / 2**20:.1f} GiB total, {int(mem['MemAvailable']) / 2**20:.1f} GiB available",
        f"load average (1/5/15 min) at start: {' '.join(f'{x:.2f}' for x in os.getloadavg())}",
        f"Python {platform.python_version()}, voila {version('voila')}, tornado {version('tornado')}, "
        f"playwright {version('playwright')}",
    ]


def head_commit() -> str:
    try:
        return (
            subprocess.run(
                ["git", "-C", str(ROOT), "rev-parse", "--short", "HEAD"],
                capture_output=True,
                text=True,
                timeout=30,
            ).stdout.strip()
            or "?"
        )
    except (OSError, subprocess.SubprocessError):
        return "?"


def mb(mib: float) -> str:
    return f"{mib * 2**20 / 1e6:.1f} MB" if mib < 10 else f"{mib * 2**20 / 1e6:.0f} MB"


def kb(mib: float) -> str:
    return f"{mib * 2**20 / 1e3:.0f} KB"


def verdict(ok: bool | None) -> str:
    return "" if ok is None else ("met" if ok else "NOT met")


def both(new_text: str, old: Figures | None, old_fn, reason: str = "--no-old: today's room not started"):
    """The new room's cell and today's room's (or why it was not measured)."""
    return new_text, (old_fn(old) if old is not None else f"ikke målt ({reason})")


def rows_joins(new: Figures, old: Figures | None, plan: Plan) -> list[tuple[str, str, str, str]]:
    rows = []
    up = statistics.median(new.http_up)
    rows.append(
        (
            "start -> ready",
            *both(
                f"{secs(statistics.median(new.ready))} READY, {secs(up)} first 200 (median of {len(new.ready)})",
                old,
                lambda o: f"{secs(o.ready[0])} READY ({o.room.preheat} kernels preheated)",
            ),
            f"<= 3 s: {verdict(up <= 3)}",
        )
    )
    ns = [j.seconds for j in new.single if j.ok]
    rows.append(
        (
            f"1 phone (p50 of {len(ns)})",
            *both(secs(pct(ns, 0.5)), old, lambda o: secs(pct([j.seconds for j in o.single if j.ok], 0.5))),
            f"<= 50 ms: {verdict(pct(ns, 0.5) <= 0.05)}",
        )
    )
    fresh = [j.seconds for j in new.single_fresh if j.ok]
    if fresh:
        rows.append(
            ("1 phone, live channel on its own connection", secs(pct(fresh, 0.5)), "(diagnostic)", "")
        )
    for i, n in enumerate(plan.crowds):
        c = new.crowds.get(n)
        text = c.cell() if c else "–"
        if old is None:
            otext = "ikke målt (--no-old: today's room not started)"
        elif n in old.crowds:
            otext = old.crowds[n].cell()
        elif plan.quick:
            otext = f"ikke målt (quick run: only {plan.old_crowd})"
        else:
            otext = f"ikke målt (a ~{OLD_KERNEL_MIB} MiB kernel each: ~{n * OLD_KERNEL_MIB / 1024:.0f} GiB)"
        target = ""
        if c and i == 1:
            target = f"p95 <= 1 s: {verdict(pct(c.times, 0.95) <= 1 and not c.failures)}"
        elif c and i == len(plan.crowds) - 1:
            target = f"0 failures: {verdict(c.failures == 0)}"
        rows.append((f"{n} phones at once", text, otext, target))
    if old is not None and plan.old_crowd not in plan.crowds and plan.old_crowd in old.crowds:
        rows.append(
            (f"{plan.old_crowd} phones at once", "(see above)", old.crowds[plan.old_crowd].cell(), "")
        )
    shared = plan.old_crowd if plan.old_crowd in new.crowds else plan.crowds[0]
    if shared in new.crowds:
        rows.append(
            (
                f"server CPU per phone, {shared} at once",
                *both(
                    new.crowds[shared].cpu_cell(),
                    old,
                    lambda o: (
                        "; ".join(
                            f"{c.cpu_cell()}, {n} at once, with the refill it starts"
                            for n, c in o.crowds.items()
                        )
                        or "–"
                    ),
                ),
                "",
            )
        )
    nj = [j for j in new.single if j.ok]
    nb = statistics.median(j.received for j in nj) if nj else float("nan")
    nr = statistics.median(j.requests for j in nj) if nj else float("nan")

    def old_joins(o):
        return [j for j in o.single if j.ok]

    rows.append(
        (
            "bytes per fresh join (as sent)",
            *both(
                f"{nb / 1000:.1f} KB",
                old,
                lambda o: (
                    f"{statistics.median(j.received for j in old_joins(o)) / 1e6:.2f} MB"
                    if old_joins(o)
                    else "–"
                ),
            ),
            f"<= 60 KB: {verdict(nb <= 60_000)}",
        )
    )
    rows.append(
        (
            "requests per fresh join",
            *both(
                f"{nr:.0f}",
                old,
                lambda o: (
                    f"{statistics.median(j.requests for j in old_joins(o)):.0f}" if old_joins(o) else "–"
                ),
            ),
            f"<= 5: {verdict(nr <= 5)}",
        )
    )
    return rows


def rows_answers(new: Figures, old: Figures | None, plan: Plan) -> list[tuple[str, str, str, str]]:
    rows = []
    nl = new.latency
    ok = bool(nl and nl.presenter) and pct(nl.presenter, 0.95) <= 1 and not nl.missed
    rows.append(
        (
            f"answer -> presenter, {nl.connected if nl else plan.connected} connected",
            *both(
                nl.cell() if nl else "–",
                old,
                lambda o: (
                    f"ikke målt (needs {plan.connected} kernels)" if plan.connected > plan.old_crowd else "–"
                ),
            ),
            f"p95 <= 1 s: {verdict(ok)}",
        )
    )
    if old is not None and old.latency:
        rows.append(
            (f"answer -> presenter, {old.latency.connected} connected", "(see above)", old.latency.cell(), "")
        )
    if nl and nl.display:
        rows.append(
            (
                "answer -> display link (SSE)",
                f"p50 {secs(pct(nl.display, 0.5))}, p95 {secs(pct(nl.display, 0.95))}",
                "(no display link)",
                "",
            )
        )
    return rows


def rows_memory(new: Figures, old: Figures | None, plan: Plan) -> list[tuple[str, str, str, str]]:
    rows = [
        (
            "memory idle: server + kernels",
            *both(new.idle[1].short(new.idle[2]), old, lambda o: o.idle[1].short(o.idle[2])),
            "",
        )
    ]
    if not new.crowd_mem:
        return rows
    k, s, t, _kernels = new.crowd_mem
    rows.append(
        (
            f"memory, {k} connected (old: {old.crowd_mem[0] if old and old.crowd_mem else '–'})",
            *both(
                f"server {s.short()}; + presenter kernel: PSS {mb(t.pss)}",
                old,
                lambda o: o.crowd_mem[2].short(o.crowd_mem[3]) + ", pool refilled" if o.crowd_mem else "–",
            ),
            "",
        )
    )
    per = {
        n: (new.crowd_server_mem[n].pss - new.before_mem[n].pss) / max(len(new.crowds[n].ok), 1)
        for n in new.crowd_server_mem
    }
    upper = (s.pss - new.idle[0].pss) / max(k, 1)

    def kernel(o):
        ks = o.kernels_serving
        if not ks:
            return "–"
        return (
            f"its kernel: PSS {mb(statistics.mean(m.pss for m in ks))}, RSS {mb(statistics.mean(m.rss for m in ks))}"
            f", USS {mb(statistics.mean(m.uss for m in ks))} (n={len(ks)})"
        )

    rows.append(
        (
            "memory per connected phone",
            *both(
                ", ".join(f"{kb(v)} with {n}" for n, v in sorted(per.items()))
                + f" (server PSS growth); {kb(upper)} over idle at start",
                old,
                kernel,
            ),
            f"<= 1 MB: {verdict(max([upper, *per.values()]) <= 1e6 / 2**20)}",
        )
    )
    return rows


def rows_chromium(new: Figures, old: Figures | None, plan: Plan) -> list[tuple[str, str, str, str]]:
    def single(f: Figures) -> str:
        return secs(pct(f.chromium_single, 0.5)) + (
            f", {len(f.chromium_single_errors)} failed" if f.chromium_single_errors else ""
        )

    def burst(f: Figures) -> str:
        return (
            f"p50 {secs(pct(f.chromium_burst, 0.5))}, max {secs(max(f.chromium_burst, default=float('nan')))}, "
            f"{len(f.chromium_burst_errors)} failed"
        )

    return [
        (
            f"Chromium 375 px, 1 phone (median of {len(new.chromium_single)})",
            *both(single(new), old, single),
            "",
        ),
        (f"Chromium, {plan.browsers} pages at once", *both(burst(new), old, burst), ""),
    ]


def report(new: Figures, old: Figures | None, plan: Plan) -> None:
    rows = [
        *rows_joins(new, old, plan),
        *rows_answers(new, old, plan),
        *rows_memory(new, old, plan),
        *rows_chromium(new, old, plan),
    ]
    header = ("figure", f"new room ({head_commit()})", f"today's Voilà room ({BASELINE})", "target")
    widths = [max(len(r[i]) for r in [*rows, header]) for i in range(4)]

    def line(cells) -> str:
        return " | ".join(c.ljust(w) for c, w in zip(cells, widths, strict=True)).rstrip()

    say()
    say(
        f"=== summary{' (QUICK smoke run: small crowds)' if plan.quick else ''}: the room without kernels vs "
        f"today's Voilà room, same machine, same run ==="
    )
    say(line(header))
    say("-+-".join("-" * w for w in widths))
    for r in rows:
        say(line(r))
    say()
    for text in FOOTNOTES:
        say(text)
    say(f"load average (1/5/15 min) at end: {' '.join(f'{x:.2f}' for x in os.getloadavg())}")


FOOTNOTES = (
    "Phones at protocol level: page + every file it links + live channel (new: SSE until the first 'state'",
    "event names the poll; old: kernel websocket until the poll's widgets exist in the kernel), p50/p95 from the",
    "common start. Bytes: what arrived on the socket (headers and gzipped bodies; old: plus websocket payloads).",
    "Answer -> presenter: from sending the answer to the presenter's count (Chromium, polled every 10 ms) showing",
    "it. Memory: PSS/RSS from /proc/<pid>/smaps_rollup; MB = 10^6 bytes. The load generator, Chromium and the",
    "servers share the machine's 2 cores: every figure includes the generator's own CPU time.",
)


# --- main -----------------------------------------------------------------------------------------------


async def run(args, tmp: Path) -> None:
    plan = Plan.make(args)
    if plan.quick:
        SETTLE_WINDOW[0] = 0.5
    say("=== machine ===")
    for text in machine():
        say(text)
    say(raise_open_files(4 * max(plan.crowds) + 1024))
    say(
        f"aiskole from {Path(aiskole.__file__).parent} (commit {head_commit()}); today's room: git archive "
        f"{BASELINE} into the temporary folder"
    )
    say(
        f"plan: {'QUICK smoke run' if plan.quick else 'full run'}; new room crowds {plan.crowds}, answers with "
        f"{plan.connected} connected, memory with {plan.memory_crowd}; today's room {plan.old_crowd} preheated "
        f"and {plan.old_crowd} at once; {plan.runs} single runs; {plan.browsers} browsers in the burst"
    )
    say("The load generator (one asyncio process) runs on the same 2 cores as the server under test.")
    say()
    new_room = Room("new", "the room without kernels (python -m aiskole.server)", ROOT, tmp / "new")
    old_room = None
    if not args.no_old:
        baseline = tmp / "baseline"
        baseline.mkdir()
        archive = subprocess.run(
            ["git", "-C", str(ROOT), "archive", BASELINE], capture_output=True, timeout=120, check=True
        ).stdout
        subprocess.run(["tar", "-x", "-C", str(baseline)], input=archive, check=True, timeout=120)
        old_room = Room(
            "old",
            f"today's Voilà room ({BASELINE}, --pool-size 1 --participants {plan.old_crowd})",
            baseline,
            tmp / "old",
            preheat=plan.old_crowd,
        )
    figures: dict[str, Figures] = {}
    async with async_playwright() as p:
        browser = await p.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
        say(f"Chromium {browser.version} (headless, {CHROMIUM})")
        try:
            for room in (new_room, old_room):
                if room is None:
                    continue
                say(f"=== {room.name}: {room.label} ===")
                t0 = time.perf_counter()
                try:
                    figures[room.name] = await measure(browser, room, plan)
                finally:
                    await room.stop()
                    left = pids_matching(room.server.tag) if room.server else []
                    kernels = len(room.server.kernels_seen) if room.server else 0
                    say(
                        f"[{room.name}] stopped after {time.perf_counter() - t0:.0f} s; {kernels} kernel processes "
                        f"seen, none left: {not left}"
                    )
                say()
        finally:
            await browser.close()
    report(figures["new"], figures.get("old"), plan)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true", help="a 1-2 minute smoke run with small crowds")
    parser.add_argument(
        "--runs", type=int, default=5, help="single-phone and single-Chromium runs (+1 warm-up)"
    )
    parser.add_argument("--answers", type=int, default=30, help="answers timed one at a time")
    parser.add_argument("--no-old", action="store_true", help="skip today's Voilà room")
    args = parser.parse_args()
    args.runs = max(1, min(args.runs, 20))
    args.answers = max(1, min(args.answers, 100))
    tmp = Path(tempfile.mkdtemp(prefix="aiskole-bench-room-"))
    loop = asyncio.new_event_loop()
    task = loop.create_task(run(args, tmp))
    loop.add_signal_handler(signal.SIGTERM, task.cancel)
    loop.add_signal_handler(signal.SIGINT, task.cancel)
    t0 = time.perf_counter()
    try:
        loop.run_until_complete(task)
    except asyncio.CancelledError:
        say("interrupted")
        sys.exit(130)
    finally:
        for server in STARTED:  # normally stopped already; this is for errors and Ctrl+C
            with contextlib.suppress(Exception):
                stop_server(server)
        loop.close()
        shutil.rmtree(tmp, ignore_errors=True)
        say(f"whole run {time.perf_counter() - t0:.0f} s")


if __name__ == "__main__":
    main()
