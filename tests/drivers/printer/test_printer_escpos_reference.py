"""Each ESC/POS command the codec sends, against bytes written by hand from the Epson ESC/POS reference
(TM-T88 / TM-T88III command descriptions; GS ( k QR functions as in the TM series "2D code" pages),
not against golden files the codec wrote; and the printed QR code, read by zbar, is the tracking URL
(the preview's QR: test_printer_preview.py).

The hand-written table below is the test's own reading of the reference. A real ticket job is cut
into commands with that table alone, so a command the codec starts to send that nobody checked
here fails the test.
"""

from __future__ import annotations

from pathlib import Path

import pytest
import qrcode

from drivers.printer import Paper, encode_notice, encode_ticket
from drivers.printer import commands as cmd
from drivers.printer.codec import encode_layout
from drivers.printer.layout import Align, Layout, Line, QrBlock
from tests.support.qr import zbar_decode

# (command name in the Epson reference, the codec's bytes, the bytes by hand)
REFERENCE = [
    ("ESC @  Initialize printer", cmd.INIT, b"\x1b\x40"),
    ("FS &  Select Kanji (Chinese) character mode", cmd.CHINESE_ON, b"\x1c\x26"),
    ("FS .  Cancel Kanji (Chinese) character mode", cmd.CHINESE_OFF, b"\x1c\x2e"),
    ("ESC a 0  Select justification: left", cmd.align(0), b"\x1b\x61\x00"),
    ("ESC a 1  Select justification: centring", cmd.align(1), b"\x1b\x61\x01"),
    ("ESC a 2  Select justification: right", cmd.align(2), b"\x1b\x61\x02"),
    ("ESC E 1  Turn emphasized mode on", cmd.bold(True), b"\x1b\x45\x01"),
    ("ESC E 0  Turn emphasized mode off", cmd.bold(False), b"\x1b\x45\x00"),
    # GS ! n: bits 4-6 = width magnification - 1, bits 0-2 = height magnification - 1
    ("GS ! 0x00  Select character size ×1", cmd.size(1, 1), b"\x1d\x21\x00"),
    ("GS ! 0x11  Select character size: double width and height", cmd.size(2, 2), b"\x1d\x21\x11"),
    ("GS ! 0x21  Select character size: triple width, double height", cmd.size(3, 2), b"\x1d\x21\x21"),
    ("LF  Print and line feed", cmd.LF, b"\x0a"),
    ("ESC d 2  Print and feed 2 lines", cmd.feed(2), b"\x1b\x64\x02"),
    # GS ( k pL pH cn fn ...: (pL + pH×256) counts cn, fn and the parameters; cn = 49 (0x31) is QR Code
    ("GS ( k <Function 165>  QR Code: select the model (model 2)", cmd.qr_model(cmd.QR_MODEL_2),
     b"\x1d\x28\x6b\x04\x00\x31\x41\x32\x00"),
    ("GS ( k <Function 167>  QR Code: set the size of module (6 dots)", cmd.qr_module_size(6),
     b"\x1d\x28\x6b\x03\x00\x31\x43\x06"),
    ("GS ( k <Function 169>  QR Code: select the error correction level (M)", cmd.qr_error_level(cmd.QR_EC_M),
     b"\x1d\x28\x6b\x03\x00\x31\x45\x31"),
    ("GS ( k <Function 180>  QR Code: store the data in the symbol storage area (m = 48)",
     cmd.qr_store(b"https://q.example.gov.cn/t/7f3a9c"),
     b"\x1d\x28\x6b\x24\x00\x31\x50\x30" + b"https://q.example.gov.cn/t/7f3a9c"),  # k = 33, pL = 33 + 3
    ("GS ( k <Function 181>  QR Code: print the symbol data in the symbol storage area",
     cmd.qr_print(), b"\x1d\x28\x6b\x03\x00\x31\x51\x30"),
    ("GS V 66 0  Select cut mode and cut paper: feed to the cutting position, partial cut",
     cmd.CUT_PARTIAL_AFTER_FEED, b"\x1d\x56\x42\x00"),
    ("DLE EOT 1  Transmit real-time status: printer", cmd.status_request(1), b"\x10\x04\x01"),
    ("DLE EOT 2  Transmit real-time status: off-line cause", cmd.status_request(2), b"\x10\x04\x02"),
    ("DLE EOT 3  Transmit real-time status: error cause", cmd.status_request(3), b"\x10\x04\x03"),
    ("DLE EOT 4  Transmit real-time status: roll paper sensor", cmd.status_request(4), b"\x10\x04\x04"),
]


@pytest.mark.parametrize(("name", "ours", "by_hand"), REFERENCE, ids=[r[0].split("  ")[0] for r in REFERENCE])
def test_each_command_is_the_reference_bytes(name: str, ours: bytes, by_hand: bytes) -> None:
    assert ours == by_hand, name


