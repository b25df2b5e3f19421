"""Password validators (AUTH_PASSWORD_VALIDATORS): Django's, said in Chinese, and one that refuses passwords
made of the platform's and the town's names or the account's own name, whatever digits are added."""

import re

from django.contrib.auth import password_validation
from django.core.exceptions import ValidationError
from pypinyin import Style, lazy_pinyin

# Words anyone would guess on a 党建 platform (pinyin, lower case); the town's and the user's names are added
# from the database. A password whose letters are only these words, in any order and case, is refused.
SITE_WORDS = (
    "dangjian",
    "dangjianban",
    "djb",
    "dangwei",
    "dangzhibu",
    "zhibu",
    "dangyuan",
    "shuji",
    "zuzhi",
    "zhongguo",
    "gongchandang",
    "zhonggong",
    "cpc",
    "admin",
    "password",
    "mima",
)
NAME_AFFIXES = re.compile(r"^中共|(党委|党总支|党支部|委员会|街道|镇|乡|村|社区)+$")


class MinimumLengthValidator(password_validation.MinimumLengthValidator):
    """Django's own, whose too-short message has no zh-hans translation (its plural form is missing)."""

    def get_error_message(self):
        return f"密码太短，至少需要 {self.min_length} 个字符。"

    def get_help_text(self):
        return f"密码至少需要 {self.min_length} 个字符。"


def _pinyin(text: str) -> tuple[str, str]:
    """Full pinyin and initials of Chinese text (other characters kept), lower case."""
    full = "".join(lazy_pinyin(text)).lower()
    initials = "".join(lazy_pinyin(text, style=Style.FIRST_LETTER)).lower()
    return full, initials


def _town_words() -> set[str]:
    from dangjian.orgs.models import Organisation  # the validator module is loaded with the settings

    words = set()
    for name in Organisation.objects.filter(parent__isnull=True).values_list("name", flat=True):
        for text in {name, NAME_AFFIXES.sub("", name)}:
            words.update(_pinyin(text))
    return {w for w in words if len(w) >= 2}


def _letters(text: str) -> str:
    """What is left of a password for guessing: Chinese read as pinyin, then only the ASCII letters."""
    return re.sub(r"[^a-z]", "", "".join(lazy_pinyin(text)).lower())


def _made_of(letters: str, words: set[str]) -> bool:
    """True when `letters` is a concatenation of `words` (a word break over a short string)."""
    reachable = [True] + [False] * len(letters)
    for end in range(1, len(letters) + 1):
        reachable[end] = any(
            len(w) <= end and reachable[end - len(w)] and letters.endswith(w, 0, end) for w in words
        )
    return reachable[-1]


class SiteNameValidator:
    """Refuses e.g. "Dangjian2026", "shuji2026", "Shendingshan@2026" or the account's name in pinyin plus
    digits: names are the first thing an attacker tries against a platform whose town is known."""

    def validate(self, password, user=None):
        letters = _letters(password)
        if not letters:
            return  # digits only: NumericPasswordValidator's case
        words = set(SITE_WORDS) | _town_words()
        if user is not None:
            for text in (user.username, user.first_name, user.last_name, getattr(user.member, "name", "")):
                if text:
                    words.update(w for w in (*_pinyin(text), _letters(text)) if len(w) >= 2)
        if _made_of(letters, words):
            raise ValidationError(
                "密码不能由平台名称、本镇名称、职务或您的用户名、姓名的拼音加数字组成，"
                "请换成别人猜不到的词语组合。",
                code="password_site_name",
            )

    def get_help_text(self):
        return "密码不能由“党建”“书记”等平台用语、本镇名称或您的姓名拼音加数字组成。"
