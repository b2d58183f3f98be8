"""Read an ESC/POS byte stream back: text lines (GB18030 in Chinese mode), QR payloads, sizes, cuts.

For tests ("the printed bytes say what the ticket says") and for diagnostics (what did the kiosk
send?). Strict on purpose: an unknown command or a byte that does not decode raises
:class:`DecodeError` with its offset instead of being skipped.

>>> r = decode(b"\\x1b@\\x1c&\\x1ba\\x01\\xc4\\xe3\\xba\\xc3\\n\\x1dVB\\x00")
>>> r.texts, r.lines[0].align, r.cut
(['你好'], 1, True)
"""

from __future__ import annotations

from dataclasses import dataclass, field

from .layout import centre, columns

__all__ = ["DecodeError", "PrintedLine", "PrintedQr", "Receipt", "decode", "decode_jobs"]


class DecodeError(ValueError):
    """The stream holds something hallq's decoder does not understand."""


@dataclass(frozen=True, slots=True)
class PrintedLine:
    """One printed line and the modes it was printed in."""

    text: str
    align: int = 0  # ESC a: 0 left, 1 centre, 2 right
    width: int = 1  # GS ! magnification
    height: int = 1
    bold: bool = False
    chinese: bool = False  # FS & was on when the line was printed


@dataclass(frozen=True, slots=True)
class PrintedQr:
    """A QR code printed with GS ( k function 181."""

    payload: str
    model: int | None  # 49 model 1, 50 model 2
    module: int | None  # dots
    error_level: int | None  # 48 L, 49 M, 50 Q, 51 H


