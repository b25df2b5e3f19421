from django import forms
from django.db.models import Q
from django.utils import timezone

from dangjian.core.validators import multi_line, single_line
from dangjian.members.choices import ACTIVE_STATUSES
from dangjian.members.models import Member
from dangjian.orgs.forms import DateInput
from dangjian.orgs.models import Position
from dangjian.rulebook import rulebook

from .models import Activity, AgendaItem, AttendanceStatus, Rectification, activity_choices
from .services import KIND_SPECIFIC_FIELDS, kind_fields


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
        # The posts `services.speaker_titles` accepts: any in the branch, `leaders_above` on its ancestors.
        above = {int(i) for o in orgs for i in o.path.strip("/").split("/") if i} - branch_ids
        from_above = rulebook.current().item("party_lecture").leaders_above
        leaders = (
            Position.objects.current()
            .filter(Q(org_id__in=branch_ids) | Q(org_id__in=above, title__in=from_above))
            .values("member_id")
        )
        self.fields["speaker"].queryset = Member.objects.filter(
            Q(pk__in=members.values("pk")) | Q(pk__in=leaders)
        )
        self.fields[
            "speaker"
        ].help_text = "授课人应为党组织书记（本支部、党总支或镇党委书记）或党建指导员，否则保留并标注。"
        self.fields["actual_start"].help_text = "活动召开后填写；尚未召开的活动留空。"
        # Which kinds use a field: static/meetings/activity_form.js shows it only for them.
        self.kinds_of = {
            name: [i.code for i in rulebook.current().activity_items() if name in kind_fields(i)]
            for name in KIND_SPECIFIC_FIELDS
        }
        for name, kinds in self.kinds_of.items():
            self.fields[name].widget.attrs["data-kinds"] = " ".join(kinds)

    def clean(self):
        data = super().clean()
        # A field the chosen kind does not use is cleared, whatever was sent (e.g. from before a switch).
        for name, kinds in self.kinds_of.items():
            if data.get("kind") not in kinds:
                data[name] = [] if name == "parts" else None
        org = data.get("org")
        if org is not None and org.pk in self.lecture_only and data.get("kind") != "party_lecture":
            self.add_error("kind", "党建指导员只能登记本人讲授的党课。")
        return data


class MinutesForm(forms.Form):
    minutes = forms.CharField(
        label="会议记录", required=False, widget=forms.HiddenInput, validators=[multi_line]
    )


class RecordForm(forms.Form):
    """A record filed with an activity: a file, or where the paper record is kept."""

    kind = forms.ChoiceField(label="记录类型")
    file = forms.FileField(
        label="文件",
        required=False,
        help_text="活动剪影：JPG/PNG 照片；其他：PDF、Word、Excel 或 JPG/PNG。",
    )
    reference = forms.CharField(
        label="或：纸质存档位置",
        required=False,
        max_length=200,
        validators=[single_line],
        help_text="只有纸质记录时填写存放位置，如：党建档案柜2号 2025年第3卷。",
    )

    def __init__(self, *args, codes, **kwargs):
        super().__init__(*args, **kwargs)
        book = rulebook.current()
        self.fields["kind"].choices = [(c, book.record_name(c)) for c in codes]

    def clean(self):
        data = super().clean()
        if not data.get("file") and not data.get("reference", "").strip() and "reference" not in self.errors:
            raise forms.ValidationError("请选择要上传的文件，或填写纸质存档位置。")
        if data.get("file") and data.get("reference", "").strip():
            raise forms.ValidationError("上传文件和纸质存档位置请只填一项：有电子文件时不必再填存档位置。")
        return data


class AgendaForm(forms.ModelForm):
    class Meta:
        model = AgendaItem
        fields = [
            "kind",
            "title",
            "subject",
            "present",
            "votes_for",
            "votes_against",
            "votes_abstain",
            "written_for",
            "written_against",
        ]
        help_texts = {
            "written_for": "接收预备党员、预备党员转正时，因故不能到会的有表决权党员会前提交的书面意见："
            "计入赞成票数，不计入到会人数。",
        }

    def __init__(self, *args, members, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["subject"].queryset = members
        for name in WRITTEN:
            self.fields[name].required = False

    def clean(self):
        data = super().clean()
        for name in WRITTEN:  # left empty: nobody gave a written opinion
            if data.get(name) is None and name not in self.errors:
                data[name] = 0
        return data


WRITTEN = ("written_for", "written_against")


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
