"""Model fields of the core kit.

`EncryptedTextField` keeps a free text encrypted at rest with AES-256-GCM (``cryptography``).
The keys come from the environment, never from the database:

- ``CIVITAS_FIELD_KEYS``: comma separated list of base64 keys of 32 bytes, newest first.
  The first key encrypts; every key of the list decrypts (key rotation: put the new key
  first, run ``manage.py reencrypt_fields``, then drop the old key).
- ``CIVITAS_FIELD_KEY``: one key, used when ``CIVITAS_FIELD_KEYS`` is empty.

Stored value: ``"e1:" + key id (8 hex digits of SHA-256 of the key) + ":" +
base64(nonce 12 bytes + ciphertext + tag)``. The associated data binds a value to its column
("app_label.Model.field"): a value copied into another column does not decrypt. None stays
NULL; an empty text is stored empty (nothing to hide but the emptiness).

Encrypted columns cannot be searched or sorted: the only lookup allowed is ``isnull``.
Search on the structured, non-encrypted fields.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import os
from functools import lru_cache

from django.conf import settings
from django.core.exceptions import FieldError, ImproperlyConfigured
from django.db import models
from django.db.models.lookups import IsNull

PREFIX = "e1:"
NONCE_BYTES = 12


class FieldKeyError(ImproperlyConfigured):
    """The encryption keys are missing or malformed, or no key opens a stored value."""


def parse_key(text: str) -> bytes:
    """A base64 (standard or URL-safe) key of exactly 32 bytes, or FieldKeyError."""
    text = (text or "").strip()
    try:
        raw = base64.b64decode(text.replace("-", "+").replace("_", "/"), validate=True)
    except (binascii.Error, ValueError) as exc:
        raise FieldKeyError("CIVITAS_FIELD_KEY(S): a key is not valid base64") from exc
    if len(raw) != 32:
        raise FieldKeyError(
            f"CIVITAS_FIELD_KEY(S): a key must be 32 bytes once decoded, got {len(raw)}"
        )
    return raw


def key_id(key: bytes) -> str:
    return hashlib.sha256(key).hexdigest()[:8]


def generate_key() -> str:
    """A new random key, base64, for CIVITAS_FIELD_KEYS."""
    return base64.b64encode(os.urandom(32)).decode()


@lru_cache(maxsize=8)
def _keys_from(texts: tuple[str, ...]) -> tuple[tuple[str, bytes], ...]:
    keys = tuple((key_id(k), k) for k in (parse_key(t) for t in texts if t.strip()))
    if not keys:
        raise FieldKeyError(
            "No field encryption key: set CIVITAS_FIELD_KEYS (or CIVITAS_FIELD_KEY) in the "
            "environment to a base64 key of 32 bytes (python -c 'from civitas.core.fields "
            "import generate_key; print(generate_key())')"
        )
    return keys


def configured_keys() -> tuple[tuple[str, bytes], ...]:
    """(key id, key) pairs from the settings, newest first."""
    texts = list(getattr(settings, "CIVITAS_FIELD_KEYS", None) or [])
    if not texts:
        single = getattr(settings, "CIVITAS_FIELD_KEY", "") or ""
        texts = [single] if single else []
    return _keys_from(tuple(texts))


def encrypt(plain: str, context: str) -> str:
    """`plain` encrypted with the newest key, bound to `context` (the column)."""
    from cryptography.hazmat.primitives.ciphers.aead import AESGCM

    kid, key = configured_keys()[0]
    nonce = os.urandom(NONCE_BYTES)
    sealed = AESGCM(key).encrypt(nonce, plain.encode("utf-8"), context.encode())
    return f"{PREFIX}{kid}:{base64.b64encode(nonce + sealed).decode()}"


def decrypt(stored: str, context: str) -> str:
    """The clear text of a stored value; FieldKeyError when no configured key opens it."""
    from cryptography.exceptions import InvalidTag
    from cryptography.hazmat.primitives.ciphers.aead import AESGCM

    if not stored.startswith(PREFIX):
        raise FieldKeyError(f"{context}: the stored value is not an encrypted value")
    try:
        kid, payload = stored[len(PREFIX) :].split(":", 1)
        blob = base64.b64decode(payload, validate=True)
    except (ValueError, binascii.Error) as exc:
        raise FieldKeyError(f"{context}: the stored encrypted value is damaged") from exc
    keys = configured_keys()
    candidates = [k for i, k in keys if i == kid] or [k for _i, k in keys]
    for key in candidates:
        try:
            return (
                AESGCM(key)
                .decrypt(blob[:NONCE_BYTES], blob[NONCE_BYTES:], context.encode())
                .decode("utf-8")
            )
        except InvalidTag:
            continue
    raise FieldKeyError(
        f"{context}: no configured key decrypts this value (key id {kid}); "
        "check CIVITAS_FIELD_KEYS: the key it was written with must stay in the list"
    )


def key_of(stored: str | None) -> str | None:
    """The key id a stored value was written with (None for NULL or empty values)."""
    if not stored or not stored.startswith(PREFIX):
        return None
    return stored[len(PREFIX) :].split(":", 1)[0]


class EncryptedTextField(models.TextField):
    """A TextField stored encrypted (AES-256-GCM); reads give the clear text back.

    Not searchable: filter on other fields (only ``__isnull`` is accepted).
    """

    description = "Text encrypted at rest"

    def context(self) -> str:
        return f"{self.model._meta.label}.{self.name}"

    def from_db_value(self, value, expression, connection):
        if value is None or value == "":
            return value
        return decrypt(value, self.context())

    def get_prep_value(self, value):
        value = super().get_prep_value(value)
        if value is None or value == "":
            return value
        return encrypt(str(value), self.context())

    def get_lookup(self, lookup_name):
        if lookup_name == "isnull":
            return IsNull
        raise FieldError(
            f"{self.model.__name__}.{self.name} is encrypted: it cannot be searched "
            f"({lookup_name!r}); filter on structured fields"
        )

    def get_transform(self, name):
        return None


def encrypted_fields(model) -> list[str]:
    """Names of the encrypted fields of `model`."""
    return [f.name for f in model._meta.concrete_fields if isinstance(f, EncryptedTextField)]


def reencrypt(model) -> int:
    """Rewrite the encrypted fields of every row of `model` written with an older key, with
    the newest key (key rotation). Returns the number of rows rewritten."""
    names = encrypted_fields(model)
    if not names:
        return 0
    newest = configured_keys()[0][0]
    count = 0
    for row in model._base_manager.all().iterator():
        fields = [model._meta.get_field(n) for n in names]
        if any(key_of(_raw_value(model, row.pk, f)) not in (None, newest) for f in fields):
            # .update() goes through get_prep_value: encrypted again with the newest key
            model._base_manager.filter(pk=row.pk).update(**{n: getattr(row, n) for n in names})
            count += 1
    return count


def _raw_value(model, pk, field) -> str | None:
    from django.db import connections, router

    conn = connections[router.db_for_read(model)]
    table = conn.ops.quote_name(model._meta.db_table)
    column = conn.ops.quote_name(field.column)
    pk_col = conn.ops.quote_name(model._meta.pk.column)
    with conn.cursor() as cur:
        cur.execute(f"SELECT {column} FROM {table} WHERE {pk_col} = %s", [pk])  # noqa: S608
        row = cur.fetchone()
    return row[0] if row else None
