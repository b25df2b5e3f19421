"""Demo 发展党员 files: about twenty applicants at every stage, a few with a limit overdue or a record
missing, so the board and the verdict have something to show. Steps are written directly with
consistent dates (the 支部大会 votes are not demo meetings); the register follows as in the service."""

import datetime as dt

from django.core.files.base import ContentFile

from dangjian.core import idcard

from . import workflow
from .models import Applicant, StepDocument, StepRecord
from .services import carry_to_register

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
NAMES = (
    "刘晓东 陈雨欣 王子涵 李思远 张浩然 赵一鸣 周佳琪 吴俊杰 郑雅婷 孙志强 "
    "钱文博 冯晓雯 何嘉怡 黄天宇 罗欣然 谢宇航 唐诗雨 许明哲 邓梓萱 韩立群"
).split()
_BEFORE_MEETING = [
    ("application", -800),
    ("talk", -785),
    ("activist", -700),
    ("mentors", -699),
    ("review", -520),
    ("review", -340),
    ("candidate", -320),
    ("candidate_filing", -318),
    ("introducers", -300),
    ("political_review", -280),
    ("training", -270),
    ("committee_review", -240),
    ("publicity", -230),
    ("superior_prereview", -215),
    ("volunteer_form", -205),
]
# (steps with days relative to the admission meeting or to today, which record to leave out)
PLANS = [
    [("application", -20)],
    [("application", -50)],  # talk overdue
    [("application", -90), ("talk", -70)],
    [("application", -400), ("talk", -385), ("activist", -300), ("mentors", -299), ("review", -120)],
    [
        ("application", -500),
        ("talk", -480),
        ("activist", -420),
        ("mentors", -419),
        ("review", -230),
    ],  # 考察 overdue
    [
        ("application", -600),
        ("talk", -590),
        ("activist", -380),
        ("mentors", -379),
        ("review", -200),
        ("review", -20),
    ],
    _BEFORE_MEETING[:10],
    _BEFORE_MEETING[:12],
    _BEFORE_MEETING,
    [*_BEFORE_MEETING, ("admission_meeting", -190), ("superior_talk", -185)],  # approval overdue
    [*_BEFORE_MEETING, ("admission_meeting", -200), ("superior_talk", -190), ("admission_approval", -150)],
    [
        *_BEFORE_MEETING,
        ("admission_meeting", -200),
        ("superior_talk", -190),
        ("admission_approval", -180),
        ("oath", -175),
        ("probation_review", -30),
    ],
]


def _shift(plan, offset):
    return [(code, day + offset) for code, day in plan]


def populate(ctx) -> None:
    if ctx.scale or not ctx.branches:
        return
    rng, today = ctx.rng, ctx.today
    plans = [*PLANS, *PLANS[:6]]
    # two files past the meeting a year ago: one waiting for 转正, one already 正式党员
    late_probation = [
        *_shift(_BEFORE_MEETING, -200),
        ("admission_meeting", -370),
        ("superior_talk", -365),
        ("admission_approval", -330),
        ("oath", -320),
        ("probation_review", -190),
        ("probation_review", -20),
        ("confirm_application", -10),
    ]
    plans.append(late_probation)
    plans.append([*late_probation, ("confirm_meeting", -4)])
    plans.append([*late_probation, ("confirm_meeting", -4), ("confirm_approval", -1)])
    for i, plan in enumerate(plans):
        org = ctx.branches[i % len(ctx.branches)]
        born = dt.date(1990 + rng.randrange(12), rng.randrange(1, 13), rng.randrange(1, 28))
        first17 = f"4399{i:02d}{born:%Y%m%d}{rng.randrange(1000):03d}"
        number = first17 + idcard.check_char(first17)
        applicant = Applicant.objects.create(
            org=org,
            name=NAMES[i % len(NAMES)],
            gender=idcard.gender(number),
            birth_date=born,
            id_number=number,
            phone=f"139{rng.randrange(10**8):08d}",
            work_unit="",
        )
        facts = []
        for code, offset in sorted(plan, key=lambda p: p[1]):
            day = today + dt.timedelta(days=offset)
            extra = {}
            if code == "publicity":
                extra["end_date"] = workflow.publicity_end(day)
            if code == "training":
                extra["days"] = 3
            row = StepRecord.objects.create(applicant=applicant, code=code, date=day, **extra)
            if not (i in (7, 15) and code == "political_review"):  # two files miss their 政审材料
                for kind in row.step.required:
                    StepDocument.objects.create(
                        step=row,
                        kind=kind,
                        file=ContentFile(PDF, name=f"{kind}.pdf"),
                        original_name=f"{workflow.current().documents[kind]}.pdf",
                        content_type="application/pdf",
                        size=len(PDF),
                    )
            facts.append(workflow.StepFact(code, day, end_date=extra.get("end_date")))
            carry_to_register(applicant, code, facts)
        applicant.stage = workflow.stage(facts)
        applicant.save()
