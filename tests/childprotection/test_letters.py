"""The 10 shipped letters: generated through core's merge kinds, stored, journaled."""

import io
import zipfile

from django.urls import reverse

from civitas.childprotection.letters import LETTERS
from civitas.childprotection.models import Child, Letter, Reporter
from civitas.childprotection.services import letters
from civitas.core.models import JournalEntry


def docx_text(data: bytes) -> str:
    with zipfile.ZipFile(io.BytesIO(data)) as z:
        return z.read("word/document.xml").decode()


def test_ten_templates_are_shipped_and_merge(cp):
    assert len(LETTERS) == 10
    Child.objects.create(file=cp["north_file"], last_name="Lefèvre", first_name="Zoé")
    from civitas.core.documents import merge

    kind = merge.get_kind(letters.KIND_FILE)
    for code, name, _kind in LETTERS:
        data = letters.template_bytes(code, name, kind.code)
        merge.check_docx_file(data, f"{code}.docx")
        if _kind == "file":
            text = docx_text(merge.generate_one(data, kind, cp["north_file"]))
            assert "IP-2026-000001" in text, code
            assert "{{" not in text, code


def test_agent_generates_a_letter_stored_and_journaled(cp, cp_client):
    Child.objects.create(file=cp["north_file"], last_name="Lefèvre", first_name="Zoé")
    Reporter.objects.create(file=cp["north_file"], identity="Mme Durand")
    client = cp_client("north")
    url = reverse("childprotection:letters", kwargs={"pk": cp["north_file"].pk})
    page = client.get(url).content.decode()
    assert "information_parents" in page
    assert "accuse_reception" not in page  # the reporter's identity is not for agents
    r = client.post(url, {"code": "accuse_reception"})
    assert not Letter.objects.exists()
    r = client.post(url, {"code": "information_parents"})
    assert r.status_code == 302
    letter = Letter.objects.get()
    assert "Zoé" not in letter.content  # stored encrypted
    assert JournalEntry.objects.filter(action="childprotection.letter_generated").count() == 1
    r = client.get(letter.get_absolute_url())
    assert r.status_code == 200
    assert "Zoé Lefèvre" in docx_text(r.content)
    # the CRIP may produce the acknowledgement to the reporter
    r = cp_client("crip").post(url, {"code": "accuse_reception"})
    ack = Letter.objects.get(code="accuse_reception")
    assert "Mme Durand" in docx_text(letters.content_of(ack))


def test_other_territory_cannot_download(cp, cp_client):
    Child.objects.create(file=cp["north_file"], last_name="Lefèvre", first_name="Zoé")
    cp_client("crip").post(
        reverse("childprotection:letters", kwargs={"pk": cp["north_file"].pk}),
        {"code": "cloture"},
    )
    letter = Letter.objects.get()
    r = cp_client("south").get(letter.get_absolute_url())
    assert r.status_code == 302 and "acces-exceptionnel" in r["Location"]
    assert cp_client("dpo").get(letter.get_absolute_url()).status_code == 403
