"""The demo's assessment: last year scored, with the office's 党员教育管理 marks, finalised, one branch's
申诉 accepted (its correction kept) and the ranking published; this year scored live as records come in,
with a 满意度测评 open that about half of the members have answered."""

import datetime as dt

from django.urls import reverse

from dangjian.accounts.access import access_for
from dangjian.accounts.models import User
from dangjian.demo.town import DEMO_PASSWORD
from dangjian.members.models import Member
from dangjian.orgs.choices import PositionTitle
from dangjian.orgs.models import Position

from . import notices, services, surveys
from .models import FrozenSheet

EDUCATION_NOTES = [
    (5, "党员教育培训、党费收缴台账齐全，发展党员程序规范。"),
    (4, "党费收缴台账齐全；个别党员学习培训记录不全。"),
    (3, "党员教育培训记录缺少下半年内容，已要求补充。"),
]


def populate(ctx) -> None:
    if ctx.scale:
        return  # county scale: the benchmark computes the live table itself
    office = User.objects.get(username="dangjianban")
    last = ctx.today.year - 1
    branches = sorted(ctx.branches, key=lambda b: b.code)
    secretary = User.objects.filter(
        member__positions__title="secretary", member__positions__org__kind="branch"
    ).first()
    objecting = (
        secretary.member.positions.filter(title="secretary", org__kind="branch").first().org
        if secretary
        else None
    )
    for n, branch in enumerate(branches):
        points, note = EDUCATION_NOTES[-1 if branch == objecting else n % len(EDUCATION_NOTES)]
        services.save_entry(branch, last, "education", points, note, office)
    services.save_entry(branches[0], last, "adjust", 2, "获县委组织部“五星级党支部”表彰。", office)
    services.finalise([ctx.town], last, office, ctx.today)
    if objecting is not None:  # the demo's 书记 login objects to its branch's 党员教育管理 mark
        sheet = FrozenSheet.objects.get(org=objecting, year=last)
        objection = services.raise_objection(
            sheet,
            "education",
            "下半年的党员学习培训记录已在档案盒中，当时未上传平台，现已补传。",
            secretary,
            ctx.today,
        )
        services.answer_objection(
            objection, True, "经核对档案盒，记录属实，按台账齐全评定。", office, points=5
        )
    services.publish_ranking(last, True)
    _notice(ctx, office, last)
    _open_survey(ctx, office)


def _notice(ctx, office, year: int) -> None:
    """Last year's 通报批评 of the lowest-scored branch, through every step to its 销号; the town secretary
    (镇党委书记) gets a login to approve 通报."""
    position = (
        Position.objects.filter(org=ctx.town, title=PositionTitle.SECRETARY).select_related("member").first()
    )
    if position is None:
        return
    leader = User.objects.create_user(
        "zhenshuji", password=DEMO_PASSWORD, first_name=position.member.name, member=position.member
    )
    ctx.logins.append(("镇党委书记", "zhenshuji", "审核通报"))
    worst = (
        FrozenSheet.objects.filter(year=year, score__isnull=False)
        .select_related("org")
        .order_by("score")
        .first()
    )
    url = reverse("assessment:sheet", args=[worst.org.code, year])
    notice = notices.draft(
        year,
        "criticism",
        f"关于{worst.org.name}组织生活流于形式的通报",
        f"{year}年度考核中，{worst.org.name}“三会一课”等组织生活开展不经常、记录不全，"
        f"得分率 {worst.score:g}，"
        "存在流于形式、走过场的问题。根据鼎发〔2020〕55号正文三（四），现予通报批评。",
        "对照考核表逐项整改，补齐会议记录和签到表；支部书记向镇党委作出书面说明。",
        dt.date(year + 1, 1, 31),
        True,
        [(worst.org, "支部党员大会、党小组会多个期间未召开，主题党日环节不全。", url)],
        office,
    )
    day = dt.date(year, 12, 28)
    for action, user in (("submit", office), ("approve", leader), ("publish", office)):
        notice = notices.advance(notice, action, user, access_for(user), day)
    notices.respond(notice.branches.get(), "已召开支部委员会研究整改，补齐了会议记录，支部书记已作书面说明。")
    notices.advance(notice, "close", office, access_for(office), day)
    secretary = Position.objects.filter(org=worst.org, title=PositionTitle.SECRETARY).first()
    if secretary is not None:
        notices.record_accountability(
            worst.org,
            secretary.member,
            "reminder_talk",
            "支部组织生活流于形式，被通报批评。",
            day,
            "中共神鼎山镇委员会",
            office,
            notice=notice,
        )


CHOICES = ("satisfied", "satisfied", "satisfied", "basic", "dissatisfied")
COMMENTS = ("希望主题党日多结合村里的实际工作。", "党课内容很实在，希望多请老党员讲讲。", "")


def _open_survey(ctx, office) -> None:
    survey = surveys.open_survey(
        [ctx.town], ctx.today.year, "", ctx.today + dt.timedelta(days=14), office, ctx.today
    )
    rng = ctx.rng
    for member in Member.objects.filter(pk__in=survey.rights.values("member_id")).order_by("pk"):
        if rng.random() < 0.5:
            choices = {q["code"]: rng.choice(CHOICES) for q in survey.questions["questions"]}
            surveys.answer(survey, choices, rng.choice(COMMENTS), member=member)
