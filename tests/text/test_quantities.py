"""Quantities in social-assistance prose: the figures a reader would count, read exactly."""

from __future__ import annotations

from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from nianbao.text.numbers import parse_amount_wan, parse_int, parse_number
from nianbao.text.quantities import Quantity, find_quantities, format_quantity
from tests.strategies import (
    CONTEXT_AFTER,
    CONTEXT_BEFORE,
    Case,
    chinese_integer,
    decimals,
    fullwidth,
    grouped,
    quantity_cases,
    quantity_soup,
)

D = Decimal


def one(text: str) -> Quantity:
    found = find_quantities(text)
    assert len(found) == 1, [q.text for q in found]
    return found[0]


def summary(text: str) -> list[tuple[str, Decimal, str, str]]:
    return [(q.text, q.value, q.unit, q.measure) for q in find_quantities(text)]


# --- numerals -------------------------------------------------------------------------------

@pytest.mark.parametrize("text, value", [
    ("1,234.5", "1234.5"), ("1，234", "1234"), ("１２３４", "1234"), ("1.2万", "12000"),
    ("3万", "30000"), ("2.13亿", "213000000"), ("一万二千三百", "12300"), ("两千", "2000"),
    ("三百零五", "305"), ("十二", "12"), ("一百一十", "110"), ("〇", "0"), ("零", "0"),
    ("二〇二五", "2025"), ("二○二五", "2025"), ("百分之九十八", "98"), ("百分之百", "100"),
    ("九十八点五", "98.5"), ("一万二", "12000"), ("三百五", "350"), ("一亿二千万", "120000000"),
    ("壹万贰仟", "12000"), ("98%", "98"), ("-3", "-3"), ("0.26", "0.26"),
])
def test_parse_number_reads_one_numeral_exactly(text: str, value: str) -> None:
    result = parse_number(text)
    assert result == D(value) and isinstance(result, Decimal)


@pytest.mark.parametrize("text", ["", "十十", "二五百", "万", "百", "1.2.3", "12人", "abc", "1,23"])
def test_parse_number_refuses_what_is_not_one_numeral(text: str) -> None:
    assert parse_number(text) is None


def test_the_annual_report_cell_parsers_keep_their_behaviour() -> None:
    assert parse_amount_wan("49.0 万元") == D("49.0")
    assert parse_amount_wan("490000元") == D("49.0000")
    assert parse_amount_wan("1.2亿") == D("12000.0")
    assert parse_amount_wan("259.90") == D("259.90")
    assert parse_amount_wan("-3万元") == D(-3)
    assert parse_amount_wan("约3万元") is None
    assert parse_int("1,234") == 1234 and parse_int("14人") == 14
    assert parse_int("1.5") is None and parse_int("十四") is None


@given(st.integers(0, 10**12 - 1), st.booleans())
def test_chinese_numerals_read_back_as_written(n: int, liang: bool) -> None:
    assert parse_number(chinese_integer(n, liang=liang)) == n


@given(decimals(10**9, 3), st.sampled_from([",", "，"]))
def test_thousands_separators_and_full_width_digits_read_back(
        pair: tuple[Decimal, int], separator: str) -> None:
    number, places = pair
    assert parse_number(grouped(number, places, separator)) == number
    assert parse_number(fullwidth(f"{number:.{places}f}")) == number


# --- quantities in sentences ----------------------------------------------------------------

def test_a_household_person_pair_gives_two_counts() -> None:
    assert summary("城乡低保对象6800户14293人") == [
        ("6800户", D(6800), "户", "households"), ("14293人", D(14293), "人", "persons")]
    assert summary("133户421人、3331 人") == [
        ("133户", D(133), "户", "households"), ("421人", D(421), "人", "persons"),
        ("3331 人", D(3331), "人", "persons")]


def test_a_count_in_wan_is_approximate_and_carries_its_rounding() -> None:
    q = one("全市纳入社会救助体系的低收入人口约2.13万余人，")
    assert (q.text, q.value, q.measure, q.approx, q.scale) == (
        "约2.13万余人", D(21300), "persons", True, "万")
    assert (q.raw, q.precision, q.tolerance) == ("2.13", 2, D(50))
    assert one("印发政策手册 2 万份").approx and one("开展数据比对37万人次").value == 370000


