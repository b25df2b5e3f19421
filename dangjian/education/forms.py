from django import forms

from dangjian.core.validators import multi_line
from dangjian.members.models import Member

from .models import ENTERED_FORMS, StudyNote, Training


class TrainingEntryForm(forms.ModelForm):
    form = forms.ChoiceField(
        label="形式", choices=ENTERED_FORMS, help_text="党课、主题党日学习的学时由组织生活记录自动计入。"
    )
    attendees = forms.ModelMultipleChoiceField(
        label="参加党员", queryset=Member.objects.none(), widget=forms.CheckboxSelectMultiple
    )

    class Meta:
        model = Training
        fields = ["held_on", "topic", "form", "hours", "organiser", "attendees"]
        widgets = {"held_on": forms.DateInput(attrs={"type": "date"})}

    def __init__(self, *args, members=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["attendees"].queryset = members if members is not None else Member.objects.none()
        self.fields["hours"].widget.attrs.update(step="0.5", min="0.5")


class NoteForm(forms.ModelForm):
    file = forms.FileField(
        label="拍照或上传（可选）", required=False, help_text="手写的心得可拍照上传；支持图片、PDF、Word。"
    )

    class Meta:
        model = StudyNote
        fields = ["title", "body"]
        widgets = {"body": forms.Textarea(attrs={"rows": 8})}

    def clean(self):
        data = super().clean()
        if not (data.get("body") or "").strip() and not data.get("file"):
            raise forms.ValidationError("请填写心得内容，或拍照上传手写的心得。")
        return data


class CommentForm(forms.Form):
    comment = forms.CharField(
        label="书记评语", widget=forms.Textarea(attrs={"rows": 3}), max_length=2000, validators=[multi_line]
    )


class ImportForm(forms.Form):
    file = forms.FileField(label="学习培训表（.xlsx）")
