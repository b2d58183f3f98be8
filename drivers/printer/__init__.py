"""ESC/POS ticket printer: queue tickets and one-time notices (一次性告知单) on 58/80 mm rolls.

* :func:`encode_ticket` / :func:`encode_notice`  what to print → bytes (pure, GB18030 text)
* :func:`decode`                                  bytes → lines, QR payloads, sizes, cut
* :func:`open_printer`                            usb:// serial:// tcp:// file:// sim://
* :func:`decode_status` / :class:`PrinterStatus`  DLE EOT replies → paper/cover/cutter → Health
* :func:`render_ticket`                           the same ticket as a picture (kiosk, docs)

>>> from datetime import datetime
>>> printer = open_printer("sim://", paper=Paper.MM58)
>>> printer.print_ticket(TicketPrint("某县政务服务中心", "A012", "不动产登记", "normal", 3, 600,
...                                  datetime(2025, 3, 1, 9, 30), "https://q.example.cn/t/A012"))
>>> slip = decode(printer.sent)
>>> "A012" in slip.texts, slip.qr_payloads, slip.cut
(True, ['https://q.example.cn/t/A012'], True)
>>> printer.close()

The preview (Pillow, qrcode, fonts) and the simulators are imported only when used:
``drivers.printer.preview``, ``drivers.printer.simulator``.
"""

from .codec import encode_notice, encode_ticket
from .decode import DecodeError, Receipt, decode, decode_jobs
from .errors import PrintContentError, PrinterNotReady
from .model import LANES, NoticePrint, Paper, TicketPrint
from .printer import EscPosPrinter, Printer, SimPrinter, open_printer
from .status import PaperState, PrinterStatus, decode_status

__all__ = [
    "LANES",
    "DecodeError",
    "EscPosPrinter",
    "NoticePrint",
    "Paper",
    "PaperState",
    "PrintContentError",
    "Printer",
    "PrinterNotReady",
    "PrinterStatus",
    "Receipt",
    "SimPrinter",
    "TicketPrint",
    "decode",
    "decode_jobs",
    "decode_status",
    "encode_notice",
    "encode_ticket",
    "open_printer",
]
