"""Small things seen by users: the print page's leave line, the QR page's advice about its link."""

import re

import pytest
from django.utils import timezone

from dangjian.meetings import policy, services

from .helpers import make_activity

pytestmark = pytest.mark.django_db


def test_print_page_shows_a_leave_without_reason_without_empty_brackets(world, client_for):
    activity = make_activity(world.branch_a, "theme_day", start=timezone.now())
    for member, reason in ((world.members_a[3], ""), (world.members_a[5], "外出务工")):
        row = activity.attendance.get(member=member)
        row.status, row.leave_reason = "leave", reason
        row.save()
    page = client_for("secretary_a").get(f"/meetings/{activity.pk}/print/").content.decode()
    leave = re.search(r"<th>请假</th><td[^>]*>(.*?)</td>", page).group(1)
    assert "（）" not in leave
    assert leave.split() == ["甲3", "甲5（外出务工）"]
    assert "onclick" not in page and 'src="/static/core/app.js"' in page and "data-print" in page


def test_qr_page_does_not_advise_forwarding_a_link_that_expires(world, client_for):
    activity = make_activity(world.branch_a, "theme_day", start=timezone.now())
    page = client_for("secretary_a").get(f"/meetings/{activity.pk}/qr/").content.decode()
    assert "可转发" not in page
    minutes = 2 * policy.TOKEN_SECONDS // 60
    assert f"{minutes} 分钟内失效，请不要转发到微信群" in page
    # and that is what happens: the link of two windows ago is refused
    url = re.search(r'id="signin-link" href="[^"]*/meetings/s/([^/]+)/"', page).group(1)
    later = timezone.now() + timezone.timedelta(seconds=2 * policy.TOKEN_SECONDS)
    with pytest.raises(services.SignInRefused, match="已过期"):
        services.read_token(url, later)


def test_times_are_marked_so_they_never_break(world, client_for):
    activity = make_activity(world.branch_a, "theme_day", start=timezone.now())
    page = client_for("secretary_a").get(f"/meetings/{activity.pk}/").content.decode()
    start = timezone.localtime(activity.planned_start)
    assert f"<time>{start:%Y-%m-%d %H:%M}</time>" in page