@dataclass(slots=True)
class Receipt:
    """What a stream prints, in order."""

    items: list[PrintedLine | PrintedQr] = field(default_factory=list)
    cuts: list[str] = field(default_factory=list)  # "full" / "partial", in order
    status_requests: list[int] = field(default_factory=list)  # DLE EOT n seen
    initialised: bool = False  # began with ESC @

    @property
    def lines(self) -> list[PrintedLine]:
        return [i for i in self.items if isinstance(i, PrintedLine)]

    @property
    def texts(self) -> list[str]:
        """Non-blank printed lines."""
        return [line.text for line in self.lines if line.text.strip()]

    @property
    def text(self) -> str:
        return "\n".join(self.texts)

    @property
    def qr_codes(self) -> list[PrintedQr]:
        return [i for i in self.items if isinstance(i, PrintedQr)]

    @property
    def qr_payloads(self) -> list[str]:
        return [q.payload for q in self.qr_codes]

    @property
    def cut(self) -> bool:
        return bool(self.cuts)

    def render(self, paper_columns: int) -> str:
        """Plain-text picture of the slip: lines placed by printer columns (a ×4 line takes four
        times its width but is shown once), QR codes as ``[QR payload]``."""
        out = []
        for item in self.items:
            if isinstance(item, PrintedQr):
                out.append(centre(f"[QR {item.payload}]", paper_columns))
                continue
            free = max(0, paper_columns - columns(item.text) * item.width)  # in normal columns
            pad = {0: 0, 1: free // 2, 2: free}.get(item.align, 0)
            out.append((" " * pad + item.text).rstrip())
        return "\n".join(out)


class _Parser:
    def __init__(self, data: bytes) -> None:
        self.data = data
        self.pos = 0
        self.receipts: list[Receipt] = [Receipt()]
        self.align, self.width, self.height, self.bold, self.chinese = 0, 1, 1, False, False
        self.segments: list[str] = []
        self.line_modes: tuple[int, int, int, bool, bool] | None = None
        self.qr_model: int | None = None
        self.qr_module: int | None = None
        self.qr_level: int | None = None
        self.qr_data: bytes | None = None

    # -- helpers
    def fail(self, what: str, at: int | None = None) -> DecodeError:
        return DecodeError(f"byte {self.pos if at is None else at}: {what}")

    def take(self, n: int) -> bytes:
        if self.pos + n > len(self.data):
            raise self.fail(f"command truncated (needs {n} more bytes)")
        chunk = self.data[self.pos:self.pos + n]
        self.pos += n
        return chunk

    @property
    def receipt(self) -> Receipt:
        return self.receipts[-1]

    def modes(self) -> tuple[int, int, int, bool, bool]:
        return self.align, self.width, self.height, self.bold, self.chinese

    def end_line(self, *, blank_ok: bool = True) -> None:
        if not self.segments and not blank_ok:
            return
        align, width, height, bold, chinese = self.line_modes or self.modes()
        self.receipt.items.append(PrintedLine("".join(self.segments), align, width, height,
                                              bold, chinese))
        self.segments, self.line_modes = [], None

    def text_run(self) -> None:
        start = self.pos
        while self.pos < len(self.data) and self.data[self.pos] >= 0x20:
            self.pos += 1
        raw = self.data[start:self.pos]
        if self.line_modes is None:
            self.line_modes = self.modes()
        try:
            self.segments.append(raw.decode("gb18030" if self.chinese else "ascii"))
        except UnicodeDecodeError as exc:
            mode = "GB18030 (Chinese mode)" if self.chinese else "ASCII (single-byte mode)"
            raise self.fail(f"text does not decode as {mode}: {raw!r}", start + exc.start) from exc

    # -- commands
    def esc(self) -> None:
        op = self.take(1)
        if op == b"@":
            self.segments, self.line_modes = [], None  # ESC @ clears the print buffer
            self.align, self.width, self.height, self.bold, self.chinese = 0, 1, 1, False, False
            self.receipt.initialised = self.receipt.initialised or not self.receipt.items
        elif op == b"a":
            n = self.take(1)[0]
            self.align = {48: 0, 49: 1, 50: 2}.get(n, n)
            if self.align not in (0, 1, 2):
                raise self.fail(f"ESC a {n}: bad alignment")
        elif op == b"E":
            self.bold = bool(self.take(1)[0] & 1)
        elif op == b"d":
            n = self.take(1)[0]
            if self.segments:
                self.end_line()
                n -= 1
            for _ in range(max(0, n)):
                self.end_line()
        elif op in (b"!", b"t", b"M", b"3", b"-", b"G", b"R"):
            self.take(1)  # print mode, code table, font, spacing, underline…: modes we don't track
        elif op == b"2":
            pass
        else:
            raise self.fail(f"unknown command ESC {op!r}", self.pos - 2)

    def gs(self) -> None:
        op = self.take(1)
        if op == b"!":
            n = self.take(1)[0]
            self.width, self.height = (n >> 4) + 1, (n & 0x0F) + 1
        elif op == b"V":
            m = self.take(1)[0]
            if m in (65, 66):
                self.take(1)
            elif m not in (0, 1, 48, 49):
                raise self.fail(f"GS V {m}: unknown cut")
            self.end_line(blank_ok=False)
            self.receipt.cuts.append("full" if m in (0, 48, 65) else "partial")
            self.receipts.append(Receipt())
        elif op == b"(":
            if self.take(1) != b"k":
                raise self.fail("GS ( other than GS ( k is not decoded", self.pos - 3)
            p_l, p_h = self.take(2)
            body = self.take(p_l + 256 * p_h)
            self.two_d(body)
        elif op == b"B":
            self.take(1)  # reverse printing
        else:
            raise self.fail(f"unknown command GS {op!r}", self.pos - 2)

    def two_d(self, body: bytes) -> None:
        if len(body) < 2 or body[0] != 49:
            raise self.fail(f"GS ( k for symbol {body[:1]!r}: only QR (cn=49) is decoded")
        fn, params = body[1], body[2:]
        if fn == 65 and params:
            self.qr_model = params[0]
        elif fn == 67 and params:
            self.qr_module = params[0]
        elif fn == 69 and params:
            self.qr_level = params[0]
        elif fn == 80 and params[:1] == b"0":
            self.qr_data = params[1:]
        elif fn == 81:
            if self.qr_data is None:
                raise self.fail("QR print (fn 81) without stored data (fn 80)")
            self.end_line(blank_ok=False)
            try:
                payload = self.qr_data.decode("utf-8")
            except UnicodeDecodeError as exc:
                raise self.fail("QR data is not UTF-8") from exc
            qr = PrintedQr(payload, self.qr_model, self.qr_module, self.qr_level)
            self.receipt.items.append(qr)
        else:
            raise self.fail(f"GS ( k QR function {fn} not decoded")

    def fs(self) -> None:
        op = self.take(1)
        if op in (b"&", b"."):
            if self.segments and self.line_modes is not None:
                self.line_modes = (*self.line_modes[:4], self.line_modes[4] or op == b"&")
            self.chinese = op == b"&"
        elif op == b"C":
            self.take(1)  # Chinese code system select
        else:
            raise self.fail(f"unknown command FS {op!r}", self.pos - 2)

    def run(self) -> list[Receipt]:
        while self.pos < len(self.data):
            byte = self.data[self.pos]
            if byte >= 0x20:
                self.text_run()
                continue
            self.pos += 1
            if byte == 0x0A:
                self.end_line()
            elif byte == 0x0D:
                pass
            elif byte == 0x1B:
                self.esc()
            elif byte == 0x1D:
                self.gs()
            elif byte == 0x1C:
                self.fs()
            elif byte == 0x10:
                if self.take(1) != b"\x04":
                    raise self.fail("DLE other than DLE EOT", self.pos - 2)
                n = self.take(1)[0]
                self.receipt.status_requests.append(n)
            else:
                raise self.fail(f"unexpected control byte 0x{byte:02x}", self.pos - 1)
        self.end_line(blank_ok=False)
        if len(self.receipts) > 1 and not (self.receipt.items or self.receipt.status_requests
                                           or self.receipt.initialised):
            self.receipts.pop()  # nothing after the last cut
        return self.receipts


def decode_jobs(data: bytes) -> list[Receipt]:
    """Split a stream (e.g. a ``file://`` printer's output) into slips, one per cut."""
    return _Parser(bytes(data)).run()


def decode(data: bytes) -> Receipt:
    """Decode one job; everything the stream prints, all cuts included, in one :class:`Receipt`."""
    jobs = decode_jobs(data)
    merged = Receipt(initialised=jobs[0].initialised)
    for job in jobs:
        merged.items += job.items
        merged.cuts += job.cuts
        merged.status_requests += job.status_requests
    return merged
