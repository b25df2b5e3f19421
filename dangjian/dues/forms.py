from decimal import Decimal

from django import forms

from dangjian.core.validators import single_line
from dangjian.orgs.forms import DateInput

from .models import Method, Relief
from .rates import current

MONTH_FORMATS = ["%Y-%m"]


class MonthInput(forms.DateInput):
    input_type = "month"

    def format_value(self, value):
        return value.strftime("%Y-%m") if hasattr(value, "strftime") else value


class MonthField(forms.DateField):
    widget = MonthInput
    input_formats = MONTH_FORMATS
    default_error_messages = {"invalid": "请填写月份，格式如 2026-03。"}


MONEY = {"max_digits": 12, "decimal_places": 2, "min_value": Decimal("0")}


class ProfileForm(forms.Form):
    category = forms.ChoiceField(label="交纳类别")
    base = forms.DecimalField(label="计算基数（元/月）", required=False, **MONEY)
    fixed = forms.DecimalField(label="每月金额（农民、其他等定额类别，元）", required=False, **MONEY)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        book = current()
        self.fields["category"].choices = book.choices()
        employed = book.categories["employed"]
        self.fields["base"].help_text = f"在职党员：{employed.base_note}；离退休党员：每月离退休费。"

    def clean(self):
        data = super().clean()
        cat = current().categories.get(data.get("category"))
        if cat and cat.uses_base and data.get("base") is None:
            self.add_error("base", f"{cat.name}党员须填写{cat.base}。")
        if cat and not cat.uses_base:
            data["base"] = None
        if cat and cat.uses_base:
            data["fixed"] = None
        return data


class PaymentForm(forms.Form):
    member = forms.TypedChoiceField(label="党员", coerce=int)
    first_month = MonthField(label="从哪个月起")
    months = forms.IntegerField(
        label="交几个月",
        min_value=1,
        max_value=12,
        initial=1,
        help_text="按季度交纳填 3（须经支部同意）；补交欠费从最早欠交的月份起。",
    )
    paid_on = forms.DateField(label="交纳日期", widget=DateInput())
    method = forms.ChoiceField(
        label="方式", choices=Method.choices, initial=Method.CASH, widget=forms.RadioSelect
    )
    note = forms.CharField(label="说明", required=False, max_length=200, validators=[single_line])

    def __init__(self, *args, members, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["member"].choices = [(m.pk, m.name) for m in members]


class ReverseForm(forms.Form):
    reason = forms.CharField(label="冲正原因", max_length=200, validators=[single_line])


class ReliefForm(forms.ModelForm):
    start = MonthField(label="起始月份")
    end = MonthField(label="截止月份")

    class Meta:
        model = Relief
        fields = ["member", "kind", "monthly", "start", "end", "reason", "decided_on", "decision"]
        widgets = {"decided_on": DateInput(), "kind": forms.RadioSelect}

    def __init__(self, *args, members, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["member"].queryset = members
        self.fields["monthly"].help_text = "少交：填写减免后每月交纳的金额；免交：填 0。"

    def clean(self):
        data = super().clean()
        if data.get("start") and data.get("end") and data["end"] < data["start"]:
            self.add_error("end", "截止月份不能早于起始月份。")
        if data.get("kind") == Relief.Kind.EXEMPT:
            data["monthly"] = Decimal("0")
        return data


class ApproveForm(forms.Form):
    approved_on = forms.DateField(label="上一级党委批准日期", widget=DateInput())
    approver = forms.CharField(label="批准的党委", max_length=100, validators=[single_line])


class RemittanceForm(forms.Form):
    org = forms.TypedChoiceField(label="党组织", coerce=int)
    month = MonthField(label="所属月份")
    amount = forms.DecimalField(
        label="上缴金额（元）", max_digits=14, decimal_places=2, min_value=Decimal("0.01")
    )
    remitted_on = forms.DateField(label="上缴日期", widget=DateInput())
    to = forms.CharField(label="上缴至", max_length=100, validators=[single_line], initial="县委组织部")

    def __init__(self, *args, orgs, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["org"].choices = [(o.pk, o.name) for o in orgs]


class ImportForm(forms.Form):
    file = forms.FileField(label="党费台账（.xlsx）")
