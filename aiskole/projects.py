"""Real Danish public-sector AI projects and rulings (``datasets/projects.yaml``) for lessons to discuss."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Literal

from pydantic import Field, model_validator

from aiskole.datasets import DatasetModel, Source, load_dataset
from aiskole.render import render


class Project(DatasetModel):
    id: str = Field(pattern=r"^[a-z0-9][a-z0-9-]*$")
    title: str
    who: str
    year: int = Field(ge=2015, le=2035)
    kind: Literal["projekt", "afgørelse", "evaluering"]
    area: str
    summary: str = Field(min_length=20)
    lesson: str
    status: str
    source: Source
    checked: dt.date


class ProjectsFile(DatasetModel):
    schema_: Literal["aiskole.projects/1"] = Field(alias="schema")
    projects: tuple[Project, ...]

    @model_validator(mode="after")
    def _unique(self) -> ProjectsFile:
        ids = [p.id for p in self.projects]
        if len(ids) != len(set(ids)):
            raise ValueError("to projekter har samme id")
        return self


def load_projects(datasets_dir: Path | None = None) -> tuple[Project, ...]:
    """All projects and rulings, validated."""
    return load_dataset("projects.yaml", ProjectsFile, datasets_dir).projects


def filter_projects(
    projects: tuple[Project, ...] | None = None, *, kind: str | None = None, area: str | None = None
) -> list[Project]:
    """Projects of one kind and/or area, newest first."""
    items = load_projects() if projects is None else projects
    chosen = [p for p in items if (kind is None or p.kind == kind) and (area is None or p.area == area)]
    return sorted(chosen, key=lambda p: (-p.year, p.title))


def projects_html(projects: list[Project]) -> str:
    """A readable list for lessons: title, who and when, summary, the learning point, and the source."""
    return render("lesson/projects.html.j2", projects=projects)
