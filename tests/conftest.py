"""Shared fixtures: paths to the bundled examples and a fresh rule registry."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pytest

from nianbao.checks import Registry, default_registry

ROOT = Path(__file__).resolve().parent.parent
EXAMPLES = ROOT / "examples" / "annual_report"
SEED_000 = EXAMPLES / "000_miluo_2025"
SEED_004 = EXAMPLES / "004_linyou_2022"


@pytest.fixture
def registry() -> Registry:
    return default_registry()


def clean_fields() -> dict[str, object]:
    """A complete, correct annual report: every rule stays silent on it."""
    return {
        "credit_code": "12430681593289443F", "report_year": 2025, "name": "汨罗市社会救助服务中心",
        "legal_representative": "邹建波",
        "purpose_and_scope": "为城乡居民最低生活提供保障，负责低保审核和保障金发放。",
        "address": "汨罗市城西开发区民政局机关大院内", "registered_capital_wan": Decimal("49.0"),
        "funding_source": "财政补助（全额）", "sponsor": "汨罗市民政局",
        "net_assets_begin_wan": Decimal("50.10"), "net_assets_end_wan": Decimal("48.20"),
        "online_name": "汨罗市社会救助服务中心.公益", "staff_count": 14,
        "change_registration": "2025年度未发生需办理变更登记的事项。",
        "activities": "2025年，我中心保障城乡低保对象6800户14293人。",
        "licenses": "无", "awards_and_litigation": "无", "donations": "无",
        "entrust_opinion": "经委托登记管理机构公示我单位年度报告情况 法定代表人 邹建波 2026年3月4日",
        "sponsor_opinion": "该年度报告书情况属实，并经保密审查，可对外公示。2026年3月4日",
        "filler": "傅蔚霞", "phone": "0730-5223456", "submitted_on": "2026-03-04",
        "layout": "current_2014plus",
    }


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption("--update-golden", action="store_true",
                     help="Rewrite the expected outputs under examples/ (review the diff!).")


@pytest.fixture
def update_golden(request: pytest.FixtureRequest) -> bool:
    return bool(request.config.getoption("--update-golden"))
