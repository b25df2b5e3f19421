"""Record review (会议记录审阅): the office, or a 党总支 for its branches, reads an activity's records and
passes them or returns them for correction; the branch corrects and sends them back. Every saved text of
the minutes is kept as a version, so the reviewer sees what changed."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse

from dangjian.core.validators import multi_line, single_line


class MinutesVersion(models.Model):
    """One saved text of an activity's minutes (会议记录版本), numbered from 1, never changed."""

    activity = models.ForeignKey(
        "meetings.Activity", verbose_name="活动", on_delete=models.CASCADE, related_name="minutes_versions"
    )
    number = models.PositiveIntegerField("版本")
    text = models.TextField("会议记录", blank=True, validators=[multi_line])
    saved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="保存人",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    saved_at = models.DateTimeField("保存时间")

    class Meta:
        verbose_name = verbose_name_plural = "会议记录版本"
        ordering = ["activity", "number"]
        constraints = [models.UniqueConstraint(fields=["activity", "number"], name="minutes_version_unique")]

    def __str__(self) -> str:
        return f"{self.activity_id} 第{self.number}版"


class ReviewState(models.TextChoices):
    OPEN = "open", "待审阅"
    RETURNED = "returned", "退回补正"
    RESUBMITTED = "resubmitted", "已补正待复审"
    PASSED = "passed", "通过"


class Review(models.Model):
    """One review of one activity's records, from its start to 通过; at most one unfinished per activity."""

    activity = models.ForeignKey(
        "meetings.Activity", verbose_name="活动", on_delete=models.CASCADE, related_name="reviews"
    )
    state = models.CharField("状态", max_length=16, choices=ReviewState.choices, default=ReviewState.OPEN)
    reason = models.CharField("抽审理由", max_length=200, validators=[single_line])
    started_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="审阅人",
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    started_at = models.DateTimeField("开始审阅")
    updated_at = models.DateTimeField("最近变动")

    class Meta:
        verbose_name = verbose_name_plural = "会议记录审阅"
        ordering = ["-updated_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["activity"], condition=~Q(state="passed"), name="one_unfinished_review_per_activity"
            )
        ]

    def __str__(self) -> str:
        return f"{self.activity} {self.get_state_display()}"

    def get_absolute_url(self) -> str:
        return reverse("supervision:review", args=[self.pk])

    @property
    def waits_for_branch(self) -> bool:
        return self.state == ReviewState.RETURNED

    @property
    def waits_for_reviewer(self) -> bool:
        return self.state in (ReviewState.OPEN, ReviewState.RESUBMITTED)


class StepAction(models.TextChoices):
    START = "start", "开始审阅"
    RETURN = "return", "退回补正"
    RESUBMIT = "resubmit", "补正后提交"
    PASS = "pass", "通过"


class ReviewStep(models.Model):
    """What happened in a review, in order: who, when, the comment and the minutes version it concerned."""

    review = models.ForeignKey(Review, verbose_name="审阅", on_delete=models.CASCADE, related_name="steps")
    action = models.CharField("操作", max_length=16, choices=StepAction.choices)
    comment = models.TextField("意见", blank=True, validators=[multi_line])
    version = models.ForeignKey(
        MinutesVersion,
        verbose_name="会议记录版本",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="操作人",
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    at = models.DateTimeField("时间")

    class Meta:
        verbose_name = verbose_name_plural = "审阅过程"
        ordering = ["review", "at", "id"]

    def __str__(self) -> str:
        return f"{self.review_id} {self.get_action_display()}"


class RecordText(models.Model):
    """The text of an uploaded minutes file (.docx or .pdf), extracted once, so that minutes kept as a file
    are compared for copying like minutes typed in (see `uploaded.py`)."""

    record = models.OneToOneField(
        "meetings.Record", verbose_name="会议记录文件", on_delete=models.CASCADE, related_name="extracted"
    )
    text = models.TextField(
        "提取的文字", blank=True, editable=False, help_text="空：不是 .docx/.pdf，或无法读取"
    )
    extracted_at = models.DateTimeField("提取时间", auto_now_add=True)

    class Meta:
        verbose_name = verbose_name_plural = "会议记录文件文字"

    def __str__(self) -> str:
        return f"{self.record_id}: {len(self.text)} 字"


class PhotoTaken(models.Model):
    """The day the camera recorded for an uploaded photo (EXIF, read at upload before it is stripped)."""

    record = models.OneToOneField(
        "meetings.Record", verbose_name="照片", on_delete=models.CASCADE, related_name="taken"
    )
    taken_on = models.DateField("拍摄日期（EXIF）")

    class Meta:
        verbose_name = verbose_name_plural = "照片拍摄日期"

    def __str__(self) -> str:
        return f"{self.record_id}: {self.taken_on}"
