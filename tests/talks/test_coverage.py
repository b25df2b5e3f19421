"""The coverage rule on plain data: who the 书记 talked with, counted per year, without a database."""

import datetime as dt

from hypothesis import given
from hypothesis import strategies as st

from dangjian.talks.coverage import Status, Stint, TalkFact, Term, coverage

D = dt.date
YEAR = 2025
S, S2, A, B, C = 1, 2, 10, 11, 12
NAMES = {S: "书记", S2: "新书记", A: "甲", B: "乙", C: "丙"}


LONG_AGO = D(2010, 1, 1)


def stint(member_id, start=LONG_AGO, end=None, committee=False):
    return Stint(member_id, NAMES[member_id], start, end, committee)


def talk(a, b, on, talk_id=None):
    return TalkFact(talk_id or hash((a, b, on)) % 10_000, a, b, on)


def statuses(cov):
    return {r.member_id: r.status for r in cov.rows}


def test_talk_in_either_direction_counts_and_the_secretary_needs_no_talk_with_themself():
    cov = coverage(
        YEAR,
        [stint(S, committee=True), stint(A), stint(B), stint(C)],
        [Term(S, "书记", D(2020, 1, 1))],
        [talk(S, A, D(2025, 3, 1)), talk(B, S, D(2025, 4, 1))],
    )
    assert statuses(cov) == {S: Status.SECRETARY, A: Status.COVERED, B: Status.COVERED, C: Status.MISSING}
    assert (cov.expected, cov.covered, cov.missing) == (3, 2, 1)
    assert [r.name for r in cov.missing_rows] == ["丙"]
    assert not cov.complete and cov.percent == 67


def test_talks_between_two_members_do_not_count():
    cov = coverage(
        YEAR, [stint(S), stint(A), stint(B)], [Term(S, "书记", D(2020, 1, 1))], [talk(A, B, D(2025, 5, 5))]
    )
    assert statuses(cov)[A] == Status.MISSING and statuses(cov)[B] == Status.MISSING


def test_talks_outside_the_year_or_after_as_of_do_not_count():
    talks = [talk(S, A, D(2024, 12, 31)), talk(S, B, D(2026, 1, 1)), talk(S, C, D(2025, 6, 2))]
    people = [stint(S), stint(A), stint(B), stint(C)]
    terms = [Term(S, "书记", D(2020, 1, 1))]
    assert statuses(coverage(YEAR, people, terms, talks)) == {
        S: Status.SECRETARY,
        A: Status.MISSING,
        B: Status.MISSING,
        C: Status.COVERED,
    }
    running = coverage(YEAR, people, terms, talks, as_of=D(2025, 6, 1))
    assert running.end == D(2025, 6, 1) and not running.year_over
    assert statuses(running)[C] == Status.MISSING
    assert statuses(coverage(YEAR, people, terms, talks, as_of=D(2025, 6, 2)))[C] == Status.COVERED


def test_secretary_change_mid_year_credits_whoever_was_secretary_that_day():
    people = [stint(S, committee=True), stint(S2, committee=True), stint(A), stint(B), stint(C)]
    terms = [Term(S, "书记", D(2019, 1, 1), D(2025, 6, 30)), Term(S2, "新书记", D(2025, 7, 1))]
    talks = [
        talk(S, A, D(2025, 6, 30)),  # S's last day in office: counts
        talk(S, B, D(2025, 7, 1)),  # S no longer secretary: does not count
        talk(C, S2, D(2025, 7, 1)),  # S2's first day: counts
        talk(S2, S, D(2025, 9, 1)),  # the old secretary is now talked to by the new one
    ]
    cov = coverage(YEAR, people, terms, talks)
    assert statuses(cov) == {
        S: Status.COVERED,
        S2: Status.MISSING,
        A: Status.COVERED,
        B: Status.MISSING,
        C: Status.COVERED,
    }
    # S2 needed a talk with S while S was secretary; one on 30 June would have done.
    fixed = coverage(YEAR, people, terms, [*talks, talk(S2, S, D(2025, 6, 30))])
    assert statuses(fixed)[S2] == Status.COVERED
    assert any("书记有变动" in n for n in cov.notes())


def test_member_who_joined_mid_year_is_expected_and_earlier_talks_do_not_count():
    people = [stint(S), stint(A, start=D(2025, 6, 1))]
    terms = [Term(S, "书记", D(2020, 1, 1))]
    before = coverage(YEAR, people, terms, [talk(S, A, D(2025, 5, 31))])
    assert statuses(before)[A] == Status.MISSING
    assert before.rows[1].joined_on == D(2025, 6, 1)
    on_the_day = coverage(YEAR, people, terms, [talk(S, A, D(2025, 6, 1))])
    assert statuses(on_the_day)[A] == Status.COVERED


