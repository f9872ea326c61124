"""A synthetic inbox for the benchmarks and the batch tests: annual reports and work summaries
with varied values, both form layouts and planted defects, as .txt, .docx and .pdf.

    python benchmarks/make_corpus.py OUT --n 300 [--formats txt,docx,pdf] [--seed 1]

- Values vary per document: region (real GB/T 2260 divisions), institution, valid 统一社会信用代码,
  legal representative, amounts, staff, year, and the length of the 开展业务活动情况 prose
  (one to several pages).
- Layouts: the current national form (cover page, one ruled table with merged group cells) and
  the older provincial form (label | value rows, no cover); work summaries are plain prose.
- Planted defects (listed per file in OUT/manifest.jsonl with the rule that should find them):
  a wrong part sum, a traditional-script line, a template placeholder (20XX), a signer who is
  not the legal representative, and a 年初净资产 that is not last year's 年末净资产 (an
  institution filing two consecutive years; found with --store).
- .txt and .docx are written here (the DOCX with python-docx, laid out the way
  examples/annual_report/make_examples.py lays out the real examples); every .pdf is made from
  its .docx by LibreOffice: ONE `soffice --headless --convert-to pdf` call for up to 200
  documents (LibreOffice 7.4 quietly stops after 247 files of one call, so a bigger corpus takes
  a call per 200). No PDF comes from nianbao.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import shutil
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "examples" / "annual_report"))
sys.path.insert(0, str(ROOT))

import make_examples as mk
from docx.enum.table import WD_CELL_VERTICAL_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.shared import Cm, Pt

from nianbao.text.credit_code import check_char, org_check_digit

DIVISIONS = [  # (code, county, city) — real GB/T 2260 divisions
    ("430681", "汨罗市", "岳阳市"), ("610329", "麟游县", "宝鸡市"), ("430102", "芙蓉区", "长沙市"),
    ("320583", "昆山市", "苏州市"), ("330782", "义乌市", "金华市"), ("510107", "武侯区", "成都市"),
    ("420111", "洪山区", "武汉市"), ("410105", "金水区", "郑州市"), ("350203", "思明区", "厦门市"),
    ("431102", "零陵区", "永州市"), ("610502", "临渭区", "渭南市"), ("522701", "都匀市", "黔南州"),
]
SUFFIXES = ["社会救助服务中心", "城乡居民最低生活保障管理中心", "社会福利中心", "救助管理站",
            "低收入人口认定服务中心", "居民家庭经济状况核对中心"]
SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘"
GIVEN = ["建波", "磊", "蔚霞", "晓东", "海燕", "志强", "丽娟", "国华", "文军", "秀英", "永红", "明",
         "春梅", "卫东", "红霞", "德胜", "玉兰", "光辉", "小平", "丹"]
FUNDING = ["财政补助（全额）", "全额拨款", "财政补助（差额）", "财政拨款"]
FILLER = [
    "坚持以人民为中心的发展思想，紧紧围绕兜底线、织密网、建机制的要求，扎实推进各项工作。",
    "严格执行低保审核确认程序，落实入户调查、民主评议和张榜公示制度，确保对象认定精准。",
    "依托居民家庭经济状况核对平台，常态化开展跨部门数据比对，及时发现和纠正错保漏保问题。",
    "加强基层经办队伍建设，组织业务培训，编印政策手册，提升基层经办人员政策水平和服务能力。",
    "推行社会救助申请“一门受理、协同办理”，畅通急难型临时救助绿色通道，做到先行救助、后补手续。",
    "主动接受社会监督，公开监督举报电话，对群众反映的问题逐件核查、限时办结、及时反馈。",
    "联合乡村振兴、医保、残联等部门建立信息共享机制，对防返贫监测对象实行动态跟踪管理。",
    "严格资金管理，实行社会化发放，专账核算、专款专用，配合财政审计部门开展专项检查。",
]
TRADITIONAL = "請就本報調查之情況，就下列各點發表意見。"


@dataclass
class Filing:
    name: str  # file stem
    kind: str  # annual_report | work_summary
    layout: str  # current | provincial | prose
    year: int
    fields: dict[str, str]
    paragraphs: list[str]
    defects: list[dict[str, str]] = field(default_factory=list)


def credit_code(rng: random.Random, division: str) -> str:
    body = "".join(rng.choice("0123456789") for _ in range(8))
    first17 = "12" + division + body + org_check_digit(body)
    return first17 + check_char(first17)


def person(rng: random.Random) -> str:
    return rng.choice(SURNAMES) + rng.choice(GIVEN)


def wan(value: Decimal) -> str:
    return f"{value:.2f}"


def statistics(rng: random.Random, place: str, year: int, defects: list[dict[str, str]],
               *, wrong_sum: bool) -> list[str]:
    h1, h2 = rng.randint(40, 900), rng.randint(300, 4000)
    p1, p2 = h1 + rng.randint(10, h1), h2 + rng.randint(50, h2)
    total_h, total_p = h1 + h2, p1 + p2
    if wrong_sum:
        total_p += rng.randint(3, 40)
        defects.append({"rule": "arith.part-sum", "what": f"低保人数合计 {total_p} ≠ {p1}+{p2}"})
    money = Decimal(rng.randint(20000, 900000)) / 100
    t_c, t_d = rng.randint(20, 300), rng.randint(50, 400)
    rate = Decimal(t_c * 100) / Decimal(t_c + t_d)
    temp_n, temp_m = rng.randint(50, 2000), Decimal(rng.randint(500, 9000)) / 100
    return [
        (f"{year}年，全{place[-1]}城乡低保对象{total_h}户{total_p}人，其中城市低保{h1}户{p1}人，"
         f"农村低保{h2}户{p2}人，累计发放低保金{wan(money)}万元。"),
        (f"在册特困供养人员{t_c + t_d}人，其中集中供养{t_c}人，分散供养{t_d}人，"
         f"集中供养率为{rate:.2f}%。"),
        f"全年实施临时救助{temp_n}人次，发放临时救助资金{wan(temp_m)}万元。",
    ]


def prose(rng: random.Random, filing_stats: list[str], defects: list[dict[str, str]],
          *, placeholder: bool, traditional: bool, length: int) -> list[str]:
    paragraphs = [
        "一、基本情况",
        ("本单位认真贯彻执行《事业单位登记管理暂行条例》及其实施细则，按照核准登记的宗旨和业务"
         "范围开展活动，全年工作平稳有序。"),
        *filing_stats,
        "二、主要工作",
    ]
    for i in range(length):
        paragraphs.append(f"（{'一二三四五六七八九十'[i % 10]}）" +
                          "".join(rng.sample(FILLER, 3)))
    if placeholder:
        paragraphs.append("三、下一步打算：截至20XX年底，全面完成低保专项治理各项任务。")
        defects.append({"rule": "text.placeholder", "what": "20XX"})
    else:
        paragraphs.append("三、下一步打算：持续巩固兜底保障成果，推动社会救助工作高质量发展。")
    if traditional:
        paragraphs.append(TRADITIONAL)
        defects.append({"rule": "text.foreign-script", "what": TRADITIONAL[:6]})
    return paragraphs


def make_filing(i: int, rng: random.Random, previous: Filing | None) -> Filing:
    code, county, city = rng.choice(DIVISIONS)
    defects: list[dict[str, str]] = []
    wrong_sum = rng.random() < 0.2
    placeholder = rng.random() < 0.1
    traditional = rng.random() < 0.1
    if rng.random() < 0.2:  # a work summary
        year = rng.randint(2019, 2025)
        stats = statistics(rng, county, year, defects, wrong_sum=wrong_sum)
        text = prose(rng, stats, defects, placeholder=placeholder, traditional=traditional,
                     length=rng.randint(1, 6))
        title = f"{county}{year}年社会救助工作总结"
        return Filing(f"{i:06d}_summary_{year}", "work_summary", "prose", year,
                      {"title": title}, text, defects)
    if previous is not None:  # the same institution, the next year
        fields = dict(previous.fields)
        year = previous.year + 1
        begin = Decimal(fields["net_assets_end"])
        if rng.random() < 0.5:
            begin += Decimal(rng.randint(100, 5000)) / 100
            defects.append({"rule": "xyear.net-assets-carryover",
                            "what": f"年初 {begin} ≠ 上年年末 {fields['net_assets_end']}"})
        layout = previous.layout
        county = fields["county"]
    else:
        year = rng.randint(2019, 2024)
        name = county + rng.choice(SUFFIXES)
        rep = person(rng)
        fields = {
            "county": county, "credit_code": credit_code(rng, code), "name": name,
            "legal_representative": rep,
            "purpose": f"为{county}城乡困难群众提供基本生活保障。负责最低生活保障、特困人员救助"
                       "供养和临时救助的受理、审核和资金发放工作。",
            "address": f"{city}{county}{rng.choice(['人民路', '解放路', '建设路', '民政路'])}"
                       f"{rng.randint(1, 300)}号",
            "capital": wan(Decimal(rng.randint(100, 20000)) / 100),
            "funding": rng.choice(FUNDING), "sponsor": f"{county}民政局",
            "staff": str(rng.randint(3, 40)),
            "phone": f"0{rng.randint(100, 999)}-{rng.randint(2000000, 8999999)}",
        }
        begin = Decimal(rng.randint(1000, 90000)) / 100
        layout = "current" if rng.random() < 0.6 else "provincial"
    end = max(Decimal("0.10"), begin + Decimal(rng.randint(-3000, 3000)) / 100)
    fields["net_assets_begin"], fields["net_assets_end"] = wan(begin), wan(end)
    fields["year"] = str(year)
    fields["submitted"] = f"{year + 1}年{rng.randint(1, 3)}月{rng.randint(1, 28)}日"
    signer = fields["legal_representative"]
    if layout == "current" and rng.random() < 0.1:
        signer = person(rng)
        if signer != fields["legal_representative"]:
            defects.append({"rule": "report.signer-mismatch", "what": signer})
    fields["signer"] = signer
    stats = statistics(rng, county, year, defects, wrong_sum=wrong_sum)
    text = prose(rng, stats, defects, placeholder=placeholder, traditional=traditional,
                 length=rng.choice([1, 2, 3, 4, 6, 10]))
    return Filing(f"{i:06d}_{layout}_{year}", "annual_report", layout, year, fields, text,
                  defects)


# --- text ---------------------------------------------------------------------------------------


def body(f: Filing) -> list[str]:
    """The prose without a stray traditional-script line when the layout puts it elsewhere (the
    provincial form has the whole 开展业务活动情况 as one paragraph)."""
    if f.layout != "provincial":
        return f.paragraphs
    return [p for p in f.paragraphs if p != TRADITIONAL]


def stray(f: Filing) -> list[str]:
    return [TRADITIONAL] if f.layout == "provincial" and TRADITIONAL in f.paragraphs else []


def annual_txt(f: Filing) -> str:
    v = f.fields
    narrative = "\n".join(f.paragraphs)
    if f.layout == "provincial":
        rows = [
            ("单位名称", v["name"]), ("宗旨和业务范围", v["purpose"]), ("住所", v["address"]),
            ("法定代表人", v["legal_representative"]), ("开办资金", v["capital"] + "万元"),
            ("经济来源", v["funding"]), ("举办单位", v["sponsor"]), ("资产损益情况", ""),
            ("年初数(万元)", "年末数(万元)"),
            (v["net_assets_begin"] + "万元", v["net_assets_end"] + "万元"),
        ]
        lines = [f"{a} | {b} | |" for a, b in rows]
        lines.append(f"网上名称 | {v['name']}.公益 | 从业人数 {v['staff']} |")
        lines.append("对《条例》和实施细则有关变更登记规定的执行情况 | "
                     f"{f.year}年度未发生变更登记事项，无违法违规情况。 | |")
        lines.append(f"开展业务活动情况 | {''.join(body(f))} | |")
        lines += ["相关资质认可或执业许可证明文件及有效期 | 无 | |",
                  "绩效和受奖惩及诉讼投诉情况 | 无 | |", "接收捐赠资助及使用情况 | 无 |"]
        lines += stray(f)
        return "\n".join(lines) + "\n"
    cert = [("单位名称", v["name"]), ("宗旨和业务范围", v["purpose"]), ("住所", v["address"]),
            ("法定代表人", v["legal_representative"]), ("开办资金", v["capital"] + " 万元"),
            ("经费来源", v["funding"]), ("举办单位", v["sponsor"])]
    lines = ["统一社会信用代码", v["credit_code"], "", "事业单位法人年度报告书", "",
             f"（{f.year}）年度", "", f"单位名称 {v['name']}", "",
             f"法定代表人 {v['legal_representative']}", "", "国家事业单位登记管理局制", ""]
    for n, (a, b) in enumerate(cert):
        lines.append(("《事业单位法人证书》登载事项" if n == 0 else "") + f"\t{a}\t{b}")
    lines += ["资产损益情况\t净资产合计（所有者权益合计）", "\t年初数（万元）\t年末数（万元）",
              f"\t{v['net_assets_begin']}\t{v['net_assets_end']}",
              f"网上名称\t{v['name']}.公益\t从业人数\t{v['staff']}",
              f"对《条例》和实施细则有关变更登记规定的执行情况\t{f.year}年度未发生变更登记事项",
              f"开展业务活动情况\t{narrative}",
              "相关资质认可或执业许可证证明文件的有效期\t无", "诉讼和受罚情况及诉讼投诉情况\t无",
              "接受捐赠资助及其使用情况\t无",
              f"事业单位委托意见\t经委托登记管理机关公示我单位年度报告情况 法定代表人 {v['signer']}",
              f"举办单位意见(含保密审查意见)\t该年度报告书情况属实，同意公示。 {v['submitted']}",
              "", f"填表人: {v['signer']} 联系电话: {v['phone']}", "", f"报送日期: {v['submitted']}"]
    return "\n".join(lines) + "\n"


def summary_txt(f: Filing) -> str:
    return f.fields["title"] + "\n\n" + "\n".join(f.paragraphs) + "\n"


# --- DOCX ---------------------------------------------------------------------------------------


def annual_docx(f: Filing, out: Path) -> None:
    v = f.fields
    doc = mk.setup_document()
    narrative_cell = list(f.paragraphs)
    if f.layout == "provincial":
        rows: list[tuple[str, ...]] = [
            ("单位名称", v["name"]), ("宗旨和业务范围", v["purpose"]), ("住所", v["address"]),
            ("法定代表人", v["legal_representative"]), ("开办资金", v["capital"] + "万元"),
            ("经济来源", v["funding"]), ("举办单位", v["sponsor"]), ("资产损益情况", ""),
            ("年初数(万元)", "年末数(万元)"),
            (v["net_assets_begin"] + "万元", v["net_assets_end"] + "万元"),
            ("网上名称", v["name"] + ".公益", "从业人数", v["staff"]),
            ("对《条例》和实施细则有关变更登记规定的执行情况",
             f"{f.year}年度未发生变更登记事项，无违法违规情况。"),
            ("开展业务活动情况", "".join(body(f))),
            ("相关资质认可或执业许可证明文件及有效期", "无"),
            ("绩效和受奖惩及诉讼投诉情况", "无"), ("接收捐赠资助及使用情况", "无"),
        ]
        t = mk.ruled_table(doc, len(rows), [3.8, 6.4, 2.4, 3.4])
        for r, cells in enumerate(rows):
            mk.label(t.cell(r, 0), cells[0])
            if len(cells) == 4:
                mk.fill(t.cell(r, 1), cells[1])
                mk.label(t.cell(r, 2), cells[2])
                mk.label(t.cell(r, 3), cells[3])
            elif cells[0] == "开展业务活动情况":
                mk.fill(mk.merge(t, r, 1, 3), cells[1], size=mk.SIZE_NARRATIVE, indent=Pt(21),
                        valign=WD_CELL_VERTICAL_ALIGNMENT.TOP)
            elif cells[0] in ("年初数(万元)",) or cells[0].endswith("万元"):
                mk.label(mk.merge(t, r, 1, 3), cells[1])
            else:
                mk.fill(mk.merge(t, r, 1, 3), cells[1])
        mk.keep_rows_whole(t, except_rows={12})
        for line in stray(f):  # an OCR left-over under the table
            mk.add_text(mk.para_format(doc.add_paragraph(), before=6), line)
        doc.save(out)
        return
    p = mk.para_format(doc.add_paragraph())
    mk.add_text(p, "统一社会信用代码", size=Pt(14))
    p = mk.para_format(doc.add_paragraph(), before=2)
    mk.add_text(p, v["credit_code"], size=Pt(14))
    p = mk.para_format(doc.add_paragraph(), align=WD_ALIGN_PARAGRAPH.CENTER, before=150)
    mk.add_text(p, "事业单位法人年度报告书", east_asia=mk.TITLE_EA, size=Pt(30), bold=True)
    p = mk.para_format(doc.add_paragraph(), align=WD_ALIGN_PARAGRAPH.CENTER, before=24)
    mk.add_text(p, f"（{f.year}）年度", east_asia=mk.TITLE_EA, size=Pt(18))
    for lab, val, before in (("单位名称", v["name"], 150),
                             ("法定代表人", v["legal_representative"], 20)):
        p = mk.para_format(doc.add_paragraph(), first_indent=Cm(2.5), before=before)
        mk.add_text(p, lab + " ", size=mk.SIZE_COVER)
        mk.set_run_font(p.add_run(val), size=mk.SIZE_COVER, underline=True)
    p = mk.para_format(doc.add_paragraph(), align=WD_ALIGN_PARAGRAPH.CENTER, before=130)
    mk.add_text(p, "国家事业单位登记管理局制", size=mk.SIZE_COVER)
    mk.add_section_break(doc)
    cert = [("单位名称", v["name"]), ("宗旨和业务范围", v["purpose"]), ("住所", v["address"]),
            ("法定代表人", v["legal_representative"]), ("开办资金", v["capital"] + " 万元"),
            ("经费来源", v["funding"]), ("举办单位", v["sponsor"])]
    short = [("相关资质认可或执业许可证证明文件的有效期", "无"),
             ("诉讼和受罚情况及诉讼投诉情况", "无"), ("接受捐赠资助及其使用情况", "无")]
    t = mk.ruled_table(doc, len(cert) + 3 + 1 + 2 + len(short) + 2, [1.6, 3.6, 5.2, 2.4, 3.2])
    mk.label(t.cell(0, 0).merge(t.cell(len(cert) - 1, 0)), "《事业单位法人证书》登载事项")
    for r, (lab, val) in enumerate(cert):
        mk.label(t.cell(r, 1), lab)
        mk.fill(mk.merge(t, r, 2, 4), val)
    r = len(cert)
    mk.label(t.cell(r, 0).merge(t.cell(r + 2, 0)), "资产损益情况")
    mk.label(mk.merge(t, r, 1, 4), "净资产合计（所有者权益合计）")
    mk.label(mk.merge(t, r + 1, 1, 2), "年初数（万元）")
    mk.label(mk.merge(t, r + 1, 3, 4), "年末数（万元）")
    mk.label(mk.merge(t, r + 2, 1, 2), v["net_assets_begin"])
    mk.label(mk.merge(t, r + 2, 3, 4), v["net_assets_end"])
    r += 3
    mk.label(mk.merge(t, r, 0, 1), "网上名称")
    mk.fill(t.cell(r, 2), v["name"] + ".公益")
    mk.label(t.cell(r, 3), "从业人数")
    mk.label(t.cell(r, 4), v["staff"])
    r += 1
    mk.label(mk.merge(t, r, 0, 1), "对《条例》和实施细则有关变更登记规定的执行情况")
    mk.fill(mk.merge(t, r, 2, 4), f"{f.year}年度未发生变更登记事项")
    r += 1
    mk.label(mk.merge(t, r, 0, 1), "开展业务活动情况")
    narrative_row = r
    mk.fill(mk.merge(t, r, 2, 4), narrative_cell, size=mk.SIZE_NARRATIVE, indent=Pt(21),
            valign=WD_CELL_VERTICAL_ALIGNMENT.TOP)
    r += 1
    for lab, val in short:
        mk.label(mk.merge(t, r, 0, 1), lab)
        mk.fill(mk.merge(t, r, 2, 4), val)
        r += 1
    mk.label(mk.merge(t, r, 0, 1), "事业单位委托意见")
    mk.fill(mk.merge(t, r, 2, 4), ["经委托登记管理机关公示我单位年度报告情况",
                                   f"法定代表人 {v['signer']}"])
    r += 1
    mk.label(mk.merge(t, r, 0, 1), "举办单位意见(含保密审查意见)")
    mk.fill(mk.merge(t, r, 2, 4), ["该年度报告书情况属实，同意公示。", v["submitted"]])
    mk.keep_rows_whole(t, except_rows={narrative_row})
    p = mk.para_format(doc.add_paragraph(), before=12)
    mk.add_text(p, f"填表人: {v['signer']} 联系电话: {v['phone']}")
    p = mk.para_format(doc.add_paragraph(), before=6)
    mk.add_text(p, f"报送日期: {v['submitted']}")
    doc.save(out)


def summary_docx(f: Filing, out: Path) -> None:
    doc = mk.setup_document()
    p = mk.para_format(doc.add_paragraph(), align=WD_ALIGN_PARAGRAPH.CENTER, after=12)
    mk.add_text(p, f.fields["title"], east_asia=mk.TITLE_EA, size=Pt(18), bold=True)
    for text in f.paragraphs:
        p = mk.para_format(doc.add_paragraph(), first_indent=Pt(24), line=1.25)
        mk.add_text(p, text, size=Pt(12))
    doc.save(out)


# --- PDF ----------------------------------------------------------------------------------------


# LibreOffice 7.4 stops after 247 files of one `--convert-to` call (and still exits 0), so a
# larger set is converted 200 files per call.
SOFFICE_FILES_PER_CALL = 200


def soffice_to_pdf(docx_dir: Path, pdf_dir: Path) -> float:
    """Every .docx of `docx_dir` to PDF by LibreOffice headless: one call for up to 200 files
    (a call per 200 beyond that); returns the wall time of the calls."""
    soffice = shutil.which("soffice") or shutil.which("libreoffice")
    if soffice is None:
        raise SystemExit("soffice not found: install LibreOffice, or leave pdf out of --formats")
    names = sorted(p.name for p in docx_dir.glob("*.docx"))  # relative: a short command line
    seconds = 0.0
    with tempfile.TemporaryDirectory(prefix="nb-corpus-") as tmp:
        conf = Path(tmp) / "fonts.conf"
        conf.write_text(mk.FONTS_CONF, encoding="utf-8")
        env = dict(os.environ, FONTCONFIG_FILE=str(conf))
        profile = (Path(tmp) / "profile").as_uri()
        for i in range(0, len(names), SOFFICE_FILES_PER_CALL):
            chunk = names[i : i + SOFFICE_FILES_PER_CALL]
            start = time.perf_counter()
            subprocess.run([soffice, f"-env:UserInstallation={profile}", "--headless",
                            "--convert-to", "pdf", "--outdir", str(pdf_dir.resolve()), *chunk],
                           check=True, env=env, cwd=docx_dir, stdout=subprocess.DEVNULL,
                           stderr=subprocess.DEVNULL)
            seconds += time.perf_counter() - start
    missing = [n for n in names if not (pdf_dir / n).with_suffix(".pdf").exists()]
    if missing:
        raise SystemExit(f"LibreOffice did not convert {len(missing)} files, e.g. {missing[0]}")
    return seconds


def make_corpus(out: Path, n: int, formats: set[str], seed: int = 1) -> dict[str, float]:
    """Write `n` documents in each of `formats` under out/<format>/; return timings."""
    rng = random.Random(seed)
    for fmt in formats | ({"docx"} if "pdf" in formats else set()):
        (out / fmt).mkdir(parents=True, exist_ok=True)
    docx_dir = out / "docx" if "docx" in formats else out / ".docx-for-pdf"
    docx_dir.mkdir(parents=True, exist_ok=True)
    previous: Filing | None = None
    timings = {"docx": 0.0}
    with (out / "manifest.jsonl").open("w", encoding="utf-8") as manifest:
        for i in range(n):
            follow = (previous is not None and previous.kind == "annual_report"
                      and previous.year < 2025 and rng.random() < 0.3)
            filing = make_filing(i, rng, previous if follow else None)
            previous = filing
            if "txt" in formats:
                text = annual_txt(filing) if filing.kind == "annual_report" else summary_txt(
                    filing)
                (out / "txt" / f"{filing.name}.txt").write_text(text, encoding="utf-8")
            if formats & {"docx", "pdf"}:
                start = time.perf_counter()
                target = docx_dir / f"{filing.name}.docx"
                (annual_docx if filing.kind == "annual_report" else summary_docx)(filing, target)
                timings["docx"] += time.perf_counter() - start
            manifest.write(json.dumps({"name": filing.name, "kind": filing.kind,
                                       "layout": filing.layout, "year": filing.year,
                                       "org": filing.fields.get("name"),
                                       "credit_code": filing.fields.get("credit_code"),
                                       "defects": filing.defects}, ensure_ascii=False) + "\n")
    if "pdf" in formats:
        timings["soffice"] = soffice_to_pdf(docx_dir, out / "pdf")
        if docx_dir.name.startswith("."):
            shutil.rmtree(docx_dir)
    return timings


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("out", type=Path)
    parser.add_argument("--n", type=int, default=300)
    parser.add_argument("--formats", default="txt,docx,pdf")
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    formats = {f.strip() for f in args.formats.split(",") if f.strip()}
    timings = make_corpus(args.out, args.n, formats, args.seed)
    print(f"{args.n} documents × {sorted(formats)} in {args.out}; "
          + ", ".join(f"{k} {v:.1f} s" for k, v in timings.items()))


if __name__ == "__main__":
    main()
