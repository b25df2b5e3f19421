"""`dangjian import-activities`: JSON and .xlsx, all or nothing, every problem named by row."""

import json
import re
import time
import tracemalloc

import pytest
from django.core.management import CommandError, call_command
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st
from openpyxl import Workbook

from dangjian.meetings.importing import ACTIVITY_HEADERS, ATTENDANCE_HEADERS, RECORD_HEADERS, import_file
from dangjian.meetings.models import Activity, Attendance, Record
from dangjian.members.importing import ImportRefused
from dangjian.orgs.models import Organisation
from tests.foundation.sheets import Date, Error, cells, raw_xlsx


def good(world) -> dict:
    return {
        "activities": [
            {
                "org": "BRA",
                "kind": "主题党日",
                "title": "学习党章",
                "start": "2024-05-10 09:00",
                "end": "2024-05-10 11:00",
                "place": "村委会",
                "host": world.members_a[0].name,
                "recorder": world.members_a[1].id_number,
                "parts": ["集中学习", "交纳党费"],
                "minutes": "<h2>议程</h2><script>x</script>",
                "attendance": [
                    {"member": world.members_a[2].name, "status": "出席"},
                    {"member": world.members_a[3].id_number, "status": "请假", "leave_reason": "外出务工"},
                    {"member": world.members_a[4].name, "status": "缺席"},
                ],
                "records": [{"kind": "活动剪影", "reference": "档案盒2024-05"}],
            },
            {
                "org": "BRA",
                "kind": "party_lecture",
                "title": "党课",
                "start": "2024-06-01 15:00",
                "end": "2024-06-01 16:00",
                "speaker": world.members_b[4].id_number,
            },
        ]
    }


def write(tmp_path, data, name="a.json"):
    path = tmp_path / name
    path.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    return str(path)


@pytest.mark.django_db
def test_json_import(world, tmp_path, capsys):
    path = write(tmp_path, good(world))
    call_command("import-activities", path)
    theme = Activity.objects.get(kind="theme_day")
    assert theme.status == "held" and theme.is_late_entry and theme.parts == ["集中学习", "交纳党费"]
    assert theme.minutes == "<h2>议程</h2>"
    assert theme.host == world.members_a[0] and theme.recorder == world.members_a[1]
    statuses = dict(
        Attendance.objects.filter(activity=theme).exclude(status="").values_list("member_id", "status")
    )
    assert statuses == {
        world.members_a[2].pk: "present",
        world.members_a[3].pk: "leave",
        world.members_a[4].pk: "absent",
    }
    assert set(
        Attendance.objects.filter(activity=theme).exclude(status="").values_list("method", flat=True)
    ) == {"import"}
    assert Record.objects.get(activity=theme).reference == "档案盒2024-05"
    lecture = Activity.objects.get(kind="party_lecture")
    assert lecture.speaker == world.members_b[4] and lecture.speaker_allowed is True
    # the same file again changes nothing
    call_command("import-activities", path)
    assert Activity.objects.count() == 2
    assert "已存在未变化 2 项" in capsys.readouterr().out


@pytest.mark.django_db
def test_bad_json_refused_whole_with_every_problem(world, tmp_path, capsys):
    data = good(world)
    data["activities"][0]["attendance"].append({"member": "不存在的人", "status": "出席"})
    data["activities"][0]["attendance"].append({"member": world.members_a[5].name, "status": "到了"})
    data["activities"][1]["end"] = "2024-06-01 14:00"
    data["activities"].append(
        {
            "org": "BRB",
            "kind": "支部委员会",
            "title": "x",
            "start": "2024-06-01 15:00",
            "end": "2024-06-01 16:00",
        }
    )
    data["activities"].append({"org": "NOPE", "kind": "谈心谈话", "title": "", "start": "2024-13-01 15:00"})
    with pytest.raises(CommandError, match="文件未导入"):
        call_command("import-activities", write(tmp_path, data))
    err = capsys.readouterr().err
    assert "第1行「attendance[4]·党员」：“不存在的人”不是甲村党支部的党员" in err
    assert "第1行「attendance[5]·出勤」：应为出席、迟到、请假或缺席" in err
    assert "第2行「结束时间」：实际结束时间应晚于开始时间" in err
    assert "第3行「组织代码」：该党支部正式党员不足7人，不设支部委员会" in err
    assert "第4行「组织代码」：组织代码“NOPE”不存在" in err
    assert "第4行「类型」" in err and "第4行「主题」" in err and "第4行「开始时间」" in err
    assert Activity.objects.count() == 0 and Attendance.objects.count() == 0


def test_not_json(tmp_path):
    path = tmp_path / "x.json"
    path.write_text("{oops", encoding="utf-8")
    with pytest.raises(CommandError):
        call_command("import-activities", str(path))


