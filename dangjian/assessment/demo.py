"""The demo's assessment: last year scored, with the office's 党员教育管理 marks, finalised, one branch's
申诉 accepted (its correction kept) and the ranking published; this year scored live as records come in,
with a 满意度测评 open that about half of the members have answered."""

import datetime as dt

from dangjian.accounts.models import User
from dangjian.members.models import Member

from . import services, surveys
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
    _open_survey(ctx, office)


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
