"""Demo 民主评议党员: last year's finished campaign in a few branches, with secret ballots, decisions and
one 不合格 member under 限期改正. Plain bulk inserts; at county scale one branch in fifty gets one.
"""

import datetime as dt
import uuid
from collections import defaultdict

from simple_history.utils import bulk_create_with_history

from dangjian.meetings.models import Activity
from dangjian.orgs.choices import OrgCategory

from . import engine, services
from .models import Ballot, BallotGrade, Campaign, Decision, Disposal, Participant, SelfEvaluation, VoterRight
from .ruleset import EXCELLENT, QUALIFIED, UNQUALIFIED, current

SCALE_EVERY = 50
COMMENTS = ["希望多参加志愿服务", "带头作用明显", "理论学习还需加强", "热心为群众办事", ""]
SELF_TEXT = {
    "study": "坚持参加“三会一课”和主题党日，认真学习党章党规和习近平新时代中国特色社会主义思想。",
    "duties": "按时交纳党费，积极参加村（单位）重点工作和志愿服务，联系服务群众。",
    "shortcomings": "理论学习的系统性不够，联系实际解决问题的能力还需提高。",
    "plans": "制定个人学习计划，主动承担急难险重任务，发挥先锋模范作用。",
}


def _chosen(ctx) -> list:
    if ctx.scale:
        return ctx.branches[::SCALE_EVERY]
    villages = [b for b in ctx.branches if b.category == OrgCategory.VILLAGE][:3]
    organs = [b for b in ctx.branches if b.category == OrgCategory.ORGAN][:1]
    return villages + organs


def populate(ctx) -> None:
    rng, rules, year = ctx.rng, current(), ctx.today.year - 1
    branches = _chosen(ctx)
    by_branch = defaultdict(list)
    for m in ctx.members:
        by_branch[m.org_id].append(m)
    # Last December's 支部党员大会 from the demo activities, where there is one.
    meetings = {}
    for activity in Activity.objects.filter(
        org__in=branches, kind=rules.meeting_kind, date__year=year, date__month=12
    ).order_by("date"):
        meetings.setdefault(activity.org_id, activity)
    campaigns = [
        Campaign(
            meeting=meetings.get(b.pk),
            org=b,
            year=year,
            status=Campaign.Status.DECIDED,
            rules_version=rules.version,
            self_opens_on=dt.date(year, 12, 1),
            self_closes_on=dt.date(year, 12, 10),
            vote_opens_on=dt.date(year, 12, 11),
            vote_closes_on=dt.date(year, 12, 20),
            meeting_date=dt.date(year, 12, 22),
            meeting_title=f"{year}年度民主评议党员支部党员大会",
        )
        for b in branches
    ]
    campaigns = bulk_create_with_history(campaigns, Campaign, batch_size=500)
    if any(c.pk is None for c in campaigns):
        ids = dict(Campaign.objects.filter(year=year).values_list("org_id", "pk"))
        for c in campaigns:
            c.pk = ids[c.org_id]
    participants, selfs, rights, ballots, grades, decisions, disposals = [], [], [], [], [], [], []
    for n, campaign in enumerate(campaigns):
        members = [
            m
            for m in by_branch[campaign.org_id]
            if m.status not in ("left", "deceased") and m.joined_on <= campaign.self_opens_on
        ]
        roll, branch_rights = services.roll(campaign, members)
        participants += roll
        selfs += [
            SelfEvaluation(
                campaign=campaign,
                member=p.member,
                self_grade=QUALIFIED,
                submitted_on=dt.date(year, 12, rng.randint(1, 10)),
                **SELF_TEXT,
            )
            for p in roll
            if p.writes_self
        ]
        graded = [p.member for p in roll if p.graded]
        voters = [r.member for r in branch_rights]
        favourites = {m.pk for m in rng.sample(graded, k=min(len(graded), max(1, len(graded) // 5)))}
        weak = graded[-1].pk if n == 0 and graded else None  # one 不合格 member in the first branch
        cast = [v for v in voters if rng.random() < 0.92]
        for right in branch_rights:
            right.has_voted = right.member in cast
        rights += branch_rights
        rows = []
        for _ in cast:
            ballot = Ballot(id=uuid.UUID(int=rng.getrandbits(128), version=4), campaign=campaign)
            ballots.append(ballot)
            for m in graded:
                if m.pk == weak:
                    grade = UNQUALIFIED if rng.random() < 0.6 else "basic"
                elif m.pk in favourites:
                    grade = EXCELLENT if rng.random() < 0.8 else QUALIFIED
                else:
                    grade = rng.choices([EXCELLENT, QUALIFIED, "basic"], weights=[10, 85, 5])[0]
                comment = rng.choice(COMMENTS) if rng.random() < 0.1 else ""
                grades.append(
                    BallotGrade(
                        id=uuid.UUID(int=rng.getrandbits(128), version=4),
                        ballot=ballot,
                        evaluated=m,
                        grade=grade,
                        comment=comment,
                    )
                )
                rows.append((m.pk, grade, comment, "member"))
        result = engine.tally([m.pk for m in graded], rows, {"member": len(cast)}, rules)
        for r in result.members:
            grade = r.proposed or QUALIFIED
            reason = {
                EXCELLENT: "模范作用突出，群众评价好",
                UNQUALIFIED: "长期不参加组织生活，经教育仍无明显转变",
            }.get(grade, "能够履行党员义务")
            decisions.append(
                Decision(
                    campaign=campaign,
                    member_id=r.member_id,
                    proposed_grade=r.proposed,
                    grade=grade,
                    reason=reason,
                    decided_on=campaign.meeting_day,
                )
            )
    Participant.objects.bulk_create(participants, batch_size=2000)
    SelfEvaluation.objects.bulk_create(selfs, batch_size=2000)
    VoterRight.objects.bulk_create(rights, batch_size=2000)
    Ballot.objects.bulk_create(ballots, batch_size=2000)
    BallotGrade.objects.bulk_create(grades, batch_size=5000)
    decisions = bulk_create_with_history(decisions, Decision, batch_size=2000)
    unqualified = [d for d in decisions if d.grade == UNQUALIFIED]
    if unqualified:
        ids = dict(
            Decision.objects.filter(grade=UNQUALIFIED, campaign__year=year).values_list("member_id", "pk")
        )
        months = rules.disposals["correct"].deadline_months
        disposals = [
            Disposal(
                decision_id=ids[d.member_id],
                measure="correct",
                follow_up=Disposal.FollowUp.ONGOING,
                deadline=engine.add_months(d.decided_on, months),
                notes="党小组长结对帮扶，每季度谈心一次",
            )
            for d in unqualified
        ]
        bulk_create_with_history(disposals, Disposal, batch_size=500)
