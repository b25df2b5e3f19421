"""Account life-cycle rules: closing the logins of members who have left the party."""

from dangjian.members.choices import DEPARTED_STATUSES

from .models import User


def close_departed_logins(member_ids) -> int:
    """Deactivate the logins of these members whose status is 出党 or 死亡 (saved one by one, so audited)."""
    users = User.objects.filter(
        member_id__in=member_ids, member__status__in=DEPARTED_STATUSES, is_active=True
    ).select_related("member")
    closed = 0
    for user in users:
        user.is_active = False
        user._change_reason = f"党员状态为{user.member.get_status_display()}，自动停用账号"
        user.save(update_fields=["is_active"])
        closed += 1
    return closed


def on_member_saved(sender, instance, **kwargs) -> None:
    if instance.status in DEPARTED_STATUSES:
        close_departed_logins([instance.pk])
