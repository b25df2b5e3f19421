from django.contrib.auth.models import AbstractUser
from django.db import models
from simple_history.models import HistoricalRecords

LOGIN_FIELDS = {"last_login", "password"}


class User(AbstractUser):
    """A login. What it may do follows its kind and the positions of the member it belongs to."""

    class Kind(models.TextChoices):
        MEMBER = "member", "党员"
        OFFICE = "office", "党建办"
        OVERSIGHT = "oversight", "上级党委（只读）"

    kind = models.CharField("账号类型", max_length=16, choices=Kind.choices, default=Kind.MEMBER)
    member = models.OneToOneField(
        "members.Member",
        verbose_name="对应党员",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="account",
    )
    scope_org = models.ForeignKey(
        "orgs.Organisation",
        verbose_name="管辖组织",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        help_text="党建办或上级党委账号可见的组织（含下级）",
    )
    history = HistoricalRecords(excluded_fields=["password", "last_login"])

    class Meta:
        verbose_name = verbose_name_plural = "账号"

    def save(self, *args, **kwargs):
        # What a login saves (django.contrib.auth: last_login, and the password when its hash is upgraded)
        # writes no history row: the change log holds no trace of who logged in when.
        if kwargs.get("update_fields") and set(kwargs["update_fields"]) <= LOGIN_FIELDS:
            self.skip_history_when_saving = True
            try:
                return super().save(*args, **kwargs)
            finally:
                del self.skip_history_when_saving
        return super().save(*args, **kwargs)

    def __str__(self) -> str:
        return self.member.name if self.member_id else (self.get_full_name() or self.username)
