"""The Python packages of the static site: pinned, fetched from the registries (PyPI, npm) into a cache.

Pyodide's npm package has the runtime, the standard library and ``pyodide-lock.json``, but no package wheels:
by default a JupyterLite site fetches those from a CDN at run time. The site must work with no CDN, so every
wheel the kernel and the kit need is pinned here, fetched with ``pip download`` for Pyodide's Python and
platform, put beside the runtime, and listed in a new ``pyodide-lock.json`` (with its own sha256). The kernel then
preloads them all while Pyodide starts (:func:`write_lock`), in parallel, without asking any index.

Four kinds of pin:

``pure``
    a ``py3-none-any`` wheel from PyPI;
``emscripten``
    a wheel built for Pyodide's platform (``pyemscripten_<abi>_wasm32``) that its project publishes on PyPI;
``sdist``
    no Pyodide wheel exists on PyPI, but the package works without its C speedups: a pure wheel is made here
    from the sdist's Python files (:func:`pure_wheel_from_sdist`);
``trimmed``
    a pure wheel from PyPI with most of its data left out: Babel's wheel is 11 MB for CLDR data of ~1,000
    locales, and the site needs four; the kept files are named in :attr:`Pin.keep` (:func:`trimmed_wheel`).
"""

from __future__ import annotations

import base64
import csv
import email.parser
import hashlib
import io
import json
import os
import re
import shutil
import subprocess
import sys
import tarfile
import tempfile
import zipfile
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

from aiskole.resources import PACKAGE_DIR

#: The Pyodide that jupyterlite-pyodide-kernel 0.8.6 is built for (its ``PYODIDE_VERSION``).
PYODIDE_VERSION = "314.0.6"
#: Pyodide 314's Python and platform ABI (``pyodide-lock.json`` -> ``info``).
PYODIDE_PYTHON = "3.14"
PYODIDE_ABI = "2026_0"


class SiteBuildError(RuntimeError):
    """The static site could not be built. The message is Danish and safe to show."""


@dataclass(frozen=True)
class Pin:
    """One Python distribution of the site, at an exact version."""

    name: str
    version: str
    kind: Literal["pure", "emscripten", "sdist", "trimmed"] = "pure"
    #: For ``sdist``: the folders in the sdist that hold the importable packages, e.g. ``("src/markupsafe",)``.
    #: For ``trimmed``: the one folder in the wheel whose files are thinned out, e.g. ``("babel/locale-data",)``.
    package_dirs: tuple[str, ...] = ()
    #: For ``trimmed``: the file names kept in that folder (everything outside it is kept).
    keep: tuple[str, ...] = ()

    @property
    def key(self) -> str:
        """The canonical name (PEP 503), as ``pyodide-lock.json`` keys its packages."""
        return canonical(self.name)


#: What the Pyodide kernel itself loads (pyodide-kernel's worker installs ipykernel, comm, pyodide-kernel,
#: jedi and ipython; micropip and packaging come first). The versions are those of Pyodide 314.0.6's
#: ``pyodide-lock.json``: the kernel is released against them.
KERNEL_PINS: tuple[Pin, ...] = (
    Pin("micropip", "0.11.1"),  # 0.9.0 breaks pyodide-kernel 0.8.6
    Pin("packaging", "26.1"),
    Pin("ipython", "9.12.0"),
    Pin("asttokens", "3.0.1"),
    Pin("decorator", "5.2.1"),
    Pin("executing", "2.2.1"),
    Pin("matplotlib-inline", "0.2.1"),  # IPython needs it; it does not import matplotlib
    Pin("prompt-toolkit", "3.0.52"),
    Pin("pure-eval", "0.2.3"),
    Pin("pygments", "2.20.0"),
    Pin("ipython-pygments-lexers", "1.1.1"),  # IPython 9 needs it; Pyodide's lock leaves it out
    Pin("six", "1.17.0"),
    Pin("stack-data", "0.6.3"),
    Pin("traitlets", "5.14.3"),
    Pin("wcwidth", "0.6.0"),
    Pin("jedi", "0.19.2"),
    Pin("parso", "0.8.6"),
)

#: The CLDR files of Babel's ``locale-data`` the site ships (:data:`KIT_PINS`); LICENSE.unicode is CLDR's licence.
BABEL_LOCALES = ("root.dat", "da.dat", "da_DK.dat", "en.dat", "LICENSE.unicode")

