"""Organisational life (组织生活) as records: one Activity per meeting, lecture or 主题党日.

For the compliance engine (issue 4), the facts to read are:
- `Activity`: `org`, `kind` (a rulebook item code), `status` (only `held` counts), `date` (the local date it
  was held, or is planned for), `recorded_at` (when it was first recorded as held), `is_late_entry` (补录:
  recorded more than `policy.LATE_ENTRY_DAYS` after its date), `speaker_allowed` (党课 only),
  `parts` (主题党日), `minutes` (empty unless it has visible text).
- `Attendance`: one row per (activity, member), `expected` and `status`.
- `Record`: uploaded or referenced records by rulebook record-kind `kind`; the 签到表 is also satisfied by
  recorded attendance (see `services.record_checklist`).
- `AgendaItem` (支部党员大会 votes), `Rectification` (组织生活会 整改措施), `MakeUpTask` (补学).
"""

import datetime as dt

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.urls import reverse
from django.utils import timezone
from simple_history.models import HistoricalRecords

from dangjian.core.validators import multi_line, single_line
from dangjian.rulebook import rulebook

from . import policy


def activity_choices() -> list[tuple[str, str]]:
    """The rulebook's activity kinds, without 谈心谈话 (kept by the talks app)."""
    return [
        (code, name) for code, name in rulebook.current().activity_choices() if code not in EXCLUDED_KINDS
    ]


EXCLUDED_KINDS = frozenset({"heart_talk"})


def is_late(moment: dt.datetime, on: dt.date) -> bool:
    """补录: something about an activity on `on` entered more than LATE_ENTRY_DAYS after it."""
    return (timezone.localdate(moment) - on).days > policy.LATE_ENTRY_DAYS


class Status(models.TextChoices):
    PLANNED = "planned", "计划"
    HELD = "held", "已召开"
    CANCELLED = "cancelled", "已取消"


