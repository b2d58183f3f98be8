"""sim:// (the kiosk tests' printer), file:// and URL handling of open_printer."""

from __future__ import annotations

import pytest

from drivers.errors import DeviceConfigError, DeviceUnavailable
from drivers.health import Level
from drivers.printer import (
    Paper,
    PaperState,
    PrintContentError,
    PrinterNotReady,
    SimPrinter,
    decode,
    decode_jobs,
    encode_ticket,
    open_printer,
)


def test_sim_printer_collects_exactly_the_encoded_ticket(ticket):
    with open_printer("sim://", paper=Paper.MM58) as printer:
        assert isinstance(printer, SimPrinter)
        printer.print_ticket(ticket())
        assert printer.sent == encode_ticket(ticket(), Paper.MM58)  # status questions not in .sent
        assert decode(printer.sent).qr_payloads == ["https://q.example.gov.cn/t/7f3a9c"]


def test_sim_prints_notices_too(notice):
    with open_printer("sim://") as printer:
        printer.print_notice(notice())
        assert "一次性告知单" in decode(printer.sent).texts


@pytest.mark.parametrize(
    ("url", "level", "detail_en"),
    [
        ("sim://", Level.OK, "printer ready"),
        ("sim://?paper=low", Level.WARN, "paper low"),
        ("sim://?paper=out", Level.FAIL, "paper out"),
        ("sim://?cover=open", Level.FAIL, "cover open"),
        ("sim://?cutter=error", Level.FAIL, "cutter error"),
        ("sim://?offline=1", Level.FAIL, "printer offline"),
        ("sim://?answer=0", Level.UNKNOWN, "printer did not answer; status unknown"),
    ],
)
def test_sim_url_sets_the_state(url, level, detail_en):
    with open_printer(url) as printer:
        health = printer.health()
        assert (health.level, health.detail_en) == (level, detail_en)
        assert health.facts["url"] == url


def test_state_changes_at_run_time_and_a_faulty_printer_gets_nothing(ticket):
    with open_printer("sim://") as printer:
        printer.set_paper("out")
        with pytest.raises(PrinterNotReady) as err:
            printer.print_ticket(ticket())
        assert "缺纸" in err.value.zh and "paper out" in err.value.en
        assert err.value.status.paper is PaperState.OUT
        assert printer.sent == b""
        printer.set_paper("low")  # low paper still prints, and shows as a warning
        printer.print_ticket(ticket())
        assert decode(printer.sent).cut
        assert printer.health().level is Level.WARN


def test_a_silent_printer_still_gets_the_job(ticket):
    with open_printer("sim://?answer=0") as printer:
        printer.print_ticket(ticket())
        assert decode(printer.sent).cut


def test_bad_content_sends_nothing(ticket):
    with open_printer("sim://") as printer:
        with pytest.raises(PrintContentError):
            printer.print_ticket(ticket(lang="en"))  # Chinese text on an English ticket
        assert printer.sent == b""


def test_lost_link_raises_and_health_is_fail(ticket):
    with open_printer("sim://") as printer:
        printer.set_connected(False)
        with pytest.raises(DeviceUnavailable, match="link lost"):
            printer.print_ticket(ticket())
        health = printer.health()
        assert health.level is Level.FAIL and "连接" in health.detail_zh


def test_closed_printer_refuses_work(ticket):
    printer = open_printer("sim://")
    printer.close()
    with pytest.raises(DeviceUnavailable, match="closed"):
        printer.print_ticket(ticket())


def test_file_printer_appends_each_job_and_cannot_answer(tmp_path, ticket, notice):
    out = tmp_path / "out.bin"
    out.write_bytes(b"\x1b@earlier job\n\x1dVB\x00")
    with open_printer(f"file://{out}", paper=Paper.MM58) as printer:
        printer.print_ticket(ticket())
        printer.print_notice(notice())
        health = printer.health()
        assert health.level is Level.UNKNOWN  # a file can't tell us about paper
    jobs = decode_jobs(out.read_bytes())
    assert [j.texts[0] for j in jobs] == ["earlier job", "城关镇便民服务中心", "某县政务服务中心"]


def test_file_printer_in_a_missing_directory_is_unavailable(tmp_path):
    with pytest.raises(DeviceUnavailable) as err:
        open_printer(f"file://{tmp_path}/missing/out.bin")
    assert "设备不可用" in err.value.zh


@pytest.mark.parametrize(
    ("url", "en"),
    [
        ("lpt://1", "scheme must be one of file, serial, sim, tcp, usb"),
        ("sim://?paper=empty", "ok/low/out"),
        ("sim://?cover=ajar", "cover must be one of closed, open"),
        ("sim://?colour=red", "unknown option(s) colour"),
        ("serial://", "no device path"),
        ("serial:///dev/ttyS0?flow=magic", "flow must be one of"),
        ("serial:///dev/ttyS0?timeout=0", "timeout must be seconds > 0"),
        ("serial:///dev/ttyS0?baud=fast", "baud must be an integer"),
        ("tcp://", "no host"),
        ("file://", "no file path"),
        ("usb://printer", "usb://VID:PID in hex"),
        ("usb://0416:zz", "usb://VID:PID in hex"),
    ],
)
def test_bad_urls_are_refused_in_both_languages(url, en):
    with pytest.raises(DeviceConfigError) as err:
        open_printer(url)
    assert en in err.value.en and err.value.zh != err.value.en


def test_paper_width_must_be_58_or_80():
    assert open_printer("sim://", paper=58).paper is Paper.MM58
    with pytest.raises(DeviceConfigError, match="58 or 80"):
        open_printer("sim://", paper=76)
