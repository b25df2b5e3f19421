from django import forms
from django.core.validators import MaxValueValidator
from django.utils import timezone

from dangjian.core.validators import multi_line, single_line
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
            "public_count",
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

    MEETING_FIELDS = ("meeting", "meeting_date", "meeting_title")

    def __init__(self, *args, orgs, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["public_count"].required = False
        self.fields["public_count"].validators.append(MaxValueValidator(current().public_max))
        self.fields["org"].queryset = orgs.filter(kind=OrgKind.BRANCH)
        self.fields["org"].label = "党支部"
        self.fields["meeting"].queryset = (
            Activity.objects.filter(org__in=orgs, kind=current().meeting_kind)
            .exclude(status=ActivityStatus.CANCELLED)
            .select_related("org")
        )
        if self.instance.pk:
            self.fields["org"].disabled = True
            status = self.instance.status
            self.fields["year"].disabled = status != Campaign.Status.DRAFT
            if status == Campaign.Status.OPEN and self.instance.vote_opens_on <= timezone.localdate():
                self.fields["vote_opens_on"].disabled = True
                self.fields["vote_closes_on"].help_text = "测评已开始：截止日期只能推后，不能提前。"
            if status in (Campaign.Status.CLOSED, Campaign.Status.DECIDED):
                # After the close only the 党员大会 may still be linked (until the first decision).
                for name, field in self.fields.items():
                    field.disabled = field.disabled or name not in self.MEETING_FIELDS
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
        if self.instance.pk and self.instance.status == Campaign.Status.OPEN and vc:
            # Moving the close earlier would end the vote, show the results, and let it reopen.
            if vc < self.instance.vote_closes_on:
                self.add_error(
                    "vote_closes_on", "测评已开始，截止日期只能推后，不能提前；如需结束请点“结束测评”。"
                )
            elif vc != self.instance.vote_closes_on and vc <= timezone.localdate():
                self.add_error("vote_closes_on", "新的截止日期应晚于今天。")
        public = data["public_count"] = data.get("public_count") or 0
        if data.get("allow_public") and not public:
            self.add_error("public_count", "请填写参加民主测评的群众代表人数。")
        issued = self.instance.voter_rights.filter(member__isnull=True).count() if self.instance.pk else 0
        if data.get("allow_public") and public and public < issued:
            self.add_error("public_count", f"已生成 {issued} 个测评码，群众代表人数不能少于此数。")
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
    reason = forms.CharField(
        label="评定理由", required=False, widget=forms.Textarea(attrs={"rows": 2}), validators=[multi_line]
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["grade"].choices = current().grade_choices


class AdoptionForm(forms.Form):
    """The 党员大会's vote adopting the 组织评定: 应到/实到 come from the meeting; only votes are typed."""

    votes_for = forms.IntegerField(label="赞成", min_value=0, error_messages={"required": "请填写赞成票数。"})
    votes_against = forms.IntegerField(label="反对", min_value=0, initial=0, required=False)
    votes_abstain = forms.IntegerField(label="弃权", min_value=0, initial=0, required=False)


class ExclusionForm(forms.Form):
    reason = forms.CharField(label="排除原因", max_length=200, required=False, validators=[single_line])


class DisposalForm(forms.Form):
    measure = forms.ChoiceField(label="处置措施")
    deadline = forms.DateField(
        label="期限",
        required=False,
        widget=DateInput(),
        help_text="不填则按规则默认期限（如限期改正一般为一年）。",
    )
    follow_up = forms.ChoiceField(label="落实情况", choices=Disposal.FollowUp.choices)
    notes = forms.CharField(
        label="跟踪记录", required=False, widget=forms.Textarea(attrs={"rows": 3}), validators=[multi_line]
    )
    approved_on = forms.DateField(
        label="上级党组织批准日期",
        required=False,
        widget=DateInput(),
        help_text="劝其退党、除名经支部党员大会决定后报上级党组织批准（党章第九条），批准后填写；限期改正不需报批，不填。",
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["measure"].choices = current().disposal_choices


class CodesForm(forms.Form):
    count = forms.IntegerField(label="生成测评码数量", min_value=1, initial=10)
