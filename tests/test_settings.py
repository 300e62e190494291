"""Settings are read from AISKOLE_* variables, and every variable is documented."""

from __future__ import annotations

import re
from pathlib import Path

from aiskole.settings import ENV_VARS, Settings

ROOT = Path(__file__).resolve().parent.parent


def test_every_setting_is_documented_in_the_readme():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    undocumented = [name for name in ENV_VARS if name not in readme]
    assert undocumented == []


def test_no_undeclared_aiskole_variables_are_read():
    source = "".join(p.read_text(encoding="utf-8") for p in (ROOT / "aiskole").rglob("*.py"))
    used = set(re.findall(r"AISKOLE_[A-Z_]+", source))
    assert used <= set(ENV_VARS)


def test_defaults(tmp_path):
    s = Settings.from_env({})
    assert s.database_url.startswith("sqlite:///") and s.database_url.endswith("aiskole.sqlite3")
    assert (s.datasets_dir / "dpia.yaml").exists()
    s = Settings.from_env({"AISKOLE_DATA_DIR": str(tmp_path), "AISKOLE_DATASETS_DIR": "/x"})
    assert s.data_dir == tmp_path and str(s.datasets_dir) == "/x"


def test_public_url_and_retention():
    s = Settings.from_env({"AISKOLE_PUBLIC_URL": "http://10.0.0.5:8866/", "AISKOLE_RETENTION_DAYS": "30"})
    assert s.public_url == "http://10.0.0.5:8866/" and s.retention_days == 30
    assert Settings.from_env({}).retention_days == 90
    import pytest

    for bad in ("tredive", "0"):
        with pytest.raises(ValueError, match="AISKOLE_RETENTION_DAYS"):
            Settings.from_env({"AISKOLE_RETENTION_DAYS": bad})
