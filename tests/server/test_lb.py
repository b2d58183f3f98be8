"""The shipped load balancer (deploy/lb/nginx.conf, Debian's nginx) in front of two ``hallq server``
processes on one database (SQLite file; PostgreSQL when reachable).

What a hall would notice if it went wrong: through the balancer, a number printed twice or a visitor
called to two windows; a lobby screen connected through it missing or repeating a call; a phone's
tracking page not found because it reached the other process.
"""

from __future__ import annotations

import re
import shutil
import subprocess
import time
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

import httpx
import pytest

from client import HallClient
from tests.server.conftest import free_port
from tests.server.test_multiprocess import HALL, KIOSKS, TICKETS_PER_KIOSK, WINDOWS, Screen, hammer, stored, two_servers

pytestmark = [pytest.mark.timeout(300),
              pytest.mark.skipif(shutil.which("nginx") is None, reason="nginx not installed (.ci/bootstrap-system)")]

SHIPPED = Path(__file__).resolve().parents[2] / "deploy" / "lb" / "nginx.conf"


def render(listen: int, ports: list[int]) -> str:
    """The shipped configuration with this test's ports (the rest exactly as shipped)."""
    text = SHIPPED.read_text()
    text = re.sub(r"listen \d+;", f"listen 127.0.0.1:{listen};", text)
    upstream = "".join(f"        server 127.0.0.1:{p};\n" for p in ports)
    return re.sub(r"(        server 127\.0\.0\.1:\d+;\n)+", upstream, text)


@dataclass
class Balancer:
    base_url: str

    @property
    def ws_url(self) -> str:
        return self.base_url.replace("http://", "ws://")


@pytest.fixture
def nginx(tmp_path: Path):
    procs: list[subprocess.Popen] = []

    def start(ports: list[int]) -> Balancer:
        listen = free_port()
        conf = tmp_path / "nginx.conf"
        conf.write_text(render(listen, ports))
        proc = subprocess.Popen(
            ["nginx", "-p", str(tmp_path), "-c", str(conf), "-e", str(tmp_path / "error.log"),
             "-g", f"daemon off; pid {tmp_path / 'nginx.pid'};"],
            stdout=subprocess.DEVNULL, stderr=subprocess.STDOUT)
        procs.append(proc)
        base = f"http://127.0.0.1:{listen}"
        deadline = time.monotonic() + 30
        while True:  # readiness probe
            try:
                if httpx.get(base + "/healthz", timeout=2).status_code == 200:
                    return Balancer(base)
            except httpx.TransportError:
                pass
            if proc.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError(f"nginx did not come up: {(tmp_path / 'error.log').read_text(errors='replace')}")
            time.sleep(0.05)

    yield start
    for proc in procs:
        proc.terminate()
        proc.wait(timeout=30)


def test_two_processes_behind_nginx_lose_nothing_and_never_double_call(db_url, spawn_server, tmp_path, nginx):
    a, b = two_servers(db_url, spawn_server, tmp_path)
    lb = nginx([int(a.base_url.rsplit(":", 1)[1]), int(b.base_url.rsplit(":", 1)[1])])
    kiosk_tokens = [a.add_device("kiosk") for _ in range(KIOSKS)]
    counter_tokens = {n: a.add_device("counter", window=n) for n in range(1, WINDOWS + 1)}
    display = a.add_device("display")
    a.add_clerk("m1", windows=tuple(range(1, WINDOWS + 1)))
    with HallClient(lb.base_url, a.login("m1")) as clerk:
        for n in range(1, WINDOWS + 1):
            clerk.sign_in(HALL, n)
        seq0 = clerk.snapshot(HALL).seq

    # clients take turns: through the balancer, then straight to each process
    with Screen(lb, display, seq0) as screen:  # type: ignore[arg-type]
        done = hammer([lb, a, b], kiosk_tokens, counter_tokens)  # type: ignore[list-item]
        with HallClient(lb.base_url, display) as s:
            final_seq = s.snapshot(HALL).seq
        stream = screen.until(final_seq)

    issued = [tk for _which, tk in done["issued"]]
    assert len(issued) == KIOSKS * TICKETS_PER_KIOSK
    for prefix in ("A", "C"):
        numbers = sorted(int(tk["number"][1:]) for tk in issued if tk["number"][0] == prefix)
        assert numbers == list(range(1, len(numbers) + 1)), prefix
    called_ids = [tid for _w, tid in done["calls"]]
    assert Counter(called_ids) == Counter({tk["id"]: 1 for tk in issued})
    tickets, called_events = stored(a.engine)
    assert all(tickets[tk["id"]]["state"] == "done" for tk in issued)
    assert set(called_events.values()) == {1}
    # the screen behind the balancer saw every event once, in order
    assert [m["seq"] for m in stream] == list(range(seq0 + 1, final_seq + 1))

    # tracking pages are spread over the processes: each finds every ticket, with its final state
    with httpx.Client(base_url=lb.base_url) as phone:
        for tk in issued[:20]:
            got = phone.get(f"/api/v1/track/{tk['track_url'].rsplit('/', 1)[1]}")
            assert got.status_code == 200 and got.json()["state"] == "done"
