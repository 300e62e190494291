"""deploy/jupyterhub: the Zero to JupyterHub values and the single-user Dockerfile.

Neither Helm nor Docker can run here, so: the values are linted (yamllint) and validated the way ``helm install``
does it (merged over the chart's defaults, against the chart's own values schema, both vendored from the chart's
4.4.0 release in tests/hub/z2jh-4.4.0/); the Dockerfile is linted with hadolint; and the single-user settings are
the ones tests/hub/hubserver.py gives the real JupyterHub of tests/browser/test_jupyterhub.py.
"""

from __future__ import annotations

import copy
import json
import re
import shutil
import subprocess
import sys
import tomllib
from pathlib import Path

import jsonschema
import pytest
import yaml

from aiskole.jupyter_extension import CONTENT_DIR_ENV
from tests.hub.hubserver import (
    CHP_VERSIONS,
    TEMPLATES,
    hub_config,
    hub_templates,
    load_values,
    singleuser_environment,
)

ROOT = Path(__file__).resolve().parents[2]
DEPLOY = ROOT / "deploy" / "jupyterhub"
CHART = Path(__file__).resolve().parent / "z2jh-4.4.0"
YAMLLINT = "{extends: default, rules: {line-length: {max: 120}, document-start: disable}}"


def helm_merge(base: dict, override: dict) -> dict:
    """Helm's coalescing of a values file over the chart's defaults: maps merge, anything else replaces, and a
    null removes the key."""
    merged = copy.deepcopy(base)
    for key, value in override.items():
        if value is None:
            merged.pop(key, None)
        elif isinstance(value, dict) and isinstance(merged.get(key), dict):
            merged[key] = helm_merge(merged[key], value)
        else:
            merged[key] = copy.deepcopy(value)
    return merged


def validate(values: dict) -> None:
    schema = json.loads((CHART / "values.schema.json").read_text())
    defaults = yaml.safe_load((CHART / "values.yaml").read_text())
    jsonschema.validate(helm_merge(defaults, values), schema)


