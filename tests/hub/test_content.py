"""Copying the kit's lessons and apps into a learner's folder (aiskole.content, `aiskole content`)."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

from aiskole.content import MANIFEST, NEW_VERSION_SUFFIX, content_sources, copy_content


def notebook(*sources: str, outputs: list | None = None) -> str:
    cells = [
        {"cell_type": "code", "id": f"c{i}", "metadata": {}, "execution_count": None, "outputs": outputs or [],
         "source": src}
        for i, src in enumerate(sources)
    ]  # fmt: skip
    return json.dumps({"cells": cells, "metadata": {}, "nbformat": 4, "nbformat_minor": 5})


@pytest.fixture
def kit(tmp_path):
    """A small stand-in for the kit's content: one lesson folder and one app."""
    lessons, apps = tmp_path / "kit" / "lessons", tmp_path / "kit" / "apps"
    (lessons / "01").mkdir(parents=True)
    apps.mkdir(parents=True)
    (lessons / "01" / "lektion.ipynb").write_text(notebook("print('v1')"))
    (lessons / "01" / "guide.md").write_text("# Guide v1\n")
    (lessons / "01" / ".ipynb_checkpoints").mkdir()
    (lessons / "01" / ".ipynb_checkpoints" / "lektion-checkpoint.ipynb").write_text("{}")
    (apps / "app.ipynb").write_text(notebook("App()"))
    return {"lektioner": lessons, "apps": apps}


def test_first_copy_puts_everything_in_place_but_checkpoints(kit, tmp_path):
    dest = tmp_path / "home" / "aiskole"
    result = copy_content(dest, kit)
    assert sorted(result.copied) == ["apps/app.ipynb", "lektioner/01/guide.md", "lektioner/01/lektion.ipynb"]
    assert (dest / "lektioner" / "01" / "guide.md").read_text() == "# Guide v1\n"
    assert not (dest / "lektioner" / "01" / ".ipynb_checkpoints").exists()
    assert (dest / MANIFEST).is_file()
    again = copy_content(dest, kit)
    assert again.copied == again.updated == again.kept == [] and len(again.unchanged) == 3


def test_untouched_files_get_the_new_version(kit, tmp_path):
    dest = tmp_path / "aiskole"
    copy_content(dest, kit)
    (kit["lektioner"] / "01" / "guide.md").write_text("# Guide v2\n")
    result = copy_content(dest, kit)
    assert result.updated == ["lektioner/01/guide.md"]
    assert (dest / "lektioner" / "01" / "guide.md").read_text() == "# Guide v2\n"


def test_a_learners_edit_is_kept_and_the_new_version_goes_beside_it(kit, tmp_path):
    """Does an upgrade keep a lesson the learner typed into, and put the kit's new version next to it?"""
    dest = tmp_path / "aiskole"
    copy_content(dest, kit)
    mine = dest / "lektioner" / "01" / "lektion.ipynb"
    mine.write_text(notebook("print('v1')", "# mine noter"))
    (kit["lektioner"] / "01" / "lektion.ipynb").write_text(notebook("print('v2')"))
    result = copy_content(dest, kit)
    assert result.kept == ["lektioner/01/lektion.ipynb"]
    assert "# mine noter" in mine.read_text()
    beside = dest / "lektioner" / "01" / f"lektion{NEW_VERSION_SUFFIX}.ipynb"
    assert result.new_versions == [beside.relative_to(dest).as_posix()]
    assert "v2" in beside.read_text()
    # a third release replaces the untouched "(ny udgave)", never the learner's file
    (kit["lektioner"] / "01" / "lektion.ipynb").write_text(notebook("print('v3')"))
    copy_content(dest, kit)
    assert "v3" in beside.read_text() and "# mine noter" in mine.read_text()


def test_running_a_lesson_is_not_an_edit(kit, tmp_path):
    """A lesson that was only run (outputs saved, metadata rewritten by JupyterLab) still gets the new version."""
    dest = tmp_path / "aiskole"
    copy_content(dest, kit)
    ran = json.loads(
        notebook("print('v1')", outputs=[{"output_type": "stream", "name": "stdout", "text": "v1"}])
    )
    ran["metadata"] = {"language_info": {"name": "python", "version": "3.11.7"}}
    (dest / "lektioner" / "01" / "lektion.ipynb").write_text(json.dumps(ran))
    (kit["lektioner"] / "01" / "lektion.ipynb").write_text(notebook("print('v2')"))
    result = copy_content(dest, kit)
    assert result.updated == ["lektioner/01/lektion.ipynb"] and result.kept == []


def test_a_file_the_kit_did_not_put_there_is_the_learners(kit, tmp_path):
    dest = tmp_path / "aiskole"
    (dest / "apps").mkdir(parents=True)
    (dest / "apps" / "app.ipynb").write_text(notebook("my own"))
    result = copy_content(dest, kit)
    assert result.kept == ["apps/app.ipynb"]
    assert "my own" in (dest / "apps" / "app.ipynb").read_text()


def test_deleted_files_come_back(kit, tmp_path):
    dest = tmp_path / "aiskole"
    copy_content(dest, kit)
    (dest / "apps" / "app.ipynb").unlink()
    assert copy_content(dest, kit).copied == ["apps/app.ipynb"]


def test_a_file_in_the_way_is_a_danish_error(kit, tmp_path):
    (tmp_path / "aiskole").write_text("x")
    with pytest.raises(ValueError, match="er ikke en mappe"):
        copy_content(tmp_path / "aiskole", kit)


def test_the_real_content_has_lessons_and_the_mini_dpia():
    sources = content_sources()
    assert (sources["apps"] / "mini-dpia.ipynb").is_file()
    assert list(sources["lektioner"].glob("*/*.ipynb"))


def test_the_command_copies_into_the_given_folder(tmp_path):
    run = subprocess.run(
        [sys.executable, "-m", "aiskole.cli", "content", str(tmp_path / "mine")],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert run.returncode == 0, run.stderr
    assert "nye" in run.stdout
    assert (tmp_path / "mine" / "apps" / "mini-dpia.ipynb").is_file()
    assert (tmp_path / "mine" / "lektioner" / "00-start-her" / "00-start-her.ipynb").is_file()
