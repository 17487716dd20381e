"""Uploads are checked by content: images re-encoded without metadata, PDFs parsed,
polyglots refused (issue 31, item 10). The files are made here, byte by byte."""

import io

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import ExifTags, Image
from pypdf import PdfWriter
from pypdf.generic import ArrayObject, DictionaryObject, NameObject, TextStringObject

from civitas.core import uploads


def image_bytes(fmt="PNG", size=(40, 30), **save):
    buf = io.BytesIO()
    Image.new("RGB", size, (200, 30, 30)).save(buf, format=fmt, **save)
    return buf.getvalue()


def jpeg_with_gps():
    exif = Image.Exif()
    exif[ExifTags.Base.Make] = "Civitas test camera"
    gps = exif.get_ifd(ExifTags.IFD.GPSInfo)
    gps[ExifTags.GPS.GPSLatitudeRef] = "N"
    gps[ExifTags.GPS.GPSLatitude] = (48.0, 51.0, 24.0)
    gps[ExifTags.GPS.GPSLongitudeRef] = "E"
    gps[ExifTags.GPS.GPSLongitude] = (2.0, 21.0, 3.0)
    data = image_bytes("JPEG", exif=exif)
    assert Image.open(io.BytesIO(data)).getexif().get_ifd(ExifTags.IFD.GPSInfo)  # really there
    return data


def gif_html_polyglot():
    """A GIF that browsers sniffing the content would also run as HTML: the script sits in
    a GIF comment extension, and the image still decodes."""
    gif = image_bytes("GIF")
    comment = b"<html><script>alert(document.domain)</script></html>"
    # Comment extension (0x21 0xFE), one sub-block, terminator; inserted before the trailer.
    block = b"\x21\xfe" + bytes([len(comment)]) + comment + b"\x00"
    data = gif[:-1] + block + gif[-1:]
    assert Image.open(io.BytesIO(data)).size == (40, 30)  # Pillow opens it as an image
    return data


def pdf_bytes(javascript=None):
    """A one-page PDF; with `javascript`, a document-level script in the /Names tree."""
    writer = PdfWriter()
    writer.add_blank_page(width=200, height=200)
    if javascript:
        action = writer._add_object(
            DictionaryObject(
                {
                    NameObject("/S"): NameObject("/JavaScript"),
                    NameObject("/JS"): TextStringObject(javascript),
                }
            )
        )
        tree = DictionaryObject(
            {NameObject("/Names"): ArrayObject([TextStringObject("init"), action])}
        )
        writer._root_object[NameObject("/Names")] = DictionaryObject(
            {NameObject("/JavaScript"): writer._add_object(tree)}
        )
    buf = io.BytesIO()
    writer.write(buf)
    return buf.getvalue()


def pdf_open_action_js():
    writer = PdfWriter()
    writer.add_blank_page(width=200, height=200)
    action = DictionaryObject(
        {
            NameObject("/S"): NameObject("/JavaScript"),
            NameObject("/JS"): TextStringObject("app.alert(1)"),
        }
    )
    writer._root_object[NameObject("/OpenAction")] = writer._add_object(action)
    buf = io.BytesIO()
    writer.write(buf)
    return buf.getvalue()


def upload(name, data, content_type="application/octet-stream"):
    return SimpleUploadedFile(name, data, content_type=content_type)


# --- The core service ----------------------------------------------------------------


def test_jpeg_is_re_encoded_without_exif_gps():
    cleaned = uploads.clean_image(upload("photo.jpeg", jpeg_with_gps()))
    stored = Image.open(io.BytesIO(cleaned.read()))
    assert stored.format == "JPEG" and stored.size == (40, 30)
    exif = stored.getexif()
    assert not exif.get_ifd(ExifTags.IFD.GPSInfo) and ExifTags.Base.Make not in exif
    assert cleaned.name == "photo.jpg" and cleaned.content_type == "image/jpeg"


