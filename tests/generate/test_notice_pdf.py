"""The generated notice measured against GB/T 9704-2012 (spec §3.1–3.2), within 1 mm.

Positions are read from the PDF, not judged by eye:

- text lines through pdfplumber: the baseline is the text matrix's origin, and a character's
  em box runs from 0.88 em above the baseline to 0.12 em below it (the ideographic em box of CJK
  fonts). "Top of a line" is the top of its em box: the standard's line is a character with 7/8
  of a character of space below it, so the first line's characters start at the top of the 版心.
- printed edges (the red 标志, the page number's dashes, the 版记 rules) from the ink of a
  300 dpi rendering (pypdfium2).

All lengths in mm from the page's top-left corner.
"""

from __future__ import annotations

import copy
import itertools
from pathlib import Path
from typing import Any

import pdfplumber
import pypdfium2 as pdfium
import pytest
from PIL import Image, ImageChops

from nianbao.errors import MissingGlyph, RefusedToGenerate, UnreadableInput, UsageError
from nianbao.extract import read
from nianbao.extract.notice import parse
from nianbao.generate.notice_input import load_notice
from nianbao.generate.notice_pdf import write_notice_pdf
from tests.conftest import ROOT

EXAMPLE = ROOT / "examples" / "notice" / "my_notice.yaml"
SEED_003 = ROOT / "examples" / "notice" / "003_yunxi_notice.txt"
MM = 25.4 / 72
DPI = 300

# The standard (spec §3.1–3.2).
TOP, LEFT, WIDTH, HEIGHT = 37.0, 28.0, 156.0, 225.0
RIGHT, BOTTOM = LEFT + WIDTH, TOP + HEIGHT  # 184 mm, 262 mm
PITCH = HEIGHT / 22  # 10.23 mm: 22 lines
CHAR = WIDTH / 28  # 5.57 mm: 28 characters
TOLERANCE = 1.0


def render(fields: dict[str, Any], out: Path, **kwargs: Any) -> Path:
    warnings: list[str] = []
    path = write_notice_pdf(fields, out, warnings=warnings, **kwargs)
    assert warnings == []
    return path


