import datetime as dt
import itertools

import factory

from dangjian.accounts.models import User
from dangjian.core import idcard
from dangjian.members.choices import Category, Status
from dangjian.members.models import Member
from dangjian.orgs.choices import OrgCategory, OrgKind, PositionTitle
from dangjian.orgs.models import Organisation, Position

_seq = itertools.count(1)


def make_id_number(birth: dt.date = dt.date(1980, 5, 17), male: bool = True) -> str:
    n = next(_seq)
    seq = (n * 2 + (1 if male else 0)) % 1000
    first17 = f"110101{birth:%Y%m%d}{seq:03d}"
    if n >= 500:
        first17 = f"{110101 + n // 500:06d}{birth:%Y%m%d}{seq:03d}"
    return first17 + idcard.check_char(first17)


class OrgFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Organisation

    code = factory.Sequence(lambda n: f"ORG{n:04d}")
    name = factory.Sequence(lambda n: f"测试党支部{n}")
    kind = OrgKind.BRANCH
    category = OrgCategory.VILLAGE
    founded_on = dt.date(2000, 1, 1)


class MemberFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Member

    name = factory.Sequence(lambda n: f"党员{n}")
    gender = "M"
    birth_date = dt.date(1980, 5, 17)
    id_number = factory.LazyAttribute(lambda o: make_id_number(o.birth_date, o.gender == "M"))
    phone = factory.Sequence(lambda n: f"139{n:08d}")
    joined_on = dt.date(2005, 7, 1)
    confirmed_on = dt.date(2006, 7, 1)
    category = Category.FULL
    status = Status.NORMAL
    org = factory.SubFactory(OrgFactory)


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    password = factory.PostGenerationMethodCall("set_password", "Secret-pass-1")

    @factory.post_generation
    def saved(obj, create, extracted, **kwargs):
        if create:
            obj.save()


def appoint(
    member: Member, org: Organisation, title: PositionTitle, started_on=dt.date(2020, 1, 1)
) -> Position:
    return Position.objects.create(member=member, org=org, title=title, started_on=started_on)
