"""Demo 党员教育: trainings for the year in each branch (党课 and 主题党日 give hours from the meetings demo),
学习心得 in the demo 书记's branch with comments, and one member there who meets the six-month rule."""

import datetime as dt
from decimal import Decimal

from django.utils import timezone

from dangjian.accounts.models import User
from dangjian.meetings.models import Attendance, AttendanceStatus, MakeUpTask
from dangjian.orgs.models import Position

from . import inactivity, policy
from .models import StudyNote, Training

TRAININGS = [
    # (month, topic, form, 学时, organiser)
    (3, "全镇党员冬春训：学习党的二十届三中全会精神", "study", Decimal(12), "中共神鼎山镇委员会"),
    (5, "“学习强国”专题网课：新修订《中国共产党纪律处分条例》", "online", Decimal(6), "县委组织部"),
    (9, "县委党校基层党员轮训", "external", Decimal(8), "县委党校"),
]
NOTES = [
    ("学习党的二十届三中全会精神心得", "通过集中学习，我认识到进一步全面深化改革要落到本村的实事上……"),
    ("学习新修订纪律处分条例的体会", "条例把纪律要求讲得很具体，作为普通党员要对照检查，守住底线……"),
    ("参加主题党日志愿服务有感", "在为村里老人义诊的志愿服务中，我体会到党员要走在前、做在前……"),
]


def populate(ctx) -> None:
    today = ctx.today
    done = [t for t in TRAININGS if dt.date(today.year, t[0], 15) <= today]
    for i, branch in enumerate(ctx.branches):
        members = [m for m in ctx.members if m.org_id == branch.pk and m.is_active]
        for month, topic, form, hours, organiser in done:
            # most attend; a few each time do not (the branch's completion is then honestly below 100%)
            attending = [m for j, m in enumerate(members) if (j + month + i) % 7]
            training = Training.objects.create(
                org=branch,
                topic=topic,
                form=form,
                held_on=dt.date(today.year, month, 15),
                hours=hours,
                organiser=organiser,
            )
            training.attendees.set(attending)
    secretary = User.objects.filter(username="shuji").select_related("member").first()
    if secretary is None or not secretary.member_id:
        return
    branch_id = secretary.member.org_id
    busy = set(Position.objects.values_list("member_id", flat=True))
    busy |= set(User.objects.exclude(member=None).values_list("member_id", flat=True))
    plain = [m for m in ctx.members if m.org_id == branch_id and m.is_active and m.pk not in busy]
    writer = User.objects.filter(username="dangyuan").values_list("member_id", flat=True).first()
    authors = [pk for pk in [writer, *(m.pk for m in plain[:4])] if pk]
    for n, member_id in enumerate(authors):
        title, body = NOTES[n % len(NOTES)]
        note = StudyNote.objects.create(
            member_id=member_id, title=title, body=body, written_on=today - dt.timedelta(days=10 + 20 * n)
        )
        if n % 2:
            note.comment, note.commented_by, note.commented_at = (
                "体会真切，联系实际，望继续保持。",
                secretary,
                timezone.now(),
            )
            note.save()
    if len(plain) > 5:  # one member away for six months: absent from every activity, no 补学
        away = plain[5]
        since = inactivity.month_start(today, policy.current().inactivity.months)
        rows = Attendance.objects.filter(member=away, activity__date__gte=since)
        MakeUpTask.objects.filter(attendance__in=rows).delete()
        # by id: an UPDATE … IN (a join) can take minutes on PostgreSQL before the new rows are analysed
        ids = list(rows.exclude(status="").values_list("pk", flat=True))
        Attendance.objects.filter(pk__in=ids).update(
            status=AttendanceStatus.ABSENT, leave_state="", leave_reason=""
        )
