"""民主评议党员: a branch's yearly campaign, self-evaluations, secret ballots and the branch's decisions.

Secrecy: `VoterRight` says who may vote and whether they have; `Ballot` and `BallotGrade` say what was
voted and carry nothing that leads back to a voter (random UUID keys, no user, no time, no order).
Neither ballot model keeps simple_history, whose rows would record the time and the user. While the
vote runs a ballot is only `sealed` ciphertext; its grades are written when the box is opened at the
close (see `sealing` and docs/evaluations.md «威胁模型»).
"""

import uuid

from django.db import models
from django.urls import reverse
from django.utils import timezone
from simple_history.models import HistoricalRecords

from dangjian.core.validators import multi_line, single_line

from .ruleset import GRADE_CODES, current

GRADE_CHOICES = list(zip(GRADE_CODES, ("优秀", "合格", "基本合格", "不合格"), strict=True))


class Campaign(models.Model):
    """A branch's 民主评议党员 for one year, with its stages."""

    class Status(models.TextChoices):
        DRAFT = "draft", "准备中"
        OPEN = "open", "进行中"
        CLOSED = "closed", "测评已结束"
        DECIDED = "decided", "已评定"

    org = models.ForeignKey(
        "orgs.Organisation",
        verbose_name="党支部",
        on_delete=models.PROTECT,
        related_name="evaluation_campaigns",
    )
    year = models.PositiveSmallIntegerField("评议年度")
    status = models.CharField("状态", max_length=16, choices=Status.choices, default=Status.DRAFT)
    self_opens_on = models.DateField("个人自评开始")
    self_closes_on = models.DateField("个人自评截止")
    vote_opens_on = models.DateField("互评测评开始")
    vote_closes_on = models.DateField("互评测评截止")
    allow_public = models.BooleanField("群众代表参加民主测评", default=False)
    public_count = models.PositiveSmallIntegerField(
        "群众代表人数", default=0, help_text="测评码最多生成这么多个。"
    )
    meeting = models.ForeignKey(
        "meetings.Activity",
        verbose_name="党员大会",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="evaluation_campaigns",
        help_text="评议所属的支部党员大会（在“组织生活”中登记）",
    )
    # Until the 党员大会 is recorded as an activity, its planned date and name.
    meeting_date = models.DateField("党员大会日期", null=True, blank=True)
    meeting_title = models.CharField("党员大会名称", max_length=100, blank=True, validators=[single_line])
    rules_version = models.CharField("规则版本", max_length=40, editable=False)
    created_by = models.ForeignKey(
        "accounts.User", verbose_name="创建人", null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField("创建时间", auto_now_add=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = verbose_name_plural = "民主评议"
        ordering = ["-year", "org__path"]
        constraints = [models.UniqueConstraint(fields=["org", "year"], name="one_evaluation_per_branch_year")]

    def __str__(self) -> str:
        return f"{self.org} {self.year}年度民主评议党员"

    def get_absolute_url(self) -> str:
        return reverse("evaluations:detail", args=[self.pk])

    @property
    def vote_is_closed(self) -> bool:
        """Whether the ballot has closed: by the secretary's action, or after its last day."""
        return self.status in (self.Status.CLOSED, self.Status.DECIDED) or (
            self.status == self.Status.OPEN and timezone.localdate() > self.vote_closes_on
        )

    @property
    def vote_is_open(self) -> bool:
        today = timezone.localdate()
        return self.status == self.Status.OPEN and self.vote_opens_on <= today <= self.vote_closes_on

    @property
    def self_is_open(self) -> bool:
        today = timezone.localdate()
        return self.status == self.Status.OPEN and self.self_opens_on <= today <= self.self_closes_on

    @property
    def meeting_held(self) -> bool:
        return self.meeting_day is not None and self.meeting_day <= timezone.localdate()

    @property
    def meeting_day(self):
        """The 党员大会's date: from its activity when linked, else the date typed in."""
        return self.meeting.date if self.meeting_id else self.meeting_date

    @property
    def meeting_name(self) -> str:
        if self.meeting_id:
            return self.meeting.title
        return self.meeting_title or "支部党员大会"


class Participant(models.Model):
    """A member of the branch in the campaign (参评党员): graded, or excluded with the reason."""

    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="participants")
    member = models.ForeignKey(
        "members.Member", verbose_name="党员", on_delete=models.PROTECT, related_name="+"
    )
    graded = models.BooleanField("参加等次评定", default=True)
    writes_self = models.BooleanField("参加个人自评", default=True)
    excluded_reason = models.CharField("不参评原因", max_length=200, blank=True, validators=[single_line])
    # Set by the secretary while the campaign is 准备中 (e.g. 留党察看 until a discipline register exists).
    manual_reason = models.CharField("手工排除原因", max_length=200, blank=True, validators=[single_line])

    class Meta:
        verbose_name = verbose_name_plural = "参评党员"
        constraints = [
            models.UniqueConstraint(fields=["campaign", "member"], name="one_participant_per_campaign")
        ]

    def __str__(self) -> str:
        return f"{self.member_id}@{self.campaign_id}"


class SelfEvaluation(models.Model):
    """A member's 个人自评 (自评表): saved as a draft, then submitted."""

    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="self_evaluations")
    member = models.ForeignKey(
        "members.Member", verbose_name="党员", on_delete=models.PROTECT, related_name="+"
    )
    study = models.TextField("学习和思想情况", blank=True, validators=[multi_line])
    duties = models.TextField("履行党员义务、发挥作用情况", blank=True, validators=[multi_line])
    shortcomings = models.TextField("存在的不足", blank=True, validators=[multi_line])
    plans = models.TextField("努力方向和改进措施", blank=True, validators=[multi_line])
    self_grade = models.CharField("自评等次", max_length=16, choices=GRADE_CHOICES, blank=True)
    submitted_on = models.DateField("提交日期", null=True, blank=True)
    updated_at = models.DateTimeField("最后保存", auto_now=True)

    class Meta:
        verbose_name = verbose_name_plural = "个人自评"
        constraints = [models.UniqueConstraint(fields=["campaign", "member"], name="one_self_evaluation")]

    def __str__(self) -> str:
        return f"个人自评 {self.member_id}@{self.campaign_id}"

    @property
    def submitted(self) -> bool:
        return self.submitted_on is not None


