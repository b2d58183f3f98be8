"""Issue 14: the server carrying a province, against a bare uvicorn + FastAPI endpoint in the same run.

Run: ``.venv/bin/python bench/bench_province.py`` (``--only sqlite,pg,halls8,province`` to pick parts,
``--help`` for the sizes). Real ``hallq server`` processes (access log on, as deployed; SQLite with
``synchronous=FULL``), nginx from deploy/lb/nginx.conf in front of several, the load from its own process
(keep-alive HTTP/1.1 on uvloop), the WebSocket displays from another.

Every figure is given with the **server's CPU seconds per request** (``/proc/<pid>/stat`` of the server
processes over the phase, divided by the requests answered): it does not depend much on what else the
machine is doing, unlike throughput and latency, which do (the load average is printed before and after).

Parts:

* ``bare``    POST and GET of a ~200-byte JSON on bench/bare_app.py: the ceiling;
* ``sqlite``  one process, hall of 100 windows / 20 services: issue (closed loop), visitors (call → start →
  finish at 100 windows), snapshot (GET, full body, no ``If-None-Match``), paced issue without and with
  phones polling tracking pages, call → event at 100 WebSocket subscribers while the phones poll;
* ``pg``      the same issue phase on PostgreSQL;
* ``halls8``  8 halls on PostgreSQL, kiosks issuing in all of them: one process, then two behind nginx;
* ``province`` 200 halls on PostgreSQL, two processes behind nginx: kiosks issuing, counters cycling
  call/start/finish, one display per hall on the WebSocket, phones polling tracking pages.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import itertools
import json
import multiprocessing as mp
import random
import re
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(HERE))

import bench_server as bs  # noqa: E402  (the sibling script: server start/stop, databases, percentiles)

# -- configuration ----------------------------------------------------------------------------------------


def province_toml(halls: int, windows: int, services: int) -> str:
    """``halls`` halls open around the clock, each ``services`` services and ``windows`` windows serving
    3 services first and the rest after 20 minutes (the shape of bench_server's hall)."""
    out = ['[deployment]\nname = "province"\ntimezone = "Asia/Shanghai"\npublic_base_url = "http://hall.bench"\n']
    codes = [f"S{i:02d}" for i in range(services)]
    for h in range(halls):
        out.append(f'[[halls]]\nid = "h{h:03d}"\nname_zh = "大厅{h}"\nname_en = "Hall {h}"\n'
                   '  [halls.hours]\n  weekdays = ["00:00-24:00"]\n  saturday = ["00:00-24:00"]\n'
                   '  sunday = ["00:00-24:00"]\n  holiday = ["00:00-24:00"]\n  issue_stop_before_close_min = 0\n'
                   '  [halls.tide]\n  enabled = false\n'
                   '  [[halls.categories]]\n  id = "c"\n  name_zh = "综合"\n  name_en = "General"\n')
        for i, code in enumerate(codes):
            out.append(f'  [[halls.services]]\n  code = "{code}"\n  name_zh = "业务{i}"\n  name_en = "Service {i}"\n'
                       f'  category = "c"\n  prefix = "{chr(65 + i)}"\n  minutes = 8\n  daily_cap = 999\n'
                       '  extended = true\n  holiday = true\n')
        for n in range(1, windows + 1):
            first = ", ".join(f'"{codes[(n + k) % services]}"' for k in range(min(3, services)))
            rest = ", ".join(f'"{codes[(n + k) % services]}"' for k in range(3, min(8, services)))
            tiers = f'{{ services = [{first}] }}'
            if rest:
                tiers += f', {{ services = [{rest}], after_wait_min = 20 }}'
            out.append(f'  [[halls.windows]]\n  number = {n}\n  name_zh = "{n}号窗口"\n  name_en = "Window {n}"\n'
                       f'  profile = [{tiers}]\n')
    return "\n".join(out)


# -- HTTP client (load process) ---------------------------------------------------------------------------
class Conn:
    """One keep-alive HTTP/1.1 connection: GET/POST, status + Content-Length body (what uvicorn sends)."""

    def __init__(self, base: str) -> None:
        host, _, port = base.removeprefix("http://").partition(":")
        self.host, self.port = host, int(port)

    async def open(self) -> Conn:
        self.reader, self.writer = await asyncio.open_connection(self.host, self.port)
        return self

    def close(self) -> None:
        self.writer.close()

    async def send(self, method: str, path: str, token: str | None, body: Any = None,
                   headers: bytes = b"") -> tuple[int, bytes, bytes]:
        for attempt in (0, 1):
            try:
                return await self._send(method, path, token, body, headers)
            except (asyncio.IncompleteReadError, ConnectionError):
                if attempt:
                    raise
                self.writer.close()  # an idle keep-alive closed by the server: once more on a new one
                await self.open()
        raise AssertionError

    async def _send(self, method: str, path: str, token: str | None, body: Any,
                    headers: bytes) -> tuple[int, bytes, bytes]:
        data = json.dumps(body).encode() if body is not None else b""
        req = [method.encode(), b" ", path.encode(), b" HTTP/1.1\r\nHost: bench\r\n", headers]
        if token:
            req.append(b"Authorization: Bearer " + token.encode() + b"\r\n")
        if method == "POST":
            req.append(b"Content-Type: application/json\r\nContent-Length: " + str(len(data)).encode() + b"\r\n")
        req.append(b"\r\n")
        req.append(data)
        self.writer.write(b"".join(req))
        head = await self.reader.readuntil(b"\r\n\r\n")
        length = 0
        for line in head.split(b"\r\n")[1:]:
            name, _, value = line.partition(b":")
            if name.strip().lower() == b"content-length":
                length = int(value)
        return int(head[9:12]), head, (await self.reader.readexactly(length) if length else b"")


class Recorder:
    def __init__(self) -> None:
        self.lat: dict[str, list[float]] = {}
        self.errors: dict[str, int] = {}
        self.first_error: dict[str, str] = {}

    def add(self, kind: str, seconds: float, ok: bool, detail: str = "") -> None:
        self.lat.setdefault(kind, []).append(seconds)
        if not ok:
            self.errors[kind] = self.errors.get(kind, 0) + 1
            self.first_error.setdefault(kind, detail[:200])


async def _stream(spec: dict[str, Any], rec: Recorder, stop_at: float, out: dict[str, Any]) -> None:
    """One stream of requests (see :func:`run_load` for the specs)."""
    kind, mode = spec["kind"], spec["mode"]
    conns = [await Conn(spec["base"][i % len(spec["base"])]).open() for i in range(spec["conns"])]
    try:
        if mode == "closed":  # each connection sends its next request when the answer is in
            reqs = itertools.cycle(spec["requests"])

            async def worker(c: Conn) -> None:
                while time.perf_counter() < stop_at:
                    method, path, token, body = next(reqs)
                    t0 = time.perf_counter()
                    status, _h, got = await c.send(method, path, token, body)
                    rec.add(kind, time.perf_counter() - t0, status in spec["ok"], f"{status} {got[:150]!r}")
                    if spec.get("keep") and status in (200, 201):
                        out.setdefault("bodies", []).append(got)

            await asyncio.gather(*(worker(c) for c in conns))
        elif mode == "paced":  # open loop: request i is due at start + i/rate whatever the answers
            free: asyncio.Queue[Conn] = asyncio.Queue()
            for c in conns:
                free.put_nowait(c)
            reqs = itertools.cycle(spec["requests"])
            start = time.perf_counter()
            rate = spec["rate"]
            tasks = []

            async def one(due: float, req: tuple) -> None:
                await asyncio.sleep(max(0.0, due - time.perf_counter()))
                c = await free.get()
                try:
                    status, _h, got = await c.send(*req)
                finally:
                    free.put_nowait(c)
                rec.add(kind, time.perf_counter() - due, status in spec["ok"], f"{status} {got[:150]!r}")

            i = 0
            while (due := start + i / rate) < stop_at:
                tasks.append(asyncio.create_task(one(due, next(reqs))))
                i += 1
                if i % 200 == 0:
                    await asyncio.sleep(max(0.0, start + (i - 100) / rate - time.perf_counter()))
            await asyncio.gather(*tasks)
        elif mode == "visitors":  # counters: each connection cycles its windows call → start → finish
            windows = list(spec["windows"])  # (hall, window)
            random.Random(1).shuffle(windows)
            per = [windows[i::len(conns)] for i in range(len(conns))]

            async def counter(c: Conn, mine: list[tuple[str, int]]) -> None:
                for hall, n in itertools.cycle(mine):
                    if time.perf_counter() >= stop_at:
                        return
                    base = f"/api/v1/halls/{hall}/windows/{n}"
                    t0 = time.perf_counter()
                    status, _h, got = await c.send("POST", base + "/call", spec["token"])
                    rec.add("call", time.perf_counter() - t0, status in (200, 204), f"{status} {got[:150]!r}")
                    if status != 200:
                        continue
                    for action, body in (("start", None), ("finish", {"outcome": "completed"})):
                        t0 = time.perf_counter()
                        status, _h, got = await c.send("POST", f"{base}/{action}", spec["token"], body)
                        rec.add(action, time.perf_counter() - t0, status == 200, f"{status} {got[:150]!r}")
                    out["visitors"] = out.get("visitors", 0) + 1

            await asyncio.gather(*(counter(c, m) for c, m in zip(conns, per, strict=False) if m))
    finally:
        for c in conns:
            c.close()


async def _load(specs: list[dict[str, Any]], seconds: float) -> dict[str, Any]:
    rec = Recorder()
    out: dict[str, Any] = {}
    start = time.perf_counter()
    await asyncio.gather(*(_stream(s, rec, start + seconds, out) for s in specs))
    wall = time.perf_counter() - start
    kinds = {k: {"n": len(v), "per_s": len(v) / wall, "p50_ms": bs.pct(v, 0.5), "p99_ms": bs.pct(v, 0.99),
                 "errors": rec.errors.get(k, 0), "first_error": rec.first_error.get(k, "")}
             for k, v in rec.lat.items()}
    return {"wall_s": wall, "kinds": kinds, "visitors": out.get("visitors", 0),
            "bodies": [b.decode() for b in out.get("bodies", [])]}


def _load_process(specs: list[dict[str, Any]], seconds: float, results: Any) -> None:
    import uvloop

    before = resource.getrusage(resource.RUSAGE_SELF)
    out = uvloop.run(_load(specs, seconds))
    after = resource.getrusage(resource.RUSAGE_SELF)
    out["client_cpu_s"] = after.ru_utime - before.ru_utime + after.ru_stime - before.ru_stime
    results.put(out)


def run_load(pids: list[int], specs: list[dict[str, Any]], seconds: float, *, during: Any = None) -> dict[str, Any]:
    """Run the streams for ``seconds`` in a process of their own; the servers' CPU over that time.

    Specs: ``{"kind", "base": [urls], "conns", "mode": closed|paced|visitors, "requests": [(method, path,
    token, body)], "ok": {statuses}, "rate" (paced), "windows" + "token" (visitors), "keep" (bodies)}``.
    ``during()`` runs in this process meanwhile (e.g. the WebSocket fan-out measurement)."""
    ctx = mp.get_context("spawn")
    results = ctx.Queue()
    cpu0 = [bs.cpu_seconds(p) for p in pids]
    split0 = [bs.cpu_split(p) for p in pids]
    proc = ctx.Process(target=_load_process, args=(specs, seconds, results))
    proc.start()
    side = during() if during is not None else None
    out = bs._result_of(proc, results)
    out["server_cpu_s"] = sum(bs.cpu_seconds(p) - c for p, c in zip(pids, cpu0, strict=True))
    split1 = [bs.cpu_split(p) for p in pids]
    # the event loop's share and the writer's (other threads), as seen at the phase's end
    out["server_loop_cpu_s"] = sum(b[0] - a[0] for a, b in zip(split0, split1, strict=True))
    out["server_threads_cpu_s"] = sum(b[1] - a[1] for a, b in zip(split0, split1, strict=True))
    n = sum(k["n"] for k in out["kinds"].values())
    out["cpu_ms_per_request"] = 1000 * out["server_cpu_s"] / max(1, n)
    out["during"] = side
    return out


# -- servers ----------------------------------------------------------------------------------------------
def start_bare(workdir: Path) -> bs.Server:
    import httpx

    port = bs.free_port()
    log = open(workdir / "bare.log", "wb")  # noqa: SIM115
    proc = subprocess.Popen([sys.executable, str(HERE / "bare_app.py"), str(port)], stdout=log,
                            stderr=subprocess.STDOUT)
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 60
    while True:
        with contextlib.suppress(httpx.TransportError):
            if httpx.get(base + "/healthz", timeout=2).status_code == 200:
                return bs.Server(proc, base)
        if proc.poll() is not None or time.monotonic() > deadline:
            raise SystemExit("bare app did not start")
        time.sleep(0.05)  # readiness polling


def start_nginx(workdir: Path, ports: list[int]) -> tuple[subprocess.Popen, str]:
    import httpx

    listen = bs.free_port()
    text = (ROOT / "deploy" / "lb" / "nginx.conf").read_text()
    text = re.sub(r"listen \d+;", f"listen 127.0.0.1:{listen};", text)
    text = re.sub(r"(        server 127\.0\.0\.1:\d+;\n)+", "".join(f"        server 127.0.0.1:{p};\n" for p in ports),
                  text)
    text = text.replace("worker_processes auto;", "worker_processes 1;")  # one core's worth: measured apart
    conf = workdir / "nginx.conf"
    conf.write_text(text)
    proc = subprocess.Popen(["nginx", "-p", str(workdir), "-c", str(conf), "-e", str(workdir / "nginx-error.log"),
                             "-g", f"daemon off; pid {workdir / 'nginx.pid'};"])
    base = f"http://127.0.0.1:{listen}"
    deadline = time.monotonic() + 30
    while True:
        with contextlib.suppress(httpx.TransportError):
            if httpx.get(base + "/healthz", timeout=2).status_code == 200:
                return proc, base
        if proc.poll() is not None or time.monotonic() > deadline:
            raise SystemExit("nginx did not start")
        time.sleep(0.05)


def nginx_pids(master: subprocess.Popen) -> list[int]:
    kids = Path(f"/proc/{master.pid}/task/{master.pid}/children").read_text().split()
    return [master.pid, *map(int, kids)]


def tokens_for(db_url: str, base: str, halls: list[str], windows: int) -> dict[str, str]:
    """A kiosk and a display for every hall (``kiosk:<hall>``, ``display:<hall>``), a clerk signed in at
    every window of every hall (``clerk``)."""
    import httpx

    from server.auth import add_clerk, add_device
    from server.storage.db import make_engine

    engine = make_engine(db_url)
    now = time.time()
    out = {}
    for hall in halls:
        for kind in ("kiosk", "display"):
            out[f"{kind}:{hall}"] = add_device(engine, kind=kind, name=f"{kind}-{hall}", hall=hall, window=None,
                                               now=now, by="bench").token
    add_clerk(engine, staff_no="b1", name="压测", pin="135790", role="clerk", windows=list(range(1, windows + 1)),
              hall=None, photo="", now=now, by="bench")
    engine.dispose()
    with httpx.Client(base_url=base, timeout=120) as c:
        r = c.post("/api/v1/auth/login", json={"staff_no": "b1", "pin": "135790"})
        r.raise_for_status()
        clerk = r.json()["token"]
        c.headers["Authorization"] = f"Bearer {clerk}"
        for hall in halls:
            for n in range(1, windows + 1):
                c.post(f"/api/v1/halls/{hall}/windows/{n}/sign-in").raise_for_status()
    return {**out, "clerk": clerk}


def issue_requests(halls: list[str], tok: dict[str, str], services: int) -> list[tuple]:
    return [("POST", f"/api/v1/halls/{h}/tickets", tok[f"kiosk:{h}"], {"service": f"S{i % services:02d}"})
            for i in range(services * 7) for h in halls]


# -- parts ------------------------------------------------------------------------------------------------
def part_bare(args: argparse.Namespace, workdir: Path) -> dict[str, Any]:
    srv = start_bare(workdir)
    try:
        pid = [srv.proc.pid]
        post = run_load(pid, [{"kind": "bare POST", "base": [srv.base_url], "conns": args.conns, "mode": "closed",
                               "requests": [("POST", "/issue", "x", {"service": "S00"})], "ok": {201}}], args.seconds)
        get = run_load(pid, [{"kind": "bare GET", "base": [srv.base_url], "conns": args.conns, "mode": "closed",
                              "requests": [("GET", "/read", "x", None)], "ok": {200}}], args.seconds)
    finally:
        bs.stop_server(srv)
    return {"post": post, "get": get}


def part_sqlite_like(kind: str, args: argparse.Namespace, workdir: Path, *, full: bool) -> dict[str, Any] | None:
    hall = "h000"
    cfg = workdir / f"{kind}.toml"
    cfg.write_text(province_toml(1, 100, 20), encoding="utf-8")
    with bs.database("sqlite" if kind == "sqlite" else "postgres", workdir) as db_url:
        if db_url is None:
            return None
        srv = bs.start_server(workdir, db_url, cfg, "INFO")
        try:
            tok = tokens_for(db_url, srv.base_url, [hall], 100)
            pid = [srv.proc.pid]
            base = [srv.base_url]
            issues = issue_requests([hall], tok, 20)
            out: dict[str, Any] = {}
            out["issue"] = run_load(pid, [{"kind": "issue", "base": base, "conns": args.conns, "mode": "closed",
                                           "requests": issues, "ok": {201}, "keep": True}], args.seconds)
            tracks = [b["track_url"].rsplit("/", 1)[1] for b in map(json.loads, out["issue"].pop("bodies"))]
            if not full:
                return out
            out["visitors"] = run_load(pid, [{"kind": "visitors", "base": base, "conns": args.conns,
                                              "mode": "visitors", "token": tok["clerk"],
                                              "windows": [(hall, n) for n in range(1, 101)]}], args.seconds)
            snap = ("GET", f"/api/v1/halls/{hall}/snapshot", tok[f"display:{hall}"], None)
            out["snapshot"] = run_load(pid, [{"kind": "snapshot", "base": base, "conns": args.conns, "mode": "closed",
                                              "requests": [snap], "ok": {200}}], args.seconds)
            paced = {"kind": "paced issue", "base": base, "conns": 8, "mode": "paced", "rate": args.paced_rate,
                     "requests": issues, "ok": {201}}
            out["paced"] = run_load(pid, [paced], args.seconds)
            phones = {"kind": "track", "base": base, "conns": 64, "mode": "paced", "rate": args.phones / 3,
                      "requests": [("GET", f"/api/v1/track/{t}", None, None) for t in tracks[:args.phones]],
                      "ok": {200}}
            out["paced+phones"] = run_load(pid, [paced, phones], args.seconds)
            # call → event at 100 WebSocket subscribers while the phones poll (the province mix)
            fan_args = argparse.Namespace(subscribers=100, fanout_calls=args.fanout_calls, fanout_interval=0.1,
                                          windows=100)
            srv_b = bs.Server(srv.proc, srv.base_url)

            def fanout_while(pids: list[int], streams: list[dict[str, Any]]) -> dict[str, Any]:
                fan_api, bs.API = bs.API, f"/api/v1/halls/{hall}"
                try:
                    return run_load(pids, streams, args.fanout_calls * 0.1 + 8, during=lambda: bs.fanout(
                        srv_b, tok[f"display:{hall}"], tok[f"kiosk:{hall}"], tok["clerk"], fan_args))
                finally:
                    bs.API = fan_api

            out["fanout+phones"] = fanout_while(pid, [phones])
            # the same two phases with the phones on a second process of the same database (the shipped
            # deployment: nginx sends the public edge to hallq-public, deploy/systemd/hallq-public.service);
            # its read models warm up first (one pass over the phones' pages), as after a morning's start
            pub = bs.start_server(workdir, db_url, cfg, "INFO")
            try:
                both = [srv.proc.pid, pub.proc.pid]
                apart = {**phones, "base": [pub.base_url]}
                run_load(both, [apart], 3.6)  # every phone once (each polls every 3 s), and a bit
                out["paced+phones apart"] = run_load(both, [paced, apart], args.seconds)
                out["fanout+phones apart"] = fanout_while(both, [apart])
            finally:
                bs.stop_server(pub)
            return out
        finally:
            bs.stop_server(srv)


def part_halls8(args: argparse.Namespace, workdir: Path) -> dict[str, Any] | None:
    halls = [f"h{h:03d}" for h in range(8)]
    cfg = workdir / "halls8.toml"
    cfg.write_text(province_toml(8, 10, 5), encoding="utf-8")
    out: dict[str, Any] = {}
    for processes in (1, 2):
        with bs.database("postgres", workdir) as db_url:
            if db_url is None:
                return None
            servers = [bs.start_server(workdir, db_url, cfg, "INFO") for _ in range(processes)]
            lb = None
            try:
                if processes > 1:
                    lb, base = start_nginx(workdir, [int(s.base_url.rsplit(":", 1)[1]) for s in servers])
                else:
                    base = servers[0].base_url
                tok = tokens_for(db_url, base, halls, 1)
                cpu_lb0 = sum(bs.cpu_seconds(p) for p in nginx_pids(lb)) if lb is not None else 0.0
                res = run_load([s.proc.pid for s in servers],
                               [{"kind": "issue", "base": [base], "conns": args.conns, "mode": "closed",
                                 "requests": issue_requests(halls, tok, 5), "ok": {201}}], args.seconds)
                res["nginx_cpu_s"] = sum(bs.cpu_seconds(p) for p in nginx_pids(lb)) - cpu_lb0 if lb else 0.0
                out[f"{processes} process(es)"] = res
            finally:
                if lb is not None:
                    lb.terminate()
                    lb.wait()
                for s in servers:
                    bs.stop_server(s)
    return out


def part_province(args: argparse.Namespace, workdir: Path) -> dict[str, Any] | None:
    nhalls, windows = args.halls, 10
    halls = [f"h{h:03d}" for h in range(nhalls)]
    cfg = workdir / "province.toml"
    cfg.write_text(province_toml(nhalls, windows, 5), encoding="utf-8")
    with bs.database("postgres", workdir) as db_url:
        if db_url is None:
            return None
        servers = [bs.start_server(workdir, db_url, cfg, "INFO") for _ in range(args.processes)]
        lb, base = start_nginx(workdir, [int(s.base_url.rsplit(":", 1)[1]) for s in servers])
        try:
            tok = tokens_for(db_url, base, halls, windows)
            pids = [s.proc.pid for s in servers]
            issues = issue_requests(halls, tok, 5)
            # the morning's first tickets, so that counters have visitors and phones have pages to poll
            warm = run_load(pids, [{"kind": "issue", "base": [base], "conns": args.conns, "mode": "closed",
                                    "requests": issues, "ok": {201}, "keep": True}], args.seconds)
            tracks = [b["track_url"].rsplit("/", 1)[1] for b in map(json.loads, warm.pop("bodies"))]
            ctx = mp.get_context("spawn")
            connected, stop, results = ctx.Event(), ctx.Event(), ctx.Queue()
            shows = ctx.Process(target=_displays_process,
                                args=(base.replace("http://", "ws://"), halls, tok, connected, stop,
                                      results))
            shows.start()
            connected.wait(120)
            mix = [
                {"kind": "issue", "base": [base], "conns": 8, "mode": "paced", "rate": args.kiosk_rate,
                 "requests": issues, "ok": {201}},
                {"kind": "visitors", "base": [base], "conns": args.conns, "mode": "visitors", "token": tok["clerk"],
                 "windows": [(h, n) for h in halls for n in range(1, windows + 1)]},
                {"kind": "track", "base": [base], "conns": 64, "mode": "paced", "rate": args.phones / 3,
                 "requests": [("GET", f"/api/v1/track/{t}", None, None) for t in tracks[:args.phones]],
                 "ok": {200}},
            ]
            cpu_lb0 = sum(bs.cpu_seconds(p) for p in nginx_pids(lb))
            morning = run_load(pids, mix, args.province_seconds)
            morning["nginx_cpu_s"] = sum(bs.cpu_seconds(p) for p in nginx_pids(lb)) - cpu_lb0
            stop.set()
            morning["displays"] = results.get(timeout=120)
            shows.join(timeout=60)
            return {"warm-up issue": warm, "morning": morning}
        finally:
            lb.terminate()
            lb.wait()
            for s in servers:
                bs.stop_server(s)


async def _displays(ws_base: str, halls: list[str], tok: dict[str, str], connected: Any,
                    stop: Any) -> dict[str, Any]:
    from websockets.asyncio.client import connect

    got = {"messages": 0, "connections": 0}

    async def one(hall: str) -> None:
        async with connect(f"{ws_base}/api/v1/halls/{hall}/events", max_queue=None,
                           additional_headers={"Authorization": f"Bearer {tok['display:' + hall]}"},
                           ping_interval=None) as ws:
            got["connections"] += 1
            async for _ in ws:
                got["messages"] += 1

    tasks = [asyncio.create_task(one(h)) for h in halls]
    while got["connections"] < len(halls) and not all(t.done() for t in tasks):
        await asyncio.sleep(0.1)  # waiting for the handshakes (pacing, not a result)
    connected.set()
    await asyncio.to_thread(stop.wait)
    for t in tasks:
        t.cancel()
    await asyncio.gather(*tasks, return_exceptions=True)
    return got


def _displays_process(ws_base: str, halls: list[str], tok: dict[str, str], connected: Any, stop: Any,
                      results: Any) -> None:
    results.put(asyncio.run(_displays(ws_base, halls, tok, connected, stop)))


# -- report -----------------------------------------------------------------------------------------------
def row(name: str, r: dict[str, Any], kind: str | None = None, per: int = 1) -> str:
    k = r["kinds"][kind or next(iter(r["kinds"]))]
    return (f"| {name} | {k['n']} | {k['per_s']:.0f}/s | {k['p50_ms']:.1f} ms | {k['p99_ms']:.1f} ms | "
            f"{per * r['cpu_ms_per_request']:.2f} ms | {k['errors']} |")


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--only", default="bare,sqlite,pg,halls8,province")
    p.add_argument("--conns", type=int, default=16, help="keep-alive connections of a closed-loop phase")
    p.add_argument("--seconds", type=float, default=8, help="length of each phase")
    p.add_argument("--paced-rate", type=float, default=50, help="open-loop issues a second")
    p.add_argument("--phones", type=int, default=2000, help="phones polling their tracking page every 3 s")
    p.add_argument("--fanout-calls", type=int, default=60)
    p.add_argument("--halls", type=int, default=200)
    p.add_argument("--processes", type=int, default=2, help="server processes behind nginx (province)")
    p.add_argument("--kiosk-rate", type=float, default=40, help="tickets a second over all halls (province)")
    p.add_argument("--province-seconds", type=float, default=15)
    p.add_argument("--json", type=Path)
    args = p.parse_args(argv)
    parts = args.only.split(",")
    if ("halls8" in parts or "province" in parts) and shutil.which("nginx") is None:
        raise SystemExit("nginx is not installed (.ci/bootstrap-system)")
    print(f"machine: {bs.machine()}", flush=True)
    res: dict[str, Any] = {}
    with tempfile.TemporaryDirectory(prefix="hallq-province-") as tmp:
        workdir = Path(tmp)
        if "bare" in parts:
            res["bare"] = part_bare(args, workdir)
            print(json.dumps({"bare": {k: v["kinds"] | {"cpu_ms": v["cpu_ms_per_request"]}
                                       for k, v in res["bare"].items()}}), flush=True)
        if "sqlite" in parts:
            res["sqlite"] = part_sqlite_like("sqlite", args, workdir, full=True)
            print("sqlite done", flush=True)
        if "pg" in parts:
            res["pg"] = part_sqlite_like("pg", args, workdir, full=False)
            print("pg done", flush=True)
        if "halls8" in parts:
            res["halls8"] = part_halls8(args, workdir)
            print("halls8 done", flush=True)
        if "province" in parts:
            res["province"] = part_province(args, workdir)
    print(f"after: {bs.machine()}")
    report(res, args)
    if args.json:
        args.json.write_text(json.dumps({"machine": bs.machine(), "args": {k: str(v) for k, v in vars(args).items()},
                                         "results": res}, indent=2, default=str))
    return 0


def report(res: dict[str, Any], args: argparse.Namespace) -> None:
    print("\n| what | n | rate | p50 | p99 | server CPU / request | errors |\n|---|---|---|---|---|---|---|")
    if "bare" in res:
        print(row("bare POST (ceiling)", res["bare"]["post"]))
        print(row("bare GET (ceiling)", res["bare"]["get"]))
    for db in ("sqlite", "pg"):
        r = res.get(db)
        if not r:
            continue
        print(row(f"{db}: issue, {args.conns} connections", r["issue"]))
        if "visitors" in r:
            v = r["visitors"]
            cpu_visit = 1000 * v["server_cpu_s"] / max(1, v["visitors"])
            for kind in ("call", "start", "finish"):
                print(row(f"{db}: {kind}", v, kind))
            print(f"| {db}: call+start+finish, per visitor ({v['visitors']} visitors) | | | | | {cpu_visit:.2f} ms | |")
            print(row(f"{db}: snapshot, 100 windows", r["snapshot"]))
            print(row(f"{db}: paced issue {args.paced_rate:.0f}/s", r["paced"], "paced issue"))
            print(row(f"{db}: paced issue while {args.phones} phones poll", r["paced+phones"], "paced issue"))
            print(row(f"{db}: … the phones' tracking pages", r["paced+phones"], "track"))
            for apart in ("", " apart"):
                where = " (phones on their own process)" if apart else ""
                if apart and f"paced+phones{apart}" in r:
                    print(row(f"{db}: paced issue while {args.phones} phones poll{where}", r[f"paced+phones{apart}"],
                              "paced issue"))
                    print(row(f"{db}: … the phones' tracking pages{where}", r[f"paced+phones{apart}"], "track"))
                f = (r.get(f"fanout+phones{apart}") or {}).get("during")
                if f:
                    print(f"| {db}: call → event at 100 WebSocket subscribers, phones polling{where} ({f['calls']} "
                          f"calls, {f['complete_calls']} complete) | {f['delivered']} | | {f['p50_ms']:.1f} ms | "
                          f"{f['p99_ms']:.1f} ms | | max {f['max_ms']:.0f} ms |")
    if res.get("halls8"):
        for name, r in res["halls8"].items():
            print(row(f"8 halls, PostgreSQL, {name}", r))
    if res.get("province"):
        m = res["province"]["morning"]
        for kind in m["kinds"]:
            print(row(f"province ({args.halls} halls, {args.processes} processes + nginx): {kind}", m, kind))
        n = sum(k["n"] for k in m["kinds"].values())
        print(f"\nprovince morning: {n / m['wall_s']:.0f} requests/s over {m['wall_s']:.0f} s; server CPU "
              f"{m['server_cpu_s']:.1f} s ({m['cpu_ms_per_request']:.2f} ms/request), nginx {m['nginx_cpu_s']:.1f} s, "
              f"load client {m['client_cpu_s']:.1f} s; displays: {m['displays']}")
    for db in ("sqlite", "pg"):
        for phase, r in (res.get(db) or {}).items():
            print(f"{db} {phase}: server CPU {r['server_cpu_s']:.1f} s (event loop {r['server_loop_cpu_s']:.1f} s, "
                  f"writer and others {r['server_threads_cpu_s']:.1f} s), load client {r['client_cpu_s']:.1f} s, "
                  f"wall {r['wall_s']:.1f} s; errors: "
                  f"{ {k: (v['errors'], v['first_error']) for k, v in r['kinds'].items() if v['errors']} }")


if __name__ == "__main__":
    sys.exit(main())