@pytest.mark.parametrize("fmt", ["PNG", "WEBP", "GIF"])
def test_images_keep_their_format(fmt):
    cleaned = uploads.clean_image(upload(f"x.{fmt.lower()}", image_bytes(fmt)))
    assert Image.open(io.BytesIO(cleaned.read())).format == fmt


def test_gif_html_polyglot_is_refused():
    with pytest.raises(ValidationError) as exc:
        uploads.clean_image(upload("avatar.gif", gif_html_polyglot()))
    assert exc.value.code == "polyglot"


def test_bytes_after_the_image_are_dropped():
    data = image_bytes("PNG") + b"PK\x03\x04 a zip archive riding along"
    cleaned = uploads.clean_image(upload("x.png", data)).read()
    assert b"PK\x03\x04" not in cleaned and Image.open(io.BytesIO(cleaned)).format == "PNG"


def test_not_an_image_is_refused():
    with pytest.raises(ValidationError):
        uploads.clean_image(upload("x.png", b"\x89PNG\r\n\x1a\n" + b"garbage" * 20))


def test_pdf_with_html_before_the_header_is_refused():
    data = b"<html><script>alert(1)</script>" + pdf_bytes()
    with pytest.raises(ValidationError) as exc:
        uploads.clean_upload(upload("fiche.pdf", data))
    assert exc.value.code == "invalid_pdf"


@pytest.mark.parametrize("make", [lambda: pdf_bytes("app.alert(1)"), pdf_open_action_js])
def test_pdf_with_javascript_is_refused(make):
    with pytest.raises(ValidationError) as exc:
        uploads.check_pdf(upload("fiche.pdf", make()))
    assert exc.value.code == "active_pdf"


def test_plain_pdf_is_accepted_and_broken_pdf_refused():
    assert uploads.clean_upload(upload("fiche.pdf", pdf_bytes()))[0] == "pdf"
    with pytest.raises(ValidationError) as exc:
        uploads.check_pdf(upload("fiche.pdf", b"%PDF-1.4\n%%EOF\n"))
    assert exc.value.code == "invalid_pdf"


# --- Every upload form uses it ---------------------------------------------------------


@pytest.mark.django_db
def test_offer_attachment_is_cleaned_by_the_registration_form(event):
    from civitas.events.frontoffice.forms import OfferForm

    def form(name, data):
        return OfferForm(
            {"kind": "offer", "title": "Robots"},
            {"attachment": upload(name, data)},
            event=event,
        )

    photo = form("plan.jpg", jpeg_with_gps())
    assert photo.is_valid(), photo.errors
    stored = Image.open(io.BytesIO(photo.cleaned_data["attachment"].read()))
    assert not stored.getexif().get_ifd(ExifTags.IFD.GPSInfo)

    html_png = image_bytes("PNG") + b"<script>alert(1)</script>"
    polyglot = form("plan.png", html_png)
    assert not polyglot.is_valid() and "attachment" in polyglot.errors

    scripted = form("fiche.pdf", pdf_bytes("app.alert(1)"))
    assert not scripted.is_valid() and "attachment" in scripted.errors

    plain = form("fiche.pdf", pdf_bytes())
    assert plain.is_valid(), plain.errors


@pytest.mark.django_db
def test_back_office_image_fields_are_re_encoded(event):
    from civitas.events.backoffice.experts import ExpertForm
    from civitas.events.backoffice.forms import EventForm

    assert ExpertForm.clean_photo and EventForm.clean_banner and EventForm.clean_logo
    form = EventForm(instance=event)
    form.cleaned_data = {"logo": upload("logo.gif", gif_html_polyglot())}
    with pytest.raises(ValidationError):
        form.clean_logo()
    form.cleaned_data = {"banner": upload("banner.jpg", jpeg_with_gps())}
    banner = form.clean_banner()
    assert not Image.open(banner).getexif().get_ifd(ExifTags.IFD.GPSInfo)


@pytest.fixture
def event(db):
    from tests.events.conftest import make_event

    return make_event()