class VoterRight(models.Model):
    """Who may vote in a campaign and whether they have: a full member, or a one-time code for a 群众代表.

    Kept apart from the ballots; nothing here says which ballot was theirs. Codes are stored only as a
    keyed hash (`services.code_hash`): they are shown once, for printing.
    """

    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="voter_rights")
    member = models.ForeignKey(
        "members.Member",
        verbose_name="党员",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    code_hash = models.CharField("测评码摘要", max_length=64, null=True, blank=True, unique=True)
    has_voted = models.BooleanField("已投票", default=False)

    class Meta:
        verbose_name = verbose_name_plural = "投票资格"
        constraints = [
            models.UniqueConstraint(fields=["campaign", "member"], name="one_right_per_member"),
            models.CheckConstraint(
                condition=models.Q(member__isnull=False, code_hash__isnull=True)
                | models.Q(member__isnull=True, code_hash__isnull=False),
                name="right_is_member_or_code",
            ),
        ]

    def __str__(self) -> str:
        return "投票资格"


class BallotKind(models.TextChoices):
    MEMBER = "member", "党员"
    PUBLIC = "public", "群众代表"


class Ballot(models.Model):
    """One voter's 测评表 in a campaign: no voter, no account, no time, a random key; only whether a
    party member or a 群众代表 cast it, since the two are counted apart. In the ballot box (vote still
    open) `sealed` holds its grades encrypted and padded; opened ballots have `sealed` null and grades."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="ballots")
    kind = models.CharField("投票人类别", max_length=8, choices=BallotKind.choices, default=BallotKind.MEMBER)
    sealed = models.BinaryField("密封的测评内容", null=True, editable=False)

    class Meta:
        verbose_name = verbose_name_plural = "测评票"

    def __str__(self) -> str:
        return "测评票"


class BallotGrade(models.Model):
    """The grade a ballot gives one evaluated member, with an optional comment."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    ballot = models.ForeignKey(Ballot, on_delete=models.CASCADE, related_name="grades")
    evaluated = models.ForeignKey(
        "members.Member", verbose_name="被评党员", on_delete=models.PROTECT, related_name="+"
    )
    grade = models.CharField("等次", max_length=16, choices=GRADE_CHOICES)
    comment = models.CharField("意见建议", max_length=500, blank=True, validators=[single_line])

    class Meta:
        verbose_name = verbose_name_plural = "测评等次"
        constraints = [
            models.UniqueConstraint(fields=["ballot", "evaluated"], name="one_grade_per_ballot_member")
        ]

    def __str__(self) -> str:
        return "测评等次"


class Decision(models.Model):
    """The branch's 组织评定 of a member, with its reasons, as adopted by the 党员大会."""

    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="decisions")
    member = models.ForeignKey(
        "members.Member", verbose_name="党员", on_delete=models.PROTECT, related_name="+"
    )
    proposed_grade = models.CharField("测评建议等次", max_length=16, choices=GRADE_CHOICES, blank=True)
    grade = models.CharField("评定等次", max_length=16, choices=GRADE_CHOICES)
    reason = models.TextField("评定理由", blank=True, validators=[multi_line])
    decided_on = models.DateField("评定日期")
    agenda_item = models.ForeignKey(
        "meetings.AgendaItem",
        verbose_name="党员大会议题",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text="支部党员大会上表决组织评定的议题",
    )
    history = HistoricalRecords()

    class Meta:
        verbose_name = verbose_name_plural = "组织评定"
        constraints = [models.UniqueConstraint(fields=["campaign", "member"], name="one_decision_per_member")]

    def __str__(self) -> str:
        return f"组织评定 {self.member_id}@{self.campaign_id}"


