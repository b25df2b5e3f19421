"""Encryption at rest and keyed look-up hashes for personal data (身份证号, 手机号).

Values are encrypted with Fernet (AES-128-CBC + HMAC); equality look-ups use an HMAC-SHA256 of the
normalised value, so the database never holds a value in the clear and cannot be searched by
someone who lacks the key.
"""

import base64
import hashlib
import hmac
from functools import cache

from cryptography.fernet import Fernet, InvalidToken
from django.conf import settings


def _derive(purpose: bytes) -> bytes:
    return hmac.new(settings.FIELD_ENCRYPTION_KEY.encode(), purpose, hashlib.sha256).digest()


@cache
def _fernet(key: str) -> Fernet:
    return Fernet(base64.urlsafe_b64encode(_derive(b"dangjian-field-encryption")))


def encrypt(value: str) -> str:
    return _fernet(settings.FIELD_ENCRYPTION_KEY).encrypt(value.encode()).decode()


def decrypt(token: str) -> str:
    try:
        return _fernet(settings.FIELD_ENCRYPTION_KEY).decrypt(token.encode()).decode()
    except InvalidToken as exc:
        raise ValueError("无法解密：FIELD_ENCRYPTION_KEY 与加密时不同。") from exc


def lookup_hash(value: str) -> str:
    key = _derive(b"dangjian-lookup-hash")
    return hmac.new(key, value.strip().upper().encode(), hashlib.sha256).hexdigest()
