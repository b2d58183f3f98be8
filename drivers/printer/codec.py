"""Ticket and notice → ESC/POS bytes. Pure: no I/O, same input gives the same bytes.

Chinese text is encoded to GB18030 here and sent in Chinese mode (FS &), never through
python-escpos's ``text()``: its automatic encoding (``MagicEncode.write``) is wrong for us.
With python-escpos 3.1 (checked with ``Dummy().text()``, see test_printer_codec.py):

* it takes the GB18030 path only if the text holds a character in U+4E00..U+9FA5, so
  ``"（1）：¥5，"`` goes out as ``ESC t 0 "?1??" 0x9D "5?"``: full-width punctuation becomes
  ``?`` and ¥ a CP437 byte; Ext-A/Ext-B characters (䶮 U+4DAE, 𠀀 U+20000) become ``??``;
* it never sends FS &, so printers whose power-on mode is single-byte print mojibake;
* python-escpos#269 (GBK bytes printed as ``\\xd6\\xd0…`` text, Xprinter 58IIQ), #491 (the
  maintainers' answer for Chinese is ``_raw(text.encode("GB18030"))``) and #678 (the hard-coded
  Chinese encoding cannot be chosen) are the upstream reports of the same problem.
"""

from __future__ import annotations

from . import commands as cmd
from .errors import PrintContentError
from .layout import Align, Layout, Line, QrBlock, notice_layout, ticket_layout
from .model import NoticePrint, Paper, TicketPrint

__all__ = ["encode_layout", "encode_notice", "encode_text", "encode_ticket"]

#: blank lines fed after the last line, before GS V feeds the slip to the blade
TRAILING_FEED = 2


def encode_text(text: str, *, chinese: bool) -> bytes:
    """Encode one line of text for the printer's current mode.

    Chinese mode takes any GB18030 character (2- or 4-byte); single-byte mode takes ASCII only,
    since hallq never switches code pages (English tickets are plain ASCII).

    >>> encode_text("¥（一）", chinese=True).hex(" ")
    '81 30 84 36 a3 a8 d2 bb a3 a9'
    """
    if chinese:
        try:
            return text.encode("gb18030")
        except UnicodeEncodeError as exc:  # lone surrogates are the only misses
            raise PrintContentError(f"无法用 GB18030 编码：{text!r}",
                                    f"cannot encode as GB18030: {text!r}") from exc
    try:
        return text.encode("ascii")
    except UnicodeEncodeError as exc:
        bad = text[exc.start]
        raise PrintContentError(
            f"英文票据只能打印 ASCII 字符，{bad!r} 无法打印（所在行：{text!r}）",
            f"English slips print ASCII only; {bad!r} cannot be printed (line {text!r})",
        ) from exc


def encode_layout(layout: Layout) -> bytes:
    """Lines and QR codes → bytes, emitting a mode command only when the mode changes."""
    out = bytearray(cmd.INIT)
    if layout.chinese:
        out += cmd.CHINESE_ON
    align, scale, bold = Align.LEFT, 1, False  # power-on state after ESC @
    for block in layout.blocks:
        if isinstance(block, QrBlock):
            if align is not Align.CENTER:
                out += cmd.align(Align.CENTER)
                align = Align.CENTER
            out += cmd.qr_model(cmd.QR_MODEL_2)
            out += cmd.qr_module_size(block.module)
            out += cmd.qr_error_level(cmd.QR_EC_M)
            out += cmd.qr_store(block.payload.encode("utf-8"))
            out += cmd.qr_print()
            continue
        assert isinstance(block, Line)
        if block.align is not align:
            out += cmd.align(block.align)
            align = block.align
        if block.scale != scale:
            out += cmd.size(block.scale, block.scale)
            scale = block.scale
        if block.bold != bold:
            out += cmd.bold(block.bold)
            bold = block.bold
        out += encode_text(block.text, chinese=layout.chinese) + cmd.LF
    if scale != 1:
        out += cmd.size(1, 1)
    if bold:
        out += cmd.bold(False)
    out += cmd.feed(TRAILING_FEED)
    if layout.chinese:
        out += cmd.CHINESE_OFF  # leave the printer as other software expects it
    out += cmd.CUT_PARTIAL_AFTER_FEED
    return bytes(out)


def encode_ticket(ticket: TicketPrint, paper: Paper) -> bytes:
    """The queue ticket as one print job, ending with a cut.

    >>> from datetime import datetime
    >>> t = TicketPrint("某县政务服务中心", "A012", "不动产登记", "normal", 3, 600,
    ...                 datetime(2025, 3, 1, 9, 30), "https://q.example.cn/t/A012")
    >>> job = encode_ticket(t, Paper.MM58)
    >>> job[:4], job[-4:]
    (b'\\x1b@\\x1c&', b'\\x1dVB\\x00')
    """
    return encode_layout(ticket_layout(ticket, paper))


def encode_notice(notice: NoticePrint, paper: Paper) -> bytes:
    """The one-time notice (一次性告知单) as one print job, ending with a cut."""
    return encode_layout(notice_layout(notice, paper))
