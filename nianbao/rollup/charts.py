"""Bar charts of a summary as PNG images (200 dpi), the same bytes for the PDF and the DOCX.

- matplotlib's Agg renderer through `Figure` objects, never pyplot: no global figure state, so
  charts can be drawn in worker processes side by side.
- Chinese labels in Noto Sans CJK SC, the file fontconfig names for it (`fc-match`); a county
  name the font cannot draw raises MissingGlyph instead of printing a blank box.
- By-county charts hold at most `PER_CHART` counties each, in chunks of even size (a province's
  100 counties give three images per chart, each fitting a page); with many counties the bars are
  thinner. This year's bars are dark, last year's light.
- No clock or version in the PNG metadata: one summary gives the same bytes.
"""

from __future__ import annotations

import io
import shutil
import subprocess
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal
from functools import cache

from matplotlib import font_manager
from matplotlib.axes import Axes
from matplotlib.figure import Figure
from matplotlib.patches import Patch
from PIL import Image

from nianbao.errors import NianbaoError
from nianbao.generate.fonts import check_glyphs
from nianbao.rollup.context import FEW_COUNTIES
from nianbao.rollup.indicators import CountyRow
from nianbao.rollup.summary import Summary

DPI = 200
WIDTH_IN = 6.3  # 16 cm: the text width of an A4 page with 2.5 cm margins
PER_CHART = 40  # 40 thin rows make a 22 cm picture: one a page with its caption
COUNTY_HEIGHT_IN = 2.2
FAMILY = "Noto Sans CJK SC"
THIS_YEAR = "#1f4e79"
LAST_YEAR = "#9db4cc"


@dataclass(frozen=True)
class Chart:
    """One picture: a key to refer to it, its caption, the PNG and its size in cm."""

    key: str
    caption: str
    png: bytes
    width_cm: float
    height_cm: float


@cache
def cjk_font() -> font_manager.FontProperties:
    """Noto Sans CJK SC as matplotlib font properties (the face fontconfig picks)."""
    fc_match = shutil.which("fc-match")
    if fc_match is None:
        raise NianbaoError("找不到 fc-match（fontconfig），无法为图表选择中文字体。",
                           "fc-match (fontconfig) not found: no Chinese font for the charts.")
    found = subprocess.run([fc_match, "-f", "%{file}\t%{family}", FAMILY], check=True,
                           capture_output=True, text=True).stdout
    file, _, families = found.partition("\t")
    if FAMILY.lower() not in families.lower() or not file:
        raise NianbaoError(f"未安装图表所需字体 {FAMILY}（fc-match 给出 {file or '无'}）",
                           f"the charts need the font {FAMILY}; fc-match gave {file or 'none'}")
    font_manager.fontManager.addfont(file)  # every face of a .ttc collection (matplotlib ≥ 3.11)
    font = font_manager.FontProperties(family=FAMILY)
    try:
        font_manager.fontManager.findfont(font, fallback_to_default=False)
    except ValueError as exc:
        raise NianbaoError(f"matplotlib 无法使用字体 {FAMILY}（{file}），请升级到 3.11 或更高版本",
                           f"matplotlib cannot use {FAMILY} from {file}; matplotlib 3.11 or "
                           "later reads fonts inside .ttc collections") from exc
    return font


