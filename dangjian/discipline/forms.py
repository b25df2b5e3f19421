from django import forms
from django.utils import timezone

from dangjian.meetings import policy
from dangjian.meetings.services import UploadRefused
from dangjian.members.models import Member
from dangjian.orgs.forms import DateInput
from dangjian.orgs.models import Organisation

from .models import Sanction
from .services import checked_document


class SanctionForm(forms.ModelForm):
    """Record or correct a sanction; the rules live in `services.problems`, checked through the model."""

    upload = forms.FileField(
        label="违纪处理文件",
        required=False,
        help_text=f"处分决定书等：PDF、Word、Excel 文件或 JPG、PNG 图片，"
        f"不超过 {policy.UPLOAD_MAX_BYTES // 2**20} MB；修改时不选则保留原文件。",
    )

    class Meta:
        model = Sanction
        fields = [
            "member",
            "level",
            "decided_on",
            "decided_by",
            "document_no",
            "facts",
            "lifted_on",
            "lifted_note",
        ]
        widgets = {
            "decided_on": DateInput(),
            "lifted_on": DateInput(),
            "facts": forms.Textarea(attrs={"rows": 4}),
        }

    def __init__(self, *args, org: Organisation, **kwargs):
        super().__init__(*args, **kwargs)
        self.checked = None
        member = self.fields["member"]
        if self.instance.pk:
            member.queryset = Member.objects.filter(pk=self.instance.member_id)
            member.disabled = True
        else:
            member.queryset = Member.objects.filter(org=org).order_by("name_pinyin", "id")
            del self.fields["lifted_on"], self.fields["lifted_note"]  # a new record is not yet lifted
        member.label_from_instance = lambda m: (
            m.name if m.is_active else f"{m.name}（{m.get_status_display()}）"
        )
        today = timezone.localdate().isoformat()
        self.fields["decided_on"].widget.attrs["max"] = today
        if "lifted_on" in self.fields:
            self.fields["lifted_on"].widget.attrs["max"] = today
        self.fields["upload"].widget.attrs["accept"] = ".pdf,.doc,.docx,.xls,.xlsx,.jpg,.jpeg,.png"

    def clean_upload(self):
        upload = self.cleaned_data.get("upload")
        if upload:
            try:
                self.checked = checked_document(upload)
            except UploadRefused as exc:
                raise forms.ValidationError(str(exc)) from exc
        return upload
