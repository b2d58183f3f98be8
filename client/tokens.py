"""Where a terminal's bearer token comes from: the flag or ``$HALLQ_TOKEN``, else its token file.

The token file is written once by ``hallq device add … > var/kiosk-1.token`` (mode 0600 is the
installer's job) and named by the terminal file's ``[server] token_file``. One reader for the apps and
``hallq diag --send``.
"""

from __future__ import annotations

from pathlib import Path


class TokenFileUnreadable(OSError):
    """The configured token file cannot be read; the message is bilingual and names the file."""


def resolve_token(explicit: str | None, token_file: str | None) -> str | None:
    """``explicit`` (the ``--token`` flag or ``$HALLQ_TOKEN``), else the file's first line, else None."""
    if explicit:
        return explicit
    if not token_file:
        return None
    try:
        return Path(token_file).read_text(encoding="utf-8").strip() or None
    except OSError as exc:
        raise TokenFileUnreadable(f"无法读取令牌文件 (cannot read the token file) {token_file}: {exc}") from exc
