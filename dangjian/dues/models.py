"""党费: each member's yearly profile (category and base), reliefs, and the append-only ledger.

The ledger is `Payment` (one payment, or the reversal of one) with its `Entry` rows, one per month it
covers. Neither is ever edited or deleted: a mistake is corrected by a reversing payment (negative
entries) and, where needed, a new one. `Remittance` records what a branch or the town handed to the
上级 (上缴).
"""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone
from simple_history.models import HistoricalRecords

from dangjian.core.validators import single_line

from . import rates


class Method(models.TextChoices):
    CASH = "cash", "现金"
    TRANSFER = "transfer", "转账"
    OTHER = "other", "其他"


class AppendOnlyError(ValidationError):
    pass


REFUSED = "党费台账只能追加，不能修改或删除；记错的请用“冲正”登记一笔相反的记录。"


class AppendOnlyQuerySet(models.QuerySet):
    def update(self, **kwargs):
        raise AppendOnlyError(REFUSED)

    def delete(self):
        raise AppendOnlyError(REFUSED)


class AppendOnly(models.Model):
    objects = AppendOnlyQuerySet.as_manager()

    class Meta:
        abstract = True

    def save(self, *args, **kwargs):
        if not self._state.adding:
            raise AppendOnlyError(REFUSED)
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise AppendOnlyError(REFUSED)


def category_choices() -> list[tuple[str, str]]:
    return rates.current().choices()


class Profile(models.Model):
    """A member's dues for one year: category, base set by the branch, the monthly amount it gives."""

    member = models.ForeignKey("members.Member", on_delete=models.PROTECT, related_name="dues_profiles")
    year = models.PositiveSmallIntegerField("年度")
    category = models.CharField("交纳类别", max_length=16, choices=category_choices)
    base = models.DecimalField("计算基数（元/月）", max_digits=12, decimal_places=2, null=True, blank=True)
    fixed = models.DecimalField(
        "每月金额（固定额类别）", max_digits=8, decimal_places=2, null=True, blank=True
    )
    monthly = models.DecimalField("每月应交（元）", max_digits=10, decimal_places=2, editable=False)
    rate = models.DecimalField("比例", max_digits=6, decimal_places=4, null=True, editable=False)
    clause = models.CharField("依据", max_length=300, editable=False)
    rates_version = models.CharField("标准版本", max_length=60, editable=False)
    set_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+", editable=False
    )
    set_at = models.DateTimeField("核定时间", default=timezone.now, editable=False)
    confirmed_at = models.DateTimeField("本人确认时间", null=True, blank=True, editable=False)
    history = HistoricalRecords()

    class Meta:
        verbose_name = verbose_name_plural = "党费基数"
        constraints = [models.UniqueConstraint(fields=["member", "year"], name="dues_profile_member_year")]
        indexes = [models.Index(fields=["year", "member"])]

    def __str__(self) -> str:
        return f"{self.member} {self.year}年 每月{self.monthly}元"

    def save(self, *args, **kwargs):
        self.compute()
        super().save(*args, **kwargs)

    def compute(self) -> None:
        book = rates.current()
        amount = book.amount(self.category, self.base, self.fixed)
        self.monthly, self.rate, self.clause, self.rates_version = (
            amount.monthly,
            amount.rate,
            amount.clause,
            book.version,
        )

    @property
    def category_name(self) -> str:
        return rates.current().categories[self.category].name


class Relief(models.Model):
    """少交或免交: the branch's decision, effective only once the 上一级党委's approval is recorded."""

    class Kind(models.TextChoices):
        REDUCE = "reduce", "少交"
        EXEMPT = "exempt", "免交"

    member = models.ForeignKey("members.Member", on_delete=models.PROTECT, related_name="dues_reliefs")
    kind = models.CharField("类型", max_length=8, choices=Kind.choices)
    monthly = models.DecimalField("减免后每月交纳（元）", max_digits=8, decimal_places=2, default=0)
    start = models.DateField("起始月份")
    end = models.DateField("截止月份")
    reason = models.CharField("困难情况", max_length=300, validators=[single_line])
    decided_on = models.DateField("支部决定日期")
    decision = models.CharField("支部决定（会议或文号）", max_length=200, validators=[single_line])
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+", editable=False
    )
    recorded_at = models.DateTimeField(default=timezone.now, editable=False)
    approved_on = models.DateField("上一级党委批准日期", null=True, blank=True)
    approver = models.CharField("批准的党委", max_length=100, blank=True, validators=[single_line])
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    history = HistoricalRecords()

    class Meta:
        verbose_name = verbose_name_plural = "党费减免"
        ordering = ["-start", "-id"]

    def __str__(self) -> str:
        return f"{self.member} {self.get_kind_display()} {self.start:%Y-%m}—{self.end:%Y-%m}"

    @property
    def effective(self) -> bool:
        return self.approved_on is not None


