"""The one settings object of aiskole, read from ``AISKOLE_*`` environment variables.

Every variable is documented in README.md; ``tests/test_settings.py`` fails when one is not.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

import platformdirs

from aiskole import resources

#: Environment variables read by :meth:`Settings.from_env`, with a one-line description each.
ENV_VARS = {
    "AISKOLE_DATA_DIR": "folder for the embedded SQLite store (default: the per-user data folder)",
    "AISKOLE_DATABASE_URL": "any SQLAlchemy URL, e.g. postgresql+psycopg://user:pw@host/db (default: SQLite)",
    "AISKOLE_DATASETS_DIR": "folder with the validated dataset files (default: the bundled datasets/)",
    "AISKOLE_LLM_URL": "optional OpenAI-compatible endpoint for the prompt lab (the municipality's approved service)",
    "AISKOLE_LLM_MODEL": "model name sent to that endpoint",
    "AISKOLE_LLM_API_KEY": "API key for that endpoint (never logged, never shown)",
    "AISKOLE_PUBLIC_URL": "the address participants' phones use to reach the demo server (join links and QR codes)",
    "AISKOLE_RETENTION_DAYS": "days workshop data is kept before it is erased (default 90)",
    "AISKOLE_CHROMIUM": "the Chromium (or Chrome) program that prints PDF reports (default /usr/bin/chromium)",
    "AISKOLE_FACILITATOR_KEY": "the facilitator key (default: a new one every time `aiskole demo` starts, printed once)",
    "AISKOLE_TRUST_LOOPBACK": "0 turns off that requests from the server's own machine count as the facilitator's (default 1)",
    "AISKOLE_BEHIND_PROXY": "1 when a reverse proxy (e.g. the nginx config in deploy/) forwards the requests: only the key counts",
    "AISKOLE_ALLOWED_HOSTS": "extra host names the server answers to, comma-separated (localhost, IP addresses and the public URL's host always)",
    "AISKOLE_MAX_KERNELS": "the most Voilà kernels (presenter and apps) at once (default: sized by `aiskole demo` from the memory)",
    # read by the Jupyter server extension at server start (aiskole.jupyter_extension), not by Settings
    "AISKOLE_CONTENT_DIR": "folder (relative to the Jupyter server's root) to copy the lessons and apps into at start",
}
#: Debian's Chromium, which the kit prints PDFs with unless ``AISKOLE_CHROMIUM`` names another.
DEFAULT_CHROMIUM = "/usr/bin/chromium"


@dataclass(frozen=True)
class Settings:
    """Where aiskole keeps its data and finds its content.

    Attributes
    ----------
    data_dir
        Folder for the embedded SQLite database.
    database_url
        SQLAlchemy URL of the store. SQLite in ``data_dir`` unless ``AISKOLE_DATABASE_URL`` is set.
    datasets_dir
        Folder with the validated dataset files.
    llm_url, llm_model, llm_api_key
        Optional OpenAI-compatible endpoint for the prompt lab; unset means fully offline.
    public_url
        The server's address as participants' phones see it, for join links and QR codes.
    retention_days
        How long workshop data is kept before :meth:`aiskole.store.Store.purge_expired` erases it.
    chromium
        The Chromium program that prints PDF reports.
    facilitator_key
        The secret that makes a browser the facilitator's (``None``: ``aiskole demo`` makes one).
    trust_loopback, behind_proxy
        Whether a request from the server's own machine is the facilitator's: only when loopback is trusted and
        no reverse proxy forwards the requests (behind one, every request comes from 127.0.0.1).
    allowed_hosts
        Extra ``Host`` names the server answers to (a guard against DNS rebinding).
    max_kernels
        The most Voilà kernels at once (``None``: sized from the memory).
    """

    data_dir: Path
    database_url: str
    datasets_dir: Path
    llm_url: str | None = None
    llm_model: str | None = None
    llm_api_key: str | None = field(default=None, repr=False)
    public_url: str = "http://127.0.0.1:8866/"
    retention_days: int = 90
    chromium: str = DEFAULT_CHROMIUM
    facilitator_key: str | None = field(default=None, repr=False)
    trust_loopback: bool = True
    behind_proxy: bool = False
    allowed_hosts: tuple[str, ...] = ()
    max_kernels: int | None = None

    @property
    def llm_configured(self) -> bool:
        """True when the prompt lab may send prompts to a language model (URL and model both set)."""
        return bool(self.llm_url and self.llm_model)

    @classmethod
    def from_env(cls, env: Mapping[str, str] | None = None) -> Settings:
        """Build settings from ``env`` (default: ``os.environ``)."""
        env = os.environ if env is None else env
        data_dir = Path(env.get("AISKOLE_DATA_DIR") or platformdirs.user_data_dir("aiskole", appauthor=False))
        database_url = env.get("AISKOLE_DATABASE_URL") or f"sqlite:///{data_dir / 'aiskole.sqlite3'}"
        datasets_dir = Path(env.get("AISKOLE_DATASETS_DIR") or resources.datasets_dir())
        return cls(
            data_dir=data_dir,
            database_url=database_url,
            datasets_dir=datasets_dir,
            llm_url=env.get("AISKOLE_LLM_URL") or None,
            llm_model=env.get("AISKOLE_LLM_MODEL") or None,
            llm_api_key=env.get("AISKOLE_LLM_API_KEY") or None,
            public_url=env.get("AISKOLE_PUBLIC_URL") or "http://127.0.0.1:8866/",
            retention_days=_positive_int(env.get("AISKOLE_RETENTION_DAYS"), 90, "AISKOLE_RETENTION_DAYS"),
            chromium=env.get("AISKOLE_CHROMIUM") or DEFAULT_CHROMIUM,
            facilitator_key=env.get("AISKOLE_FACILITATOR_KEY") or None,
            trust_loopback=_flag(env.get("AISKOLE_TRUST_LOOPBACK"), True, "AISKOLE_TRUST_LOOPBACK"),
            behind_proxy=_flag(env.get("AISKOLE_BEHIND_PROXY"), False, "AISKOLE_BEHIND_PROXY"),
            allowed_hosts=tuple(
                h.strip().lower() for h in (env.get("AISKOLE_ALLOWED_HOSTS") or "").split(",") if h.strip()
            ),
            max_kernels=_positive_int(env.get("AISKOLE_MAX_KERNELS"), 0, "AISKOLE_MAX_KERNELS") or None,
        )


def _flag(value: str | None, default: bool, name: str) -> bool:
    if value is None or not value.strip():
        return default
    text = value.strip().lower()
    if text in ("1", "ja", "yes", "true", "on"):
        return True
    if text in ("0", "nej", "no", "false", "off"):
        return False
    raise ValueError(f"{name} skal være 1 eller 0 – ikke {value!r}.")


def _positive_int(value: str | None, default: int, name: str) -> int:
    if value is None or not value.strip():
        return default
    try:
        number = int(value)
    except ValueError:
        raise ValueError(f"{name} skal være et helt tal, fx 90 – ikke {value!r}.") from None
    if number < 1:
        raise ValueError(f"{name} skal være mindst 1.")
    return number


def get_settings() -> Settings:
    """Return the settings for the current environment.

    Not cached: reading a few environment variables is cheap, and tests change them.
    """
    return Settings.from_env()
