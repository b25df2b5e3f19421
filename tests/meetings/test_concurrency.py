"""200 members signing in at the same moment are each recorded exactly once (PostgreSQL, real threads)."""

import threading

import pytest
from django.db import connection
from django.test import Client
from django.utils import timezone

from dangjian.accounts.models import User
from dangjian.meetings import services
from dangjian.meetings.models import Attendance
from dangjian.members.models import Member
from tests.factories import MemberFactory, OrgFactory

from .helpers import make_activity

pytestmark = pytest.mark.django_db(transaction=True)


def _require_postgres():
    if connection.vendor != "postgresql":
        pytest.skip(
            "并发签到测试需要 PostgreSQL：SQLite 一次只允许一个写事务，测不出竞争（CI 在 PostgreSQL 上运行）"
        )


def _run(clients, url, barrier_size):
    barrier = threading.Barrier(barrier_size)
    results: list[str] = []
    lock = threading.Lock()

    def scan(client):
        try:
            barrier.wait()
            for _ in range(2):
                body = client.post(url).content.decode()
                outcome = "recorded" if "签到成功" in body else "already" if "已签到" in body else body[-300:]
                with lock:
                    results.append(outcome)
        finally:
            connection.close()

    threads = [threading.Thread(target=scan, args=(c,)) for c in clients]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=120)
    return results


def test_200_simultaneous_sign_ins_recorded_once_each():
    _require_postgres()
    branch = OrgFactory(code="BIG", name="大党支部")
    members = [MemberFactory(org=branch, name=f"党员{i}") for i in range(200)]
    users = User.objects.bulk_create(User(username=f"u{i}", member=m) for i, m in enumerate(members))
    activity = make_activity(branch, start=timezone.now())
    url = f"/meetings/s/{services.signin_token(activity.pk)}/"
    clients = []
    for user in users:
        client = Client()
        client.force_login(user)
        clients.append(client)
    results = _run(clients, url, len(clients))
    assert results.count("recorded") == 200, [r for r in results if r not in ("recorded", "already")][:3]
    assert results.count("already") == 200
    rows = Attendance.objects.filter(activity=activity)
    assert rows.count() == 200
    assert rows.filter(status="present", method="qr").count() == 200


def test_one_member_scanning_on_many_phones_at_once():
    _require_postgres()
    branch = OrgFactory(code="SMALL", name="小党支部")
    member = MemberFactory(org=branch)
    user = User.objects.create(username="one", member=member)
    activity = make_activity(branch, start=timezone.now())
    Attendance.objects.filter(activity=activity).delete()  # the row is created by the first scan itself
    clients = []
    for _ in range(20):
        client = Client()
        client.force_login(user)
        clients.append(client)
    results = _run(clients, f"/meetings/s/{services.signin_token(activity.pk)}/", 20)
    assert results.count("recorded") == 1 and results.count("already") == 39
    assert Attendance.objects.filter(activity=activity, member=member).count() == 1
    assert Member.objects.count() == 1