@pytest.fixture(scope="module")
def example_pdf(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return render(load_notice(EXAMPLE), tmp_path_factory.mktemp("notice") / "notice.pdf")


@pytest.fixture(scope="module")
def seed_pdf(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Seed 003 has no 发文字号 and no 版记: generated with force, it runs to ten full pages."""
    fields = parse(read(SEED_003)).fields
    return render(fields, tmp_path_factory.mktemp("seed") / "seed.pdf", force=True)


def lines(path: Path, page: int) -> list[dict[str, Any]]:
    """Text lines of a page: text, x0, x1 (mm), size (pt), em top and bottom (mm), colour."""
    out = []
    with pdfplumber.open(path) as pdf:
        p = pdf.pages[page]
        for line in p.extract_text_lines(return_chars=True):
            chars = [c for c in line["chars"] if c["text"].strip()]
            if not chars:
                continue
            baseline = p.height - chars[0]["matrix"][5]
            size = round(chars[0]["size"], 2)
            out.append({
                "text": line["text"], "x0": line["x0"] * MM, "x1": line["x1"] * MM,
                "size": size, "top": (baseline - 0.88 * size) * MM,
                "bottom": (baseline + 0.12 * size) * MM, "colour": chars[0]["non_stroking_color"],
                "fonts": {c["fontname"] for c in chars},
            })
    return out


def page_count(path: Path) -> int:
    with pdfplumber.open(path) as pdf:
        return len(pdf.pages)


def ink(path: Path, page: int, box: tuple[float, float, float, float], *, red: bool = False
        ) -> tuple[float, float, float, float] | None:
    """The bounding box (mm) of the dark (or red) ink inside `box` (mm) of a page."""
    pdf = pdfium.PdfDocument(path)
    try:
        image = pdf[page].render(scale=DPI / 72).to_pil().convert("RGB")
    finally:
        pdf.close()
    r, g, _ = image.split()
    if red:
        mask = ImageChops.logical_and(r.point(lambda v: 255 if v > 150 else 0).convert("1"),
                                      g.point(lambda v: 255 if v < 100 else 0).convert("1"))
    else:
        mask = r.point(lambda v: 255 if v < 128 else 0).convert("1")
    px = tuple(round(v / 25.4 * DPI) for v in box)
    found = mask.crop(px).getbbox()
    if found is None:
        return None
    return (box[0] + found[0] * 25.4 / DPI, box[1] + found[1] * 25.4 / DPI,
            box[0] + found[2] * 25.4 / DPI, box[1] + found[3] * 25.4 / DPI)


def rows_of_rules(path: Path, page: int, top: float, bottom: float) -> list[tuple[float, float]]:
    """(top, thickness) in mm of the ink rules that run across the whole 版心 width between
    `top` and `bottom`, from a 1200 dpi rendering of that strip."""
    dpi = 1200
    pdf = pdfium.PdfDocument(path)
    try:
        height = pdf[page].get_height()
        crop = (0, height - bottom / MM, 0, top / MM)  # left, bottom, right, top in points
        image = pdf[page].render(scale=dpi / 72, crop=crop).to_pil().convert("L")
    finally:
        pdf.close()
    left, right = round((LEFT + 1) / 25.4 * dpi), round((RIGHT - 1) / 25.4 * dpi)
    dark = [y for y in range(image.height)
            if max(image.crop((left, y, right, y + 1)).getextrema()) < 128]
    rules: list[list[int]] = []
    for y in dark:
        if rules and y - rules[-1][-1] == 1:
            rules[-1].append(y)
        else:
            rules.append([y])
    return [(top + r[0] * 25.4 / dpi, len(r) * 25.4 / dpi) for r in rules]


def near(value: float, expected: float, tolerance: float = TOLERANCE) -> bool:
    return abs(value - expected) <= tolerance


# --------------------------------------------------------------------------- 版头


def test_three_pages(example_pdf: Path) -> None:
    assert page_count(example_pdf) == 3


def test_issuer_mark_is_red_centred_and_35_mm_into_the_text_block(example_pdf: Path) -> None:
    mark = ink(example_pdf, 0, (0, 0, 210, 100), red=True)
    assert mark is not None
    assert near(mark[1], TOP + 35), mark  # 上边缘至版心上边缘 35 mm
    assert near((mark[0] + mark[2]) / 2, LEFT + WIDTH / 2)
    first = lines(example_pdf, 0)[0]
    assert first["text"] == "临湘市民政局"
    assert first["colour"][0] > 0.8 and max(first["colour"][1:]) < 0.2  # red
    assert all("FandolSong" in f for f in first["fonts"])  # a 小标宋-like bold 宋体


def test_document_number_rule_and_title(example_pdf: Path) -> None:
    mark = ink(example_pdf, 0, (0, 0, 210, 100), red=True)
    assert mark is not None
    number, title, recipients = lines(example_pdf, 0)[1:4]
    assert number["text"] == "临民发〔2025〕8号"
    assert near(number["top"], mark[3] + 2 * PITCH)  # 标志下空二行
    assert near((number["x0"] + number["x1"]) / 2, LEFT + WIDTH / 2)
    with pdfplumber.open(example_pdf) as pdf:
        (rule,) = [r for r in pdf.pages[0].rects if r["non_stroking_color"][0] > 0.8]
    assert near(rule["x0"] * MM, LEFT, 0.5) and near(rule["x1"] * MM, RIGHT, 0.5)
    assert max(rule["non_stroking_color"][1:]) < 0.2  # red
    centre = (rule["top"] + rule["bottom"]) / 2 * MM
    assert near(centre, number["bottom"] + 4)  # 发文字号之下 4 mm
    assert title["size"] == 22  # 2号
    assert near(title["top"], rule["bottom"] * MM + 2 * PITCH)  # 分隔线下空二行
    assert near((title["x0"] + title["x1"]) / 2, LEFT + WIDTH / 2)
    assert near(recipients["top"], title["top"] + 2 * PITCH)  # 标题下空一行
    assert near(recipients["x0"], LEFT, 0.3) and recipients["text"].endswith("：")


# --------------------------------------------------------------------------- 版心 and grid


def test_full_pages_have_22_lines_of_28_characters(seed_pdf: Path) -> None:
    counts = []
    for page in range(3, page_count(seed_pdf) - 1):
        body = [ln for ln in lines(seed_pdf, page) if ln["size"] == 16]
        counts.append(len(body))
        assert near(body[0]["top"], TOP, 0.3)  # the first line starts at the top of the 版心
        assert body[-1]["bottom"] <= BOTTOM
        pitches = [b["top"] - a["top"] for a, b in itertools.pairwise(body)]
        assert all(near(p, PITCH, 0.15) for p in pitches), pitches
        assert near(body[-1]["top"] - body[0]["top"], (len(body) - 1) * PITCH, 0.5)
        flush = [ln for ln in body if near(ln["x0"], LEFT, 0.3)]
        indented = [ln for ln in body if near(ln["x0"], LEFT + 2 * CHAR, 0.3)]
        assert len(flush) + len(indented) == len(body)  # 左空二字 or flush left, nothing else
        full = [ln for ln in flush if near(ln["x1"], RIGHT, 0.5)]
        assert full
        assert max(ln["x1"] for ln in body) - LEFT == pytest.approx(WIDTH, abs=0.5)
        han = [(ln, nxt) for ln, nxt in itertools.pairwise(body) if ln in full
               and all("\u4e00" <= c <= "\u9fff" or c in "，。、；：（）《》“”" for c in ln["text"])]
        # 28 to a line; 27 only where 禁则 pushed the last character on (the next line would
        # otherwise start with closing punctuation, or this one end with an opening bracket),
        # and that line is still justified to the right edge.
        assert all(len(ln["text"]) == 28 or (len(ln["text"]) == 27 and (
            nxt["text"][1:2] in set("，。、；：）》”") or nxt["text"][:1] in set("（《“")))
            for ln, nxt in han), [ln["text"] for ln, _ in han]
    # Every page but the last is full, less a line where a heading moved on with its text.
    assert max(counts) == 22 and counts.count(22) >= 3 and min(counts[:-1]) >= 21, counts


def test_heading_fonts_by_level(example_pdf: Path) -> None:
    page = lines(example_pdf, 1)
    fonts = {ln["text"][:3]: ln["fonts"] for ln in page}
    assert any("Hei" in f for f in fonts["一、总"])  # 黑体 (FandolHei, the open 黑体)
    assert any("Kai" in f for f in fonts["（一）"])  # 楷体 (FandolKai)
    assert all("Fang" in f for f in fonts["为切实"])  # 仿宋 (FandolFang), not a 宋体-style serif


# --------------------------------------------------------------------------- 主体 end


def test_attachment_signature_date_and_note(example_pdf: Path) -> None:
    page = lines(example_pdf, 0)
    text = [ln["text"] for ln in page]
    attachment = page[text.index("附件：临湘市低收入人口救助帮扶行动实施方案")]
    last_body = page[text.index("附件：临湘市低收入人口救助帮扶行动实施方案") - 1]
    signature, date, note = page[text.index("临湘市民政局", 1):][:3]
    assert near(attachment["top"], last_body["top"] + 2 * PITCH)  # 正文下空一行
    assert near(attachment["x0"], LEFT + 2 * CHAR, 0.3)  # 左空二字
    assert date["text"] == "2025年3月12日"  # Arabic numerals, no padding
    assert near(date["x1"], RIGHT - 4 * CHAR)  # sealed: 右空四字
    assert near((signature["x0"] + signature["x1"]) / 2, (date["x0"] + date["x1"]) / 2, 0.3)
    assert near(signature["top"], attachment["top"] + 3 * PITCH)
    assert near(date["top"], signature["top"] + PITCH)
    assert note["text"] == "（联系人：王敏，电话：0730-3722415）"
    assert near(note["top"], date["top"] + PITCH) and near(note["x0"], LEFT + 2 * CHAR, 0.3)


def test_unsealed_signature(tmp_path: Path) -> None:
    fields = load_notice(EXAMPLE)
    fields["sealed"] = False
    pdf = render(fields, tmp_path / "unsealed.pdf")
    page = lines(pdf, 0)
    text = [ln["text"] for ln in page]
    signature, date = page[text.index("临湘市民政局", 1)], page[text.index("2025年3月12日")]
    attachment = page[text.index("附件：临湘市低收入人口救助帮扶行动实施方案")]
    assert near(signature["top"], attachment["top"] + 2 * PITCH)  # 下空一行
    assert near(date["x0"], signature["x0"] + 2 * CHAR, 0.3)  # 首字比署名首字右移二字
    # The date is as long as the 署名 here, so it keeps two characters from the right edge and
    # the 署名 moves left (§7.3.5.2); a short date leaves the 署名 two characters from the edge.
    assert near(date["x1"], RIGHT - 2 * CHAR, 0.3)
    fields["date"] = "2025-03-01"
    fields["signature"] = ["临湘市民政局办公室"]
    page = lines(render(fields, tmp_path / "short.pdf"), 0)
    text = [ln["text"] for ln in page]
    signature, date = page[text.index("临湘市民政局办公室")], page[text.index("2025年3月1日")]
    assert near(signature["x1"], RIGHT - 2 * CHAR, 0.3)
    assert near(date["x0"], signature["x0"] + 2 * CHAR, 0.3)


def test_attachment_page(example_pdf: Path) -> None:
    page = lines(example_pdf, 1)
    label, title = page[0], page[1]
    assert label["text"] == "附件" and near(label["x0"], LEFT, 0.3) and near(label["top"], TOP, 0.3)
    assert title["size"] == 22 and near(title["top"], TOP + 2 * PITCH)  # 版心第三行
    assert near(page[2]["top"], title["top"] + 2 * PITCH)


# --------------------------------------------------------------------------- 页码 and 版记


@pytest.mark.parametrize("page", [0, 1, 2])
def test_page_numbers(example_pdf: Path, page: int) -> None:
    number = [ln for ln in lines(example_pdf, page) if ln["size"] == 14][-1]
    assert number["text"] == f"— {page + 1} —"
    box = ink(example_pdf, page, (0, BOTTOM + 1, 210, 290))
    assert box is not None
    if page % 2 == 0:  # odd page numbers: right, one character in
        assert near(box[2], RIGHT - CHAR), box
    else:  # even: left, one character in
        assert near(box[0], LEFT + CHAR), box
    dash = ink(example_pdf, page, (box[0], BOTTOM + 1, box[0] + 1.5, 290))
    assert dash is not None
    assert near((dash[1] + dash[3]) / 2, BOTTOM + 7), dash  # 一字线上距版心下边缘 7 mm


def test_colophon_on_the_last_page(example_pdf: Path) -> None:
    rules = rows_of_rules(example_pdf, 2, 200, 270)
    assert len(rules) == 3, rules  # thick, thin, thick
    (first, thick), (middle, thin), (last, thick_2) = rules
    assert near(thick, 0.35, 0.05) and near(thin, 0.25, 0.05) and near(thick_2, 0.35, 0.05)
    assert near(last + thick_2, BOTTOM, 0.5)  # 末条分隔线与版心下边缘重合
    page = lines(example_pdf, 2)
    cc, printed = [ln for ln in page if ln["size"] == 14][:2]
    assert cc["text"] == "抄送：市人民政府办公室，市财政局。"
    assert near(cc["x0"], LEFT + CHAR) and near(printed["x0"], LEFT + CHAR)
    assert printed["text"] == "临湘市民政局办公室 2025年3月12日印发"
    assert near(printed["x1"], RIGHT - CHAR)
    assert first < cc["top"] < middle < printed["top"] < last


# --------------------------------------------------------------------------- behaviour


def test_refuses_a_notice_without_number_or_colophon(tmp_path: Path) -> None:
    fields = load_notice(EXAMPLE)
    fields["doc_number"] = None
    with pytest.raises(RefusedToGenerate) as err:
        write_notice_pdf(fields, tmp_path / "out.pdf")
    assert "notice.missing-doc-number" in err.value.message_en
    assert not (tmp_path / "out.pdf").exists()
    findings: list[Any] = []
    write_notice_pdf(fields, tmp_path / "out.pdf", force=True, findings=findings)
    assert [f.rule for f in findings] == ["notice.missing-doc-number"]


def test_never_overwrites_an_input(tmp_path: Path) -> None:
    source = tmp_path / "notice.yaml"
    source.write_bytes(EXAMPLE.read_bytes())
    with pytest.raises(UsageError):
        write_notice_pdf(load_notice(source), tmp_path / "notice.yaml", inputs=[source])
    assert source.read_bytes() == EXAMPLE.read_bytes()


def test_missing_glyph_is_an_error(tmp_path: Path) -> None:
    fields = load_notice(EXAMPLE)
    fields["body"] = ["私用区字符\ue000不能打印。"]
    with pytest.raises(MissingGlyph):
        write_notice_pdf(fields, tmp_path / "out.pdf")


def test_markup_in_values_is_printed_as_text(tmp_path: Path) -> None:
    fields = load_notice(EXAMPLE)
    fields["body"] = ["<b>R&D</b> {{ x }}"]
    pdf = render(fields, tmp_path / "out.pdf")
    assert any(ln["text"].startswith("<b>R&D</b> {{ x }}") for ln in lines(pdf, 0))


def test_same_notice_same_bytes(tmp_path: Path) -> None:
    fields = load_notice(EXAMPLE)
    a = render(fields, tmp_path / "a.pdf").read_bytes()
    b = render(copy.deepcopy(fields), tmp_path / "b.pdf").read_bytes()
    assert a == b
    with pdfplumber.open(tmp_path / "a.pdf") as pdf:
        assert str(pdf.metadata["CreationDate"]).startswith("D:20250312")


def test_bad_input_is_one_clear_error(tmp_path: Path) -> None:
    for name, text in (("a.yaml", "title: [unclosed"), ("b.yaml", "- a list"),
                       ("c.json", "{\"title\": 1}"), ("d.yaml", ""),
                       ("e.yaml", "title: 关于开展救助的通知\nissuers: [某局]\ndate: 2025-13-40\n"),
                       ("f.yaml", "!!python/object/apply:os.system ['true']")):
        path = tmp_path / name
        path.write_text(text, encoding="utf-8")
        with pytest.raises(UnreadableInput) as err:
            load_notice(path)
        assert name in err.value.message_en and "\n" not in err.value.message_zh


def test_docs_images_are_from_this_layout(example_pdf: Path) -> None:
    """docs/img/notice_page{1,2}.png are pdftoppm -r 60 renderings of the example: A4 at 60 dpi."""
    for n in (1, 2):
        with Image.open(ROOT / "docs" / "img" / f"notice_page{n}.png") as image:
            assert image.size == (497, 702)
