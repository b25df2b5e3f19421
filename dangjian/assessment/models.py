"""考核: schemes published for a year, the office's entries, the year's 定稿 with frozen sheets, corrections
and 申诉. Live scores are computed (services.py); only what the office decides is stored."""

from django.conf import settings
from django.db import models

from dangjian.core.validators import multi_line


class SchemeVersion(models.Model):
    """A 考核方案 for a year as toml text: a draft the office edits, then published as a version with the
    date it takes effect. Published versions are never edited; a change is a new version."""

    class Status(models.TextChoices):
        DRAFT = "draft", "草稿"
        PUBLISHED = "published", "已发布"

    year = models.PositiveSmallIntegerField("年度")
    version = models.PositiveSmallIntegerField("版本")
    status = models.CharField("状态", max_length=16, choices=Status.choices, default=Status.DRAFT)
    text = models.TextField("方案内容（TOML）", validators=[multi_line])
    effective_from = models.DateField("生效日期")
    created_at = models.DateTimeField("创建时间", auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="创建人", on_delete=models.PROTECT, related_name="+"
    )
    published_at = models.DateTimeField("发布时间", null=True, blank=True)

    class Meta:
        verbose_name = verbose_name_plural = "考核方案"
        ordering = ["-year", "-version"]
        constraints = [
            models.UniqueConstraint(fields=["year", "version"], name="one_scheme_version_per_year")
        ]

    def __str__(self) -> str:
        return f"{self.year}年考核方案 第{self.version}版"


class YearState(models.Model):
    """A year's assessment: when the office finalised it (定稿) and whether it published the ranking."""

    year = models.PositiveSmallIntegerField("年度", unique=True)
    finalised_at = models.DateTimeField("定稿时间", null=True, blank=True)
    finalised_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="定稿人",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    scheme_version = models.CharField("所用方案", max_length=40, blank=True)
    scheme_text = models.TextField("所用方案内容", blank=True)
    ranking_published_at = models.DateTimeField("排名公布时间", null=True, blank=True)

    class Meta:
        verbose_name = verbose_name_plural = "年度考核"

    def __str__(self) -> str:
        return f"{self.year}年度考核"

    @property
    def is_final(self) -> bool:
        return self.finalised_at is not None


class FrozenSheet(models.Model):
    """A branch's sheet as finalised: its lines with their evidence, kept as they were that day."""

    org = models.ForeignKey(
        "orgs.Organisation", verbose_name="党支部", on_delete=models.PROTECT, related_name="+"
    )
    year = models.PositiveSmallIntegerField("年度")
    lines = models.JSONField("各项得分")
    outcomes = models.JSONField("合规结论计数", default=dict)  # for the vetoes when a line is corrected
    score = models.FloatField("得分率", null=True)
    grade = models.CharField("等次", max_length=16, blank=True)

    class Meta:
        verbose_name = verbose_name_plural = "定稿考核表"
        constraints = [models.UniqueConstraint(fields=["org", "year"], name="one_frozen_sheet_per_org_year")]

    def __str__(self) -> str:
        return f"{self.org_id} {self.year}"


class Entry(models.Model):
    """Points the office gives a branch for an indicator it scores itself (党建办评定, 加分/扣分)."""

    org = models.ForeignKey(
        "orgs.Organisation", verbose_name="党支部", on_delete=models.PROTECT, related_name="+"
    )
    year = models.PositiveSmallIntegerField("年度")
    indicator = models.CharField("指标", max_length=40)
    points = models.FloatField("分值")
    note = models.TextField("说明", max_length=500, validators=[multi_line])
    entered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="录入人", on_delete=models.PROTECT, related_name="+"
    )
    entered_at = models.DateTimeField("录入时间", auto_now=True)

    class Meta:
        verbose_name = verbose_name_plural = "党建办评分"
        constraints = [
            models.UniqueConstraint(
                fields=["org", "year", "indicator"], name="one_entry_per_org_year_indicator"
            )
        ]

    def __str__(self) -> str:
        return f"{self.indicator} {self.points}"


class Correction(models.Model):
    """A change to a finalised sheet's line, with its reason: by the office, or an accepted 申诉."""

    sheet = models.ForeignKey(
        FrozenSheet, verbose_name="考核表", on_delete=models.CASCADE, related_name="corrections"
    )
    indicator = models.CharField("指标", max_length=40)
    old_points = models.FloatField("原分值", null=True)
    new_points = models.FloatField("新分值")
    reason = models.TextField("理由", max_length=500, validators=[multi_line])
    objection = models.OneToOneField(
        "Objection",
        verbose_name="申诉",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="correction",
    )
    made_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="更正人", on_delete=models.PROTECT, related_name="+"
    )
    made_at = models.DateTimeField("更正时间", auto_now_add=True)

    class Meta:
        verbose_name = verbose_name_plural = "考核更正"
        ordering = ["made_at", "pk"]

    def __str__(self) -> str:
        return f"{self.indicator}: {self.old_points} -> {self.new_points}"


class Objection(models.Model):
    """申诉: a branch objects to one line of its finalised sheet; the office accepts (with new points) or
    rejects it, with its answer."""

    class Status(models.TextChoices):
        OPEN = "open", "待答复"
        ACCEPTED = "accepted", "已采纳"
        REJECTED = "rejected", "未采纳"

    sheet = models.ForeignKey(
        FrozenSheet, verbose_name="考核表", on_delete=models.CASCADE, related_name="objections"
    )
    indicator = models.CharField("指标", max_length=40)
    text = models.TextField("申诉理由", max_length=1000, validators=[multi_line])
    raised_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="申诉人", on_delete=models.PROTECT, related_name="+"
    )
    raised_at = models.DateTimeField("申诉时间", auto_now_add=True)
    status = models.CharField("状态", max_length=16, choices=Status.choices, default=Status.OPEN)
    answer = models.TextField("答复", max_length=1000, blank=True, validators=[multi_line])
    answered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="答复人",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    answered_at = models.DateTimeField("答复时间", null=True, blank=True)

    class Meta:
        verbose_name = verbose_name_plural = "考核申诉"
        ordering = ["-raised_at", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["sheet", "indicator"],
                condition=models.Q(status="open"),
                name="one_open_objection_per_line",
            )
        ]

    def __str__(self) -> str:
        return f"申诉 {self.indicator}"
