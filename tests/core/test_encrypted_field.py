"""civitas.core.fields.EncryptedTextField: AES-GCM at rest, keys from the settings."""

import base64

import pytest
from django.core.exceptions import FieldError
from django.db import connection, models
from django.test.utils import isolate_apps

from civitas.core import fields

OTHER_KEY = base64.b64encode(b"k" * 32).decode()


@pytest.fixture
def note_model(transactional_db):
    with isolate_apps("civitas.core"):

        class Note(models.Model):  # noqa: DJ008
            title = models.CharField(max_length=50)
            body = fields.EncryptedTextField(blank=True, null=True)

            class Meta:
                app_label = "core"
                db_table = "test_encrypted_note"

    with connection.schema_editor() as editor:
        editor.create_model(Note)
    yield Note
    with connection.schema_editor() as editor:
        editor.delete_model(Note)


def raw_body(pk):
    with connection.cursor() as cur:
        cur.execute("SELECT body FROM test_encrypted_note WHERE id = %s", [pk])
        return cur.fetchone()[0]


def test_raw_column_holds_no_clear_text(note_model):
    note = note_model.objects.create(title="t", body="L'enfant Zoé décrit des coups répétés")
    stored = raw_body(note.pk)
    assert stored.startswith("e1:")
    assert "Zoé" not in stored and "coups" not in stored
    assert note_model.objects.get(pk=note.pk).body == "L'enfant Zoé décrit des coups répétés"
    # a fresh nonce each time: the same text gives two different stored values
    other = note_model.objects.create(title="u", body="L'enfant Zoé décrit des coups répétés")
    assert raw_body(other.pk) != stored


def test_null_and_empty_stay_as_they_are(note_model):
    a = note_model.objects.create(title="a", body=None)
    b = note_model.objects.create(title="b", body="")
    assert raw_body(a.pk) is None and raw_body(b.pk) == ""
    assert note_model.objects.filter(body__isnull=True).count() == 1


def test_encrypted_column_cannot_be_searched(note_model):
    with pytest.raises(FieldError, match="encrypted"):
        list(note_model.objects.filter(body__icontains="coups"))


def test_wrong_key_gives_a_clear_error(note_model, settings):
    note = note_model.objects.create(title="t", body="secret")
    settings.CIVITAS_FIELD_KEYS = [OTHER_KEY]
    with pytest.raises(fields.FieldKeyError, match="no configured key decrypts"):
        note_model.objects.get(pk=note.pk)


def test_rotation_old_key_still_reads_and_reencrypt_moves_to_newest(note_model, settings):
    old = settings.CIVITAS_FIELD_KEYS[0]
    note = note_model.objects.create(title="t", body="texte")
    settings.CIVITAS_FIELD_KEYS = [OTHER_KEY, old]
    assert note_model.objects.get(pk=note.pk).body == "texte"
    assert fields.key_of(raw_body(note.pk)) == fields.key_id(fields.parse_key(old))
    assert fields.reencrypt(note_model) == 1
    assert fields.key_of(raw_body(note.pk)) == fields.key_id(fields.parse_key(OTHER_KEY))
    settings.CIVITAS_FIELD_KEYS = [OTHER_KEY]
    assert note_model.objects.get(pk=note.pk).body == "texte"
    assert fields.reencrypt(note_model) == 0


def test_value_is_bound_to_its_column():
    sealed = fields.encrypt("texte", "app.Model.a")
    assert fields.decrypt(sealed, "app.Model.a") == "texte"
    with pytest.raises(fields.FieldKeyError):
        fields.decrypt(sealed, "app.Model.b")


def test_missing_or_malformed_keys_are_refused(settings):
    settings.CIVITAS_FIELD_KEYS = []
    settings.CIVITAS_FIELD_KEY = ""
    with pytest.raises(fields.FieldKeyError, match="No field encryption key"):
        fields.encrypt("x", "c")
    settings.CIVITAS_FIELD_KEYS = [base64.b64encode(b"short").decode()]
    with pytest.raises(fields.FieldKeyError, match="32 bytes"):
        fields.encrypt("x", "c")
    settings.CIVITAS_FIELD_KEYS = ["not base64 !"]
    with pytest.raises(fields.FieldKeyError, match="base64"):
        fields.encrypt("x", "c")


def test_production_refuses_to_start_without_key(monkeypatch):
    import importlib

    from django.core.exceptions import ImproperlyConfigured

    monkeypatch.setenv("SECRET_KEY", "x" * 60)
    monkeypatch.setattr("civitas.settings.base.CIVITAS_FIELD_KEYS", [])
    monkeypatch.setattr("civitas.settings.base.CIVITAS_FIELD_KEY", "")
    with pytest.raises(ImproperlyConfigured, match="CIVITAS_FIELD_KEY"):
        importlib.reload(importlib.import_module("civitas.settings.production"))
