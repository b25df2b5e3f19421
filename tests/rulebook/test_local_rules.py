"""A town adds stricter or extra rules in its own file; bad files stop the start with a clear reason."""

from pathlib import Path

import pytest
from django.core.exceptions import ImproperlyConfigured

from dangjian.rulebook import rulebook
from dangjian.rulebook.rulebook import DEFAULT_FILE, parse


def write(tmp_path: Path, text: str, name: str = "local.toml") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def test_a_local_file_makes_a_frequency_stricter_and_changes_the_version(tmp_path):
    local = write(
        tmp_path, 'version = "神鼎山镇2026"\n[[items]]\ncode = "party_lecture"\nfrequency = { min = 6 }\n'
    )
    book = parse([DEFAULT_FILE, local])
    assert book.item("party_lecture").frequency.min == 6
    assert book.item("party_lecture").frequency.period == "year"  # untouched fields stay
    assert book.item("party_lecture").local and not book.item("theme_day").local
    assert book.version == "鼎发〔2020〕55号/1+神鼎山镇2026"


def test_a_local_file_adds_an_item(tmp_path):
    local = write(
        tmp_path,
        'version = "local-1"\n[[items]]\ncode = "study_session"\nseq = 7\ngroup = "学习"\nname = "集中学习"\n'
        'applies_to = "branch"\nactivity = true\nrecords = ["minutes"]\nsource = "镇党委2026年学习安排"\n'
        'frequency = { period = "month", min = 2, text = "每月2次" }\n',
    )
    book = parse([DEFAULT_FILE, local])
    assert ("study_session", "集中学习") in book.activity_choices()


def test_the_setting_names_local_files(settings, tmp_path):
    local = write(tmp_path, 'version = "x"\n[[items]]\ncode = "theme_day"\nfrequency = { min = 2 }\n')
    settings.RULES_FILES = [str(local)]
    assert rulebook.current().item("theme_day").frequency.min == 2
    settings.RULES_FILES = []
    assert rulebook.current().item("theme_day").frequency.min == 1


@pytest.mark.parametrize(
    "text,message",
    [
        ('[[items]]\ncode = "theme_day"\n', "必须写明 version"),
        (
            'version = "x"\n[[items]]\ncode = "theme_day"\nfrequency = { period = "week" }\n',
            "frequency.period",
        ),
        ('version = "x"\n[[items]]\ncode = "theme_day"\nfrequency = { min = 0 }\n', "frequency.min"),
        ('version = "x"\n[[items]]\ncode = "theme_day"\nrecords = ["nonsense"]\n', "未定义的记录类型"),
        ('version = "x"\n[[items]]\ncode = "theme_day"\nsource = " "\n', "出处"),
        ('version = "x"\n[[items]]\ncode = "new_thing"\nname = "缺字段"\n', "缺少或写错了字段"),
        ("version = \n", "local.toml"),
        ('version = "x"\n[[items]]\ncode = "theme_day"\neffective_from = "明年"\n', "应为日期"),
        ('version = "x"\n[[items]]\ncode = "theme_day"\ngiven_by = { title = "x" }\n', "缺少或写错了字段"),
        ('version = "x"\n[[items]]\ncode = "party_lecture"\nleaders_above = ["deputy"]\n', "leaders_above"),
    ],
)
def test_a_bad_local_file_is_refused_with_the_reason(tmp_path, text, message):
    with pytest.raises(ImproperlyConfigured, match=message):
        parse([DEFAULT_FILE, write(tmp_path, text)])
