"""What a home page lists, as plain functions: a verdict is overdue (a finished period, not met), due (a
running period, not met) or done; any status but met or not applicable counts as still to do."""

import datetime as dt

from dangjian.compliance.engine import Brief, Verdict
from dangjian.core.home import merge_overdue, summary_rows, todo_item

AS_OF = dt.date(2025, 3, 20)


def verdict(status, period, *, required=1, counted=0, org_id=1, **kw) -> Verdict:
    return Verdict(
        rule="theme_day",
        rule_name="主题党日",
        org="BRA",
        org_name="甲村党支部",
        org_id=org_id,
        period=period,
        period_kind="month",
        status=status,
        required=required,
        counted=counted,
        due="",
        days_remaining=0,
        **kw,
    )


def test_a_finished_period_not_met_is_overdue_with_what_is_short():
    item = todo_item(verdict("unmet", "2025-02"), AS_OF)
    assert item.text == "2025年2月主题党日：尚差1次" and item.days_left == 0 and item.status_label == "未达标"


def test_any_other_not_met_status_of_a_finished_period_is_overdue_and_says_what_is_missing():
    # e.g. the coming "held, but the records are incomplete": held enough times, records missing.
    item = todo_item(verdict("incomplete", "2025-01", counted=1, missing_records=["活动剪影"]), AS_OF)
    assert item.text == "2025年1月主题党日：缺少记录：活动剪影" and item.days_left == 0


def test_a_running_period_is_due_with_the_days_left():
    forecast = "本月还需开展主题党日1次，剩余12天"
    item = todo_item(verdict("in_progress", "2025-03", forecast=forecast), AS_OF)
    assert item.text == forecast and item.days_left == 12 and item.urgent is False
    assert todo_item(verdict("in_progress", "2025-03", forecast=forecast), dt.date(2025, 3, 27)).urgent


def test_met_and_not_applicable_are_done():
    assert todo_item(verdict("met", "2025-02", counted=1), AS_OF) is None
    assert todo_item(verdict("not_applicable", "2025"), AS_OF) is None


def test_summary_counts_owing_and_overdue_per_branch_with_its_groups():
    rows = summary_rows(
        [
            Brief("theme_day", 1, "2025-02", "month", "unmet", 1, 0),
            Brief("theme_day", 1, "2025-03", "month", "in_progress", 1, 0),
            Brief("group_meeting", 11, "2025-01", "month", "unmet", 1, 0),  # branch 1's 党小组
            Brief("theme_day", 2, "2025-02", "month", "met", 1, 1),
            Brief("theme_day", 99, "2025-02", "month", "unmet", 1, 0),  # not a listed branch
        ],
        AS_OF,
        {1: ("BRA", "甲村党支部"), 2: ("BRB", "乙企业党支部")},
        {11: 1},
    )
    assert (rows[1].overdue, rows[1].owing) == (2, 1)
    assert (rows[2].overdue, rows[2].owing) == (0, 0)
    assert 99 not in rows


def test_overdue_periods_of_one_rule_and_group_read_as_one_line():
    items = [
        todo_item(verdict("unmet", p, org_id=11), AS_OF, group="第一党小组") for p in ("2025-02", "2025-01")
    ]
    items.append(todo_item(verdict("unmet", "2025-01", org_id=12), AS_OF, group="第二党小组"))
    merged = merge_overdue(items)
    assert [(i.text, i.group, i.period, i.periods) for i in merged] == [
        ("主题党日：2025年1月、2月，共2期未达标", "第一党小组", "2025", 2),
        ("2025年1月主题党日：尚差1次", "第二党小组", "2025-01", 1),
    ]