#: What the included exercises import, with the kit's own pins where it has them (ipywidgets and
#: jupyterlab_widgets must match the widget front end the site is built with).
KIT_PINS: tuple[Pin, ...] = (
    Pin("ipywidgets", "8.1.9"),
    Pin("jupyterlab-widgets", "3.0.17"),
    Pin("comm", "0.2.3"),
    Pin("pydantic", "2.14.4"),
    Pin("pydantic-core", "2.50.5", "emscripten"),
    Pin("annotated-types", "0.8.0"),
    Pin("typing-inspection", "0.4.5"),
    Pin("typing-extensions", "4.16.0"),  # pydantic 2.14 needs >= 4.16 (Pyodide's lock has 4.15)
    Pin("sqlalchemy", "2.1.9"),  # SQLAlchemy publishes a pure wheel; sqlite3 is in Pyodide's stdlib
    Pin("pyyaml", "6.0.4", "sdist", ("lib/yaml",)),  # yaml falls back to its pure loader without libyaml
    Pin("python-stdnum", "2.2"),
    Pin("platformdirs", "4.14.9"),
    # Saving migrates the store: alembic -> mako -> markupsafe (pure: markupsafe falls back to _native)
    Pin("alembic", "1.20.1"),
    Pin("mako", "1.4.3"),
    Pin("markupsafe", "3.0.4", "sdist", ("src/markupsafe",)),
    Pin("filelock", "4.3.1"),
    # Every view renders its HTML with Jinja2 templates, and numbers and dates the Danish way with Babel
    # (CLDR data for Danish only: the locales aiskole.l10n uses, their parent root, English as Babel's
    # fallback; global.dat and the code are kept whole).
    Pin("jinja2", "3.1.6"),
    Pin("babel", "2.19.0", "trimmed", ("babel/locale-data",), BABEL_LOCALES),
    # aiskole.l10n shows times in Europe/Copenhagen (zoneinfo at import): Pyodide has no system time zone
    # database, so zoneinfo reads the tzdata package
    Pin("tzdata", "2026.6"),
)

PINS: tuple[Pin, ...] = KERNEL_PINS + KIT_PINS

#: Wheels that ship inside jupyterlite-pyodide-kernel's labextension (``static/pypi``): the kernel's own
#: Python side and the shims it puts in place of ipykernel and widgetsnbextension.
KERNEL_EXTENSION_WHEELS = ("ipykernel", "piplite", "pyodide-kernel", "widgetsnbextension")


