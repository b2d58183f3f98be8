"""The hall server inside ``hallq run``: the real app (``server.app.create_app``) under uvicorn on a thread,
with the demo clock injected as its clock. Everything else talks to it over HTTP and WebSocket.

Its logs (JSON lines, as ``hallq server`` writes them) go to ``var/live-server.log``: the terminal shows
the live summary.
"""

from __future__ import annotations

import dataclasses
import logging
import socket
import threading
import time
from collections.abc import Callable
from datetime import tzinfo
from pathlib import Path

import uvicorn

from server.api.logs import JsonFormatter
from server.settings import Settings

START_TIMEOUT_S = 60


class PortInUse(Exception):
    def __init__(self, host: str, port: int) -> None:
        super().__init__(f"端口 {host}:{port} 已被占用（另一个 hallq server？），可用 --port 另选"
                         f"（port {host}:{port} is in use (another hallq server?): choose one with --port）")


def port_free(host: str, port: int) -> bool:
    with socket.socket() as s:
        s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)  # as uvicorn binds: TIME_WAIT is no conflict
        try:
            s.bind((host, port))
        except OSError:
            return False
    return True


def log_to_file(path: Path, level: str = "INFO", tz: tzinfo | None = None) -> logging.Handler:
    """The server's structured log into ``path`` instead of the terminal; returns the handler. ``tz``: the
    hall's zone for the lines' local times."""
    path.parent.mkdir(parents=True, exist_ok=True)
    handler = logging.FileHandler(path, encoding="utf-8")
    handler.setFormatter(JsonFormatter(tz) if tz is not None else JsonFormatter())
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(level)
    for name in ("uvicorn", "uvicorn.error"):
        logging.getLogger(name).handlers[:] = []
        logging.getLogger(name).propagate = True
    logging.getLogger("uvicorn.access").disabled = True  # the app's AccessLog writes one line per request
    logging.getLogger("alembic").setLevel(logging.WARNING)
    return handler


class EmbeddedServer:
    def __init__(self, settings: Settings, clock: Callable[[], float], *, host: str, port: int,
                 speed: float = 1.0) -> None:
        from server.app import create_app

        if not port_free(host, port):
            raise PortInUse(host, port)
        # the tide controller ticks every 30 demo seconds, whatever the speed
        settings = dataclasses.replace(settings, tick_interval_s=max(0.5, settings.tick_interval_s / speed))
        self.app = create_app(settings, clock=clock)
        self.url = f"http://{host}:{port}"
        self._server = uvicorn.Server(uvicorn.Config(
            self.app, host=host, port=port, log_config=None, access_log=False, ws="websockets-sansio",
            ws_per_message_deflate=False,  # as `hallq server` (server/commands/serve.py)
            lifespan="on", timeout_graceful_shutdown=3))
        self._thread = threading.Thread(target=self._server.run, name="hallq-live-server", daemon=True)

    def start(self) -> None:
        """Start and wait until it accepts connections (uvicorn's own ``started`` flag)."""
        self._thread.start()
        deadline = time.monotonic() + START_TIMEOUT_S
        while not self._server.started:
            if not self._thread.is_alive():
                raise RuntimeError("服务器未能启动，见 var/live-server.log（the server did not start: see "
                                   "var/live-server.log）")
            if time.monotonic() > deadline:
                raise RuntimeError("服务器启动超时（the server did not start in time）")
            time.sleep(0.02)  # start-up polling of uvicorn's flag (it offers no event to wait on)

    def stop(self) -> None:
        self._server.should_exit = True
        self._thread.join(timeout=15)
