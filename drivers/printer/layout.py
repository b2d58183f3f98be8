"""What a ticket and a notice say, line by line, before any byte or pixel exists.

The codec turns these lines into ESC/POS and the preview draws them, so paper and screen
can't drift apart. Widths are *printer columns*: in Chinese mode an ASCII byte prints
half-width (12 dots, one column) and every multi-byte GB18030 character full-width (24 dots,
two columns), whatever Unicode's East-Asian-width says (¥ is "narrow" in Unicode but a
4-byte GB18030 code printed from the 24×24 font).

>>> columns("A012 号")
7
>>> wrap("您前面还有 3 人，请留意叫号。", 12)
['您前面还有 3', '人，请留意叫', '号。']
"""

from __future__ import annotations

import enum
from dataclasses import dataclass
from datetime import datetime

from client.estimate import wait_text

from .errors import PrintContentError
from .model import NoticePrint, Paper, TicketPrint

__all__ = [
    "Align",
    "Layout",
    "Line",
    "QrBlock",
    "centre",
    "columns",
    "notice_layout",
    "qr_module_dots",
    "ticket_layout",
    "wrap",
]

#: the ticket number's magnification (GS !), shrunk when a long number would not fit
NUMBER_SCALE = 4
# "No line starts with closing punctuation, none ends with opening" (避头尾, GB/T 15834 usage)
_NO_LINE_START = set("，。、；：！？）》」』】〕”’,.;:!?)]}%")
_NO_LINE_END = set("（《「『【〔“‘([{")


class Align(enum.IntEnum):
    """ESC a values."""

    LEFT = 0
    CENTER = 1


@dataclass(frozen=True, slots=True)
class Line:
    """One printed text line, already wrapped to fit at its scale."""

    text: str
    align: Align = Align.LEFT
    scale: int = 1
    bold: bool = False


@dataclass(frozen=True, slots=True)
class QrBlock:
    """A QR code of ``payload``, ``module`` dots per module, centred."""

    payload: str
    module: int


Block = Line | QrBlock


@dataclass(frozen=True, slots=True)
class Layout:
    """Everything on one slip; ``chinese`` selects FS & mode (GB18030 text)."""

    blocks: tuple[Block, ...]
    chinese: bool
    paper: Paper

    @property
    def lines(self) -> list[str]:
        return [b.text for b in self.blocks if isinstance(b, Line)]


def columns(text: str) -> int:
    """Printer columns ``text`` takes at normal size."""
    return sum(1 if ord(c) < 0x80 else 2 for c in text)


def _tokens(text: str) -> list[str]:
    """Unbreakable pieces: ASCII words, single spaces, single CJK characters, with punctuation
    glued to its neighbour so no line starts with "，" or ends with "（"."""
    raw: list[str] = []
    for ch in text:
        if raw and ord(ch) < 0x80 and ch != " " and raw[-1][-1] != " " and ord(raw[-1][-1]) < 0x80:
            raw[-1] += ch  # extend an ASCII word
        else:
            raw.append(ch)
    out: list[str] = []
    glue_next = False
    for tok in raw:
        if out and (glue_next or tok[0] in _NO_LINE_START):
            out[-1] += tok
        else:
            out.append(tok)
        glue_next = tok[-1] in _NO_LINE_END
    return out


def _hard_split(token: str, width: int) -> list[str]:
    parts, cur = [], ""
    for ch in token:
        if cur and columns(cur + ch) > width:
            parts.append(cur)
            cur = ""
        cur += ch
    return [*parts, cur] if cur else parts


