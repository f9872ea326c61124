"""A streaming XLSX writer for the batch's findings.xlsx: text cells, numbers, three styles.

openpyxl's write-only mode spent ~13 ms of the main process per filing on a 1,000-filing batch
(a cell object, a style hash and an lxml element per cell), more than the reports' other work
together. The workbook a batch writes needs little of what openpyxl does: inline text cells
(never formulas or error values), numbers, a bold filled header, wrapped rows with a height,
column widths, a frozen header, a filter and an A4 landscape page. This writes that
SpreadsheetML directly: each sheet's rows go to a spooled temporary file (memory for a small
sheet, disk for a big one) and the package is zipped once at the end.

The zip entries carry a fixed date, so the same results give the same bytes.
"""

from __future__ import annotations

import math
import re
import tempfile
import zipfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any
from xml.sax.saxutils import escape, quoteattr

STYLES = {"": 0, "head": 1, "wrap": 2, "top": 3}  # cellXfs indices in _STYLES_XML

_MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
_REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
_PKG_REL = "http://schemas.openxmlformats.org/package/2006/relationships"
_DATE = (1980, 1, 1, 0, 0, 0)
_SPOOL = 1 << 20  # a sheet's rows stay in memory up to this many bytes

# Characters XML 1.0 cannot hold (the callers make control characters visible first; a lone
# surrogate from a damaged text layer would not even encode as UTF-8).
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")

_STYLES_XML = f"""<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<styleSheet xmlns="{_MAIN}">
<fonts count="2">
 <font><sz val="11"/><name val="Calibri"/><family val="2"/></font>
 <font><b/><sz val="11"/><name val="Calibri"/><family val="2"/></font>
</fonts>
<fills count="3">
 <fill><patternFill patternType="none"/></fill>
 <fill><patternFill patternType="gray125"/></fill>
 <fill><patternFill patternType="solid"><fgColor rgb="FFDDE6F0"/><bgColor indexed="64"/></patternFill></fill>
</fills>
<borders count="1"><border><left/><right/><top/><bottom/><diagonal/></border></borders>
<cellStyleXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0"/></cellStyleXfs>
<cellXfs count="4">
 <xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0"/>
 <xf numFmtId="0" fontId="1" fillId="2" borderId="0" xfId="0" applyFont="1" applyFill="1"/>
 <xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0" applyAlignment="1">
  <alignment vertical="top" wrapText="1"/></xf>
 <xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0" applyAlignment="1">
  <alignment vertical="top"/></xf>
</cellXfs>
<cellStyles count="1"><cellStyle name="Normal" xfId="0" builtinId="0"/></cellStyles>
</styleSheet>"""


def column_letter(index: int) -> str:
    """A, B, … Z, AA … for a 1-based column index."""
    letters = ""
    while index:
        index, rest = divmod(index - 1, 26)
        letters = chr(65 + rest) + letters
    return letters


def text(value: str) -> str:
    """`value` as XML character data: escaped, without what XML cannot hold, CR kept."""
    return escape(_NOT_XML.sub("\ufffd", value)).replace("\r", "&#13;")


def _number(value: Any) -> bool:
    """A value written as a number: an int or a finite float (not a bool, not NaN)."""
    return (isinstance(value, int | float) and not isinstance(value, bool)
            and math.isfinite(value))


@dataclass(eq=False)
class Sheet:
    """One worksheet being written: its rows so far are in `rows` (SpreadsheetML)."""

    title: str
    widths: list[int]
    header_row: int  # the row frozen above the data, and where the filter starts
    rows: IO[bytes] = field(default_factory=lambda: tempfile.SpooledTemporaryFile(_SPOOL))
    count: int = 0  # rows written

    def append(self, values: list[Any], styles: list[str] | None = None,
               height: float | None = None) -> None:
        """One row: text as inline strings (never a formula), numbers as numbers; None and ""
        leave the cell empty."""
        self.count += 1
        r = self.count
        cells = []
        for i, value in enumerate(values):
            if value is None or value == "":
                continue
            ref = f"{column_letter(i + 1)}{r}"
            style = STYLES[styles[i]] if styles else 0
            s = f' s="{style}"' if style else ""
            if _number(value):
                cells.append(f'<c r="{ref}"{s}><v>{value!r}</v></c>')
            else:
                body = text(str(value))
                cells.append(f'<c r="{ref}"{s} t="inlineStr"><is><t xml:space="preserve">'
                             f"{body}</t></is></c>")
        tall = f' ht="{height:g}" customHeight="1"' if height else ""
        self.rows.write(f'<row r="{r}"{tall}>{"".join(cells)}</row>'.encode())

    def xml_head(self) -> str:
        last = column_letter(max(1, len(self.widths)))
        below = self.header_row + 1
        cols = "".join(f'<col min="{i}" max="{i}" width="{w}" customWidth="1"/>'
                       for i, w in enumerate(self.widths, start=1))
        return (f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
                f'<worksheet xmlns="{_MAIN}" xmlns:r="{_REL}">'
                f'<sheetPr><outlinePr summaryBelow="1" summaryRight="1"/>'
                f'<pageSetUpPr fitToPage="1"/></sheetPr>'
                f'<dimension ref="A1:{last}{max(1, self.count)}"/>'
                f'<sheetViews><sheetView workbookViewId="0">'
                f'<pane ySplit="{self.header_row}" topLeftCell="A{below}" activePane="bottomLeft"'
                f' state="frozen"/><selection pane="bottomLeft" activeCell="A{below}"'
                f' sqref="A{below}"/></sheetView></sheetViews>'
                f'<sheetFormatPr baseColWidth="8" defaultRowHeight="15"/>'
                f"<cols>{cols}</cols><sheetData>")

    def filter_ref(self) -> str:
        last = max(self.count, self.header_row + 1)
        return f"A{self.header_row}:{column_letter(max(1, len(self.widths)))}{last}"

    def xml_tail(self) -> str:
        return (f'</sheetData><autoFilter ref="{self.filter_ref()}"/>'
                f'<pageMargins left="0.75" right="0.75" top="1" bottom="1" header="0.5"'
                f' footer="0.5"/><pageSetup orientation="landscape" paperSize="9"'
                f' fitToHeight="0" fitToWidth="1"/></worksheet>')


