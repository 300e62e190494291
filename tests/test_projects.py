"""The dataset of real projects and rulings: validated, filterable, and free of the brief's unverified figures."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from aiskole.datasets import DatasetError
from aiskole.projects import filter_projects, load_projects, projects_html

ROOT = Path(__file__).resolve().parent.parent


def test_loads_and_filters():
    projects = load_projects()
    assert {p.id for p in projects} >= {
        "flaadestyring-aarhus",
        "kk-genoptraening",
        "asta",
        "soenderborg-model",
    }
    rulings = filter_projects(kind="afgørelse")
    assert rulings and all(p.kind == "afgørelse" for p in rulings)
    assert [p.year for p in rulings] == sorted((p.year for p in rulings), reverse=True)
    assert filter_projects(area="Ingen") == []


def test_fleet_case_uses_the_verified_figures_only():
    """Is the fleet case taught as the simulation (15 % / 15 % / ~30 % CO2), never as '30 % fewer cars / 3 mio.'?"""
    fleet = next(p for p in load_projects() if p.id == "flaadestyring-aarhus")
    assert "15 % færre køretøjer" in fleet.summary and "30 % mindre CO₂" in fleet.summary
    assert fleet.status == "simulering"
    text = (ROOT / "datasets" / "projects.yaml").read_text(encoding="utf-8") + (
        ROOT / "datasets" / "claims.yaml"
    ).read_text(encoding="utf-8")
    for unverified in ("3 mio", "30 % færre biler", "82 %", "196", "114 i drift"):
        assert unverified not in text


def test_html_escapes_and_links_sources():
    html = projects_html(filter_projects(kind="afgørelse"))
    assert "Kilde:" in html and "https://www.datatilsynet.dk/" in html
    assert "Ingen projekter matcher" in projects_html([])


def test_broken_file_is_refused(tmp_path):
    data = yaml.safe_load((ROOT / "datasets" / "projects.yaml").read_text(encoding="utf-8"))
    data["projects"][0]["kind"] = "rygte"
    (tmp_path / "projects.yaml").write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    with pytest.raises(DatasetError, match="kind"):
        load_projects(tmp_path)
