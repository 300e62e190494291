"""deploy/nginx/aiskole.conf, run for real in front of Voilà: TLS, redirect, gzip, websockets, no access log."""

from __future__ import annotations

import gzip
import os
import re
import shutil
import socket
import ssl
import subprocess
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import LAPTOP

pytestmark = pytest.mark.browser

ROOT = Path(__file__).resolve().parents[2]
NGINX = shutil.which("nginx") or "/usr/sbin/nginx"


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture
def nginx(tmp_path, voila_sqlite):
    if not Path(NGINX).exists():
        pytest.fail("nginx is missing: run `make test-deps`")
    subprocess.run(
        [
            "openssl",
            "req",
            "-x509",
            "-newkey",
            "rsa:2048",
            "-nodes",
            "-days",
            "2",
            "-subj",
            "/CN=127.0.0.1",
            "-keyout",
            str(tmp_path / "key.pem"),
            "-out",
            str(tmp_path / "cert.pem"),
        ],
        check=True,
        capture_output=True,
    )
    http_port, https_port = _free_port(), _free_port()
    voila_port = voila_sqlite.url.rsplit(":", 1)[1].strip("/")
    site = (ROOT / "deploy" / "nginx" / "aiskole.conf").read_text()
    for old, new in [
        ("server 127.0.0.1:8866;", f"server 127.0.0.1:{voila_port};"),
        ("listen 80;", f"listen 127.0.0.1:{http_port};"),
        ("listen 443 ssl;", f"listen 127.0.0.1:{https_port} ssl;"),
        ("/etc/aiskole/tls/cert.pem", str(tmp_path / "cert.pem")),
        ("/etc/aiskole/tls/key.pem", str(tmp_path / "key.pem")),
    ]:
        assert old in site, old
        site = site.replace(old, new)
    (tmp_path / "site.conf").write_text(site)
    for d in ("body", "proxy"):
        (tmp_path / d).mkdir()
    user = "user root;" if os.geteuid() == 0 else ""
    (tmp_path / "nginx.conf").write_text(
        f"{user}\ndaemon off;\npid {tmp_path}/nginx.pid;\nerror_log {tmp_path}/error.log;\nevents {{}}\n"
        f"http {{\n client_body_temp_path {tmp_path}/body;\n proxy_temp_path {tmp_path}/proxy;\n"
        f" include {tmp_path}/site.conf;\n}}\n"
    )
    check = subprocess.run(
        [NGINX, "-t", "-p", str(tmp_path), "-c", str(tmp_path / "nginx.conf")], capture_output=True, text=True
    )
    assert check.returncode == 0, check.stderr
    process = subprocess.Popen(
        [NGINX, "-p", str(tmp_path), "-c", str(tmp_path / "nginx.conf")],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.STDOUT,
    )
    base = f"https://127.0.0.1:{https_port}/"
    context = ssl.create_default_context(cafile=str(tmp_path / "cert.pem"))
    context.check_hostname = False
    deadline = time.time() + 20
    while True:
        try:
            urllib.request.urlopen(base, context=context, timeout=5)
            break
        except OSError:
            if time.time() > deadline:
                raise
            time.sleep(0.2)
    yield {"https": base, "http": f"http://127.0.0.1:{http_port}/", "ssl": context, "dir": tmp_path}
    process.terminate()
    process.wait(timeout=10)


class NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


def test_http_redirects_to_https(nginx):
    opener = urllib.request.build_opener(NoRedirect)
    with pytest.raises(urllib.error.HTTPError) as info:
        opener.open(nginx["http"] + "voila/render/mini-dpia.ipynb", timeout=10)
    assert info.value.code == 301
    assert info.value.headers["Location"].startswith("https://")


def test_tls_and_gzip(nginx):
    page = urllib.request.urlopen(nginx["https"], context=nginx["ssl"], timeout=30).read().decode("utf-8")
    assert "aiskole – øvelser" in page
    app = (
        urllib.request.urlopen(
            nginx["https"] + "voila/render/mini-dpia.ipynb", context=nginx["ssl"], timeout=60
        )
        .read()
        .decode("utf-8")
    )
    script = re.search(r'src="([^"]*/voila\.js)"', app).group(1)
    request = urllib.request.Request(
        urllib.parse.urljoin(nginx["https"], script), headers={"Accept-Encoding": "gzip"}
    )
    with urllib.request.urlopen(request, context=nginx["ssl"], timeout=30) as response:
        body = response.read()
        assert response.headers["Content-Encoding"] == "gzip"
        assert any("public" in v for v in response.headers.get_all("Cache-Control"))
    assert len(gzip.decompress(body)) > len(body) * 2
    assert not list(nginx["dir"].glob("*access*"))  # nothing personal is logged


def test_the_app_works_through_the_proxy(nginx, browser):
    """Do the widgets (websockets through nginx) work end to end: answer, save, see the verdict?"""
    context = browser.new_context(viewport=LAPTOP, ignore_https_errors=True)
    page = context.new_page()
    page.goto(nginx["https"] + "voila/render/mini-dpia.ipynb", wait_until="commit")
    for number in range(1, 11):
        box = page.locator(".aiskole-question", has_text=re.compile(rf"^{number}\. "))
        box.get_by_role("radio", name="Nej").check()
    expect(page.locator(".aiskole-verdict")).to_have_text(re.compile("Ingen DPIA"))
    page.get_by_role("button", name="Gem").click()
    expect(page.get_by_text(re.compile(r"Gemt som screening nr\. \d+"))).to_be_visible()
    context.close()
