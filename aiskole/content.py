"""Copy the kit's lessons and apps into a learner's own folder, never overwriting the learner's edits.

On a JupyterHub every user has a home folder of their own, but after ``pip install aiskole`` the lesson and app
notebooks sit inside site-packages, where a hub user can neither find nor save them. :func:`copy_content` puts a
copy in the user's home::

    <dest>/lektioner/...        the lesson notebooks and facilitator guides
    <dest>/apps/*.ipynb         the Voilà apps (open them at /user/<name>/voila/render/<dest>/apps/<app>.ipynb)

It can run at every server start (see :mod:`aiskole.jupyter_extension`) and after every upgrade of the kit: a
manifest in ``<dest>`` records the checksum of each file as it was copied, so

- a file the learner has not changed is replaced by the new version (for a notebook, running it and saving the
  outputs is no change: only its cells' sources count),
- a file the learner has changed is kept as it is; when the kit's version differs, it is written beside it as
  ``<name> (ny udgave).<ext>``,
- a file the learner deleted, or one that never was there, is copied again,
- a file of the same name that the kit did not put there is treated as the learner's own.

The copy comes from the installed package (or the checkout, in a development install), so the notebooks always
match the installed ``aiskole`` code, and nothing is fetched from the network.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

from aiskole import __version__
from aiskole.resources import apps_dir, lessons_dir

#: The manifest's file name inside the destination folder (a dot file: JupyterLab does not list it).
MANIFEST = ".aiskole-indhold.json"
#: Added before the suffix of the kit's new version of a file the learner has changed.
NEW_VERSION_SUFFIX = " (ny udgave)"
#: Folder and file names never copied.
_SKIP = {".ipynb_checkpoints", "__pycache__", ".DS_Store"}


def content_sources() -> dict[str, Path]:
    """The folders to copy, by their name in the destination: the checkout's, or the copies bundled in the wheel."""
    return {"lektioner": lessons_dir(), "apps": apps_dir()}


@dataclass
class CopyResult:
    """What :func:`copy_content` did, as paths relative to the destination."""

    dest: Path
    copied: list[str] = field(default_factory=list)
    updated: list[str] = field(default_factory=list)
    kept: list[str] = field(default_factory=list)
    new_versions: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)

    def summary(self) -> str:
        """One Danish line for the terminal or the server log."""
        parts = [f"{len(self.copied)} nye", f"{len(self.updated)} opdaterede"]
        if self.kept:
            parts.append(f"{len(self.kept)} med dine egne ændringer beholdt")
        if self.new_versions:
            parts.append(
                f"{len(self.new_versions)} nye udgaver lagt ved siden af ('{NEW_VERSION_SUFFIX.strip()}')"
            )
        parts.append(f"{len(self.unchanged)} uændrede")
        return f"aiskole-indhold i {self.dest}: " + ", ".join(parts) + "."


def _sha256(path: Path) -> str:
    """The file's fingerprint: for a notebook only its cells' types and sources count.

    Opening a notebook in JupyterLab rewrites its metadata (the kernel's language_info), and running it adds outputs;
    neither is the learner's own work, and a lesson run once must still get the kit's next version. Text typed into
    a cell, or a cell added or removed, is.
    """
    data = path.read_bytes()
    if path.suffix == ".ipynb":
        try:
            cells = json.loads(data)["cells"]
            data = json.dumps(
                [[c.get("cell_type"), "".join(c.get("source", ""))] for c in cells], ensure_ascii=False
            ).encode()
        except (ValueError, KeyError, TypeError, AttributeError):
            pass  # not a readable notebook: the bytes decide
    return hashlib.sha256(data).hexdigest()


def _files(source: Path) -> list[Path]:
    return sorted(
        p for p in source.rglob("*") if p.is_file() and not _SKIP.intersection(p.relative_to(source).parts)
    )


def _new_version_path(path: Path) -> Path:
    return path.with_name(path.stem + NEW_VERSION_SUFFIX + path.suffix)


def _write(source: Path, target: Path) -> None:
    """Copy ``source`` to ``target`` atomically (a half-written notebook would not open)."""
    target.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=target.parent, prefix=".aiskole-", suffix=".tmp")
    os.close(fd)
    try:
        shutil.copyfile(source, tmp)
        os.chmod(tmp, 0o644)
        os.replace(tmp, target)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def _read_manifest(dest: Path) -> dict[str, str]:
    try:
        data = json.loads((dest / MANIFEST).read_text(encoding="utf-8"))
        return {str(k): str(v) for k, v in data.get("files", {}).items()}
    except (OSError, ValueError, AttributeError):
        return {}


def copy_content(dest: Path | str, sources: dict[str, Path] | None = None) -> CopyResult:
    """Copy the lessons and apps into ``dest``, keeping every change the learner has made.

    Parameters
    ----------
    dest
        The learner's folder, e.g. ``~/aiskole``. Created if missing.
    sources
        Folders to copy by their name under ``dest`` (default: :func:`content_sources`).

    Returns
    -------
    CopyResult
        The relative paths copied, updated, kept and so on.
    """
    dest = Path(dest).expanduser()
    if dest.exists() and not dest.is_dir():
        raise ValueError(f"{dest} findes allerede og er ikke en mappe. Vælg en anden mappe.")
    dest.mkdir(parents=True, exist_ok=True)
    sources = content_sources() if sources is None else sources
    manifest = _read_manifest(dest)
    result = CopyResult(dest=dest)
    recorded: dict[str, str] = {}
    for name, source in sources.items():
        if not source.is_dir():
            raise FileNotFoundError(f"Kittets indhold mangler i installationen: {source}")
        for path in _files(source):
            rel = (Path(name) / path.relative_to(source)).as_posix()
            target = dest / rel
            new_hash = _sha256(path)
            if not target.exists():
                _write(path, target)
                result.copied.append(rel)
                recorded[rel] = new_hash
                continue
            current = _sha256(target)
            if current == new_hash:
                result.unchanged.append(rel)
                recorded[rel] = new_hash
            elif manifest.get(rel) == current:  # the learner has not touched the kit's earlier version
                _write(path, target)
                result.updated.append(rel)
                recorded[rel] = new_hash
            else:  # the learner's own version: keep it, and put the kit's version beside it
                result.kept.append(rel)
                if rel in manifest:
                    recorded[rel] = manifest[rel]
                beside = _new_version_path(target)
                beside_rel = beside.relative_to(dest).as_posix()
                beside_hash = _sha256(beside) if beside.exists() else None
                if beside_hash == new_hash:
                    recorded[beside_rel] = new_hash
                elif beside_hash is None or manifest.get(beside_rel) == beside_hash:
                    # a new version beside it only replaces an earlier one the learner has not touched either
                    _write(path, beside)
                    result.new_versions.append(beside_rel)
                    recorded[beside_rel] = new_hash
    # files the kit no longer ships stay where they are (they may hold the learner's work); their entries go
    text = json.dumps({"aiskole": __version__, "files": recorded}, indent=1, sort_keys=True)
    fd, tmp = tempfile.mkstemp(dir=dest, prefix=".aiskole-", suffix=".tmp")
    with os.fdopen(fd, "w", encoding="utf-8") as f:
        f.write(text + "\n")
    os.replace(tmp, dest / MANIFEST)
    return result
