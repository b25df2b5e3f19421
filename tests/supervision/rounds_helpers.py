"""A 督查 round in the test world: both branches sampled, 甲7 (member_a, of branch A) appointed to inspect
branch B, and helpers to record findings there."""

import datetime as dt
import io

from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from dangjian.supervision.rounds import services
from dangjian.supervision.rounds.choices import Result

YEAR = 2026


def photo(colour=(200, 30, 30)) -> SimpleUploadedFile:
    out = io.BytesIO()
    Image.new("RGB", (64, 48), colour).save(out, "JPEG")
    return SimpleUploadedFile("现场.jpg", out.getvalue(), "image/jpeg")


def make_round(w, seed: int = 7, **kw):
    """A round over the test town with both branches sampled and 甲7 (member_a) inspecting branch B."""
    if hasattr(w, "_round"):
        return w._round
    r = services.create_round(
        w.user("office"),
        w.town,
        kw.pop("name", "2026年第一轮组织生活督查"),
        dt.date(YEAR, 1, 1),
        dt.date(YEAR, 6, 30),
        ["records", "attend"],
        size=2,
        seed=seed,
        **kw,
    )
    services.assign(r, w.branch_b, w.user("member_a"), w.user("office"))
    w._round = r
    return r


def item(r, rule: str):
    return r.items.get(rule=rule)


def find(w, rule: str, result: str, org=None, notes="记录不全，缺少签到表。", user=None, **kw):
    r = make_round(w)
    return services.record_finding(
        r,
        org or w.branch_b,
        services.FindingInput(item_id=item(r, rule).pk, result=result, notes=notes, **kw),
        user or w.user("member_a"),
    )


def nonconforming(w, rule: str = "theme_day"):
    return find(w, rule, Result.NONCONFORMING).rectification
