"""The desk's sample: weighted by risk, the same for the same seed, each pick with its reason."""

import datetime as dt

import pytest

from dangjian.supervision.rounds import config, sampling, services
from dangjian.supervision.rounds.models import Round

from .helpers import signals_world
from .rounds_helpers import make_round

S = config.current().sampling


def cand(i, signals=None, unmet=0, days=None):
    return sampling.Candidate(i, f"B{i:03}", f"支部{i}", signals or {}, unmet, days)


POOL = [cand(i, unmet=i % 4, days=(i * 37) % 900 if i % 5 else None) for i in range(1, 61)]


def test_same_seed_same_sample_other_seed_other_sample():
    first = sampling.draw(POOL, 8, seed=20261203, s=S)
    assert sampling.draw(list(reversed(POOL)), 8, seed=20261203, s=S) == first  # input order does not matter
    assert [p.org_id for p in sampling.draw(POOL, 8, seed=1, s=S)] != [p.org_id for p in first]
    assert len({p.org_id for p in first}) == 8


def test_the_riskiest_are_picked_and_the_rest_by_chance():
    risky = cand(999, signals={"会议记录雷同": 4}, unmet=6)
    pool = [*POOL, risky]
    for seed in range(50):
        picks = sampling.draw(pool, 5, seed, S)
        assert picks[0].org_id == 999 and picks[0].reason.startswith("重点抽查（风险排名第 1）")
        assert sum(p.reason.startswith("重点抽查") for p in picks) == 3  # ceil(5 × 0.6)
    chance = [p for seed in range(200) for p in sampling.draw(pool, 5, seed, S)[3:]]
    assert all(p.reason.startswith("随机抽取") for p in chance)
    assert len({p.org_id for p in chance}) > 20  # low-risk branches come up too


def test_weight_and_reason_follow_the_data_file():
    c = cand(1, signals={"会议记录雷同": 2, "活动扎堆": 1}, unmet=3, days=100)
    assert sampling.weight(c, S) == pytest.approx(1 + 3 * S.signal + 3 * S.unmet + 100 * S.days)
    never = cand(2)
    assert sampling.weight(never, S) == pytest.approx(1 + S.days_cap * S.days)
    reason = sampling.reason(c, sampling.weight(c, S))
    assert "待核实风险信号 3 条（会议记录雷同 2、活动扎堆 1）" in reason
    assert "本年度未达标或不完整 3 项" in reason and "距上次督查 100 天" in reason
    assert "从未督查" in sampling.reason(never, 1)


def test_fewer_candidates_than_asked():
    assert len(sampling.draw(POOL[:3], 10, seed=5, s=S)) == 3


@pytest.mark.django_db
def test_a_round_stores_its_seed_and_draws_again_the_same(world):
    signals_world(world)  # branch B copied minutes: a signal the reason names
    r = make_round(world, seed=424242)
    picks = {s.org_id: s.reason for s in r.sample.all()}
    assert set(picks) == {world.branch_a.pk, world.branch_b.pk}
    assert "会议记录雷同 1" in picks[world.branch_b.pk]
    again = services.create_round(
        world.user("office"),
        world.town,
        "复查",
        dt.date(2026, 1, 1),
        dt.date(2026, 6, 30),
        ["records"],
        size=1,
        seed=424242,
    )
    other = services.create_round(
        world.user("office"),
        world.town,
        "复查2",
        dt.date(2026, 1, 1),
        dt.date(2026, 6, 30),
        ["records"],
        size=1,
        seed=424242,
    )
    assert list(again.sample.values_list("org_id", "reason")) == list(
        other.sample.values_list("org_id", "reason")
    )
    assert Round.objects.get(pk=again.pk).seed == 424242


@pytest.mark.django_db
def test_the_checklist_comes_from_the_rules_file(world):
    r = make_round(world)
    lecture = r.items.get(rule="party_lecture")
    assert lecture.name == "党课" and lecture.records == "党课稿、签到表、党课记录"
    assert lecture.leaders == "书记、党建指导员" and "不少于4次" in lecture.points
    assert r.items.count() == len(config.current().checklist)
    free = services.add_item(r, "党费收缴公示", "查看公示栏")
    assert free.rule == "" and free.seq == r.items.count()


@pytest.mark.django_db
def test_the_office_edits_the_sample(world):
    r = make_round(world)
    services.remove_branch(r, world.branch_a)
    assert not r.sample.filter(org=world.branch_a).exists()
    added = services.add_branch(r, world.branch_a, "群众反映会议不正常", world.user("office"))
    assert not added.by_desk and added.reason == "党建办加入：群众反映会议不正常"
    with pytest.raises(Exception, match="已在抽查名单中"):
        services.add_branch(r, world.branch_a, "再加一次", world.user("office"))
    with pytest.raises(Exception, match="只能抽查本镇的党支部"):
        services.add_branch(r, world.general, "党总支", world.user("office"))
