"""Device diagnostics: checks with time limits, the heartbeat, maintenance actions, ``hallq diag``.

* :func:`check_device` / :func:`check_terminal`   Health of one device / of a terminal, under limits
* :func:`overall`, :func:`format_line`            verdict of a list; "FAIL 打印机    打印机缺纸 (paper out)"
* :class:`Heartbeat`                              every N s, every device's health to the server
                                                  (through ``client.HallClient``)
* :mod:`drivers.diag.actions`                     test print, test call, key/touch watchers, LED text
* :mod:`drivers.diag.hallclock`                   the hall's clock (its zone from the server) for test prints
* :mod:`drivers.diag.cli`                         ``hallq diag`` (imported only by the CLI)

UI-free: the kiosk's maintenance screen calls the same functions as the command line.
"""

from .checks import CHECK_LIMIT_S, DEVICE_LABELS, call_with_limit, check_device, check_devices, check_terminal, overall
from .heartbeat import Heartbeat, HeartbeatClient
from .report import as_document, format_line

__all__ = [
    "CHECK_LIMIT_S",
    "DEVICE_LABELS",
    "Heartbeat",
    "HeartbeatClient",
    "as_document",
    "call_with_limit",
    "check_device",
    "check_devices",
    "check_terminal",
    "format_line",
    "overall",
]
