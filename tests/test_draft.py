"""The filer's draft: last year's report + this year's work summary → next year's report."""

from __future__ import annotations

import json
import re
from decimal import Decimal
from pathlib import Path

import pytest

from nianbao.checks import CheckContext, default_registry
from nianbao.draft import draft, draft_activities, draft_document, summary_year, to_fill_details
from nianbao.errors import UsageError
from nianbao.forms import LABEL_ZH
from nianbao.model import Record
from nianbao.pipeline import check, check_path, load_record
from nianbao.store import Store
from tests.conftest import SEED_000

# A 2026 work summary written the way seed 001 is: title, opening, figures first, then the
# work done, then plans; the problems come last, out of the form's order.
SUMMARY_2026 = """2026年社会救助工作开展情况

2026年，社会救助中心以习近平新时代中国特色社会主义思想为指导，始终聚焦群众“急难愁盼”问题，全面精准落实各项社会救助政策。
一、民生保障坚实有力：救助基本情况全景呈现
截至2026年11月，全市社会救助工作稳步推进，各项指标均实现预期目标：
\t•\t城市低保：保障832户1155人，累计发放救助资金498.08万元；
\t•\t临时救助：累计救助250人，发放救助资金30.37万元。
二、精准施策提质增效：重点工作开展亮点纷呈
（一）构建分层分类体系，织密动态保障网络
依托省低收入人口动态监测信息平台，累计接收各类预警34人次（紧急9人次、一般25人次）。
[bookmark: _GoBack]\t1.\t低保标准稳步提高：自7月起，城市低保标准由每人每月645元提升至697元。
三、锚定目标持续发力：下步工作打算清晰明确
（一）聚焦特殊群体，实现精准扩面兜底
紧盯特殊困难群体，及时将符合条件的困难群众纳入最低生活保障范围。
四、存在的问题
基层经办力量薄弱，数据共享深度与时效性有待提升。
"""


@pytest.fixture(scope="module")
def previous() -> Record:
    return check_path(SEED_000.with_suffix(".txt")).record


def test_draft_is_accepted_except_for_the_fields_to_fill(previous: Record) -> None:
    fields, to_fill = draft(previous, SUMMARY_2026, 2026)
    record = Record(kind="annual_report", fields=fields, year=2026, org=fields["name"])
    findings = default_registry().run(CheckContext(record))
    errors = [f for f in findings if f.severity == "error"]
    assert {f.rule for f in errors} == {"schema.required"}
    required = {f.params["field"] for f in errors}
    assert required == set(to_fill)
    # Warnings only about what last year's report already carried.
    assert {f.rule for f in findings if f.severity == "warning"} <= {
        "report.online-name-suffix", "report.activities-outside-scope"}


def test_what_is_carried_and_what_is_left(previous: Record) -> None:
    fields, to_fill = draft(previous, SUMMARY_2026, 2026)
    for name in ("credit_code", "name", "legal_representative", "purpose_and_scope", "address",
                 "registered_capital_wan", "funding_source", "sponsor"):
        assert fields[name] == previous.fields[name]
    assert fields["report_year"] == 2026 and fields["submitted_on"] is None
    assert fields["net_assets_begin_wan"] == Decimal("236.18")  # last year's 年末
    assert to_fill == ["net_assets_end_wan", "staff_count", "change_registration", "licenses",
                       "awards_and_litigation", "donations", "entrust_opinion",
                       "sponsor_opinion", "filler", "phone", "submitted_on"]
    assert all(LABEL_ZH[name] for name in to_fill)
    hints = {d["field"]: d["hint_zh"] for d in to_fill_details(to_fill, 2026)}
    assert "2026年度未发生需办理变更登记的事项" in hints["change_registration"]
    assert "2027年1月1日至3月31日" in hints["submitted_on"]


