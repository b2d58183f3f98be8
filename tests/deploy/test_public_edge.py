"""The shipped public edge (deploy/nginx/hallq.conf) under Debian's real nginx with a self-signed certificate:
a phone (headless Chromium) opens a ticket's tracking page over HTTPS, staff and device endpoints are
refused through the proxy, and the server believes X-Forwarded-For only from the configured proxy address.
As shipped, two server processes share the database: the hall's (kiosks and counters on the LAN) and the
phones' own (deploy/systemd/hallq-public.service), which nginx proxies to; a ticket the kiosk has just
printed on the first is on the phone's page from the second.
"""

from __future__ import annotations

import json
import subprocess
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from tests.deploy.conftest import need
from tests.server.conftest import ServerProcess, free_port, start_server, stop_server

ROOT = Path(__file__).resolve().parents[2]
SHIPPED = ROOT / "deploy" / "nginx" / "hallq.conf"
PROXY_ADDR = "127.0.0.2"  # nginx connects to the server from here (proxy_bind): the one trusted address
PHONE_ADDR = "127.0.0.3"  # where the "phone" connects from


def _self_signed(directory: Path) -> tuple[Path, Path]:
    cert, key = directory / "fullchain.pem", directory / "privkey.pem"
    subprocess.run(
        [
            need("openssl", "openssl"),
            "req",
            "-x509",
            "-newkey",
            "rsa:2048",
            "-nodes",
            "-days",
            "2",
            "-subj",
            "/CN=hallq.example",
            "-addext",
            "subjectAltName=DNS:hallq.example,IP:127.0.0.1",
            "-keyout",
            str(key),
            "-out",
            str(cert),
        ],
        check=True,
        capture_output=True,
        timeout=60,
    )
    return cert, key


def _site_config(upstream_port: int, https_port: int, http_port: int, cert: Path, key: Path) -> str:
    """The shipped file with only the machine-specific values changed: ports, certificate paths, source address."""
    text = SHIPPED.read_text(encoding="utf-8")
    swaps = {
        "server 127.0.0.1:8081;": f"server 127.0.0.1:{upstream_port};",
        "listen 443 ssl http2;": f"listen 127.0.0.1:{https_port} ssl http2;",
        "listen [::]:443 ssl http2;": "",
        "listen 80;": f"listen 127.0.0.1:{http_port};",
        "listen [::]:80;": "",
        "/etc/hallq/tls/fullchain.pem": str(cert),
        "/etc/hallq/tls/privkey.pem": str(key),
        "proxy_http_version 1.1;": f"proxy_http_version 1.1;\n    proxy_bind {PROXY_ADDR};",
    }
    for old, new in swaps.items():
        assert old in text, f"{old!r} is no longer in {SHIPPED}: update this test's substitutions"
        text = text.replace(old, new)
    return text


@pytest.fixture(scope="module")
def edge(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[ServerProcess, ServerProcess, str, str]]:
    """(the hall's server, the phones' server nginx proxies to, https base, http base)."""
    nginx = need("nginx", "nginx-light")
    work = tmp_path_factory.mktemp("edge")
    db = f"sqlite:///{work / 'hallq.db'}"
    hall = start_server(work, db, "--forwarded-allow-ips", PROXY_ADDR)
    server = start_server(work, db, "--forwarded-allow-ips", PROXY_ADDR, "--limit-per-client", "0")
    https_port, http_port = free_port(), free_port()
    cert, key = _self_signed(work)
    (work / "hallq.conf").write_text(
        _site_config(int(server.base_url.rsplit(":", 1)[1]), https_port, http_port, cert, key), encoding="utf-8"
    )
    (work / "logs").mkdir()
    (work / "nginx.conf").write_text(
        # the minimal main file of Debian's /etc/nginx/nginx.conf: the shipped site is included in http {}
        "user root;\nworker_processes 1;\nerror_log logs/error.log;\npid nginx.pid;\n"
        "events { worker_connections 64; }\n"
        "http {\n include /etc/nginx/mime.types;\n access_log logs/access.log;\n"
        f" client_body_temp_path {work}/tmp;\n proxy_temp_path {work}/tmp;\n include hallq.conf;\n}}\n",
        encoding="utf-8",
    )
    (work / "tmp").mkdir()
    checked = subprocess.run(
        [nginx, "-t", "-p", str(work), "-c", str(work / "nginx.conf")], capture_output=True, text=True, timeout=30
    )
    assert checked.returncode == 0, checked.stderr
    proc = subprocess.Popen(
        [nginx, "-p", str(work), "-c", str(work / "nginx.conf"), "-g", "daemon off;"], stderr=subprocess.DEVNULL
    )  # its errors go to logs/error.log
    try:
        _wait_for(f"https://127.0.0.1:{https_port}/m/", proc)
        yield hall, server, f"https://127.0.0.1:{https_port}", f"http://127.0.0.1:{http_port}"
    finally:
        proc.terminate()
        proc.wait(timeout=15)
        stop_server(server)
        stop_server(hall)


