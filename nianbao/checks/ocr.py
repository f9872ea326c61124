"""What a reader should know about a filing read by OCR: doubtful readings, seal and signature.

These rules speak only when the document was read (in part) by OCR (`Document.ocr`): a scanned
PDF, a page image, or a PDF whose text layer was garbage. `annotate` marks the other rules'
findings whose figures came from a doubtful OCR reading, so an arithmetic error that may be a
misread 8 for a 0 says so instead of being trusted silently.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from nianbao.checks.registry import CheckContext, Hit, Rule, render, rule
from nianbao.model import Block, Document, Finding, OcrRegion, Provenance

BBox = tuple[float, float, float, float]
_NUMBER = re.compile(r"\d+(?:[.,]\d+)*")
BLOCKS = (("entrust", "委托意见", "事业单位委托意见"), ("sponsor", "举办单位意见", "举办单位意见"))
COVER_ZH = {"seal": "；该行有印章压盖，可能有字被遮挡", "pen": "；该行有手写笔迹压盖，可能有字被遮挡"}
COVER_EN = {"seal": "; a seal lies over the line and may hide characters",
            "pen": "; pen strokes lie over the line and may hide characters"}
_SEAL_REACH = 12.0  # points: a seal whose centre is this close to a block belongs to it


@rule(
    "ocr.low-confidence",
    "info",
    title=("OCR识别置信度低", "low-confidence OCR reading"),
    message=(
        ("第 {page} 页的这段文字由OCR识别，置信度 {confidence:.0%}（{target_zh}）：“{text}”{doubt_zh}{cover_zh}，"
        "请对照原件核对"),
        ("this text on page {page} was read by OCR with confidence {confidence:.0%} "
        "({target_en}): \"{text}\"{doubt_en}{cover_en}; check it against the original"),
    ),
    # Not a finding of its own: what `annotate` adds to another rule's message.
    cases={"figure-note": (
        "（注意：所用数字来自第 {page} 页的OCR识别，置信度 {confidence:.0%}，可能是识别错误）",
        " (note: a figure used here was read by OCR on page {page} with confidence "
        "{confidence:.0%}; it may be a misreading)")},
)
def low_confidence(ctx: CheckContext) -> Iterator[Hit]:
    """A field or figure read from OCR that the recogniser was unsure of, with its region.

    OCR of a scan is never certain: a blurred 8 reads as 0, a 1 as 7, a seal over a line drops a
    character. The recogniser's confidence per character is carried from the page to here; a
    line under 80 % mean confidence, or with a digit under 60 %, or with a seal or pen strokes
    over it (the recogniser can skip a hidden character and stay confident), that a field or a
    figure was read from is named with its page and box, so the reader checks exactly that spot
    against the paper. Nothing is reported for doubtful lines no field or figure uses.
    """
    document = ctx.document
    if document is None or document.ocr is None:
        return
    fields = _field_blocks(ctx, document)
    figures = {f.text for f in ctx.record.facts if f.text}
    for region in document.ocr.low_confidence:
        targets = [name for name, block in fields
                   if block.page == region.page and _overlaps(block.bbox, region.bbox)]
        numbers = set(_NUMBER.findall(region.text))
        used = sorted(t for t in figures if numbers & set(_NUMBER.findall(t)))
        if not targets and not used:
            continue
        pointer = f"/record/{targets[0]}" if targets else "/facts"
        what_zh = "、".join(targets) if targets else "数字"
        what_en = ", ".join(targets) if targets else "figures"
        yield Hit(
            params={"page": region.page, "confidence": region.confidence, "text": region.text,
                    "bbox": list(region.bbox), "doubtful": region.doubtful,
                    "fields": targets, "target_zh": f"用于{what_zh}",
                    "target_en": f"used for {what_en}",
                    "doubt_zh": f"，其中“{region.doubtful}”不确定" if region.doubtful else "",
                    "doubt_en": f", \"{region.doubtful}\" uncertain" if region.doubtful else "",
                    "covered_by": region.covered_by,
                    "cover_zh": COVER_ZH.get(region.covered_by, ""),
                    "cover_en": COVER_EN.get(region.covered_by, "")},
            pointer=pointer,
            evidence=region.text,
            provenance=Provenance(page=region.page, bbox=region.bbox),
        )


@rule(
    "report.seal-missing",
    "warning",
    title=("扫描件意见栏未见公章", "no seal on an opinion block of the scan"),
    message=(
        "扫描件第 {page} 页“{block_zh}”栏内未见红色公章，请核对原件是否已盖章",
        ("no red seal found in the \"{block_zh}\" block on page {page} of the scan; check that "
        "the original is stamped"),
    ),
    kinds=("annual_report",),
)
def seal_missing(ctx: CheckContext) -> Iterator[Hit]:
    """The 事业单位委托意见 and the 举办单位意见 of a filed report each carry a red seal.

    The form (国家事业单位登记管理局制) has the institution stamp its 委托意见 and the sponsor stamp
    its 举办单位意见 (with the 保密审查 statement); an unstamped report is not a filed one. Only a
    scan shows the seal, so this runs on documents read by OCR: a red, round cluster of ink
    whose centre lies in the block (presence only; the seal's text is not read).
    """
    for key, block, name, seals, _ in _opinion_blocks(ctx):
        if not any(_holds(block, seal) for seal in seals):
            yield _opinion_hit(key, block, name)


@rule(
    "report.signature-missing",
    "warning",
    title=("扫描件委托意见栏未见签名", "no signature on the scan's 委托意见"),
    message=(
        "扫描件第 {page} 页“{block_zh}”栏内未见法定代表人签名笔迹，请核对原件是否已签名",
        ("no handwritten signature found in the \"{block_zh}\" block on page {page} of the scan; "
        "check that the legal representative signed the original"),
    ),
    kinds=("annual_report",),
)
def signature_missing(ctx: CheckContext) -> Iterator[Hit]:
    """The 事业单位委托意见 carries the legal representative's signature.

    The form asks the 法定代表人 to sign the 委托意见 by hand. On a scan, pen strokes are told from
    the print by their colour (blue or blue-black ink, separated before recognition); a block with
    none is reported (presence only; the name is not read). Print-black handwriting is not told
    apart from print, so this can miss an absent signature but does not invent one.
    """
    for key, block, name, _, marks in _opinion_blocks(ctx):
        if key == "entrust" and not any(_overlaps(block.bbox, mark) for mark in marks):
            yield _opinion_hit(key, block, name)


def _opinion_blocks(ctx: CheckContext) -> Iterator[
        tuple[str, Block, str, list[BBox], list[BBox]]]:
    document = ctx.document
    if document is None or document.ocr is None:
        return
    info = document.ocr
    for key, label, name in BLOCKS:
        for block in document.blocks:
            if (block.kind == "row" and block.cells and label in block.cells[0]
                    and block.page in info.pages and block.bbox is not None):
                seals = [box for page, box in info.seals if page == block.page]
                marks = [box for page, box in info.marks if page == block.page]
                yield key, block, name, seals, marks
                break


def _opinion_hit(key: str, block: Block, name: str) -> Hit:
    return Hit(params={"page": block.page, "block": key, "block_zh": name},
               pointer=f"/record/{key}_opinion", evidence=block.text[:80],
               provenance=Provenance(page=block.page, block=block.index, bbox=block.bbox))


def _holds(block: Block, seal: BBox) -> bool:
    assert block.bbox is not None
    x0, top, x1, bottom = block.bbox
    cx, cy = (seal[0] + seal[2]) / 2, (seal[1] + seal[3]) / 2
    return x0 <= cx <= x1 and top - _SEAL_REACH <= cy <= bottom + _SEAL_REACH


def _overlaps(a: BBox | None, b: BBox) -> bool:
    if a is None:
        return False
    return a[0] < b[2] and b[0] < a[2] and a[1] < b[3] and b[1] < a[3]


def _field_blocks(ctx: CheckContext, document: Document) -> list[tuple[str, Block]]:
    out: list[tuple[str, Block]] = []
    for name, (_, provenance) in ctx.record.evidence.items():
        index = provenance.block
        if index is not None and 0 <= index < len(document.blocks) and ":" not in name:
            out.append((name, document.blocks[index]))
    return out


def annotate(findings: list[Finding], document: Document | None) -> list[Finding]:
    """Say so on every finding whose figures were read by OCR from a doubtful line."""
    if document is None or document.ocr is None or not document.ocr.low_confidence:
        return findings
    doubtful = [r for r in document.ocr.low_confidence if _NUMBER.search(r.text)]
    for finding in findings:
        if finding.rule.startswith("ocr.") or finding.severity == "info":
            continue
        region = _doubtful_source(finding, doubtful)
        if region is None:
            continue
        finding.params["ocr_region"] = {"page": region.page, "bbox": list(region.bbox),
                                        "text": region.text, "confidence": region.confidence}
        zh, en = low_confidence.messages("figure-note")
        note = {"page": region.page, "confidence": region.confidence}
        finding.message_zh += render(zh, note)
        finding.message_en += render(en, note)
    return findings


def _doubtful_source(finding: Finding, regions: list[OcrRegion]) -> OcrRegion | None:
    numbers = set(_NUMBER.findall(finding.evidence))
    for value in finding.params.values():
        if isinstance(value, str):
            numbers.update(_NUMBER.findall(value))
    numbers = {n for n in numbers if len(n.replace(",", "")) >= 2}
    for region in regions:
        if numbers & set(_NUMBER.findall(region.text)):
            return region
    return None


RULES: tuple[Rule, ...] = (low_confidence, seal_missing, signature_missing)