def summary_charts(summary: Summary) -> list[Chart]:
    """Bars of 城乡低保 persons and funds by county, this year against last year when known."""
    rows = summary.counties
    out: list[Chart] = []
    for key, column, title, unit, digits in (
        ("persons", "dibao_persons", "各县（市、区）城乡低保人数", "人", 0),
        ("funds", "dibao_funds", "各县（市、区）城乡低保资金", "万元", 2),
    ):
        this = [r.number(column) for r in rows]
        last = [summary.previous_number(r.name, column) for r in rows]
        has_last = any(v is not None for v in last)
        count = -(-max(len(rows), 1) // PER_CHART)
        size = -(-max(len(rows), 1) // count)
        chunks = range(0, max(len(rows), 1), size)
        for n, start in enumerate(chunks, start=1):
            end = start + size
            part = f"（{n}/{len(chunks)}）" if len(chunks) > 1 else ""
            png, height = _county_bars([r.name for r in rows[start:end]], this[start:end],
                                       last[start:end] if has_last else None, unit, digits,
                                       summary.year, few=len(rows) <= FEW_COUNTIES)
            out.append(Chart(f"{key}-{n}", f"{title}（{unit}）{part}", png, 16.0, height))
    return out


def county_chart(summary: Summary, row: CountyRow) -> Chart:
    """One county's 城市/农村/城乡 低保 persons and funds, this year against last year."""
    figure = Figure(figsize=(WIDTH_IN, COUNTY_HEIGHT_IN), dpi=DPI)
    _margins(figure, left=0.5, right=0.1, top=0.55, bottom=0.3, wspace=0.2)
    font = cjk_font()
    groups = ("城市", "农村", "城乡")
    previous = summary.previous.get(row.name)
    for axes, measure, unit, digits in zip(figure.subplots(1, 2), ("persons", "funds"),
                                           ("人", "万元"), (0, 0), strict=True):
        ids = [f"{g}_{measure}" for g in ("urban", "rural", "dibao")]
        this = [row.number(i) for i in ids]
        last = [previous.number(i) for i in ids] if previous is not None else None
        _bars(axes, list(groups), this, last, digits, summary.year, horizontal=False)
        axes.set_title(f"低保{'人数' if measure == 'persons' else '资金'}（{unit}）",
                       fontproperties=font, fontsize=9)
    _legend(figure, summary.year, previous is not None)
    return Chart("county", f"{row.name}城乡低保人数与资金", _png(figure), 16.0,
                 COUNTY_HEIGHT_IN * 2.54)


def _county_bars(names: list[str], this: Sequence[Decimal | None],
                 last: Sequence[Decimal | None] | None, unit: str, digits: int,
                 year: int, *, few: bool = True) -> tuple[bytes, float]:
    check_glyphs("".join(names), (FAMILY,))
    bar_in = (0.34 if few else 0.2) if last is not None else (0.24 if few else 0.15)
    height = 0.75 + bar_in * max(len(names), 1)
    figure = Figure(figsize=(WIDTH_IN, height), dpi=DPI)
    widest = max((len(n) for n in names), default=2)
    _margins(figure, left=0.12 + widest * 8.4 / 72, right=0.15, top=0.3, bottom=0.42)
    axes = figure.subplots()
    _bars(axes, names, this, last, digits, year, horizontal=True, dense=not few)
    axes.set_xlabel(unit, fontproperties=cjk_font(), fontsize=8, loc="right")
    _legend(figure, year, last is not None)
    return _png(figure), height * 2.54


def _bars(axes: Axes, labels: list[str], this: Sequence[Decimal | None],
          last: Sequence[Decimal | None] | None, digits: int, year: int, *,
          horizontal: bool, dense: bool = False) -> None:
    font = cjk_font()
    value_size, label_size = (5.5, 7) if dense else (7, 8)
    series = [(this, THIS_YEAR)] + ([(last, LAST_YEAR)] if last is not None else [])
    width = 0.8 / len(series)
    top = max((float(v) for values, _ in series for v in values if v is not None), default=1.0)
    for k, (values, color) in enumerate(series):
        offset = (k - (len(series) - 1) / 2) * width
        positions = [i + offset for i in range(len(labels))]
        heights = [float(v) if v is not None else 0.0 for v in values]
        draw = axes.barh if horizontal else axes.bar
        bars = draw(positions, heights, width * 0.92, color=color)
        for bar, value in zip(bars, values, strict=True):
            text = _fmt(value, digits)
            if horizontal:
                axes.annotate(text, (bar.get_width(), bar.get_y() + bar.get_height() / 2),
                              xytext=(2, 0), textcoords="offset points", va="center",
                              fontsize=value_size, fontproperties=font)
            else:
                axes.annotate(text, (bar.get_x() + bar.get_width() / 2, bar.get_height()),
                              xytext=(0, 1.5), textcoords="offset points", ha="center",
                              fontsize=value_size, fontproperties=font)
    ticks = list(range(len(labels)))
    if horizontal:
        axes.set_yticks(ticks, labels, fontproperties=font, fontsize=label_size)
        axes.invert_yaxis()
        axes.set_xlim(0, top * 1.15)
        axes.xaxis.set_major_formatter(lambda x, _: f"{x:,.0f}")
        axes.grid(axis="x", color="#dddddd", linewidth=0.5)
    else:
        axes.set_xticks(ticks, labels, fontproperties=font, fontsize=label_size)
        axes.set_ylim(0, top * 1.18)
        axes.yaxis.set_major_formatter(lambda y, _: f"{y:,.0f}")
        axes.grid(axis="y", color="#dddddd", linewidth=0.5)
    axes.set_axisbelow(True)
    axes.tick_params(labelsize=7, length=2)
    for side in ("top", "right"):
        axes.spines[side].set_visible(False)


def _margins(figure: Figure, *, left: float, right: float, top: float, bottom: float,
             wspace: float = 0.2) -> None:
    """Fixed margins in inches (cheaper than a layout engine, and the same on every chart)."""
    width, height = figure.get_size_inches()
    figure.subplots_adjust(left=left / width, right=1 - right / width, top=1 - top / height,
                           bottom=bottom / height, wspace=wspace)


def _legend(figure: Figure, year: int, with_last: bool) -> None:
    handles = [Patch(color=THIS_YEAR, label=f"{year}年")]
    if with_last:
        handles.append(Patch(color=LAST_YEAR, label=f"{year - 1}年"))
    font = cjk_font().copy()
    font.set_size(7.5)
    figure.legend(handles=handles, loc="upper right", bbox_to_anchor=(1.0, 1.0),
                  ncols=len(handles), frameon=False, prop=font, borderaxespad=0.2)


def _fmt(value: Decimal | None, digits: int) -> str:
    if value is None:
        return "未报"
    return f"{value:,.{digits}f}"


def _png(figure: Figure) -> bytes:
    """The figure as an RGB PNG: no alpha channel, which the PDF would store as a second image,
    and no metadata (software version, clock)."""
    raw = io.BytesIO()
    figure.savefig(raw, format="rgba", dpi=DPI)
    width = int(figure.get_size_inches()[0] * DPI)
    pixels = raw.getvalue()
    image = Image.frombuffer("RGBA", (width, len(pixels) // (4 * width)), pixels)
    buffer = io.BytesIO()
    image.convert("RGB").save(buffer, format="PNG", dpi=(DPI, DPI))
    return buffer.getvalue()
