"""The scan rules: doubtful OCR readings named with their region, seals and signatures.

These build the document a scan would give (blocks plus `OcrInfo`) by hand, so no OCR runs here;
tests/extract/test_ocr.py recognises real scans.
"""

from __future__ import annotations

from nianbao.checks import Registry
from nianbao.extract.txt_reader import blocks
from nianbao.model import Block, Document, OcrInfo, OcrRegion, Source
from nianbao.pipeline import check

ENTRUST = Block("row", "事业单位委托意见\t经委托公示 法定代表人 邹建波",
                ("事业单位委托意见", "经委托公示 法定代表人 邹建波"), page=1, index=0,
                bbox=(70.0, 400.0, 525.0, 450.0))
SPONSOR = Block("row", "举办单位意见\t情况属实，并经保密审查，可对外公示。",
                ("举办单位意见", "情况属实，并经保密审查，可对外公示。"), page=1, index=1,
                bbox=(70.0, 450.0, 525.0, 500.0))
SEAL_ON_ENTRUST = (1, (380.0, 370.0, 500.0, 490.0))  # centre y 430: in the 委托意见 row
SEAL_ON_SPONSOR = (1, (380.0, 420.0, 500.0, 540.0))  # centre y 480
SIGNATURE = (1, (300.0, 415.0, 370.0, 445.0))


def scan(seals: list[tuple[int, tuple[float, float, float, float]]],
         marks: list[tuple[int, tuple[float, float, float, float]]]) -> Document:
    return Document(Source("scan.pdf", "0" * 64, "pdf"), [ENTRUST, SPONSOR], pages=1,
                    ocr=OcrInfo(pages=(1,), reason="no-text-layer", seals=seals, marks=marks))


def rules(document: Document, registry: Registry) -> list[str]:
    report = check(document, registry=registry, kind="annual_report")
    return [f.rule for f in report.findings if f.rule.startswith(("report.s", "ocr."))]


def test_a_stamped_and_signed_scan_is_silent(registry: Registry) -> None:
    document = scan([SEAL_ON_ENTRUST, SEAL_ON_SPONSOR], [SIGNATURE])
    assert rules(document, registry) == []


def test_a_missing_sponsor_seal_is_reported_for_that_block(registry: Registry) -> None:
    report = check(scan([SEAL_ON_ENTRUST], [SIGNATURE]), registry=registry, kind="annual_report")
    (finding,) = [f for f in report.findings if f.rule == "report.seal-missing"]
    assert "举办单位意见" in finding.message_zh and finding.severity == "warning"
    assert finding.provenance is not None and finding.provenance.bbox == SPONSOR.bbox


def test_a_missing_signature_is_reported(registry: Registry) -> None:
    document = scan([SEAL_ON_ENTRUST, SEAL_ON_SPONSOR], [])
    assert rules(document, registry) == ["report.signature-missing"]


def test_a_text_document_is_never_asked_for_seals(registry: Registry) -> None:
    document = Document(Source("typed.pdf", "0" * 64, "pdf"), [ENTRUST, SPONSOR], pages=1)
    assert rules(document, registry) == []


SUMMARY = ("2025年社会救助工作总结\n"
           "全年保障特困人员392户402人，其中集中供养222户227人，分散供养171户175人。\n")


def summary_scan(regions: list[OcrRegion]) -> Document:
    document = Document(Source("summary.png", "0" * 64, "image"), blocks(SUMMARY), pages=1)
    document.blocks = [Block(b.kind, b.text, b.cells, 1, b.index, b.bbox) for b in document.blocks]
    document.ocr = OcrInfo(pages=(1,), reason="image", low_confidence=regions)
    return document


DOUBTFUL = OcrRegion(page=1, bbox=(72.0, 100.0, 500.0, 114.0),
                     text="全年保障特困人员392户402人，其中集中供养222户227人，", confidence=0.74,
                     doubtful="2")


def test_a_figure_read_with_low_confidence_is_named_with_its_region(registry: Registry) -> None:
    report = check(summary_scan([DOUBTFUL]), registry=registry, kind="work_summary")

    (finding,) = [f for f in report.findings if f.rule == "ocr.low-confidence"]
    assert finding.severity == "info"
    assert finding.provenance is not None and finding.provenance.bbox == DOUBTFUL.bbox
    assert "74%" in finding.message_zh and "“2”不确定" in finding.message_zh


def test_a_doubtful_line_no_figure_uses_is_not_reported(registry: Registry) -> None:
    unused = OcrRegion(page=1, bbox=(72.0, 60.0, 300.0, 74.0), text="社会救助工作总结",
                       confidence=0.6)
    report = check(summary_scan([unused]), registry=registry, kind="work_summary")
    assert "ocr.low-confidence" not in [f.rule for f in report.findings]


def test_an_arithmetic_error_on_a_doubtful_figure_says_it_came_from_ocr(
        registry: Registry) -> None:
    report = check(summary_scan([DOUBTFUL]), registry=registry, kind="work_summary")

    (sum_error,) = [f for f in report.findings if f.rule == "arith.part-sum"]
    assert "OCR" in sum_error.message_zh and "misreading" in sum_error.message_en
    assert sum_error.params["ocr_region"]["page"] == 1


def test_the_same_error_in_typed_text_does_not_mention_ocr(registry: Registry) -> None:
    typed = summary_scan([])
    typed.ocr = None
    report = check(typed, registry=registry, kind="work_summary")
    (sum_error,) = [f for f in report.findings if f.rule == "arith.part-sum"]
    assert "OCR" not in sum_error.message_zh


def test_a_line_under_the_seal_is_named_even_when_read_confidently(registry: Registry) -> None:
    under = OcrRegion(page=1, bbox=(150.0, 455.0, 500.0, 470.0), text="情况属实，并经保密，可对外公示。",
                      confidence=1.0, covered_by="seal")
    document = scan([SEAL_ON_ENTRUST, SEAL_ON_SPONSOR], [SIGNATURE])
    assert document.ocr is not None
    document.ocr.low_confidence = [under]

    report = check(document, registry=registry, kind="annual_report")

    (finding,) = [f for f in report.findings if f.rule == "ocr.low-confidence"]
    assert "印章压盖" in finding.message_zh and "seal" in finding.message_en
    assert finding.pointer == "/record/sponsor_opinion"
