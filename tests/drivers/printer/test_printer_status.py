"""DLE EOT replies → what maintenance staff see: OK/WARN/FAIL/UNKNOWN, never OK when silent."""

from __future__ import annotations

import logging

import pytest

from drivers.health import Level
from drivers.printer import PaperState, decode_status
from drivers.printer.emulator import PrinterEmulator

HEALTHY = {1: b"\x12", 2: b"\x12", 3: b"\x12", 4: b"\x12"}


def test_healthy_printer_is_ok():
    status = decode_status(HEALTHY)
    assert status.answered and status.online and status.paper is PaperState.OK
    health = status.health()
    assert (health.level, health.detail_zh, health.detail_en) == (
        Level.OK, "打印机正常", "printer ready")


@pytest.mark.parametrize(
    ("replies", "level", "zh", "en"),
    [
        ({4: b"\x1e"}, Level.WARN, "打印纸将尽，请及时更换", "paper low"),
        ({1: b"\x1a", 2: b"\x32", 4: b"\x7e"}, Level.FAIL, "打印机缺纸", "paper out"),
        ({1: b"\x1a", 2: b"\x16"}, Level.FAIL, "打印机盖未关", "cover open"),
        ({1: b"\x1a", 3: b"\x1a"}, Level.FAIL, "切刀故障", "cutter error"),
        ({1: b"\x1a", 3: b"\x32"}, Level.FAIL, "打印机不可恢复错误，请断电重启",
         "unrecoverable error, power-cycle the printer"),
        ({1: b"\x1a"}, Level.FAIL, "打印机离线", "printer offline"),
        ({1: b"\x1a", 2: b"\x36", 4: b"\x7e"}, Level.FAIL, "打印机缺纸；打印机盖未关",
         "paper out; cover open"),
    ],
)
def test_faults_and_warnings(replies, level, zh, en):
    health = decode_status({**HEALTHY, **replies}).health()
    assert (health.level, health.detail_zh, health.detail_en) == (level, zh, en)


@pytest.mark.parametrize("replies", [{}, {1: b"", 2: None}, {1: b"\x12", 2: b"\x12", 3: b"\x12"}])
def test_a_printer_that_did_not_answer_is_unknown_never_ok(replies):
    status = decode_status(replies)
    assert not status.answered
    health = status.health()
    assert health.level is Level.UNKNOWN
    assert health.detail_en == "printer did not answer; status unknown"
    assert health.detail_zh == "打印机未应答，状态未知"


def test_a_reported_fault_counts_even_when_another_reply_is_missing():
    status = decode_status({1: b"\x1a", 2: b"\x32", 4: None})
    assert status.paper is PaperState.OUT  # DLE EOT 2 bit 5: stopped by paper end
    assert status.health().level is Level.FAIL


def test_garbage_around_a_reply_is_logged_and_skipped(caplog):
    caplog.set_level(logging.WARNING, "drivers.printer.status")
    status = decode_status({**HEALTHY, 4: b"\xff\x1e\x00"})
    assert status.paper is PaperState.LOW
    assert "stray" in caplog.text
    assert decode_status({**HEALTHY, 4: b"\xff\x00"}).paper is PaperState.UNKNOWN


def test_integer_replies_are_accepted():
    assert decode_status({1: 0x12, 2: 0x12, 3: 0x12, 4: 0x12}).health().level is Level.OK


@pytest.mark.parametrize(
    ("change", "paper", "level"),
    [
        ({}, PaperState.OK, Level.OK),
        ({"paper": "low"}, PaperState.LOW, Level.WARN),
        ({"paper": "out"}, PaperState.OUT, Level.FAIL),
        ({"cover_open": True}, PaperState.OK, Level.FAIL),
        ({"cutter_error": True}, PaperState.OK, Level.FAIL),
        ({"offline": True}, PaperState.OK, Level.FAIL),
    ],
)
def test_emulator_answers_like_the_status_decoder_expects(change, paper, level):
    emu = PrinterEmulator(**change)
    status = decode_status({n: emu.receive(bytes([0x10, 0x04, n])) for n in (1, 2, 3, 4)})
    assert (status.paper, status.health().level) == (paper, level)


def test_emulator_finds_a_status_request_split_across_writes():
    emu = PrinterEmulator(paper="low")
    assert emu.receive(b"text\x10") == b""
    assert emu.receive(b"\x04") == b""
    assert emu.receive(b"\x04more") == b"\x1e"
    emu.set_answering(False)
    assert emu.receive(b"\x10\x04\x01") == b""


def test_emulator_rejects_an_unknown_paper_state():
    with pytest.raises(ValueError, match="ok/low/out"):
        PrinterEmulator(paper="empty")
