"""What a talk must satisfy (in Chinese), how its pairing is derived, and when it counts as 补录."""

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from dangjian.members.choices import Status as MemberStatus
from dangjian.orgs.choices import PositionTitle
from dangjian.talks.choices import Pairing
from dangjian.talks.forms import TalkForm
from dangjian.talks.models import LATE_ENTRY_DAYS, Talk
from tests.factories import MemberFactory, appoint

YESTERDAY = dt.date.today() - dt.timedelta(days=1)


def errors_of(talk: Talk) -> dict[str, list[str]]:
    with pytest.raises(ValidationError) as caught:
        talk.full_clean()
    return caught.value.message_dict


def new_talk(world, initiator, partner, on=YESTERDAY, **fields) -> Talk:
    return Talk(
        org=world.branch_a, initiator=initiator, partner=partner, talked_on=on, topics="谈思想", **fields
    )


@pytest.mark.django_db
class TestValidation:
    def test_a_good_talk_passes(self, world):
        new_talk(world, world.members_a[0], world.members_a[7]).full_clean()

    def test_date_in_the_future_is_refused(self, world):
        talk = new_talk(
            world, world.members_a[0], world.members_a[7], on=timezone.localdate() + dt.timedelta(days=1)
        )
        assert errors_of(talk) == {"talked_on": ["谈话日期不能晚于今天，请填写实际谈话的日期。"]}

    def test_date_before_the_branch_was_founded_is_refused(self, world):
        errors = errors_of(new_talk(world, world.members_a[0], world.members_a[7], on=dt.date(1999, 1, 1)))
        assert "早于本支部成立日期" in errors["talked_on"][0]

    def test_same_person_is_refused(self, world):
        errors = errors_of(new_talk(world, world.members_a[2], world.members_a[2]))
        assert errors == {"partner": ["谈话人和谈话对象不能是同一人，请选择另一名党员。"]}

    def test_inactive_member_is_refused(self, world):
        gone = world.members_a[6]
        gone.status = MemberStatus.LEFT
        gone.save()
        errors = errors_of(new_talk(world, world.members_a[0], gone))
        assert errors == {"partner": [f"{gone.name}的党员状态为“出党”，不能作为谈话的一方。"]}

    def test_member_of_another_branch_is_refused(self, world):
        errors = errors_of(new_talk(world, world.members_b[2], world.members_a[3]))
        assert "不是甲村党支部的党员" in errors["initiator"][0]

    def test_leading_cadre_with_dual_org_here_and_committee_member_from_elsewhere_are_accepted(self, world):
        cadre = MemberFactory(org=world.branch_b, is_leading_cadre=True, dual_org=world.branch_a)
        new_talk(world, world.members_a[0], cadre).full_clean()
        outsider = MemberFactory(org=world.branch_b)
        appoint(outsider, world.branch_a, PositionTitle.DISCIPLINE)
        new_talk(world, outsider, world.members_a[5]).full_clean()

    def test_before_review_year_must_be_the_talks_year_or_the_one_before(self, world):
        on = dt.date(2025, 1, 10)
        new_talk(world, world.members_a[0], world.members_a[7], on=on, before_review_year=2024).full_clean()
        errors = errors_of(
            new_talk(world, world.members_a[0], world.members_a[7], on=on, before_review_year=2022)
        )
        assert "2024 或 2025" in errors["before_review_year"][0]

    def test_a_member_who_has_since_left_stays_on_old_talks(self, world, make_talk):
        talk = make_talk(world.branch_a, world.members_a[0], world.members_a[6])
        world.members_a[6].status = MemberStatus.DECEASED
        world.members_a[6].save()
        talk.refresh_from_db()
        talk.topics = "补充谈话内容"
        talk.full_clean()


@pytest.mark.django_db
class TestForm:
    def data(self, world, initiator, partner, **extra):
        return {
            "initiator": initiator.pk,
            "partner": partner.pk,
            "talked_on": YESTERDAY.isoformat(),
            "form": "phone",
            "topics": "谈工作",
            **extra,
        }

    def test_a_member_records_only_talks_they_took_part_in(self, world):
        a = world.members_a
        user = world.user("member_a")
        refused = TalkForm(self.data(world, a[2], a[3]), org=world.branch_a, user=user)
        assert not refused.is_valid()
        assert refused.non_field_errors() == [
            "您只能记录本人参加的谈心谈话，请把谈话人或谈话对象选为您本人。"
        ]
        assert TalkForm(self.data(world, a[3], a[7]), org=world.branch_a, user=user).is_valid()

    def test_a_secretary_records_any_pairing(self, world):
        form = TalkForm(
            self.data(world, world.members_a[2], world.members_a[3]),
            org=world.branch_a,
            user=world.user("secretary_a"),
        )
        assert form.is_valid(), form.errors

    def test_other_branch_members_are_not_offered(self, world):
        form = TalkForm(org=world.branch_a, user=world.user("secretary_a"))
        offered = set(form.fields["partner"].queryset.values_list("pk", flat=True))
        assert offered == {m.pk for m in world.members_a}
        bad = TalkForm(
            self.data(world, world.members_a[0], world.members_b[2]),
            org=world.branch_a,
            user=world.user("secretary_a"),
        )
        assert not bad.is_valid() and "partner" in bad.errors


@pytest.mark.django_db
def test_pairing_follows_positions_on_the_talk_date(world, make_talk):
    a = world.members_a
    assert make_talk(world.branch_a, a[0], a[1]).pairing == Pairing.LEADERS
    assert make_talk(world.branch_a, a[5], a[0]).pairing == Pairing.LEADER_MEMBER
    assert make_talk(world.branch_a, a[5], a[6]).pairing == Pairing.MEMBERS
    # 党小组长 is not a committee post.
    assert make_talk(world.branch_a, a[4], a[6]).pairing == Pairing.MEMBERS
    # The secretary took office on 2020-01-01: a talk before that was between two members.
    assert make_talk(world.branch_a, a[0], a[6], on=dt.date(2019, 12, 31)).pairing == Pairing.MEMBERS


@pytest.mark.django_db
def test_late_entry_threshold(world, make_talk):
    talk = make_talk(world.branch_a, world.members_a[0], world.members_a[7], on=dt.date(2025, 3, 1))
    talk.created_at = timezone.make_aware(dt.datetime(2025, 3, 1, 23) + dt.timedelta(days=LATE_ENTRY_DAYS))
    assert talk.entry_delay_days == LATE_ENTRY_DAYS and not talk.is_late_entry
    talk.created_at += dt.timedelta(days=1)
    assert talk.is_late_entry
