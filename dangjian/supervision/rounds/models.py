"""督查 rounds: the round with its checklist and sampled branches, inspectors per branch, 列席 visits,
findings per checklist item with photos, and the 整改 each 不符合 finding requires."""

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils import timezone

from dangjian.core.validators import multi_line, single_line

from .choices import Method, RectStatus, Result, RoundStatus, StepAction

USER = settings.AUTH_USER_MODEL


class Round(models.Model):
    """A 督查 round of the town office: what period it covers, how it inspects, and its random seed."""

    org = models.ForeignKey(
        "orgs.Organisation", verbose_name="督查范围", on_delete=models.PROTECT, related_name="+"
    )
    name = models.CharField("名称", max_length=100, validators=[single_line])
    period_start = models.DateField("检查期间自")
    period_end = models.DateField("检查期间至")
    methods = models.JSONField("督查方式", default=list)
    seed = models.BigIntegerField("抽样种子")
    status = models.CharField("状态", max_length=8, choices=RoundStatus.choices, default=RoundStatus.OPEN)
    settings_version = models.CharField("参数版本", max_length=20, blank=True)
    created_by = models.ForeignKey(
        USER, verbose_name="建立人", null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField("建立时间", default=timezone.now)
    closed_at = models.DateTimeField("结束时间", null=True, blank=True)

    class Meta:
        verbose_name = verbose_name_plural = "督查轮次"
        ordering = ["-period_end", "-pk"]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("supervision:round", args=[self.pk])

    @property
    def is_open(self) -> bool:
        return self.status == RoundStatus.OPEN

    def method_labels(self) -> list[str]:
        return [Method(m).label for m in self.methods if m in Method.values]


class ChecklistItem(models.Model):
    """One item of a round's checklist: from the rules file (附件1) or added for the round (`rule` empty)."""

    round = models.ForeignKey(Round, verbose_name="轮次", on_delete=models.CASCADE, related_name="items")
    seq = models.PositiveSmallIntegerField("序号")
    rule = models.CharField("规则条目", max_length=32, blank=True)
    name = models.CharField("检查项", max_length=100, validators=[single_line])
    records = models.CharField("应有记录", max_length=300, blank=True)
    leaders = models.CharField("主持", max_length=100, blank=True)
    points = models.TextField("检查要点", blank=True, validators=[multi_line])

    class Meta:
        verbose_name = verbose_name_plural = "检查项"
        ordering = ["round", "seq"]
        constraints = [models.UniqueConstraint(fields=["round", "seq"], name="round_item_seq")]

    def __str__(self) -> str:
        return self.name


class SampledBranch(models.Model):
    """A branch in the round's sample, with why: the desk's pick (weight and reason) or the office's."""

    round = models.ForeignKey(Round, verbose_name="轮次", on_delete=models.CASCADE, related_name="sample")
    org = models.ForeignKey(
        "orgs.Organisation", verbose_name="党支部", on_delete=models.PROTECT, related_name="+"
    )
    by_desk = models.BooleanField("系统抽取", default=True)
    weight = models.FloatField("权重", default=0)
    reason = models.TextField("抽取理由", validators=[multi_line])
    added_by = models.ForeignKey(USER, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")

    class Meta:
        verbose_name = verbose_name_plural = "抽查支部"
        ordering = ["round", "org__code"]
        constraints = [models.UniqueConstraint(fields=["round", "org"], name="round_sample_org")]

    def __str__(self) -> str:
        return f"{self.round} {self.org}"


class Assignment(models.Model):
    """督查人员 for one branch in one round. A member's inspecting right lasts while the round is open."""

    round = models.ForeignKey(
        Round, verbose_name="轮次", on_delete=models.CASCADE, related_name="assignments"
    )
    org = models.ForeignKey(
        "orgs.Organisation", verbose_name="党支部", on_delete=models.PROTECT, related_name="+"
    )
    inspector = models.ForeignKey(
        USER, verbose_name="督查人员", on_delete=models.PROTECT, related_name="inspections"
    )
    appointed_by = models.ForeignKey(USER, null=True, on_delete=models.SET_NULL, related_name="+")
    appointed_at = models.DateTimeField("指派时间", default=timezone.now)

    class Meta:
        verbose_name = verbose_name_plural = "督查人员指派"
        ordering = ["round", "org__code", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["round", "org", "inspector"], name="round_assignment_once")
        ]

    def __str__(self) -> str:
        return f"{self.round} {self.org} {self.inspector}"


class Visit(models.Model):
    """列席: an inspector attending a branch's meeting, announced beforehand or not."""

    round = models.ForeignKey(Round, verbose_name="轮次", on_delete=models.CASCADE, related_name="visits")
    org = models.ForeignKey(
        "orgs.Organisation", verbose_name="党支部", on_delete=models.PROTECT, related_name="+"
    )
    activity = models.ForeignKey(
        "meetings.Activity", verbose_name="列席的活动", on_delete=models.PROTECT, related_name="+"
    )
    announced = models.BooleanField("事先通知", default=False)
    notes = models.TextField("列席情况", blank=True, validators=[multi_line])
    inspector = models.ForeignKey(
        USER, verbose_name="督查人员", null=True, on_delete=models.SET_NULL, related_name="+"
    )
    recorded_at = models.DateTimeField("记录时间", default=timezone.now)

    class Meta:
        verbose_name = verbose_name_plural = "列席会议"
        ordering = ["-recorded_at"]

    def __str__(self) -> str:
        return f"{self.org} {self.activity}"


class Finding(models.Model):
    """What the inspectors found for one checklist item at one branch."""

    round = models.ForeignKey(Round, verbose_name="轮次", on_delete=models.CASCADE, related_name="findings")
    org = models.ForeignKey(
        "orgs.Organisation", verbose_name="党支部", on_delete=models.PROTECT, related_name="+"
    )
    item = models.ForeignKey(
        ChecklistItem, verbose_name="检查项", on_delete=models.PROTECT, related_name="findings"
    )
    result = models.CharField("结果", max_length=16, choices=Result.choices)
    notes = models.TextField("情况说明", blank=True, validators=[multi_line])
    found_at = models.DateTimeField("检查时间", default=timezone.now)
    inspector = models.ForeignKey(
        USER, verbose_name="督查人员", null=True, on_delete=models.SET_NULL, related_name="+"
    )
    visit = models.ForeignKey(
        Visit, verbose_name="列席", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        verbose_name = verbose_name_plural = "督查发现"
        ordering = ["round", "org__code", "item__seq"]
        constraints = [models.UniqueConstraint(fields=["round", "org", "item"], name="finding_per_item")]

    def __str__(self) -> str:
        return f"{self.item}：{self.get_result_display()}"

    def get_absolute_url(self) -> str:
        return reverse("supervision:inspect", args=[self.round_id, self.org.code]) + f"#item-{self.item_id}"


class Rectification(models.Model):
    """整改要求 from a 不符合 finding: the branch answers, the inspector or the office accepts or returns it.
    (Not meetings.Rectification, which is a 组织生活会's own 整改措施.)"""

    finding = models.OneToOneField(
        Finding, verbose_name="督查发现", on_delete=models.CASCADE, related_name="rectification"
    )
    requirement = models.TextField("整改要求", validators=[multi_line])
    deadline = models.DateField("完成时限")
    status = models.CharField("状态", max_length=8, choices=RectStatus.choices, default=RectStatus.OPEN)
    created_at = models.DateTimeField("提出时间", default=timezone.now)
    closed_at = models.DateTimeField("验收时间", null=True, blank=True)

    class Meta:
        verbose_name = verbose_name_plural = "督查整改"
        ordering = ["deadline", "pk"]
        indexes = [models.Index(fields=["status", "deadline"])]

    def __str__(self) -> str:
        return f"{self.finding.org} {self.finding.item}"

    def get_absolute_url(self) -> str:
        return reverse("supervision:rectification", args=[self.pk])

    @property
    def awaits_branch(self) -> bool:
        return self.status in (RectStatus.OPEN, RectStatus.RETURNED)

    def is_overdue(self, today=None) -> bool:
        return self.awaits_branch and self.deadline < (today or timezone.localdate())


class Step(models.Model):
    """One step of a 整改: the branch's answer (with evidence), a return with the reason, the acceptance."""

    rectification = models.ForeignKey(Rectification, on_delete=models.CASCADE, related_name="steps")
    action = models.CharField("操作", max_length=8, choices=StepAction.choices)
    text = models.TextField("内容", validators=[multi_line])
    by = models.ForeignKey(
        USER, verbose_name="操作人", null=True, on_delete=models.SET_NULL, related_name="+"
    )
    at = models.DateTimeField("时间", default=timezone.now)

    class Meta:
        verbose_name = verbose_name_plural = "整改过程"
        ordering = ["at", "pk"]

    def __str__(self) -> str:
        return self.get_action_display()


def attachment_path(instance: "Attachment", filename: str) -> str:
    return f"supervision/{instance.finding_id}/{timezone.now():%Y%m%d%H%M%S%f}-{filename[-60:]}"


class Attachment(models.Model):
    """A finding's photo (step empty) or a 整改 answer's evidence (its step); checked as meetings uploads."""

    finding = models.ForeignKey(Finding, on_delete=models.CASCADE, related_name="attachments")
    step = models.ForeignKey(
        Step, null=True, blank=True, on_delete=models.CASCADE, related_name="attachments"
    )
    file = models.FileField("文件", upload_to=attachment_path, max_length=255)
    original_name = models.CharField("原文件名", max_length=200, blank=True, validators=[single_line])
    content_type = models.CharField(max_length=100, blank=True)
    size = models.PositiveIntegerField("大小", default=0)
    uploaded_by = models.ForeignKey(USER, null=True, on_delete=models.SET_NULL, related_name="+")
    uploaded_at = models.DateTimeField("上传时间", default=timezone.now)

    class Meta:
        verbose_name = verbose_name_plural = "督查附件"
        ordering = ["pk"]

    def __str__(self) -> str:
        return self.original_name

    def get_absolute_url(self) -> str:
        return reverse("supervision:attachment", args=[self.pk])

    @property
    def is_image(self) -> bool:
        return self.content_type.startswith("image/")
