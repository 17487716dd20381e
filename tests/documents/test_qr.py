"""QR codes with segno. Without a QR decoder we check the rendered modules against segno's
own matrix, the symbol size of each version and the three finder patterns."""

import io
import re

import pytest
import segno
from django.template import Context, Template
from PIL import Image

from civitas.core.documents import qr


def svg_modules(svg: str, scale: int, border: int) -> set[tuple[int, int]]:
    """Dark modules (row, col) drawn by segno's single SVG path (M/m moves, h runs)."""
    path = re.search(r' d="([^"]+)"', svg).group(1)
    dark = set()
    x = y = 0.0
    for op, a, b in re.findall(r"([Mmh])(-?[\d.]+)(?:\s(-?[\d.]+))?", path):
        if op == "M":
            x, y = float(a), float(b)
        elif op == "m":
            x, y = x + float(a), y + float(b)
        else:
            for i in range(int(a)):
                dark.add((int(y - 0.5) - border, int(x) + i - border))
            x += float(a)
    return dark


def matrix_modules(code) -> set[tuple[int, int]]:
    return {(r, c) for r, row in enumerate(code.matrix) for c, v in enumerate(row) if v}


@pytest.mark.parametrize(
    "data,version", [("HELLO", 1), ("https://civitas.example/badge/CIV-000123", 3)]
)
def test_svg_draws_exactly_the_symbol(data, version):
    code = qr.make(data)
    assert code.version == version
    size = 17 + 4 * version
    assert code.symbol_size(border=0) == (size, size)
    svg = qr.svg(data, scale=4, border=4)
    assert svg.startswith("<svg") and "<?xml" not in svg
    assert f'width="{(size + 8) * 4}"' in svg and f'height="{(size + 8) * 4}"' in svg
    drawn = svg_modules(svg, 4, 4)
    assert drawn == matrix_modules(code)
    # The three 7x7 finder patterns: dark ring and centre, light inner ring.
    for r, c in [(0, 0), (0, size - 7), (size - 7, 0)]:
        assert {(r, c), (r + 6, c + 6), (r + 3, c + 3)} <= drawn
        assert (r + 1, c + 1) not in drawn


def test_longer_data_needs_a_larger_version():
    assert qr.make("x" * 200).version > qr.make("x" * 20).version


def test_png_modules_match_the_matrix():
    code = qr.make("CIV-000042")
    scale, border = 5, 4
    image = Image.open(io.BytesIO(qr.png("CIV-000042", scale, border=border))).convert("L")
    size = code.symbol_size(border=0)[0]
    assert image.size == ((size + 2 * border) * scale,) * 2
    for r, row in enumerate(code.matrix):
        for c, value in enumerate(row):
            pixel = image.getpixel(
                ((c + border) * scale + scale // 2, (r + border) * scale + scale // 2)
            )
            assert (pixel < 128) == bool(value), (r, c)
    # Quiet zone is white.
    assert image.getpixel((1, 1)) > 128


def test_data_uri_is_svg():
    uri = qr.data_uri("HELLO")
    assert uri.startswith("data:image/svg+xml")
    assert uri == segno.make_qr("HELLO", error="m", boost_error=False).svg_data_uri(
        scale=4, border=4
    )


def test_template_tags():
    html = Template("{% load documents %}<div>{% qr_svg code 2 %}</div>").render(
        Context({"code": "CIV-1"})
    )
    assert html.startswith("<div><svg") and 'class="qr"' in html
    assert svg_modules(html, 2, 4) == matrix_modules(qr.make("CIV-1"))
    html = Template('{% load documents %}<img src="{% qr_data_uri code %}">').render(
        Context({"code": "CIV-1"})
    )
    assert 'src="data:image/svg+xml' in html
