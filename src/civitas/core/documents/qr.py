"""QR codes with segno: inline SVG for HTML/PDF templates, PNG for downloads and e-mails."""

from __future__ import annotations

import io

import segno


def make(data: str, *, error: str = "m") -> segno.QRCode:
    """The QR code for `data` (error correction level M by default, smallest version)."""
    return segno.make_qr(str(data), error=error, boost_error=False)


def svg(data: str, *, scale: int = 4, border: int = 4, title: str | None = None) -> str:
    """Inline SVG markup (no XML declaration), ready to embed in an HTML page or PDF template."""
    out = io.BytesIO()
    make(data).save(
        out,
        kind="svg",
        scale=scale,
        border=border,
        xmldecl=False,
        svgns=True,
        nl=False,
        title=title,
        svgclass="qr",
        lineclass=None,
    )
    return out.getvalue().decode("utf-8")


def data_uri(data: str, *, scale: int = 4, border: int = 4) -> str:
    """An SVG data: URI, for <img src="..."> in templates."""
    return make(data).svg_data_uri(scale=scale, border=border)


def png(data: str, scale: int = 4, *, border: int = 4) -> bytes:
    """PNG bytes of the QR code, `scale` pixels per module."""
    out = io.BytesIO()
    make(data).save(out, kind="png", scale=scale, border=border)
    return out.getvalue()
