"""The notification pages and API: each member sees and opens only their own notices."""

import pytest

from dangjian.notifications.models import Notification
from dangjian.notifications.services import notify
from tests.matrix import Case, cases_for, check
from tests.world import ROLES

EVERYONE = frozenset(ROLES)


def mine(w, url="/meetings/"):
    """A notice for member_a (members_a[7])."""
    notify([w.members_a[7]], key="test:1", title="主题党日通知", body="周五上午", url=url)
    return Notification.objects.get(key="test:1")


def office_notice(w):
    """A notice to the office's account (it has no member)."""
    notify([], accounts=[w.user("office")], key="test:office", title="整改措施已逾期")
    return Notification.objects.get(key="test:office")


CASES = [
    Case("inbox", lambda w: "/notifications/", EVERYONE),
    Case("open own", lambda w: f"/notifications/{mine(w).pk}/open/", {"member_a"}, method="post", ok=(302,)),
    Case(
        "open the office's",
        lambda w: f"/notifications/{office_notice(w).pk}/open/",
        {"office"},
        method="post",
        ok=(302,),
    ),
    Case("read all", lambda w: "/notifications/read-all/", EVERYONE, method="post", ok=(302,)),
    Case("api list", lambda w: "/api/notifications/", EVERYONE, api=True),
    Case("api unread", lambda w: "/api/notifications/?unread=true", EVERYONE, api=True),
]


@pytest.mark.django_db
@cases_for(CASES)
def test_permission_matrix(case, role, world, client_for):
    check(case, role, world, client_for)


@pytest.mark.django_db
def test_inbox_lists_only_own_notices_and_open_marks_read(world, client_for):
    notice = mine(world)
    notify([world.members_a[6]], key="test:2", title="别人的通知")
    client = client_for("member_a")
    page = client.get("/notifications/").content.decode()
    assert "主题党日通知" in page and "未读" in page and "别人的通知" not in page
    response = client.post(f"/notifications/{notice.pk}/open/")
    assert response.status_code == 302 and response["Location"] == "/meetings/"
    notice.refresh_from_db()
    assert notice.read_at is not None
    assert "未读" not in client.get("/notifications/").content.decode()
    # Someone else's notice: 404, and it stays unread.
    other = Notification.objects.get(key="test:2")
    assert client.post(f"/notifications/{other.pk}/open/").status_code == 404
    other.refresh_from_db()
    assert other.read_at is None


@pytest.mark.django_db
def test_open_never_redirects_off_site(world, client_for):
    notice = mine(world, url="https://evil.example/phish")
    response = client_for("member_a").post(f"/notifications/{notice.pk}/open/")
    assert response.status_code == 302 and response["Location"] == "/notifications/"


@pytest.mark.django_db
def test_open_and_read_all_need_post(world, client_for):
    notice = mine(world)
    client = client_for("member_a")
    assert client.get(f"/notifications/{notice.pk}/open/").status_code == 405
    assert client.get("/notifications/read-all/").status_code == 405
    notice.refresh_from_db()
    assert notice.read_at is None


@pytest.mark.django_db
def test_read_all_marks_only_own(world, client_for):
    mine(world)
    notify([world.members_a[6]], key="test:2", title="别人的通知")
    client_for("member_a").post("/notifications/read-all/")
    assert not Notification.objects.filter(recipient=world.members_a[7], read_at__isnull=True).exists()
    assert Notification.objects.filter(recipient=world.members_a[6], read_at__isnull=True).exists()


@pytest.mark.django_db
def test_api_lists_own_notices_with_unread_filter(world, client_for):
    notice = mine(world)
    notify([world.members_a[7]], key="test:3", title="第二条")
    notify([world.members_a[6]], key="test:2", title="别人的通知")
    client = client_for("member_a")
    body = client.get("/api/notifications/").json()
    assert body["count"] == 2 and {i["title"] for i in body["items"]} == {"主题党日通知", "第二条"}
    client.post(f"/notifications/{notice.pk}/open/")
    body = client.get("/api/notifications/", {"unread": "true"}).json()
    assert [i["title"] for i in body["items"]] == ["第二条"]
    assert client_for("office").get("/api/notifications/").json()["count"] == 0  # no member record
