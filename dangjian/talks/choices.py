from django.db import models


class TalkForm(models.TextChoices):
    """How the talk was held (谈话形式)."""

    IN_PERSON = "in_person", "面谈"
    PHONE = "phone", "电话"
    VIDEO = "video", "视频"
    OTHER = "other", "其他"


class Pairing(models.TextChoices):
    """Who talked with whom, by their posts in the branch on the talk's date.

    Source: 《关于新形势下党内政治生活的若干准则》 (班子成员之间、班子成员和党员之间、党员和党员之间).
    """

    LEADERS = "leaders", "班子成员之间"
    LEADER_MEMBER = "leader_member", "班子成员与党员"
    MEMBERS = "members", "党员之间"


def pairing_of(initiator_on_committee: bool, partner_on_committee: bool) -> Pairing:
    if initiator_on_committee and partner_on_committee:
        return Pairing.LEADERS
    if initiator_on_committee or partner_on_committee:
        return Pairing.LEADER_MEMBER
    return Pairing.MEMBERS
