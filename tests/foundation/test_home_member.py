"""The member's home page: coming activities with a way to ask leave, sign-in while it is open, the
民主评议's self-evaluation and vote while open, and 补学 not yet done."""

import datetime as dt

import pytest
import time_machine
from django.utils import timezone

from dangjian.evaluations import services as evaluations
from dangjian.meetings import services
from dangjian.meetings.models import Attendance, AttendanceStatus, MakeUpTask
from dangjian.meetings.models import Status as ActivityStatus
from tests.evaluations.helpers import full_ballot, open_campaign
from tests.meetings.helpers import make_activity

pytestmark = pytest.mark.django_db
NOW = dt.datetime(2025, 3, 20, 10, tzinfo=dt.timezone(dt.timedelta(hours=8)))
SELF = {"study": "学习", "duties": "履职", "shortcomings": "不足", "plans": "改进", "self_grade": "qualified"}


@pytest.fixture(autouse=True)
def today():
    with time_machine.travel(NOW, tick=False):
        yield NOW


def home(client_for, role="member_a") -> str:
    return client_for(role).get("/").content.decode()


def section(page: str, id_: str) -> str:
    start = page.index(f'id="{id_}"')
    return page[start : page.index("</div>", start)]


def test_coming_activities_with_a_way_to_ask_leave(world, client_for):
    soon = make_activity(world.branch_a, start=timezone.now() + dt.timedelta(days=3), title="三月主题党日")
    make_activity(world.branch_b, start=timezone.now() + dt.timedelta(days=3), title="别的支部的会")
    make_activity(
        world.branch_a,
        start=timezone.now() + dt.timedelta(days=4),
        title="已取消的会",
        status=ActivityStatus.CANCELLED,
    )
    coming = section(home(client_for), "home-coming")
    assert "三月主题党日" in coming and "别的支部的会" not in coming and "已取消的会" not in coming
    assert f'href="/meetings/{soon.pk}/"' in coming and "请假" in coming
    services.ask_leave(soon, world.members_a[7], "出差")
    assert "请假待审批" in section(home(client_for), "home-coming")


def test_sign_in_is_shown_while_it_is_open_and_not_once_signed_in(world, client_for):
    now = make_activity(world.branch_a, title="正在开的会")  # starts in ten minutes: sign-in is open
    make_activity(world.branch_a, start=timezone.now() + dt.timedelta(hours=5), title="下午的会")
    signin = section(home(client_for), "home-signin")
    assert "正在开的会" in signin and "下午的会" not in signin and "扫描会场的签到二维码" in signin
    services.sign_in(now, world.members_a[7].pk)
    assert 'id="home-signin"' not in home(client_for)


def test_self_evaluation_and_vote_while_open(world, client_for):
    campaign = open_campaign(world)
    part = section(home(client_for), "home-evaluation")
    assert f"/evaluations/{campaign.pk}/self/" in part and f"/evaluations/{campaign.pk}/vote/" in part
    assert 'id="home-evaluation"' not in home(client_for, "member_b")  # another branch's campaign
    member = world.members_a[7]
    evaluations.save_self_evaluation(campaign, member, SELF, submit=True)
    part = section(home(client_for), "home-evaluation")
    assert "/self/" not in part and "/vote/" in part
    evaluations.cast_ballot(campaign, full_ballot(campaign), member=member)
    assert 'id="home-evaluation"' not in home(client_for)


def test_makeup_tasks_until_done(world, client_for):
    held = make_activity(
        world.branch_a,
        start=timezone.now() - dt.timedelta(days=20),
        status=ActivityStatus.HELD,
        title="二月党课",
    )
    row = Attendance.objects.get(activity=held, member=world.members_a[7])
    row.status = AttendanceStatus.ABSENT
    row.save()
    task = MakeUpTask.objects.create(attendance=row, content="自学党课讲稿", due_on=dt.date(2025, 3, 15))
    tasks = section(home(client_for), "home-makeups")
    assert "自学党课讲稿" in tasks and "二月党课" in tasks and "已逾期" in tasks
    assert f"/meetings/makeup/{task.pk}/done/" in tasks
    client_for("member_a").post(f"/meetings/makeup/{task.pk}/done/")
    assert 'id="home-makeups"' not in home(client_for)
