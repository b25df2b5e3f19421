import datetime as dt
import tomllib
from functools import lru_cache
from pathlib import Path

from django.core.exceptions import ValidationError
from django.db import models
from django.urls import reverse
from django.utils import timezone
from pypinyin import lazy_pinyin
from simple_history.models import HistoricalRecords

from dangjian.core import crypto, idcard
from dangjian.core.fields import EncryptedCharField
from dangjian.core.validators import person_name, single_line
from dangjian.orgs.choices import OrgKind

from .choices import ACTIVE_STATUSES, ETHNICITIES, Category, Education, Gender, Status

ADULT_AGE = 18  # 《中国共产党发展党员工作细则》（2014）“入党申请人”阶段第1步 递交入党申请书（年满十八岁）


SURNAME_READINGS = tomllib.loads(
    (Path(__file__).parent / "data" / "surnames.toml").read_text(encoding="utf-8")
)["readings"]


@lru_cache(maxsize=65536)  # names repeat in large registers and in every re-import
def pinyin_key(name: str) -> str:
    """The sort and search key: pinyin syllables, the first character read as a surname (曾 zeng, 单 shan)."""
    syllables = lazy_pinyin(name)
    if name and name[0] in SURNAME_READINGS and syllables:
        syllables[0] = SURNAME_READINGS[name[0]]
    return " ".join(syllables).lower()


class MemberQuerySet(models.QuerySet):
    def active(self) -> "MemberQuerySet":
        return self.filter(status__in=ACTIVE_STATUSES)

    def by_id_number(self, id_number: str) -> "MemberQuerySet":
        return self.filter(id_number_hash=crypto.lookup_hash(idcard.normalise(id_number)))

    def by_phone(self, phone: str) -> "MemberQuerySet":
        return self.filter(phone_hash=crypto.lookup_hash(phone))


class Member(models.Model):
    """A party member (党员) in the register (党员名册)."""

    name = models.CharField("姓名", max_length=50, validators=[person_name])
    name_pinyin = models.CharField(max_length=200, editable=False, db_index=True)
    gender = models.CharField("性别", max_length=1, choices=Gender.choices)
    ethnicity = models.CharField("民族", max_length=16, default="汉族")
    birth_date = models.DateField("出生日期")
    id_number = EncryptedCharField("身份证号")
    id_number_hash = models.CharField(max_length=64, unique=True, editable=False)
    phone = EncryptedCharField("手机号", blank=True, default="")
    phone_hash = models.CharField(max_length=64, blank=True, default="", editable=False, db_index=True)
    education = models.CharField("学历", max_length=16, choices=Education.choices, blank=True)
    work_unit = models.CharField("工作单位及职务", max_length=200, blank=True, validators=[single_line])
    joined_on = models.DateField("入党日期")
    confirmed_on = models.DateField("转正日期", null=True, blank=True)
    category = models.CharField("类别", max_length=16, choices=Category.choices, default=Category.FULL)
    status = models.CharField("状态", max_length=16, choices=Status.choices, default=Status.NORMAL)
    org = models.ForeignKey(
        "orgs.Organisation", verbose_name="所在党支部", on_delete=models.PROTECT, related_name="members"
    )
    group = models.ForeignKey(
        "orgs.Organisation",
        verbose_name="所在党小组",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="group_members",
    )
    is_leading_cadre = models.BooleanField("党员领导干部", default=False)
    dual_org = models.ForeignKey(
        "orgs.Organisation",
        verbose_name="双重组织生活所在组织",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="dual_members",
    )
    created_at = models.DateTimeField("录入时间", auto_now_add=True)
    updated_at = models.DateTimeField("更新时间", auto_now=True)
    history = HistoricalRecords(excluded_fields=["name_pinyin", "id_number_hash", "phone_hash", "updated_at"])

    objects = MemberQuerySet.as_manager()

    class Meta:
        verbose_name = verbose_name_plural = "党员"
        ordering = ["name_pinyin", "id"]
        indexes = [models.Index(fields=["org", "status", "category"]), models.Index(fields=["name"])]

    def __str__(self) -> str:
        return self.name

    def save(self, *args, **kwargs) -> None:
        self.fill_derived()
        super().save(*args, **kwargs)

    def get_absolute_url(self) -> str:
        return reverse("members:detail", args=[self.pk])

    @property
    def masked_id_number(self) -> str:
        return idcard.mask_id(self.id_number)

    @property
    def masked_phone(self) -> str:
        return idcard.mask_phone(self.phone)

    @property
    def is_active(self) -> bool:
        return self.status in ACTIVE_STATUSES

    def fill_derived(self) -> None:
        """Normalise the keyed values and set the look-up columns (also used before bulk inserts)."""
        self.id_number = idcard.normalise(self.id_number)
        self.phone = (self.phone or "").strip()
        self.name = self.name.strip()
        self.name_pinyin = pinyin_key(self.name)
        self.id_number_hash = crypto.lookup_hash(self.id_number)
        self.phone_hash = crypto.lookup_hash(self.phone) if self.phone else ""

    def clean(self) -> None:
        errors = problems(self)
        if errors:
            raise ValidationError(errors)

    def validate_unique(self, exclude=None) -> None:
        super().validate_unique(exclude)
        if not (exclude and "id_number" in exclude) and self.registered_twin() is not None:
            raise ValidationError({"id_number": DUPLICATE_ELSEWHERE})

    def registered_twin(self) -> "Member | None":
        """Another member already registered with this ID number."""
        return Member.objects.by_id_number(self.id_number).exclude(pk=self.pk).select_related("org").first()


