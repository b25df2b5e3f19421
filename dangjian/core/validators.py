"""What people type, checked in one place for the models (and so the forms), the API and the imports.

Free text may not hold control characters: they are invisible on screen, some cannot be stored (NUL in
PostgreSQL) and others break the .xlsx and .docx exports. Names are checked as names.
"""

import re
import unicodedata
from typing import Annotated

from django.core.exceptions import ValidationError
from django.utils.deconstruct import deconstructible
from pydantic import AfterValidator
from pydantic_core import PydanticCustomError

# C0 and C1 controls, DEL, lone surrogates, non-characters and the bidirectional overrides and isolates
# (which reorder what is shown: a name could read differently on screen than in the register).
_CONTROL = (
    r"\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ud800-\udfff\ufdd0-\ufdef\ufffe\uffff\u202a-\u202e\u2066-\u2069"
)
_BREAKS = "\t\n\r\u2028\u2029"
_MULTILINE_BAD = re.compile(f"[{_CONTROL}]")
_SINGLE_LINE_BAD = re.compile(f"[{_CONTROL}{_BREAKS}]")


def control_problem(text: str, multiline: bool = False) -> str | None:
    """Why the text is refused, in Chinese, or None; tabs and line breaks only in multi-line text."""
    found = (_MULTILINE_BAD if multiline else _SINGLE_LINE_BAD).search(text or "")
    if found is None:
        return None
    where = f"第{found.start() + 1}个字符"
    if found.group() in _BREAKS:
        return f"不能换行或含制表符（{where}），请写在一行内。"
    kind = "空字符" if found.group() == "\x00" else "控制字符"
    return f"含有不可见的{kind}（{where}，U+{ord(found.group()):04X}），通常来自复制粘贴，请删除后重新填写。"


def visible(text: str) -> str:
    """The text with each control character shown as <U+001B>: for messages that quote what was typed,
    so that quoting it can neither break a page nor a terminal."""
    return _SINGLE_LINE_BAD.sub(lambda m: f"<U+{ord(m.group()):04X}>", text)


# Between two letters of a name: the middle dot of minority and foreign names (·, and the look-alikes
# that input methods produce), and the hyphen, apostrophe, full stop and space of names in Latin letters.
NAME_JOINERS = "·・‧•-'. "
_NAME_EXTRA_LETTERS = "〇"


def name_problem(name: str) -> str | None:
    """Why a person's name is refused, in Chinese, or None: letters of any script (汉字 including the
    extensions, minority scripts, Latin), joined by a middle dot; no digits, symbols or formulas."""
    text = (name or "").strip()
    if problem := control_problem(text):
        return problem
    previous = ""
    for position, char in enumerate(text, start=1):
        if char.isalpha() or char in _NAME_EXTRA_LETTERS:
            kind = "letter"
        elif unicodedata.category(char).startswith("M") and previous == "letter":
            kind = "letter"  # a combining accent on the letter before it
        elif char in NAME_JOINERS and previous == "letter":
            kind = "joiner"
        elif char in NAME_JOINERS:
            return f"第{position}个字符“{char}”的位置不对：间隔号只能写在两个字之间。"
        else:
            return f"只能包含汉字、字母和间隔号“·”，不能有数字或符号（第{position}个字符“{char}”）。"
        previous = kind
    if previous == "joiner":
        return "不能以间隔号或符号结尾。"
    return None


@deconstructible
class NoControlCharacters:
    """Model and form field validator; `multiline=True` for text areas (tabs and line breaks allowed)."""

    code = "control_characters"

    def __init__(self, multiline: bool = False):
        self.multiline = multiline

    def __call__(self, value) -> None:
        if isinstance(value, str) and (problem := control_problem(value, self.multiline)):
            raise ValidationError(problem, code=self.code)

    def __eq__(self, other) -> bool:
        return isinstance(other, NoControlCharacters) and other.multiline == self.multiline


@deconstructible
class PersonName:
    code = "person_name"

    def __call__(self, value) -> None:
        if isinstance(value, str) and (problem := name_problem(value)):
            raise ValidationError(f"姓名{problem}", code=self.code)

    def __eq__(self, other) -> bool:
        return isinstance(other, PersonName)


def field_problem(model, attr: str, value) -> str | None:
    """What a model field's validators (length, control characters, names) say about a value, in Chinese;
    for writes that do not run full_clean, such as the imports' bulk inserts."""
    try:
        model._meta.get_field(attr).run_validators(value)
    except ValidationError as exc:
        return "；".join(_say(error) for error in exc.error_list)
    return None


def _say(error: ValidationError) -> str:
    if error.code == "max_length":
        limit, length = error.params["limit_value"], error.params["show_value"]
        return f"不能超过 {limit} 个字（现有 {length} 个字），请精简后重新填写"
    return error.messages[0].rstrip("。")


single_line = NoControlCharacters()
multi_line = NoControlCharacters(multiline=True)
person_name = PersonName()


def _single_line(value: str) -> str:
    if problem := control_problem(value):
        raise PydanticCustomError("single_line_text", problem)
    return value


# The same check for the API's input schemas (django-ninja / pydantic); text areas posted to the API go
# through the forms or services, which apply the model validators.
SingleLineText = Annotated[str, AfterValidator(_single_line)]