@pytest.mark.parametrize("text, yuan, approx, tolerance", [
    ("累计发放救助资金10453余万元", "104530000", True, "5000"),
    ("累计发放救助资金498.08万元", "4980800", False, "50"),
    ("城市特困4户4人（累计发放资金5.05万元）", "50500", False, "50"),
    ("争取资金1.2亿元", "120000000", False, "5000000"),
    ("救助金额610元", "610", False, "0.5"),
    ("发放救助资金180万。", "1800000", False, "5000"),  # 万 after 资金 is money
])
def test_money_is_converted_to_yuan(text: str, yuan: str, approx: bool, tolerance: str) -> None:
    q = find_quantities(text)[-1]
    assert (q.value, q.unit, q.measure) == (D(yuan), "元", "amount_yuan")
    assert (q.approx, q.tolerance) == (approx, D(tolerance))


@pytest.mark.parametrize("text, unit, measure", [
    ("645元/人·月", "元/人·月", "rate_yuan_per_month"),
    ("645元/(人·月)", "元/人·月", "rate_yuan_per_month"),
    ("645元/月", "元/月", "rate_yuan_per_month"),
    ("每人每月645元", "元/人·月", "rate_yuan_per_month"),
    ("每人每年10080元", "元/人·年", "rate_yuan_per_year"),
    ("10080元/人·年", "元/人·年", "rate_yuan_per_year"),
    ("7140元/年", "元/年", "rate_yuan_per_year"),
    ("平均救助水平1214.8元/人次", "元/人次", "value"),
])
def test_standards_keep_their_period(text: str, unit: str, measure: str) -> None:
    q = find_quantities(text)[-1]
    assert (q.unit, q.measure) == (unit, measure)
    assert text.endswith(q.text)


def test_a_period_word_earlier_in_the_clause_makes_an_amount_a_rate() -> None:
    found = find_quantities("月人均补差水平由322.5元提高至348.5元，人均补差水平由227.5元提高至261.5元")
    assert [(q.value, q.measure) for q in found] == [
        (D("322.5"), "rate_yuan_per_month"), (D("348.5"), "rate_yuan_per_month"),
        (D("227.5"), "amount_yuan"), (D("261.5"), "amount_yuan")]


@pytest.mark.parametrize("text, value, precision", [
    ("群众满意度高达98%", "98", 0), ("信访率0.26%", "0.26", 2), ("满意度达百分之九十八", "98", 0),
    ("集中供养率为60.09%", "60.09", 2), ("百分之九十八点五", "98.5", 1), ("９８％", "98", 0),
])
def test_percentages(text: str, value: str, precision: int) -> None:
    q = one(text)
    assert (q.value, q.unit, q.measure, q.precision) == (D(value), "%", "percent", precision)


def test_person_times_keep_their_unit_with_or_without_a_space() -> None:
    assert summary("医保再救助77人次、落实临时救助 1125 人次、临时救助250人次") == [
        ("77人次", D(77), "人次", "person_times"), ("1125 人次", D(1125), "人次", "person_times"),
        ("250人次", D(250), "人次", "person_times")]
    assert one("救助30户次").measure == "household_times"
    assert one("13名预警人员").unit == "人"


def test_a_range_keeps_both_ends() -> None:
    q = one("每个镇抓好2-3个重点示范村")
    assert (q.value, q.high, q.unit, q.text) == (D(2), D(3), "个", "2-3个")
    q = one("救助金额在1万元到3万元的")
    assert (q.value, q.high, q.text, q.exact) == (D(10000), D(30000), "1万元到3万元", False)


@pytest.mark.parametrize("text", ["城市低保标准由每人每月645元提升至697元", "从645元/人·月提高到697元"])
def test_a_change_from_to_is_a_before_after_pair_sharing_the_period(text: str) -> None:
    before, after = find_quantities(text)
    assert (before.role, before.value, before.measure) == ("before", D(645), "rate_yuan_per_month")
    assert (after.role, after.value, after.measure) == ("after", D(697), "rate_yuan_per_month")
    assert after.text == "697元"


