"""tcp:// through python-escpos ``Network`` against a loopback printer simulator, and usb://
through python-escpos ``Usb`` with a fake pyusb device (no USB printer exists here: the fake sits
at the narrowest seam, ``usb.core.find``, and answers like the same emulator)."""

from __future__ import annotations

import socket

import pytest
import usb.core
import usb.util

from drivers.errors import DeviceTimeout, DeviceUnavailable
from drivers.health import Level
from drivers.printer import Paper, PaperState, PrinterNotReady, decode, open_printer
from drivers.printer import commands as cmd
from drivers.printer.emulator import PrinterEmulator

pytestmark = pytest.mark.timeout(60)

CUT = cmd.CUT_PARTIAL_AFTER_FEED


# ---- tcp:// ---------------------------------------------------------------------------------


def test_tcp_ticket_and_status(tcp_sim, ticket):
    with open_printer(tcp_sim.url(timeout=5), paper=Paper.MM80) as printer:  # answered: no wait
        assert printer.health().level is Level.OK
        printer.print_ticket(ticket())
        assert tcp_sim.wait_for(CUT)
        assert decode(tcp_sim.received).qr_payloads == ["https://q.example.gov.cn/t/7f3a9c"]
        tcp_sim.set_paper("low")
        assert printer.status().paper is PaperState.LOW
        tcp_sim.set_cover_open()
        with pytest.raises(PrinterNotReady, match="cover open"):
            printer.print_ticket(ticket())


def test_tcp_silent_printer_is_unknown(tcp_sim):
    tcp_sim.set_answering(False)
    with open_printer(tcp_sim.url(timeout=0.2)) as printer:
        assert printer.health().level is Level.UNKNOWN


def test_tcp_nothing_listening_is_unavailable():
    with socket.create_server(("127.0.0.1", 0)) as s:
        port = s.getsockname()[1]
    with pytest.raises(DeviceUnavailable) as err:  # the port was just closed: refused
        open_printer(f"tcp://127.0.0.1:{port}?write_timeout=2")
    assert "无法打开打印机" in err.value.zh


# ---- usb:// ---------------------------------------------------------------------------------


class FakeBackend:
    """pyusb backend stand-in; python-escpos only looks at its module name."""


class FakeUsbPrinter:
    """What pyusb's ``usb.core.find`` returns for a printer: write/read on bulk endpoints."""

    def __init__(self, emulator: PrinterEmulator) -> None:
        self.emulator = emulator
        self.pending = b""
        self.timeouts: list[int | None] = []
        self.stall_writes = False
        self.configured = False
        self.detached: list[int] = []
        self.backend = FakeBackend()  # not libusb1: python-escpos skips the kernel-driver dance

    def set_configuration(self) -> None:
        self.configured = True

    def reset(self) -> None:
        pass

    def is_kernel_driver_active(self, interface: int) -> bool:
        return True

    def detach_kernel_driver(self, interface: int) -> None:
        self.detached.append(interface)

    def write(self, endpoint: int, data: bytes, timeout: int | None = None) -> int:
        assert endpoint == 0x01
        self.timeouts.append(timeout)
        if self.stall_writes:
            raise usb.core.USBTimeoutError("Operation timed out", errno=110)
        self.pending += self.emulator.receive(bytes(data))
        return len(data)

    def read(self, endpoint: int, size: int, timeout: int | None = None) -> bytes:
        assert endpoint == 0x82
        self.timeouts.append(timeout)
        if not self.pending:
            raise usb.core.USBTimeoutError("Operation timed out", errno=110)
        out, self.pending = self.pending[:size], self.pending[size:]
        return out


@pytest.fixture
def fake_usb(monkeypatch):
    device = FakeUsbPrinter(PrinterEmulator())
    found: list[dict] = []

    def find(**kwargs):
        found.append(kwargs)
        return device if kwargs.get("idVendor") == 0x0416 else None

    monkeypatch.setattr(usb.core, "find", find)
    monkeypatch.setattr(usb.util, "dispose_resources", lambda dev: None)
    device.found = found
    return device


def test_usb_ticket_and_status_through_python_escpos(fake_usb, ticket):
    with open_printer("usb://0416:5011?timeout=0.2&write_timeout=3", paper=Paper.MM58) as printer:
        assert fake_usb.found == [{"idVendor": 0x0416, "idProduct": 0x5011}]
        assert fake_usb.configured
        printer.print_ticket(ticket())
        assert fake_usb.emulator.wait_for(CUT, timeout=1)
        assert "A012" in decode(fake_usb.emulator.received).texts
        assert 3000 in fake_usb.timeouts and None not in fake_usb.timeouts  # never "wait for ever"
        fake_usb.emulator.set_paper("out")
        assert printer.health().detail_en == "paper out"
        fake_usb.emulator.set_answering(False)
        assert printer.health().level is Level.UNKNOWN


def test_usb_hex_ids_and_other_interface(monkeypatch, fake_usb):
    monkeypatch.setattr(
        usb.core, "find", lambda **kw: fake_usb if kw["idProduct"] == 0x0E15 else None
    )
    with open_printer("usb://0x0416:0e15?interface=1"):
        assert fake_usb.detached == [1]


def test_usb_not_plugged_in_is_unavailable(fake_usb):
    with pytest.raises(DeviceUnavailable) as err:
        open_printer("usb://04b8:0202")
    assert "无法打开打印机" in err.value.zh and "(1208, 514)" in err.value.en


def test_usb_stalled_write_times_out_instead_of_freezing(fake_usb, ticket):
    with open_printer("usb://0416:5011?timeout=0.2", paper=Paper.MM58) as printer:
        fake_usb.stall_writes = True
        with pytest.raises(DeviceTimeout) as err:
            printer.print_ticket(ticket())
        assert "超时" in err.value.zh and "timed out" in err.value.en
        assert printer.health().level is Level.FAIL
