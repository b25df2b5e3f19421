"""Reminders of the assessment through the outbox: a finalised year's 申诉 window closing soon, to the
书记, 副书记 and 组织委员 of each branch with a frozen sheet (once per branch and year); a 满意度测评
closing soon, to the members who have not answered (once per survey; answering stays voluntary)."""

import datetime as dt

from django.urls import reverse

from dangjian.notifications.outbox import post
from dangjian.orgs.choices import MANAGING_TITLES
from dangjian.orgs.models import Position

from . import services
from .models import FrozenSheet, Survey, SurveyRight, YearState

SURVEY_REMIND_DAYS = 3


def remind(as_of: dt.date) -> int:
    """Deliveries written; running twice writes nothing new (one key per branch and year, per survey)."""
    written = 0
    for survey in Survey.objects.filter(
        status=Survey.Status.OPEN,
        closes_on__gte=as_of,
        closes_on__lte=as_of + dt.timedelta(days=SURVEY_REMIND_DAYS),
    ):
        waiting = SurveyRight.objects.filter(survey=survey, member__isnull=False, has_answered=False)
        written += post(
            waiting.values_list("member_id", flat=True),
            key=f"assessment:survey:{survey.pk}:closing",
            title=f"{survey.title}将于{survey.closes_on:%m月%d日}截止",
            body="测评不记名、自愿参加，如您愿意，请在截止前填写。",
            url=reverse("assessment:survey_answer", args=[survey.pk]),
        )
    for state in YearState.objects.filter(finalised_at__isnull=False):
        scheme, _ = services.scheme_for(state.year)
        deadline = services.objection_deadline(state, scheme)
        if not (as_of <= deadline <= as_of + dt.timedelta(days=scheme.objection_remind_days)):
            continue
        sheets = FrozenSheet.objects.filter(year=state.year).select_related("org")
        people: dict[int, set[int]] = {}
        for org_id, member_id in (
            Position.objects.current(as_of)
            .filter(org__in=sheets.values("org"), title__in=MANAGING_TITLES)
            .values_list("org_id", "member_id")
        ):
            people.setdefault(org_id, set()).add(member_id)
        for sheet in sheets:
            score = "待定" if sheet.score is None else f"{sheet.score:g}"
            written += post(
                people.get(sheet.org_id, ()),
                key=f"assessment:objections:{state.year}:{sheet.org.code}",
                title=f"{state.year}年度考核申诉期将于{deadline:%m月%d日}结束",
                body=f"{sheet.org.name}{state.year}年度考核得分率 {score}，"
                f"如对某一项有异议，请在{deadline:%Y年%m月%d日}前在考核表中提出申诉。",
                url=reverse("assessment:sheet", args=[sheet.org.code, state.year]),
                org=sheet.org,
            )
    return written
