"""The values that flow through the pipeline: Document, Record, Fact, Finding, Report.

A reader turns a file into a `Document`; a parser turns a Document into a `Record` with its
`facts`; the checks turn a Record into `Finding`s; a `Report` holds all of it and serialises to
the output contract of docs/contract.md.

Serialisation lives here and nowhere else: each type's `to_dict()` gives JSON-ready data (only
dicts, lists, strings, numbers, booleans and None; Decimals as JSON numbers by `json_number`) and
its `from_dict()` rebuilds the value (numbers back to Decimal where the model holds Decimals), so
``T.from_dict(x.to_dict()) == x``. The store, the batch, the web app and the writers all use them.
"""

from __future__ import annotations

import math
from collections.abc import Iterator
from dataclasses import dataclass, field, fields
from decimal import Decimal
from typing import TYPE_CHECKING, Any, Literal, cast

if TYPE_CHECKING:  # types only: the parser's working state that a Record carries for the rules
    from nianbao.extract.facts import Sentence
    from nianbao.extract.statistics import StatTable

CONTRACT_VERSION = "1"

Severity = Literal["error", "warning", "info"]
SEVERITIES: tuple[Severity, ...] = ("error", "warning", "info")
BlockKind = Literal["paragraph", "row", "page_break"]


@dataclass(frozen=True)
class Source:
    """Where a document came from."""

    path: str
    sha256: str
    format: str  # txt | docx | pdf | json

    def to_dict(self) -> dict[str, str]:
        return {"path": self.path, "sha256": self.sha256, "format": self.format}

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Source:
        return cls(str(data.get("path", "")), str(data.get("sha256", "")),
                   str(data.get("format", "")))


@dataclass(frozen=True)
class Provenance:
    """Where in the source a piece of text sits. Unknown parts stay None."""

    page: int | None = None
    block: int | None = None
    cell: int | None = None
    start: int | None = None
    end: int | None = None
    bbox: tuple[float, float, float, float] | None = None

    def to_dict(self) -> dict[str, Any]:
        """The parts that are known (None parts left out)."""
        return {k: plain(v) for k, v in self.__dict__.items() if v is not None}

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Provenance:
        return cls(page=_int(data.get("page")), block=_int(data.get("block")),
                   cell=_int(data.get("cell")), start=_int(data.get("start")),
                   end=_int(data.get("end")), bbox=_box(data.get("bbox")))


@dataclass(frozen=True)
class Block:
    """One paragraph, one table row (with its cells) or a page break, in reading order."""

    kind: BlockKind
    text: str
    cells: tuple[str, ...] = ()
    page: int | None = None
    index: int = 0
    bbox: tuple[float, float, float, float] | None = None
    # Grid columns each cell spans, when a cell spans several (a merged DOCX header cell).
    spans: tuple[int, ...] = ()

    def to_dict(self) -> dict[str, Any]:
        """kind, text, page, index and box; cells and spans only when there are any."""
        out: dict[str, Any] = {"kind": self.kind, "text": self.text}
        if self.cells:
            out["cells"] = list(self.cells)
        out.update(page=self.page, index=self.index, bbox=plain(self.bbox))
        if self.spans:
            out["spans"] = list(self.spans)
        return out

    @classmethod
    def from_dict(cls, data: dict[str, Any], index: int = 0) -> Block:
        """A block from `to_dict`'s data; `index` when the data has none."""
        kind = data.get("kind")
        at = _int(data.get("index"))
        return cls(cast(BlockKind, kind) if kind in ("paragraph", "row", "page_break")
                   else "paragraph", str(data.get("text", "")),
                   tuple(str(c) for c in data.get("cells") or ()), _int(data.get("page")),
                   index if at is None else at, _box(data.get("bbox")),
                   tuple(n for n in data.get("spans") or () if _int(n) is not None))


@dataclass(frozen=True)
class OcrRegion:
    """A stretch of recognised text the recogniser was unsure of: the line, its page and box (in
    points from the page's top-left corner), its mean confidence and the doubtful characters."""

    page: int
    bbox: tuple[float, float, float, float]
    text: str
    confidence: float
    doubtful: str = ""
    covered_by: str = ""  # "seal" or "pen": read through ink that may hide characters


@dataclass
class OcrInfo:
    """What OCR did for a document: which pages it read and why, where it was unsure, and where
    the red seals and pen marks are (boxes in points, per page)."""

    pages: tuple[int, ...]
    reason: str  # image | no-text-layer | garbage-text-layer | forced
    low_confidence: list[OcrRegion] = field(default_factory=list)
    seals: list[tuple[int, tuple[float, float, float, float]]] = field(default_factory=list)
    marks: list[tuple[int, tuple[float, float, float, float]]] = field(default_factory=list)


