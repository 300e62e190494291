"""The Jupyter configuration the package ships (aiskole.jupyter_extension, the overrides.d file): what it sets, and
that an administrator's own configuration wins. The servers themselves are tested in tests/browser (test_lab,
test_binder_server, test_jupyterhub)."""

from __future__ import annotations

import json
import shutil
import tomllib
from pathlib import Path

from traitlets.config import Config

from aiskole.jupyter_extension import SERVER_DEFAULTS, _jupyter_server_extension_points, missing_defaults

ROOT = Path(__file__).resolve().parents[2]
OVERRIDES = ROOT / "aiskole" / "share" / "jupyter" / "lab" / "settings" / "overrides.d" / "aiskole.json"
ENABLE = ROOT / "aiskole" / "etc" / "jupyter" / "jupyter_server_config.d" / "aiskole.json"


def test_the_wheel_installs_both_files_where_jupyter_reads_them():
    shared = tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["hatch"]["build"]["targets"][
        "wheel"
    ]
    shared = shared["shared-data"]
    assert shared[str(ENABLE.relative_to(ROOT))] == "etc/jupyter/jupyter_server_config.d/aiskole.json"
    assert shared[str(OVERRIDES.relative_to(ROOT))] == "share/jupyter/lab/settings/overrides.d/aiskole.json"
    enabled = json.loads(ENABLE.read_text())["ServerApp"]["jpserver_extensions"]
    assert enabled == {point["module"]: True for point in _jupyter_server_extension_points()}


def test_defaults_fill_only_what_the_administrator_left_out():
    admin = Config()
    admin.VoilaConfiguration.template = "lab"
    admin.VoilaConfiguration.show_tracebacks = True
    missing = missing_defaults(admin, SERVER_DEFAULTS)
    assert "template" not in missing.VoilaConfiguration
    assert "show_tracebacks" not in missing.VoilaConfiguration
    assert missing.VoilaConfiguration.strip_sources is True
    assert missing.VoilaConfiguration.allow_template_override == "NO"
    assert missing.HTMLExporter.language_code == "da"
    assert missing_defaults(Config(), SERVER_DEFAULTS).VoilaConfiguration.template == "aiskole"


def test_an_administrators_overrides_json_wins_over_the_kits_file(tmp_path):
    """JupyterLab applies overrides.d/*.json first and the administrator's overrides.json after: their language
    choice stays theirs, and the kit's news setting still applies."""
    from jupyterlab_server.settings_utils import _get_overrides

    (tmp_path / "overrides.d").mkdir()
    shutil.copy(OVERRIDES, tmp_path / "overrides.d" / "aiskole.json")
    (tmp_path / "overrides.json").write_text(
        json.dumps({"@jupyterlab/translation-extension:plugin": {"locale": "en"}})
    )
    overrides, error = _get_overrides(str(tmp_path))
    assert error == ""
    assert overrides["@jupyterlab/translation-extension:plugin"]["locale"] == "en"
    assert overrides["@jupyterlab/apputils-extension:notification"]["fetchNews"] == "false"
    # and without the administrator's file, Danish
    (tmp_path / "overrides.json").unlink()
    assert _get_overrides(str(tmp_path))[0]["@jupyterlab/translation-extension:plugin"]["locale"] == "da_DK"


def test_the_overrides_are_valid_for_jupyterlabs_schemas():
    """Every key in the kit's file is a property of the plugin's schema, with an allowed value (a typo would be
    silently ignored by JupyterLab)."""
    import jsonschema
    from jupyterlab.commands import get_app_dir

    schemas = Path(get_app_dir()) / "schemas"
    for plugin, values in json.loads(OVERRIDES.read_text()).items():
        package, name = plugin.split(":")
        schema = json.loads((schemas / package / f"{name}.json").read_text())
        for key, value in values.items():
            assert key in schema["properties"], plugin + " " + key
            jsonschema.validate(value, schema["properties"][key])
