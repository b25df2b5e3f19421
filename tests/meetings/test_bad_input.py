"""Bad input answered in Chinese with nothing written (never a 500), and what a stale or printed code does."""

import datetime as dt
import io
import zlib

import pytest
from django.core.cache import cache
from django.core.management import CommandError, call_command
from django.utils import timezone
from PIL import Image

from dangjian.meetings import policy, services
from dangjian.meetings.models import Activity, AgendaItem, Attendance, MakeUpTask, Rectification, Status

from .helpers import make_activity
from .test_import import good, write


@pytest.mark.django_db
def test_attendance_bad_status_or_inactive_member_refused_whole(world, client_for):
    a = make_activity(world.branch_a)
    client = client_for("secretary_a")
    ok, bad = world.members_a[2], world.members_a[3]
    response = client.post(
        f"/meetings/{a.pk}/attendance/",
        {f"status_{ok.pk}": "present", f"status_{bad.pk}": "bogus"},
        follow=True,
    )
    assert response.status_code == 200 and "出勤状态应为出席、迟到、请假或缺席" in response.content.decode()
    assert not a.attendance.exclude(status="").exists()  # the valid row was not written either
    bad.status = "deceased"
    bad.save()
    response = client.post(f"/meetings/{a.pk}/attendance/", {f"status_{bad.pk}": "absent"}, follow=True)
    assert "不能登记出勤" in response.content.decode()
    assert not a.attendance.exclude(status="").exists()


@pytest.mark.django_db
@pytest.mark.parametrize("month", ["9999-12", "0001-01", "2025-13", "abc", "-5-1"])
def test_calendar_month_out_of_range(world, client_for, month):
    response = client_for("secretary_a").get("/meetings/calendar/", {"month": month})
    assert response.status_code == 200 and "已显示本月" in response.content.decode()