def xlsx(tmp_path, world, bad=False):
    wb = Workbook()
    ws = wb.active
    ws.title = "活动"
    ws.append(
        [
            "编号",
            "组织代码*",
            "类型*",
            "主题*",
            "开始时间*",
            "结束时间*",
            "地点",
            "主持人",
            "记录人",
            "授课人",
            "环节",
            "会议记录",
        ]
    )
    ws.append(
        [
            1,
            "BRA",
            "主题党日",
            "学习",
            "2024-05-10 09:00",
            "2024-05-10 11:00",
            "村委会",
            "",
            "",
            "",
            "集中学习、志愿服务",
            "",
        ]
    )
    ws.append(
        [2, "BRA-G1", "党小组会", "学习", "2024-05-12 09:00", "2024-05-12 10:00", "", "", "", "", "", ""]
    )
    att = wb.create_sheet("出勤")
    att.append(["活动编号", "党员", "出勤", "请假事由"])
    att.append([1, world.members_a[2].name, "出席", ""])
    att.append([2, world.members_a[1].name, "迟到", ""])
    if bad:
        att.append([3, world.members_a[1].name, "出席", ""])
    rec = wb.create_sheet("记录")
    rec.append(["活动编号", "记录类型", "档案位置"])
    rec.append([1, "会议记录", "档案盒A" if not bad else ""])
    path = tmp_path / "a.xlsx"
    wb.save(path)
    return str(path)


@pytest.mark.django_db
def test_xlsx_import(world, tmp_path):
    call_command("import-activities", xlsx(tmp_path, world))
    theme = Activity.objects.get(kind="theme_day")
    assert theme.parts == ["集中学习", "志愿服务"]
    assert Record.objects.get(activity=theme).kind == "minutes"
    group = Activity.objects.get(kind="group_meeting")
    assert group.attendance.get(member=world.members_a[1]).status == "late"


@pytest.mark.django_db
def test_xlsx_bad_row_named(world, tmp_path, capsys):
    with pytest.raises(CommandError):
        call_command("import-activities", xlsx(tmp_path, world, bad=True))
    assert "第4行「出勤·活动编号」：在“活动”表中找不到这个编号" in capsys.readouterr().err
    assert Activity.objects.count() == 0


@pytest.mark.django_db
def test_import_scoped_to_user(world, tmp_path, capsys):
    with pytest.raises(CommandError):
        call_command("import-activities", write(tmp_path, good(world)), "--as", "organiser_b")
    assert "“甲村党支部”不在您负责的组织内" in capsys.readouterr().err


# Hostile workbooks and values: refused by row and column, quickly, nothing written.


def activity_book(world, *rows, attendance=(), headers=None, refs=True, records=()):
    """A hand-written activities workbook; each row a dict of 活动 header -> value over a good row."""
    headers = headers or ACTIVITY_HEADERS
    good = {
        "编号": 1,
        "组织代码": "BRA",
        "类型": "主题党日",
        "主题": "学习",
        "开始时间": "2024-05-10 09:00",
        "结束时间": "2024-05-10 11:00",
    }
    lines = [cells(1, headers, refs)]
    lines += [
        cells(n, [{**good, **r}.get(h, "") for h in headers], refs) for n, r in enumerate(rows, start=2)
    ]
    sheets = [("活动", lines)]
    if attendance:
        sheets.append(("出勤", [cells(1, ATTENDANCE_HEADERS), *attendance]))
    if records:
        sheets.append(("记录", [cells(1, RECORD_HEADERS), *records]))
    return raw_xlsx(*sheets)


def refused_activities(tmp_path, capsys, content) -> list[str]:
    path = tmp_path / "活动.xlsx"
    path.write_bytes(content)
    before = (Activity.objects.count(), Attendance.objects.count(), Record.objects.count())
    with pytest.raises(CommandError, match="文件未导入"):
        call_command("import-activities", str(path))
    assert (Activity.objects.count(), Attendance.objects.count(), Record.objects.count()) == before
    return capsys.readouterr().err.strip().splitlines()


@pytest.mark.django_db
@pytest.mark.parametrize("sheet", ["活动", "出勤"])
def test_a_cell_far_beyond_the_template_is_refused_fast(world, tmp_path, capsys, sheet):
    far = cells(2, [("A2", 1), ("AAAAAAA2", "x")])
    content = (
        activity_book(world, {}, attendance=[far])
        if sheet == "出勤"
        else raw_xlsx(("活动", [cells(1, ACTIVITY_HEADERS), far]))
    )
    path = tmp_path / "活动.xlsx"
    path.write_bytes(content)
    tracemalloc.start()
    started = time.perf_counter()
    with pytest.raises(ImportRefused) as refused:
        import_file(path, Organisation.objects.all())
    elapsed = time.perf_counter() - started
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    assert elapsed < 0.5 and peak < 5 * 1024 * 1024, (elapsed, peak)
    width = len(ACTIVITY_HEADERS) if sheet == "活动" else len(ATTENDANCE_HEADERS)
    assert [str(p) for p in refused.value.problems] == [
        f"第2行：AAAAAAA2 单元格有内容，但模板只有 {width} 列"
        f"（A 到 {'LD'[sheet == '出勤']} 列）；请删除模板以外的列后重新上传。"
    ]
    assert refused_activities(tmp_path, capsys, content) == [str(p) for p in refused.value.problems]