class Disposal(models.Model):
    """The measure for a member determined 不合格 (限期改正, 劝其退党, 除名), with deadline and follow-up."""

    class FollowUp(models.TextChoices):
        PENDING = "pending", "待落实"
        ONGOING = "ongoing", "落实中"
        DONE = "done", "已完成"
        ESCALATED = "escalated", "未改正，需进一步处置"

    decision = models.OneToOneField(
        Decision, verbose_name="组织评定", on_delete=models.CASCADE, related_name="disposal"
    )
    measure = models.CharField("处置措施", max_length=16)
    deadline = models.DateField("期限")
    follow_up = models.CharField(
        "落实情况", max_length=16, choices=FollowUp.choices, default=FollowUp.PENDING
    )
    notes = models.TextField("跟踪记录", blank=True, validators=[multi_line])
    approved_on = models.DateField(
        "上级党组织批准日期",
        null=True,
        blank=True,
        help_text="劝其退党、除名须报上级党组织批准；限期改正不需报批",
    )
    history = HistoricalRecords()

    class Meta:
        verbose_name = verbose_name_plural = "不合格党员处置"

    def __str__(self) -> str:
        return f"处置 {self.decision_id}"

    @property
    def overdue(self) -> bool:
        return self.follow_up != self.FollowUp.DONE and self.deadline < timezone.localdate()

    @property
    def needs_approval(self) -> bool:
        """Whether the 上级党组织 approves this measure (rules data: 劝其退党 and 除名, 党章第九条)."""
        measure = current().disposals.get(self.measure)
        return measure is None or measure.needs_approval

    @property
    def approval(self) -> str:
        """上级批准 as shown and exported: the date, 待批准, or 不需报批."""
        if not self.needs_approval:
            return "不需报批"
        return f"{self.approved_on:%Y-%m-%d}" if self.approved_on else "待批准"
