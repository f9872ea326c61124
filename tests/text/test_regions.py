"""GB/T 2260 lookups through the dataset package, and the name/address consistency test."""

from __future__ import annotations

import pytest

from nianbao.text import regions


def test_names_for_a_county_lists_county_city_and_province_with_and_without_suffix() -> None:
    assert regions.names_for("430681") == ["汨罗市", "汨罗", "岳阳市", "岳阳", "湖南省", "湖南"]
    assert regions.full_name("430681") == "湖南省岳阳市汨罗市"


def test_names_for_levels_the_dataset_writes_differently() -> None:
    assert regions.names_for("430600") == ["岳阳市", "岳阳", "湖南省", "湖南"]
    assert regions.names_for("110105") == ["朝阳区", "朝阳", "北京市", "北京"]  # municipality
    assert regions.names_for("469001")[-2:] == ["海南省", "海南"]  # province-administered city
    assert regions.names_for("110100") == ["北京市", "北京"]  # GB/T 2260 grouping code
    assert regions.names_for("999999") == []


@pytest.mark.parametrize(
    "name, short",
    [
        ("湘西土家族苗族自治州", "湘西"),
        ("广西壮族自治区", "广西"),
        ("新疆维吾尔自治区", "新疆"),
        ("内蒙古自治区", "内蒙古"),
        ("长白朝鲜族自治县", "长白"),
        ("鄂温克族自治旗", "鄂温克"),
        ("管城回族区", "管城"),
        ("金林区", "金林"),
        ("神农架林区", "神农架"),
        ("泾县", None),  # one character would match almost any text
        ("城区", None),
    ],
)
def test_short_name(name: str, short: str | None) -> None:
    assert regions.short_name(name) == short


def test_seed_000_name_matches_its_code() -> None:
    assert regions.matches("430681", "汨罗市社会救助服务中心") is True


def test_an_address_in_another_county_does_not_match() -> None:
    assert regions.matches("430681", None, "麟游县市民中心8楼") is False
    assert regions.matches("430681", "社会救助服务中心", "陕西省宝鸡市麟游县九成宫镇") is False


def test_unknown_code_or_no_place_named_gives_none() -> None:
    assert regions.matches("999999", "汨罗市社会救助服务中心") is None
    assert regions.matches("371200", "莱芜市民政局") is None  # abolished in 2019
    assert regions.matches("430681", "社会救助服务中心", "中山路8号") is None
    assert regions.matches("430681", None, "") is None


def test_a_city_level_code_covers_its_counties() -> None:
    assert regions.matches("430600", "汨罗市社会救助服务中心") is True
    assert regions.matches("430000", "岳阳市社会救助服务中心") is True
    assert regions.matches("430600", "社会救助服务中心", "湖南省长沙市芙蓉区") is False


def test_a_county_code_against_its_city_or_a_sibling_county() -> None:
    assert regions.matches("430602", "救助站", "湖南省岳阳市岳阳大道8号") is True
    assert regions.matches("430681", "救助站", "湖南省岳阳市平江县") is False


def test_a_generic_word_after_a_place_is_not_another_place() -> None:
    # 老城区 is also a district of 洛阳, but here it is the old town of 岳阳.
    assert regions.matches("430602", "救助站", "岳阳市老城区8号") is True