@dataclass
class Document:
    """A file's text, format-free: blocks in reading order, normalised, with provenance."""

    source: Source
    blocks: list[Block] = field(default_factory=list)
    pages: int | None = None
    encoding: str | None = None
    # Set when some pages were read by OCR (a scan, an image, a garbage text layer).
    ocr: OcrInfo | None = None

    @property
    def text(self) -> str:
        """The whole text, one block a line (table cells joined by tabs)."""
        return "\n".join(b.text for b in self.blocks if b.kind != "page_break")


@dataclass
class Fact:
    """One figure read from the prose or a table, tied to the text it came from."""

    indicator: str
    text: str
    # Exact figures; a value written without a decimal point is an integer in the JSON output.
    households: Decimal | None = None
    persons: Decimal | None = None
    person_times: Decimal | None = None
    amount_yuan: Decimal | None = None
    rate_yuan_per_month: Decimal | None = None
    rate_yuan_per_year: Decimal | None = None
    percent: Decimal | None = None
    value: Decimal | None = None
    unit: str | None = None
    qualifier: str | None = None
    approx: bool = False
    page: int | None = None
    # A table cell's place: its row in the table (the header is row 1) and its column (1-based).
    row: int | None = None
    column: int | None = None

    def to_dict(self) -> dict[str, Any]:
        """Every attribute (figures as JSON numbers); row and column only for a table cell."""
        out = {k: json_number(v) if isinstance(v, Decimal) else v for k, v in self.__dict__.items()}
        for key in ("row", "column"):
            if out[key] is None:
                del out[key]
        return out

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Fact:
        def text(key: str) -> str | None:
            value = data.get(key)
            return None if value is None else str(value)

        return cls(str(data.get("indicator", "")), str(data.get("text", "")),
                   **{m: decimal_of(data.get(m)) for m in MEASURES},
                   unit=text("unit"), qualifier=text("qualifier"),
                   approx=data.get("approx") is True, page=_int(data.get("page")),
                   row=_int(data.get("row")), column=_int(data.get("column")))


#: The figures a Fact can hold (its Decimal attributes), in output order.
MEASURES = tuple(f.name for f in fields(Fact) if f.type == "Decimal | None")


def fact_number(value: Decimal) -> Decimal:
    """A figure read from text as a Fact holds it: 832.00 → 832 (an integer in the output),
    60.10 → 60.1; exact, like the text."""
    return Decimal(int(value)) if value == value.to_integral_value() else value.normalize()


@dataclass
class Record:
    """A parsed document of one kind; `fields` uses the contract's field names."""

    kind: str
    fields: dict[str, Any] = field(default_factory=dict)
    facts: list[Fact] = field(default_factory=list)
    year: int | None = None
    as_of: str | None = None
    org: str | None = None
    # Where each field's value was read: field name -> (evidence text, provenance).
    evidence: dict[str, tuple[str, Provenance]] = field(default_factory=dict)
    # Problems the parser met (a label it could not place, a value it could not read).
    notes: list[Finding] = field(default_factory=list)
    # The prose cut into sentences with their quantities, for the arithmetic rules; not part of
    # the output.
    sentences: list[Sentence] = field(default_factory=list)
    # The statistics tables read, for the table rules; not part of the output.
    tables: list[StatTable] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        """The contract's part of the record: kind, year, as_of, org, record (the fields) and
        facts. What the parser kept for the rules (evidence, notes, sentences, tables) stays out."""
        return {"kind": self.kind, "year": self.year, "as_of": self.as_of, "org": self.org,
                "record": plain(self.fields), "facts": [f.to_dict() for f in self.facts]}

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Record:
        """A record from `to_dict`'s data (or a whole report's): amounts back to Decimal."""
        values = data.get("record")
        year, as_of, org = data.get("year"), data.get("as_of"), data.get("org")
        return cls(kind=str(data.get("kind", "")),
                   fields=_fields(values) if isinstance(values, dict) else {},
                   facts=[Fact.from_dict(f) for f in data.get("facts") or ()
                          if isinstance(f, dict) and "indicator" in f and "text" in f],
                   year=_int(year), as_of=None if as_of is None else str(as_of),
                   org=None if org is None else str(org))


