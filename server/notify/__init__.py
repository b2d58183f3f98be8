"""Notifiers: how 到号提醒 messages leave the server. The URL's scheme picks the backend.

================================ ==================================================================
URL                              backend
================================ ==================================================================
``log:``                         (default) one JSON log line per message, recipient masked
``sim:``                         kept in memory (``SimNotifier.sent``), for tests in one process
``sim:///var/notices.jsonl``     appended to a JSON-lines file, recipient masked: a stand-in SMS
                                 gateway that another process (a test, a demo) can read
``sms+http://host/path?…``       an HTTP SMS gateway (``sms+https://`` too). **Not implemented in
                                 this build**: the URL form is reserved and refused with a clear
                                 error at start-up, never silently ignored
================================ ==================================================================

``send`` must not block the caller for long: it runs right after a hall commit. A network backend has to
queue and send from its own thread (the SMS backend, when written, must).
"""

from __future__ import annotations

from urllib.parse import urlsplit

from ._api import Message, Notifier, NotifierError
from .log import LogNotifier
from .sim import SimNotifier


def open_notifier(url: str) -> Notifier:
    """The notifier for ``url`` (table above); :class:`NotifierError` for anything else."""
    parts = urlsplit(url)
    if parts.scheme == "log" and not (parts.netloc or parts.path):
        return LogNotifier()
    if parts.scheme == "sim":
        if parts.netloc:
            raise NotifierError(f"sim 网址应为 sim: 或 sim:///绝对路径，而不是 {url!r}",
                                f"a sim URL is sim: or sim:///absolute/path, not {url!r}")
        return SimNotifier(parts.path or None)
    if parts.scheme in ("sms+http", "sms+https"):
        raise NotifierError("短信网关（sms+http://…）在本版本中尚未实现，请使用 log: 或 sim:",
                            "the SMS gateway backend (sms+http://…) is not implemented in this build: "
                            "use log: or sim:")
    raise NotifierError(f"未知的通知网址 {url!r}：应为 log:、sim: 或 sim:///路径",
                        f"unknown notifier URL {url!r}: expected log:, sim: or sim:///path")


__all__ = ["LogNotifier", "Message", "Notifier", "NotifierError", "SimNotifier", "open_notifier"]