@pytest.mark.django_db
@pytest.mark.parametrize("serial", ["2958466", "-700000", "1E10", "1e400", "-inf"])
def test_impossible_date_serials_are_refused_by_row_and_column(world, tmp_path, capsys, serial):
    content = activity_book(world, {}, {"编号": 2, "开始时间": Date(serial)})
    (problem,) = refused_activities(tmp_path, capsys, content)
    assert problem.startswith("第3行「开始时间」：")
    assert f"Excel 日期序号 {serial}）" in problem or f"单元格的数值 {serial} 无效" in problem


@pytest.mark.django_db
def test_lengths_are_checked_not_cut(world, tmp_path, capsys):
    content = activity_book(
        world,
        {"主题": "学" * 201, "地点": "村" * 201},
        attendance=[cells(2, [1, world.members_a[2].name, "请假", "事" * 201])],
        records=[cells(2, [1, "会议记录", "盒" * 201])],
    )
    assert refused_activities(tmp_path, capsys, content) == [
        "第2行「主题」：不能超过 200 个字（现有 201 个字），请精简后重新填写",
        "第2行「地点」：不能超过 200 个字（现有 201 个字），请精简后重新填写",
        "第2行「出勤·请假事由」：不能超过 200 个字（现有 201 个字），请精简后重新填写",
        "第2行「记录·档案位置」：不能超过 200 个字（现有 201 个字），请精简后重新填写",
    ]


@pytest.mark.django_db
def test_error_and_boolean_cells_and_control_characters_are_refused(world, tmp_path, capsys):
    content = activity_book(
        world,
        {"主题": Error("#N/A"), "地点": True},
        {"编号": 2, "主题": "学习_x001B_", "开始时间": Error("#VALUE!")},
        attendance=[cells(2, [1, Error("#REF!"), "出席"])],
    )
    assert refused_activities(tmp_path, capsys, content) == [
        "第2行「主题」：单元格是 Excel 错误值 #N/A（多为公式出错），请改为填写内容本身",
        "第2行「地点」：单元格是逻辑值（TRUE/FALSE），这里应填写文字",
        "第2行「出勤·党员」：单元格是 Excel 错误值 #REF!（多为公式出错），请改为填写内容本身",
        "第3行「主题」：含有不可见的控制字符（第3个字符，U+001B），通常来自复制粘贴，请删除后重新填写",
        "第3行「开始时间」：单元格是 Excel 错误值 #VALUE!（多为公式出错），请改为填写内容本身",
    ]


@pytest.mark.django_db
def test_repeated_headers_are_refused(world, tmp_path, capsys):
    headers = ["主题" if h == "地点" else h for h in ACTIVITY_HEADERS]
    assert refused_activities(tmp_path, capsys, activity_book(world, {}, headers=headers)) == [
        "第1行「主题」：表头重复：D列和G列都是“主题”，请删除多余的一列"
    ]


@pytest.mark.django_db
def test_a_duplicate_number_names_both_rows_when_rows_carry_no_numbers(world, tmp_path, capsys):
    content = activity_book(
        world, {}, {"开始时间": "2024-06-10 09:00", "结束时间": "2024-06-10 10:00"}, refs=False
    )
    assert refused_activities(tmp_path, capsys, content) == ["第3行「编号」：与第2行重复"]


@pytest.mark.django_db
def test_json_control_characters_and_lengths_are_refused(world, tmp_path, capsys):
    data = good(world)
    data["activities"][0]["title"] = "学习\u001b党章"
    data["activities"][1]["place"] = "村" * 201
    data["activities"][0]["attendance"][1]["leave_reason"] = True
    data["activities"][1]["speaker"] = "\ud800"  # a lone surrogate, written in JSON as \ud800
    path = tmp_path / "a.json"
    path.write_text(json.dumps(data), encoding="utf-8")
    with pytest.raises(CommandError, match="4 处问题"):
        call_command("import-activities", str(path))
    assert capsys.readouterr().err.strip().splitlines() == [
        "第1行「主题」：含有不可见的控制字符（第3个字符，U+001B），通常来自复制粘贴，请删除后重新填写",
        "第1行「attendance[2]·请假事由」：单元格是逻辑值（TRUE/FALSE），这里应填写文字",
        "第2行「地点」：不能超过 200 个字（现有 201 个字），请精简后重新填写",
        "第2行「授课人」：含有不可见的控制字符（第1个字符，U+D800），通常来自复制粘贴，请删除后重新填写",
    ]
    assert Activity.objects.count() == 0


