from django import forms

from dangjian.core import idcard
from dangjian.core.validators import single_line
from dangjian.orgs.choices import OrgKind
from dangjian.orgs.forms import DateInput
from dangjian.orgs.models import Organisation

from .choices import ETHNICITIES
from .models import DUPLICATE_ELSEWHERE, Member


class MemberForm(forms.ModelForm):
    ethnicity = forms.ChoiceField(label="民族", choices=[(e, e) for e in ETHNICITIES], initial="汉族")

    class Meta:
        model = Member
        fields = [
            "name",
            "id_number",
            "gender",
            "ethnicity",
            "birth_date",
            "phone",
            "education",
            "work_unit",
            "joined_on",
            "confirmed_on",
            "category",
            "status",
            "org",
            "group",
            "is_leading_cadre",
            "dual_org",
        ]
        widgets = {
            "id_number": forms.TextInput(attrs={"autocomplete": "off", "maxlength": 18}),
            "phone": forms.TextInput(attrs={"type": "tel", "maxlength": 11}),
            "birth_date": DateInput(),
            "joined_on": DateInput(),
            "confirmed_on": DateInput(),
        }

    def __init__(self, *args, orgs, all_orgs, visible_members, **kwargs):
        super().__init__(*args, **kwargs)
        self.visible_members = visible_members
        self.fields["org"].queryset = orgs.filter(kind=OrgKind.BRANCH)
        self.fields["group"].queryset = orgs.filter(kind=OrgKind.GROUP)
        self.fields["dual_org"].queryset = all_orgs.exclude(kind=OrgKind.GROUP)
        self.fields["status"].disabled = self.instance.pk is None
        if self.instance.pk:
            # Moving between branches is a 组织关系转接, kept as its own record.
            self.fields["org"].disabled = True
            self.fields["org"].help_text = "调整所在党支部请使用“组织关系转接”。"

    def _get_validation_exclusions(self):
        exclude = super()._get_validation_exclusions()
        if self.instance.pk and self.cleaned_data.get("name") == self.initial.get("name"):
            exclude.add("name")  # a name registered before names were checked is kept until it is changed
        return exclude

    def clean_id_number(self):
        value = idcard.normalise(self.cleaned_data["id_number"])
        if idcard.problem(value) is None:
            self.instance.id_number = value
            twin = self.instance.registered_twin()
            if twin is not None and self.visible_members.filter(pk=twin.pk).exists():
                raise forms.ValidationError(f"该身份证号已登记（{twin.name}，{twin.org}）。")
            if twin is not None:
                raise forms.ValidationError(DUPLICATE_ELSEWHERE)
        return value


class TransferForm(forms.Form):
    to_org = forms.ModelChoiceField(label="转入党支部", queryset=Organisation.objects.none())
    transferred_on = forms.DateField(label="转接日期", widget=DateInput())
    reason = forms.CharField(label="原因", max_length=200, required=False, validators=[single_line])

    def __init__(self, *args, member: Member, orgs, **kwargs):
        super().__init__(*args, **kwargs)
        self.member = member
        self.fields["to_org"].queryset = orgs.filter(kind=OrgKind.BRANCH).exclude(pk=member.org_id)

    def clean_transferred_on(self):
        day = self.cleaned_data["transferred_on"]
        if day < self.member.joined_on:
            raise forms.ValidationError("转接日期不能早于入党日期。")
        return day


MAX_IMPORT_MB = 10


class ImportForm(forms.Form):
    file = forms.FileField(
        label="党员名册（.xlsx）", help_text=f"请使用本页提供的模板，单个文件不超过 {MAX_IMPORT_MB} MB。"
    )

    def clean_file(self):
        file = self.cleaned_data["file"]
        if file.size > MAX_IMPORT_MB * 1024 * 1024:
            raise forms.ValidationError(f"文件超过 {MAX_IMPORT_MB} MB，请分成几个文件分批导入。")
        return file
