"""`dangjian import-activities`: JSON and .xlsx, all or nothing, every problem named by row."""

import json

import pytest
from django.core.management import CommandError, call_command
from openpyxl import Workbook

from dangjian.meetings.models import Activity, Attendance, Record


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
