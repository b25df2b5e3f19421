"""Local thresholds of the meetings module, each with its reason; a deployment may override them in settings.

The notice (鼎发〔2020〕55号) does not fix these numbers: they are the town's working rules.
"""

import datetime as dt

from django.conf import settings

# An activity entered more than this many days after it was held is marked 补录 (late entry).
# Reason: the town asks branches to file each month's records within the following month (30 days).
LATE_ENTRY_DAYS = getattr(settings, "MEETINGS_LATE_ENTRY_DAYS", 30)

# QR sign-in: the code rotates every TOKEN_SECONDS; the previous code stays valid, so a code read just
# before a rotation still works. Reason: a photo of the screen forwarded later no longer signs anyone in.
TOKEN_SECONDS = getattr(settings, "MEETINGS_TOKEN_SECONDS", 180)

# Sign-in is open from this long before the planned start until this long after the end.
# Reason: members arrive early, and late arrivals (迟到) must still be able to sign in.
SIGN_IN_BEFORE = dt.timedelta(minutes=getattr(settings, "MEETINGS_SIGN_IN_BEFORE_MINUTES", 60))
SIGN_IN_AFTER = dt.timedelta(minutes=getattr(settings, "MEETINGS_SIGN_IN_AFTER_MINUTES", 60))

# A member signing in later than this after the start is recorded as 迟到.
LATE_AFTER = dt.timedelta(minutes=getattr(settings, "MEETINGS_LATE_AFTER_MINUTES", 10))

# Uploaded records: size limit per file (bytes).
UPLOAD_MAX_BYTES = getattr(settings, "MEETINGS_UPLOAD_MAX_BYTES", 10 * 1024 * 1024)

# Uploaded photos: at most this many pixels, read from the header before decoding. Reason: a small file
# can claim a huge image (a "decompression bomb"); 50 million pixels covers the largest phone cameras
# (48-50 MP) and decodes within about 200 MB.
UPLOAD_MAX_PIXELS = getattr(settings, "MEETINGS_UPLOAD_MAX_PIXELS", 50_000_000)

# The activity behind a sign-in code is cached this long (seconds) while its members scan; changes made
# through the pages drop the cached copy at once.
SIGNIN_CACHE_SECONDS = 15
