"""Verdicts stored per organisation and period, so the dashboard reads a county without recomputing it.

`StoredVerdict` keeps what a matrix cell needs of a verdict (status, required, counted); `VerdictState`
says, per branch and year, for which check date they were computed and whether a fact changed since.
Only today's check date is served from here: `stored.py` refreshes what is stale, any other date is
computed fresh from the facts.
"""

from django.db import models

from dangjian.core.validators import single_line


class StoredVerdict(models.Model):
    branch = models.ForeignKey(
        "orgs.Organisation", verbose_name="党支部", on_delete=models.CASCADE, related_name="+"
    )  # the matrix row: the organisation itself, or the branch of a 党小组
    org = models.ForeignKey(
        "orgs.Organisation", verbose_name="组织", on_delete=models.CASCADE, related_name="+"
    )
    rule = models.CharField("规则", max_length=40, validators=[single_line])
    year = models.PositiveSmallIntegerField("年度")
    period = models.CharField("期间", max_length=10, validators=[single_line])
    period_kind = models.CharField("期间类型", max_length=8, validators=[single_line])
    starts_on = models.DateField("期间开始")
    ends_on = models.DateField("期间结束")
    status = models.CharField("结果", max_length=16, validators=[single_line])
    required = models.PositiveIntegerField("应开展")
    counted = models.PositiveIntegerField("计入")

    class Meta:
        verbose_name = verbose_name_plural = "已存合规结果"
        indexes = [models.Index(fields=["year", "branch"], name="verdict_year_branch")]

    def __str__(self) -> str:
        return f"{self.period} {self.rule} {self.status}"


class VerdictState(models.Model):
    branch = models.ForeignKey(
        "orgs.Organisation", verbose_name="党支部", on_delete=models.CASCADE, related_name="+"
    )
    year = models.PositiveSmallIntegerField("年度")
    as_of = models.DateField("检查日期", null=True)  # None: claimed, not written yet
    rules_version = models.CharField("规则版本", max_length=200, blank=True, validators=[single_line])
    stale = models.BooleanField("有变动待重算", default=False)
    computed_at = models.DateTimeField("计算时间", auto_now=True)

    class Meta:
        verbose_name = verbose_name_plural = "合规结果状态"
        constraints = [models.UniqueConstraint(fields=["branch", "year"], name="verdict_state_branch_year")]

    def __str__(self) -> str:
        return f"{self.year} {self.as_of}"
