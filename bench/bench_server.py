"""The hall server under load: real ``hallq server`` processes, real HTTP and WebSocket clients.

Run: ``.venv/bin/python bench/bench_server.py`` (``--db sqlite`` / ``--db postgres`` for one backend,
``--processes 2`` for two server processes on one database, ``--help`` for the sizes).

Per backend (SQLite file with WAL; PostgreSQL at ``$HALLQ_BENCH_PG``, default the test server, in a
database made for the run and dropped after):

1. **issue**  ``--issues`` tickets over 20 services from ``--clients`` concurrent connections;
2. **call**   ``--rounds`` rounds in which each of ``--windows`` signed-in windows calls once, all at once
   from the same connections (then every window starts and finishes its visitor: "other actions");
3. **paced issue** ``--paced-rate`` tickets a second for ``--paced-s`` s, open loop (a busy hall rather
   than a stress test: latency as a visitor at a kiosk would see it);
4. **fan-out** ``--subscribers`` WebSocket clients of one hall in their own process; a clerk calls every
   ``--fanout-interval`` s; the time from sending the call to each subscriber receiving its
   ``ticket.called`` event.

The load runs in its own process (keep-alive HTTP/1.1 connections on uvloop, see :class:`RawHttp`); its
CPU time is reported next to the server's, so one can see who was busy. Latencies are whole round trips
seen by the client.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import multiprocessing as mp
import os
import platform
import resource
import secrets
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))  # run as a script from anywhere

HALL = "bench"
SERVICES = 20
API = f"/api/v1/halls/{HALL}"
PG_ADMIN = os.environ.get("HALLQ_BENCH_PG") or os.environ.get(
    "HALLQ_TEST_PG", "postgresql+psycopg://postgres@127.0.0.1:5432/test")


def hall_toml(windows: int) -> str:
    """One hall open around the clock: 20 services (prefixes A–T, cap 999 each); each window serves 3
    services first and 5 more after 20 minutes' wait (the shape of bench_core's big hall)."""
    codes = [f"S{i:02d}" for i in range(SERVICES)]
    out = ['[deployment]\nname = "bench"\ntimezone = "Asia/Shanghai"\npublic_base_url = "http://hall.bench"\n',
           f'[[halls]]\nid = "{HALL}"\nname_zh = "压测大厅"\nname_en = "Bench hall"\n',
           '  [halls.hours]\n  weekdays = ["00:00-24:00"]\n  saturday = ["00:00-24:00"]\n'
           '  sunday = ["00:00-24:00"]\n  holiday = ["00:00-24:00"]\n  issue_stop_before_close_min = 0\n',
           '  [halls.tide]\n  enabled = false\n',
           '  [[halls.categories]]\n  id = "c"\n  name_zh = "综合"\n  name_en = "General"\n']
    for i, code in enumerate(codes):
        out.append(f'  [[halls.services]]\n  code = "{code}"\n  name_zh = "业务{i}"\n  name_en = "Service {i}"\n'
                   f'  category = "c"\n  prefix = "{chr(65 + i)}"\n  minutes = 8\n  daily_cap = 999\n'
                   '  extended = true\n  holiday = true\n')
    for n in range(1, windows + 1):
        first = ", ".join(f'"{codes[(n + k) % SERVICES]}"' for k in range(3))
        second = ", ".join(f'"{codes[(n + k) % SERVICES]}"' for k in range(3, 8))
        out.append(f'  [[halls.windows]]\n  number = {n}\n  name_zh = "{n}号窗口"\n  name_en = "Window {n}"\n'
                   f'  profile = [{{ services = [{first}] }}, {{ services = [{second}], after_wait_min = 20 }}]\n')
    return "\n".join(out)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def cpu_seconds(pid: int) -> float:
    """User + system CPU time of a process so far (``/proc/<pid>/stat`` fields 14 and 15)."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def cpu_split(pid: int) -> tuple[float, float]:
    """(the main thread's CPU seconds — the event loop: HTTP, routing, handlers —, all other threads' — the
    hall writer with its commits, and worker threads) from ``/proc/<pid>/task/*/stat``; threads that ended
    are not counted, so use it over a phase in which they live."""
    main = other = 0.0
    for task in Path(f"/proc/{pid}/task").iterdir():
        with contextlib.suppress(OSError):
            fields = (task / "stat").read_text().rsplit(")", 1)[1].split()
            cpu = (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
            if task.name == str(pid):
                main += cpu
            else:
                other += cpu
    return main, other


@dataclass
class Server:
    proc: subprocess.Popen
    base_url: str

    @property
    def ws_url(self) -> str:
        return self.base_url.replace("http://", "ws://")


def start_server(workdir: Path, db_url: str, cfg: Path, log_level: str) -> Server:
    import httpx

    port = free_port()
    env = {**os.environ, "HALLQ_SECRET_FILE": str(workdir / "secret.key")}
    log = open(workdir / f"server-{port}.log", "wb")  # noqa: SIM115 - the process keeps it
    # every connection of the load comes from 127.0.0.1: no per-address cap (issue 13's guard allows 64, and
    # the phones + kiosks phase opens 72), as behind the load balancer
    prof = os.environ.get("BENCH_PROFILE_DIR")  # cProfile of the server's event loop thread, written at exit
    head = [sys.executable, "-m", "hallq.cli"]
    if prof:  # a wrapper that runs hallq.cli under cProfile and writes PROF_OUT at exit
        head = [sys.executable, str(Path(__file__).resolve().parent / "profiled_server.py")]
        env["PROF_OUT"] = f"{prof}/server-{port}.prof"
    proc = subprocess.Popen([*head, "server", "--db", db_url, "--config", str(cfg),
                             "--port", str(port), "--tick-interval", "0", "--log-level", log_level,
                             "--limit-per-client", "0"],
                            stdout=log, stderr=subprocess.STDOUT, env=env, cwd=ROOT)
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 60
    while True:
        if proc.poll() is not None:
            raise SystemExit(f"hallq server exited: see {log.name}")
        with contextlib.suppress(httpx.TransportError):
            if httpx.get(base + "/healthz", timeout=2).status_code == 200:
                return Server(proc, base)
        if time.monotonic() > deadline:
            proc.kill()
            raise SystemExit(f"hallq server did not start: see {log.name}")
        time.sleep(0.05)  # readiness polling


def stop_server(server: Server) -> None:
    server.proc.terminate()
    try:
        server.proc.wait(timeout=15)
    except subprocess.TimeoutExpired:
        server.proc.kill()
        server.proc.wait()


@contextlib.contextmanager
def database(kind: str, workdir: Path) -> Iterator[str | None]:
    """A fresh database URL (None: PostgreSQL not reachable)."""
    if kind == "sqlite":
        yield f"sqlite:///{workdir / 'hallq.db'}"
        return
    from sqlalchemy import create_engine, text

    admin = create_engine(PG_ADMIN, isolation_level="AUTOCOMMIT")
    name = f"hallq_bench_{secrets.token_hex(4)}"
    try:
        with admin.connect() as conn:
            conn.execute(text(f'CREATE DATABASE "{name}"'))
    except Exception as exc:
        print(f"  PostgreSQL not reachable at {PG_ADMIN}: {exc.__class__.__name__}; skipped", flush=True)
        admin.dispose()
        yield None
        return
    try:
        yield admin.url.set(database=name).render_as_string(hide_password=False)
    finally:
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


def pct(samples: list[float], q: float) -> float:
    """The q-quantile (0–1) in milliseconds, nearest rank."""
    ordered = sorted(samples)
    if not ordered:
        return float("nan")
    return 1000 * ordered[min(len(ordered) - 1, max(0, round(q * len(ordered)) - 1))]


# -- the load process -----------------------------------------------------------------------------------
class RawHttp:
    """One keep-alive HTTP/1.1 connection: POST JSON, read the status and a Content-Length body.

    Not httpx: measured here, ``httpx.AsyncClient`` spent more CPU per request than the server under test
    (3.5 ms against 2.6 ms), so the figures were the client's. This reads only what our own server sends
    (uvicorn, ``Content-Length`` bodies); anything else is an error.
    """

    def __init__(self, base_url: str, token: str) -> None:
        host, _, port = base_url.removeprefix("http://").partition(":")
        self.host, self.port = host, int(port)
        self.auth = f"Authorization: Bearer {token}\r\n".encode()

    async def __aenter__(self) -> RawHttp:
        self.reader, self.writer = await asyncio.open_connection(self.host, self.port)
        return self

    async def _reopen(self) -> None:
        self.writer.close()
        self.reader, self.writer = await asyncio.open_connection(self.host, self.port)

    async def __aexit__(self, *exc: object) -> None:
        self.writer.close()
        with contextlib.suppress(OSError):
            await self.writer.wait_closed()

    async def post(self, path: str, body: Any) -> tuple[int, bytes]:
        try:
            return await self._post(path, body)
        except asyncio.IncompleteReadError as exc:
            if exc.partial:
                raise
            # uvicorn closes a keep-alive connection idle for 5 s; nothing of it was read: send again
            await self._reopen()
            return await self._post(path, body)

    async def _post(self, path: str, body: Any) -> tuple[int, bytes]:
        data = json.dumps(body).encode() if body is not None else b""
        self.writer.write(b"POST " + path.encode() + b" HTTP/1.1\r\nHost: bench\r\n" + self.auth
                          + b"Content-Type: application/json\r\nContent-Length: " + str(len(data)).encode()
                          + b"\r\n\r\n" + data)
        head = await self.reader.readuntil(b"\r\n\r\n")
        length = 0
        for line in head.split(b"\r\n")[1:]:
            name, _, value = line.partition(b":")
            name = name.strip().lower()
            if name == b"content-length":
                length = int(value)
            elif name == b"transfer-encoding":
                raise RuntimeError("chunked answer: not what this bench reads")
        return int(head[9:12]), (await self.reader.readexactly(length) if length else b"")


async def _timed(connections: list[RawHttp], requests: list[tuple[str, Any]],
                 expect: int) -> tuple[list[float], float, int]:
    """POST every (path, body), one worker per connection; latencies, wall time, errors."""
    latencies: list[float] = []
    errors = 0
    todo = iter(requests)

    async def worker(conn: RawHttp) -> None:
        nonlocal errors
        for path, body in todo:
            t0 = time.perf_counter()
            status, _ = await conn.post(path, body)
            latencies.append(time.perf_counter() - t0)
            errors += status != expect

    start = time.perf_counter()
    await asyncio.gather(*(worker(c) for c in connections))
    return latencies, time.perf_counter() - start, errors


async def _load(bases: list[str], kiosk: str, clerk: str, args: argparse.Namespace) -> dict[str, Any]:
    async with contextlib.AsyncExitStack() as stack:
        # the connections are spread over the server processes
        def conns(token: str) -> list[RawHttp]:
            return [RawHttp(bases[i % len(bases)], token) for i in range(args.clients)]

        kiosks = [await stack.enter_async_context(c) for c in conns(kiosk)]
        clerks = [await stack.enter_async_context(c) for c in conns(clerk)]
        out: dict[str, Any] = {}
        await _timed(kiosks, [(f"{API}/tickets", {"service": "S00"})] * (2 * args.clients), 201)  # warm-up
        issues = [(f"{API}/tickets", {"service": f"S{i % SERVICES:02d}"}) for i in range(args.issues)]
        lat, wall, errors = await _timed(kiosks, issues, 201)
        out["issue"] = _figures(lat, wall, errors)
        calls: list[float] = []
        other: list[float] = []
        call_wall = other_wall = 0.0
        call_errors = other_errors = 0
        for _ in range(args.rounds):
            lat, wall, errors = await _timed(clerks, [(f"{API}/windows/{n}/call", None)
                                                      for n in range(1, args.windows + 1)], 200)
            calls += lat
            call_wall += wall
            call_errors += errors
            for action, body in (("start", None), ("finish", {"outcome": "completed"})):
                reqs = [(f"{API}/windows/{n}/{action}", body) for n in range(1, args.windows + 1)]
                lat, wall, errors = await _timed(clerks, reqs, 200)
                other += lat
                other_wall += wall
                other_errors += errors
        out["call"] = _figures(calls, call_wall, call_errors)
        out["start+finish"] = _figures(other, other_wall, other_errors)
        if args.paced_rate > 0:
            out["paced issue"] = await _paced(kiosks, args.paced_rate, args.paced_s)
    return out


async def _paced(connections: list[RawHttp], rate: float, seconds: float) -> dict[str, Any]:
    """Open loop: a ticket every 1/rate s whatever the answers (a busy hall, not a stress test); latency
    counted from the moment each request was due, so queueing in the server shows."""
    n = int(rate * seconds)
    free: asyncio.Queue[RawHttp] = asyncio.Queue()
    for c in connections:
        free.put_nowait(c)
    latencies: list[float] = []
    errors = 0
    start = time.perf_counter()

    async def one(i: int) -> None:
        nonlocal errors
        due = start + i / rate
        await asyncio.sleep(max(0.0, due - time.perf_counter()))  # pacing of the arrivals
        conn = await free.get()
        try:
            status, _ = await conn.post(f"{API}/tickets", {"service": f"S{i % SERVICES:02d}"})
        finally:
            free.put_nowait(conn)
        latencies.append(time.perf_counter() - due)
        errors += status != 201

    await asyncio.gather(*(one(i) for i in range(n)))
    return _figures(latencies, time.perf_counter() - start, errors)


def _figures(latencies: list[float], wall: float, errors: int) -> dict[str, Any]:
    return {"n": len(latencies), "wall_s": wall, "per_s": len(latencies) / wall, "errors": errors,
            "p50_ms": pct(latencies, 0.5), "p99_ms": pct(latencies, 0.99)}


def load_process(bases: list[str], kiosk: str, clerk: str, args: argparse.Namespace, results: Any) -> None:
    import uvloop

    before = resource.getrusage(resource.RUSAGE_SELF)
    out = uvloop.run(_load(bases, kiosk, clerk, args))
    after = resource.getrusage(resource.RUSAGE_SELF)
    out["client_cpu_s"] = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    results.put(out)


# -- the fan-out subscribers (their own process) ---------------------------------------------------------
async def _subscribe(url: str, token: str, n: int, connected: Any, registered: Any,
                     stop: Any) -> dict[str, list[float]]:
    from websockets.asyncio.client import connect

    arrivals: dict[str, list[float]] = {}
    first = [0]
    all_in = asyncio.Event()

    async def one() -> None:
        # the token in a header, as terminals send it (issue 13: a token in the URL is refused)
        async with connect(url, max_queue=None, ping_interval=None,
                           additional_headers={"Authorization": f"Bearer {token}"}) as ws:
            seen_first = False
            async for text in ws:
                t = time.perf_counter()
                if not seen_first:
                    seen_first = True
                    first[0] += 1
                    if first[0] == n:
                        all_in.set()
                if '"ticket.called"' in text:  # decode only what is measured
                    msg = json.loads(text)
                    arrivals.setdefault(msg["data"]["ticket"]["id"], []).append(t)

    tasks = [asyncio.create_task(one()) for _ in range(n)]
    await asyncio.sleep(0.5)  # let the handshakes finish before saying so (pacing, not a result)
    connected.set()
    await all_in.wait()
    registered.set()
    await asyncio.to_thread(stop.wait)
    for task in tasks:
        task.cancel()
    await asyncio.gather(*tasks, return_exceptions=True)
    return arrivals


def subscriber_process(url: str, token: str, n: int, connected: Any, registered: Any, stop: Any,
                       results: Any) -> None:
    results.put(asyncio.run(_subscribe(url, token, n, connected, registered, stop)))


def fanout(server: Server, display: str, kiosk: str, clerk: str, args: argparse.Namespace) -> dict[str, Any]:
    import httpx

    ctx = mp.get_context("spawn")
    connected, registered, stop, results = ctx.Event(), ctx.Event(), ctx.Event(), ctx.Queue()
    url = f"{server.ws_url}{API}/events"
    proc = ctx.Process(target=subscriber_process,
                       args=(url, display, args.subscribers, connected, registered, stop, results))
    proc.start()
    sent: dict[str, float] = {}
    call_ms: list[float] = []
    try:
        if not connected.wait(120):
            raise SystemExit("subscribers did not connect")
        with httpx.Client(base_url=server.base_url, timeout=60) as c:
            c.headers["Authorization"] = f"Bearer {kiosk}"
            assert c.post(f"{API}/tickets", json={"service": "S01"}).status_code == 201  # every client sees one
            if not registered.wait(120):
                raise SystemExit("subscribers did not receive the first event")
            c.headers["Authorization"] = f"Bearer {clerk}"
            window = 1
            next_at = time.perf_counter()
            for _ in range(args.fanout_calls):
                t0 = time.perf_counter()
                r = c.post(f"{API}/windows/{window}/call")
                call_ms.append(1000 * (time.perf_counter() - t0))
                assert r.status_code == 200, r.text
                sent[r.json()["ticket"]["id"]] = t0
                c.post(f"{API}/windows/{window}/start")
                c.post(f"{API}/windows/{window}/finish", json={"outcome": "completed"})
                window = window % min(args.windows, 10) + 1
                next_at += args.fanout_interval
                time.sleep(max(0.0, next_at - time.perf_counter()))  # pacing of the clerk's presses
            time.sleep(1.0)  # the last events are in flight (pacing, not a result)
    finally:
        stop.set()
        arrivals = results.get(timeout=120)
        proc.join(timeout=60)
    latencies = [t - sent[tid] for tid, times in arrivals.items() if tid in sent for t in times]
    complete = sum(1 for tid in sent if len(arrivals.get(tid, ())) == args.subscribers)
    return {"calls": len(sent), "delivered": len(latencies), "complete_calls": complete,
            "p50_ms": pct(latencies, 0.5), "p99_ms": pct(latencies, 0.99), "max_ms": 1000 * max(latencies, default=0),
            "call_p50_ms": statistics.median(call_ms)}


# -- one backend ---------------------------------------------------------------------------------------
def prepare(db_url: str, base_url: str, windows: int) -> dict[str, str]:
    """Tokens: a kiosk, a display, and a clerk signed in at every window."""
    import httpx

    from server.auth import add_clerk, add_device
    from server.storage.db import make_engine

    engine = make_engine(db_url)
    now = time.time()
    kiosk = add_device(engine, kind="kiosk", name="bench-kiosk", hall=HALL, window=None, now=now, by="bench").token
    display = add_device(engine, kind="display", name="bench-display", hall=HALL, window=None, now=now,
                         by="bench").token
    add_clerk(engine, staff_no="b1", name="压测", pin="135790", role="clerk", windows=list(range(1, windows + 1)),
              hall=HALL, photo="", now=now, by="bench")
    engine.dispose()
    with httpx.Client(base_url=base_url, timeout=60) as c:
        r = c.post("/api/v1/auth/login", json={"staff_no": "b1", "pin": "135790"})
        r.raise_for_status()
        clerk = r.json()["token"]
        c.headers["Authorization"] = f"Bearer {clerk}"
        for n in range(1, windows + 1):
            c.post(f"{API}/windows/{n}/sign-in").raise_for_status()
    return {"kiosk": kiosk, "display": display, "clerk": clerk}


def run_backend(kind: str, args: argparse.Namespace) -> dict[str, Any] | None:
    with tempfile.TemporaryDirectory(prefix="hallq-bench-") as tmp:
        workdir = Path(tmp)
        cfg = workdir / "hall.toml"
        cfg.write_text(hall_toml(args.windows), encoding="utf-8")
        with database(kind, workdir) as db_url:
            if db_url is None:
                return None
            servers = [start_server(workdir, db_url, cfg, args.log_level) for _ in range(args.processes)]
            try:
                tokens = prepare(db_url, servers[0].base_url, args.windows)
                cpu0 = [cpu_seconds(s.proc.pid) for s in servers]
                ctx = mp.get_context("spawn")
                results = ctx.Queue()
                loader = ctx.Process(target=load_process, args=([s.base_url for s in servers], tokens["kiosk"],
                                                                tokens["clerk"], args, results))
                loader.start()
                out = _result_of(loader, results)
                out["server_cpu_s"] = sum(cpu_seconds(s.proc.pid) - c for s, c in zip(servers, cpu0, strict=True))
                out["fanout"] = fanout(servers[0], tokens["display"], tokens["kiosk"], tokens["clerk"], args)
            finally:
                for s in servers:
                    stop_server(s)
    return out


def _result_of(proc: Any, results: Any) -> Any:
    """The child's result, or SystemExit if it died without one (its traceback is on stderr)."""
    import queue

    while True:
        try:
            out = results.get(timeout=5)
            proc.join(timeout=60)
            return out
        except queue.Empty:
            if not proc.is_alive():
                raise SystemExit(f"the load process failed (exit code {proc.exitcode})") from None


def machine() -> str:
    cpu = next((line.split(":", 1)[1].strip() for line in Path("/proc/cpuinfo").read_text().splitlines()
                if line.startswith("model name")), platform.processor())
    load = os.getloadavg()
    return (f"{os.cpu_count()} CPUs ({cpu}), Python {platform.python_version()}, "
            f"load average {load[0]:.1f} / {load[1]:.1f} / {load[2]:.1f}")


def report(kind: str, out: dict[str, Any], args: argparse.Namespace) -> None:
    print(f"\n### {kind}, {args.processes} server process(es), {args.clients} connections, "
          f"{args.windows} windows, log level {args.log_level}")
    print("| what | n | per second | p50 | p99 | errors |\n|---|---|---|---|---|---|")
    for name in ("issue", "call", "start+finish", "paced issue"):
        if name not in out:
            continue
        r = out[name]
        print(f"| {name} | {r['n']} | {r['per_s']:.0f} | {r['p50_ms']:.1f} ms | {r['p99_ms']:.1f} ms | {r['errors']} |")
    f = out["fanout"]
    print(f"| call → event at {args.subscribers} WebSocket subscribers ({f['calls']} calls, "
          f"{f['delivered']} deliveries, {f['complete_calls']} complete) | | | {f['p50_ms']:.1f} ms | "
          f"{f['p99_ms']:.1f} ms | max {f['max_ms']:.0f} ms |")
    phases = [k for k in ("issue", "call", "start+finish", "paced issue") if k in out]
    busy = sum(out[k]["wall_s"] for k in phases)
    print(f"\nCPU during {', '.join(phases)} ({busy:.1f} s wall): server {out['server_cpu_s']:.1f} s, "
          f"load client {out['client_cpu_s']:.1f} s")


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--db", choices=["sqlite", "postgres", "both"], default="both")
    p.add_argument("--processes", type=int, default=1, help="server processes on the one database")
    p.add_argument("--clients", type=int, default=32, help="concurrent HTTP connections")
    p.add_argument("--issues", type=int, default=4000)
    p.add_argument("--windows", type=int, default=100)
    p.add_argument("--rounds", type=int, default=6)
    p.add_argument("--subscribers", type=int, default=100)
    p.add_argument("--fanout-calls", type=int, default=100)
    p.add_argument("--fanout-interval", type=float, default=0.1, help="seconds between calls")
    p.add_argument("--paced-rate", type=float, default=100, help="open-loop issues per second (0: skip)")
    p.add_argument("--paced-s", type=float, default=10, help="seconds of the open-loop phase")
    p.add_argument("--log-level", default="INFO", help="the server's (INFO: one access-log line per request)")
    p.add_argument("--json", type=Path, help="also write the figures here")
    args = p.parse_args(argv)
    if args.issues + args.paced_rate * args.paced_s > SERVICES * 999 - 100:
        p.error("more tickets than the services' daily caps allow")
    if args.issues < args.windows * args.rounds + args.fanout_calls:
        p.error("--issues must cover windows × rounds + fanout calls (every call needs a waiting ticket)")
    print(f"machine: {machine()}", flush=True)
    results = {}
    for kind in (["sqlite", "postgres"] if args.db == "both" else [args.db]):
        out = run_backend(kind, args)
        if out is not None:
            results[kind] = out
            report(kind, out, args)
    print(f"\nafter: {machine()}")
    if args.json:
        args.json.write_text(json.dumps({"machine": machine(), "args": {k: str(v) for k, v in vars(args).items()},
                                         "results": results}, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
