"""The request behind a preheated Voilà kernel, read without importing Voilà.

Voilà can start ("preheat") kernels and run an app before anyone asks for it. When a participant then opens the
app, Voilà hands the waiting kernel the request's details (query string, path, headers) over a websocket at
``/voila/query/<kernel id>``. Voilà's own helper, ``voila.utils.get_query_string``, has two traps for a room of
40 phones on a small server (measured in ``bench/room.py``):

- it gives up after 5 s if the server is too busy to accept the websocket, and the link's code is then lost;
- importing it pulls in Jupyter Server and costs about 70 MiB in every kernel.

:func:`request_info` connects with the small ``websockets`` client instead, and keeps retrying (with back-off)
until the server accepts; once connected, Voilà keeps the details for the kernel until it is asked, so nothing is
lost by retrying.
"""

from __future__ import annotations

import json
import logging
import os
import time
from collections.abc import Mapping

log = logging.getLogger(__name__)


def is_preheated() -> bool:
    """Whether this kernel was started by Voilà before anyone asked for the app."""
    return os.getenv("VOILA_PREHEAT", "False") != "False"


def query_url(environ: Mapping[str, str] | None = None) -> str:
    """The websocket address where Voilà hands this kernel its request (from Voilà's kernel environment)."""
    env = os.environ if environ is None else environ
    protocol = env.get("VOILA_WS_PROTOCOL", "ws")
    host = env.get("VOILA_APP_IP", "127.0.0.1")
    port = env.get("VOILA_APP_PORT", "8866")
    base = env.get("VOILA_WS_BASE_URL", env.get("VOILA_SERVER_URL", "/"))
    if not base.endswith("/"):
        base += "/"
    if ":" in host and not host.startswith("["):  # an IPv6 address
        host = f"[{host}]"
    return f"{protocol}://{host}:{port}{base}voila/query/{env['VOILA_KERNEL_ID']}"


def request_info(
    url: str | None = None,
    *,
    open_timeout: float = 20.0,
    give_up_after: float = 24 * 3600.0,
    first_delay: float = 0.2,
    max_delay: float = 5.0,
) -> dict[str, str] | None:
    """Block until Voilà sends this kernel its request; return the details as a dict (``QUERY_STRING``, ...).

    Connection failures (server busy, refused, dropped) are retried with exponential back-off up to
    ``max_delay`` seconds apart; after ``give_up_after`` seconds in total ``None`` is returned. Run it in a
    background thread: it blocks until somebody opens the app.
    """
    from websockets.exceptions import WebSocketException
    from websockets.sync.client import connect

    url = url or query_url()
    deadline = time.monotonic() + give_up_after
    delay = first_delay
    attempt = 0
    while True:
        attempt += 1
        try:
            # proxy=None: the kernel talks to its own server on this machine, never through HTTP(S)_PROXY.
            # ping_interval=None: no keepalive pings that a busy server could miss (the socket would be closed
            # and a code sent at that moment lost). close_timeout: let the server finish the close before any
            # new connection, since Voilà's handler mixes up registrations when an old socket closes late.
            with connect(
                url,
                open_timeout=open_timeout,
                close_timeout=10,
                max_size=2**20,
                proxy=None,
                ping_interval=None,
            ) as websocket:
                message = websocket.recv()
            info = json.loads(message)
            if not isinstance(info, dict):
                raise ValueError("request info is not an object")
            return {str(key): str(value) for key, value in info.items()}
        except (OSError, TimeoutError, WebSocketException, ValueError) as error:
            if time.monotonic() + delay > deadline:
                log.warning(
                    "gave up reading the request for this kernel after %d attempts: %s", attempt, error
                )
                return None
            log.info("request for this kernel not readable yet (attempt %d): %s", attempt, error)
            time.sleep(delay)
            delay = min(delay * 2, max_delay)
