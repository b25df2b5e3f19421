"""Reused photos end to end: uploaded through the meetings upload (re-encoded, EXIF dropped), hashed once,
matched after resizing and compression, not matched for a different photo."""

import datetime as dt
import random

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from dangjian.meetings.services import store_record
from dangjian.supervision.demo import resized, sample_photo
from dangjian.supervision.models import PhotoHash, Signal
from dangjian.supervision.services import compute

from .helpers import held

pytestmark = pytest.mark.django_db


def upload(activity, photo: bytes):
    return store_record(
        activity, "activity_photos", SimpleUploadedFile("照片.jpg", photo, "image/jpeg"), None
    )


def test_a_photo_resized_and_compressed_again_still_matches_a_different_one_does_not(world, client_for):
    photo = sample_photo(random.Random(1))
    first = held(world.branch_a, dt.date(2025, 3, 10), title="三月主题党日")
    again = held(world.branch_b, dt.date(2025, 6, 10), title="六月主题党日")
    other = held(world.branch_b, dt.date(2025, 7, 10), title="七月主题党日")
    original = upload(first, photo)
    reused = upload(again, resized(photo, scale=0.4, quality=60))
    upload(other, sample_photo(random.Random(2)))
    compute()
    (signal,) = Signal.objects.filter(kind="reused_photos")
    assert signal.org == world.branch_b and set(signal.activities.all()) == {first, again}
    assert signal.details["records"] == [original.pk, reused.pk]
    assert signal.measure <= signal.threshold
    assert PhotoHash.objects.count() == 3
    compute()  # hashed once: no new rows, the same signal
    assert PhotoHash.objects.count() == 3 and Signal.objects.filter(kind="reused_photos").count() == 1
    page = client_for("office").get(f"/supervision/{signal.pk}/").content.decode()
    assert page.count('class="photo"') == 2 and f"/meetings/records/{reused.pk}/" in page
