"""Simulated ESC/POS printers on a real line: the far end of an ``os.openpty()`` pair, or a
loopback TCP port like a network printer's 9100.

The host side uses the real backends (pyserial through ``serial://``, python-escpos ``Network``
through ``tcp://``). A thread reads what the host sends, hands it to a
:class:`~drivers.printer.emulator.PrinterEmulator` and writes back its DLE EOT replies::

    with SerialPrinterSimulator() as sim:
        printer = open_printer(sim.url(timeout=0.5))
        sim.set_paper("out")            # or set_cover_open(), set_answering(False), ...
        printer.status().paper          # PaperState.OUT

Close it (or leave the ``with``) to stop the thread; nothing keeps running after a test.
"""

from __future__ import annotations

import abc
import logging
import os
import selectors
import socket
import tty

from ..simthread import LineSimulator
from .emulator import EmulatorControls, PrinterEmulator

__all__ = ["SerialPrinterSimulator", "TcpPrinterSimulator"]

log = logging.getLogger(__name__)


class _Simulator(EmulatorControls, LineSimulator):
    """The selector and the state controls shared by both line types (the thread's life cycle is
    :class:`~drivers.simthread.LineSimulator`'s)."""

    name = "printer-sim"

    def __init__(self, emulator: PrinterEmulator | None) -> None:
        self.emulator = emulator or PrinterEmulator()
        super().__init__(self.name)
        self._sel = selectors.DefaultSelector()
        self._sel.register(self._wake_r, selectors.EVENT_READ, None)

    @property
    def received(self) -> bytes:
        return self.emulator.received

    def wait_for(self, pattern: bytes, *, count: int = 1, timeout: float = 10.0) -> bool:
        return self.emulator.wait_for(pattern, count=count, timeout=timeout)

    def _run(self) -> None:
        while True:
            for key, _ in self._sel.select():
                if key.fileobj == self._wake_r:
                    return
                try:
                    self._ready(key)
                except OSError as exc:  # the host hung up mid-write: keep serving
                    log.info("%s: line error ignored: %s", self.name, exc)

    def _release(self) -> None:
        self._sel.close()
        self._release_line()

    @abc.abstractmethod
    def _ready(self, key: selectors.SelectorKey) -> None:
        """Serve one readable line file descriptor."""

    @abc.abstractmethod
    def _release_line(self) -> None:
        """Close the line's file descriptors (the thread has stopped)."""


class SerialPrinterSimulator(_Simulator):
    """A printer at the far end of a pty; open :attr:`port` (``/dev/pts/N``) with pyserial."""

    name = "printer-sim-serial"

    def __init__(self, emulator: PrinterEmulator | None = None, **state: object) -> None:
        super().__init__(emulator or PrinterEmulator(**state))  # type: ignore[arg-type]
        self._master, self._slave = os.openpty()
        # raw before anyone writes: the default line discipline would echo our replies back to
        # us and turn LF into CR LF (pyserial sets raw too, but only when it opens the port)
        tty.setraw(self._slave)
        self.port = os.ttyname(self._slave)
        self._sel.register(self._master, selectors.EVENT_READ, "line")

    def url(self, **options: object) -> str:
        """``serial://`` URL of this printer, with extra options such as ``timeout=0.5``."""
        query = "&".join(f"{k}={v}" for k, v in options.items())
        return f"serial://{self.port}" + (f"?{query}" if query else "")

    def inject(self, data: bytes) -> None:
        """Put unsolicited bytes on the line (noise, as a bad cable produces)."""
        os.write(self._master, data)

    def _ready(self, key: selectors.SelectorKey) -> None:
        data = os.read(self._master, 4096)
        reply = self.emulator.receive(data)
        if reply:
            os.write(self._master, reply)

    def _release_line(self) -> None:
        os.close(self._master)
        os.close(self._slave)


class TcpPrinterSimulator(_Simulator):
    """A network printer on 127.0.0.1 (an ephemeral port instead of 9100); one client at a time,
    as real printers serve one job at a time."""

    name = "printer-sim-tcp"

    def __init__(self, emulator: PrinterEmulator | None = None, **state: object) -> None:
        super().__init__(emulator or PrinterEmulator(**state))  # type: ignore[arg-type]
        self._listener = socket.create_server(("127.0.0.1", 0))
        self._listener.setblocking(False)
        self.host, self.port = self._listener.getsockname()[:2]
        self._clients: list[socket.socket] = []
        self._sel.register(self._listener, selectors.EVENT_READ, "listen")

    def url(self, **options: object) -> str:
        query = "&".join(f"{k}={v}" for k, v in options.items())
        return f"tcp://{self.host}:{self.port}" + (f"?{query}" if query else "")

    def _ready(self, key: selectors.SelectorKey) -> None:
        if key.data == "listen":
            client, _ = self._listener.accept()
            client.setblocking(True)
            self._clients.append(client)
            self._sel.register(client, selectors.EVENT_READ, "client")
            return
        client = key.fileobj
        assert isinstance(client, socket.socket)
        data = client.recv(4096)
        if not data:
            self._sel.unregister(client)
            self._clients.remove(client)
            client.close()
            return
        reply = self.emulator.receive(data)
        if reply:
            client.sendall(reply)

    def _release_line(self) -> None:
        for client in self._clients:
            client.close()
        self._listener.close()