class Activity(models.Model):
    org = models.ForeignKey(
        "orgs.Organisation", verbose_name="组织", on_delete=models.PROTECT, related_name="activities"
    )
    kind = models.CharField("类型", max_length=32, help_text="规则文件中的条目代码")
    title = models.CharField("主题", max_length=200, validators=[single_line])
    planned_start = models.DateTimeField("计划开始")
    planned_end = models.DateTimeField("计划结束")
    actual_start = models.DateTimeField("实际开始", null=True, blank=True)
    actual_end = models.DateTimeField("实际结束", null=True, blank=True)
    place = models.CharField("地点", max_length=200, blank=True, validators=[single_line])
    host = models.ForeignKey(
        "members.Member",
        verbose_name="主持人",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    recorder = models.ForeignKey(
        "members.Member",
        verbose_name="记录人",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    speaker = models.ForeignKey(
        "members.Member",
        verbose_name="授课人",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    # 党课 only: whether the speaker held a title the rulebook item's `leaders` names, at the activity date.
    # A lecture by someone else is kept, and flagged.
    speaker_allowed = models.BooleanField("授课人符合规定", null=True, editable=False)
    parts = models.JSONField(
        "主题党日内容", default=list, blank=True, help_text="实际开展的环节（规则文件 parts）"
    )
    minutes = models.TextField(
        "会议记录", blank=True, help_text="已清洗的 HTML；没有可见文字时为空", validators=[multi_line]
    )
    minutes_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="会议记录填写人",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        editable=False,
    )
    minutes_at = models.DateTimeField("会议记录保存时间", null=True, blank=True, editable=False)
    status = models.CharField("状态", max_length=16, choices=Status.choices, default=Status.PLANNED)
    date = models.DateField("活动日期", editable=False, db_index=True)
    # When the activity was first recorded as held (status 已召开 or actual times entered), or the earliest
    # attendance entered before that; set once. 补录 is measured from it, not from when the row was planned.
    recorded_at = models.DateTimeField("登记召开时间", null=True, blank=True, editable=False)
    is_late_entry = models.BooleanField("补录", default=False, editable=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="录入人",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField("录入时间", default=timezone.now, editable=False)
    updated_at = models.DateTimeField("更新时间", auto_now=True)
    history = HistoricalRecords(excluded_fields=["updated_at", "minutes"])

    class Meta:
        verbose_name = verbose_name_plural = "组织生活"
        ordering = ["-date", "-planned_start", "-id"]
        indexes = [
            models.Index(fields=["org", "kind", "status", "date"]),
            # The list's order: a page of many branches' activities is read from here, not sorted.
            models.Index(fields=["date", "planned_start", "id"], name="meetings_activity_list_order"),
        ]

    def __str__(self) -> str:
        return f"{self.date:%Y-%m-%d} {self.kind_name} {self.title}"

    def save(self, *args, **kwargs) -> None:
        self.fill_derived()
        super().save(*args, **kwargs)

    def get_absolute_url(self) -> str:
        return reverse("meetings:detail", args=[self.pk])

    @property
    def item(self):
        return rulebook.current().items.get(self.kind)

    @property
    def kind_name(self) -> str:
        item = self.item
        return item.name if item else self.kind

    @property
    def start(self) -> dt.datetime:
        return self.actual_start or self.planned_start

    @property
    def end(self) -> dt.datetime:
        return self.actual_end or self.planned_end

    def fill_derived(self) -> None:
        """Set the stored derived fields (also called before bulk inserts)."""
        self.date = timezone.localdate(self.start) if timezone.is_aware(self.start) else self.start.date()
        if self.recorded_at is None and (self.status == Status.HELD or self.actual_start):
            self.recorded_at = self._first_recorded()
        self.is_late_entry = self.recorded_at is not None and is_late(self.recorded_at, self.date)

    def _first_recorded(self) -> dt.datetime:
        if self.pk is None:
            return self.created_at or timezone.now()
        earliest = (
            self.attendance.exclude(status="")
            .filter(entered_at__isnull=False)
            .aggregate(models.Min("entered_at"))["entered_at__min"]
        )
        return min(earliest, timezone.now()) if earliest else timezone.now()

    def clean(self) -> None:
        from .services import activity_problems

        errors = activity_problems(self)
        if errors:
            raise ValidationError(errors)


class AgendaKind(models.TextChoices):
    ADMIT = "admit", "接收预备党员"
    CONFIRM = "confirm", "预备党员转正"
    OTHER = "other", "其他事项"


class AgendaItem(models.Model):
    """A matter decided at a 支部党员大会, with its vote."""

    activity = models.ForeignKey(
        Activity, verbose_name="会议", on_delete=models.CASCADE, related_name="agenda"
    )
    kind = models.CharField("议题类型", max_length=16, choices=AgendaKind.choices, default=AgendaKind.OTHER)
    title = models.CharField("议题", max_length=200, validators=[single_line])
    subject = models.ForeignKey(
        "members.Member",
        verbose_name="涉及人员",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text="接收预备党员、预备党员转正时填写",
    )
    eligible = models.PositiveIntegerField("应到会有表决权党员", default=0)
    present = models.PositiveIntegerField("实到有表决权党员", default=0)
    votes_for = models.PositiveIntegerField("赞成", default=0)
    votes_against = models.PositiveIntegerField("反对", default=0)
    votes_abstain = models.PositiveIntegerField("弃权", default=0)
    # 书面意见: voting members who could not attend and gave their opinion in writing before the meeting
    # (接收预备党员, 转正). Kept apart from the votes cast in the room; see votes.toml for how they count.
    written_for = models.PositiveIntegerField(
        "书面意见：赞成", default=0, help_text="因故不能到会的有表决权党员会前提交的书面意见"
    )
    written_against = models.PositiveIntegerField("书面意见：反对", default=0)
    created_at = models.DateTimeField("录入时间", auto_now_add=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = verbose_name_plural = "议题与表决"
        ordering = ["activity", "id"]

    def __str__(self) -> str:
        return self.title

    @property
    def outcome(self):
        from .services import vote_outcome

        return vote_outcome(
            self.activity.item.quorum,
            self.eligible,
            self.present,
            self.votes_for,
            self.votes_against,
            self.votes_abstain,
            written=(self.written_for, self.written_against),
        )

    @property
    def has_written(self) -> bool:
        return bool(self.written_for or self.written_against)


class RectificationStatus(models.TextChoices):
    OPEN = "open", "整改中"
    DONE = "done", "已完成"


class Rectification(models.Model):
    """A 整改措施 decided after a 组织生活会, followed until done."""

    activity = models.ForeignKey(
        Activity, verbose_name="组织生活会", on_delete=models.CASCADE, related_name="rectifications"
    )
    content = models.CharField("整改措施", max_length=300, validators=[single_line])
    owner = models.ForeignKey(
        "members.Member", verbose_name="责任人", on_delete=models.PROTECT, related_name="+"
    )
    due_on = models.DateField("完成时限")
    status = models.CharField("状态", max_length=8, choices=RectificationStatus.choices, default="open")
    done_at = models.DateTimeField("完成时间", null=True, blank=True)
    created_at = models.DateTimeField("录入时间", auto_now_add=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = verbose_name_plural = "整改措施"
        ordering = ["status", "due_on", "id"]

    def __str__(self) -> str:
        return self.content

    @property
    def overdue(self) -> bool:
        return self.status == RectificationStatus.OPEN and self.due_on < timezone.localdate()


class AttendanceStatus(models.TextChoices):
    PRESENT = "present", "出席"
    LATE = "late", "迟到"
    LEAVE = "leave", "请假"
    ABSENT = "absent", "缺席"


class Method(models.TextChoices):
    QR = "qr", "扫码签到"
    SECRETARY = "secretary", "支部录入"
    GROUP_LEADER = "group_leader", "党小组长录入"
    IMPORT = "import", "历史记录导入"


class LeaveState(models.TextChoices):
    ASKED = "asked", "待审批"
    APPROVED = "approved", "已批准"
    REFUSED = "refused", "未批准"


ATTENDED = (AttendanceStatus.PRESENT, AttendanceStatus.LATE)


class Attendance(models.Model):
    """One member at one activity: expected or not, and what happened (blank status: not recorded yet)."""

    activity = models.ForeignKey(
        Activity, verbose_name="活动", on_delete=models.CASCADE, related_name="attendance"
    )
    member = models.ForeignKey(
        "members.Member", verbose_name="党员", on_delete=models.CASCADE, related_name="attendance"
    )
    expected = models.BooleanField("应参加", default=True)
    status = models.CharField("出勤", max_length=8, choices=AttendanceStatus.choices, blank=True)
    method = models.CharField("记录方式", max_length=16, choices=Method.choices, blank=True)
    entered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="录入人",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    entered_at = models.DateTimeField("录入时间", null=True, blank=True)
    leave_reason = models.CharField("请假事由", max_length=200, blank=True, validators=[single_line])
    leave_state = models.CharField("请假审批", max_length=8, choices=LeaveState.choices, blank=True)
    leave_asked_at = models.DateTimeField("请假时间", null=True, blank=True)
    leave_decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="审批人",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    history = HistoricalRecords()

    class Meta:
        verbose_name = verbose_name_plural = "出勤"
        ordering = ["activity", "member__name_pinyin"]
        constraints = [
            models.UniqueConstraint(fields=["activity", "member"], name="attendance_once_per_member")
        ]
        indexes = [models.Index(fields=["member", "status"])]

    def __str__(self) -> str:
        return f"{self.member} {self.get_status_display() or '未记录'}"


class MakeUpTask(models.Model):
    """补学: what an absent member is to study, by when; the member (or the secretary) marks it done."""

    attendance = models.OneToOneField(
        Attendance, verbose_name="出勤", on_delete=models.CASCADE, related_name="makeup"
    )
    content = models.CharField("补学内容", max_length=300, validators=[single_line])
    due_on = models.DateField("完成时限")
    done_at = models.DateTimeField("完成时间", null=True, blank=True)
    done_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="标记完成人",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text="党员本人，或代没有账号的党员标记的支部书记",
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="布置人",
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField("布置时间", auto_now_add=True)

    class Meta:
        verbose_name = verbose_name_plural = "补学"
        ordering = ["done_at", "due_on"]

    def __str__(self) -> str:
        return self.content


def record_path(instance: "Record", filename: str) -> str:
    return f"meetings/{instance.activity_id}/{timezone.now():%Y%m%d%H%M%S%f}-{filename[-60:]}"


class RecordQuerySet(models.QuerySet):
    def kept(self) -> "RecordQuerySet":
        """Records not removed: the ones that count."""
        return self.filter(removed_at__isnull=True)


class Record(models.Model):
    """A required record (会议记录, 党课稿, 活动剪影 …): an uploaded file or a paper archive reference.

    A record filed by mistake is removed, not deleted: it stays listed with who removed it and when, and
    no longer counts (`kept()`)."""

    activity = models.ForeignKey(
        Activity, verbose_name="活动", on_delete=models.CASCADE, related_name="records"
    )
    kind = models.CharField("记录类型", max_length=32, help_text="规则文件中的记录类型代码")
    file = models.FileField("文件", upload_to=record_path, blank=True, max_length=255)
    original_name = models.CharField("原文件名", max_length=200, blank=True, validators=[single_line])
    content_type = models.CharField(max_length=100, blank=True)
    size = models.PositiveIntegerField("大小", default=0)
    reference = models.CharField(
        "纸质存档位置",
        max_length=200,
        blank=True,
        help_text="没有电子文件时纸质记录的存放位置（档案编号等）",
        validators=[single_line],
    )
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="上传人",
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    uploaded_at = models.DateTimeField("上传时间", default=timezone.now)
    removed_at = models.DateTimeField("移除时间", null=True, blank=True)
    removed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="移除人",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    objects = RecordQuerySet.as_manager()

    class Meta:
        verbose_name = verbose_name_plural = "活动记录"
        ordering = ["activity", "kind", "id"]

    def __str__(self) -> str:
        return self.original_name or self.reference

    @property
    def kind_name(self) -> str:
        kind = rulebook.current().record_kinds.get(self.kind)
        return kind.name if kind else self.kind
