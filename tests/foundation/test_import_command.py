"""`dangjian import-members FILE.xlsx --as USER | --org CODE`: the page's rules; bad files exit non-zero."""

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from dangjian.members.models import Member

from .sheets import row, valid_id, xlsx_bytes

pytestmark = pytest.mark.django_db


@pytest.fixture
def sheet(tmp_path):
    def write(rows, name="名册.xlsx"):
        path = tmp_path / name
        path.write_bytes(xlsx_bytes(rows) if isinstance(rows, list) else rows)
        return str(path)

    return write


def test_imports_as_a_user_and_twice_changes_nothing(world, sheet, capsys):
    path = sheet([row(身份证号=valid_id(seq=1)), row(姓名="李四", 身份证号=valid_id(seq=2))])
    before = Member.objects.count()
    call_command("import-members", path, "--as", "secretary_a")
    assert "新增 2 人" in capsys.readouterr().out
    assert Member.objects.count() == before + 2
    assert Member.objects.by_id_number(valid_id(seq=2)).get().history.get().history_user == world.user(
        "secretary_a"
    )
    call_command("import-members", path, "--as", "secretary_a")
    assert "新增 0 人，更新 0 人，未变化 2 人" in capsys.readouterr().out
    assert Member.objects.count() == before + 2


def test_org_option_limits_the_scope(world, sheet, capsys):
    path = sheet([row(身份证号=valid_id(seq=1), 所在党支部代码="BRB")])
    with pytest.raises(CommandError, match="1 处问题"):
        call_command("import-members", path, "--org", "BRA")
    assert "第2行「所在党支部代码」：“乙企业党支部”不在您负责的组织内" in capsys.readouterr().err
    call_command("import-members", path, "--org", "TOWN")
    assert Member.objects.by_id_number(valid_id(seq=1)).get().org == world.branch_b


def test_bad_file_lists_every_problem_and_writes_nothing(world, sheet, capsys):
    bad = valid_id(seq=3)[:-1] + ("1" if valid_id(seq=3)[-1] != "1" else "2")
    path = sheet([row(身份证号=bad), row(身份证号=valid_id(seq=4), 入党日期="2005-02-30")])
    before = Member.objects.count()
    with pytest.raises(CommandError, match="2 处问题"):
        call_command("import-members", path, "--as", "office")
    err = capsys.readouterr().err
    assert "第2行「身份证号」：身份证号校验位不正确，请核对" in err
    assert "第3行「入党日期」：不存在这一天，请核对日期" in err
    assert Member.objects.count() == before


def test_not_a_spreadsheet(world, sheet, capsys):
    with pytest.raises(CommandError):
        call_command("import-members", sheet(b"hello", "x.xlsx"), "--org", "TOWN")
    assert "文件不是有效的 Excel（.xlsx）表格" in capsys.readouterr().err


@pytest.mark.parametrize(
    "args, message",
    [
        (["--as", "nobody"], "账号“nobody”不存在或已停用"),
        (["--as", "member_a"], "没有负责的党组织"),
        (["--org", "NOPE"], "组织代码“NOPE”不存在"),
    ],
)
def test_bad_options(world, sheet, args, message):
    with pytest.raises(CommandError, match=message):
        call_command("import-members", sheet([row()]), *args)


def test_console_exit_code(world, sheet):
    """Through the real console entry point: a refused file exits non-zero."""
    import subprocess
    import sys

    result = subprocess.run(
        [sys.executable, "-m", "dangjian", "import-members", "/nonexistent.xlsx", "--org", "TOWN"],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode != 0 and "找不到文件" in result.stderr