class Workbook:
    """Sheets in the order they are made; `save(path)` writes the package."""

    def __init__(self) -> None:
        self.sheets: list[Sheet] = []

    def sheet(self, title: str, widths: list[int], header_row: int) -> Sheet:
        sheet = Sheet(title, widths, header_row)
        self.sheets.append(sheet)
        return sheet

    def save(self, path: Path) -> None:
        with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED, compresslevel=6) as book:
            def put(name: str, data: str | bytes) -> None:
                book.writestr(zipfile.ZipInfo(name, _DATE), data,
                              compress_type=zipfile.ZIP_DEFLATED)

            put("[Content_Types].xml", self._content_types())
            put("_rels/.rels", _rels([("officeDocument", "xl/workbook.xml")], _REL))
            put("xl/workbook.xml", self._workbook())
            put("xl/_rels/workbook.xml.rels", _rels(
                [("worksheet", f"worksheets/sheet{i}.xml")
                 for i in range(1, len(self.sheets) + 1)] + [("styles", "styles.xml")], _REL))
            put("xl/styles.xml", _STYLES_XML)
            for i, sheet in enumerate(self.sheets, start=1):
                info = zipfile.ZipInfo(f"xl/worksheets/sheet{i}.xml", _DATE)
                info.compress_type = zipfile.ZIP_DEFLATED
                with book.open(info, "w") as member:
                    member.write(sheet.xml_head().encode())
                    sheet.rows.seek(0)
                    while chunk := sheet.rows.read(_SPOOL):
                        member.write(chunk)
                    member.write(sheet.xml_tail().encode())
                sheet.rows.close()

    def _content_types(self) -> str:
        sheets = "".join(
            f'<Override PartName="/xl/worksheets/sheet{i}.xml" ContentType="application/'
            f'vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>'
            for i in range(1, len(self.sheets) + 1))
        return ('<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
                '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
                '<Default Extension="rels" ContentType="application/'
                'vnd.openxmlformats-package.relationships+xml"/>'
                '<Default Extension="xml" ContentType="application/xml"/>'
                '<Override PartName="/xl/workbook.xml" ContentType="application/'
                'vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
                '<Override PartName="/xl/styles.xml" ContentType="application/'
                'vnd.openxmlformats-officedocument.spreadsheetml.styles+xml"/>'
                f"{sheets}</Types>")

    def _workbook(self) -> str:
        sheets = "".join(f'<sheet name={quoteattr(_NOT_XML.sub("", s.title))} sheetId="{i}" r:id="rId{i}"/>'
                         for i, s in enumerate(self.sheets, start=1))
        # Excel keeps a sheet's filter range in a hidden name as well as in the sheet.
        names = "".join(
            f'<definedName name="_xlnm._FilterDatabase" localSheetId="{i}" hidden="1">'
            f"{text(_quoted(s.title))}!{_absolute(s.filter_ref())}</definedName>"
            for i, s in enumerate(self.sheets))
        return ('<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
                f'<workbook xmlns="{_MAIN}" xmlns:r="{_REL}"><bookViews><workbookView/>'
                f"</bookViews><sheets>{sheets}</sheets><definedNames>{names}</definedNames>"
                "</workbook>")


def _rels(targets: list[tuple[str, str]], base: str) -> str:
    rels = "".join(f'<Relationship Id="rId{i}" Type="{base}/{kind}" Target="{target}"/>'
                   for i, (kind, target) in enumerate(targets, start=1))
    return (f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
            f'<Relationships xmlns="{_PKG_REL}">{rels}</Relationships>')


def _quoted(title: str) -> str:
    return "'" + title.replace("'", "''") + "'"


def _absolute(ref: str) -> str:
    """A1:J20 → $A$1:$J$20."""
    return ":".join(re.sub(r"([A-Z]+)(\d+)", r"$\1$\2", part) for part in ref.split(":"))
