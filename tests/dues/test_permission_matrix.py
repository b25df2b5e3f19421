"""Every 党费 page and API call × every role. Bases and amounts are personal data: a member sees only their
own, a branch's 书记/组织委员 their branch, the office the town; a 上级党委 reads totals only."""

import datetime as dt
import re
from decimal import Decimal

import pytest
from django.utils import timezone

from dangjian.dues import services
from dangjian.dues.models import Payment, Profile, Relief
from dangjian.meetings.models import Attendance, AttendanceStatus
from tests.compliance.helpers import held
from tests.matrix import Case, cases_for, check
from tests.world import ROLES

EVERYONE = frozenset(ROLES)
A_KEEPERS = frozenset({"office", "secretary_a"})
B_KEEPERS = frozenset({"office", "organiser_b"})
SUMMARY = frozenset({"office", "oversight", "secretary_a", "organiser_b"})
MANAGERS = frozenset({"office", "secretary_a", "organiser_b"})
A_OWN = frozenset({"office", "secretary_a", "member_a"})
YEAR = timezone.localdate().year
TODAY = timezone.localdate()


def payment(w) -> Payment:
    return Payment.objects.get(member=w.members_a[7], note="矩阵")


def relief(w) -> Relief:
    return Relief.objects.get(member=w.members_a[6])


def theme_day(w):
    return w.members_a[7].attendance.get().activity


@pytest.fixture(autouse=True)
def dues(world):
    member_a = world.members_a[7]
    Profile.objects.create(member=member_a, year=YEAR, category="employed", base=Decimal("4000"))
    Profile.objects.create(member=world.members_a[6], year=YEAR, category="employed", base=Decimal("4000"))
    services.record_payment(
        member_a,
        [TODAY.replace(day=1)],
        paid_on=TODAY,
        method="cash",
        user=world.user("secretary_a"),
        note="矩阵",
    )
    Relief.objects.create(
        member=world.members_a[6],
        kind="exempt",
        start=dt.date(YEAR, 1, 1),
        end=dt.date(YEAR, 12, 1),
        reason="重病",
        decided_on=TODAY,
        decision="支委会",
    )
    activity = held(world.branch_a, "theme_day", TODAY, attended=False)
    Attendance.objects.create(activity=activity, member=member_a, status=AttendanceStatus.PRESENT)


CASES = [
    Case("index", lambda w: "/dues/", EVERYONE),
    Case("confirm", lambda w: "/dues/confirm/", frozenset({"member_a"}), method="post", ok=(302,)),
    Case("summary", lambda w: f"/dues/summary/?year={YEAR}", SUMMARY),
    Case(
        "remit",
        lambda w: "/dues/summary/remit/",
        MANAGERS,
        method="post",
        data=lambda w: {
            "org": w.town.pk,
            "month": f"{YEAR}-01",
            "amount": "10",
            "remitted_on": TODAY,
            "to": "县委组织部",
        },
        ok=(302,),
    ),
    Case("org-a", lambda w: "/dues/org/BRA/", A_KEEPERS),
    Case("org-b", lambda w: "/dues/org/BRB/", B_KEEPERS),
    Case("profile", lambda w: f"/dues/org/BRA/member/{w.members_a[7].pk}/", A_KEEPERS),
    Case(
        "profile-post",
        lambda w: f"/dues/org/BRA/member/{w.members_a[5].pk}/",
        A_KEEPERS,
        method="post",
        data=lambda w: {"category": "retired", "base": "3000"},
        ok=(302,),
    ),
    Case("pay", lambda w: "/dues/org/BRA/pay/", A_KEEPERS),
    Case("relief", lambda w: "/dues/org/BRA/relief/", A_KEEPERS),
    Case("import", lambda w: "/dues/org/BRA/import/", A_KEEPERS),
    Case("remind", lambda w: "/dues/org/BRA/remind/", A_KEEPERS, method="post", ok=(302,)),
    Case("ledger-xlsx", lambda w: f"/dues/org/BRA/ledger.xlsx?year={YEAR}", A_KEEPERS),
    Case("ledger-pdf-b", lambda w: f"/dues/org/BRB/ledger.pdf?year={YEAR}", B_KEEPERS),
    Case(
        "reverse",
        lambda w: f"/dues/payment/{payment(w).pk}/reverse/",
        A_KEEPERS,
        method="post",
        data=lambda w: {"reason": "录错"},
        ok=(302,),
    ),
    Case(
        "approve",
        lambda w: f"/dues/relief/{relief(w).pk}/approve/",
        frozenset({"office"}),
        method="post",
        data=lambda w: {"approved_on": TODAY, "approver": "测试镇党委"},
        ok=(302,),
    ),
    Case("activity", lambda w: f"/dues/activity/{theme_day(w).pk}/", A_KEEPERS),
    Case("api-member", lambda w: f"/api/dues/members/{w.members_a[7].pk}", A_OWN, api=True),
    Case("api-payments", lambda w: f"/api/dues/members/{w.members_a[7].pk}/payments", A_OWN, api=True),
    Case("api-arrears", lambda w: "/api/dues/orgs/BRA/arrears", A_KEEPERS, api=True),
    Case(
        "api-pay",
        lambda w: "/api/dues/payments",
        A_KEEPERS,
        method="post",
        api=True,
        data=lambda w: {
            "member_id": w.members_a[7].pk,
            "first_month": TODAY.replace(day=1).isoformat(),
            "months": 2,
            "paid_on": TODAY.isoformat(),
        },
        ok=(201, 400),
    ),
    Case(
        "api-reverse",
        lambda w: f"/api/dues/payments/{payment(w).pk}/reverse",
        A_KEEPERS,
        method="post",
        api=True,
        data=lambda w: {"reason": "录错"},
        ok=(201,),
    ),
    Case("api-summary", lambda w: f"/api/dues/summary?year={YEAR}", SUMMARY, api=True),
]


@cases_for(CASES)
def test_dues_matrix(case, role, world, client_for):
    check(case, role, world, client_for)


def test_the_member_sees_their_own_amounts_and_nobody_elses(world, client_for):
    page = client_for("member_a").get("/dues/").content.decode()
    assert "40.00" in page and "5.6" not in page
    own = client_for("member_a").get(f"/api/dues/members/{world.members_a[7].pk}").json()
    assert own["profile"]["monthly"] == "40.00" and own["profile"]["base"] == "4000.00"
    other = client_for("member_a").get(f"/api/dues/members/{world.members_a[6].pk}")
    assert other.status_code in (403, 404)
    instructor = client_for("instructor_a").get(f"/api/dues/members/{world.members_a[7].pk}")
    assert instructor.status_code == 403  # reads the branch, but not its members' bases


def test_oversight_reads_totals_but_no_member_amounts(world, client_for):
    rows = client_for("oversight").get(f"/api/dues/summary?year={YEAR}").json()
    assert {r["org_code"] for r in rows} == {"BRA", "BRB"}
    assert client_for("oversight").get("/dues/org/BRA/").status_code == 403


def test_the_summary_api_gives_amounts_in_fen(world, client_for, profile, pay):
    for m in world.members_a[:3]:
        profile(m, YEAR)
    pay(world.members_a[0], dt.date(YEAR, 1, 1))
    rows = client_for("office").get(f"/api/dues/summary?year={YEAR}").json()
    [january] = [r["months"][0] for r in rows if r["org_code"] == "BRA"]
    # SQLite's SUM of decimals came back as "40.000000000000": money is given to the fen.
    assert january["paid"] == "40.00" and re.fullmatch(r"\d+\.\d\d", january["due"]), january
