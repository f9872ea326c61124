"""A statistics table that runs over several PDF pages, as an office prints a 分乡镇 table: the
header repeated at the top of each page (or not), a page number under each page, the 合计 row
first or last. It is read as one table: every value cell a fact, the 合计 checked against every
row on every page, a planted error found and a clean table silent."""

from __future__ import annotations

import random
from pathlib import Path

import pytest
from weasyprint import HTML

from nianbao.pipeline import check_path

TOWNS = 80  # three A4 pages


def table_pdf(path: Path, *, total_first: bool, repeat_header: bool, page_numbers: bool,
              planted: int = 0) -> Path:
    rng = random.Random(4)
    rows, totals = [], [0, 0, 0]
    for i in range(1, TOWNS + 1):
        households = rng.randint(10, 300)
        persons = households * 2 + rng.randint(0, 50)
        amount = persons * rng.randint(300, 700)
        for k, v in enumerate((households, persons, amount)):
            totals[k] += v
        rows.append(f"<tr><td>第{i}乡镇</td><td>{households}</td><td>{persons}</td>"
                    f"<td>{amount}</td></tr>")
    totals[1] += planted
    total = "<tr><td>合计</td>" + "".join(f"<td>{v}</td>" for v in totals) + "</tr>"
    body = total + "".join(rows) if total_first else "".join(rows) + total
    head = "thead" if repeat_header else "tbody"
    footer = "@bottom-center { content: counter(page) }" if page_numbers else ""
    HTML(string=f"""<html><head><meta charset="utf-8"><style>
        @page {{ size: A4; margin: 2cm; {footer} }}
        table {{ border-collapse: collapse }} td, th {{ border: 1px solid black; padding: 2px 6px }}
        </style></head><body><h2>青禾县2025年11月农村低保分乡镇统计表</h2>
        <p>填报单位：青禾县民政局</p><table><{head}><tr><th>乡镇</th><th>户数（户）</th>
        <th>人数（人）</th><th>支出金额（元）</th></tr></{head}><tbody>{body}</tbody></table>
        </body></html>""").write_pdf(path)
    return path


CASES = [(first, repeat, numbers) for first in (True, False) for repeat in (True, False)
         for numbers in (True, False)]


@pytest.mark.parametrize(("total_first", "repeat_header", "page_numbers"), CASES)
def test_a_table_over_pages_is_one_table(tmp_path: Path, total_first: bool, repeat_header: bool,
                                         page_numbers: bool) -> None:
    clean = check_path(table_pdf(tmp_path / "clean.pdf", total_first=total_first,
                                 repeat_header=repeat_header, page_numbers=page_numbers))
    assert clean.record.kind == "statistics_report"
    assert clean.record.as_of == "2025-11"
    assert len([f for f in clean.record.facts if f.row is not None]) == (TOWNS + 1) * 3
    assert [f.rule for f in clean.findings if f.severity != "info"] == []

    planted = check_path(table_pdf(tmp_path / "planted.pdf", total_first=total_first,
                                   repeat_header=repeat_header, page_numbers=page_numbers,
                                   planted=7))
    found = [f for f in planted.findings if f.rule == "table.part-sum"]
    assert len(found) == 1
    assert found[0].params["column"] == "人数（人）"
    assert len(found[0].params["parts"]) == TOWNS


def grouped_pdf(path: Path, planted: int = 0, ruled: bool = True) -> Path:
    """A 分县 table under a two-row header: 城市低保 and 农村低保 each spanning 户数/人数/支出,
    地区 spanning both rows; money in 万元 with two decimals. Unruled, the header comes apart
    into three lines (the group names, 地区 between the rows, the value headings)."""
    rng = random.Random(3)
    rows, totals = [], [0, 0, 0, 0, 0, 0]
    for county in "甲乙丙丁戊己庚辛":
        values = [rng.randint(100, 900), 0, rng.randint(1000, 9000), rng.randint(1000, 5000), 0,
                  rng.randint(1000, 9000)]
        values[1], values[4] = values[0] * 2 + 7, values[3] * 2 + 9
        for k, v in enumerate(values):
            totals[k] += v
        rows.append(f"<tr><td>{county}县</td>" + "".join(
            f"<td>{v / 100:.2f}</td>" if k in (2, 5) else f"<td>{v:,}</td>"
            for k, v in enumerate(values)) + "</tr>")
    totals[4] += planted
    cell = "border: 1px solid black; padding: 2px 5px" if ruled else "padding: 2px 18px"
    total = "<tr><td>合计</td>" + "".join(
        f"<td>{v / 100:.2f}</td>" if k in (2, 5) else f"<td>{v:,}</td>"
        for k, v in enumerate(totals)) + "</tr>"
    HTML(string=f"""<html><head><meta charset="utf-8"><style>
        @page {{ size: A4 landscape; margin: 1.5cm }} table {{ border-collapse: collapse }}
        td, th {{ {cell} }}</style></head><body>
        <h3>云川市2025年第三季度城乡最低生活保障情况统计表</h3>
        <p>填报单位：云川市民政局　　单位：户、人、万元</p><table><thead>
        <tr><th rowspan="2">地区</th><th colspan="3">城市低保</th><th colspan="3">农村低保</th></tr>
        <tr><th>户数</th><th>人数</th><th>支出</th><th>户数</th><th>人数</th><th>支出</th></tr>
        </thead><tbody>{total}{"".join(rows)}</tbody></table></body></html>""").write_pdf(path)
    return path


@pytest.mark.parametrize("ruled", [True, False])
def test_a_pdf_table_under_a_merged_header(tmp_path: Path, ruled: bool) -> None:
    clean = check_path(grouped_pdf(tmp_path / "clean.pdf", ruled=ruled))
    assert len([f for f in clean.record.facts if f.row is not None]) == 9 * 6
    assert [f.rule for f in clean.findings if f.severity != "info"] == []
    assert {f.indicator for f in clean.record.facts if f.row is not None} == {"urban_dibao",
                                                                             "rural_dibao"}
    planted = check_path(grouped_pdf(tmp_path / "planted.pdf", planted=3, ruled=ruled))
    found = [(f.rule, f.params["total"]) for f in planted.findings if f.severity == "error"]
    assert found == [("table.part-sum", "农村低保人数")]
