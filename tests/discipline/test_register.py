"""The levels data, who is under sanction on a day, the 违纪党员清单 and the checks of a record."""

import datetime as dt

import pytest
from django.core.exceptions import ImproperlyConfigured, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile

from dangjian.discipline import levels, services
from dangjian.discipline.models import Sanction
from dangjian.meetings import policy
from dangjian.meetings.services import UploadRefused

TODAY = dt.date.today()
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def test_levels_come_from_the_data_file_with_their_sources():
    found = levels.current()
    assert [level.name for level in found.by_code.values()] == [
        "警告",
        "严重警告",
        "撤销党内职务",
        "留党察看一年",
        "留党察看二年",
        "开除党籍",
    ]
    assert all(level.source and level.effect for level in found.by_code.values())
    assert found.codes(suspends_rights=True) == ["probation_1", "probation_2"]
    assert found.codes(takes_vote=True) == ["probation_1", "probation_2", "expulsion"]
    assert "纪律处分条例" in found.source


@pytest.mark.parametrize(
    "code,decided,end",
    [
        ("probation_1", dt.date(2025, 3, 10), dt.date(2026, 3, 9)),
        ("probation_2", dt.date(2025, 3, 10), dt.date(2027, 3, 9)),
        ("probation_1", dt.date(2024, 2, 29), dt.date(2025, 2, 28)),
        ("warning", dt.date(2025, 3, 10), None),
    ],
)
def test_period_end_follows_from_the_level(code, decided, end):
    assert levels.current().get(code).period_end(decided) == end


def test_a_broken_levels_file_is_refused_in_chinese(tmp_path):
    bad = tmp_path / "sanctions.toml"
    bad.write_text(
        'version = "x"\ntitle = "t"\nsource = "s"\n[[levels]]\ncode = "p"\nname = "察看"\n'
        'effect = "e"\nsource = "s"\nsuspends_rights = true\n',
        encoding="utf-8",
    )
    with pytest.raises(ImproperlyConfigured, match="党纪处分种类文件"):
        levels.load(bad)


@pytest.mark.django_db
def test_who_is_without_vote_depends_on_the_day(world, make_sanction):
    a = world.members_a
    decided = dt.date(2025, 3, 10)
    probation = make_sanction(a[2], "probation_1", decided)
    make_sanction(a[3], "warning", decided)
    make_sanction(a[5], "expulsion", decided)
    ids = [m.pk for m in a]
    assert probation.period_end == dt.date(2026, 3, 9)
    assert services.without_vote(ids, decided - dt.timedelta(days=1)) == set()
    assert services.without_vote(ids, decided) == {a[2].pk, a[5].pk}
    assert services.without_vote(ids, dt.date(2026, 3, 9)) == {a[2].pk, a[5].pk}  # the last day
    assert services.without_vote(ids, dt.date(2026, 3, 10)) == {a[5].pk}  # period over; expelled for good
    assert services.on_probation(ids, decided) == {a[2].pk}
    probation.lifted_on, probation.lifted_note = dt.date(2025, 9, 1), "申诉复查撤销处分"
    probation.save()
    assert services.on_probation(ids, dt.date(2025, 8, 31)) == {a[2].pk}
    assert services.on_probation(ids, dt.date(2025, 9, 1)) == set()


@pytest.mark.django_db
def test_sanctions_of_and_the_list_of_an_org_and_year(world, make_sanction):
    a, b = world.members_a, world.members_b
    last_year = TODAY.year - 1
    running = make_sanction(a[2], "probation_2", dt.date(last_year, 6, 1))
    old_warning = make_sanction(a[3], "warning", dt.date(last_year, 6, 1))
    this_year = make_sanction(b[2], "serious_warning", TODAY - dt.timedelta(days=1))
    assert list(services.sanctions_of(a[2])) == [running]
    # This year's list: the 留党察看 still running counts, last year's 警告 does not.
    assert set(services.sanction_list(world.town, TODAY.year)) == {running, this_year}
    assert set(services.sanction_list(world.general, TODAY.year)) == {running}
    assert set(services.sanction_list(world.branch_a, last_year)) == {running, old_warning}
    assert list(services.sanction_list(world.town, TODAY.year, "serious_warning")) == [this_year]
    assert running.org == world.branch_a  # the member's branch when recorded


@pytest.mark.django_db
@pytest.mark.parametrize(
    "fields,field,words",
    [
        ({"decided_on": TODAY + dt.timedelta(days=1)}, "decided_on", "不能晚于今天"),
        ({"decided_on": dt.date(2000, 1, 1)}, "decided_on", "早于该党员的入党日期"),
        (
            {"lifted_on": TODAY - dt.timedelta(days=40), "lifted_note": "撤销"},
            "lifted_on",
            "应晚于处分决定日期",
        ),
        ({"lifted_on": TODAY - dt.timedelta(days=1)}, "lifted_note", "请说明"),
        ({"lifted_note": "恢复"}, "lifted_on", "请同时填写"),
        ({"level": "no_such_level"}, "level", "不在党纪处分种类文件中"),
    ],
)
def test_bad_records_are_refused_with_the_reason(world, fields, field, words):
    sanction = Sanction(
        member=world.members_a[2],
        level="warning",
        decided_on=TODAY - dt.timedelta(days=30),
        decided_by="镇纪委",
        facts="事实",
    )
    for name, value in fields.items():
        setattr(sanction, name, value)
    with pytest.raises(ValidationError) as caught:
        sanction.full_clean()
    assert any(words in message for message in caught.value.message_dict[field])


@pytest.mark.django_db
def test_the_same_sanction_twice_is_refused(world, make_sanction):
    first = make_sanction(world.members_a[2], "warning")
    twin = Sanction(
        member=first.member, level="warning", decided_on=first.decided_on, decided_by="x", facts="y"
    )
    assert "请勿重复登记" in services.problems(twin)["level"]
    assert services.problems(first) == {}  # saving the record itself again is fine


def test_documents_are_checked_by_content(monkeypatch):
    content, extension, mime = services.checked_document(SimpleUploadedFile("决定.pdf", PDF))
    assert (content, extension, mime) == (PDF, "pdf", "application/pdf")
    with pytest.raises(UploadRefused, match="实际内容不是这些类型"):
        services.checked_document(SimpleUploadedFile("决定.pdf", "伪装成 PDF 的文本".encode()))
    with pytest.raises(UploadRefused, match="文件是空的"):
        services.checked_document(SimpleUploadedFile("决定.pdf", b""))
    monkeypatch.setattr(policy, "UPLOAD_MAX_BYTES", 1024)
    with pytest.raises(UploadRefused, match="文件超过"):
        services.checked_document(SimpleUploadedFile("决定.pdf", PDF + b"0" * 5000))
