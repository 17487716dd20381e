"""Streaming authenticated encryption of backup archives.

File layout (all integers big-endian):

    header  = MAGIC (8) | salt (16) | key check (16) | chunk size (4)
    chunk*  = length (4) | AES-256-GCM ciphertext + tag

A per-file key is derived from the master key and the random salt with HKDF-SHA256, so the
nonce can be a plain counter: nonce = chunk index (11 bytes) | final flag (1 byte). The
header is the associated data of every chunk. Reordering, removing or altering a chunk fails
its tag; cutting the file after any chunk is detected because the last chunk carries the
final flag (the STREAM construction). A wrong master key is detected from the header alone
(key check), before any chunk is read, so the message can say so plainly.
"""

from __future__ import annotations

import base64
import binascii
import hmac
import os
import struct

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

MAGIC = b"CIVBAK\x00\x01"
HEADER_SIZE = 8 + 16 + 16 + 4
CHUNK_SIZE = 1024 * 1024
TAG_SIZE = 16


class BackupError(Exception):
    """A backup cannot be made or restored; the message is meant for the operator."""


class WrongKey(BackupError):
    pass


class CorruptedFile(BackupError):
    pass


def generate_key() -> str:
    return base64.urlsafe_b64encode(os.urandom(32)).decode()


def parse_key(value: str) -> bytes:
    if not value:
        raise BackupError(
            "CIVITAS_BACKUP_KEY is not set: generate one with `manage.py backup --generate-key` "
            "and keep it outside the server (a backup cannot be read without it)."
        )
    try:
        key = base64.urlsafe_b64decode(value.strip().encode())
    except (binascii.Error, ValueError) as exc:
        raise BackupError("CIVITAS_BACKUP_KEY is not valid urlsafe base64.") from exc
    if len(key) != 32:
        raise BackupError(f"CIVITAS_BACKUP_KEY must decode to 32 bytes, not {len(key)}.")
    return key


def _derive(master: bytes, salt: bytes, info: bytes, length: int) -> bytes:
    return HKDF(algorithm=hashes.SHA256(), length=length, salt=salt, info=info).derive(master)


def _nonce(index: int, final: bool) -> bytes:
    return index.to_bytes(11, "big") + (b"\x01" if final else b"\x00")


class EncryptingWriter:
    """A write-only file object: plaintext in, encrypted chunks out to `fileobj`."""

    def __init__(self, fileobj, master: bytes, chunk_size: int = CHUNK_SIZE):
        self._out = fileobj
        salt = os.urandom(16)
        self._aead = AESGCM(_derive(master, salt, b"civitas-backup v1 data", 32))
        check = _derive(master, salt, b"civitas-backup v1 key check", 16)
        self._header = MAGIC + salt + check + struct.pack(">I", chunk_size)
        self._chunk_size = chunk_size
        self._buffer = bytearray()
        self._index = 0
        self._closed = False
        self._out.write(self._header)

    def writable(self):
        return True

    def write(self, data) -> int:
        self._buffer += data
        while len(self._buffer) > self._chunk_size:
            self._emit(bytes(self._buffer[: self._chunk_size]), final=False)
            del self._buffer[: self._chunk_size]
        return len(data)

    def flush(self):
        self._out.flush()

    def _emit(self, plain: bytes, final: bool):
        sealed = self._aead.encrypt(_nonce(self._index, final), plain, self._header)
        self._out.write(struct.pack(">I", len(sealed)) + sealed)
        self._index += 1

    def close(self):
        """Write the final chunk (always present, possibly empty). Does not close fileobj."""
        if not self._closed:
            self._emit(bytes(self._buffer), final=True)
            self._buffer.clear()
            self._closed = True
            self._out.flush()


class DecryptingReader:
    """A read-only file object over an encrypted file. Every chunk is authenticated before
    any of its bytes are returned; `finish()` checks that the stream ended properly."""

    def __init__(self, fileobj, master: bytes):
        self._in = fileobj
        header = fileobj.read(HEADER_SIZE)
        if len(header) < HEADER_SIZE or not header.startswith(MAGIC):
            raise CorruptedFile("This file is not a Civitas backup (bad header).")
        salt, check = header[8:24], header[24:40]
        (self._chunk_size,) = struct.unpack(">I", header[40:44])
        if not hmac.compare_digest(
            _derive(master, salt, b"civitas-backup v1 key check", 16), check
        ):
            raise WrongKey(
                "Wrong backup key: this backup was encrypted with another CIVITAS_BACKUP_KEY."
            )
        self._aead = AESGCM(_derive(master, salt, b"civitas-backup v1 data", 32))
        self._header = header
        self._index = 0
        self._buffer = b""
        self._pos = 0
        self._ended = False

    def readable(self):
        return True

    def _next_chunk(self) -> bool:
        if self._ended:
            return False
        raw_len = self._in.read(4)
        if len(raw_len) < 4:
            raise CorruptedFile("The backup file is truncated (its final block is missing).")
        (length,) = struct.unpack(">I", raw_len)
        if length < TAG_SIZE or length > self._chunk_size + TAG_SIZE:
            raise CorruptedFile(
                f"The backup file is corrupted (bad block length at block {self._index})."
            )
        sealed = self._in.read(length)
        if len(sealed) < length:
            raise CorruptedFile("The backup file is truncated (a block is cut short).")
        for final in (False, True):
            try:
                plain = self._aead.decrypt(_nonce(self._index, final), sealed, self._header)
            except InvalidTag:
                continue
            self._index += 1
            self._ended = final
            self._buffer, self._pos = plain, 0
            return True
        raise CorruptedFile(
            f"The backup file is corrupted or was altered (block {self._index} fails its "
            "authentication check)."
        )

    def read(self, size: int = -1) -> bytes:
        out = bytearray()
        while size < 0 or len(out) < size:
            if self._pos >= len(self._buffer):
                if not self._next_chunk():
                    break
                continue
            want = len(self._buffer) - self._pos if size < 0 else size - len(out)
            piece = self._buffer[self._pos : self._pos + want]
            self._pos += len(piece)
            out += piece
        return bytes(out)

    def finish(self):
        """Consume what is left and check the stream ended on its final block, with nothing
        after it."""
        while self._next_chunk():
            pass
        if self._in.read(1):
            raise CorruptedFile("The backup file has unexpected data after its final block.")
