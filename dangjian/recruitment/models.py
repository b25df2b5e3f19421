from django.db import models
from django.urls import reverse
from django.utils import timezone
from simple_history.models import HistoricalRecords

from dangjian.core import crypto, idcard
from dangjian.core.fields import EncryptedCharField
from dangjian.core.validators import multi_line, person_name, single_line
from dangjian.members.choices import Gender

from . import workflow

STAGE_CHOICES = [(code, name) for code, name in workflow.current().stages.items()]


class ApplicantQuerySet(models.QuerySet):
    def visible_to(self, access) -> "ApplicantQuerySet":
        """Files of the branches the user runs (书记、副书记、组织委员; the 党总支 and the 党建办 above)."""
        return self.filter(access.org_q("org__", access.manage))

    def by_id_number(self, id_number: str) -> "ApplicantQuerySet":
        return self.filter(id_number_hash=crypto.lookup_hash(idcard.normalise(id_number)))


class Applicant(models.Model):
    """A person in a 发展党员 file (入党申请人 and later): not a member of the register until the 上级党委
    approves them as 预备党员, when `member` is created."""

    org = models.ForeignKey(
        "orgs.Organisation", verbose_name="党支部", on_delete=models.PROTECT, related_name="applicants"
    )
    name = models.CharField("姓名", max_length=50, validators=[person_name])
    gender = models.CharField("性别", max_length=1, choices=Gender.choices)
    birth_date = models.DateField("出生日期")
    id_number = EncryptedCharField("身份证号")
    id_number_hash = models.CharField(max_length=64, unique=True, editable=False)
    phone = EncryptedCharField("手机号", blank=True, default="")
    work_unit = models.CharField("工作单位及职务", max_length=200, blank=True, validators=[single_line])
    stage = models.CharField(
        "所处阶段", max_length=16, choices=STAGE_CHOICES, default="applicant", editable=False
    )
    member = models.OneToOneField(
        "members.Member",
        verbose_name="名册中的党员",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="development_file",
        editable=False,
    )
    created_by = models.ForeignKey(
        "accounts.User",
        verbose_name="录入人",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField("录入时间", default=timezone.now, editable=False)
    history = HistoricalRecords(excluded_fields=["id_number_hash"])

    objects = ApplicantQuerySet.as_manager()

    class Meta:
        verbose_name = verbose_name_plural = "发展党员档案"
        ordering = ["org", "name", "id"]
        indexes = [models.Index(fields=["org", "stage"])]

    def __str__(self) -> str:
        return self.name

    def save(self, *args, **kwargs) -> None:
        self.id_number = idcard.normalise(self.id_number)
        self.phone = (self.phone or "").strip()
        self.id_number_hash = crypto.lookup_hash(self.id_number)
        super().save(*args, **kwargs)

    def get_absolute_url(self) -> str:
        return reverse("recruitment:detail", args=[self.pk])

    @property
    def masked_id_number(self) -> str:
        return idcard.mask_id(self.id_number)

    @property
    def masked_phone(self) -> str:
        return idcard.mask_phone(self.phone)

    @property
    def stage_name(self) -> str:
        return workflow.current().stage_name(self.stage)


class StepRecord(models.Model):
    """One step of the file, on the day it happened; `late` keeps the flag of a limit missed."""

    applicant = models.ForeignKey(
        Applicant, verbose_name="发展对象", on_delete=models.CASCADE, related_name="steps"
    )
    code = models.CharField("步骤", max_length=32)
    date = models.DateField("日期")
    end_date = models.DateField("公示结束日期", null=True, blank=True)
    months = models.PositiveSmallIntegerField("延长预备期（月）", default=0)
    special = models.BooleanField("特殊情况（审批时限可延长至6个月）", default=False)
    days = models.PositiveSmallIntegerField("培训天数", default=0)
    hours = models.DecimalField("培训学时", max_digits=5, decimal_places=1, default=0)
    people = models.ManyToManyField(
        "members.Member", verbose_name="培养联系人/入党介绍人", blank=True, related_name="+"
    )
    agenda_item = models.ForeignKey(
        "meetings.AgendaItem",
        verbose_name="支部党员大会表决议题",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="development_steps",
    )
    note = models.TextField("说明", blank=True, validators=[multi_line])
    late = models.CharField("超时说明", max_length=400, blank=True, editable=False)
    recorded_by = models.ForeignKey(
        "accounts.User",
        verbose_name="录入人",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    recorded_at = models.DateTimeField("录入时间", default=timezone.now, editable=False)
    history = HistoricalRecords()

    class Meta:
        verbose_name = verbose_name_plural = "发展党员步骤"
        ordering = ["applicant", "date", "id"]

    def __str__(self) -> str:
        return f"{self.applicant} {self.name}（{self.date:%Y-%m-%d}）"

    @property
    def step(self) -> workflow.Step:
        return workflow.current().steps[self.code]

    @property
    def name(self) -> str:
        return self.step.name


def document_path(instance: "StepDocument", filename: str) -> str:
    return f"recruitment/{instance.step.applicant_id}/{timezone.now():%Y%m%d%H%M%S%f}-{filename[-60:]}"


class StepDocument(models.Model):
    """A typed upload of a step (入党申请书, 谈话记录 …), checked like the meetings' records."""

    step = models.ForeignKey(
        StepRecord, verbose_name="步骤", on_delete=models.CASCADE, related_name="documents"
    )
    kind = models.CharField("材料类型", max_length=32)
    file = models.FileField("文件", upload_to=document_path, max_length=255)
    original_name = models.CharField("原文件名", max_length=200, validators=[single_line])
    content_type = models.CharField(max_length=100)
    size = models.PositiveIntegerField(default=0)
    uploaded_by = models.ForeignKey(
        "accounts.User", verbose_name="上传人", null=True, on_delete=models.SET_NULL, related_name="+"
    )
    uploaded_at = models.DateTimeField("上传时间", default=timezone.now, editable=False)

    class Meta:
        verbose_name = verbose_name_plural = "发展党员材料"
        ordering = ["step", "kind", "id"]

    def __str__(self) -> str:
        return self.kind_name

    @property
    def kind_name(self) -> str:
        return workflow.current().documents.get(self.kind, self.kind)