class Payment(AppendOnly):
    """One payment (or the reversal of one): who paid, when, how, how much, who recorded it."""

    class Kind(models.TextChoices):
        PAYMENT = "payment", "交纳"
        REVERSAL = "reversal", "冲正"

    class Source(models.TextChoices):
        MANUAL = "manual", "登记"
        THEME_DAY = "theme_day", "主题党日"
        IMPORT = "import", "导入"

    member = models.ForeignKey("members.Member", on_delete=models.PROTECT, related_name="dues_payments")
    org = models.ForeignKey("orgs.Organisation", on_delete=models.PROTECT, related_name="dues_payments")
    kind = models.CharField("类型", max_length=10, choices=Kind.choices, default=Kind.PAYMENT)
    paid_on = models.DateField("交纳日期")
    method = models.CharField("方式", max_length=10, choices=Method.choices)
    amount = models.DecimalField("金额（元）", max_digits=12, decimal_places=2)
    source = models.CharField("来源", max_length=10, choices=Source.choices, default=Source.MANUAL)
    activity = models.ForeignKey(
        "meetings.Activity", null=True, blank=True, on_delete=models.PROTECT, related_name="dues_payments"
    )
    reverses = models.OneToOneField(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="reversed_by"
    )
    note = models.CharField("说明", max_length=200, blank=True, validators=[single_line])
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    recorded_at = models.DateTimeField("登记时间", default=timezone.now)

    class Meta:
        verbose_name = verbose_name_plural = "党费交纳"
        ordering = ["-paid_on", "-id"]
        constraints = [
            # Paying at a 主题党日 is recorded once per member, however often the form is sent.
            models.UniqueConstraint(
                fields=["activity", "member"],
                condition=models.Q(kind="payment", activity__isnull=False),
                name="dues_payment_once_per_activity",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.member} {self.paid_on} {self.amount}元（{self.get_kind_display()}）"


class Entry(AppendOnly):
    """One month of a payment: the amount for that month (negative in a reversal) and what was due."""

    payment = models.ForeignKey(Payment, on_delete=models.PROTECT, related_name="entries")
    member = models.ForeignKey("members.Member", on_delete=models.PROTECT, related_name="+")
    org = models.ForeignKey("orgs.Organisation", on_delete=models.PROTECT, related_name="+")
    month = models.DateField("所属月份")
    amount = models.DecimalField("金额（元）", max_digits=10, decimal_places=2)
    due = models.DecimalField("当月应交（元）", max_digits=10, decimal_places=2)
    back_payment = models.BooleanField("补交", default=False)
    advance = models.BooleanField("预交", default=False)

    class Meta:
        verbose_name = verbose_name_plural = "党费台账明细"
        indexes = [
            models.Index(fields=["org", "month"]),
            models.Index(fields=["member", "month"]),
        ]

    def __str__(self) -> str:
        return f"{self.member} {self.month:%Y-%m} {self.amount}元"


class Remittance(AppendOnly):
    """党费上缴: an amount a branch or the town handed to the 上级, for a month, and when."""

    org = models.ForeignKey("orgs.Organisation", on_delete=models.PROTECT, related_name="dues_remittances")
    month = models.DateField("所属月份")
    amount = models.DecimalField("上缴金额（元）", max_digits=14, decimal_places=2)
    remitted_on = models.DateField("上缴日期")
    to = models.CharField("上缴至", max_length=100, validators=[single_line])
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    recorded_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = verbose_name_plural = "党费上缴"
        ordering = ["-month", "-id"]

    def __str__(self) -> str:
        return f"{self.org} {self.month:%Y-%m} 上缴{self.amount}元"