def test_activities_follow_the_forms_order(previous: Record) -> None:
    text = draft_activities(SUMMARY_2026, 2026)
    lines = text.split("\n")
    headings = [line for line in lines if re.match("^[一二三四]、", line)]
    assert headings == ["一、开展业务活动情况", "二、取得的社会效益和经济效益",
                        "三、存在的问题及改进措施", "四、2027年工作计划"]
    assert lines[0].startswith("2026年，社会救助中心")  # the opening stays first
    assert "2026年社会救助工作开展情况" not in text  # the summary's title is not activities
    position = {h: text.index(h) for h in headings}
    assert position["一、开展业务活动情况"] < text.index("累计接收各类预警34人次") < position[
        "二、取得的社会效益和经济效益"] < text.index("498.08万元") < position[
        "三、存在的问题及改进措施"] < text.index("基层经办力量薄弱") < position[
        "四、2027年工作计划"] < text.index("纳入最低生活保障范围")
    assert "[bookmark" not in text and "•" not in text and "\t" not in text
    assert "1.低保标准稳步提高" in text


def test_draft_never_invents_figures() -> None:
    text = draft_activities(SUMMARY_2026, 2026).replace("2027年工作计划", "")
    source_numbers = set(re.findall(r"\d+(?:\.\d+)?", SUMMARY_2026))
    assert set(re.findall(r"\d+(?:\.\d+)?", text)) <= source_numbers


def test_problems_and_plans_in_one_section_are_split() -> None:
    text = draft_activities("一、主要工作\n开展低保核查。\n二、存在问题与下一步打算\n"
                            "基层力量薄弱。下一步，我们将加强培训。", 2026)
    assert text.split("\n") == ["一、开展业务活动情况", "开展低保核查。",
                                "二、存在的问题及改进措施", "基层力量薄弱。",
                                "三、2027年工作计划", "下一步，我们将加强培训。"]


def test_without_a_summary_activities_are_to_fill(previous: Record) -> None:
    fields, to_fill = draft(previous, None, 2026)
    assert fields["activities"] is None and "activities" in to_fill


def test_a_gap_year_does_not_carry_net_assets(previous: Record) -> None:
    fields, to_fill = draft(previous, SUMMARY_2026, 2027)
    assert fields["net_assets_begin_wan"] is None and "net_assets_begin_wan" in to_fill
    with pytest.raises(UsageError):
        draft(previous, SUMMARY_2026, 2025)


def test_summary_year() -> None:
    assert summary_year(SUMMARY_2026) == 2026


def test_draft_json_is_checked_by_nianbao_check(previous: Record, tmp_path: Path) -> None:
    fields, to_fill = draft(previous, SUMMARY_2026, 2026)
    from nianbao.pipeline import to_json

    path = tmp_path / "draft.json"
    path.write_text(to_json(draft_document(fields, to_fill, 2026)), encoding="utf-8")
    loaded, _ = load_record(path)
    assert loaded.year == 2026 and loaded.fields["net_assets_begin_wan"] == Decimal("236.18")
    assert [d["field"] for d in json.loads(path.read_text(encoding="utf-8"))["to_fill"]] == to_fill
    # Checked against the stored 2025 report: carried over, so no cross-year finding.
    where = str(tmp_path / "filings.sqlite")
    with Store.open(where) as store:
        check(SEED_000.with_suffix(".txt"), store=store)
        drafted = check(path, store=store)
    assert [f.rule for f in drafted.findings if f.rule.startswith("xyear.")] == []
    assert {f.params["field"] for f in drafted.errors} == set(to_fill)
    with Store.open(where) as store:
        assert [r.year for r in store.history("12430681593289443F")] == [2025, 2026]


def test_the_summarys_own_headings_stay_headings_in_the_form() -> None:
    from nianbao.generate.context import paragraphs

    text = draft_activities(SUMMARY_2026, 2026)
    shown = paragraphs(text)
    headings = [p for p in shown if getattr(p, "heading", False)]

    assert "（一）精准施策提质增效：重点工作开展亮点纷呈" in headings
    assert "（一）民生保障坚实有力：救助基本情况全景呈现" in headings
    assert "1.构建分层分类体系，织密动态保障网络" in text  # its own （一） one level down
    assert not any(p.startswith("精准施策提质增效") for p in shown)  # never run into its text