def wrap(text: str, width: int, indent: int = 0) -> list[str]:
    """Greedy wrap to ``width`` columns; continuation lines start with ``indent`` spaces.

    >>> wrap("1. 居民身份证原件及复印件", 12, indent=3)
    ['1. 居民身份', '   证原件及', '   复印件']
    """
    if width < 2:
        raise ValueError(f"wrap width must be at least 2 columns, got {width}")
    indent = min(indent, width // 2)
    lines: list[str] = []
    cur = ""
    for tok in _tokens(text):
        if columns(cur + tok) <= width:
            cur += tok
            continue
        if cur.strip(" "):
            lines.append(cur.rstrip(" "))
        cur = " " * indent if lines else ""
        for piece in _hard_split(tok.lstrip(" "), width - indent):
            if columns(cur + piece) > width:
                lines.append(cur.rstrip(" "))
                cur = " " * indent
            cur += piece
    if cur.strip(" ") or not lines:
        lines.append(cur.rstrip(" "))
    return lines


def centre(text: str, width: int) -> str:
    """Pad ``text`` with spaces to sit in the middle of ``width`` columns (left-biased).

    >>> centre("一次性告知单", 16)
    '  一次性告知单'
    """
    return " " * max(0, (width - columns(text)) // 2) + text


def qr_module_dots(payload: str, paper: Paper) -> int:
    """Module size for the tracking QR: as large as reads well, at most 2/3 of the paper.

    The version comes from the ``qrcode`` package (same rules the printer applies: smallest
    model-2 version holding the bytes at level M).
    """
    import qrcode  # a pure computation; imported here to keep ``layout`` light to import

    qr = qrcode.QRCode(error_correction=qrcode.constants.ERROR_CORRECT_M, border=0)
    qr.add_data(payload.encode("utf-8"), optimize=0)
    try:
        version = qr.best_fit()
    except (qrcode.exceptions.DataOverflowError, ValueError) as exc:  # 8.2 raises "version 41"
        raise PrintContentError("查询网址过长，无法生成二维码",
                                "tracking URL too long for a QR code") from exc
    modules = 17 + 4 * version
    dots = min(6 if paper is Paper.MM58 else 8, paper.dots * 2 // 3 // modules)
    if dots < 2:
        raise PrintContentError(f"查询网址过长（{len(payload)} 字符），二维码超出纸宽",
                                f"tracking URL too long ({len(payload)} chars) for a QR here")
    return dots


# ---- the words, Chinese first -------------------------------------------------------------

_LANE_NOTE = {
    "zh": {"priority": "【优先 绿色通道】", "appointment": "【预约】"},
    "en": {"priority": "[PRIORITY]", "appointment": "[APPOINTMENT]"},
}


def _ahead(n: int, lang: str) -> str:
    if lang == "zh":
        return f"您前面还有 {n} 人" if n else "您前面没有人，请留意叫号"
    if n == 0:
        return "No one ahead of you"
    return f"{n} person ahead of you" if n == 1 else f"{n} people ahead of you"


def _wait(ticket: TicketPrint) -> str:
    """The same words as the kiosk screen, from the same answer (issue 16: ``client.estimate``)."""
    text = wait_text(ticket.estimated_wait_s, low_min=ticket.wait_low_min, high_min=ticket.wait_high_min)
    return text.text(ticket.lang) if text is not None else ""


def _when(t: datetime) -> str:
    return f"{t:%Y-%m-%d %H:%M}"


_TICKET_WORDS = {
    "zh": {"issued": "取号时间：", "scan": "扫码查看排队进度",
           "notice": "过号可到取号机重排，请保管好此票"},
    "en": {"issued": "Issued: ", "scan": "Scan to follow the queue",
           "notice": "Missed your call? Scan this ticket at a kiosk to rejoin. Keep this ticket."},
}

_NOTICE_WORDS = {
    "zh": {"title": "一次性告知单", "number": "票号：", "service": "办理事项：", "window": "窗口：",
           "clerk": "经办人：{name}（工号 {no}）", "time": "告知时间：",
           "intro": "您办理的事项尚需补齐以下材料：",
           "closing": "以上为本事项需补齐的全部材料，材料齐全后即可受理。"},
    "en": {"title": "ONE-TIME NOTICE", "number": "Ticket: ", "service": "Service: ",
           "window": "Window: ", "clerk": "Clerk: {name} (staff no. {no})", "time": "Time: ",
           "intro": "Please bring the following missing materials:",
           "closing": "This is the complete list of what is missing; "
                      "with all of it your application can be accepted."},
}


class _Builder:
    def __init__(self, paper: Paper) -> None:
        self.paper = paper
        self.blocks: list[Block] = []

    def text(self, text: str, *, align: Align = Align.LEFT, scale: int = 1, bold: bool = False,
             indent: int = 0) -> None:
        for part in wrap(text, self.paper.columns // scale, indent):
            self.blocks.append(Line(part, align, scale, bold))

    def rule(self) -> None:
        self.blocks.append(Line("-" * self.paper.columns))

    def qr(self, payload: str) -> None:
        """The QR with a blank line above and below: its quiet zone (4 modules, 24–32 dots)."""
        module = qr_module_dots(payload, self.paper)
        self.blocks += [Line(""), QrBlock(payload, module), Line("")]


def ticket_layout(ticket: TicketPrint, paper: Paper) -> Layout:
    """The ticket, top to bottom."""
    words = _TICKET_WORDS[ticket.lang]
    b = _Builder(paper)
    b.text(ticket.hall_name, align=Align.CENTER, bold=True)
    b.rule()
    width = columns(ticket.number)
    scale = next((s for s in range(NUMBER_SCALE, 0, -1) if width * s <= paper.columns), 1)
    b.text(ticket.number, align=Align.CENTER, scale=scale, bold=True)
    b.text(ticket.service_name, align=Align.CENTER, bold=True)
    if ticket.lane != "normal":
        b.text(_LANE_NOTE[ticket.lang][ticket.lane], align=Align.CENTER, bold=True)
    b.text(_ahead(ticket.ahead, ticket.lang))
    if ticket.estimated_wait_s is not None:
        b.text(_wait(ticket))
    b.text(words["issued"] + _when(ticket.issued_at))
    b.qr(ticket.track_url)
    b.text(words["scan"], align=Align.CENTER)
    b.text(ticket.notice or words["notice"], align=Align.CENTER)
    return Layout(tuple(b.blocks), ticket.lang == "zh", paper)


def notice_layout(notice: NoticePrint, paper: Paper) -> Layout:
    """The one-time notice (一次性告知单), top to bottom: 003 §14 出具一次告知单."""
    w = _NOTICE_WORDS[notice.lang]
    b = _Builder(paper)
    b.text(notice.hall_name, align=Align.CENTER, bold=True)
    b.text(w["title"], align=Align.CENTER, scale=2, bold=True)
    b.rule()
    for label, value in ((w["number"], notice.number), (w["service"], notice.service_name),
                         (w["window"], notice.window_name)):
        b.text(label + value, indent=columns(label))
    b.text(w["clerk"].format(name=notice.clerk_name, no=notice.staff_no))
    b.text(w["time"] + _when(notice.issued_at), indent=columns(w["time"]))
    b.rule()
    b.text(w["intro"])
    digits = len(str(len(notice.materials)))
    for i, item in enumerate(notice.materials, 1):
        label = f"{i:>{digits}}. "
        b.text(label + item.strip(), indent=len(label))
    b.rule()
    b.text(w["closing"])
    return Layout(tuple(b.blocks), notice.lang == "zh", paper)
