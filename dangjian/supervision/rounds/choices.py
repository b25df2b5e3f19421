from django.db import models


class Method(models.TextChoices):
    """督查方式 of a round (issue 11)."""

    RECORDS = "records", "查阅台账"
    ATTEND = "attend", "列席会议"
    SITE = "site", "现场抽查"
    TALK = "talk", "座谈了解"
    SURVEY = "survey", "问卷"


class RoundStatus(models.TextChoices):
    OPEN = "open", "进行中"
    CLOSED = "closed", "已结束"


class Result(models.TextChoices):
    """A checklist item's result; the values are the assessment's contract (findings.FindingFact.result)."""

    CONFORMING = "conforming", "符合"
    PARTLY = "partly", "基本符合"
    NONCONFORMING = "nonconforming", "不符合"


class RectStatus(models.TextChoices):
    """整改: open (awaiting the branch), answered (awaiting the inspector), returned (to redo), accepted."""

    OPEN = "open", "待整改"
    ANSWERED = "answered", "待验收"
    RETURNED = "returned", "退回重改"
    ACCEPTED = "accepted", "已验收"


class StepAction(models.TextChoices):
    ANSWER = "answer", "支部答复"
    RETURN = "return", "退回"
    ACCEPT = "accept", "验收通过"
