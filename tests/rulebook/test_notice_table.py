"""The rules file reproduces the notice's 附件1 table exactly, item by item.

The expected rows below are transcribed from 鼎发〔2020〕55号 附件1 (序号, 项目, 内容, 频率, 记录).
"""

import pytest

from dangjian.rulebook.rulebook import current

# (code, 序号, 项目, name, 频率 as written, period, minimum, 记录 as written in the table)
TABLE = [
    ("committee_meeting", 1, "三会一课", "支部委员会", "1月/次", "month", 1, ["会议记录"]),
    ("general_meeting", 1, "三会一课", "支部党员大会", "1季度/次", "quarter", 1, ["会议记录"]),
    ("group_meeting", 1, "三会一课", "党小组会", "1月/次", "month", 1, ["会议记录"]),
    ("party_lecture", 1, "三会一课", "党课", "1年不少于4次", "year", 4, ["党课稿", "签到表", "党课记录"]),
    (
        "org_life_meeting",
        2,
        "组织生活会",
        "组织生活会",
        "1年不少于1次",
        "year",
        1,
        [
            "组织生活会方案",
            "筹备情况",
            "主持词",
            "上级相关文件等学习资料",
            "谈心谈话记录",
            "意见清单",
            "对照发言材料",
            "会议记录",
            "意见清单的整改措施",
        ],
    ),
    (
        "theme_day",
        3,
        "主题党日",
        "主题党日",
        "1月/次",
        "month",
        1,
        ["会议记录", "活动情况开展登记表", "活动剪影", "党费交纳台帐"],
    ),
    (
        "member_evaluation",
        4,
        "民主评议党员",
        "民主评议党员",
        "一年/次",
        "year",
        1,
        ["登记表", "自评表", "测评表", "优秀党员名单", "不合格党员名单及处置措施"],
    ),
    (
        "member_development",
        5,
        "党员管理",
        "发展党员",
        "-",
        "none",
        0,
        ["会议记录", "入党申请书", "入党志愿书", "票决记录"],
    ),
    ("discipline", 5, "党员管理", "处理违纪党员", "-", "none", 0, ["违纪处理文件", "违纪党员清单"]),
    ("unqualified_disposal", 5, "党员管理", "不合格党员处置", "-", "none", 0, ["不合格党员名单及处置措施"]),
    ("member_education", 5, "党员管理", "党员教育", "-", "none", 0, ["学习心得体会"]),
    ("heart_talk", 6, "谈心谈话", "谈心谈话", "经常", "year", 1, []),
]

CONTENT = {
    "committee_meeting": "研究贯彻执行上级党组织和支部大会决定的意见，安排支部工作计划",
    "general_meeting": "传达贯彻执行上级党组织的决议、指示，讨论接收新党员和预备党员的转正等重大问题。",
    "party_lecture": "由党组织书记或党建指导员上党课",
    "theme_day": "确定主题，组织党员集中学习、听党课、交纳党费，开展民主议事和志愿服务等活动。",
    "heart_talk": "交流思想、交换意见、加深了解、增进团结。",
}


def test_every_row_of_the_table_is_an_item_in_order():
    assert [row[0] for row in TABLE] == list(current().items)


@pytest.mark.parametrize("code,seq,group,name,text,period,minimum,records", TABLE, ids=[r[0] for r in TABLE])
def test_item_matches_the_table(code, seq, group, name, text, period, minimum, records):
    rules = current()
    item = rules.item(code)
    assert (item.seq, item.group, item.name) == (seq, group, name)
    assert item.frequency.text == text
    assert (item.frequency.period, item.frequency.min) == (period, minimum)
    assert [rules.record_name(r) for r in item.records] == records
    assert item.source.startswith(f"附件1 序号{seq}")


@pytest.mark.parametrize("code,content", CONTENT.items())
def test_content_is_the_notices_wording(code, content):
    assert current().item(code).content == content


def test_org_life_meeting_stages_split_the_records_as_the_table_does():
    rules = current()
    stages = {
        s.name: [rules.record_name(r) for r in s.records] for s in rules.item("org_life_meeting").stages
    }
    assert list(stages) == ["会前", "会中", "会后"]
    assert stages["会前"] == [
        "组织生活会方案",
        "筹备情况",
        "主持词",
        "上级相关文件等学习资料",
        "谈心谈话记录",
        "意见清单",
        "对照发言材料",
    ]
    assert stages["会中"] == ["会议记录"]
    assert stages["会后"] == ["意见清单的整改措施"]


def test_theme_day_lists_its_parts_and_the_notices_remark():
    item = current().item("theme_day")
    assert item.parts == ("集中学习", "听党课", "交纳党费", "民主议事", "志愿服务")
    assert item.note.startswith("要注重主题党日的政治性和庄重感")


def test_who_may_give_a_party_lecture():
    """由党组织书记或党建指导员上党课: the 党总支's and 镇党委's 书记 are 党组织书记 too; no default wants
    the branch's own 书记 (that is the example local rule file)."""
    item = current().item("party_lecture")
    assert item.leaders == ("secretary", "instructor")
    assert item.leaders_above == ("secretary", "instructor")
    assert item.given_by is None
    assert "第十六条" not in item.source and "党课一般每季度1次" not in item.source
    assert "由党组织书记或党建指导员上党课" in item.source


def test_the_example_local_rule_brings_the_secretary_lecture_back():
    from dangjian.rulebook.rulebook import DEFAULT_FILE, parse

    example = DEFAULT_FILE.parent / "examples" / "branch-secretary-lecture.toml"
    item = parse([DEFAULT_FILE, example]).item("party_lecture")
    assert item.local and item.given_by.title == "secretary" and item.given_by.min == 1
    assert "本地规则" in item.given_by.source


def test_citations_the_reference_lists_as_wrong_are_corrected():
    """See domain/rules.md: 56 学时 is the 规划's, not the 条例's; 第十九条 is 谈心谈话 (not 民主评议);
    no unverified article for the 组织生活会; the 发展党员工作细则 cited by its stages."""
    book = current()
    education = {t.text: t.source for t in book.item("member_education").thresholds}
    hours56 = next(source for text, source in education.items() if "56学时" in text)
    assert "全国党员教育培训工作规划" in hours56 and "党员教育管理工作条例》（2019）" not in hours56
    assert "第二十条" in next(source for text, source in education.items() if "32学时" in text)
    assert "第十七条" not in book.item("org_life_meeting").source
    development = [t.source for t in book.item("member_development").thresholds]
    assert all("阶段第" in s and "章" not in s for s in development)
    assert "第十九条" in book.item("heart_talk").frequency.threshold_source
    from dangjian.evaluations.ruleset import load as evaluation_rules

    assert "第十九条" not in evaluation_rules().source


def test_loose_frequencies_carry_a_concrete_threshold_with_its_source():
    talk = current().item("heart_talk").frequency
    assert talk.per == "secretary_with_each_member"
    assert "每年谈心谈话一般不少于1次" in talk.threshold_source


def test_general_meeting_quorum_counts_full_members_with_a_vote():
    quorum = current().item("general_meeting").quorum
    assert (quorum.present_over, quorum.pass_over, quorum.of) == (0.5, 0.5, "full_members_with_vote")
    assert "第十一条" in quorum.source


def test_only_image_record_is_the_activity_photos():
    kinds = current().record_kinds
    assert [k.name for k in kinds.values() if k.media == "image"] == ["活动剪影"]