# Names neither the member nor the branch: whoever typed the ID number may not be allowed to see them.
DUPLICATE_ELSEWHERE = "该身份证号已在其他组织登记，请联系镇党建办。"


def problems(member: Member, today: dt.date | None = None) -> dict[str, str]:
    """What is wrong with a member's data, by field, in Chinese; shared by the forms and the import
    (which passes `today` once for all its rows)."""
    errors: dict[str, str] = {}
    member.id_number = idcard.normalise(member.id_number)
    if problem := idcard.problem(member.id_number):
        errors["id_number"] = problem
    else:
        born = idcard.birth_date(member.id_number)
        if member.birth_date and member.birth_date != born:
            errors["birth_date"] = f"出生日期与身份证号不一致（身份证号为 {born:%Y-%m-%d}）。"
        if member.gender and member.gender != idcard.gender(member.id_number):
            errors["gender"] = "性别与身份证号不一致。"
    if member.phone and not idcard.PHONE.match(member.phone.strip()):
        errors["phone"] = "手机号应为以1开头的11位数字。"
    if member.ethnicity not in ETHNICITIES:
        errors["ethnicity"] = "请填写规范的民族名称，如“汉族”。"
    if member.birth_date and member.joined_on and member.joined_on < _add_years(member.birth_date, ADULT_AGE):
        errors["joined_on"] = "入党时应年满十八周岁，请核对入党日期或出生日期。"
    if member.joined_on and member.joined_on > (today or timezone.localdate()):
        errors["joined_on"] = "入党日期不能晚于今天。"
    if member.confirmed_on and member.joined_on and member.confirmed_on <= member.joined_on:
        errors["confirmed_on"] = "转正日期应晚于入党日期。"
    if member.category == Category.PROBATIONARY and member.confirmed_on:
        errors["confirmed_on"] = "预备党员尚未转正，不应填写转正日期。"
    if member.org_id and member.org.kind != OrgKind.BRANCH:
        errors["org"] = "党员应编入党支部。"
    if member.group_id and member.org_id and member.group.parent_id != member.org_id:
        errors["group"] = "党小组应属于该党员所在的党支部。"
    if member.dual_org_id and not member.is_leading_cadre:
        errors["dual_org"] = "只有党员领导干部需要填写双重组织生活所在组织。"
    if member.dual_org_id and member.dual_org.kind == OrgKind.GROUP:
        errors["dual_org"] = "双重组织生活所在组织应为党支部、党总支或党委，不能是党小组。"
    if member.dual_org_id and member.dual_org_id == member.org_id:
        errors["dual_org"] = "双重组织生活所在组织应不同于本人所在党支部。"
    return errors


def _add_years(day: dt.date, years: int) -> dt.date:
    try:
        return day.replace(year=day.year + years)
    except ValueError:  # 29 February
        return day.replace(year=day.year + years, day=28)


class Transfer(models.Model):
    """A move of a member's 组织关系 between organisations inside the town (组织关系转接)."""

    member = models.ForeignKey(
        Member, verbose_name="党员", on_delete=models.CASCADE, related_name="transfers"
    )
    from_org = models.ForeignKey(
        "orgs.Organisation", verbose_name="转出组织", on_delete=models.PROTECT, related_name="+"
    )
    to_org = models.ForeignKey(
        "orgs.Organisation", verbose_name="转入组织", on_delete=models.PROTECT, related_name="+"
    )
    transferred_on = models.DateField("转接日期")
    reason = models.CharField("原因", max_length=200, blank=True, validators=[single_line])
    created_by = models.ForeignKey(
        "accounts.User", verbose_name="办理人", null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField("录入时间", auto_now_add=True)

    class Meta:
        verbose_name = verbose_name_plural = "组织关系转接"
        ordering = ["-transferred_on", "-id"]

    def __str__(self) -> str:
        return f"{self.member} {self.from_org} → {self.to_org}（{self.transferred_on}）"
