"""PDF rendering with WeasyPrint: page sizes, page counts, embedded fonts, local-only fetcher."""

import io

import pytest
from pypdf import PdfReader

from civitas.core.documents import pdf, qr, samples

MM = 72 / 25.4
A4 = (210 * MM, 297 * MM)
A6 = (105 * MM, 148 * MM)

pytestmark = pytest.mark.django_db


def render(kind, count=None):
    data = pdf.render_pdf(samples.SAMPLES[kind], samples.context(kind, count))
    assert data.startswith(b"%PDF-")
    return PdfReader(io.BytesIO(data))


def page_size(page):
    box = page.mediabox
    return float(box.width), float(box.height)


def fonts_of(reader):
    """(BaseFont, has embedded font file) for every font used on every page."""
    found = []
    for page in reader.pages:
        fonts = page["/Resources"].get_object().get("/Font", {})
        for ref in fonts.get_object().values():
            font = ref.get_object()
            descendants = font.get("/DescendantFonts")
            target = descendants.get_object()[0].get_object() if descendants else font
            descriptor = target["/FontDescriptor"].get_object()
            embedded = any(k in descriptor for k in ("/FontFile", "/FontFile2", "/FontFile3"))
            found.append((str(font["/BaseFont"]), embedded))
    return found


def assert_size(page, expected):
    width, height = page_size(page)
    assert width == pytest.approx(expected[0], abs=0.5)
    assert height == pytest.approx(expected[1], abs=0.5)


def test_a4_pages_size_footer_and_embedded_fonts():
    reader = render("a4", 60)
    assert len(reader.pages) == 3
    for page in reader.pages:
        assert_size(page, A4)
    first = reader.pages[0].extract_text()
    assert "Collectivit" in first or "Civitas" in first  # running header: organisation name
    assert "1 / 3" in first
    assert "3 / 3" in reader.pages[2].extract_text()
    assert "Élise Marchand" in first
    fonts = fonts_of(reader)
    assert fonts, "no font resource found"
    assert all(embedded for _name, embedded in fonts), fonts
    assert any("DejaVu" in name for name, _e in fonts), fonts


def test_a4_short_document_is_one_page():
    reader = render("a4", 3)
    assert len(reader.pages) == 1
    assert "1 / 1" in reader.pages[0].extract_text()


def test_badges_one_per_page_a6():
    reader = render("badge", 3)
    assert len(reader.pages) == 3
    for page in reader.pages:
        assert_size(page, A6)
    texts = [p.extract_text() for p in reader.pages]
    assert "Élise Marchand" in texts[0]
    assert "Jean-Baptiste Lefèvre" in texts[1]
    assert "CIV-000003" in texts[2]
    assert all(embedded for _n, embedded in fonts_of(reader))


def test_labels_24_per_a4_sheet():
    reader = render("labels", 24)
    assert len(reader.pages) == 1
    reader = render("labels", 30)
    assert len(reader.pages) == 2
    for page in reader.pages:
        assert_size(page, A4)
    first, second = (p.extract_text() for p in reader.pages)
    assert "67023 Strasbourg" in first  # the 24th label
    assert "67024 Strasbourg" not in first
    assert "67024 Strasbourg" in second and "67029 Strasbourg" in second


def test_fetcher_reads_media_and_static_files_only(media_root, tmp_path):
    (media_root / "logo.png").write_bytes(qr.png("logo", 4))
    assert pdf.local_path(pdf.BASE_URL + "media/logo.png") == (media_root / "logo.png").resolve()
    assert pdf.local_path(pdf.BASE_URL + "static/civitas/civitas.css").name == "civitas.css"
    outside = tmp_path / "secret.png"
    outside.write_bytes(b"x")
    refused = [
        "file:///etc/passwd",
        outside.as_uri(),
        "https://example.org/logo.png",
        "http://169.254.169.254/latest/meta-data/",
        pdf.BASE_URL + "media/../secret.png",
        pdf.BASE_URL + "static/../../../../etc/passwd",
        pdf.BASE_URL + "other/logo.png",
    ]
    for url in refused:
        with pytest.raises(pdf.ResourceRefused):
            pdf.local_path(url)


def _image_count(data):
    reader = PdfReader(io.BytesIO(data))
    count = 0
    for page in reader.pages:
        xobjects = page["/Resources"].get_object().get("/XObject", {})
        for ref in xobjects.get_object().values():
            if ref.get_object().get("/Subtype") == "/Image":
                count += 1
    return count


def test_images_from_media_are_embedded_and_others_skipped(media_root):
    (media_root / "logo.png").write_bytes(qr.png("logo", 4))
    allowed = pdf.html_to_pdf('<p>Logo</p><img src="/media/logo.png" alt="">')
    assert _image_count(allowed) == 1
    refused = pdf.html_to_pdf(
        '<p>Logo</p><img src="file:///usr/share/pixmaps/debian-logo.png" alt="">'
        '<img src="https://example.org/logo.png" alt="">'
    )
    assert refused.startswith(b"%PDF-")
    assert _image_count(refused) == 0


def test_print_test_pages_in_back_office(client_for):
    client = client_for("principal")
    for sample in ("a4", "badge", "labels"):
        response = client.get(f"/backoffice/documents/essai-impression/{sample}.pdf")
        assert response.status_code == 200
        assert response["Content-Type"] == "application/pdf"
        assert response.content.startswith(b"%PDF-")
    assert client.get("/backoffice/documents/essai-impression/nope.pdf").status_code == 404
