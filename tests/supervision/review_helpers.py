"""A held activity of branch A with minutes, and reviews of it in a given state, for the review tests."""

import datetime as dt

from dangjian.accounts.access import access_for
from dangjian.meetings.services import save_minutes
from dangjian.supervision import reviewing

from .helpers import MINUTES, held

FIX = "缺少参会党员的发言要点，请补充；签到表未上传。"


def reviewed_activity(w):
    if not hasattr(w, "_reviewed"):
        w._reviewed = held(w.branch_a, dt.date(2025, 3, 10), minutes=MINUTES, title="重温入党誓词")
    return w._reviewed


def review_in(w, state: str):
    """A review of branch A's activity in `state` (open, returned, resubmitted or passed)."""
    activity = reviewed_activity(w)
    office, secretary = w.user("office"), w.user("secretary_a")
    review = reviewing.start(activity, office, access_for(office), "测试抽审")
    if state in ("returned", "resubmitted"):
        reviewing.decide(review, office, access_for(office), False, FIX)
    if state == "resubmitted":
        save_minutes(activity, MINUTES + "<p>王强：调解邻里纠纷要有人牵头。</p>", secretary)
        reviewing.resubmit(review, secretary, access_for(secretary), "已补充发言要点。")
    if state == "passed":
        reviewing.decide(review, office, access_for(office), True)
    return review
