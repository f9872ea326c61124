"""The annual-report form's fields: contract name, Chinese label, English label, in form order."""

from __future__ import annotations

ANNUAL_REPORT_FIELDS: tuple[tuple[str, str, str], ...] = (
    ("credit_code", "统一社会信用代码", "unified social credit code"),
    ("report_year", "报告年度", "report year"),
    ("name", "单位名称", "name"),
    ("legal_representative", "法定代表人", "legal representative"),
    ("purpose_and_scope", "宗旨和业务范围", "purpose and scope"),
    ("address", "住所", "address"),
    ("registered_capital_wan", "开办资金", "registered capital"),
    ("funding_source", "经费来源", "funding source"),
    ("sponsor", "举办单位", "sponsor"),
    ("net_assets_begin_wan", "净资产年初数", "net assets at the start of the year"),
    ("net_assets_end_wan", "净资产年末数", "net assets at the end of the year"),
    ("online_name", "网上名称", "online name"),
    ("staff_count", "从业人数", "staff count"),
    ("change_registration", "对《条例》和实施细则有关变更登记规定的执行情况",
     "compliance with change-registration rules"),
    ("activities", "开展业务活动情况", "activities"),
    ("licenses", "相关资质认可或执业许可证明文件及有效期", "licences"),
    ("awards_and_litigation", "绩效和受奖惩及诉讼投诉情况", "awards, penalties and litigation"),
    ("donations", "接受捐赠资助及使用情况", "donations"),
    ("entrust_opinion", "事业单位委托意见", "entrustment opinion"),
    ("sponsor_opinion", "举办单位意见（含保密审查意见）", "sponsor's opinion"),
    ("filler", "填表人", "filled in by"),
    ("phone", "联系电话", "phone"),
    ("submitted_on", "报送日期", "submission date"),
    ("layout", "版式", "layout"),
)

FIELD_NAMES = tuple(name for name, _, _ in ANNUAL_REPORT_FIELDS)
LABEL_ZH = {name: zh for name, zh, _ in ANNUAL_REPORT_FIELDS}
LABEL_EN = {name: en for name, _, en in ANNUAL_REPORT_FIELDS}
AMOUNT_FIELDS = frozenset({"registered_capital_wan", "net_assets_begin_wan", "net_assets_end_wan"})
# Free-text fields, shown by their length where the short fields are shown whole (the history
# table, the reviewer's comparison of two years).
LONG_FIELDS = frozenset({"purpose_and_scope", "change_registration", "activities", "licenses",
                         "awards_and_litigation", "donations", "entrust_opinion",
                         "sponsor_opinion"})
