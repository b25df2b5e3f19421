"""The thresholds file is checked at start: a missing or malformed value is refused with its name."""

import pytest
from django.core.exceptions import ImproperlyConfigured

from dangjian.supervision import config

TEXT = config.PATH.read_text(encoding="utf-8")


def test_the_shipped_file_is_valid():
    assert config.parse(TEXT).copied_minutes.similarity == 85


@pytest.mark.parametrize(
    "old,new,message",
    [
        ("similarity = 85", "similarity = 185", "similarity 应在 0–100"),
        ("similarity = 85", "similarity = 55", "lsh_threshold 应低于"),
        ("share = 30", 'share = "三十"', "share 的值"),
        ("min_count = 3", "min_count = 0", "min_count 的值"),
        ("min_count = 3", "min_count = 3\nminimum = 2", "未知的设置 minimum"),
        ("repeat_kinds = [", "repeat_kinds_x = [", "缺少 repeat_kinds"),
    ],
)
def test_a_malformed_value_is_refused_by_name(old, new, message):
    assert old in TEXT
    with pytest.raises(ImproperlyConfigured, match=message):
        config.parse(TEXT.replace(old, new, 1))
