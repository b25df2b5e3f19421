from django import forms
from django.db.models import Q
from django.utils import timezone

from dangjian.accounts.access import access_for
from dangjian.members.models import Member
from dangjian.orgs.choices import COMMITTEE_TITLES, PositionTitle
from dangjian.orgs.forms import DateInput
from dangjian.orgs.models import Organisation

from .models import Talk
from .services import eligible_members


class TalkForm(forms.ModelForm):
    """Record or correct a talk; the rules live in `services.problems`, checked through the model."""

    class Meta:
        model = Talk
        fields = [
            "initiator",
            "partner",
            "talked_on",
            "form",
            "topics",
            "opinions",
            "follow_up",
            "follow_up_done",
            "before_review_year",
        ]
        widgets = {
            "talked_on": DateInput(),
            "form": forms.RadioSelect,
            "topics": forms.Textarea(attrs={"rows": 3, "placeholder": "如：思想、工作、生活情况"}),
            "opinions": forms.Textarea(attrs={"rows": 3}),
            "follow_up": forms.Textarea(attrs={"rows": 2, "placeholder": "需要跟进落实的事项，没有可留空"}),
            "before_review_year": forms.NumberInput(attrs={"inputmode": "numeric", "placeholder": "如 2026"}),
        }

    def __init__(self, *args, org: Organisation, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.instance.org = org
        self.me = access_for(user).member_id
        self.for_others = user.has_perm("talks.record_for_others", org)
        people = Member.objects.filter(
            Q(pk__in=eligible_members(org).values("pk"))
            | Q(pk__in=[i for i in (self.instance.initiator_id, self.instance.partner_id) if i])
        ).order_by("name_pinyin", "id")
        titles = dict(
            org.positions.current().filter(title__in=COMMITTEE_TITLES).values_list("member_id", "title")
        )
        for name in ("initiator", "partner"):
            field = self.fields[name]
            field.queryset = people
            field.label_from_instance = lambda m: (
                f"{m.name}（{PositionTitle(titles[m.pk]).label}）" if m.pk in titles else m.name
            )
        today = timezone.localdate()
        self.fields["talked_on"].widget.attrs["max"] = today.isoformat()
        if self.instance.pk is None:
            self.fields["talked_on"].initial = today
            if self.me and "initiator" not in self.initial:
                self.initial["initiator"] = self.me
        if not self.for_others:
            self.fields["initiator"].help_text = "您只能记录本人参加的谈话：谈话人或谈话对象之一应是您本人。"

    def clean(self):
        cleaned = super().clean()
        initiator, partner = cleaned.get("initiator"), cleaned.get("partner")
        if not self.for_others and initiator and partner and self.me not in (initiator.pk, partner.pk):
            self.add_error(None, "您只能记录本人参加的谈心谈话，请把谈话人或谈话对象选为您本人。")
        return cleaned
