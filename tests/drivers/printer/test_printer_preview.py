"""The ticket preview: printer-sized, a QR that is the tracking URL, Chinese glyphs (no tofu)."""

from __future__ import annotations

import io

import pytest
from PIL import Image, ImageDraw, ImageFont, ImageOps

from drivers.printer import Paper
from drivers.printer import preview as pv
from drivers.printer.layout import Line, ticket_layout
from tests.support.qr import zbar_decode


@pytest.mark.parametrize("paper", list(Paper))
def test_preview_is_printer_wide_and_its_qr_is_the_tracking_url(ticket, paper, tmp_path):
    """The picture the kiosk shows and the docs print: its QR, read by zbar as a phone would, is the
    tracking URL (not compared with our own QR matrix)."""
    t = ticket()
    image = pv.render_ticket(t, paper)
    assert image.width == paper.dots and image.height > 300
    assert zbar_decode(image, tmp_path) == [t.track_url]


def test_every_character_on_the_ticket_has_a_real_glyph(ticket):
    t = ticket(hall_name="城关镇便民服务中心（一）", service_name="缴费：¥20，王䶮")
    file, index = pv.cjk_font()
    font = ImageFont.truetype(file, 24, index=index)

    def glyph(char: str) -> bytes:
        img = Image.new("L", (48, 48), 255)
        ImageDraw.Draw(img).text((0, 0), char, font=font, fill=0)
        return img.tobytes()

    tofu = glyph("\U0010fffd")  # a code point no font has: the .notdef box
    text = "".join(b.text for b in ticket_layout(t, Paper.MM80).blocks if isinstance(b, Line))
    missing = sorted({c for c in text if not c.isspace() and glyph(c) == tofu})
    assert missing == []


def test_big_number_is_drawn_larger_than_body_text(ticket):
    image = pv.render_ticket(ticket(), Paper.MM80)
    ink = ImageOps.invert(image)
    rows = [y for y in range(image.height) if ink.crop((0, y, image.width, y + 1)).getbbox()]
    # the tallest run of consecutive inked rows is the ×4 number (≈ 70 dots), body text ≈ 24
    runs, start = [], rows[0]
    for a, b in zip(rows, [*rows[1:], None], strict=True):
        if b != a + 1:
            runs.append(a - start + 1)
            start = b
    assert max(runs) >= 3 * 24 * 0.75


def test_notice_preview_and_png_bytes(notice):
    image = pv.render_notice(notice(), Paper.MM58)
    data = pv.to_png_bytes(image)
    assert data.startswith(b"\x89PNG\r\n\x1a\n")
    assert Image.open(io.BytesIO(data)).size == (384, image.height)


def test_missing_chinese_font_is_a_clear_error(monkeypatch, tmp_path, ticket):
    monkeypatch.setattr(pv, "_fc_match", lambda pattern: None)
    monkeypatch.setattr(pv, "FONT_DIRS", (tmp_path,))
    pv.cjk_font.cache_clear()
    pv._font.cache_clear()
    try:
        with pytest.raises(pv.PreviewFontError, match="fonts-noto-cjk"):
            pv.render_ticket(ticket())
    finally:
        pv.cjk_font.cache_clear()
        pv._font.cache_clear()