def png_bomb(width: int, height: int) -> bytes:
    """A tiny PNG header claiming a huge greyscale image (the pixel data is one compressed zero row)."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        return len(data).to_bytes(4, "big") + kind + data + zlib.crc32(kind + data).to_bytes(4, "big")

    header = width.to_bytes(4, "big") + height.to_bytes(4, "big") + bytes([8, 0, 0, 0, 0])
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(b"\0" * 64))
        + chunk(b"IEND", b"")
    )


@pytest.mark.parametrize("size", [(20000, 20000), (8000, 7000)])
def test_decompression_bomb_refused_before_decoding(size, monkeypatch):
    def no_decoding(*args, **kwargs):
        raise AssertionError("decoded")

    monkeypatch.setattr(Image.Image, "load", no_decoding)
    with pytest.raises(services.UploadRefused, match="像素过多"):
        services.check_upload(png_bomb(*size), "activity_photos")
    assert size[0] * size[1] > policy.UPLOAD_MAX_PIXELS


def test_jpeg_comment_and_png_text_do_not_survive():
    image = Image.new("RGB", (20, 20), "blue")
    out = io.BytesIO()
    image.save(out, "JPEG", comment=b"secret-location")
    assert b"secret-location" in out.getvalue()
    content, _, _ = services.check_upload(out.getvalue(), "activity_photos")
    assert b"secret-location" not in content and not Image.open(io.BytesIO(content)).info.get("comment")
    from PIL import PngImagePlugin

    info = PngImagePlugin.PngInfo()
    info.add_text("Author", "secret-author")
    out = io.BytesIO()
    Image.new("P", (20, 20)).save(out, "PNG", pnginfo=info, icc_profile=b"x" * 40)
    content, _, _ = services.check_upload(out.getvalue(), "activity_photos")
    assert b"secret-author" not in content and Image.open(io.BytesIO(content)).info == {}


@pytest.mark.django_db
@pytest.mark.parametrize("member", ["²", "1²", "-1", "x", "9" * 40])
def test_talks_member_filter_bad_values(world, client_for, member):
    response = client_for("secretary_a").get("/talks/org/BRA/", {"member": member})
    assert response.status_code == 200


@pytest.mark.django_db
def test_import_wrong_json_types_named_every_one(world, tmp_path, capsys):
    data = good(world)
    data["activities"][0]["attendance"] = ["甲1", {"member": world.members_a[2].name, "status": "出席"}]
    data["activities"][0]["records"] = "档案盒"
    data["activities"][1]["parts"] = [1]
    data["activities"].append("not an object")
    with pytest.raises(CommandError):
        call_command("import-activities", write(tmp_path, data))
    err = capsys.readouterr().err
    assert "第1行「attendance[1]」：每一项应为一个对象" in err
    assert "第1行「records」：应为列表" in err
    assert "第3行" in err and "每项活动应为一个对象" in err
    assert Activity.objects.count() == 0
    data = good(world)
    data["activities"][1]["parts"] = [1]
    with pytest.raises(CommandError):
        call_command("import-activities", write(tmp_path, data))
    assert "第2行「环节」：应为文字列表" in capsys.readouterr().err


@pytest.mark.django_db
def test_import_parts_as_text_parsed_and_attendees_are_the_listed_ones(world, tmp_path):
    data = good(world)
    data["activities"][0]["parts"] = "集中学习、交纳党费"
    call_command("import-activities", write(tmp_path, data))
    theme = Activity.objects.get(kind="theme_day")
    assert theme.parts == ["集中学习", "交纳党费"]
    # Only the three listed members, all expected; nobody added from today's register.
    assert theme.attendance.count() == 3 and theme.attendance.filter(expected=True).count() == 3
    assert not theme.attendance.filter(status="").exists()


@pytest.mark.django_db
def test_import_xlsx_blank_ids_allowed_and_every_problem_named(world, tmp_path, capsys):
    from openpyxl import Workbook

    wb = Workbook()
    ws = wb.active
    ws.title = "活动"
    ws.append(["编号", "组织代码", "类型", "主题", "开始时间", "结束时间"])
    ws.append(["", "BRA", "主题党日", "一", "2024-05-10 09:00", "2024-05-10 11:00"])
    ws.append(["", "BRA", "主题党日", "二", "2024-05-11 09:00", "2024-05-11 11:00"])
    path = tmp_path / "blank.xlsx"
    wb.save(path)
    call_command("import-activities", str(path))
    assert Activity.objects.count() == 2
    ws.append([7, "BRA", "主题党日", "三", "2024-05-12 09:00", "2024-05-12 11:00"])
    ws.append([7, "BRA", "主题党日", "四", "2024-05-13 09:00", "2024-05-13 11:00"])
    att = wb.create_sheet("出勤")
    att.append(["活动编号", "党员", "出勤"])
    att.append([8, world.members_a[1].name, "出席"])
    wb.save(path)
    with pytest.raises(CommandError):
        call_command("import-activities", str(path))
    err = capsys.readouterr().err
    assert "第5行「编号」：与第4行重复" in err and "第2行「出勤·活动编号」" in err
    assert Activity.objects.count() == 2


# ---- votes, 整改, 补学, leave ----


@pytest.mark.django_db
def test_vote_subjects_checked(world, client_for):
    a = make_activity(world.branch_a, "general_meeting")
    a.attendance.filter(member__in=world.members_a[:6]).update(status="present")
    client = client_for("secretary_a")
    data = {"title": "议题", "present": 6, "votes_for": 6, "votes_against": 0, "votes_abstain": 0}
    response = client.post(
        f"/meetings/{a.pk}/agenda/",
        {**data, "kind": "confirm", "subject": world.members_a[2].pk},
        follow=True,
    )
    assert "预备党员转正的涉及人员应为会议时的预备党员" in response.content.decode()
    response = client.post(
        f"/meetings/{a.pk}/agenda/", {**data, "kind": "admit", "subject": world.members_a[8].pk}, follow=True
    )
    assert "不能作为接收预备党员的对象" in response.content.decode()
    assert not AgendaItem.objects.exists()
    client.post(f"/meetings/{a.pk}/agenda/", {**data, "kind": "admit", "subject": ""})
    client.post(f"/meetings/{a.pk}/agenda/", {**data, "kind": "confirm", "subject": world.members_a[8].pk})
    assert AgendaItem.objects.count() == 2
    printed = client.get(f"/meetings/{a.pk}/print/").content.decode()
    assert "议题与表决" in printed and "应到" in printed and "8/6" in printed


@pytest.mark.django_db
def test_rectification_due_before_meeting_refused_and_printed(world, client_for):
    a = make_activity(world.branch_a, "org_life_meeting")
    client = client_for("secretary_a")
    data = {"content": "加强学习", "owner": world.members_a[2].pk}
    response = client.post(f"/meetings/{a.pk}/rectifications/", {**data, "due_on": "1990-01-01"}, follow=True)
    assert "完成时限不能早于会议日期" in response.content.decode() and not Rectification.objects.exists()
    client.post(f"/meetings/{a.pk}/rectifications/", {**data, "due_on": f"{a.date + dt.timedelta(days=30)}"})
    assert "加强学习" in client.get(f"/meetings/{a.pk}/print/").content.decode()


@pytest.mark.django_db
def test_makeup_due_in_the_past_refused(world, client_for):
    a = make_activity(world.branch_a)
    row = a.attendance.get(member=world.members_a[3])
    row.status = "absent"
    row.save()
    yesterday = timezone.localdate() - dt.timedelta(days=1)
    response = client_for("secretary_a").post(
        f"/meetings/attendance/{row.pk}/makeup/", {"content": "学习", "due_on": f"{yesterday}"}, follow=True
    )
    assert "完成时限不能早于今天" in response.content.decode() and not MakeUpTask.objects.exists()


@pytest.mark.django_db
def test_leave_asked_again_after_approval_is_not_reset(world):
    a = make_activity(world.branch_a, start=timezone.now() + dt.timedelta(days=2))
    member = world.members_a[7]
    row = services.ask_leave(a, member, "外出务工")
    services.decide_leave(row, True, world.user("secretary_a"))
    with pytest.raises(ValueError, match="已获批准"):
        services.ask_leave(a, member, "还是外出")
    row.refresh_from_db()
    assert row.leave_state == "approved" and row.status == "leave" and row.leave_reason == "外出务工"


# ---- sign-in: stale cache, printed code ----


@pytest.mark.django_db
def test_cancelled_activity_refused_even_from_a_stale_cache(world):
    a = make_activity(world.branch_a, start=timezone.now())
    cached = services.signin_activity(a.pk)
    Activity.objects.filter(pk=a.pk).update(status=Status.CANCELLED)  # as another process would
    assert services.signin_activity(a.pk).status == Status.PLANNED  # this process still has the old copy
    for member in (world.members_a[7], world.members_a[8]):
        with pytest.raises(services.SignInRefused, match="已取消"):
            services.sign_in(cached, member.pk, world.user("member_a"))
    # a member without a row yet (non-expected) takes the slow path, also refused
    row = Attendance.objects.get(activity=a, member=world.members_a[6])
    row.delete()
    with pytest.raises(services.SignInRefused, match="已取消"):
        services.sign_in(cached, world.members_a[6].pk)
    assert not Attendance.objects.filter(activity=a).exclude(status="").exists()
    assert cache.get(f"meetings:signin:{a.pk}") is None  # dropped, so the next scan reads the database


@pytest.mark.django_db
def test_printed_code_valid_only_inside_the_window_and_screen_code_rotates(world, client_for):
    start = timezone.now() + dt.timedelta(hours=3)
    a = make_activity(world.branch_a, start=start)
    printed = services.printed_token(a.pk)
    screen = services.signin_token(a.pk)
    later = start + dt.timedelta(minutes=5)
    # the printed code does not expire with the rotation; the screen code does
    assert services.read_token(printed, later) == a.pk
    with pytest.raises(services.SignInRefused, match="已过期"):
        services.read_token(screen, later)
    member = world.members_a[7]
    with pytest.raises(services.SignInRefused, match="尚未开始"):
        services.sign_in(a, member.pk, now=timezone.now())
    assert services.sign_in(a, member.pk, now=later).recorded
    with pytest.raises(services.SignInRefused, match="签到已结束"):
        services.sign_in(a, world.members_a[6].pk, now=a.end + policy.SIGN_IN_AFTER + dt.timedelta(minutes=1))
    page = client_for("secretary_a").get(f"/meetings/{a.pk}/qr/print/").content.decode()
    assert f"/meetings/s/{printed}/" in page or "<svg" in page
    assert "此码只在签到时间内有效" in page
    response = client_for("member_a").post(f"/meetings/s/{printed}/")
    assert response.status_code == 400 and "签到尚未开始" in response.content.decode()
