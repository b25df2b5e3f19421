import datetime as dt

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from simple_history.models import HistoricalRecords

from dangjian.core.validators import multi_line, single_line

from . import levels


def document_path(instance: "Sanction", filename: str) -> str:
    return f"discipline/{instance.member_id}/{timezone.now():%Y%m%d%H%M%S%f}-{filename[-60:]}"


class SanctionQuerySet(models.QuerySet):
    def visible_to(self, access) -> "SanctionQuerySet":
        """Sanctions in the organisations whose sanctions the user reads (see rules.py), and their own."""
        from .rules import reader_paths

        paths = reader_paths(access)
        q = access.org_q("org__", paths) | access.org_q("member__org__", paths)
        if access.member_id:
            q |= Q(member_id=access.member_id)
        return self.filter(q)

    def in_force(self, on: dt.date, codes) -> "SanctionQuerySet":
        """Sanctions of the given levels in force on a day: decided, not yet lifted, period not over."""
        return (
            self.filter(level__in=codes, decided_on__lte=on)
            .filter(Q(lifted_on__isnull=True) | Q(lifted_on__gt=on))
            .filter(Q(period_end__isnull=True) | Q(period_end__gte=on))
        )

    def in_year(self, year: int) -> "SanctionQuerySet":
        """Decided in the year, or with a 留党察看 period running into it."""
        start, end = dt.date(year, 1, 1), dt.date(year, 12, 31)
        return self.filter(decided_on__lte=end).filter(Q(decided_on__gte=start) | Q(period_end__gte=start))


class Sanction(models.Model):
    """A 党纪处分 of one member: the level, who decided it and when, the facts and the decision document."""

    member = models.ForeignKey(
        "members.Member", verbose_name="受处分党员", on_delete=models.PROTECT, related_name="sanctions"
    )
    # The branch the member belonged to when the sanction was recorded; the list of a year reads it.
    org = models.ForeignKey(
        "orgs.Organisation",
        verbose_name="所在党支部",
        on_delete=models.PROTECT,
        related_name="sanctions",
        editable=False,
    )
    level = models.CharField("处分种类", max_length=32, choices=levels.choices)
    decided_on = models.DateField("处分决定日期")
    decided_by = models.CharField(
        "作出处分决定的党组织",
        max_length=100,
        help_text="如：中共神鼎山镇纪律检查委员会、中共神鼎山镇委员会",
        validators=[single_line],
    )
    document_no = models.CharField(
        "处分决定文号", max_length=60, blank=True, help_text="如：鼎纪发〔2026〕3号", validators=[single_line]
    )
    facts = models.TextField("违纪事实及处分依据", validators=[multi_line])
    period_end = models.DateField("察看期满日期", null=True, blank=True, editable=False)
    lifted_on = models.DateField(
        "撤销或提前恢复日期",
        null=True,
        blank=True,
        help_text="处分经申诉被撤销、或提前恢复党员权利的，填写生效日期；察看期满正常恢复的不必填写。",
    )
    lifted_note = models.CharField("撤销或恢复说明", max_length=200, blank=True, validators=[single_line])
    document = models.FileField("违纪处理文件", upload_to=document_path, blank=True, max_length=255)
    document_name = models.CharField("原文件名", max_length=200, blank=True, validators=[single_line])
    document_type = models.CharField(max_length=100, blank=True)
    created_by = models.ForeignKey(
        "accounts.User",
        verbose_name="录入人",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField("录入时间", default=timezone.now, editable=False)
    history = HistoricalRecords(excluded_fields=["document_type"])

    objects = SanctionQuerySet.as_manager()

    class Meta:
        verbose_name = verbose_name_plural = "党纪处分"
        ordering = ["-decided_on", "-id"]
        indexes = [
            models.Index(fields=["member", "decided_on"]),
            models.Index(fields=["org", "decided_on"]),
        ]

    def __str__(self) -> str:
        return f"{self.member} {self.level_name}（{self.decided_on:%Y-%m-%d}）"

    def save(self, *args, **kwargs) -> None:
        self.fill_derived()
        super().save(*args, **kwargs)

    def get_absolute_url(self) -> str:
        return reverse("discipline:detail", args=[self.pk])

    def clean(self) -> None:
        from .services import problems

        if errors := problems(self):
            raise ValidationError(errors)

    def fill_derived(self) -> None:
        if self.org_id is None and self.member_id is not None:
            self.org_id = self.member.org_id
        found = self.level_info
        self.period_end = found.period_end(self.decided_on) if found and self.decided_on else None

    @property
    def level_info(self) -> levels.Level | None:
        return levels.current().get(self.level)

    @property
    def level_name(self) -> str:
        found = self.level_info
        return found.name if found else self.level

    def in_force_on(self, on: dt.date) -> bool:
        return (
            self.decided_on <= on
            and (self.lifted_on is None or self.lifted_on > on)
            and (self.period_end is None or self.period_end >= on)
        )

    @property
    def running(self) -> bool:
        """A 留党察看 whose period is still running today."""
        found = self.level_info
        return bool(found and found.suspends_rights and self.in_force_on(timezone.localdate()))
