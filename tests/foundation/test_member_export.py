"""The filtered list as .xlsx: the import's columns, masked numbers unless a manager asks for full ones."""

from io import BytesIO

import pytest
from openpyxl import load_workbook

from dangjian.core import xlsx
from dangjian.members.importing import HEADERS

pytestmark = pytest.mark.django_db


def _rows(response):
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    sheet = load_workbook(BytesIO(response.content)).worksheets[0]
    rows = list(sheet.iter_rows(min_row=xlsx.TITLE_ROWS + 1, values_only=True))
    return rows[0], rows[1:]


def test_columns_are_the_import_columns(world, client_for):
    headers, rows = _rows(client_for("office").get("/members/", {"format": "xlsx", "org": "BRB"}))
    assert list(headers) == HEADERS
    assert {r[0] for r in rows} == {m.name for m in world.members_b}


def test_masked_by_default(world, client_for):
    for role in ("office", "oversight", "instructor_a"):
        _, rows = _rows(client_for(role).get("/members/", {"format": "xlsx"}))
        assert rows and all("*" in r[1] for r in rows), role


def test_full_numbers_only_for_managers_and_only_their_members(world, client_for):
    _, rows = _rows(client_for("secretary_a").get("/members/", {"format": "xlsx", "full": "1"}))
    by_name = {r[0]: r for r in rows}
    assert set(by_name) == {m.name for m in world.members_a}
    member = world.members_a[2]
    assert by_name[member.name][1] == member.id_number and by_name[member.name][5] == member.phone
    # A leading cadre of branch B with dual organisation life in A is visible to A but not run by A.
    cadre = world.members_b[2]
    cadre.is_leading_cadre, cadre.dual_org = True, world.branch_a
    cadre.save()
    _, rows = _rows(client_for("secretary_a").get("/members/", {"format": "xlsx", "full": "1"}))
    assert cadre.name not in {r[0] for r in rows}
    _, rows = _rows(client_for("oversight").get("/members/", {"format": "xlsx", "full": "1"}))
    assert all("*" in r[1] for r in rows)
