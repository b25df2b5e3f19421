import datetime as dt

from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.db.models import Case, Count, OuterRef, Q, Subquery, When
from django.db.models.functions import Coalesce
from django.urls import reverse
from django.utils import timezone
from simple_history.models import HistoricalRecords

from dangjian.core.validators import single_line

from . import structure
from .choices import CHILD_KINDS, MANAGING_TITLES, TITLES_BY_KIND, OrgCategory, OrgKind, PositionTitle


def _member_count(link: str, **extra):
    """Active members whose `link` (org or group) is the outer organisation, as a subquery."""
    from dangjian.members.choices import ACTIVE_STATUSES
    from dangjian.members.models import Member

    rows = Member.objects.filter(**{link: OuterRef("pk")}, status__in=ACTIVE_STATUSES, **extra).order_by()
    return Coalesce(Subquery(rows.values(link).annotate(n=Count("pk")).values("n")), 0)


class OrganisationQuerySet(models.QuerySet):
    def subtree(self, org: "Organisation") -> "OrganisationQuerySet":
        return self.filter(path__startswith=org.path)

    def with_member_counts(self) -> "OrganisationQuerySet":
        """Annotate `active_members` and `full_members`: a 党支部's members by `Member.org`, a 党小组's by
        `Member.group` (members belong to a branch and, within it, to a group)."""
        from dangjian.members.choices import Category

        def count(**extra):
            return Case(
                When(kind=OrgKind.GROUP, then=_member_count("group", **extra)),
                default=_member_count("org", **extra),
            )

        return self.annotate(active_members=count(), full_members=count(category=Category.FULL))


class Organisation(models.Model):
    """A party organisation: 镇党委, 党总支, 党支部 or 党小组, in one tree."""

    code = models.SlugField("组织代码", max_length=32, unique=True, help_text="唯一简码，如 SDS-CZ01")
    name = models.CharField("名称", max_length=100, validators=[single_line])
    kind = models.CharField("类型", max_length=16, choices=OrgKind.choices)
    category = models.CharField(
        "单位类别", max_length=16, choices=OrgCategory.choices, blank=True, help_text="党支部所在单位的类别"
    )
    parent = models.ForeignKey(
        "self",
        verbose_name="上级组织",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="children",
    )
    # Ids from the root down, "/1/4/17/": a subtree is one indexed prefix query.
    path = models.CharField(max_length=255, editable=False, db_index=True, default="")
    founded_on = models.DateField("成立日期", default=dt.date(2000, 1, 1))
    dissolved_on = models.DateField("撤销日期", null=True, blank=True)
    history = HistoricalRecords(excluded_fields=["path"])

    objects = OrganisationQuerySet.as_manager()

    class Meta:
        verbose_name = verbose_name_plural = "党组织"
        ordering = ["path"]

    def __str__(self) -> str:
        return self.name

    @transaction.atomic
    def save(self, *args, **kwargs) -> None:
        old_path = self.path
        super().save(*args, **kwargs)
        new_path = f"{self.parent.path if self.parent_id else '/'}{self.pk}/"
        if new_path != old_path:
            Organisation.objects.filter(pk=self.pk).update(path=new_path)
            self.path = new_path
            if old_path:
                for child in Organisation.objects.filter(path__startswith=old_path).exclude(pk=self.pk):
                    Organisation.objects.filter(pk=child.pk).update(
                        path=new_path + child.path[len(old_path) :]
                    )

    def get_absolute_url(self) -> str:
        return reverse("orgs:detail", args=[self.code])

    def clean(self) -> None:
        if self.parent_id:
            if self.kind not in CHILD_KINDS[OrgKind(self.parent.kind)]:
                raise ValidationError(
                    {"parent": f"{self.parent.get_kind_display()}下不能设{self.get_kind_display()}。"}
                )
            if self.pk and self.parent.path.startswith(self.path):
                raise ValidationError({"parent": "上级组织不能是本组织或其下级组织。"})
        if self.pk and self.kind:
            allowed = CHILD_KINDS[OrgKind(self.kind)]
            wrong = self.children.exclude(kind__in=allowed).first()
            if wrong is not None:
                raise ValidationError(
                    {
                        "kind": f"下级组织“{wrong}”是{wrong.get_kind_display()}，"
                        f"不能设在{self.get_kind_display()}下。"
                    }
                )
        if self.pk and self.kind != OrgKind.BRANCH and self.members.exists():
            count = self.members.count()
            message = f"该组织现有 {count} 名党员，党员只能编入党支部；请先办理组织关系转接。"
            raise ValidationError({"kind": message})
        if self.founded_on and self.founded_on > timezone.localdate():
            raise ValidationError({"founded_on": "成立日期不能晚于今天。"})
        if self.dissolved_on and self.dissolved_on < self.founded_on:
            raise ValidationError({"dissolved_on": "撤销日期不能早于成立日期。"})

    @property
    def depth(self) -> int:
        return self.path.count("/") - 1

    def ancestors(self) -> models.QuerySet["Organisation"]:
        ids = [int(i) for i in self.path.strip("/").split("/") if i]
        return Organisation.objects.filter(pk__in=ids).exclude(pk=self.pk).order_by("path")

    def full_member_count(self) -> int:
        from dangjian.members.choices import ACTIVE_STATUSES, Category

        if "full_members" in self.__dict__:  # from with_member_counts()
            return self.full_members
        members = self.group_members if self.kind == OrgKind.GROUP else self.members
        return members.filter(status__in=ACTIVE_STATUSES, category=Category.FULL).count()

    @property
    def has_committee(self) -> bool:
        """Whether this branch sets up a 支部委员会: derived from its full members, never typed in."""
        if self.kind == OrgKind.GROUP:
            return False
        if self.kind != OrgKind.BRANCH:
            return True
        return structure.has_committee(self.full_member_count())

    def current_positions(self, on: dt.date | None = None) -> models.QuerySet["Position"]:
        return self.positions.current(on).select_related("member").order_by("title", "started_on")