def _wait_for(url: str, proc: subprocess.Popen) -> None:
    import time

    deadline = time.monotonic() + 30
    while True:  # readiness polling of the proxy, not synchronisation
        assert proc.poll() is None, "nginx exited: see logs/error.log"
        try:
            httpx.get(url, verify=False, timeout=2)
            return
        except httpx.TransportError:
            assert time.monotonic() < deadline, f"nginx did not answer {url}"
            time.sleep(0.05)


def _logged_clients(server: ServerProcess, expect: set[str]) -> set[str]:
    """Client addresses of the server's request log lines for /api/v1/halls, once ``expect`` are all there
    (the line is written just after the answer leaves, so the test may read the log first)."""
    import time

    deadline = time.monotonic() + 30
    while True:
        lines = [json.loads(line) for line in server.log().splitlines() if line.startswith("{")]
        clients = {ln.get("client") for ln in lines if ln.get("msg") == "request" and ln.get("path") == "/api/v1/halls"}
        if expect <= clients or time.monotonic() > deadline:
            return clients
        time.sleep(0.05)  # polling the log file


def _phone(base: str) -> httpx.Client:
    transport = httpx.HTTPTransport(local_address=PHONE_ADDR, verify=False)
    return httpx.Client(base_url=base, transport=transport, timeout=30)


def test_a_phone_opens_the_tracking_page_over_https(edge: tuple[ServerProcess, ServerProcess, str, str]) -> None:
    from tests.booking.browser import PHONE_VIEWPORT, chromium

    hall, _public, https, _http = edge
    kiosk = hall.add_device("kiosk")
    with hall.client(kiosk) as c:  # the kiosk issues on the LAN, straight to the hall's server
        issued = c.post("/api/v1/halls/test/tickets", json={"service": "GEN"}).json()
    token = issued["track_url"].rsplit("/t/", 1)[1]
    with chromium() as browser:
        page = browser.new_page(viewport=PHONE_VIEWPORT, ignore_https_errors=True)  # self-signed here
        page.set_default_timeout(120_000)  # a loaded CI box, not a speed requirement
        page.goto(f"{https}/t/{token}")
        page.locator("#number").filter(has_text=issued["number"]).wait_for()
        assert page.url.startswith("https://")
        assert page.locator("#error").is_hidden()
        page.close()


def test_staff_and_device_endpoints_are_refused_through_the_proxy(
        edge: tuple[ServerProcess, ServerProcess, str, str]) -> None:
    hall, _public, https, http = edge
    hall.add_clerk("7001", pin="246813", role="manager", windows=(1,))
    with _phone(https) as phone:
        assert phone.get("/api/v1/halls").status_code == 200  # the phone pages' own API passes
        refused = {
            ("POST", "/api/v1/auth/login"): {"staff_no": "7001", "pin": "246813"},
            ("GET", "/api/v1/devices"): None,
            ("POST", "/api/v1/halls/test/tickets"): {"service": "GEN"},
            ("GET", "/api/v1/halls/test/bookings"): None,  # the staff list; POST (book) is public
            ("GET", "/api/v1/halls/test/snapshot"): None,
            ("GET", "/api/v1/halls/test/windows/1"): None,
            ("GET", "/dashboard"): None,
            ("GET", "/metrics"): None,
            ("GET", "/docs"): None,
        }
        for (method, path), body in refused.items():
            r = phone.request(method, path, json=body)
            assert r.status_code == 403, f"{method} {path} through the proxy → {r.status_code}"
            assert "hall LAN only" in r.text
        ws = phone.get("/api/v1/halls/test/events", headers={"Upgrade": "websocket", "Connection": "Upgrade"})
        assert ws.status_code == 403
    with httpx.Client(base_url=http, timeout=30) as plain:
        r = plain.get("/m/", headers={"Host": "hallq.example"})
        assert r.status_code == 301 and r.headers["location"] == "https://hallq.example/m/"


def test_forwarded_addresses_are_believed_only_from_the_proxy(
        edge: tuple[ServerProcess, ServerProcess, str, str]) -> None:
    _hall, server, https, _http = edge  # the log of the process nginx proxies to
    with _phone(https) as phone:
        assert phone.get("/api/v1/halls", headers={"X-Forwarded-For": "6.6.6.6"}).status_code == 200
    with httpx.Client(base_url=server.base_url, timeout=30) as lan:  # straight to the server, not the proxy
        assert lan.get("/api/v1/halls?direct=1", headers={"X-Forwarded-For": "7.7.7.7"}).status_code == 200
    clients = _logged_clients(server, {PHONE_ADDR, "127.0.0.1"})
    assert PHONE_ADDR in clients  # through nginx: the phone's own address, not nginx's and not the header
    assert "6.6.6.6" not in clients  # nginx overwrote the phone's X-Forwarded-For
    assert "7.7.7.7" not in clients  # 127.0.0.1 is not the configured proxy: its header is ignored
    assert "127.0.0.1" in clients  # the LAN request keeps its real address
