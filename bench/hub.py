"""Time to a working JupyterHub with two users, and memory per hub user with the mini-DPIA open.

Starts the same hub as tests/browser/test_jupyterhub.py (JupyterHub 5.5 from PyPI, configurable-http-proxy from npm,
the single-user settings of deploy/jupyterhub/values.yaml, a throwaway PostgreSQL server), then for each user, one
after the other as people would: log in, wait for JupyterLab, open the mini-DPIA in Voilà; then a lesson in
JupyterLab too. Prints figures; passes or fails on nothing.

Memory is read from /proc for every process of a user (their jupyterhub-singleuser server and its kernels): PSS
(shared pages split between the processes that share them: what a user adds on a shared machine) and RSS (what
each process holds on its own, near what a Kubernetes memory limit counts for a pod of its own).

    .venv/bin/python bench/hub.py [--users 2]
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from playwright.sync_api import expect, sync_playwright  # noqa: E402

from aiskole.reports import CHROMIUM, CHROMIUM_ARGS  # noqa: E402
from tests.browser.conftest import LAPTOP, Watched  # noqa: E402
from tests.browser.test_jupyterhub import MINI_DPIA, log_in, open_lesson  # noqa: E402
from tests.hub.hubserver import process_user, pss_kib, rss_kib, start_hub  # noqa: E402
from tests.pg import PostgresServer  # noqa: E402


def user_memory(hub, settle: float = 3.0) -> dict[str, tuple[int, int, int]]:
    """Per user: (number of processes, PSS MiB, RSS MiB), after ``settle`` seconds."""
    time.sleep(settle)
    per_user: dict[str, list[int]] = {}
    for pid in hub.user_pids():
        user = process_user(pid)
        if user is None:
            continue
        try:
            figures = per_user.setdefault(user, [0, 0, 0])
            figures[0] += 1
            figures[1] += pss_kib(pid)
            figures[2] += rss_kib(pid)
        except OSError:
            continue
    return {u: (n, pss // 1024, rss // 1024) for u, (n, pss, rss) in sorted(per_user.items())}


def hub_memory(hub) -> tuple[int, int]:
    """PSS MiB of the hub, and of its proxy (the hub's children that are not users' servers)."""
    users = set(hub.user_pids())
    proxy = 0
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit() and int(entry.name) not in users:
            try:
                parent = int((entry / "stat").read_text().rsplit(")", 1)[1].split()[1])
                if parent == hub.process.pid:
                    proxy += pss_kib(int(entry.name))
            except (OSError, ValueError, IndexError):
                continue
    return pss_kib(hub.process.pid) // 1024, proxy // 1024


def report(title: str, memory: dict[str, tuple[int, int, int]]) -> None:
    print(title)
    for user, (count, pss, rss) in memory.items():
        print(f"  {user}: {count} processes, PSS {pss} MiB, RSS {rss} MiB")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--users", type=int, default=2)
    args = parser.parse_args()
    users = [f"bruger{i + 1}" for i in range(args.users)]

    pg = PostgresServer.start()
    tmp = Path(tempfile.mkdtemp(prefix="aiskole-bench-hub-"))
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
        start = time.perf_counter()
        hub = start_hub(tmp, pg.create_database())
        healthy = time.perf_counter() - start
        try:
            print(f"hub healthy (hub + proxy up, /hub/health 200): {healthy:.1f} s")
            pages = {}
            for user in users:
                context = browser.new_context(viewport=LAPTOP, locale="da-DK")
                watched = Watched(context.new_page())
                watched.page.on("request", lambda r, w=watched: w.requests.append(r.url))
                t = time.perf_counter()
                log_in(watched, hub, user)
                lab = time.perf_counter() - t
                app = context.new_page()
                t = time.perf_counter()
                app.goto(hub.user_url(user, "voila/render/" + MINI_DPIA), wait_until="commit")
                expect(app.get_by_role("radio", name="Ja").first).to_be_visible(timeout=120_000)
                voila = time.perf_counter() - t
                pages[user] = (watched, app)
                print(
                    f"  {user}: login -> own JupyterLab on screen {lab:.1f} s; mini-DPIA's first question {voila:.1f} s"
                )
            ready = time.perf_counter() - start
            print(
                f"time to a working hub with {len(users)} users (start -> last mini-DPIA usable): {ready:.1f} s"
            )
            report("memory per user, JupyterLab + the mini-DPIA open (server + 1 kernel):", user_memory(hub))
            for user, (watched, _app) in pages.items():
                open_lesson(watched, hub, user)
            report("memory per user, + a lesson open in JupyterLab (server + 2 kernels):", user_memory(hub))
            hub_pss, proxy_pss = hub_memory(hub)
            print(f"fixed: hub PSS {hub_pss} MiB, configurable-http-proxy PSS {proxy_pss} MiB")
        finally:
            browser.close()
            hub.stop()
            pg.stop()


if __name__ == "__main__":
    main()
