"""`dangjian demo --seed 1`: a realistic town, the same for the same seed, and every record valid."""

import datetime as dt
import hashlib

import pytest
from django.core.management import call_command
from django.db import connection

from dangjian.accounts.access import access_for
from dangjian.accounts.models import User
from dangjian.core import idcard
from dangjian.demo import town
from dangjian.members.models import Member, problems
from dangjian.orgs.models import Organisation, Position

pytestmark = pytest.mark.django_db
TODAY = dt.date(2026, 6, 15)


def _digest() -> str:
    h = hashlib.sha256()
    for row in Organisation.objects.order_by("code").values_list(
        "code", "name", "kind", "category", "parent__code", "founded_on"
    ):
        h.update(repr(row).encode())
    for m in Member.objects.select_related("org", "group", "dual_org").order_by("id_number_hash"):
        h.update(
            repr(
                (
                    m.name,
                    m.id_number,
                    m.phone,
                    m.birth_date,
                    m.joined_on,
                    m.category,
                    m.status,
                    m.org.code,
                    m.group and m.group.code,
                    m.dual_org and m.dual_org.code,
                )
            ).encode()
        )
    for p in Position.objects.order_by("org__code", "title", "member__id_number_hash").values_list(
        "org__code", "title", "member__id_number_hash", "started_on"
    ):
        h.update(repr(p).encode())
    for u in User.objects.order_by("username").values_list("username", "kind", "member__id_number_hash"):
        h.update(repr(u).encode())
    return h.hexdigest()


def _wipe() -> None:
    """An empty database again, inside the test's transaction."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:  # fire deferred FK checks, or TRUNCATE refuses
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
    call_command("flush", interactive=False, verbosity=0)


def test_same_seed_same_town_twice():
    town.build(seed=1, today=TODAY, with_apps=False)
    first = _digest()
    _wipe()
    assert not Organisation.objects.exists()
    town.build(seed=1, today=TODAY, with_apps=False)
    assert _digest() == first
    _wipe()
    town.build(seed=2, today=TODAY, with_apps=False)
    assert _digest() != first


def test_realistic_and_valid():
    ctx = town.build(seed=1, today=TODAY, with_apps=False)
    kinds = {k: Organisation.objects.filter(kind=k).count() for k in ("town", "general", "branch", "group")}
    assert kinds["town"] == 1 and kinds["general"] == 3 and 22 <= kinds["branch"] <= 28 and kinds["group"] > 0
    assert set(Organisation.objects.filter(kind="branch").values_list("category", flat=True)) == {
        "village",
        "community",
        "organ",
        "school",
        "enterprise",
    }
    members = list(Member.objects.select_related("org", "group", "dual_org"))
    assert 780 <= len(members) <= 820 and len(ctx.members) == len(members)
    for m in members:
        assert idcard.problem(m.id_number) is None
        assert problems(m) == {}, (m.name, problems(m))
    assert 3 <= sum(m.category == "probationary" for m in members) <= 60
    cadres = [m for m in members if m.is_leading_cadre]
    assert cadres and all(m.dual_org_id and m.dual_org_id != m.org_id for m in cadres)
    assert 1 <= Position.objects.filter(title="instructor").values("member").distinct().count() <= 2
    for branch in Organisation.objects.filter(kind="branch"):
        assert branch.positions.filter(title="secretary").exists(), branch
    surnames = {m.name[0] for m in members}
    assert len(surnames) > 30 and all(2 <= len(m.name) <= 3 for m in members)


def test_a_login_for_every_role():
    town.build(seed=1, today=TODAY, with_apps=False)
    roles = {u.username: access_for(u) for u in User.objects.all()}
    assert (
        roles["dangjianban"].is_office and roles["shangji"].is_oversight and not roles["shangji"].is_manager
    )
    assert roles["shuji"].is_manager and roles["zuzhi"].is_manager
    # zuzhi is a branch-level 组织委员 of an organ branch, as the README says, not the town committee's.
    zuzhi = User.objects.get(username="zuzhi").member
    (post,) = Position.objects.filter(member=zuzhi, title="organiser")
    assert post.org.kind == "branch" and post.org.category == "organ"
    assert roles["zuzhi"].manage == (post.org.path,)
    # The town's leaders are the 党员领导干部, each with a second organisational life elsewhere.
    leaders = Member.objects.filter(positions__org__kind="town")
    assert leaders.count() == 3 and all(m.is_leading_cadre and m.dual_org_id for m in leaders)
    assert roles["zhidaoyuan"].is_instructor and not roles["zhidaoyuan"].is_manager
    assert (
        roles["xiaozuzhang"].lead_groups and roles["dangyuan"].member_id and not roles["dangyuan"].sees_many
    )
    assert all(u.check_password(town.DEMO_PASSWORD) for u in User.objects.all())


def test_command_refuses_a_non_empty_database_and_prints_logins(capsys):
    call_command("demo", "--seed", "1")
    assert "已生成演示乡镇" in capsys.readouterr().out
    call_command("demo", "--if-empty")
    assert "跳过" in capsys.readouterr().out
    call_command("demo-logins")
    out = capsys.readouterr().out
    assert "dangjianban" in out and town.DEMO_PASSWORD in out and "（）" not in out
    assert "zhenshuji" in out  # the 镇党委书记 who approves 通报


def test_scaled_town():
    ctx = town.build(seed=3, branches=40, members=1500, today=TODAY, with_apps=False)
    assert len(ctx.branches) == 40 and Member.objects.count() == 1500
    assert Organisation.objects.filter(kind="branch", members__isnull=True).count() == 0


@pytest.mark.parametrize("seed", [1, 2])
def test_demo_dates_agree_with_each_other(seed):
    """No one joins the party after the day the demo is as of, holds a post (书记, 委员, 党小组长, 党建指导员)
    from before they were a 正式党员, or stands on a 民主评议 register dated before they joined."""
    from dangjian.evaluations.models import Participant

    town.build(seed=seed, today=TODAY, with_apps=seed == 2)  # seed 2 had late joiners on a register
    assert not Member.objects.filter(joined_on__gt=TODAY).exists()
    assert not Member.objects.filter(confirmed_on__gt=TODAY).exists()
    early = [
        (p.member.name, p.get_title_display(), p.started_on, p.member.joined_on, p.member.confirmed_on)
        for p in Position.objects.select_related("member")
        if p.member.confirmed_on is None or p.member.confirmed_on > p.started_on
    ]
    assert early == []
    assert Position.objects.filter(title="secretary").count() >= 22
    if seed == 2:
        rolls = Participant.objects.select_related("member", "campaign")
        assert rolls.exists()
        late = [
            (p.member.name, p.member.joined_on)
            for p in rolls
            if p.member.joined_on > p.campaign.self_opens_on
        ]
        assert late == []
