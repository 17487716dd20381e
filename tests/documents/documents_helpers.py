"""Helpers for the documents tests: real .docx files written and read with python-docx."""

import io


def make_docx(*paragraphs, header=None, footer=None) -> bytes:
    """A real .docx written by python-docx."""
    from docx import Document

    doc = Document()
    for text in paragraphs:
        doc.add_paragraph(text)
    if header is not None:
        doc.sections[0].header.paragraphs[0].text = header
    if footer is not None:
        doc.sections[0].footer.paragraphs[0].text = footer
    out = io.BytesIO()
    doc.save(out)
    return out.getvalue()


def docx_text(data: bytes) -> str:
    from docx import Document

    doc = Document(io.BytesIO(data))
    parts = [p.text for p in doc.paragraphs]
    for section in doc.sections:
        parts += [p.text for p in section.header.paragraphs]
    return "\n".join(parts)
