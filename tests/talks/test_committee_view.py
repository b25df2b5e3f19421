"""The committee view of 谈心谈话 (支部工作条例 第十九条: 委员之间、委员和党员之间), beside the 书记's."""

import datetime as dt

import pytest

from dangjian.talks.coverage import Stint, TalkFact, Term, committee_rule, coverage

D = dt.date
YEAR = 2025
S, G, P, A, B, L = 1, 2, 3, 10, 11, 12  # 书记, 组织委员, 宣传委员 (from July), two members, one who left
NAMES = {S: "书记", G: "组织委员", P: "宣传委员", A: "甲", B: "乙", L: "离开者"}
LONG_AGO = D(2010, 1, 1)


def stint(member_id, start=LONG_AGO, end=None, committee=False):
    return Stint(member_id, NAMES[member_id], start, end, committee)


def post(member_id, start=LONG_AGO, end=None):
    return Term(member_id, NAMES[member_id], start, end)


def talk(a, b, on):
    return TalkFact(hash((a, b, on)) % 10_000, a, b, on)


def run(talks):
    return coverage(
        YEAR,
        [stint(S, committee=True), stint(G, committee=True), stint(P, committee=True), stint(A), stint(B)]
        + [stint(L, end=D(2025, 5, 31))],
        [post(S)],
        talks,
        posts=[post(S), post(G), post(P, start=D(2025, 7, 1))],
    )


def rows(cov):
    return {r.member_id: r for r in cov.committee}


def test_each_committee_member_with_the_others_and_with_each_member():
    cov = run(
        [
            talk(S, G, D(2025, 2, 1)),
            talk(S, A, D(2025, 3, 1)),
            talk(B, S, D(2025, 4, 1)),
            talk(G, A, D(2025, 5, 1)),
            talk(P, G, D(2025, 8, 1)),
        ]
    )
    found = rows(cov)
    # The 书记's own view is unchanged: the 宣传委员 (a committee member) has not been talked with.
    assert {r.member_id for r in cov.missing_rows} == {P}
    assert (found[S].peers, found[S].peers_missing, found[S].members_missing) == (2, ["宣传委员"], [])
    assert found[S].complete is False
    assert (found[G].peers_missing, found[G].members_missing) == ([], ["乙"])
    assert (found[P].peers_done, found[P].members, found[P].members_missing) == (1, 2, ["甲", "乙"])
    assert cov.committee_complete == 0


def test_a_talk_before_someone_joined_the_committee_does_not_count_for_it():
    cov = run([talk(P, S, D(2025, 3, 1))])  # 宣传委员 only from July: then an ordinary member
    assert "宣传委员" in rows(cov)[S].peers_missing


def test_members_who_left_are_not_expected_and_a_complete_committee_is_counted():
    talks = [talk(a, b, D(2025, 9, 1)) for a, b in ((S, G), (S, P), (G, P))]
    talks += [talk(c, m, D(2025, 9, 2)) for c in (S, G, P) for m in (A, B)]
    cov = run(talks)
    assert all(r.complete for r in cov.committee) and cov.committee_complete == 3
    assert all(r.members == 2 for r in cov.committee)  # 离开者 left in May


def test_the_rule_is_data_with_its_source():
    rule = committee_rule()
    assert rule.minimum == 1 and "第十九条" in rule.source and "委员和党员之间" in rule.source


@pytest.mark.django_db
def test_the_coverage_page_shows_the_committee_view(world, client_for, make_talk):
    secretary, organiser = world.members_a[0], world.members_a[1]
    make_talk(world.branch_a, secretary, organiser)
    html = client_for("secretary_a").get(f"/talks/org/{world.branch_a.code}/coverage/").content.decode()
    section = html[html.index('id="committee-view"') :]
    assert "支部委员之间、支部委员和党员之间" in section and "第十九条" in section
    assert f'data-committee="{secretary.pk}"' in section and f'data-committee="{organiser.pk}"' in section
    assert "书记与支部委员、党员" in html  # the 书记's view stays
