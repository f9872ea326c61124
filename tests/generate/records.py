"""The record the generator tests render: seed 000's values, shortened."""

from __future__ import annotations

from typing import Any

RECORD: dict[str, Any] = {
    "credit_code": "12430681593289443F",
    "report_year": 2025,
    "name": "汨罗市社会救助服务中心",
    "legal_representative": "邹建波",
    "purpose_and_scope": "为城镇居民最低生活提供保障。负责全市未达到城市最低贫困保障线的城镇居民调查、审批及保障金的发放工作等。",
    "address": "汨罗市城西开发区民政局机关大院内",
    "registered_capital_wan": 49.0,
    "funding_source": "财政补助（全额）",
    "sponsor": "汨罗市民政局",
    "net_assets_begin_wan": 259.9,
    "net_assets_end_wan": 236.18,
    "online_name": "汨罗市社会救助服务中心",
    "staff_count": 14,
    "change_registration": "我单位今年以来未发生变更事项",
    "activities": "2025年，社会救助工作坚持兜底线、保民生、促公平。\n一、基本情况\n全市城乡低保对象6800户14293人。",
    "licenses": "无",
    "awards_and_litigation": "无",
    "donations": "无",
    "entrust_opinion": "经委托登记管理机构公示我单位年度报告情况",
    "sponsor_opinion": "该年度报告书情况属实，并经保密审查，可对外公示。",
    "filler": "傅蔚霞",
    "phone": "0730-5222312",
    "submitted_on": "2026-03-04",
    "layout": "current_2014plus",
}  # fmt: skip
