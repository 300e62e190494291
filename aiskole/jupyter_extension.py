"""The kit's settings for any Jupyter server: JupyterLab, ``jupyter server``, ``jupyterhub-singleuser``, Binder.

Installing the package enables this server extension (``etc/jupyter/jupyter_server_config.d/aiskole.json``, shipped
as wheel shared-data). A plain config file cannot do its job: a ``VoilaConfiguration`` in a
``jupyter_server_config.d/*.json`` file is ignored (that folder only enables extensions), and the one
``jupyter_server_config.json`` of an environment belongs to its administrator. So at server start it

- gives Voilà the kit's template (no CDN, Danish loading text), stripped sources and no tracebacks, and refuses
  ``?template=`` / ``?theme=`` overrides that would switch back to the stock, CDN-loading page;
- sets MathJax's URL and config to none, so neither Voilà's nor JupyterLab's front end fetches MathJax from
  cdnjs (both fall back to the CDN when the server's settings have no such key);
- turns off JupyterLab's news feed and update check on the server side (its front end is told the same by
  ``share/jupyter/lab/settings/overrides.d/aiskole.json``), so nothing is fetched from jupyter.org;
- copies the lessons and apps into the user's folder when ``AISKOLE_CONTENT_DIR`` is set (on a hub: see
  :mod:`aiskole.content` and deploy/jupyterhub/).

Each setting is a default: whatever the administrator configured (config files, command line, ``tornado_settings``)
wins.
"""

from __future__ import annotations

import os
from pathlib import Path

from traitlets.config import Config

from aiskole.content import copy_content

#: Configuration sections the kit fills in where the server's own configuration is silent.
SERVER_DEFAULTS: dict[str, dict[str, object]] = {
    "VoilaConfiguration": {
        "template": "aiskole",
        "theme": "light",
        "classic_tree": True,
        "strip_sources": True,
        "show_tracebacks": False,
        "allow_template_override": "NO",
        "allow_theme_override": "NO",
    },
    # Voilà's pages (and Lab's HTML export) say they are Danish
    "HTMLExporter": {"language_code": "da"},
}
#: Tornado settings: with the keys absent Voilà and JupyterLab put a cdnjs.cloudflare.com URL in the page.
TORNADO_DEFAULTS: dict[str, object] = {"mathjax_url": None, "mathjax_config": None}
#: JupyterLab's traits: no news feed, no update check.
LAB_DEFAULTS: dict[str, object] = {
    "news_url": None,
    "check_for_updates_class": "jupyterlab.handlers.announcements.NeverCheckForUpdate",
}
#: Environment variable: folder (relative to the server's root, i.e. the home on a hub) to copy the content into.
CONTENT_DIR_ENV = "AISKOLE_CONTENT_DIR"


def _jupyter_server_extension_points():
    return [{"module": "aiskole.jupyter_extension"}]


def missing_defaults(config, defaults: dict[str, dict[str, object]]):
    """The part of ``defaults`` that ``config`` (a traitlets Config) does not set, as a new Config."""
    missing = Config()
    for section, values in defaults.items():
        present = config.get(section, {})
        for key, value in values.items():
            if key not in present:
                missing[section][key] = value
    return missing


def _link_jupyter_server_extension(serverapp) -> None:
    # Linking runs before any extension loads (Voilà reads VoilaConfiguration when it loads), and before the web
    # application exists.
    serverapp.update_config(missing_defaults(serverapp.config, SERVER_DEFAULTS))


def _load_jupyter_server_extension(serverapp) -> None:
    settings = serverapp.web_app.settings
    for key, value in TORNADO_DEFAULTS.items():
        settings.setdefault(key, value)
    _quiet_jupyterlab(serverapp)
    _copy_content(serverapp)


def _quiet_jupyterlab(serverapp) -> None:
    """Set LabApp's news and update traits, unless its configuration sets them.

    Extensions load in alphabetical order, so this runs before JupyterLab builds its handlers (which read the
    traits). LabApp's own config files are merged into ``labapp.config`` by then, hence the check there.
    """
    for app in serverapp.extension_manager.extension_apps.get("jupyterlab", ()):
        configured = app.config.LabApp if "LabApp" in app.config else {}
        for key, value in LAB_DEFAULTS.items():
            if key not in configured:
                setattr(app, key, value)


def _copy_content(serverapp) -> None:
    target = os.environ.get(CONTENT_DIR_ENV, "").strip()
    if not target:
        return
    dest = Path(serverapp.root_dir).expanduser() / Path(target).expanduser()
    try:
        result = copy_content(dest)
    except (OSError, ValueError) as exc:  # never keep a learner's server from starting
        serverapp.log.warning("aiskole: kunne ikke kopiere kittets indhold til %s: %s", dest, exc)
        return
    serverapp.log.info(result.summary())
