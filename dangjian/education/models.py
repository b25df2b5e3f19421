"""党员教育 records: trainings entered or imported (集中学习, 线上, 外出培训) and 学习心得体会.

学时 from a 党课 or the study part of a 主题党日 are not stored here: they are derived when read from the
activity and its attendance (services.derived_lines): the fact is entered once and an edit never counts twice.
"""

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils import timezone

from dangjian.core.validators import multi_line, single_line


class TrainingForm(models.TextChoices):
    STUDY = "study", "集中学习"
    LECTURE = "lecture", "党课"
    THEME_DAY = "theme_day", "主题党日学习"
    ONLINE = "online", "线上"
    EXTERNAL = "external", "外出培训"


# Forms derived from recorded activities: never entered by hand (each fact entered once).
DERIVED_FORMS = frozenset({TrainingForm.LECTURE, TrainingForm.THEME_DAY})
ENTERED_FORMS = [(v, label) for v, label in TrainingForm.choices if v not in DERIVED_FORMS]


class TrainingQuerySet(models.QuerySet):
    def visible_to(self, access) -> "TrainingQuerySet":
        """Trainings of the branches whose education the user reads, and those the user attended."""
        q = access.org_q("org__", access.education_paths())
        if access.member_id:
            q |= models.Q(attendees=access.member_id)
        return self.filter(q).distinct()


class Training(models.Model):
    """A training not kept as an activity: topic, form, 学时, organiser, who attended."""

    org = models.ForeignKey(
        "orgs.Organisation", verbose_name="登记组织", on_delete=models.PROTECT, related_name="+"
    )
    topic = models.CharField("主题", max_length=200, validators=[single_line])
    form = models.CharField("形式", max_length=16, choices=ENTERED_FORMS)
    held_on = models.DateField("日期")
    hours = models.DecimalField("学时", max_digits=4, decimal_places=1)
    organiser = models.CharField("组织单位", max_length=100, validators=[single_line])
    attendees = models.ManyToManyField("members.Member", verbose_name="参加党员", related_name="+")
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="录入人",
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField("录入时间", default=timezone.now, editable=False)

    objects = TrainingQuerySet.as_manager()

    class Meta:
        verbose_name = verbose_name_plural = "学习培训"
        ordering = ["-held_on", "-id"]
        indexes = [models.Index(fields=["org", "held_on"])]

    def __str__(self) -> str:
        return self.topic


def note_path(instance: "StudyNote", filename: str) -> str:
    return f"education/{instance.member_id}/{timezone.now():%Y%m%d%H%M%S%f}-{filename[-60:]}"


class StudyNoteQuerySet(models.QuerySet):
    def visible_to(self, access) -> "StudyNoteQuerySet":
        q = access.org_q("member__org__", access.education_paths())
        if access.member_id:
            q |= models.Q(member_id=access.member_id)
        return self.filter(q)


class StudyNote(models.Model):
    """学习心得体会: written or uploaded (a photo of a handwritten one); a secretary comments."""

    member = models.ForeignKey(
        "members.Member", verbose_name="党员", on_delete=models.PROTECT, related_name="study_notes"
    )
    title = models.CharField("题目", max_length=100, validators=[single_line])
    body = models.TextField("内容", blank=True, max_length=10000, validators=[multi_line])
    file = models.FileField("附件", upload_to=note_path, blank=True, max_length=255)
    original_name = models.CharField("原文件名", max_length=200, blank=True, validators=[single_line])
    content_type = models.CharField(max_length=100, blank=True, editable=False)  # read from the content
    written_on = models.DateField("日期", default=timezone.localdate)
    comment = models.TextField("书记评语", blank=True, max_length=2000, validators=[multi_line])
    commented_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="评语人",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    commented_at = models.DateTimeField("评语时间", null=True, blank=True)
    created_at = models.DateTimeField("提交时间", default=timezone.now, editable=False)

    objects = StudyNoteQuerySet.as_manager()

    class Meta:
        verbose_name = verbose_name_plural = "学习心得体会"
        ordering = ["-written_on", "-id"]
        indexes = [models.Index(fields=["member", "written_on"])]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("education:note", args=[self.pk])
