"""The values that flow through the pipeline: Document, Record, Fact, Finding, Report.

A reader turns a file into a `Document`; a parser turns a Document into a `Record` with its
`facts`; the checks turn a Record into `Finding`s; a `Report` holds all of it and serialises to
the output contract of docs/contract.md.
"""

from __future__ import annotations

import math
from collections.abc import Iterator
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any, Literal

CONTRACT_VERSION = "1"

Severity = Literal["error", "warning", "info"]
BlockKind = Literal["paragraph", "row", "page_break"]


@dataclass(frozen=True)
class Source:
    """Where a document came from."""

    path: str
    sha256: str
    format: str  # txt | docx | pdf | json

    def to_json(self) -> dict[str, str]:
        return {"path": self.path, "sha256": self.sha256, "format": self.format}


@dataclass(frozen=True)
class Provenance:
    """Where in the source a piece of text sits. Unknown parts stay None."""

    page: int | None = None
    block: int | None = None
    cell: int | None = None
    start: int | None = None
    end: int | None = None
    bbox: tuple[float, float, float, float] | None = None

    def to_json(self) -> dict[str, Any]:
        return {k: v for k, v in self.__dict__.items() if v is not None}


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
    households: float | None = None
    persons: float | None = None
    person_times: float | None = None
    amount_yuan: float | None = None
    rate_yuan_per_month: float | None = None
    rate_yuan_per_year: float | None = None
    percent: float | None = None
    value: float | None = None
    unit: str | None = None
    qualifier: str | None = None
    approx: bool = False
    page: int | None = None
    # A table cell's place: its row in the table (the header is row 1) and its column (1-based).
    row: int | None = None
    column: int | None = None

    def to_json(self) -> dict[str, Any]:
        out = dict(self.__dict__)
        for key in ("row", "column"):
            if out[key] is None:
                del out[key]
        return out


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
    # The prose cut into sentences with their quantities (nianbao.extract.facts.Sentence),
    # for the arithmetic rules; not part of the output.
    sentences: list[Any] = field(default_factory=list)
    # The statistics tables read (nianbao.extract.statistics.StatTable), for the table rules;
    # not part of the output.
    tables: list[Any] = field(default_factory=list)


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

    def to_json(self) -> dict[str, Any]:
        out: dict[str, Any] = {
            "rule": self.rule,
            "severity": self.severity,
            "message_zh": self.message_zh,
            "message_en": self.message_en,
            "pointer": self.pointer,
            "evidence": self.evidence,
            "params": self.params,
        }
        if self.provenance is not None:
            out["provenance"] = self.provenance.to_json()
        return out


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

    def to_json(self) -> dict[str, Any]:
        rec = self.record
        return {
            "nianbao": CONTRACT_VERSION,
            "source": self.source.to_json(),
            "kind": rec.kind,
            "year": rec.year,
            "as_of": rec.as_of,
            "org": rec.org,
            "record": rec.fields,
            "facts": [f.to_json() for f in rec.facts],
            "findings": [f.to_json() for f in self.findings],
        }


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
