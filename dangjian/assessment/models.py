"""考核: schemes published for a year, the office's entries, the year's 定稿 with frozen sheets, corrections
and 申诉. Live scores are computed (services.py); only what the office decides is stored."""

import uuid

from django.conf import settings
from django.db import models

from dangjian.core.validators import multi_line, single_line


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


class Survey(models.Model):
    """满意度测评 of a year: every branch's members (logged in) and 群众 (one-time codes) answer the
    questions once; answers are sealed until the close and never linked to who gave them."""

    class Status(models.TextChoices):
        OPEN = "open", "进行中"
        CLOSED = "closed", "已结束"

    year = models.PositiveSmallIntegerField("年度")
    title = models.CharField("名称", max_length=100, validators=[single_line])
    questions = models.JSONField("问卷")  # the questionnaire as opened (data/survey.toml)
    closes_on = models.DateField("截止日期")
    status = models.CharField("状态", max_length=16, choices=Status.choices, default=Status.OPEN)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="发起人", on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField("发起时间", auto_now_add=True)

    class Meta:
        verbose_name = verbose_name_plural = "满意度测评"
        ordering = ["-year", "-pk"]

    def __str__(self) -> str:
        return self.title


class SurveyRight(models.Model):
    """Who may answer, and whether they have: a member of the branch, or a one-time code (群众), stored
    only as its keyed hash. Nothing here says which answer was theirs."""

    survey = models.ForeignKey(Survey, on_delete=models.CASCADE, related_name="rights")
    org = models.ForeignKey("orgs.Organisation", on_delete=models.CASCADE, related_name="+")
    member = models.ForeignKey(
        "members.Member", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    code_hash = models.CharField(max_length=64, null=True, blank=True, unique=True)
    has_answered = models.BooleanField(default=False)

    class Meta:
        verbose_name = verbose_name_plural = "测评资格"
        constraints = [
            models.UniqueConstraint(fields=["survey", "member"], name="one_survey_right_per_member"),
            models.CheckConstraint(
                condition=models.Q(member__isnull=False, code_hash__isnull=True)
                | models.Q(member__isnull=True, code_hash__isnull=False),
                name="survey_right_is_member_or_code",
            ),
        ]

    def __str__(self) -> str:
        return "测评资格"


class SurveyAnswer(models.Model):
    """One answer: a random key, the branch it is about, member or 群众, the sealed choices (until the
    close, when they are counted into SurveyCount and the comments kept apart)."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    survey = models.ForeignKey(Survey, on_delete=models.CASCADE, related_name="answers")
    org = models.ForeignKey("orgs.Organisation", on_delete=models.CASCADE, related_name="+")
    kind = models.CharField("答卷人", max_length=8, choices=[("member", "党员"), ("public", "群众")])
    sealed = models.BinaryField(null=True, editable=False)

    class Meta:
        verbose_name = verbose_name_plural = "测评答卷"

    def __str__(self) -> str:
        return "测评答卷"


class SurveyCount(models.Model):
    """The count of one choice for one question and branch, written at the close."""

    survey = models.ForeignKey(Survey, on_delete=models.CASCADE, related_name="counts")
    org = models.ForeignKey("orgs.Organisation", on_delete=models.CASCADE, related_name="+")
    question = models.CharField(max_length=40)
    choice = models.CharField(max_length=40)
    count = models.PositiveIntegerField(default=0)

    class Meta:
        verbose_name = verbose_name_plural = "测评统计"
        constraints = [
            models.UniqueConstraint(
                fields=["survey", "org", "question", "choice"], name="one_count_per_choice"
            )
        ]

    def __str__(self) -> str:
        return f"{self.question} {self.choice} {self.count}"


class SurveyComment(models.Model):
    """A comment of an answer, without its answer: a random key, in random order."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    survey = models.ForeignKey(Survey, on_delete=models.CASCADE, related_name="comments")
    org = models.ForeignKey("orgs.Organisation", on_delete=models.CASCADE, related_name="+")
    text = models.CharField(max_length=200, validators=[single_line])

    class Meta:
        verbose_name = verbose_name_plural = "测评意见"

    def __str__(self) -> str:
        return "测评意见"


class Notice(models.Model):
    """通报 (批评 or 表扬): drafted by the office, approved by a 镇党委 leader, published with its 文号 to the
    named branches (and to all if chosen); each named branch answers with its 整改; the office closes it."""

    class Kind(models.TextChoices):
        CRITICISM = "criticism", "通报批评"
        COMMENDATION = "commendation", "通报表扬"

    class Status(models.TextChoices):
        DRAFT = "draft", "草稿"
        REVIEW = "review", "待审核"
        APPROVED = "approved", "已审核"
        PUBLISHED = "published", "已印发"
        CLOSED = "closed", "已销号"

    year = models.PositiveSmallIntegerField("年度")
    number = models.PositiveSmallIntegerField("文号序号", null=True, blank=True)
    kind = models.CharField("类型", max_length=16, choices=Kind.choices, default=Kind.CRITICISM)
    title = models.CharField("标题", max_length=100, validators=[single_line])
    body = models.TextField("正文", max_length=4000, validators=[multi_line])
    requirement = models.TextField("整改要求", max_length=2000, blank=True, validators=[multi_line])
    due_on = models.DateField("整改期限", null=True, blank=True)
    to_all = models.BooleanField("印发全镇各党支部", default=False)
    status = models.CharField("状态", max_length=16, choices=Status.choices, default=Status.DRAFT)
    drafted_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    published_on = models.DateField("印发日期", null=True, blank=True)
    closed_at = models.DateTimeField("销号时间", null=True, blank=True)

    class Meta:
        verbose_name = verbose_name_plural = "通报"
        ordering = ["-year", "-pk"]
        constraints = [models.UniqueConstraint(fields=["year", "number"], name="one_notice_number_per_year")]

    def __str__(self) -> str:
        return self.title


class NoticeBranch(models.Model):
    """A branch named in a 通报: the facts with their evidence, and the branch's 整改 answer."""

    notice = models.ForeignKey(Notice, on_delete=models.CASCADE, related_name="branches")
    org = models.ForeignKey("orgs.Organisation", on_delete=models.PROTECT, related_name="+")
    facts = models.TextField("事实", max_length=2000, validators=[multi_line])
    evidence_url = models.CharField("证据链接", max_length=300, blank=True, validators=[single_line])
    response = models.TextField("整改情况", max_length=2000, blank=True, validators=[multi_line])
    responded_at = models.DateTimeField("整改答复时间", null=True, blank=True)

    class Meta:
        verbose_name = verbose_name_plural = "通报点名党支部"
        constraints = [models.UniqueConstraint(fields=["notice", "org"], name="one_notice_entry_per_branch")]

    def __str__(self) -> str:
        return f"{self.notice_id} {self.org_id}"


class Accountability(models.Model):
    """问责 of a branch's 负责人: the form (data/accountability.toml), reason, the 通报 or finding it rests
    on, date and who decided. The office's record only."""

    org = models.ForeignKey("orgs.Organisation", on_delete=models.PROTECT, related_name="+")
    member = models.ForeignKey(
        "members.Member", verbose_name="负责人", on_delete=models.PROTECT, related_name="+"
    )
    form = models.CharField("问责方式", max_length=32)
    reason = models.TextField("事由", max_length=1000, validators=[multi_line])
    notice = models.ForeignKey(Notice, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    finding_url = models.CharField("督查发现链接", max_length=300, blank=True, validators=[single_line])
    decided_on = models.DateField("决定日期")
    decided_by = models.CharField("决定机关", max_length=50, validators=[single_line])
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")

    class Meta:
        verbose_name = verbose_name_plural = "问责记录"
        ordering = ["-decided_on", "-pk"]

    def __str__(self) -> str:
        return f"{self.form} {self.member_id}"
