from django.db import models


class SignalKind(models.TextChoices):
    """The kinds of 走过场 risk signals, in order of priority (issue 11)."""

    COPIED_MINUTES = "copied_minutes", "会议记录雷同"
    LATE_ENTRY = "late_entry", "补录偏多"
    IMPOSSIBLE_ATTENDANCE = "impossible_attendance", "出勤存疑"
    BUNCHING = "bunching", "活动扎堆"
    THIN_CONTENT = "thin_content", "内容空泛"
    REUSED_PHOTOS = "reused_photos", "照片重复"


PRIORITY = {kind: i for i, kind in enumerate(SignalKind.values)}
