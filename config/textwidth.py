"""Bilingual text tables for a terminal: a Chinese character takes two columns, so padding counts
display width, not characters.

Used by ``hallq sim`` (server/sim/text.py), ``hallq report`` (server/reports/render.py), ``hallq
status`` (server/commands/status.py), ``hallq followups`` and ``hallq diag`` / ``hallq devices``
(drivers/diag). It lives in ``config`` because that is the one package both the server and the
terminals may import (tests/structure/test_import_rules.py), and it needs nothing but the standard
library; it is not about the hall's configuration. (The ticket printer counts its own columns:
drivers/printer/layout.py ``columns``, where ¥ takes two, whatever Unicode says.)

>>> print("\\n".join(table(["业务 service", "人数 n"], [["MA01 企业开办", "3"], ["GEN", "12"]])))
业务 service   人数 n
MA01 企业开办       3
GEN                12
"""

from __future__ import annotations

import unicodedata
from collections.abc import Sequence

__all__ = ["pad", "table", "width"]


def width(text: str) -> int:
    """Terminal columns ``text`` takes: East-Asian wide and full-width characters take two.

    >>> width("A012 号"), width("（）")
    (7, 4)
    """
    return sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in text)


def pad(text: str, columns: int, *, right: bool = False) -> str:
    """``text`` filled with spaces to ``columns`` (on the left when ``right``); never cut."""
    fill = " " * max(0, columns - width(text))
    return fill + text if right else text + fill


def table(headers: Sequence[str], rows: Sequence[Sequence[str]], *, subheaders: Sequence[str] = (),
          align: str = "", indent: str = "", rule: bool = False) -> list[str]:
    """Lines of a table, columns sized to their widest cell, two spaces apart, no trailing blanks.

    ``subheaders``: a second header line (English under Chinese). ``align``: ``"l"`` or ``"r"`` per
    column; by default the first column is left-aligned and the others (figures) right-aligned.
    ``rule``: a line of dashes under the headers.
    """
    heads = [list(headers), *([list(subheaders)] if subheaders else [])]
    every = [*heads, *rows]
    n = len(headers)
    align = align or "l" + "r" * (n - 1)
    cols = [max(width(str(r[i])) for r in every) for i in range(n)]

    def line(cells: Sequence[object]) -> str:
        return (indent + "  ".join(pad(str(c), cols[i], right=align[i] == "r")
                                   for i, c in enumerate(cells))).rstrip()

    out = [line(h) for h in heads]
    if rule:
        out.append(indent + "  ".join("-" * c for c in cols))
    return out + [line(r) for r in rows]
