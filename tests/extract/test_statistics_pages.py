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
