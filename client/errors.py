"""Errors the API client raises; every one carries its message in Chinese and English.

* ClientError            base: ``zh``, ``en``; ``str()`` is "zh（en）" like the server's messages
  - ApiError             the server answered 4xx/5xx: ``status``, ``code`` and its two messages
  - ServerUnreachable    no usable answer after the bounded retries (down, network, 502/503/504)
  - BadResponse          the server answered 2xx with a body the client does not understand
"""

from __future__ import annotations


class ClientError(Exception):
    """Something the app should show the user: Chinese first, English second."""

    def __init__(self, zh: str, en: str) -> None:
        super().__init__(f"{zh}（{en}）")
        self.zh = zh
        self.en = en

    @property
    def message_zh(self) -> str:
        return self.zh

    @property
    def message_en(self) -> str:
        return self.en


class ApiError(ClientError):
    """The server refused or failed the request; ``code`` is the server's error code.

    Codes come from the server's error table (``closed``, ``daily_cap``, ``window_busy``,
    ``forbidden``, ``unauthorized``, ``invalid_request`` …); apps branch on ``code``, never on text.
    """

    def __init__(self, status: int, code: str, message_zh: str, message_en: str) -> None:
        super().__init__(message_zh, message_en)
        self.status = status
        self.code = code

    def __repr__(self) -> str:
        return f"ApiError({self.status}, {self.code!r}, {self.zh!r}, {self.en!r})"

    @property
    def fatal_for_stream(self) -> bool:
        """A client error (bad token, no such hall): retrying the same request cannot succeed."""
        return 400 <= self.status < 500 and self.status not in (408, 429)


class ServerUnreachable(ClientError):
    """The retries are spent: the server is down, the network is cut, or a proxy keeps failing."""

    def __init__(self, base_url: str, detail: str, attempts: int) -> None:
        super().__init__(
            f"无法连接服务器 {base_url}，已尝试 {attempts} 次",
            f"cannot reach the server {base_url} after {attempts} attempts: {detail}",
        )
        self.base_url = base_url
        self.detail = detail
        self.attempts = attempts


class BadResponse(ClientError):
    """A 2xx answer that does not match what this client expects (version skew, a proxy's page)."""

    def __init__(self, what: str, detail: str) -> None:
        super().__init__(f"服务器应答无法识别：{what}", f"unexpected server answer: {what}: {detail}")