# Generated activity files, valid-ish and hostile: imported, or refused whole with the importer's
# Chinese problems; never a traceback, never a partial write. Bounded and reproducible for CI.

FUZZ = settings(
    max_examples=40,
    deadline=None,
    derandomize=True,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
CONTROLS = st.sampled_from(["\x00", "\x1b", "\x0b", "\u202e", "\ud800", "\n"])
HOSTILE = st.one_of(
    st.none(),
    st.booleans(),
    st.text(max_size=20),
    st.lists(st.one_of(st.characters(max_codepoint=0x3000), CONTROLS), max_size=8).map("".join),
    st.integers(190, 260).map(lambda n: "学" * n),
    st.sampled_from(["2024-13-01 09:00", "2024-05-10 25:00", "BRB", "NOPE", "主题党日", "出席", "甲0"]),
)
XLSX_CELL = st.one_of(
    HOSTILE,
    st.sampled_from(["2958466", "-700000", "1e400", "NaN", "45000.5"]).map(Date),
    st.sampled_from(["#N/A", "#REF!"]).map(Error),
)
JSON_VALUE = st.one_of(
    HOSTILE,
    st.floats(),
    st.integers(-(2**70), 2**70),
    st.lists(st.text(max_size=5), max_size=3),
    st.dictionaries(st.text(max_size=3), st.integers(), max_size=2),
)
ACTIVITY_KEYS = [
    "id",
    "org",
    "kind",
    "title",
    "start",
    "end",
    "place",
    "host",
    "recorder",
    "speaker",
    "parts",
]


def _nothing_or_everything(world, load):
    before = (Activity.objects.count(), Attendance.objects.count(), Record.objects.count())
    try:
        result = load()
    except ImportRefused as refused:
        event("refused")
        assert (Activity.objects.count(), Attendance.objects.count(), Record.objects.count()) == before
        for problem in refused.problems:
            assert re.search(r"[\u4e00-\u9fff]", problem.message), str(problem)
            str(problem).encode("utf-8")
    else:
        event("imported")
        assert Activity.objects.count() == before[0] + result.created


@pytest.mark.django_db
@FUZZ
@given(data=st.data())
def test_generated_workbooks_import_or_are_refused_whole(world, tmp_path, data):
    rows = []
    for n in range(data.draw(st.integers(0, 3))):
        hostile = data.draw(st.sampled_from([0, 0, 1, 2]))
        row = {"编号": n + 1, "开始时间": f"2024-05-1{n} 09:00", "结束时间": f"2024-05-1{n} 11:00"}
        row.update(data.draw(st.dictionaries(st.sampled_from(ACTIVITY_HEADERS), XLSX_CELL, max_size=hostile)))
        rows.append(row)
    attendance = [
        cells(n, [data.draw(st.sampled_from([1, 2, 9])), world.members_a[n].name, data.draw(XLSX_CELL)])
        for n in range(2, 2 + data.draw(st.integers(0, 2)))
    ]
    records = [cells(2, [1, data.draw(st.sampled_from(["会议记录", "x"])), data.draw(XLSX_CELL)])]
    content = activity_book(
        world, *rows, attendance=attendance, records=records, refs=data.draw(st.booleans())
    )
    path = tmp_path / "活动.xlsx"
    path.write_bytes(content)
    _nothing_or_everything(world, lambda: import_file(path, Organisation.objects.all()))


@pytest.mark.django_db
@FUZZ
@given(data=st.data())
def test_generated_json_imports_or_is_refused_whole(world, tmp_path, data):
    activities = []
    for item in good(world)["activities"][: data.draw(st.integers(0, 2))]:
        hostile = data.draw(
            st.dictionaries(st.sampled_from(ACTIVITY_KEYS + ["minutes"]), JSON_VALUE, max_size=2)
        )
        attendance = [
            {
                **a,
                **data.draw(
                    st.dictionaries(
                        st.sampled_from(["member", "status", "leave_reason"]), JSON_VALUE, max_size=1
                    )
                ),
            }
            for a in item.get("attendance", [])
        ]
        activities.append({**item, **hostile, "attendance": attendance})
    path = tmp_path / "a.json"
    path.write_text(json.dumps({"activities": activities}), encoding="utf-8")  # lone surrogates as \ud800
    _nothing_or_everything(world, lambda: import_file(path, Organisation.objects.all()))
