"""Perceptual hashes of the stored activity photos (after upload they are re-encoded, EXIF gone: the
pixels are what is compared). Hashes are computed once per record and kept in `PhotoHash`."""

import logging

import imagehash
from PIL import Image, UnidentifiedImageError

from dangjian.meetings.models import Record
from dangjian.rulebook import rulebook

from .models import PhotoHash

log = logging.getLogger(__name__)


def photo_kinds() -> list[str]:
    return [code for code, kind in rulebook.current().record_kinds.items() if kind.media == "image"]


def phash(file) -> str:
    """The 64-bit pHash of an image file as 16 hex digits, or "" when it cannot be read as an image."""
    try:
        with Image.open(file) as image:
            return str(imagehash.phash(image))
    except (OSError, UnidentifiedImageError, ValueError):
        return ""


def hash_missing() -> int:
    """Hash the photo records that have a file and no hash yet; returns how many were hashed."""
    fresh = []
    for record in Record.objects.filter(kind__in=photo_kinds(), photo_hash__isnull=True).exclude(file=""):
        try:
            with record.file.open("rb") as f:
                value = phash(f)
        except OSError:
            log.warning("photo of record %s could not be opened", record.pk)
            value = ""
        fresh.append(PhotoHash(record=record, phash=value))
    PhotoHash.objects.bulk_create(fresh, batch_size=1000, ignore_conflicts=True)
    return len(fresh)


def keep_taken_day(sender, record, taken_on, **kwargs) -> None:
    """Receiver of `meetings.services.photo_stored`: keep the EXIF day of a photo that has one."""
    if taken_on is not None:
        from .models import PhotoTaken

        PhotoTaken.objects.update_or_create(record=record, defaults={"taken_on": taken_on})


def connect() -> None:
    from dangjian.meetings.services import photo_stored

    photo_stored.connect(keep_taken_day, dispatch_uid="supervision-photo-taken")