def test_member_who_left_mid_year_is_not_counted_as_missing():
    people = [stint(S), stint(A, end=D(2025, 3, 31)), stint(B, end=D(2025, 3, 31))]
    cov = coverage(YEAR, people, [Term(S, "书记", D(2020, 1, 1))], [talk(S, B, D(2025, 3, 31))])
    assert statuses(cov) == {S: Status.SECRETARY, A: Status.LEFT, B: Status.COVERED}
    assert (cov.expected, cov.missing) == (1, 0) and cov.complete
    assert cov.rows[1].left_on == D(2025, 3, 31)
    # A talk after they left does not count for them.
    late = coverage(YEAR, people, [Term(S, "书记", D(2020, 1, 1))], [talk(S, A, D(2025, 4, 1))])
    assert statuses(late)[A] == Status.LEFT


def test_member_who_left_and_came_back_counts_talks_from_either_stay():
    people = [stint(S), stint(A, end=D(2025, 2, 28)), stint(A, start=D(2025, 9, 1))]
    cov = coverage(YEAR, people, [Term(S, "书记", D(2020, 1, 1))], [talk(S, A, D(2025, 2, 1))])
    assert statuses(cov)[A] == Status.COVERED
    away = coverage(YEAR, people, [Term(S, "书记", D(2020, 1, 1))], [talk(S, A, D(2025, 5, 1))])
    assert statuses(away)[A] == Status.MISSING


def test_no_secretary_says_so_and_nothing_counts():
    cov = coverage(YEAR, [stint(A), stint(B)], [], [talk(A, B, D(2025, 3, 1))])
    assert cov.no_secretary and not cov.complete
    assert statuses(cov) == {A: Status.MISSING, B: Status.MISSING}
    assert any("未设书记" in n for n in cov.notes())


def test_stretches_without_a_secretary_are_reported_and_talks_then_do_not_count():
    terms = [Term(S, "书记", D(2025, 3, 1), D(2025, 8, 31))]
    cov = coverage(
        YEAR, [stint(S), stint(A), stint(B)], terms, [talk(S, A, D(2025, 2, 28)), talk(S, B, D(2025, 3, 1))]
    )
    assert cov.gaps == [(D(2025, 1, 1), D(2025, 2, 28)), (D(2025, 9, 1), D(2025, 12, 31))]
    assert statuses(cov)[A] == Status.MISSING and statuses(cov)[B] == Status.COVERED
    assert len([n for n in cov.notes() if "无书记" in n]) == 2


def test_committee_members_are_flagged_and_minimum_comes_from_the_rule():
    people = [stint(S, committee=True), stint(A, committee=True), stint(B)]
    talks = [talk(S, A, D(2025, 2, 1)), talk(S, A, D(2025, 8, 1)), talk(S, B, D(2025, 2, 1))]
    cov = coverage(YEAR, people, [Term(S, "书记", D(2020, 1, 1))], talks, minimum=2)
    assert statuses(cov) == {S: Status.SECRETARY, A: Status.COVERED, B: Status.MISSING}
    assert [r.committee for r in cov.rows] == [True, True, False]
    assert cov.rows[1].count == 2 and cov.rows[1].last_talk == D(2025, 8, 1)


def test_a_year_not_yet_begun_is_empty():
    cov = coverage(2030, [stint(S), stint(A)], [Term(S, "书记", D(2020, 1, 1))], [], as_of=D(2025, 5, 1))
    assert cov.rows == [] and cov.expected == 0


dates = st.dates(min_value=D(2024, 11, 1), max_value=D(2026, 2, 1))


@given(
    st.lists(st.tuples(st.sampled_from([S, S2, A, B]), st.sampled_from([S, S2, A, B]), dates), max_size=12),
    dates,
)
def test_direction_never_matters_and_counts_add_up(raw, handover):
    people = [stint(S), stint(S2), stint(A), stint(B, start=D(2025, 4, 1))]
    terms = [Term(S, "书记", D(2020, 1, 1), handover), Term(S2, "新书记", handover + dt.timedelta(days=1))]
    forward = [TalkFact(i, a, b, on) for i, (a, b, on) in enumerate(raw)]
    backward = [TalkFact(i, b, a, on) for i, (a, b, on) in enumerate(raw)]
    one, other = coverage(YEAR, people, terms, forward), coverage(YEAR, people, terms, backward)
    assert statuses(one) == statuses(other)
    assert one.expected == one.covered + one.missing
    for row in one.rows:
        for t in row.talks:
            assert row.member_id in (t.a, t.b) and t.on.year == YEAR