def test_values_pass_yamllint():
    run = subprocess.run(
        [sys.executable, "-m", "yamllint", "--strict", "-d", YAMLLINT, str(DEPLOY / "values.yaml")],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert run.returncode == 0, run.stdout + run.stderr


def with_set_files(values: dict) -> dict:
    """The values as `helm --set-file hub.extraFiles.<key>.stringData=<file>` (README.md) completes them."""
    values = copy.deepcopy(values)
    for key, source in hub_templates(values).items():
        values["hub"]["extraFiles"][key]["stringData"] = source.read_text(encoding="utf-8")
    return values


def test_values_are_valid_for_the_chart():
    validate(with_set_files(load_values()))


def test_every_danish_hub_template_is_mounted_and_in_the_install_command():
    """Each file in deploy/jupyterhub/templates/ is an extraFiles entry in a template path, has a --set-file in
    the README's helm command, and is a template Jinja can parse that extends JupyterHub's own."""
    import jinja2

    mounted = hub_templates(load_values())
    assert sorted(p.name for p in mounted.values()) == sorted(p.name for p in TEMPLATES.glob("*.html"))
    readme = (DEPLOY / "README.md").read_text(encoding="utf-8")
    env = jinja2.Environment()
    for key, source in mounted.items():
        assert (
            f"--set-file hub.extraFiles.{key}.stringData=deploy/jupyterhub/templates/{source.name}" in readme
        )
        text = source.read_text(encoding="utf-8")
        env.parse(text)
        assert f'{{% extends "templates/{source.name}" %}}' in text


@pytest.mark.parametrize(
    "broken",
    [
        {"singleuser": {"extraEnvs": {"X": "1"}}},  # a typo
        {"singleuser": {"networkPolicy": {"egressAllowRules": {"nonPrivateIPs": "no"}}}},  # not a boolean
        {"cull": {"enabled": "yes"}},
    ],
)
def test_the_schema_check_catches_mistakes(broken):
    with pytest.raises(jsonschema.ValidationError):
        validate(helm_merge(load_values(), broken))


def test_values_keep_the_municipalitys_data_in():
    values = load_values()
    assert values["hub"]["config"]["JupyterHub"]["authenticator_class"] != "dummy"
    assert values["singleuser"]["networkPolicy"]["egressAllowRules"]["nonPrivateIPs"] is False
    assert values["cull"]["enabled"] is True and values["cull"]["timeout"] > 0
    secret = values["singleuser"]["extraEnv"]["AISKOLE_DATABASE_URL"]["valueFrom"]["secretKeyRef"]
    assert secret["name"] and secret["key"]


def test_singleuser_settings_are_the_ones_the_local_hub_test_uses(tmp_path):
    """The hub test reads cmd, defaultUrl, extraEnv and extraFiles from values.yaml: here, that each of them means
    what it says for the kit (the content folder the extension copies into, the folder the users land in, real
    Jupyter traits in the server config)."""
    from jupyter_server.services.kernels.kernelmanager import MappingKernelManager
    from voila.execute import VoilaExecutor

    singleuser = load_values()["singleuser"]
    env = singleuser_environment(load_values(), "postgresql+psycopg://test")
    assert env["AISKOLE_DATABASE_URL"] == "postgresql+psycopg://test"
    content = env[CONTENT_DIR_ENV]
    assert singleuser["defaultUrl"] == f"/lab/tree/{content}"
    assert singleuser["cmd"] == "jupyterhub-singleuser"
    (server_config,) = singleuser["extraFiles"].values()
    mount = Path(server_config["mountPath"])
    assert mount.name == "jupyter_server_config.json"
    assert str(mount.parent) in ("/etc/jupyter", "/usr/local/etc/jupyter")  # on every Jupyter config path
    classes = {"MappingKernelManager": MappingKernelManager, "VoilaExecutor": VoilaExecutor}
    for section, traits in server_config["data"].items():
        assert set(traits) <= set(classes[section].class_trait_names(config=True)), section
    text = hub_config(tmp_path, port=1, database_url="sqlite://", values=load_values(), marker="x")
    assert "c.Spawner.default_url = '/lab/tree/aiskole'" in text
    assert (
        json.loads((tmp_path / "etc-jupyter" / "jupyter_server_config.json").read_text())
        == server_config["data"]
    )


def hadolint(path: Path) -> subprocess.CompletedProcess:
    return subprocess.run(
        [str(Path(sys.executable).parent / "hadolint"), "--failure-threshold", "style", str(path)],
        capture_output=True,
        text=True,
        timeout=60,
    )


def test_dockerfile_passes_hadolint():
    run = hadolint(DEPLOY / "Dockerfile")
    assert run.returncode == 0, run.stdout + run.stderr


def test_hadolint_does_find_mistakes(tmp_path):
    bad = tmp_path / "Dockerfile"
    bad.write_text("FROM quay.io/jupyter/minimal-notebook:latest\nRUN pip install aiskole\n")
    run = hadolint(bad)
    assert run.returncode != 0
    assert "DL3007" in run.stdout  # :latest


def test_dockerfile_builds_on_docker_stacks_with_the_kit_and_a_matching_hub():
    text = (DEPLOY / "Dockerfile").read_text()
    assert re.search(r"^ARG BASE_IMAGE=quay\.io/jupyter/[a-z-]+-notebook:\S+$", text, re.M)
    assert '"/tmp/aiskole[postgres]"' in text
    # the single-user side of JupyterHub on the same major version as the hub the tests run (and the chart deploys)
    test_extra = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]["optional-dependencies"][
        "test"
    ]
    hub_spec = next(dep for dep in test_extra if dep.startswith("jupyterhub"))
    assert f'"{hub_spec}"' in text
    ignored = (ROOT / ".dockerignore").read_text().split()
    assert {".venv", ".cache", ".git"} <= set(ignored)


def test_the_proxy_for_the_machines_node_is_chosen():
    from tests.hub.hubserver import chp_version

    assert CHP_VERSIONS[20] == "5.3.0"  # what Zero to JupyterHub 4.4 runs is 5.2.0; both need Node 20
    script = (ROOT / "scripts" / "install-test-deps.sh").read_text()
    assert "need+=(nodejs)" in script and "need+=(npm)" in script
    node = shutil.which("node")
    if node:
        assert chp_version(node) in CHP_VERSIONS.values()
