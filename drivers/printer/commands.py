"""The ESC/POS commands hallq sends, as named bytes; the codec and the decoder both read this list.

Only what a ticket needs, from the Epson ESC/POS reference, which Xprinter, Sprt (思普瑞特),
Gprinter (佳博) and the other Chinese 58/80 mm printers follow:

========================  ==============  ==============================================
name                      bytes           meaning
========================  ==============  ==============================================
INIT                      ESC @           reset modes and clear the buffer
ALIGN_*  / align(n)       ESC a n         0 left, 1 centre, 2 right (start of a line only)
bold(on)                  ESC E n         emphasised on/off
size(w, h)                GS ! n          width/height ×1…8 (high nibble w-1, low h-1)
CHINESE_ON                FS &            Chinese (汉字) mode: bytes ≥ 0x80 are GB18030 text
CHINESE_OFF               FS .            back to single-byte mode
LF                        LF              print the line and feed one line
feed(n)                   ESC d n         print and feed n lines
qr_* (GS ( k, cn=49)      GS ( k …        native QR: model, module size, EC level, store, print
CUT_PARTIAL_AFTER_FEED    GS V 66 0       feed to the cutter, partial cut (leaves a tab)
status_request(n)         DLE EOT n       real-time status: 1 printer, 2 offline cause,
                                          3 error cause, 4 paper roll sensor
========================  ==============  ==============================================
"""

from __future__ import annotations

__all__ = [
    "ALIGN_CENTER",
    "ALIGN_LEFT",
    "ALIGN_RIGHT",
    "CHINESE_OFF",
    "CHINESE_ON",
    "CUT",
    "CUT_PARTIAL_AFTER_FEED",
    "DLE",
    "EOT",
    "ESC",
    "FEED_LINES",
    "FS",
    "GS",
    "INIT",
    "LF",
    "QR_EC_M",
    "QR_MODEL_2",
    "SELECT_ALIGN",
    "SELECT_BOLD",
    "SELECT_SIZE",
    "STATUS_REQUEST",
    "TWO_D_CODE",
    "align",
    "bold",
    "feed",
    "qr_error_level",
    "qr_model",
    "qr_module_size",
    "qr_print",
    "qr_store",
    "size",
    "status_request",
]

LF = b"\x0a"
DLE = b"\x10"
EOT = b"\x04"
ESC = b"\x1b"
FS = b"\x1c"
GS = b"\x1d"

INIT = ESC + b"@"  # ESC @: initialise printer (modes back to power-on defaults)
ALIGN_LEFT = ESC + b"a\x00"  # ESC a 0
ALIGN_CENTER = ESC + b"a\x01"  # ESC a 1
ALIGN_RIGHT = ESC + b"a\x02"  # ESC a 2
CHINESE_ON = FS + b"&"  # FS &: select Chinese character mode (GB18030 on mainland printers)
CHINESE_OFF = FS + b"."  # FS .: cancel Chinese character mode
# GS V 66 n: feed to (cutting position + n dots) and cut leaving one point uncut. Feeding "to the
# cutter" avoids guessing the head-to-blade distance, which differs between models.
CUT = GS + b"V"  # GS V m [n]: cut (m 0/48 full, 1/49 partial, 65/66 feed n then full/partial)
CUT_PARTIAL_AFTER_FEED = CUT + b"\x42\x00"
SELECT_SIZE = GS + b"!"  # GS ! n: character size, see size()
SELECT_BOLD = ESC + b"E"  # ESC E n: emphasis, see bold()
SELECT_ALIGN = ESC + b"a"  # ESC a n: justification, see align()
FEED_LINES = ESC + b"d"  # ESC d n: print and feed n lines, see feed()
TWO_D_CODE = GS + b"(k"  # GS ( k pL pH cn fn [params]: 2D symbols, see qr_*()
STATUS_REQUEST = DLE + EOT  # DLE EOT n: real-time status, see status_request()

# GS ( k, symbol type cn = 49 (QR Code)
QR_MODEL_2 = 50  # function 165 value n1: model 2 (49 = model 1)
QR_EC_M = 49  # function 169 value: 48 L, 49 M (15 %), 50 Q, 51 H
_QR_CN = b"1"  # cn = 49


def align(n: int) -> bytes:
    """ESC a n: 0 left, 1 centre, 2 right."""
    if n not in (0, 1, 2):
        raise ValueError(f"ESC a: alignment must be 0, 1 or 2, got {n}")
    return SELECT_ALIGN + bytes([n])


def bold(on: bool) -> bytes:
    """ESC E n: emphasised printing on or off."""
    return SELECT_BOLD + (b"\x01" if on else b"\x00")


def size(width: int, height: int) -> bytes:
    """GS ! n: character magnification, 1…8 in each direction.

    >>> size(2, 2)
    b'\\x1d!\\x11'
    """
    if not (1 <= width <= 8 and 1 <= height <= 8):
        raise ValueError(f"GS !: magnification must be 1..8, got {width}x{height}")
    return SELECT_SIZE + bytes([(width - 1) << 4 | (height - 1)])


def feed(lines: int) -> bytes:
    """ESC d n: print the buffer and feed n lines."""
    if not 0 <= lines <= 255:
        raise ValueError(f"ESC d: line count must be 0..255, got {lines}")
    return FEED_LINES + bytes([lines])


def _gs_k(fn: int, params: bytes) -> bytes:
    """GS ( k pL pH cn fn params: pL + 256·pH counts cn, fn and params."""
    n = len(params) + 2
    return TWO_D_CODE + bytes([n & 0xFF, n >> 8]) + _QR_CN + bytes([fn]) + params


def qr_model(model: int = QR_MODEL_2) -> bytes:
    """Function 165 (fn 65): select the QR model."""
    return _gs_k(65, bytes([model, 0]))


def qr_module_size(dots: int) -> bytes:
    """Function 167 (fn 67): module (square) size in dots, 1…16."""
    if not 1 <= dots <= 16:
        raise ValueError(f"GS ( k: QR module size must be 1..16, got {dots}")
    return _gs_k(67, bytes([dots]))


def qr_error_level(level: int = QR_EC_M) -> bytes:
    """Function 169 (fn 69): error correction level (48 L, 49 M, 50 Q, 51 H)."""
    return _gs_k(69, bytes([level]))


def qr_store(data: bytes) -> bytes:
    """Function 180 (fn 80, m = 48): store the symbol data."""
    if not 1 <= len(data) <= 7089:
        raise ValueError(f"GS ( k: QR data must be 1..7089 bytes, got {len(data)}")
    return _gs_k(80, b"0" + data)


def qr_print() -> bytes:
    """Function 181 (fn 81, m = 48): print the stored symbol."""
    return _gs_k(81, b"0")


def status_request(n: int) -> bytes:
    """DLE EOT n: ask for real-time status n (1 printer, 2 offline, 3 error, 4 paper sensor).

    Real-time: the printer answers one byte even while its buffer is full or it is offline.
    """
    if n not in (1, 2, 3, 4):
        raise ValueError(f"DLE EOT: n must be 1..4, got {n}")
    return STATUS_REQUEST + bytes([n])
