"""Each signal at its thresholds, computed by the pure engine from hand-made facts."""

import dataclasses
import datetime as dt

from dangjian.supervision import config, engine
from dangjian.supervision.choices import SignalKind
from dangjian.supervision.text import similarity

from .helpers import act, at, facts, present

T = config.current()
D = dt.date(2026, 3, 10)
BASE = (
    "三月十日上午在党员活动室召开主题党日，应到二十人，实到十八人。会议集中学习了党章有关党员义务的条款，"
    "王强谈到邻里纠纷调解要有人牵头，李红提出村道路灯维修需尽快落实，张伟建议组织党员到红色教育基地参观。"
    "会议议定下月开展一次志愿服务，由支部委员分片走访困难党员，两周内完成。"
)


def kinds(found, kind):
    return [f for f in found if f.kind == kind]


def with_changes(text: str, changes: int) -> str:
    """The text with its first `changes` characters replaced by a different character each."""
    return "".join("※" if i < changes else c for i, c in enumerate(text))


def copies(other: str):
    first = act(D, text=BASE)
    second = act(D + dt.timedelta(days=30), branch=2, text=other)
    return first, second, list(engine.copied_minutes(facts(first, second), T))


def test_copied_minutes_just_over_the_threshold_is_a_signal_just_under_is_not():
    threshold = T.copied_minutes.similarity
    over = next(
        with_changes(BASE, n)
        for n in range(60, 0, -1)
        if similarity(BASE, with_changes(BASE, n)) >= threshold
    )
    under = next(
        with_changes(BASE, n) for n in range(1, 60) if similarity(BASE, with_changes(BASE, n)) < threshold
    )
    assert threshold <= similarity(BASE, over) < threshold + 2
    assert threshold - 2 < similarity(BASE, under) < threshold

    first, second, found = copies(over)
    assert len(found) == 1
    f = found[0]
    assert f.branch_id == 2 and f.activity_ids == (first.id, second.id)  # the later one is the copy
    assert f.measure == similarity(BASE, over) and f.threshold == threshold
    assert "另一支部" in f.summary and f"{f.measure:g}%" in f.summary
    assert copies(under)[2] == []


def test_a_copy_is_reported_once_against_its_closest_earlier_minutes():
    days = [act(D + dt.timedelta(days=30 * i), text=BASE.replace("三月", f"{i}月")) for i in range(4)]
    found = list(engine.copied_minutes(facts(*days), T))
    assert [f.activity_ids[1] for f in found] == [a.id for a in days[1:]]
    assert len({f.fingerprint for f in found}) == 3


def test_short_minutes_are_not_compared():
    short = BASE[: T.copied_minutes.min_chars - 1]
    assert list(engine.copied_minutes(facts(act(D, text=short), act(D, text=short)), T)) == []


def test_comparison_uses_lsh_candidates_not_every_pair(monkeypatch):
    compared = []
    real = engine.similarity
    monkeypatch.setattr(engine, "similarity", lambda a, b: compared.append(1) or real(a, b))
    texts = [
        f"{i}号文本：" + "".join(chr(0x4E00 + (i * 131 + j * 7) % 20000) for j in range(120))
        for i in range(200)
    ]
    found = list(engine.copied_minutes(facts(*(act(D, text=t) for t in texts)), T))
    assert found == [] and len(compared) < 50  # 19,900 pairs, almost none of them compared


def late_facts(late: int, total: int, delay: int = 40):
    acts = [
        act(D, late=i < late, recorded=D + dt.timedelta(days=delay if i < late else 1)) for i in range(total)
    ]
    return facts(*acts)


