"""Sealed ballots: a ballot's grades and comments, encrypted and padded to one size until the count.

A vote's transaction takes the voter's right and stores the ballot sealed; the ballots are opened
together when the vote closes (`services.open_ballot_box`). A copy of the database or its WAL taken
during the vote therefore shows who has voted, and next to it only ciphertext of a size that depends
on nothing but the number of graded members: no grade, no comment, no comment length.

Format (before encryption): one fixed-size slot per graded member, unused slots zero.
Slot: member id (8 bytes) · grade index + 1 (1 byte) · comment length in bytes (2) · comment (UTF-8,
zero-padded to COMMENT_BYTES). AES-256-GCM, random nonce, the campaign and ballot kind as associated
data (a sealed ballot cannot be moved to another campaign or kind); key derived from
FIELD_ENCRYPTION_KEY for this purpose only.
"""

import hashlib
import hmac
import os
import struct

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from django.conf import settings

from .ruleset import GRADE_CODES

SLOT_HEAD = struct.Struct(">QBH")
NONCE = 12


class Unreadable(ValueError):
    """The sealed ballot does not open with this key (FIELD_ENCRYPTION_KEY changed) or was altered."""


def comment_bytes(comment_max: int) -> int:
    return comment_max * 4  # UTF-8: at most 4 bytes a character


def _key() -> AESGCM:
    return AESGCM(
        hmac.new(settings.FIELD_ENCRYPTION_KEY.encode(), b"dangjian-sealed-ballot", hashlib.sha256).digest()
    )


def _context(campaign_id: int, kind: str, scope: str = "evaluations.ballot") -> bytes:
    return f"{scope}:{campaign_id}:{kind}".encode()


def seal(
    campaign_id: int,
    kind: str,
    rows: list[tuple[int, str, str]],
    slots: int,
    comment_max: int,
    *,
    codes: tuple[str, ...] = GRADE_CODES,
    scope: str = "evaluations.ballot",
) -> bytes:
    """`rows` are (evaluated member id, grade code, comment); `slots` is the number of graded members,
    so every ballot of the campaign has the same size whatever it says. Other secret answers (the
    assessment's 满意度测评) pass their own `codes` and `scope`: a row is then (question number, choice,
    comment), and a sealed answer cannot be opened as a ballot."""
    width = comment_bytes(comment_max)
    if len(rows) > slots:
        raise ValueError("more grades than graded members")
    plain = bytearray()
    for member_id, grade, comment in sorted(rows):
        text = comment.encode()
        if len(text) > width:
            raise ValueError("comment longer than its slot")
        plain += SLOT_HEAD.pack(member_id, codes.index(grade) + 1, len(text)) + text.ljust(width, b"\0")
    plain += bytes((SLOT_HEAD.size + width) * (slots - len(rows)))
    nonce = os.urandom(NONCE)
    return nonce + _key().encrypt(nonce, bytes(plain), _context(campaign_id, kind, scope))


def unseal(
    campaign_id: int,
    kind: str,
    sealed: bytes,
    comment_max: int,
    *,
    codes: tuple[str, ...] = GRADE_CODES,
    scope: str = "evaluations.ballot",
) -> list[tuple[int, str, str]]:
    """The (member id, grade code, comment) rows of a sealed ballot (or the rows of another scope)."""
    try:
        plain = _key().decrypt(sealed[:NONCE], sealed[NONCE:], _context(campaign_id, kind, scope))
    except (InvalidTag, ValueError) as exc:
        raise Unreadable from exc
    width = SLOT_HEAD.size + comment_bytes(comment_max)
    rows = []
    for start in range(0, len(plain), width):
        member_id, grade, length = SLOT_HEAD.unpack_from(plain, start)
        if member_id:
            text = plain[start + SLOT_HEAD.size : start + SLOT_HEAD.size + length].decode()
            rows.append((member_id, codes[grade - 1], text))
    return rows
