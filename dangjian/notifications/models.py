from django.db import models
from django.utils import timezone


class Notification(models.Model):
    """An in-app notice (通知), e.g. an activity planned or a deadline coming: to a member, or to an account
    that is no member (the town office's), whose inbox would otherwise stay empty."""

    recipient = models.ForeignKey(
        "members.Member",
        verbose_name="接收人",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="notifications",
    )
    account = models.ForeignKey(
        "accounts.User",
        verbose_name="接收账号",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="notifications",
    )
    title = models.CharField("标题", max_length=200)
    body = models.TextField("内容", blank=True)
    url = models.CharField("链接", max_length=300, blank=True)
    # The same key is never sent twice to one recipient (e.g. "activity:12:planned").
    key = models.CharField(max_length=120)
    created_at = models.DateTimeField("时间", auto_now_add=True)
    read_at = models.DateTimeField("已读时间", null=True, blank=True)

    class Meta:
        verbose_name = verbose_name_plural = "通知"
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["recipient", "key"], name="notification_once_per_key"),
            models.UniqueConstraint(
                fields=["account", "key"],
                condition=models.Q(account__isnull=False),
                name="notification_once_per_account_key",
            ),
            models.CheckConstraint(
                condition=models.Q(recipient__isnull=True) ^ models.Q(account__isnull=True),
                name="notification_to_member_or_account",
            ),
        ]
        indexes = [models.Index(fields=["recipient", "read_at"]), models.Index(fields=["account", "read_at"])]

    def __str__(self) -> str:
        return self.title


class Channel(models.Model):
    """A group chat robot (企业微信/钉钉群机器人) receiving the notices about a subtree of organisations."""

    class Kind(models.TextChoices):
        WECOM = "wecom", "企业微信群机器人"
        DINGTALK = "dingtalk", "钉钉群机器人"

    kind = models.CharField("类型", max_length=16, choices=Kind.choices)
    name = models.CharField("名称", max_length=100)
    org = models.ForeignKey(
        "orgs.Organisation",
        verbose_name="接收哪个组织（含下级）的通知",
        on_delete=models.CASCADE,
        related_name="notification_channels",
    )
    url = models.URLField("Webhook 地址", max_length=500)
    secret = models.CharField("加签密钥（钉钉）", max_length=200, blank=True)
    enabled = models.BooleanField("启用", default=True)

    class Meta:
        verbose_name = verbose_name_plural = "通知渠道"

    def __str__(self) -> str:
        return f"{self.get_kind_display()}：{self.name}"


class Delivery(models.Model):
    """One message over one channel (the outbox): written in the same transaction as its cause,
    sent by the background job once, retried with backoff until it goes through, never dropped.

    While a worker sends it the row is `sending` and `next_attempt_at` is the end of that worker's
    lease: a worker that crashed mid-send leaves it to be claimed again once the lease runs out."""

    class Transport(models.TextChoices):
        INAPP = "inapp", "站内通知"
        EMAIL = "email", "电子邮件"
        WECOM = "wecom", "企业微信"
        DINGTALK = "dingtalk", "钉钉"

    class Status(models.TextChoices):
        PENDING = "pending", "待发送"
        SENDING = "sending", "发送中"
        SENT = "sent", "已发送"

    transport = models.CharField("渠道", max_length=16, choices=Transport.choices)
    key = models.CharField(max_length=120)
    recipient = models.ForeignKey(
        "members.Member",
        verbose_name="接收人",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="deliveries",
    )
    account = models.ForeignKey(
        "accounts.User",
        verbose_name="接收账号",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="deliveries",
    )
    channel = models.ForeignKey(
        Channel, verbose_name="群机器人", null=True, blank=True, on_delete=models.CASCADE
    )
    address = models.CharField("邮箱", max_length=254, blank=True)
    title = models.CharField("标题", max_length=200)
    body = models.TextField("内容", blank=True)
    url = models.CharField("链接", max_length=300, blank=True)
    status = models.CharField("状态", max_length=16, choices=Status.choices, default=Status.PENDING)
    attempts = models.PositiveIntegerField("尝试次数", default=0)
    next_attempt_at = models.DateTimeField("下次尝试", default=timezone.now)
    last_error = models.TextField("最近错误", blank=True)
    created_at = models.DateTimeField("写入时间", auto_now_add=True)
    sent_at = models.DateTimeField("发送时间", null=True, blank=True)

    class Meta:
        verbose_name = verbose_name_plural = "通知投递"
        ordering = ["next_attempt_at", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["transport", "key", "recipient"],
                condition=models.Q(channel__isnull=True),
                name="delivery_once_per_recipient",
            ),
            models.UniqueConstraint(
                fields=["transport", "key", "account"],
                condition=models.Q(account__isnull=False),
                name="delivery_once_per_account",
            ),
            models.UniqueConstraint(
                fields=["key", "channel"],
                condition=models.Q(channel__isnull=False),
                name="delivery_once_per_channel",
            ),
        ]
        indexes = [models.Index(fields=["status", "next_attempt_at"])]

    def __str__(self) -> str:
        return f"{self.get_transport_display()} {self.title}"