class PositionQuerySet(models.QuerySet):
    def current(self, on: dt.date | None = None) -> "PositionQuerySet":
        on = on or timezone.localdate()
        return self.filter(Q(started_on__lte=on), Q(ended_on__isnull=True) | Q(ended_on__gte=on))

    def managing(self) -> "PositionQuerySet":
        return self.filter(title__in=MANAGING_TITLES)


class Position(models.Model):
    """A post (书记, 组织委员, 党小组长, 党建指导员 …) held by a member in an organisation for a term."""

    org = models.ForeignKey(
        Organisation, verbose_name="组织", on_delete=models.CASCADE, related_name="positions"
    )
    member = models.ForeignKey(
        "members.Member", verbose_name="党员", on_delete=models.PROTECT, related_name="positions"
    )
    title = models.CharField("职务", max_length=16, choices=PositionTitle.choices)
    started_on = models.DateField("任职日期")
    ended_on = models.DateField("离任日期", null=True, blank=True)
    history = HistoricalRecords()

    objects = PositionQuerySet.as_manager()

    class Meta:
        verbose_name = verbose_name_plural = "职务"
        ordering = ["org__path", "title", "-started_on"]
        indexes = [models.Index(fields=["member", "title"])]

    def __str__(self) -> str:
        return f"{self.org} {self.get_title_display()} {self.member}"

    def clean(self) -> None:
        if self.org_id and self.title and self.title not in TITLES_BY_KIND[OrgKind(self.org.kind)]:
            raise ValidationError({"title": f"{self.org.get_kind_display()}不设{self.get_title_display()}。"})
        if self.ended_on and self.started_on and self.ended_on < self.started_on:
            raise ValidationError({"ended_on": "离任日期不能早于任职日期。"})