def canonical(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


def _wheel_name_version(path: Path) -> tuple[str, str]:
    name, version = path.name.split("-")[:2]
    return canonical(name), version


# -- fetching -----------------------------------------------------------------------------------------------


def _run(cmd: Sequence[str], what: str) -> None:
    result = subprocess.run(list(cmd), capture_output=True, text=True)
    if result.returncode != 0:
        tail = (result.stderr or result.stdout)[-2000:]
        raise SiteBuildError(f"{what} mislykkedes:\n{tail}")


def fetch_pyodide(cache: Path, version: str = PYODIDE_VERSION) -> Path:
    """The unpacked npm package ``pyodide@version`` (runtime, stdlib, lock); fetched with ``npm pack`` once."""
    target = cache / f"pyodide-{version}"
    if (target / "pyodide-lock.json").is_file():
        return target
    npm = shutil.which("npm")
    if npm is None:
        raise SiteBuildError("npm mangler: det skal bruges til at hente Pyodide (npm-pakken pyodide).")
    downloads = cache / "npm"
    downloads.mkdir(parents=True, exist_ok=True)
    tarball = downloads / f"pyodide-{version}.tgz"
    if not tarball.is_file():
        _run([npm, "pack", f"pyodide@{version}", "--pack-destination", str(downloads)], "npm pack pyodide")
    unpack = Path(tempfile.mkdtemp(prefix=f".pyodide-{version}-", dir=cache))
    try:
        with tarfile.open(tarball) as tar:
            tar.extractall(unpack, filter="data")
        if not (target / "pyodide-lock.json").is_file():  # another build may have finished first
            shutil.rmtree(target, ignore_errors=True)
            (unpack / "package").rename(target)
    finally:
        shutil.rmtree(unpack, ignore_errors=True)
    return target


def _cached(folder: Path, pin: Pin, suffix: str) -> Path | None:
    for path in folder.glob(f"*{suffix}"):
        name, version = (
            _wheel_name_version(path) if suffix == ".whl" else path.name[: -len(suffix)].rsplit("-", 1)
        )
        if canonical(name) == pin.key and version == pin.version:
            return path
    return None


def _pip_download(specs: list[str], dest: Path, extra: list[str]) -> None:
    if specs:
        _run(
            [
                sys.executable,
                "-m",
                "pip",
                "download",
                "--quiet",
                "--no-deps",
                "-d",
                str(dest),
                *extra,
                *specs,
            ],
            "pip download " + " ".join(specs),
        )


def fetch_wheels(cache: Path, pins: Iterable[Pin] = PINS) -> dict[str, Path]:
    """A wheel for every pin, by canonical name: downloaded (or made from the sdist) once, then from ``cache``."""
    pins = list(pins)
    wheels_dir, sdist_dir = cache / "wheels", cache / "sdists"
    wheels_dir.mkdir(parents=True, exist_ok=True)
    sdist_dir.mkdir(parents=True, exist_ok=True)
    tag = f"--python-version={PYODIDE_PYTHON}"
    missing = {
        kind: [
            f"{p.name}=={p.version}" for p in pins if p.kind == kind and not _cached(wheels_dir, p, ".whl")
        ]
        for kind in ("pure", "emscripten", "sdist", "trimmed")
    }
    pure = missing["pure"] + missing["trimmed"]  # a trimmed wheel is made from the whole one from PyPI
    _pip_download(pure, wheels_dir, ["--only-binary=:all:", tag, "--platform=any"])
    py = PYODIDE_PYTHON.replace(".", "")
    _pip_download(
        missing["emscripten"],
        wheels_dir,
        ["--only-binary=:all:", tag, f"--abi=cp{py}", f"--platform=pyemscripten_{PYODIDE_ABI}_wasm32"],
    )
    wheels: dict[str, Path] = {}
    for pin in pins:
        if pin.kind == "sdist":
            wheel = _cached(wheels_dir, pin, ".whl")
            if wheel is None:
                sdist = _cached(sdist_dir, pin, ".tar.gz")
                if sdist is None:
                    _pip_download([f"{pin.name}=={pin.version}"], sdist_dir, ["--no-binary=:all:"])
                    sdist = _cached(sdist_dir, pin, ".tar.gz")
                if sdist is None:
                    raise SiteBuildError(f"Kildekoden til {pin.name} {pin.version} blev ikke fundet på PyPI.")
                wheel = pure_wheel_from_sdist(sdist, pin, wheels_dir)
        else:
            wheel = _cached(wheels_dir, pin, ".whl")
        if wheel is None:
            raise SiteBuildError(f"Der findes ingen wheel til {pin.name} {pin.version} til Pyodide på PyPI.")
        if pin.kind == "trimmed":
            wheel = trimmed_wheel(wheel, pin, cache / "trimmed")
        wheels[pin.key] = wheel
    return wheels


# -- making wheels ------------------------------------------------------------------------------------------


def _record_line(arcname: str, data: bytes) -> list[str]:
    digest = base64.urlsafe_b64encode(hashlib.sha256(data).digest()).rstrip(b"=").decode()
    return [arcname, f"sha256={digest}", str(len(data))]


def write_wheel(path: Path, files: dict[str, bytes], metadata: bytes, name: str, version: str) -> Path:
    """Write a pure ``py3-none-any`` wheel with ``files`` (arcname -> content) and a ``.dist-info``."""
    dist_info = f"{name.replace('-', '_')}-{version}.dist-info"
    wheel_meta = b"Wheel-Version: 1.0\nGenerator: aiskole.site\nRoot-Is-Purelib: true\nTag: py3-none-any\n"
    tops = sorted({a.split("/")[0].removesuffix(".py") for a in files if not a.startswith(dist_info + "/")})
    entries = {
        **files,
        f"{dist_info}/METADATA": metadata,
        f"{dist_info}/WHEEL": wheel_meta,
        f"{dist_info}/top_level.txt": ("\n".join(tops) + "\n").encode(),
    }
    record = io.StringIO()
    writer = csv.writer(record, lineterminator="\n")
    for arcname, data in entries.items():
        writer.writerow(_record_line(arcname, data))
    writer.writerow([f"{dist_info}/RECORD", "", ""])
    entries[f"{dist_info}/RECORD"] = record.getvalue().encode()
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    with zipfile.ZipFile(tmp, "w", zipfile.ZIP_DEFLATED) as zf:
        for arcname, data in entries.items():
            # fixed timestamps: the same sdist always gives the same wheel (and the same sha256 in the lock)
            info = zipfile.ZipInfo(arcname, date_time=(1980, 1, 1, 0, 0, 0))
            info.compress_type = zipfile.ZIP_DEFLATED
            info.external_attr = 0o644 << 16
            zf.writestr(info, data)
    tmp.replace(path)
    return path


def pure_wheel_from_sdist(sdist: Path, pin: Pin, dest: Path) -> Path:
    """A ``py3-none-any`` wheel from the Python files of ``sdist``'s :attr:`Pin.package_dirs` (no C code).

    Only ``.py`` files and ``py.typed`` are taken: the C speedups (``.c``, ``.pyx``) are left out, and the
    package's own fallback (MarkupSafe's ``_native``, PyYAML's pure loader) is what runs.
    """
    files: dict[str, bytes] = {}
    metadata = b""
    with tarfile.open(sdist) as tar:
        members = tar.getmembers()
        root = members[0].name.split("/")[0]
        for member in members:
            if not member.isfile():
                continue
            rel = member.name[len(root) + 1 :]
            if rel == "PKG-INFO":
                metadata = tar.extractfile(member).read()
            for folder in pin.package_dirs:
                if rel.startswith(folder + "/") and (rel.endswith(".py") or rel.endswith("/py.typed")):
                    package = folder.rsplit("/", 1)[-1]
                    files[package + rel[len(folder) :]] = tar.extractfile(member).read()
    if not files or not metadata:
        raise SiteBuildError(
            f"{sdist.name} har ikke de forventede Python-filer ({', '.join(pin.package_dirs)})."
        )
    name = canonical(pin.name).replace("-", "_")
    return write_wheel(dest / f"{name}-{pin.version}-py3-none-any.whl", files, metadata, name, pin.version)


def trimmed_wheel(wheel: Path, pin: Pin, dest: Path) -> Path:
    """``wheel`` without the files of :attr:`Pin.package_dirs` (one folder) that :attr:`Pin.keep` does not name.

    Everything else is copied unchanged (code, other data, the ``.dist-info``'s METADATA, licences and entry
    points); WHEEL, top_level.txt and RECORD are written anew. Made at every build (well under a second), so
    a changed :attr:`Pin.keep` never meets a stale wheel; the same input gives the same bytes.
    """
    (folder,) = pin.package_dirs
    name, version = _wheel_name_version(wheel)
    name = name.replace("-", "_")
    dist_info = f"{name}-{version}.dist-info"
    own = {f"{dist_info}/{n}" for n in ("METADATA", "WHEEL", "RECORD", "top_level.txt")}
    files: dict[str, bytes] = {}
    kept = set()
    with zipfile.ZipFile(wheel) as zf:
        metadata = zf.read(f"{dist_info}/METADATA")
        for arcname in zf.namelist():
            if arcname.endswith("/") or arcname in own:
                continue
            parent, _, base = arcname.rpartition("/")
            if parent == folder:
                if base not in pin.keep:
                    continue
                kept.add(base)
            files[arcname] = zf.read(arcname)
    if kept != set(pin.keep):
        raise SiteBuildError(
            f"{wheel.name} mangler {', '.join(sorted(set(pin.keep) - kept))} i {folder} (Pin.keep)."
        )
    return write_wheel(dest / f"{name}-{version}-py3-none-any.whl", files, metadata, name, version)


def kit_wheel(dest: Path) -> Path:
    """The kit's own pure wheel: ``pip wheel --no-deps`` from the checkout (datasets, lessons included)."""
    checkout = PACKAGE_DIR.parent
    if not (checkout / "pyproject.toml").is_file():
        raise SiteBuildError(
            "Den statiske side bygges fra en kopi af kittets kildekode (git clone), ikke fra en installeret pakke."
        )
    out = dest / "kit"
    shutil.rmtree(out, ignore_errors=True)
    _run(
        [sys.executable, "-m", "pip", "wheel", "--quiet", "--no-deps", "--no-build-isolation", "-w", str(out),
         str(checkout)],
        "pip wheel (kittets egen pakke)",
    )  # fmt: skip
    found = sorted(out.glob("aiskole-*-py3-none-any.whl"))
    if not found:
        raise SiteBuildError("pip wheel gav ingen ren wheel for aiskole.")
    return found[0]


# -- the lock -----------------------------------------------------------------------------------------------


def _wheel_metadata(path: Path):
    with zipfile.ZipFile(path) as zf:
        name = next(n for n in zf.namelist() if n.endswith(".dist-info/METADATA") and n.count("/") == 1)
        return email.parser.BytesParser().parsebytes(zf.read(name)), zf.namelist()


def _imports(names: list[str]) -> list[str]:
    tops = set()
    for n in names:
        parts = n.split("/")
        if parts[0].endswith((".dist-info", ".data")):
            continue
        if len(parts) > 1:
            tops.add(parts[0])
        elif parts[0].endswith(".py"):
            tops.add(parts[0][:-3])
    return sorted(t for t in tops if t.isidentifier())


def _requirements(meta) -> list:
    from packaging.requirements import Requirement

    env = {
        "sys_platform": "emscripten",
        "platform_system": "Emscripten",
        "platform_machine": "wasm32",
        "os_name": "posix",
        "python_version": PYODIDE_PYTHON,
        "python_full_version": PYODIDE_PYTHON + ".2",
        "implementation_name": "cpython",
        "platform_python_implementation": "CPython",
        "extra": "",
    }
    reqs = []
    for raw in meta.get_all("Requires-Dist") or []:
        req = Requirement(raw)
        if req.marker is None or req.marker.evaluate(env):
            reqs.append(req)
    return reqs


def lock_entry(path: Path, depends_on: set[str]) -> dict:
    """The ``pyodide-lock.json`` entry for a wheel that lies next to the lock."""
    meta, names = _wheel_metadata(path)
    key = canonical(meta["Name"])
    depends = sorted({canonical(r.name) for r in _requirements(meta)} & (depends_on - {key}))
    return {
        "name": key,
        "version": meta["Version"],
        "file_name": path.name,
        "install_dir": "site",
        "sha256": hashlib.sha256(path.read_bytes()).hexdigest(),
        "package_type": "package",
        "imports": _imports(names),
        "depends": depends,
        "unvendored_tests": False,
    }


def unmet_requirements(wheels: Iterable[Path], skip: Iterable[str] = ("aiskole",)) -> list[str]:
    """Requirements (for Pyodide's platform) of the wheels that the same set of wheels does not meet.

    ``skip``: distributions whose requirements are not checked; the kit's own list is for a server
    (Voilà, pandas, matplotlib ...), and the browser test proves what the included exercises import.
    """
    wheels = list(wheels)
    versions = {}
    metas = []
    for path in wheels:
        meta, _names = _wheel_metadata(path)
        versions[canonical(meta["Name"])] = meta["Version"]
        metas.append(meta)
    skip = {canonical(s) for s in skip}
    problems = []
    for meta in metas:
        if canonical(meta["Name"]) in skip:
            continue
        for req in _requirements(meta):
            have = versions.get(canonical(req.name))
            if have is None:
                problems.append(f"{meta['Name']} {meta['Version']} needs {req}: missing")
            elif not req.specifier.contains(have, prereleases=True):
                problems.append(f"{meta['Name']} {meta['Version']} needs {req}: have {have}")
    return problems


def write_lock(npm_lock: Path, wheels: Iterable[Path], dest: Path) -> list[str]:
    """Copy ``wheels`` into ``dest`` and write ``dest/pyodide-lock.json`` listing exactly them.

    The npm package's lock names ~350 packages whose wheels only the CDN has; none of those stay, so a
    package the site does not ship fails to import instead of being fetched from outside. Returns the
    canonical names, for ``loadPyodideOptions.packages``.
    """
    info = json.loads(npm_lock.read_text(encoding="utf-8"))["info"]
    dest.mkdir(parents=True, exist_ok=True)
    copied = []
    for wheel in wheels:
        target = dest / wheel.name
        shutil.copyfile(wheel, target)
        copied.append(target)
    keys = {canonical(_wheel_metadata(p)[0]["Name"]) for p in copied}
    packages = {}
    for path in copied:
        entry = lock_entry(path, keys)
        packages[entry["name"]] = entry
    lock = {"info": info, "packages": dict(sorted(packages.items()))}
    (dest / "pyodide-lock.json").write_text(json.dumps(lock, indent=1), encoding="utf-8")
    return sorted(packages)
