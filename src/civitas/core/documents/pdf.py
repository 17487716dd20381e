"""PDF documents from Django HTML/CSS templates with WeasyPrint.

    pdf_bytes = render_pdf("events/badge.html", {"records": participants})

Templates extend one of the print bases shipped here:
- documents/pdf/base_a4.html: A4 portrait, margins, running header, "Page n / N" footer;
- documents/pdf/base_badge.html: one badge per page (A6 by default);
- documents/pdf/base_labels.html: A4 sheets of 3 x 8 labels of 70 x 37 mm, one record each.

Fonts: DejaVu Sans through fontconfig (Debian package fonts-dejavu-core); WeasyPrint embeds
the subset of glyphs used. Images and stylesheets are read only from the static files and
MEDIA_ROOT: nothing is fetched from the network and no other local file is readable.
"""

from __future__ import annotations

import mimetypes
from pathlib import Path
from urllib.parse import unquote, urlsplit

from django.conf import settings
from django.contrib.staticfiles import finders
from django.core.exceptions import SuspiciousFileOperation
from django.http import HttpResponse
from django.template.loader import render_to_string
from weasyprint import HTML
from weasyprint.urls import URLFetcher, URLFetcherResponse

# Relative URLs in templates ("/static/...", "/media/...") resolve against this fake origin,
# which the fetcher below maps to local files. It is never contacted.
BASE_URL = "https://documents.civitas.invalid/"


class ResourceRefused(ValueError):
    pass


def _inside(path: Path, root: Path) -> bool:
    try:
        path.resolve().relative_to(root.resolve())
    except ValueError:
        return False
    return True


def _static_roots() -> list[Path]:
    roots = [Path(settings.STATIC_ROOT)] if settings.STATIC_ROOT else []
    for entry in getattr(settings, "STATICFILES_DIRS", []):
        roots.append(Path(entry[1] if isinstance(entry, tuple | list) else entry))
    return roots


def local_path(url: str) -> Path:
    """The local file behind a static/media URL (or a file: URL inside those roots)."""
    parts = urlsplit(url)
    path = unquote(parts.path)
    if parts.scheme == "file":
        candidate = Path(path)
        roots = [*_static_roots(), Path(settings.MEDIA_ROOT)]
        if candidate.is_file() and any(_inside(candidate, r) for r in roots):
            return candidate.resolve()
        raise ResourceRefused(f"Local file outside the static and media roots: {url}")
    if parts.scheme in ("http", "https") and url.startswith(BASE_URL):
        static_url, media_url = settings.STATIC_URL, settings.MEDIA_URL
        if static_url and path.startswith(static_url):
            relative = path[len(static_url) :]
            try:
                found = finders.find(relative)
            except SuspiciousFileOperation as exc:
                raise ResourceRefused(f"Path outside the static files: {url}") from exc
            if found:
                candidate = Path(found)
                if candidate.is_file():
                    return candidate.resolve()
            candidate = Path(settings.STATIC_ROOT) / relative
            if candidate.is_file() and _inside(candidate, Path(settings.STATIC_ROOT)):
                return candidate.resolve()
            raise ResourceRefused(f"Static file not found: {relative}")
        if media_url and path.startswith(media_url):
            root = Path(settings.MEDIA_ROOT)
            candidate = root / path[len(media_url) :]
            if candidate.is_file() and _inside(candidate, root):
                return candidate.resolve()
            raise ResourceRefused(f"Media file not found: {path}")
    raise ResourceRefused(f"Resource refused (only static and media files are allowed): {url}")


class LocalFetcher(URLFetcher):
    """WeasyPrint URL fetcher: data: URIs, static files and media files; nothing else."""

    def __init__(self):
        super().__init__(allowed_protocols={"data", "file", "http", "https"})

    def fetch(self, url, headers=None):
        if url.startswith("data:"):
            return super().fetch(url, headers)
        path = local_path(url)
        content_type = mimetypes.guess_type(path.name)[0] or "application/octet-stream"
        return URLFetcherResponse(
            path.as_uri(), path.read_bytes(), headers={"Content-Type": content_type}
        )


def render_html(template_name: str, context: dict | None = None, *, request=None) -> str:
    from civitas.core.models import Organisation

    context = dict(context or {})
    context.setdefault("organisation", Organisation.get())
    return render_to_string(template_name, context, request=request)


def html_to_pdf(html: str) -> bytes:
    return HTML(string=html, base_url=BASE_URL, url_fetcher=LocalFetcher()).write_pdf()


def render_pdf(template_name: str, context: dict | None = None, *, request=None) -> bytes:
    """Render a Django template to PDF bytes."""
    return html_to_pdf(render_html(template_name, context, request=request))


def pdf_response(pdf: bytes, filename: str, *, inline: bool = False) -> HttpResponse:
    response = HttpResponse(pdf, content_type="application/pdf")
    disposition = "inline" if inline else "attachment"
    response["Content-Disposition"] = f'{disposition}; filename="{filename}"'
    return response
