"""Encryption at rest and keyed look-up hashes for personal data (身份证号, 手机号).

Values are encrypted with AES-256-GCM under a key derived from FIELD_ENCRYPTION_KEY (a random nonce per
value, so equal values give different tokens); equality look-ups use an HMAC-SHA256 of the normalised
value, so the database never holds a value in the clear and cannot be searched by someone who lacks
the key. Tokens written by the first version (Fernet) are still read.
"""

import base64
import hashlib
import hmac
import os
from functools import cache

from cryptography.exceptions import InvalidTag
from cryptography.fernet import Fernet, InvalidToken
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from django.conf import settings

PREFIX = "v2."


@cache
def _derive(key: str, purpose: bytes) -> bytes:
    return hmac.new(key.encode(), purpose, hashlib.sha256).digest()


@cache
def _aead(key: str) -> AESGCM:
    return AESGCM(_derive(key, b"dangjian-field-encryption"))


@cache
def _fernet(key: str) -> Fernet:
    return Fernet(base64.urlsafe_b64encode(_derive(key, b"dangjian-field-encryption")))


def encrypt(value: str) -> str:
    nonce = os.urandom(12)
    sealed = _aead(settings.FIELD_ENCRYPTION_KEY).encrypt(nonce, value.encode(), None)
    return PREFIX + base64.urlsafe_b64encode(nonce + sealed).decode()


def decrypt(token: str) -> str:
    key = settings.FIELD_ENCRYPTION_KEY
    try:
        if token.startswith(PREFIX):
            raw = base64.urlsafe_b64decode(token[len(PREFIX) :])
            return _aead(key).decrypt(raw[:12], raw[12:], None).decode()
        return _fernet(key).decrypt(token.encode()).decode()
    except (InvalidTag, InvalidToken, ValueError) as exc:
        raise ValueError("无法解密：FIELD_ENCRYPTION_KEY 与加密时不同。") from exc


def lookup_hash(value: str) -> str:
    key = _derive(settings.FIELD_ENCRYPTION_KEY, b"dangjian-lookup-hash")
    return hmac.new(key, value.strip().upper().encode(), hashlib.sha256).hexdigest()
