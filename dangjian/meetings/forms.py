from django import forms
from django.db.models import Q
from django.utils import timezone

from dangjian.core.validators import multi_line, single_line
from dangjian.members.choices import ACTIVE_STATUSES
from dangjian.members.models import Member
from dangjian.orgs.choices import PositionTitle
from dangjian.orgs.forms import DateInput
from dangjian.orgs.models import Position
from dangjian.rulebook import rulebook

from .models import Activity, AgendaItem, AttendanceStatus, Rectification, activity_choices


class DateTimeInput(forms.DateTimeInput):
    input_type = "datetime-local"

    def __init__(self, **kwargs):
        super().__init__(format="%Y-%m-%dT%H:%M", **kwargs)


def _all_parts() -> list[tuple[str, str]]:
    seen: list[str] = []
    for item in rulebook.current().activity_items():
        seen += [p for p in item.parts if p not in seen]
    return [(p, p) for p in seen]


class ActivityForm(forms.ModelForm):
    kind = forms.ChoiceField(label="类型")
    parts = forms.MultipleChoiceField(
        label="主题党日实际开展的环节",
        required=False,
        widget=forms.CheckboxSelectMultiple,
        choices=_all_parts,
    )

    class Meta:
        model = Activity
        fields = [
            "org",
            "kind",
            "title",
            "status",
            "planned_start",
            "planned_end",
            "actual_start",
            "actual_end",
            "place",
            "host",
            "recorder",
            "speaker",
            "parts",
        ]
        widgets = {f: DateTimeInput() for f in ("planned_start", "planned_end", "actual_start", "actual_end")}

    def __init__(self, *args, orgs, lecture_only=frozenset(), **kwargs):
        super().__init__(*args, **kwargs)
        self.lecture_only = lecture_only
        self.fields["kind"].choices = activity_choices()
        self.fields["org"].queryset = orgs
        branch_ids = {o.parent_id if o.kind == "group" else o.pk for o in orgs}
        members = Member.objects.filter(status__in=ACTIVE_STATUSES).filter(
            Q(org_id__in=branch_ids) | Q(dual_org_id__in=branch_ids)
        )
        self.fields["host"].queryset = members
        self.fields["recorder"].queryset = members
        # The same posts `services.speaker_titles` accepts: any in the branch, 党建指导员 on its ancestors.
        above = {int(i) for o in orgs for i in o.path.strip("/").split("/") if i} - branch_ids
        leaders = (
            Position.objects.current()
            .filter(Q(org_id__in=branch_ids) | Q(org_id__in=above, title=PositionTitle.INSTRUCTOR))
            .values("member_id")
        )
        self.fields["speaker"].queryset = Member.objects.filter(
            Q(pk__in=members.values("pk")) | Q(pk__in=leaders)
        )
        self.fields["speaker"].help_text = "仅党课填写；授课人应为本支部书记或党建指导员，否则保留并标注。"
        self.fields["actual_start"].help_text = "活动召开后填写；尚未召开的活动留空。"

    def clean(self):
        data = super().clean()
        org = data.get("org")
        if org is not None and org.pk in self.lecture_only and data.get("kind") != "party_lecture":
            self.add_error("kind", "党建指导员只能登记本人讲授的党课。")
        return data


class MinutesForm(forms.Form):
    minutes = forms.CharField(
        label="会议记录", required=False, widget=forms.HiddenInput, validators=[multi_line]
    )


class RecordForm(forms.Form):
    kind = forms.ChoiceField(label="记录类型")
    file = forms.FileField(
        label="文件", help_text="活动剪影：JPG/PNG 照片；其他：PDF、Word、Excel 或 JPG/PNG。"
    )

    def __init__(self, *args, codes, **kwargs):
        super().__init__(*args, **kwargs)
        book = rulebook.current()
        self.fields["kind"].choices = [(c, book.record_name(c)) for c in codes]


class AgendaForm(forms.ModelForm):
    class Meta:
        model = AgendaItem
        fields = ["kind", "title", "subject", "present", "votes_for", "votes_against", "votes_abstain"]

    def __init__(self, *args, members, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["subject"].queryset = members


class RectificationForm(forms.ModelForm):
    class Meta:
        model = Rectification
        fields = ["content", "owner", "due_on"]
        widgets = {"due_on": DateInput()}

    def __init__(self, *args, members, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["owner"].queryset = members


class LeaveForm(forms.Form):
    reason = forms.CharField(
        label="请假事由",
        max_length=200,
        validators=[single_line],
        widget=forms.TextInput(attrs={"placeholder": "如：外出务工"}),
    )


class MakeUpForm(forms.Form):
    content = forms.CharField(label="补学内容", max_length=300, validators=[single_line])
    due_on = forms.DateField(label="完成时限", widget=DateInput())

    def clean_due_on(self):
        due_on = self.cleaned_data["due_on"]
        if due_on < timezone.localdate():
            raise forms.ValidationError("完成时限不能早于今天。")
        return due_on


ATTENDANCE_CHOICES = [("", "未记录"), *AttendanceStatus.choices]
