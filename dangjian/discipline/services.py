"""Who is under sanction on a day, a member's sanctions, the 违纪党员清单, and the checks of a record."""

import datetime as dt
from collections.abc import Iterable

from django.core.files.base import ContentFile
from django.db.models import QuerySet
from django.utils import timezone

from dangjian.meetings import policy
from dangjian.meetings.services import check_upload
from dangjian.orgs.models import Organisation, Position

from . import levels
from .models import Sanction

# The rulebook record kind of the decision document (附件1 序号5 处分违纪党员：违纪处理文件).
DOCUMENT_KIND = "discipline_document"


def _in_force(member_ids: Iterable[int], on: dt.date, codes: list[str]) -> set[int]:
    ids = member_ids if isinstance(member_ids, QuerySet) else list(member_ids)
    return set(
        Sanction.objects.filter(member_id__in=ids).in_force(on, codes).values_list("member_id", flat=True)
    )


def without_vote(member_ids: Iterable[int], on: dt.date) -> set[int]:
    """Which of the members have no vote on the day: under 留党察看, or expelled (开除党籍) by then."""
    return _in_force(member_ids, on, levels.current().codes(takes_vote=True))


def on_probation(member_ids: Iterable[int], on: dt.date) -> set[int]:
    """Which of the members are under 留党察看 on the day."""
    return _in_force(member_ids, on, levels.current().codes(suspends_rights=True))


def sanctions_of(member) -> QuerySet[Sanction]:
    return Sanction.objects.filter(member=member).select_related("org").order_by("-decided_on", "-id")


def posts_to_end(sanction: Sanction) -> QuerySet[Position]:
    """Party posts still held although the sanction ends them (留党察看: 党内职务自然撤销)."""
    level = sanction.level_info
    if level is None or not level.ends_posts or not sanction.in_force_on(timezone.localdate()):
        return Position.objects.none()
    posts = Position.objects.current().filter(member_id=sanction.member_id).select_related("org")
    # Without the vote no post may be held at all; after 撤销党内职务, the posts held when it was decided.
    return posts if level.takes_vote else posts.filter(started_on__lte=sanction.decided_on)


def sanction_list(org: Organisation, year: int, level: str = "") -> QuerySet[Sanction]:
    """The 违纪党员清单 of an organisation (with everything below it) for a year."""
    found = Sanction.objects.filter(org__path__startswith=org.path).in_year(year)
    if level:
        found = found.filter(level=level)
    return found.select_related("member", "org").order_by("-decided_on", "member__name_pinyin", "id")


def problems(sanction: Sanction) -> dict[str, str]:
    """What is wrong with a sanction record, by field, in Chinese (empty when it may be saved)."""
    errors: dict[str, str] = {}
    today = timezone.localdate()
    if sanction.level and levels.current().get(sanction.level) is None:
        errors["level"] = "处分种类不在党纪处分种类文件中，请重新选择。"
    member = sanction.member if sanction.member_id else None
    if sanction.decided_on:
        if sanction.decided_on > today:
            errors["decided_on"] = "处分决定日期不能晚于今天；处分决定作出后再登记。"
        elif member is not None and sanction.decided_on < member.joined_on:
            errors["decided_on"] = (
                f"处分决定日期早于该党员的入党日期（{member.joined_on:%Y-%m-%d}），请核对。"
            )
    if sanction.lifted_on:
        if sanction.decided_on and sanction.lifted_on <= sanction.decided_on:
            errors["lifted_on"] = "撤销或恢复日期应晚于处分决定日期。"
        elif sanction.lifted_on > today:
            errors["lifted_on"] = "撤销或恢复日期不能晚于今天。"
        if not sanction.lifted_note.strip():
            errors["lifted_note"] = "请说明撤销或提前恢复的原因和依据（如申诉复查决定的文号）。"
    elif sanction.lifted_note.strip():
        errors["lifted_on"] = "填写了撤销或恢复说明，请同时填写撤销或恢复日期。"
    if member is not None and sanction.level and sanction.decided_on and "decided_on" not in errors:
        twin = Sanction.objects.filter(member=member, level=sanction.level, decided_on=sanction.decided_on)
        if twin.exclude(pk=sanction.pk).exists():
            errors["level"] = "该党员同一日期的同一处分已经登记，请勿重复登记。"
    return errors


def checked_document(upload) -> tuple[bytes, str, str]:
    """(content, extension, MIME type) of a 违纪处理文件, checked like the meetings' records.

    At most one byte over the limit is read, so that an oversized file is refused without loading it whole.
    """
    return check_upload(upload.read(policy.UPLOAD_MAX_BYTES + 1), DOCUMENT_KIND)


def attach_document(sanction: Sanction, checked: tuple[bytes, str, str], name: str) -> None:
    content, extension, mime = checked
    sanction.document_name = name[:200]
    sanction.document_type = mime
    sanction.document.save(f"{DOCUMENT_KIND}.{extension}", ContentFile(content), save=False)
