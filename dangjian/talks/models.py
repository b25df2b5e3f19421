from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from simple_history.models import HistoricalRecords

from dangjian.core.validators import multi_line

from .choices import Pairing, TalkForm

# A talk entered more than this many days after it took place is marked 补录 (entered late). The notice
# sets no deadline; a month is one cycle of the monthly 主题党日/支部委员会, so a record entered after the
# next cycle is visibly one written from memory rather than at the time. Local decision, see docs/talks.md.
LATE_ENTRY_DAYS = 30


class TalkQuerySet(models.QuerySet):
    def visible_to(self, access) -> "TalkQuerySet":
        """Talks of the organisations the user may see, plus every talk the user took part in."""
        q = access.org_q("org__")
        if access.member_id:
            q |= Q(initiator_id=access.member_id) | Q(partner_id=access.member_id)
        return self.filter(q)

    def in_year(self, year: int) -> "TalkQuerySet":
        return self.filter(talked_on__year=year)

    def involving(self, member_id: int) -> "TalkQuerySet":
        return self.filter(Q(initiator_id=member_id) | Q(partner_id=member_id))


class Talk(models.Model):
    """A 谈心谈话: two members of a branch talked on a date; topics, opinions raised and their follow-up."""

    org = models.ForeignKey(
        "orgs.Organisation", verbose_name="所属党支部", on_delete=models.PROTECT, related_name="talks"
    )
    initiator = models.ForeignKey(
        "members.Member", verbose_name="谈话人", on_delete=models.PROTECT, related_name="talks_initiated"
    )
    partner = models.ForeignKey(
        "members.Member", verbose_name="谈话对象", on_delete=models.PROTECT, related_name="talks_received"
    )
    pairing = models.CharField("谈话类型", max_length=16, choices=Pairing.choices, editable=False)
    talked_on = models.DateField("谈话日期")
    form = models.CharField("谈话形式", max_length=16, choices=TalkForm.choices, default=TalkForm.IN_PERSON)
    topics = models.TextField("谈话主题及内容", validators=[multi_line])
    opinions = models.TextField("提出的意见建议", blank=True, validators=[multi_line])
    follow_up = models.TextField("后续跟进事项", blank=True, validators=[multi_line])
    follow_up_done = models.BooleanField("跟进事项已落实", default=False)
    before_review_year = models.PositiveSmallIntegerField(
        "组织生活会前谈话（年度）",
        null=True,
        blank=True,
        help_text="如是为某年度组织生活会开展的会前谈心谈话，填写该年度，如 2026；否则留空。",
    )
    created_by = models.ForeignKey(
        "accounts.User",
        verbose_name="录入人",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    # Not auto_now_add: past records loaded later keep the moment they were first entered.
    created_at = models.DateTimeField("录入时间", default=timezone.now, editable=False)
    history = HistoricalRecords()

    objects = TalkQuerySet.as_manager()

    class Meta:
        verbose_name = verbose_name_plural = "谈心谈话"
        ordering = ["-talked_on", "-id"]
        indexes = [
            models.Index(fields=["org", "talked_on"]),
            models.Index(fields=["initiator", "talked_on"]),
            models.Index(fields=["partner", "talked_on"]),
        ]

    def __str__(self) -> str:
        return f"{self.talked_on:%Y-%m-%d} {self.initiator} 与 {self.partner}"

    def save(self, *args, **kwargs) -> None:
        from .services import pairing_for

        self.pairing = pairing_for(self.org, self.initiator_id, self.partner_id, self.talked_on)
        super().save(*args, **kwargs)

    def get_absolute_url(self) -> str:
        return reverse("talks:detail", args=[self.pk])

    @property
    def entry_delay_days(self) -> int:
        return (timezone.localdate(self.created_at) - self.talked_on).days

    @property
    def is_late_entry(self) -> bool:
        """补录: entered more than LATE_ENTRY_DAYS after the talk."""
        return self.entry_delay_days > LATE_ENTRY_DAYS

    def participant_ids(self) -> tuple[int, int]:
        return (self.initiator_id, self.partner_id)

    def clean(self) -> None:
        from .services import problems

        if errors := problems(self):
            raise ValidationError(errors)
