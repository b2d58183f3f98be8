"""Helpers shared by the display tests (imported as ``tests.display.display_support``): the test hall
(20 windows in zones A 1–8, B 9–14, C 15–20), its people and devices, a cuttable TCP proxy, and readers
for what the board shows and what the speaker said."""

from __future__ import annotations

import contextlib
import socket
import threading
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

from client import Backoff, HallClient
from drivers.announcer import Announcer
from tests.server.conftest import ServerProcess, free_port, start_server

HERE = Path(__file__).parent
HALL_CONFIG = HERE / "hall_display.toml"
HALL = "county"
WAIT_MS = 60_000  # generous: a loaded CI machine must not fail a test on time
WAIT_S = WAIT_MS / 1000
MANAGER, PIN = "1001", "246813"
MANAGER_NAME = "王小明"
FAST_LINK = {"backoff": Backoff(first=0.05, cap=0.3)}  # reconnect pacing is not under test here
FAST_HTTP = Backoff(first=0.01, cap=0.05)
ZONE_A, ZONE_B = range(1, 9), range(9, 15)
FIRST_SERVICE = {1: "MA01", 2: "MA01", 3: "MA01", 4: "RE01", 5: "RE01", 6: "RE01", 7: "CE01", 8: "SA01",
                 9: "PS01", 10: "TX01", 11: "TX01", 12: "HR01", 13: "MI01", 14: "HF01", 15: "MA01",
                 16: "MA01", 17: "CO01", 18: "MA01", 19: "CO01", 20: "CO01"}


def start_display_server(workdir: Path, port: int | None = None, *, windows: int = 20) -> ServerProcess:
    """The display test hall; ``windows=40`` adds windows 21–40 (zone D, all-purpose) for the paged board."""
    config = HALL_CONFIG
    if windows > 20:
        config = workdir / "hall_display_more.toml"
        extra = "".join(
            f'\n  [[halls.windows]]\n  number = {n}\n  name_zh = "{n}号 无差别综合窗口"\n'
            f'  name_en = "Window {n} All-purpose"\n  zone = "D"\n'
            f'  profile = [{{ services = ["MA01", "RE01", "SA01", "TX01", "HR01"] }}]\n'
            for n in range(21, windows + 1))
        config.write_text(HALL_CONFIG.read_text(encoding="utf-8") + extra, encoding="utf-8")
    # a repeated --config wins over the server tests' config (argparse keeps the last value)
    return start_server(workdir, f"sqlite:///{workdir / 'hallq.db'}", "--config", str(config), port=port)


@dataclass
class People:
    """The staff and devices of one server: a manager signed in for every window, device tokens."""

    server: ServerProcess
    manager_token: str
    kiosk: str
    displays: list[str] = field(default_factory=list)

    def display_token(self) -> str:
        token = self.server.add_device("display", hall=HALL)
        self.displays.append(token)
        return token

    def client(self, token: str, base_url: str | None = None) -> HallClient:
        return HallClient(base_url or self.server.base_url, token, timeout=30, backoff=FAST_HTTP)


def make_people(srv: ServerProcess, windows: int = 20) -> People:
    srv.add_clerk(MANAGER, pin=PIN, role="manager", windows=tuple(range(1, windows + 1)), hall=HALL,
                  name=MANAGER_NAME)
    return People(srv, srv.login(MANAGER, PIN), srv.add_device("kiosk", hall=HALL))


def clear_windows(staff: HallClient, windows: Iterator[int] | range | list[int]) -> None:
    """Leave each window open and empty: finish whatever is there, call away anything waiting for it,
    and close tides (tests share one server per module)."""
    for n in windows:
        info = staff.window(HALL, n)
        if info.status == "closed":
            staff.sign_in(HALL, n)
        if info.status == "paused":
            staff.resume(HALL, n)
        if info.tide_service:
            staff.close_tide(HALL, n)
        while True:
            info = staff.window(HALL, n)
            if info.current is not None:
                if info.current.state != "serving":
                    staff.start(HALL, n)
                staff.finish(HALL, n, "completed")
            if staff.call(HALL, n) is None:
                break


def voice_texts(announcer: Announcer) -> list[str]:
    """What the speaker said so far, in order (``sim://`` writes one ``NNNN.txt`` per item)."""
    assert announcer.wait_idle(WAIT_S)
    folder = voice_dir(announcer)
    return [p.read_text(encoding="utf-8").strip() for p in sorted(folder.glob("*.txt"))]


def voice_dir(announcer: Announcer) -> Path:
    return Path(announcer.url.split("dir=", 1)[1].split("&", 1)[0])


def spoken(number: str, window: int, *, recall: bool = False) -> str:
    """The sentence the announcer says for a call (its default templates)."""
    from drivers.announcer import call_text

    template = "请 {number} 号再次到 {window} 号窗口办理" if recall else "请 {number} 号到 {window} 号窗口办理"
    return call_text(number, window, template=template)


class Proxy:
    """A TCP forwarder between an app and the server, which the test can cut (every connection dropped,
    new ones refused: the hall's network is down for this screen) and restore on the same port."""

    def __init__(self, upstream_port: int) -> None:
        self.upstream = upstream_port
        self.port = free_port()
        self._lock = threading.Lock()
        self._listener: socket.socket | None = None
        self._socks: list[socket.socket] = []
        self._threads: list[threading.Thread] = []

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self) -> Proxy:
        listener = socket.socket()
        listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        listener.bind(("127.0.0.1", self.port))
        listener.listen(16)
        with self._lock:
            self._listener = listener
        self._spawn(self._accept, listener)
        return self

    def _spawn(self, target: Callable[..., None], *args: object) -> None:
        thread = threading.Thread(target=target, args=args, name="test-proxy", daemon=True)
        with self._lock:
            self._threads.append(thread)
        thread.start()

    def _accept(self, listener: socket.socket) -> None:
        while True:
            try:
                client, _ = listener.accept()
            except OSError:
                return  # cut
            try:
                server = socket.create_connection(("127.0.0.1", self.upstream), timeout=WAIT_S)
                server.settimeout(None)
            except OSError:
                client.close()
                continue
            with self._lock:
                if self._listener is not listener:  # cut meanwhile
                    client.close()
                    server.close()
                    return
                self._socks += [client, server]
            self._spawn(self._pump, client, server)
            self._spawn(self._pump, server, client)

    @staticmethod
    def _pump(src: socket.socket, dst: socket.socket) -> None:
        try:
            while data := src.recv(65536):
                dst.sendall(data)
        except OSError:
            pass
        for sock in (src, dst):
            with contextlib.suppress(OSError):
                sock.shutdown(socket.SHUT_RDWR)

    def cut(self) -> None:
        with self._lock:
            listener, self._listener = self._listener, None
            socks, self._socks = self._socks, []
            threads, self._threads = self._threads, []
        for sock in [*([listener] if listener else []), *socks]:
            with contextlib.suppress(OSError):
                sock.shutdown(socket.SHUT_RDWR)
            sock.close()
        for thread in threads:
            thread.join(WAIT_S)
        assert not any(t.is_alive() for t in threads), "proxy threads did not end"

    restore = start
    close = cut
