import datetime as dt

from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404
from django.utils import timezone
from ninja import Router, Schema
from ninja.errors import HttpError

from dangjian.accounts.access import access_for
from dangjian.core.api import BigInt
from dangjian.orgs.choices import OrgKind

from . import services, stored
from .engine import STATUS_LABELS, Status, Verdict
from .periods import Period, check_year

router = Router(tags=["合规检查"])


class CellOut(Schema):
    status: Status
    status_label: str
    required: int
    counted: int


class RowOut(Schema):
    org: str
    org_name: str
    rate: int | None  # met of the periods over by `as_of` (met, incomplete or unmet), percent
    incomplete: int  # periods over that were held with incomplete records
    cells: dict[str, CellOut]


class MatrixOut(Schema):
    period: str
    as_of: dt.date
    rules_version: str
    rules: dict[str, str]
    rows: list[RowOut]


def _org(request, code: str):
    access = access_for(request.user)
    if not access.view:
        raise PermissionDenied
    return get_object_or_404(access.visible_orgs().exclude(kind=OrgKind.GROUP), code=code)


def _period(
    year: int | None, period: str | None, as_of: dt.date | None
) -> tuple[int, Period | None, dt.date]:
    as_of = as_of or timezone.localdate()
    try:
        parsed = Period.parse(period) if period else None
    except ValueError as exc:
        raise HttpError(422, str(exc)) from exc
    year = year or (parsed.year if parsed else as_of.year)
    try:
        check_year(year)
    except ValueError as exc:
        raise HttpError(422, str(exc)) from exc
    if parsed and parsed.year != year:
        raise HttpError(422, "期间与年度不一致。")
    return year, parsed, as_of


@router.get("/orgs/{code}", response=list[Verdict], summary="某组织（含其党小组）的合规检查结果")
def org_verdicts(
    request, code: str, year: BigInt | None = None, period: str | None = None, as_of: dt.date | None = None
):
    """Every verdict of the organisation for the year (default: the year of `as_of`, default today);
    `period` (`2025-Q1`, `2025-03`) keeps only the periods overlapping it."""
    org = _org(request, code)
    year, parsed, as_of = _period(year, period, as_of)
    return [v.as_json() for v in services.verdicts_for(org, year, as_of, within=parsed)]


@router.get("/matrix/{code}", response=MatrixOut, summary="党支部 × 规则的合规矩阵")
def matrix(
    request, code: str, year: BigInt | None = None, period: str | None = None, as_of: dt.date | None = None
):
    root = _org(request, code)
    year, parsed, as_of = _period(year, period, as_of)
    m = stored.matrix(root, year, as_of, parsed)
    stored.fill_cells(m, m.rows)
    return {
        "period": m.period.label,
        "as_of": as_of,
        "rules_version": m.rules_version,
        "rules": {r.code: r.name for r in m.rules},
        "rows": [
            {
                "org": r.code,
                "org_name": r.name,
                "rate": r.rate,
                "incomplete": r.tally.incomplete,
                "cells": {
                    k: {
                        "status": c.status,
                        "status_label": STATUS_LABELS[c.status],
                        "required": c.required,
                        "counted": c.counted,
                    }
                    for k, c in r.cells.items()
                },
            }
            for r in m.rows
        ],
    }
