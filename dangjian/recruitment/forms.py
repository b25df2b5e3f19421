from django import forms
from django.utils import timezone

from dangjian.core import idcard
from dangjian.core.validators import multi_line
from dangjian.meetings import policy
from dangjian.members.choices import ACTIVE_STATUSES
from dangjian.members.models import Member
from dangjian.orgs.forms import DateInput

from . import workflow
from .models import Applicant
from .services import StepInput, agenda_choices


class ApplicantForm(forms.ModelForm):
    """A new file: the person and the day the 党组织 received the application (step 1)."""

    received_on = forms.DateField(label="收到入党申请书日期", widget=DateInput())

    class Meta:
        model = Applicant
        fields = ["name", "gender", "birth_date", "id_number", "phone", "work_unit"]
        widgets = {"birth_date": DateInput(), "id_number": forms.TextInput(), "phone": forms.TextInput()}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["received_on"].widget.attrs["max"] = timezone.localdate().isoformat()

    def clean(self):
        data = super().clean()
        number = idcard.normalise(data.get("id_number", ""))
        if number:
            if problem := idcard.problem(number):
                self.add_error("id_number", problem + "。")
            else:
                if data.get("birth_date") and data["birth_date"] != idcard.birth_date(number):
                    self.add_error("birth_date", "出生日期与身份证号不一致。")
                if data.get("gender") and data["gender"] != idcard.gender(number):
                    self.add_error("gender", "性别与身份证号不一致。")
                if Applicant.objects.by_id_number(number).exists():
                    self.add_error("id_number", "该身份证号已有发展党员档案，请联系镇党建办。")
                elif Member.objects.by_id_number(number).exists():
                    self.add_error("id_number", "该身份证号已在党员名册中，不能再建发展档案。")
        phone = (data.get("phone") or "").strip()
        if phone and not idcard.PHONE.match(phone):
            self.add_error("phone", "手机号应为以1开头的11位数字。")
        return data


# The fields beyond date and note each step uses; the page shows only those (static/recruitment/step_form.js).
STEP_FIELDS = {
    "publicity": ["date", "end_date"],
    "training": ["date", "days", "hours"],
    "extension": ["date", "months"],
    "admission_approval": ["date", "special"],
    "confirm_approval": ["date", "special"],
    "mentors": ["date", "people"],
    "introducers": ["date", "people"],
    "admission_meeting": ["agenda_item"],
    "confirm_meeting": ["agenda_item"],
}
OPTIONAL_FIELDS = ["date", "end_date", "days", "hours", "months", "special", "people", "agenda_item"]


class StepForm(forms.Form):
    """One step; the fields a step does not use are ignored (the page shows them by step)."""

    code = forms.ChoiceField(label="步骤")
    date = forms.DateField(label="日期", required=False, widget=DateInput())
    end_date = forms.DateField(label="公示结束日期", required=False, widget=DateInput())
    days = forms.IntegerField(label="培训天数", required=False, min_value=0, max_value=365)
    hours = forms.DecimalField(label="培训学时", required=False, min_value=0, max_value=999, decimal_places=1)
    months = forms.IntegerField(label="延长预备期（月）", required=False, min_value=0, max_value=24)
    special = forms.BooleanField(label="特殊情况（审批时限最长6个月）", required=False)
    people = forms.ModelMultipleChoiceField(
        label="培养联系人/入党介绍人（两名正式党员）", queryset=Member.objects.none(), required=False
    )
    agenda_item = forms.ModelChoiceField(
        label="支部党员大会表决议题", queryset=None, required=False, help_text="日期取该次会议的日期"
    )
    note = forms.CharField(
        label="说明",
        required=False,
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 2}),
        validators=[multi_line],
    )

    def __init__(self, *args, applicant: Applicant, facts, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["code"].choices = [(s.code, f"{s.no}. {s.name}") for s in workflow.available(facts)]
        self.fields["date"].widget.attrs["max"] = timezone.localdate().isoformat()
        self.fields["people"].queryset = Member.objects.filter(
            org=applicant.org, status__in=ACTIVE_STATUSES
        ).order_by("name_pinyin", "id")
        self.fields["agenda_item"].queryset = agenda_choices(applicant, ["admit", "confirm"])
        self.fields["agenda_item"].label_from_instance = lambda i: f"{i.activity.date:%Y-%m-%d} {i.title}"

    def field_map(self) -> dict[str, list[str]]:
        return {code: STEP_FIELDS.get(code, ["date"]) for code, _ in self.fields["code"].choices}

    def step_input(self) -> StepInput:
        d = self.cleaned_data
        return StepInput(
            code=d["code"],
            date=d.get("date"),
            end_date=d.get("end_date"),
            months=d.get("months") or 0,
            special=bool(d.get("special")),
            days=d.get("days") or 0,
            hours=d.get("hours") or 0,
            people=tuple(m.pk for m in d.get("people") or ()),
            agenda_item=d.get("agenda_item"),
            note=d.get("note", ""),
        )


class UploadForm(forms.Form):
    kind = forms.ChoiceField(label="材料类型")
    upload = forms.FileField(
        label="文件",
        help_text=f"PDF、Word、Excel 文件或 JPG、PNG 图片，不超过 {policy.UPLOAD_MAX_BYTES // 2**20} MB。",
    )

    def __init__(self, *args, step, **kwargs):
        super().__init__(*args, **kwargs)
        names = workflow.current().documents
        self.fields["kind"].choices = [(k, names[k]) for k in step.documents]
        self.fields["upload"].widget.attrs["accept"] = ".pdf,.doc,.docx,.xls,.xlsx,.jpg,.jpeg,.png"