def test_late_entry_from_the_share_and_the_minimum_count():
    share, minimum = T.late_entry.share, T.late_entry.min_count
    total = 20
    at_threshold = int(-(-share * total // 100))  # the fewest late entries reaching the share
    found = list(engine.late_entry(late_facts(at_threshold, total), T))
    assert len(found) == 1 and found[0].measure >= share
    assert "平均在活动后 40 天" in found[0].summary
    assert list(engine.late_entry(late_facts(at_threshold - 1, total), T)) == []
    # a small branch: every activity late, but fewer than the minimum count
    assert list(engine.late_entry(late_facts(minimum - 1, minimum - 1), T)) == []


def overlap_case(second_start_hour: int, second_minute: int = 0, place: str = "村委会会议室"):
    a = act(D, hour=9, hours=2)
    b = act(D, branch=2, start=at(D, second_start_hour, second_minute), place=place)
    return list(engine.impossible_attendance(facts(a, b, presences=[present(a, 7), present(b, 7)]), T))


def test_overlapping_times_in_different_places_are_impossible_touching_times_are_not():
    found = overlap_case(10, 59)
    assert len(found) == 1 and found[0].details == {"members": [7], "reason": "overlap"}
    assert overlap_case(11) == []  # the first ends at 11:00 as the second starts
    assert overlap_case(10, 59, place="党员活动室") == []  # same place: e.g. a joint meeting


def test_present_on_approved_leave_after_leaving_the_party_or_signed_in_outside_the_window():
    a = act(D, hour=9, hours=2)
    before = T.impossible_attendance.signin_before_minutes
    after = T.impossible_attendance.signin_after_minutes
    rows = [
        present(a, 1, on_leave=True),
        present(a, 2),
        present(a, 3, "qr", a.start - dt.timedelta(minutes=before)),  # at the edge: fine
        present(a, 4, "qr", a.start - dt.timedelta(minutes=before + 1)),
        present(a, 5, "qr", a.end + dt.timedelta(minutes=after + 1)),
        present(a, 6, "qr", a.end + dt.timedelta(minutes=after)),  # at the edge: fine
    ]
    found = {
        f.details["reason"]: f
        for f in engine.impossible_attendance(
            facts(a, presences=rows, departed={2: D - dt.timedelta(days=1), 6: D}), T
        )
    }
    assert found["leave"].details["members"] == [1]
    assert found["departed"].details["members"] == [2]  # member 6 left on the day itself
    assert found["signin"].details["members"] == [4, 5]


def month_end_case(months: int, day_of=lambda first: first.replace(day=28) + dt.timedelta(days=3)):
    acts = []
    for m in range(1, months + 1):
        first = dt.date(2026, m, 1)
        last = (first.replace(day=28) + dt.timedelta(days=4)).replace(day=1) - dt.timedelta(days=1)
        acts += [
            act(last, kind="theme_day", hour=9),
            act(last - dt.timedelta(days=1), kind="committee_meeting", hour=15),
        ]
    return list(engine.bunching(facts(*acts), T))


def test_bunching_month_after_month_at_month_end():
    rule = T.bunching
    found = month_end_case(rule.min_months)
    assert len(found) == 1 and found[0].measure == rule.min_months
    assert month_end_case(rule.min_months - 1) == []


def test_bunching_on_one_day_needs_enough_kinds_and_months():
    rule = T.bunching
    kinds_ = ["theme_day", "committee_meeting", "group_meeting", "party_lecture"]

    def case(n_kinds, months):
        acts = [
            act(dt.date(2026, m, 12), kind=k, hour=8 + 3 * i)
            for m in range(1, months + 1)
            for i, k in enumerate(kinds_[:n_kinds])
        ]
        return list(engine.bunching(facts(*acts), T))

    assert len(case(rule.same_day_kinds, rule.min_months)) == 1
    assert case(rule.same_day_kinds - 1, rule.min_months) == []
    assert case(rule.same_day_kinds, rule.min_months - 1) == []
    # the same kind several times on a day (e.g. two 党小组) is not bunching of kinds
    same = [
        act(dt.date(2026, m, 12), kind="group_meeting", hour=8 + 3 * i) for m in range(1, 6) for i in range(4)
    ]
    assert list(engine.bunching(facts(*same), T)) == []


def test_thin_content_short_minutes_missing_script_and_repeated_theme():
    rule = T.thin_content
    short = act(D, text="学" * (rule.min_minutes_chars - 1), title="一")
    enough = act(D, text="学" * rule.min_minutes_chars, title="二")
    empty = act(D, text="", title="三")  # missing minutes are the compliance check's business
    lecture = act(D, kind=rule.lecture_kind)
    scripted = act(D, kind=rule.lecture_kind)
    repeated = [act(D + dt.timedelta(days=30 * i), title="重温入党誓词") for i in range(rule.repeat_min)]
    fewer = [
        act(D + dt.timedelta(days=30 * i), branch=2, title="重温入党誓词") for i in range(rule.repeat_min - 1)
    ]
    fixed = [
        act(D + dt.timedelta(days=30 * i), kind="committee_meeting", title="研究本月支部工作")
        for i in range(6)
    ]
    found = list(
        engine.thin_content(
            facts(short, enough, empty, lecture, scripted, *repeated, *fewer, *fixed, scripts=[scripted.id]),
            T,
        )
    )
    by_reason = {}
    for f in found:
        by_reason.setdefault(f.details["reason"], []).append(f)
    assert [f.activity_ids for f in by_reason["short"]] == [(short.id,)]
    assert [f.activity_ids for f in by_reason["no_script"]] == [(lecture.id,)]
    assert [f.activity_ids for f in by_reason["repeat"]] == [tuple(a.id for a in repeated)]


def test_findings_come_in_priority_order_with_stable_fingerprints():
    a = act(D, text=BASE)
    b = act(D + dt.timedelta(days=1), text=BASE)
    lecture = act(D, kind="party_lecture")
    first = engine.findings(facts(a, b, lecture), T)
    again = engine.findings(facts(a, b, lecture), T)
    assert [f.kind for f in first] == [SignalKind.COPIED_MINUTES, SignalKind.THIN_CONTENT]
    assert [f.fingerprint for f in first] == [f.fingerprint for f in again]


def test_thresholds_come_from_the_data_file():
    changed = dataclasses.replace(T, copied_minutes=dataclasses.replace(T.copied_minutes, similarity=99.9))
    a = act(D, text=BASE)
    b = act(D + dt.timedelta(days=1), text=with_changes(BASE, 3))
    assert list(engine.copied_minutes(facts(a, b), T))
    assert list(engine.copied_minutes(facts(a, b), changed)) == []


def photo_facts(*hashes_by_activity):
    from dangjian.supervision.facts import Photo

    acts = [act(D + dt.timedelta(days=30 * i), branch=i + 1) for i in range(len(hashes_by_activity))]
    photos = [
        Photo(record_id=100 * (i + 1) + j, activity_id=a.id, phash=h)
        for i, (a, hashes) in enumerate(zip(acts, hashes_by_activity, strict=True))
        for j, h in enumerate(hashes)
    ]
    found = facts(*acts)
    found.photos = photos
    return acts, list(engine.reused_photos(found, T))


def flip(value: int, bits: int) -> int:
    """The hash with `bits` of its bits flipped, spread over the 64 (so no single piece keeps them all)."""
    for i in range(bits):
        value ^= 1 << (i * 64 // bits)
    return value


def test_reused_photo_within_the_distance_is_a_signal_one_bit_more_is_not():
    limit = T.reused_photos.max_distance
    h = 0x9F3A_55C1_0E77_B2D4
    acts, found = photo_facts([h], [flip(h, limit)])
    assert len(found) == 1 and found[0].measure == limit
    assert found[0].activity_ids == (acts[0].id, acts[1].id) and found[0].branch_id == 2
    assert "另一支部" in found[0].summary
    assert photo_facts([h], [flip(h, limit + 1)])[1] == []
    assert photo_facts([h, h])[1] == []  # the same photo twice in one activity is not reuse
