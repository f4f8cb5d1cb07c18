"""Personal data at rest (seed 004, item 31: 脱敏处理、加密存储).

* Encryption: Fernet (AES-128-CBC + HMAC-SHA256, authenticated) through ``MultiFernet``, so keys can be
  rotated: the first of ``DATA_KEYS`` encrypts, every listed key decrypts, ``bundler keys rotate``
  re-encrypts stored values under the first key.
* Look-ups: a keyed hash (HMAC-SHA256 with ``LOOKUP_KEY``) of a normalised value, so an ID number or a
  mobile number can be found without being stored in clear.
* Masking (脱敏) for lists and for staff who do not need the full value.

Columns use the ``Encrypted*`` types below; they read the keys of the running app.
"""

from __future__ import annotations

import hashlib
import hmac
import json
from typing import Any

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from flask import current_app
from sqlalchemy import LargeBinary, Text
from sqlalchemy.types import TypeDecorator

from forms.fieldtypes import field_types
from forms.masking import mask_account as mask_account
from forms.masking import mask_id_number as mask_id_number
from forms.masking import mask_name as mask_name
from forms.masking import mask_phone as mask_phone

EXTENSION_KEY = "bundler.keyring"


class KeyConfigError(ValueError):
    """Configuration of keys that cannot work; the message is Chinese."""


class Keyring:
    def __init__(self, data_keys: list[str], lookup_key: str) -> None:
        if not data_keys:
            raise KeyConfigError("至少需要一个数据加密密钥（DATA_KEYS）")
        try:
            self._fernet = MultiFernet([Fernet(k.encode() if isinstance(k, str) else k) for k in data_keys])
        except ValueError as exc:
            raise KeyConfigError(f"数据加密密钥（DATA_KEYS）格式不正确：{exc}") from exc
        self._lookup_key = lookup_key.encode()

    def encrypt(self, plaintext: bytes) -> bytes:
        return self._fernet.encrypt(plaintext)

    def decrypt(self, token: bytes) -> bytes:
        try:
            return self._fernet.decrypt(token)
        except InvalidToken as exc:
            raise KeyConfigError(
                "无法解密已存储的数据：密钥不匹配（DATA_KEYS 中缺少加密时使用的密钥）"
            ) from exc

    def rotate(self, token: bytes) -> bytes:
        return self._fernet.rotate(token)

    def lookup_hash(self, kind: str, value: str) -> str:
        normalised = "".join(str(value).split()).upper()
        return hmac.new(self._lookup_key, f"{kind}:{normalised}".encode(), hashlib.sha256).hexdigest()


def generate_data_key() -> str:
    return Fernet.generate_key().decode()


def keyring() -> Keyring:
    return current_app.extensions[EXTENSION_KEY]


def lookup_hash(kind: str, value: str) -> str:
    return keyring().lookup_hash(kind, value)


class EncryptedBytes(TypeDecorator[bytes]):
    """Bytes stored as a Fernet token."""

    impl = LargeBinary
    cache_ok = True

    def process_bind_param(self, value: bytes | None, dialect: Any) -> bytes | None:
        return None if value is None else keyring().encrypt(value)

    def process_result_value(self, value: bytes | None, dialect: Any) -> bytes | None:
        return None if value is None else keyring().decrypt(bytes(value))


class EncryptedText(TypeDecorator[str]):
    """Text stored as a Fernet token (ASCII)."""

    impl = Text
    cache_ok = True

    def process_bind_param(self, value: str | None, dialect: Any) -> str | None:
        return None if value is None else keyring().encrypt(value.encode()).decode()

    def process_result_value(self, value: str | None, dialect: Any) -> str | None:
        return None if value is None else keyring().decrypt(value.encode()).decode()


class EncryptedJSON(TypeDecorator[Any]):
    """A JSON document stored as a Fernet token. Assign a new object to change it (no in-place tracking)."""

    impl = Text
    cache_ok = True

    def process_bind_param(self, value: Any, dialect: Any) -> str | None:
        if value is None:
            return None
        plain = json.dumps(value, ensure_ascii=False, separators=(",", ":"), default=str).encode()
        return keyring().encrypt(plain).decode()

    def process_result_value(self, value: str | None, dialect: Any) -> Any:
        return None if value is None else json.loads(keyring().decrypt(value.encode()))


# --- masking (脱敏): the functions live in forms.masking, each field type knows its own ----------------


def mask_value(field_type: str, element: str | None, value: Any) -> Any:
    """The masked display of a form value, as its field type masks it (and 姓名 by element)."""
    if value in (None, ""):
        return value
    if element == "姓名":
        return mask_name(str(value))
    kind = field_types.find(field_type)
    return kind.mask(value) if kind is not None else value


ENCRYPTED_TYPES = (EncryptedBytes, EncryptedText, EncryptedJSON)


def rotate_all(session: Any, metadata: Any) -> int:
    """Re-encrypt every stored value under the first of ``DATA_KEYS`` (after a new key was put
    first). Works on the stored tokens as they are, without decoding values; the caller commits."""
    from sqlalchemy import column, select, table, update

    ring = keyring()
    rotated = 0
    for mapped in metadata.sorted_tables:
        encrypted = [c for c in mapped.columns if isinstance(c.type, ENCRYPTED_TYPES)]
        if not encrypted:
            continue
        key = mapped.primary_key.columns.values()[0].name
        raw = table(mapped.name, column(key), *(column(c.name, c.type.impl) for c in encrypted))
        for row in session.execute(select(raw)).all():
            values = {}
            for c in encrypted:
                token = row._mapping[c.name]
                if token is None:
                    continue
                as_bytes = bytes(token) if isinstance(token, bytes | memoryview) else token.encode()
                new = ring.rotate(as_bytes)
                values[c.name] = new if isinstance(token, bytes | memoryview) else new.decode()
            if values:
                session.execute(update(raw).where(raw.c[key] == row._mapping[key]).values(**values))
                rotated += 1
    return rotated