@dataclass
class Finding:
    """Something a user should see about a record, stamped by the check runner."""

    rule: str
    severity: Severity
    message_zh: str
    message_en: str
    pointer: str = ""
    evidence: str = ""
    params: dict[str, Any] = field(default_factory=dict)
    provenance: Provenance | None = None

    def message(self, lang: str) -> str:
        return self.message_en if lang == "en" else self.message_zh

    def to_dict(self) -> dict[str, Any]:
        """The contract's finding object; params as JSON values (Decimals as numbers)."""
        out: dict[str, Any] = {
            "rule": self.rule,
            "severity": self.severity,
            "message_zh": self.message_zh,
            "message_en": self.message_en,
            "pointer": self.pointer,
            "evidence": self.evidence,
            "params": plain(self.params),
        }
        if self.provenance is not None:
            out["provenance"] = self.provenance.to_dict()
        return out

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Finding:
        """A finding from `to_dict`'s data. Its params come back as the JSON values they were
        written as (a Decimal param as an int or float)."""
        severity = data.get("severity")
        prov = data.get("provenance")
        return cls(
            rule=str(data.get("rule", "")),
            severity=cast(Severity, severity) if severity in SEVERITIES else "info",
            message_zh=str(data.get("message_zh", "")), message_en=str(data.get("message_en", "")),
            pointer=str(data.get("pointer", "")), evidence=str(data.get("evidence", "")),
            params=dict(params) if isinstance(params := data.get("params"), dict) else {},
            provenance=Provenance.from_dict(prov) if isinstance(prov, dict) else None,
        )


@dataclass
class Report:
    """Everything nianbao says about one input: the contract object."""

    source: Source
    record: Record
    findings: list[Finding] = field(default_factory=list)

    @property
    def errors(self) -> list[Finding]:
        return [f for f in self.findings if f.severity == "error"]

    def flatten(self, keys: tuple[str, ...] = ("rule",)) -> list[tuple[Any, ...]]:
        """The findings as tuples of the given attributes, for terse assertions."""
        return [tuple(getattr(f, k) for k in keys) for f in self.findings]

    def to_dict(self) -> dict[str, Any]:
        """The output contract object (docs/contract.md)."""
        return {"nianbao": CONTRACT_VERSION, "source": self.source.to_dict(),
                **self.record.to_dict(), "findings": [f.to_dict() for f in self.findings]}

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Report:
        source = data.get("source")
        return cls(Source.from_dict(source if isinstance(source, dict) else {}),
                   Record.from_dict(data),
                   [Finding.from_dict(f) for f in data.get("findings") or ()
                    if isinstance(f, dict)])


def walk_strings(value: Any, pointer: str = "") -> Iterator[tuple[str, str]]:
    """(JSON Pointer, text) of every string in a record's fields, depth first."""
    if isinstance(value, str):
        yield pointer, value
    elif isinstance(value, dict):
        for k, v in value.items():
            yield from walk_strings(v, f"{pointer}/{k}")
    elif isinstance(value, list):
        for n, v in enumerate(value):
            yield from walk_strings(v, f"{pointer}/{n}")


def json_number(value: Decimal) -> int | float | None:
    """A Decimal as a JSON number: an int when integral and written without a point ("832"),
    else a float ("498.08"); None when it is not finite or too large for a float. The one place
    the output contract's numbers are made."""
    if not value.is_finite():
        return None
    if value == value.to_integral_value() and "." not in str(value):
        return int(value)
    number = float(value)
    return number if math.isfinite(number) else None


def decimal_of(value: object) -> Decimal | None:
    """A JSON number as the model's exact Decimal (832 → 832, 498.08 → 498.08: the float's
    shortest text, so `json_number` writes it back the same); None for anything else."""
    if isinstance(value, bool):
        return None
    if isinstance(value, Decimal):
        return value if value.is_finite() else None
    if isinstance(value, int):
        return Decimal(value)
    if isinstance(value, float) and math.isfinite(value):
        return Decimal(repr(value))
    return None


def plain(value: Any) -> Any:
    """`value` as JSON-ready data: Decimals as JSON numbers (`json_number`), tuples as lists,
    keys as strings, non-finite floats as None."""
    if isinstance(value, Decimal):
        return json_number(value)
    if isinstance(value, float):
        return value if math.isfinite(value) else None
    if isinstance(value, dict):
        return {str(k): plain(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [plain(v) for v in value]
    return value


def _int(value: object) -> int | None:
    return value if isinstance(value, int) and not isinstance(value, bool) else None


def _box(value: object) -> tuple[float, float, float, float] | None:
    if not isinstance(value, list | tuple) or len(value) != 4:
        return None
    if not all(isinstance(v, int | float) and not isinstance(v, bool) for v in value):
        return None
    return (float(value[0]), float(value[1]), float(value[2]), float(value[3]))


def _fields(data: dict[str, Any]) -> dict[str, Any]:
    """Record fields from JSON: the form's amounts (万元) back to Decimal."""
    from nianbao.forms import AMOUNT_FIELDS  # the form's data; imported late, model is the base

    return {k: decimal_of(v) if k in AMOUNT_FIELDS and decimal_of(v) is not None else v
            for k, v in data.items()}
