"""Stored risk signals (走过场风险信号), one row per fingerprint, and the office's dismissals."""

from django.conf import settings
from django.db import models
from django.urls import reverse

from dangjian.core.validators import multi_line

from .choices import PRIORITY, SignalKind


class SignalQuerySet(models.QuerySet):
    def open(self):
        """Found at the last computation and not dismissed."""
        return self.filter(current=True, dismissed_at__isnull=True)

    def dismissed(self):
        return self.filter(current=True, dismissed_at__isnull=False)


class PhotoHash(models.Model):
    """The perceptual hash of a stored activity photo, computed once (files are read only when new)."""

    record = models.OneToOneField(
        "meetings.Record", verbose_name="照片", on_delete=models.CASCADE, related_name="photo_hash"
    )
    phash = models.CharField("感知哈希", max_length=16, blank=True, help_text="空：文件无法读取为图片")
    computed_at = models.DateTimeField("计算时间", auto_now_add=True)

    class Meta:
        verbose_name = verbose_name_plural = "照片感知哈希"

    def __str__(self) -> str:
        return f"{self.record_id}: {self.phash}"


class Signal(models.Model):
    """A sign that a branch may only be going through the motions: what was found, its evidence (the
    activities), the measure against the threshold. Never a verdict: the office reads it and may dismiss
    it with a reason, which stays when the signals are computed again (same fingerprint)."""

    fingerprint = models.CharField("标识", max_length=200, unique=True)
    kind = models.CharField("类型", max_length=32, choices=SignalKind.choices)
    org = models.ForeignKey(
        "orgs.Organisation", verbose_name="党支部", on_delete=models.CASCADE, related_name="signals"
    )
    period = models.CharField("年度", max_length=8)
    summary = models.TextField("发现")
    measure = models.FloatField("度量")
    threshold = models.FloatField("阈值")
    activities = models.ManyToManyField("meetings.Activity", verbose_name="证据活动", related_name="+")
    details = models.JSONField("细节", default=dict, blank=True)
    current = models.BooleanField("最近一次计算仍发现", default=True)
    found_at = models.DateTimeField("首次发现", auto_now_add=True)
    computed_at = models.DateTimeField("最近计算")
    dismissed_at = models.DateTimeField("排除时间", null=True, blank=True)
    dismissed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="排除人",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    dismiss_reason = models.TextField("排除理由", blank=True, validators=[multi_line])

    objects = SignalQuerySet.as_manager()

    class Meta:
        verbose_name = verbose_name_plural = "风险信号"
        ordering = ["-period", "kind", "org__code", "-id"]
        indexes = [models.Index(fields=["current", "kind", "period"])]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.org} {self.period}"

    def get_absolute_url(self) -> str:
        return reverse("supervision:detail", args=[self.pk])

    @property
    def is_dismissed(self) -> bool:
        return self.dismissed_at is not None

    @property
    def priority(self) -> int:
        return PRIORITY.get(self.kind, len(PRIORITY))


from .review import MinutesVersion, PhotoTaken, RecordText, Review, ReviewStep  # noqa: E402, F401  record review (会议记录审阅)
from .rounds.models import (  # noqa: E402,F401  (the 督查 rounds' models, in their own module)
    Assignment,
    Attachment,
    ChecklistItem,
    Finding,
    Rectification,
    Round,
    SampledBranch,
    Step,
    Visit,
)