@pytest.mark.parametrize("text, value, unit", [
    ("提高7.5%", "7.5", "%"), ("同比增长12.3%", "12.3", "%"), ("下降3%", "-3", "%"),
    ("实现净增787人", "787", "人"), ("与去年同期相比增加293人", "293", "人"), ("减少12户", "-12", "户"),
    ("下降了3个百分点", "-3", "百分点"),
])
def test_a_stated_change_is_signed(text: str, value: str, unit: str) -> None:
    q = one(text)
    assert (q.role, q.value, q.unit) == ("change", D(value), unit)
    assert text.endswith(q.text) and not q.text.startswith(("提", "增", "下", "净", "减"))


@pytest.mark.parametrize("text, lows_highs", [
    ("5%-10%", [("5", "10")]), ("5%至10%", [("5", "10")]), ("1万元-3万元", [("10000", "30000")]),
    ("18-60周岁", [("18", "60")]),
])
def test_a_dash_between_two_quantities_is_a_range_not_a_minus(
        text: str, lows_highs: list[tuple[str, str]]) -> None:
    assert [(q.value, q.high) for q in find_quantities(text)] == [
        (D(lo), D(hi)) for lo, hi in lows_highs]


@pytest.mark.parametrize("text, value, role", [
    ("增长率为-1.5%", "-1.5", None), ("同比增长-2%", "-2", "change"), ("下降 -3%", "-3", "change"),
])
def test_a_minus_sign_is_kept_once(text: str, value: str, role: str | None) -> None:
    q = one(text)
    assert (q.value, q.role) == (D(value), role)


def test_words_ending_in_yue_or_jin_are_not_approximations() -> None:
    assert [q.approx for q in find_quantities("家庭医生签约300户，节约资金20万元，约300户")] == [
        False, False, True]


def test_a_pair_may_name_what_it_starts_from() -> None:
    before, after = find_quantities("城市低保标准由原来的每人每月645元提高到697元")
    assert (before.role, after.role, after.measure) == ("before", "after", "rate_yuan_per_month")


@pytest.mark.parametrize("text, unit", [("补助标准为300元每人每月", "元/人·月"),
                                        ("每月300元/人", "元/人·月"), ("家庭人均月收入低于645元", "元/人·月")])
def test_a_period_written_after_or_around_the_amount(text: str, unit: str) -> None:
    q = one(text)
    assert (q.value, q.unit, q.measure) == (D(300 if "300" in text else 645), unit,
                                            "rate_yuan_per_month")


def test_new_entrants_are_a_count_not_a_change() -> None:
    assert one("新增1845人").role is None


@pytest.mark.parametrize("text, op", [
    ("储备金不低于10万元", "ge"), ("不少于3人", "ge"), ("10000人以上", "ge"), ("5%以上", "ge"),
    ("不超过3000元", "le"), ("1万元以下", "le"), ("超过95%", "gt"), ("低于1万元", "lt"),
    ("救助金额最高3000元", "le"), ("60周岁及以上", "ge"), ("30万元以内", "le"),
])
def test_bounds_carry_their_comparison(text: str, op: str) -> None:
    q = one(text)
    assert q.op == op and not q.exact
    assert text.endswith(q.text) or q.text.endswith(("以上", "以下"))


@pytest.mark.parametrize("text, value, unit, approx", [
    ("两千人", "2000", "人", False), ("一万二千三百元", "12300", "元", False),
    ("三百余人", "300", "人", True), ("十二户", "12", "户", False), ("两万人", "20000", "人", True),
    ("三百零五名", "305", "人", False),
])
def test_chinese_numerals_before_a_statistical_unit(
        text: str, value: str, unit: str, approx: bool) -> None:
    q = one(text)
    assert (q.text, q.value, q.unit, q.approx) == (text, D(value), unit, approx)


@pytest.mark.parametrize("text, value, unit", [
    ("1.5倍", "1.5", "倍"), ("12个月", "12", "个月"), ("24小时", "24", "小时"),
    ("25个工作日", "25", "个工作日"), ("130套", "130", "套"), ("20批次", "20", "批次"),
])
def test_other_counts_keep_their_unit(text: str, value: str, unit: str) -> None:
    q = one(text)
    assert (q.value, q.unit, q.measure) == (D(value), unit, "value")


