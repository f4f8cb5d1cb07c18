"""Personal data at rest (seed 004, item 31: 脱敏处理、加密存储).

* Encryption: Fernet (AES-128-CBC + HMAC-SHA256, authenticated) through ``MultiFernet``, so keys can be
  rotated: the first of ``DATA_KEYS`` encrypts, every listed key decrypts, ``bundler keys rotate``
  re-encrypts stored values under the first key.
* Look-ups: a keyed hash (HMAC-SHA256 with ``LOOKUP_KEY``) of a normalised value, so an ID number or a
  mobile number can be found without being stored in clear. ``LOOKUP_KEY`` may list several keys like
  ``DATA_KEYS``: the first hashes what is stored, every one finds, so the hashes can be recomputed
  (``bundler keys rotate``) while the service runs.
* A process that started before a new key was added reads its key set again when a value does not
  open (the instance folder's key files); if it still lacks the key it says so in Chinese (503).
* Masking (脱敏) for lists and for staff who do not need the full value.

Columns use the ``Encrypted*`` types below; they read the keys of the running app.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import threading
from collections.abc import Callable, Sequence
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


KeySource = Callable[[], tuple[list[str], list[str]]]  # reads (DATA_KEYS, LOOKUP_KEY) again
MISSING_KEY = (
    "无法解密已存储的数据：本服务进程缺少加密时使用的密钥。请管理员把新密钥加入 DATA_KEYS"
    "（或实例文件夹中的 data_keys 文件）后重启服务"
)
MISSING_LOOKUP_KEY = (
    "检索密钥已更换，本服务进程还没有新的 LOOKUP_KEY。请管理员把新密钥加入 LOOKUP_KEY"
    "（或实例文件夹中的 lookup_key 文件）后重启服务"
)
KEY_CHECK_TEXT = b"bundler key check"


def split_keys(value: str | Sequence[str]) -> list[str]:
    """Keys given as one comma- or line-separated string, or as a list."""
    parts = value.replace("\n", ",").split(",") if isinstance(value, str) else list(value)
    return [k.strip() for k in parts if k and k.strip()]


def fingerprint(key: str | bytes) -> str:
    """Names a key without revealing it (stored to tell which key is current)."""
    raw = key.encode() if isinstance(key, str) else key
    return hmac.new(raw, KEY_CHECK_TEXT, hashlib.sha256).hexdigest()[:32]


class Keyring:
    def __init__(
        self, data_keys: Sequence[str], lookup_keys: str | Sequence[str], source: KeySource | None = None
    ) -> None:
        self._source = source
        self._lock = threading.Lock()
        self._load(list(data_keys), split_keys(lookup_keys))

    def _load(self, data_keys: list[str], lookup_keys: list[str]) -> None:
        if not data_keys:
            raise KeyConfigError("至少需要一个数据加密密钥（DATA_KEYS）")
        if not lookup_keys:
            raise KeyConfigError("至少需要一个检索密钥（LOOKUP_KEY）")
        try:
            fernets = [Fernet(k.encode() if isinstance(k, str) else k) for k in data_keys]
        except ValueError as exc:
            raise KeyConfigError(f"数据加密密钥（DATA_KEYS）格式不正确：{exc}") from exc
        self._fernet, self._primary = MultiFernet(fernets), fernets[0]
        self._data_fingerprints = [fingerprint(k) for k in data_keys]
        self._lookup_keys = [k.encode() for k in lookup_keys]
        self._lookup_fingerprints = [fingerprint(k) for k in self._lookup_keys]

    def reload(self) -> bool:
        """Read the key set again from where it came from; True when it changed."""
        if self._source is None:
            return False
        data_keys, lookup_keys = self._source()
        with self._lock:
            if [fingerprint(k) for k in data_keys] == self._data_fingerprints and [
                fingerprint(k) for k in lookup_keys
            ] == self._lookup_fingerprints:
                return False
            self._load(data_keys, lookup_keys)
            return True

    def encrypt(self, plaintext: bytes) -> bytes:
        return self._fernet.encrypt(plaintext)

    def decrypt(self, token: bytes) -> bytes:
        try:
            return self._fernet.decrypt(token)
        except InvalidToken:
            pass
        if self.reload():
            try:
                return self._fernet.decrypt(token)
            except InvalidToken:
                pass
        raise KeyConfigError(MISSING_KEY)

    def is_current(self, token: bytes) -> bool:
        """Whether the token is already encrypted under the first data key."""
        try:
            self._primary.decrypt(token)
        except InvalidToken:
            return False
        return True

    def rotate(self, token: bytes) -> bytes:
        try:
            return self._fernet.rotate(token)
        except InvalidToken as exc:
            raise KeyConfigError(MISSING_KEY) from exc

    def lookup_hash(self, kind: str, value: str) -> str:
        """The hash stored for a value: under the first lookup key."""
        return self._hash(self._lookup_keys[0], kind, value)

    def lookup_hashes(self, kind: str, value: str) -> list[str]:
        """Every hash the value may be stored under (one per lookup key), to find it by."""
        return [self._hash(key, kind, value) for key in self._lookup_keys]

    @staticmethod
    def _hash(key: bytes, kind: str, value: str) -> str:
        normalised = "".join(str(value).split()).upper()
        return hmac.new(key, f"{kind}:{normalised}".encode(), hashlib.sha256).hexdigest()

    def current_fingerprints(self) -> dict[str, str]:
        """The fingerprints of the keys that encrypt and hash now (``bundler keys rotate`` stores them)."""
        return {"data": self._data_fingerprints[0], "lookup": self._lookup_fingerprints[0]}

    def knows(self, kind: str, key_fingerprint: str) -> bool:
        known = self._data_fingerprints if kind == "data" else self._lookup_fingerprints
        return key_fingerprint in known


def generate_data_key() -> str:
    return Fernet.generate_key().decode()


def keyring() -> Keyring:
    return current_app.extensions[EXTENSION_KEY]


def lookup_hash(kind: str, value: str) -> str:
    return keyring().lookup_hash(kind, value)


def lookup_hashes(kind: str, value: str) -> list[str]:
    return keyring().lookup_hashes(kind, value)


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
