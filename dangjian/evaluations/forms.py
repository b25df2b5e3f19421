from django import forms
from django.utils import timezone

from dangjian.meetings.models import Activity
from dangjian.meetings.models import Status as ActivityStatus
from dangjian.orgs.choices import OrgKind
from dangjian.orgs.forms import DateInput

from .models import Campaign, Disposal, SelfEvaluation
from .ruleset import current


class CampaignForm(forms.ModelForm):
    class Meta:
        model = Campaign
        fields = [
            "org",
            "meeting",
            "year",
            "self_opens_on",
            "self_closes_on",
            "vote_opens_on",
            "vote_closes_on",
            "allow_public",
            "meeting_date",
            "meeting_title",
        ]
        widgets = {
            name: DateInput()
            for name in ("self_opens_on", "self_closes_on", "vote_opens_on", "vote_closes_on", "meeting_date")
        }
        help_texts = {
            "allow_public": "勾选后可生成一次性测评码（可打印或显示二维码），供群众代表参加民主测评。",
            "meeting_date": "党员大会尚未在“组织生活”中登记时，填写计划日期；会前党员互相看不到个人自评。",
        }

    def __init__(self, *args, orgs, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["org"].queryset = orgs.filter(kind=OrgKind.BRANCH)
        self.fields["org"].label = "党支部"
        self.fields["meeting"].queryset = (
            Activity.objects.filter(org__in=orgs, kind=current().meeting_kind)
            .exclude(status=ActivityStatus.CANCELLED)
            .select_related("org")
        )
        if self.instance.pk:
            self.fields["org"].disabled = True
            self.fields["year"].disabled = self.instance.status != Campaign.Status.DRAFT
        else:
            self.fields["year"].initial = timezone.localdate().year

    def clean(self):
        data = super().clean()
        so, sc, vo, vc = (
            data.get(k) for k in ("self_opens_on", "self_closes_on", "vote_opens_on", "vote_closes_on")
        )
        if so and sc and sc < so:
            self.add_error("self_closes_on", "自评截止日期不能早于开始日期。")
        if vo and vc and vc < vo:
            self.add_error("vote_closes_on", "测评截止日期不能早于开始日期。")
        if so and vo and vo < so:
            self.add_error("vote_opens_on", "互评测评应在个人自评开始之后进行。")
        meeting, org = data.get("meeting"), self.instance.org if self.instance.pk else data.get("org")
        if meeting and org and meeting.org_id != org.pk:
            self.add_error("meeting", "所选党员大会不属于该党支部，请选择本支部的党员大会。")
        year = data.get("year")
        if year and not 2000 <= year <= timezone.localdate().year + 1:
            self.add_error("year", "请填写正确的评议年度。")
        if org and year and Campaign.objects.filter(org=org, year=year).exclude(pk=self.instance.pk).exists():
            self.add_error("year", f"{org}已有{year}年度的民主评议，请直接打开它。")
        return data


class SelfEvaluationForm(forms.ModelForm):
    class Meta:
        model = SelfEvaluation
        fields = ["study", "duties", "shortcomings", "plans", "self_grade"]
        widgets = {
            name: forms.Textarea(attrs={"rows": 4}) for name in ("study", "duties", "shortcomings", "plans")
        }


class DecisionForm(forms.Form):
    grade = forms.ChoiceField(label="评定等次")
    reason = forms.CharField(label="评定理由", required=False, widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["grade"].choices = current().grade_choices


class DisposalForm(forms.Form):
    measure = forms.ChoiceField(label="处置措施")
    deadline = forms.DateField(
        label="期限",
        required=False,
        widget=DateInput(),
        help_text="不填则按规则默认期限（如限期改正一般为一年）。",
    )
    follow_up = forms.ChoiceField(label="落实情况", choices=Disposal.FollowUp.choices)
    notes = forms.CharField(label="跟踪记录", required=False, widget=forms.Textarea(attrs={"rows": 3}))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["measure"].choices = current().disposal_choices


class CodesForm(forms.Form):
    count = forms.IntegerField(label="生成测评码数量", min_value=1, max_value=200, initial=10)