@pytest.mark.parametrize("text", [
    "2025年", "2025年12月", "截至2025年11月", "7月6日", "7月份", "6月底前", "2026-03-04",
    "一、", "（三）", "1.完善动态管理", "平湛民〔2025〕9号", "平湛民﹝2025﹞6号", "国务院令第649号",
    "0731-1234567", "联系人15842869509", "12430681593289443F", "91350100M000100Y4Z", "第3批",
    "一是", "二是", "七开展", "一户一条救助链", "一门受理", "一次申请", "一卡通", "四级联动", "五链闭环",
    "三项机制", "六个到位", "三个100%", "三个 100%入户核查", "三个百分之百", "3个100%",
    "不漏一户、不落一人", "无一名学生", "一人一档", "每两户一名网格员", "二〇二五年", "三四人",
    "259.90", "从业人数 14", "第二十三名", "千家万户", "百姓", "万元户", "最近",
])
def test_dates_codes_numbering_and_idioms_are_not_quantities(text: str) -> None:
    assert find_quantities(text) == []


def test_near_means_recent_before_a_duration() -> None:
    assert not one("近3个月").approx and one("近300人").approx


def test_a_summary_paragraph_reads_completely() -> None:
    text = ("截至2025年11月，城市低保：保障832户1155人，累计发放救助资金498.08万元；特困供养：农村特困"
            "194户194人（累计发放资金173.59万元），其中2月份提前下拨16.5万元临时救助备用金，"
            "累计接收各类预警34人次（紧急9人次、一般25人次），完成100%入户调查。")
    assert [q.text for q in find_quantities(text)] == [
        "832户", "1155人", "498.08万元", "194户", "194人", "173.59万元", "16.5万元", "34人次",
        "9人次", "25人次", "100%"]


# --- properties -----------------------------------------------------------------------------

@given(quantity_cases(), st.sampled_from(CONTEXT_BEFORE), st.sampled_from(CONTEXT_AFTER))
def test_every_written_form_reads_as_written(case: Case, before: str, after: str) -> None:
    sentence = before + case.text + after
    q = one(sentence)
    assert q.reading() == case.reading()
    assert (q.text, sentence[q.start:q.end]) == (case.text, case.text)


@given(quantity_cases())
def test_parse_of_format_is_identity(case: Case) -> None:
    q = one(case.text)
    assert one(format_quantity(q)).reading() == q.reading()


@given(quantity_cases(), st.sampled_from(["增加", "减少", "调整为"]))
def test_parse_of_format_keeps_changes(case: Case, verb: str) -> None:
    q = one(verb + case.text)
    assert q.role == ("after" if verb == "调整为" else "change")
    assert one(format_quantity(q)).reading() == q.reading()


@pytest.mark.parametrize("text", ["约" * 5000, "一" * 5000, "〇" * 40, "1" * 5000, "1," * 2500])
def test_long_runs_neither_crash_nor_count(text: str) -> None:
    assert find_quantities(text) == []


def test_numerals_longer_than_any_statistic_are_refused() -> None:
    assert parse_number("1" * 17) is None and parse_number("1" * 16) == D("1" * 16)
    assert find_quantities("12,345,678,901,234,567元") == []


@given(st.text(max_size=60))
def test_any_text_is_read_without_error(text: str) -> None:
    find_quantities(text)
    parse_number(text)


@given(quantity_soup)
def test_any_text_gives_consistent_spans(text: str) -> None:
    for q in find_quantities(text):
        assert text[q.start:q.end] == q.text and q.tolerance >= 0
        assert isinstance(q.value, Decimal)


@pytest.mark.parametrize(("text", "unit"), [("共接运遗体412具", "具"), ("设立救助点12处", "处"),
                                            ("改造房屋20间", "间"), ("办理转移支付1200笔", "笔"),
                                            ("受理投诉3起", "起"), ("40 日内限时闭环处置", "天"),
                                            ("办理结婚登记4512对", "对")])
def test_counts_in_the_units_of_civil_affairs_work(text: str, unit: str) -> None:
    (found,) = find_quantities(text)
    assert found.unit == unit and found.value is not None


def test_a_date_within_a_month_is_not_a_time_limit_nor_one_to_one_a_couple() -> None:
    assert find_quantities("于3月15日内完成") == [] == find_quantities("开展1对1帮扶")


def test_a_monthly_amount_as_people_say_it() -> None:
    (q,) = find_quantities("每个月能领到600多元")
    assert (q.value, q.measure, q.approx) == (Decimal("600"), "rate_yuan_per_month", True)
