"""The scheme as data: the default loads, weights and grades are checked at load, with Chinese problems."""

import pytest

from dangjian.assessment.scheme import SchemeError, default, default_text, parse, rule_codes


def test_default_scheme_weighs_three_meetings_one_lecture_heaviest():
    scheme = default()
    weights = {i.area: i.weight for i in scheme.indicators}
    assert sum(weights.values()) == scheme.total == 100
    assert max(weights, key=weights.get) == "三会一课"
    assert "# 三会一课 weighs heaviest (40 of 100): the notice asks" in default_text()
    assert all(i.source for i in scheme.indicators)
    assert [g.name for g in scheme.grades] == ["好", "较好", "一般", "差"]


def _problems(text):
    with pytest.raises(SchemeError) as exc:
        parse(text, rule_codes())
    return exc.value.problems


def test_weights_must_sum_to_the_total():
    text = default_text().replace("weight = 40", "weight = 45")
    assert any("权重之和为 105，应等于满分 100" in p for p in _problems(text))


def test_unknown_rule_grade_and_kind_are_named():
    text = default_text().replace('"theme_day"]', '"theme_dya"]').replace('grade = "poor"', 'grade = "bad"')
    problems = _problems(text.replace('kind = "office"', 'kind = "guess"'))
    assert any("theme_dya" in p for p in problems)
    assert any("否决项" in p for p in problems)
    assert any("kind 应为" in p for p in problems)


def test_grades_must_descend_to_zero_and_toml_must_parse():
    assert any("从高到低" in p for p in _problems(default_text().replace("min = 0", "min = 10")))
    assert any("TOML" in p for p in _problems("name = "))
