"""serial:// with real pyserial (through python-escpos) against the pty printer simulator."""

from __future__ import annotations

import logging

import pytest

from drivers.errors import DeviceUnavailable
from drivers.health import Level
from drivers.printer import Paper, PaperState, PrinterNotReady, decode, decode_jobs, open_printer
from drivers.printer import commands as cmd
from tests.support.devices import eventually

# a hang would be the bug; this only turns it into a failure instead of a stuck run
pytestmark = pytest.mark.timeout(60)

CUT = cmd.CUT_PARTIAL_AFTER_FEED


@pytest.fixture
def printer(serial_sim):
    # a generous status timeout costs nothing when the printer answers: the reply ends the wait
    with open_printer(serial_sim.url(timeout=5), paper=Paper.MM58) as p:
        yield p


def test_ticket_arrives_whole_and_decodes(printer, serial_sim, ticket):
    printer.print_ticket(ticket())
    assert serial_sim.wait_for(CUT)
    jobs = decode_jobs(serial_sim.received)
    assert jobs[0].status_requests == [1, 2, 3, 4]  # the check before printing
    slip = jobs[-1]
    assert "A012" in slip.texts and "您前面还有 3 人" in slip.texts
    assert slip.qr_payloads == ["https://q.example.gov.cn/t/7f3a9c"]


def test_notice_over_serial(printer, serial_sim, notice):
    printer.print_notice(notice())
    assert serial_sim.wait_for(CUT)
    assert "经办人：王䶮（工号 1024）" in decode(serial_sim.received).texts


@pytest.mark.parametrize(
    ("action", "paper", "level", "detail_zh"),
    [
        (lambda s: None, PaperState.OK, Level.OK, "打印机正常"),
        (lambda s: s.set_paper("low"), PaperState.LOW, Level.WARN, "打印纸将尽，请及时更换"),
        (lambda s: s.set_paper("out"), PaperState.OUT, Level.FAIL, "打印机缺纸"),
        (lambda s: s.set_cover_open(), PaperState.OK, Level.FAIL, "打印机盖未关"),
        (lambda s: s.set_cutter_error(), PaperState.OK, Level.FAIL, "切刀故障"),
    ],
)
def test_status_over_the_wire(printer, serial_sim, action, paper, level, detail_zh):
    action(serial_sim)
    status = printer.status()
    assert status.answered and status.paper is paper
    health = printer.health()
    assert (health.level, health.detail_zh) == (level, detail_zh)


def test_paper_out_refuses_the_job_and_recovers_when_refilled(printer, serial_sim, ticket):
    serial_sim.set_paper("out")
    with pytest.raises(PrinterNotReady):
        printer.print_ticket(ticket())
    serial_sim.set_paper("ok")
    printer.print_ticket(ticket())
    assert serial_sim.wait_for(CUT)
    assert decode(serial_sim.received).cuts == ["partial"]  # only the second job was sent


def test_a_printer_that_stops_answering_is_unknown_and_does_not_hang(serial_sim, ticket):
    # a short status timeout is what the silent printer costs; while it answers, it is asked again
    # until a generous deadline, so a busy machine cannot make a live printer look silent
    with open_printer(serial_sim.url(timeout=0.3), paper=Paper.MM58) as printer:
        assert eventually(printer.health, lambda h: h.level is Level.OK).level is Level.OK
        serial_sim.set_answering(False)
        status = printer.status()
        assert not status.answered
        assert printer.health().level is Level.UNKNOWN
        printer.print_ticket(ticket())  # a one-way cable still prints
        assert serial_sim.wait_for(CUT)
        serial_sim.set_answering(True)
        assert eventually(printer.health, lambda h: h.level is Level.OK).level is Level.OK  # it comes back


def test_line_noise_is_logged_ignored_and_the_printer_keeps_working(printer, serial_sim, caplog):
    caplog.set_level(logging.WARNING)
    serial_sim.set_paper("low")
    serial_sim.inject(b"\xff\x00\xee\x80")  # none of these can be a status byte
    assert printer.status().paper is PaperState.LOW
    serial_sim.inject(b"\x00\xff")
    assert printer.health().level is Level.WARN
    assert "stale" in caplog.text or "stray" in caplog.text


def test_unplugged_printer_raises_device_unavailable(serial_sim, ticket):
    printer = open_printer(serial_sim.url(timeout=5, write_timeout=2))
    serial_sim.close()  # both pty ends gone: the cable is pulled
    with pytest.raises(DeviceUnavailable):
        printer.print_ticket(ticket())
    assert printer.health().level is Level.FAIL
    printer.close()


def test_missing_port_is_unavailable_in_both_languages():
    with pytest.raises(DeviceUnavailable) as err:
        open_printer("serial:///dev/ttyHALLQ-none")
    assert "无法打开打印机" in err.value.zh and "cannot open printer" in err.value.en
