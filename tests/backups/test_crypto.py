import io

import pytest

from civitas.core.backups.crypto import (
    BackupError,
    CorruptedFile,
    DecryptingReader,
    EncryptingWriter,
    WrongKey,
    generate_key,
    parse_key,
)

KEY = parse_key(generate_key())


def encrypt(data: bytes, key=KEY, chunk_size=1000) -> bytes:
    out = io.BytesIO()
    w = EncryptingWriter(out, key, chunk_size=chunk_size)
    for i in range(0, len(data), 333):
        w.write(data[i : i + 333])
    w.close()
    return out.getvalue()


def decrypt(blob: bytes, key=KEY) -> bytes:
    r = DecryptingReader(io.BytesIO(blob), key)
    data = r.read()
    r.finish()
    return data


@pytest.mark.parametrize("size", [0, 1, 999, 1000, 1001, 5432])
def test_round_trip_over_several_chunks(size):
    data = bytes(range(256)) * (size // 256 + 1)
    data = data[:size]
    blob = encrypt(data)
    assert size < 64 or data[:64] not in blob
    assert decrypt(blob) == data


def test_wrong_key_is_named_as_such():
    blob = encrypt(b"secret" * 1000)
    with pytest.raises(WrongKey, match="Wrong backup key"):
        decrypt(blob, parse_key(generate_key()))


def test_truncation_at_a_chunk_boundary_is_detected():
    data = b"x" * 3500
    blob = encrypt(data)
    # header 44 bytes, then blocks of 4 + 1000 + 16 bytes: cut after the third block
    cut = 44 + 3 * (4 + 1000 + 16)
    with pytest.raises(CorruptedFile, match="truncated"):
        decrypt(blob[:cut])


def test_truncation_inside_a_chunk_is_detected():
    blob = encrypt(b"x" * 3500)
    with pytest.raises(CorruptedFile, match="truncated"):
        decrypt(blob[:-5])


def test_altered_byte_is_detected():
    blob = bytearray(encrypt(b"y" * 3500))
    blob[2000] ^= 1
    with pytest.raises(CorruptedFile, match="altered"):
        decrypt(bytes(blob))


def test_swapped_chunks_are_detected():
    blob = encrypt(b"a" * 1000 + b"b" * 1000 + b"c" * 10)
    block = 4 + 1000 + 16
    first, second = blob[44 : 44 + block], blob[44 + block : 44 + 2 * block]
    swapped = blob[:44] + second + first + blob[44 + 2 * block :]
    with pytest.raises(CorruptedFile):
        decrypt(swapped)


def test_trailing_data_is_detected():
    with pytest.raises(CorruptedFile, match="after its final block"):
        decrypt(encrypt(b"z" * 10) + b"junk")


def test_not_a_backup():
    with pytest.raises(CorruptedFile, match="not a Civitas backup"):
        decrypt(b"PK\x03\x04 a zip file" * 10)


@pytest.mark.parametrize("value", ["", "not base64 !!", "c2hvcnQ="])
def test_bad_keys_are_refused_clearly(value):
    with pytest.raises(BackupError, match="CIVITAS_BACKUP_KEY"):
        parse_key(value)
