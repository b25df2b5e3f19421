"""QR sign-in: rotating token, window with a margin, once per member, clear Chinese refusals."""

import datetime as dt

import pytest
from django.utils import timezone

from dangjian.meetings import policy, services
from dangjian.meetings.models import Attendance, Method

from .helpers import make_activity


def test_token_round_trip_and_rotation():
    now = timezone.now()
    token = services.signin_token(42, now)
    assert services.read_token(token, now) == 42
    # the previous code is still accepted after one rotation, not after two
    assert services.read_token(token, now + dt.timedelta(seconds=policy.TOKEN_SECONDS)) == 42
    with pytest.raises(services.SignInRefused, match="已过期"):
        services.read_token(token, now + dt.timedelta(seconds=2 * policy.TOKEN_SECONDS + 1))


def test_wrong_token_refused():
    token = services.signin_token(42)
    for bad in (token[:-2] + "xx", token.replace("42.", "43."), "nonsense", ""):
        with pytest.raises(services.SignInRefused, match="签到码无效"):
            services.read_token(bad)


@pytest.mark.django_db
def test_sign_in_once(world):
    a = make_activity(world.branch_a, start=timezone.now())
    member = world.members_a[7]
    first = services.sign_in(a, member.pk, world.user("member_a"))
    assert first.recorded and first.status == "present"
    assert Attendance.objects.get(activity=a, member=member).method == Method.QR
    entered = first.entered_at
    second = services.sign_in(
        a, member.pk, world.user("member_a"), now=timezone.now() + dt.timedelta(minutes=30)
    )
    assert not second.recorded
    row = Attendance.objects.get(activity=a, member=member)
    assert row.status == "present" and row.entered_at == entered


@pytest.mark.django_db
def test_late_sign_in_marked_late(world):
    a = make_activity(world.branch_a, start=timezone.now() - dt.timedelta(minutes=30))
    assert services.sign_in(a, world.members_a[2].pk).status == "late"


@pytest.mark.django_db
def test_window_with_margin(world):
    start = timezone.now() + dt.timedelta(hours=3)
    a = make_activity(world.branch_a, start=start, hours=2)
    member = world.members_a[2]
    with pytest.raises(services.SignInRefused, match="签到尚未开始"):
        services.sign_in(a, member.pk, now=start - policy.SIGN_IN_BEFORE - dt.timedelta(minutes=1))
    with pytest.raises(services.SignInRefused, match="签到已结束"):
        services.sign_in(
            a, member, now=start + dt.timedelta(hours=2) + policy.SIGN_IN_AFTER + dt.timedelta(minutes=1)
        )
    assert not Attendance.objects.filter(activity=a, member=member).exclude(status="").exists()
    opening = start - policy.SIGN_IN_BEFORE + dt.timedelta(minutes=1)
    assert services.sign_in(a, member.pk, now=opening).recorded


@pytest.mark.django_db
def test_other_branch_refused(world):
    a = make_activity(world.branch_a, start=timezone.now())
    with pytest.raises(services.SignInRefused, match="不是.*甲村党支部的党员"):
        services.sign_in(a, world.members_b[3].pk)
    assert not Attendance.objects.filter(activity=a, member=world.members_b[3]).exists()


@pytest.mark.django_db
def test_branch_member_not_expected_at_group_meeting_may_sign_in(world):
    a = make_activity(world.group_a1, "group_meeting", start=timezone.now())
    result = services.sign_in(a, world.members_a[7].pk)  # of the second group
    assert result.recorded and Attendance.objects.get(activity=a, member=world.members_a[7]).expected is False


@pytest.mark.django_db
def test_cancelled_refused(world):
    a = make_activity(world.branch_a, start=timezone.now(), status="cancelled")
    with pytest.raises(services.SignInRefused, match="已取消"):
        services.sign_in(a, world.members_a[2].pk)


@pytest.mark.django_db
def test_phone_page_signs_in_and_second_scan_says_already(world, client_for):
    a = make_activity(world.branch_a, start=timezone.now())
    client = client_for("member_a")
    url = f"/meetings/s/{services.signin_token(a.pk)}/"
    page = client.get(url)
    assert page.status_code == 200 and "签到</button>" in page.content.decode()
    assert not Attendance.objects.filter(activity=a, member=world.members_a[7]).exclude(status="").exists()
    done = client.post(url)
    assert "签到成功" in done.content.decode()
    again = client.get(url)
    assert "已签到" in again.content.decode()
    assert Attendance.objects.filter(activity=a, member=world.members_a[7], status="present").count() == 1


@pytest.mark.django_db
def test_phone_page_refusals_record_nothing(world, client_for):
    a = make_activity(world.branch_a, start=timezone.now())
    response = client_for("member_b").post(f"/meetings/s/{services.signin_token(a.pk)}/")
    assert response.status_code == 400 and "不是甲村党支部的党员" in response.content.decode()
    response = client_for("member_a").post("/meetings/s/1.2:forged/")
    assert response.status_code == 400 and "签到码无效" in response.content.decode()
    assert not Attendance.objects.filter(activity=a).exclude(status="").exists()


@pytest.mark.django_db
def test_api_sign_in(world, client_for):
    a = make_activity(world.branch_a, start=timezone.now())
    client = client_for("member_a")
    body = {"token": services.signin_token(a.pk)}
    first = client.post("/api/meetings/signin", body, content_type="application/json")
    assert first.status_code == 200 and first.json()["result"] == "recorded"
    second = client.post("/api/meetings/signin", body, content_type="application/json")
    assert second.json() == {"result": "already", "status": "present", "message": "已签到"}
    refused = client_for("member_b").post("/api/meetings/signin", body, content_type="application/json")
    assert refused.status_code == 400 and "不是" in refused.json()["detail"]


@pytest.mark.django_db
def test_qr_page_renders_svg(world, client_for):
    a = make_activity(world.branch_a, start=timezone.now())
    page = client_for("secretary_a").get(f"/meetings/{a.pk}/qr/")
    assert page.status_code == 200
    html = page.content.decode()
    assert "<svg" in html and 'hx-trigger="every 30s"' in html
    fragment = client_for("secretary_a").get(f"/meetings/{a.pk}/qr/code/")
    assert "<svg" in fragment.content.decode() and "<html" not in fragment.content.decode()
