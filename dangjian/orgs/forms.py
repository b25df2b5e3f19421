from django import forms

from .models import Organisation, Position


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, **kwargs):
        super().__init__(format="%Y-%m-%d", **kwargs)


class OrganisationForm(forms.ModelForm):
    class Meta:
        model = Organisation
        fields = ["code", "name", "kind", "category", "parent", "founded_on", "dissolved_on"]
        widgets = {"founded_on": DateInput(), "dissolved_on": DateInput()}

    def __init__(self, *args, parents=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["parent"].queryset = parents if parents is not None else Organisation.objects.none()
        self.fields["parent"].required = True


PICKER_LIMIT = 200


class PositionForm(forms.ModelForm):
    class Meta:
        model = Position
        fields = ["title", "member", "started_on", "ended_on"]
        widgets = {"started_on": DateInput(), "ended_on": DateInput()}

    def __init__(self, *args, org: Organisation, members, candidates, **kwargs):
        """`members` may be chosen; only `candidates` (a page of them) are listed, since a county has
        tens of thousands of members and the page is searched for the others."""
        super().__init__(*args, **kwargs)
        self.instance.org = org
        self.fields["member"].queryset = members
        shown = candidates.select_related("org").order_by("name_pinyin", "id")[:PICKER_LIMIT]
        self.fields["member"].widget.choices = [("", "---------")] + [
            (m.pk, f"{m.name}（{m.org.name}）") for m in shown
        ]


class EndPositionForm(forms.Form):
    ended_on = forms.DateField(label="离任日期", widget=DateInput())

    def __init__(self, *args, position: Position, **kwargs):
        super().__init__(*args, **kwargs)
        self.position = position

    def clean_ended_on(self):
        ended_on = self.cleaned_data["ended_on"]
        if ended_on < self.position.started_on:
            raise forms.ValidationError("离任日期不能早于任职日期。")
        return ended_on
