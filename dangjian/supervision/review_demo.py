"""Record reviews of the demo town, a few in each state, after the signals are computed: the office
samples from the desk's queue (risk signals first) and the village secretary with the demo login
(`shuji`) has one review sent back to correct and one corrected and waiting for the office."""

from dangjian.accounts.access import access_for
from dangjian.accounts.models import User
from dangjian.meetings.models import Activity, Status
from dangjian.meetings.services import save_minutes

from . import reviewing

FIX = "会议记录只有议程，缺少参会党员的发言要点和会议决定，请按实际讨论补充。"
COPIED = "会议记录与上月主题党日的记录几乎相同，请按本次实际开展的内容重写。"
ADDED = "<p>补充：党员王某提出村道路灯维修需尽快落实，支部决定由组织委员牵头，两周内答复。</p>"


def populate(ctx) -> None:
    office = User.objects.filter(username="dangjianban").first()
    secretary = User.objects.filter(username="shuji").select_related("member").first()
    if office is None or secretary is None:
        return
    office_access, branch_access = access_for(office), access_for(secretary)
    queue = reviewing.queue(office_access, ctx.today)
    signalled = [p for p in queue if any(r.startswith("风险信号") for r in p.reasons)]
    own = list(
        Activity.objects.filter(
            branch_access.org_q("org__", paths=branch_access.manage), status=Status.HELD
        ).exclude(minutes="")[:3]
    )
    # from the queue: one copied-minutes case sent back (its branch has no demo login), one still open
    if signalled:
        review = reviewing.start(
            signalled[0].activity, office, office_access, "；".join(signalled[0].reasons)
        )
        reviewing.decide(review, office, office_access, False, COPIED)
    for p in signalled[1:2]:
        reviewing.start(p.activity, office, office_access, "；".join(p.reasons))
    # the demo secretary's branch: sent back, sent back and corrected, passed
    states = ["returned", "resubmitted", "passed"]
    for activity, state in zip(own, states, strict=False):
        review = reviewing.start(activity, office, office_access, "党建办主动抽审")
        if state == "passed":
            reviewing.decide(review, office, office_access, True, "记录完整，议程、发言和决定清楚。")
            continue
        reviewing.decide(review, office, office_access, False, FIX)
        if state == "resubmitted":
            save_minutes(activity, activity.minutes + ADDED, secretary)
            reviewing.resubmit(review, secretary, branch_access, "已补充发言要点和会议决定。")
