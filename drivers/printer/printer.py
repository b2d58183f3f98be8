"""The ticket printer: codec composed with a transport, opened by URL.

>>> p = open_printer("sim://?paper=low", paper=Paper.MM58)
>>> p.health().level.value, p.health().detail_en
('WARN', 'paper low')
>>> p.set_paper("out")
>>> p.health().detail_zh
'打印机缺纸'
>>> p.close()

Before each job the printer is asked for its status (when it can answer): a printer that reports
paper out, cover open, a cutter or unrecoverable error, or offline gets nothing and
:class:`~drivers.printer.errors.PrinterNotReady` is raised, so the kiosk can tell the visitor
instead of handing out nothing. A printer that does not answer (a one-way cable, ``file://``)
still gets the job; the health view shows it as UNKNOWN.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from types import TracebackType
from typing import Protocol, Self

from drivers.errors import DeviceConfigError, DeviceError
from drivers.health import Health, Level
from drivers.urls import DeviceUrl, open_by_scheme

from .codec import encode_notice, encode_ticket
from .emulator import EmulatorControls, PrinterEmulator
from .errors import PrinterNotReady
from .model import NoticePrint, Paper, TicketPrint
from .status import PrinterStatus, decode_status
from .transports import (
    FileTransport,
    MemoryTransport,
    NetworkTransport,
    SerialTransport,
    Transport,
    UsbTransport,
)

__all__ = ["EscPosPrinter", "Printer", "SimPrinter", "open_printer"]


class Printer(Protocol):
    """What the kiosk and the counter need from a ticket printer."""

    paper: Paper

    def print_ticket(self, ticket: TicketPrint) -> None: ...

    def print_notice(self, notice: NoticePrint) -> None: ...

    def status(self) -> PrinterStatus: ...

    def health(self) -> Health: ...

    def close(self) -> None: ...


class EscPosPrinter:
    """An ESC/POS printer behind any :class:`~drivers.printer.transports.Transport`.

    Thread-safe: a health poll and a print job never interleave on the wire.
    """

    def __init__(self, transport: Transport, paper: Paper = Paper.MM80, *,
                 check_before_print: bool = True) -> None:
        self.transport = transport
        self.paper = paper
        self.check_before_print = check_before_print
        self._lock = threading.Lock()

    @property
    def name(self) -> str:
        return self.transport.name

    def print_ticket(self, ticket: TicketPrint) -> None:
        """Print one queue ticket; raises PrintContentError (bad field, nothing sent),
        PrinterNotReady (a reported fault, nothing sent) or another DeviceError."""
        self.print_job(encode_ticket(ticket, self.paper))

    def print_notice(self, notice: NoticePrint) -> None:
        """Print one 一次性告知单; same errors as :meth:`print_ticket`."""
        self.print_job(encode_notice(notice, self.paper))

    def print_job(self, job: bytes) -> None:
        """Send already encoded bytes, after the status check."""
        with self._lock:
            if self.check_before_print and self.transport.can_answer:
                status = self._status()
                if status.can_print is False:
                    raise PrinterNotReady(status)
            self.transport.write(job)

    def status(self) -> PrinterStatus:
        """Ask DLE EOT 1–4. Raises DeviceError only when the link itself fails."""
        with self._lock:
            return self._status()

    def _status(self) -> PrinterStatus:
        if not self.transport.can_answer:
            return decode_status({})
        replies: dict[int, bytes] = {}
        for n in (1, 2, 3, 4):
            replies[n] = self.transport.query(n)
            if not replies[n]:
                break  # a silent printer costs one timeout, not four
        return decode_status(replies)

    def health(self) -> Health:
        """Diagnostic verdict; a broken link is FAIL with the reason, silence is UNKNOWN."""
        try:
            health = self.status().health()
        except DeviceError as exc:
            return Health("printer", Level.FAIL, f"打印机连接失败：{exc.zh}",
                          f"printer link failed: {exc.en}", {"url": self.name})
        return Health(health.device, health.level, health.detail_zh, health.detail_en,
                      {**health.facts, "url": self.name, "paper_width_mm": self.paper.value})

    def close(self) -> None:
        with self._lock:
            self.transport.close()

    def __enter__(self) -> Self:
        return self

    def __exit__(self, et: type[BaseException] | None, ev: BaseException | None,
                 tb: TracebackType | None) -> None:
        self.close()


class SimPrinter(EmulatorControls, EscPosPrinter):
    """``sim://``: an in-memory printer whose state tests and demos can change at run time."""

    transport: MemoryTransport

    def __init__(self, transport: MemoryTransport | None = None, paper: Paper = Paper.MM80) -> None:
        super().__init__(transport or MemoryTransport(), paper)

    @property
    def emulator(self) -> PrinterEmulator:
        return self.transport.emulator

    @property
    def sent(self) -> bytes:
        """Every job printed so far, concatenated (status questions not included)."""
        return bytes(self.transport.sent)

    def clear(self) -> None:
        self.transport.sent.clear()






    def set_connected(self, value: bool = True) -> None:
        """``False``: the link is lost; printing and status raise DeviceUnavailable."""
        self.transport.connected = value


_BACKENDS: dict[str, Callable[[DeviceUrl], Transport]] = {
    "usb": UsbTransport.from_url,
    "serial": SerialTransport.from_url,
    "tcp": NetworkTransport.from_url,
    "file": FileTransport.from_url,
    "sim": MemoryTransport.from_url,
}


def open_printer(url: str, *, paper: Paper | int = Paper.MM80) -> EscPosPrinter:
    """Open the printer at ``url`` (the forms are listed in :mod:`drivers.printer.transports`);
    ``sim://`` gives a :class:`SimPrinter`.

    Raises DeviceConfigError for a bad URL and DeviceUnavailable when the device can't be opened.
    """
    try:
        paper = Paper(paper)
    except ValueError as exc:
        raise DeviceConfigError(f"纸宽应为 58 或 80 毫米，实为 {paper!r}",
                                f"paper width must be 58 or 80 mm, got {paper!r}") from exc
    transport = open_by_scheme("打印机 printer", url, _BACKENDS)
    if isinstance(transport, MemoryTransport):
        return SimPrinter(transport, paper)
    return EscPosPrinter(transport, paper)