def test_a_tiny_slip_is_exactly_the_reference_bytes() -> None:
    """The codec's composition: modes only when they change, the QR sequence, feed, FS ., cut."""
    layout = Layout((Line("A012", Align.CENTER, 2, True), QrBlock("http://h.cn/t/x", 6), Line("请保管")),
                    chinese=True, paper=Paper.MM58)
    assert encode_layout(layout) == (
        b"\x1b\x40" + b"\x1c\x26"                          # ESC @, FS &
        + b"\x1b\x61\x01" + b"\x1d\x21\x11" + b"\x1b\x45\x01" + b"A012" + b"\x0a"  # ESC a 1, GS ! 0x11, ESC E 1
        + b"\x1d\x28\x6b\x04\x00\x31\x41\x32\x00"          # Function 165: model 2
        + b"\x1d\x28\x6b\x03\x00\x31\x43\x06"              # Function 167: 6 dots
        + b"\x1d\x28\x6b\x03\x00\x31\x45\x31"              # Function 169: level M
        + b"\x1d\x28\x6b\x12\x00\x31\x50\x30" + b"http://h.cn/t/x"  # Function 180: k = 15
        + b"\x1d\x28\x6b\x03\x00\x31\x51\x30"              # Function 181: print
        + b"\x1b\x61\x00" + b"\x1d\x21\x00" + b"\x1b\x45\x00"      # back to left, ×1, not bold
        + "请保管".encode("gb18030") + b"\x0a"
        + b"\x1b\x64\x02"                                  # ESC d 2
        + b"\x1c\x2e"                                      # FS .
        + b"\x1d\x56\x42\x00")                             # GS V 66 0


# The command shapes of the same reference: prefix → (name, parameter bytes after the prefix, allowed values).
# GS ( k is read by its own length bytes.
SHAPES: list[tuple[bytes, str, int, object]] = [
    (b"\x1b\x40", "ESC @", 0, None),
    (b"\x1c\x26", "FS &", 0, None),
    (b"\x1c\x2e", "FS .", 0, None),
    (b"\x0a", "LF", 0, None),
    (b"\x1b\x61", "ESC a", 1, {0, 1, 2}),
    (b"\x1b\x45", "ESC E", 1, {0, 1}),
    (b"\x1d\x21", "GS !", 1, {w << 4 | h for w in range(8) for h in range(8)}),
    (b"\x1b\x64", "ESC d", 1, set(range(256))),
    (b"\x1d\x56\x42", "GS V 66", 1, set(range(256))),
    (b"\x10\x04", "DLE EOT", 1, {1, 2, 3, 4}),
]
QR_FUNCTIONS = {0x41: "165", 0x43: "167", 0x45: "169", 0x50: "180", 0x51: "181"}  # fn → <Function NNN>


def _commands(job: bytes) -> list[tuple[str, bytes]]:
    """Cut a print job into (reference name, bytes) with the hand-written shapes alone; text runs (no
    byte below 0x20: GB18030 never uses one) are ("text", bytes). Fails on a command not checked here."""
    out, i = [], 0
    while i < len(job):
        if job[i] >= 0x20:
            j = i
            while j < len(job) and job[j] >= 0x20:
                j += 1
            out.append(("text", job[i:j]))
            i = j
            continue
        if job.startswith(b"\x1d\x28\x6b", i):  # GS ( k pL pH cn fn …
            size = job[i + 3] + 256 * job[i + 4]
            raw = job[i:i + 5 + size]
            assert raw[5] == 0x31 and raw[6] in QR_FUNCTIONS, f"byte {i}: GS ( k {raw[5:7].hex(' ')}"
            out.append((f"GS ( k <Function {QR_FUNCTIONS[raw[6]]}>", raw))
            i += len(raw)
            continue
        shape = next((sh for sh in SHAPES if job.startswith(sh[0], i)), None)
        assert shape is not None, f"byte {i}: {job[i:i + 8].hex(' ')} is no command this test checked"
        prefix, name, params, allowed = shape
        raw = job[i:i + len(prefix) + params]
        assert params == 0 or raw[-1] in allowed, f"{name} {raw[-1]} is out of the reference's range"
        out.append((name, raw))
        i += len(raw)
    return out


@pytest.mark.parametrize("paper", list(Paper))
def test_a_real_ticket_and_notice_use_only_checked_commands(ticket, notice, paper) -> None:
    for job in (encode_ticket(ticket(), paper), encode_notice(notice(), paper)):
        names = [name for name, _ in _commands(job)]
        assert names[:2] == ["ESC @", "FS &"] and names[-2:] == ["FS .", "GS V 66"]


def _printed_qr(job: bytes) -> tuple[str, int, str]:
    """(data, module dots, error correction level) of the QR code in a job, read from its GS ( k commands."""
    got: dict[str, object] = {}
    for name, raw in _commands(job):
        if name == "GS ( k <Function 180>":
            got["data"] = raw[8:].decode("utf-8")  # after pL pH cn fn m
        elif name == "GS ( k <Function 167>":
            got["module"] = raw[7]
        elif name == "GS ( k <Function 169>":
            got["level"] = "LMQH"[raw[7] - 48]
    return got["data"], got["module"], got["level"]  # type: ignore[return-value]


@pytest.mark.parametrize("paper", list(Paper))
def test_the_printed_qr_scans_as_the_tracking_url(ticket, paper, tmp_path: Path) -> None:
    """What a printer draws from the stored data (model 2, the module size and level sent), read by zbar."""
    t = ticket()
    data, module, level = _printed_qr(encode_ticket(t, paper))
    levels = {"L": qrcode.constants.ERROR_CORRECT_L, "M": qrcode.constants.ERROR_CORRECT_M,
              "Q": qrcode.constants.ERROR_CORRECT_Q, "H": qrcode.constants.ERROR_CORRECT_H}
    symbol = qrcode.QRCode(error_correction=levels[level], box_size=module, border=4)
    symbol.add_data(data.encode("utf-8"))
    drawn = symbol.make_image().get_image().convert("L")
    assert drawn.width <= paper.dots  # it fits across the paper at the module size the codec chose
    assert zbar_decode(drawn, tmp_path) == [t.track_url]
