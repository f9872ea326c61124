"""The reviewer's pages (the filer sees the read-only parts for its own institution).

- ``/inbox``: the current filings in scope with counts by severity and by rule; filter by year,
  severity, rule and name/code, sort by newest, most errors, most open findings or name;
- ``/filings/{id}``: the document on one side (the PDF page or the scanned image with the
  selected finding's evidence boxed from its bbox, or the text with the span marked) and the findings on the other, each with
  accept / dismiss (with a reason) / ask for correction; the institution's years side by side;
  the filing's audit trail;
- ``/audit``: the audit log; ``/export/decisions.xlsx|csv``; ``/status`` and ``/status.xlsx``.
"""

from __future__ import annotations

import datetime as dt
import io
import threading
from collections import Counter, OrderedDict
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response
from starlette.routing import BaseRoute, Route

from nianbao.forms import FORM_FIELDS, LABEL_ZH, LONG_FIELDS
from nianbao.model import Finding
from nianbao.store import reviews
from nianbao.store.filings import StoredFiling
from nianbao.store.history import Years
from nianbao.store.reviews import ACTION_ZH, FilingView, finding_key
from nianbao.web.core import Auth, ctx_of, page

SORTS = {"new": "最新", "errors": "错误最多", "open": "待处理最多", "name": "单位名称"}
PAGE_SCALE = 1.5


def _int(value: str | None) -> int | None:
    try:
        return int(value) if value else None
    except ValueError:
        return None


# --------------------------------------------------------------------------- inbox


@page()
async def inbox(request: Request, auth: Auth) -> Response:
    ctx = ctx_of(request)
    q = request.query_params
    year = _int(q.get("year"))
    rows = await run_in_threadpool(reviews.inbox, ctx.store, auth.user.scope, year=year)
    severity = q.get("severity", "")
    rule = q.get("rule", "")
    text = q.get("q", "").strip()
    sort = q.get("sort", "new") if q.get("sort") in SORTS else "new"
    counts: Counter[str] = Counter()
    for row in rows:
        counts.update(row.rules)
    years = sorted({r.year for r in rows if r.year is not None}, reverse=True)
    if severity in ("error", "warning", "info"):
        rows = [r for r in rows if getattr(r, {"error": "errors", "warning": "warnings",
                                               "info": "infos"}[severity])]
    if rule:
        rows = [r for r in rows if any(k.split("|")[0] == rule for k in r.rules)]
    if text:
        rows = [r for r in rows if text in (r.name or "") or text in (r.credit_code or "")]
    if sort == "errors":
        rows.sort(key=lambda r: (-r.errors, -r.warnings, -r.filing_id))
    elif sort == "open":
        rows.sort(key=lambda r: (-r.open_findings, -r.filing_id))
    elif sort == "name":
        rows.sort(key=lambda r: (r.name or "", -r.filing_id))
    rule_counts = sorted(((k.split("|")[0], k.split("|")[1], n) for k, n in counts.items()),
                         key=lambda x: ({"error": 0, "warning": 1, "info": 2}.get(x[1], 3), -x[2],
                                        x[0]))
    return ctx.render(request, "inbox.html", rows=rows, rule_counts=rule_counts, years=years,
                      year=year, severity=severity, rule=rule, q=text, sort=sort, sorts=SORTS)


# --------------------------------------------------------------------------- one filing


@dataclass
class Located:
    """Where a finding's evidence sits in the stored document."""

    block: int | None = None
    page: int | None = None
    bbox: tuple[float, float, float, float] | None = None
    start: int | None = None
    end: int | None = None


def _compact(text: str) -> tuple[str, list[int]]:
    kept = [(i, c) for i, c in enumerate(text) if not c.isspace()]
    return "".join(c for _, c in kept), [i for i, _ in kept]


def _find(text: str, needle: str) -> tuple[int, int] | None:
    needle = needle.strip()
    if not needle:
        return None
    at = text.find(needle)
    if at >= 0:
        return at, at + len(needle)
    flat, where = _compact(text)
    flat_needle, _ = _compact(needle)
    at = flat.find(flat_needle) if flat_needle else -1
    if at < 0:
        return None
    return where[at], where[at + len(flat_needle) - 1] + 1


def locate(view: FilingView, finding: Finding) -> Located:
    """The block (and page, bbox, span) a finding's evidence comes from: its provenance when it
    has one, else the first block that contains its evidence text, else its field's value."""
    blocks = {int(b.get("index", i)): b for i, b in enumerate(view.blocks)}
    prov = finding.provenance
    if prov is not None and prov.block is not None and prov.block in blocks:
        block = blocks[prov.block]
        span = _find(str(block.get("text", "")), finding.evidence) if finding.evidence else None
        if span is None and prov.start is not None and prov.end is not None:
            span = (prov.start, prov.end)
        bbox = prov.bbox or _bbox(block)
        return Located(prov.block, prov.page or block.get("page"), bbox,
                       span[0] if span else None, span[1] if span else None)
    if finding.pointer.startswith("/source/blocks/"):
        index = _int(finding.pointer.rsplit("/", 1)[-1])
        if index is not None and index in blocks:
            block = blocks[index]
            span = _find(str(block.get("text", "")), finding.evidence)
            return Located(index, block.get("page"), _bbox(block),
                           span[0] if span else None, span[1] if span else None)
    needles = [finding.evidence]
    field = finding.pointer.rsplit("/", 1)[-1] if finding.pointer else ""
    value = view.filing.record.fields.get(field)
    for index, block in blocks.items():
        if field and block.get("field") == field:
            text = str(block.get("text", ""))
            label_end = text.find("：") + 1
            span = _find(text[label_end:], finding.evidence) if finding.evidence else None
            start, end = ((label_end + span[0], label_end + span[1]) if span
                          else (label_end, len(text)))
            return Located(index, None, None, start, end)
    if isinstance(value, (str, int, Decimal)) and str(value).strip():
        needles.append(str(value)[:80])
    for needle in needles:
        if not needle or not needle.strip():
            continue
        for index, block in blocks.items():
            span = _find(str(block.get("text", "")), needle[:200])
            if span is not None:
                return Located(index, block.get("page"), _bbox(block), span[0], span[1])
    return Located()


def _bbox(block: dict[str, Any]) -> tuple[float, float, float, float] | None:
    box = block.get("bbox")
    if isinstance(box, list) and len(box) == 4:
        return (float(box[0]), float(box[1]), float(box[2]), float(box[3]))
    return None


_PDF_LOCK = threading.Lock()  # PDFium is not thread-safe
_PAGES: OrderedDict[tuple[int, int], tuple[bytes, float, float]] = OrderedDict()


def shown_as_pages(media_type: str) -> bool:
    """Whether a stored source is shown as page images: a PDF, or a scan uploaded as an image."""
    return media_type == "application/pdf" or media_type.startswith("image/")


def render_page(content: bytes, filing_id: int, number: int,
                media_type: str = "application/pdf") -> tuple[bytes, float, float] | None:
    """(PNG, width, height in points) of page `number` (1-based) of a stored PDF or image."""
    key = (filing_id, number)
    with _PDF_LOCK:
        if key in _PAGES:
            _PAGES.move_to_end(key)
            return _PAGES[key]
        if media_type.startswith("image/"):
            found = _image_page(content, number)
        else:
            found = _pdf_page(content, number)
        if found is None:
            return None
        _PAGES[key] = found
        while len(_PAGES) > 64:
            _PAGES.popitem(last=False)
        return found


def _pdf_page(content: bytes, number: int) -> tuple[bytes, float, float] | None:
    import pypdfium2 as pdfium

    try:
        pdf = pdfium.PdfDocument(content)
    except pdfium.PdfiumError:
        return None
    try:
        if not 1 <= number <= len(pdf):
            return None
        pdf_page = pdf[number - 1]
        width, height = pdf_page.get_size()
        image = pdf_page.render(scale=PAGE_SCALE).to_pil()
        buffer = io.BytesIO()
        image.save(buffer, format="PNG", optimize=False)
        return buffer.getvalue(), float(width), float(height)
    finally:
        pdf.close()


def _image_page(content: bytes, number: int) -> tuple[bytes, float, float] | None:
    """A page of a scan uploaded as an image, as the reader saw it (turned as its EXIF says, at
    the resolution OCR's boxes are measured in), so that the evidence boxes fall on it. The
    image passed the reader's limits when it was checked; they are applied again here."""
    from PIL import Image

    from nianbao.errors import UnreadableInput
    from nianbao.extract.image_reader import frames
    from nianbao.extract.limits import DEFAULT_LIMITS

    try:
        pages = frames(content, "page", DEFAULT_LIMITS)
    except UnreadableInput:
        return None
    if not 1 <= number <= len(pages):
        return None
    pixels, dpi = pages[number - 1]
    image = Image.fromarray(pixels[:, :, ::-1])
    width, height = image.width * 72 / dpi, image.height * 72 / dpi
    image = image.resize((max(1, round(width * PAGE_SCALE)), max(1, round(height * PAGE_SCALE))))
    buffer = io.BytesIO()
    image.save(buffer, format="PNG", optimize=False)
    return buffer.getvalue(), float(width), float(height)


def _years_table(view: FilingView, others: list[StoredFiling]) -> dict[str, Any]:
    table = Years.of(others)
    rows = []
    for name, label, values in table.rows():
        cells = []
        for i, (filing, (value, previous)) in enumerate(zip(table.by_year.values(), values,
                                                           strict=True)):
            text = "—" if value is None else (f"（{len(str(value))}字）" if name in LONG_FIELDS
                                              else str(value))
            changed = i > 0 and previous is not None and value is not None and \
                str(previous) != str(value) and name not in LONG_FIELDS
            cells.append({"text": text, "changed": changed, "current": filing.id == view.filing.id})
        rows.append({"label": label, "cells": cells})
    counts = ["{} / {}".format(*table.counts(year)) for year in table.years]
    return {"years": table.years, "ids": [f.id for f in table.by_year.values()], "rows": rows,
            "counts": counts}


def _filing_page_data(request: Request, auth: Auth, filing_id: int) -> dict[str, Any] | None:
    ctx = ctx_of(request)
    view = reviews.filing_view(ctx.store, filing_id, auth.user.scope)
    if view is None:
        return None
    if not view.blocks:
        # A filing typed in the web form (or loaded from a record file) has no document: its
        # fields stand in for the text, one line each, so evidence can still be shown.
        fields = view.filing.record.fields
        names = list(FORM_FIELDS) \
            if view.filing.kind == "annual_report" else [n for n in fields if n != "layout"]
        view.blocks = [{"index": i, "text": f"{LABEL_ZH.get(name, name)}："
                        f"{fields.get(name) if fields.get(name) not in (None, '') else '（未填）'}",
                        "field": name, "page": None, "bbox": None}
                       for i, name in enumerate(names)]
    decided = reviews.decisions_for(ctx.store, filing_id)
    findings: list[dict[str, Any]] = []
    for finding in view.filing.findings:
        key = finding_key(finding)
        findings.append({"f": finding, "key": key, "decision": decided.get(key)})
    order = {"error": 0, "warning": 1, "info": 2}
    findings.sort(key=lambda x: order.get(x["f"].severity, 3))
    selected_key = request.query_params.get("f") or next(
        (x["key"] for x in findings if x["f"].severity in ("error", "warning")), "")
    selected = next((x for x in findings if x["key"] == selected_key), None)
    located = locate(view, selected["f"]) if selected else Located()
    pages: dict[str, Any] = {}
    is_pdf = view.has_content and shown_as_pages(view.media_type)
    page_number = _int(request.query_params.get("page")) or located.page or 1
    if is_pdf:
        content = reviews.filing_content(ctx.store, filing_id, auth.user.scope)
        rendered = (render_page(content[0], filing_id, page_number, content[1]) if content
                    else None)
        if rendered is not None:
            pages = {"number": page_number, "width": rendered[1], "height": rendered[2],
                     "count": max((b.get("page") or 1) for b in view.blocks) if view.blocks
                     else 1,
                     "box": located.bbox if located.page == page_number else None}
    blocks = []
    for i, block in enumerate(view.blocks):
        index = int(block.get("index", i))
        text = str(block.get("text", ""))
        if index == located.block:
            start = located.start if located.start is not None else 0
            end = located.end if located.end is not None else len(text)
            blocks.append({"index": index, "before": text[:start], "mark": text[start:end],
                           "after": text[end:], "page": block.get("page")})
        else:
            blocks.append({"index": index, "before": text, "mark": "", "after": "",
                           "page": block.get("page")})
    others = reviews.other_years(ctx.store, view)
    trail = reviews.audit_entries(ctx.store, auth.user.scope, filing_id=filing_id, limit=100)
    return {"view": view, "findings": findings, "selected": selected, "located": located,
            "pages": pages, "blocks": blocks, "years": _years_table(view, others),
            "trail": trail, "labels": LABEL_ZH,
            "can_decide": auth.user.role in ("reviewer", "admin"), "actions": ACTION_ZH}


@page()
async def filing(request: Request, auth: Auth) -> Response:
    ctx = ctx_of(request)
    filing_id = _int(request.path_params["filing_id"])
    data = (await run_in_threadpool(_filing_page_data, request, auth, filing_id)
            if filing_id is not None else None)
    if data is None:
        return ctx.render(request, "error.html", 404, title="没有该报告",
                          message="没有该报告，或该报告不对本账户开放。")
    return ctx.render(request, "filing.html", **data)


@page()
async def page_image(request: Request, auth: Auth) -> Response:
    ctx = ctx_of(request)
    filing_id = _int(request.path_params["filing_id"])
    number = _int(request.path_params["number"])
    if filing_id is None or number is None:
        return Response(status_code=404)
    content = await run_in_threadpool(reviews.filing_content, ctx.store, filing_id,
                                      auth.user.scope)
    if content is None or not shown_as_pages(content[1]):
        return Response(status_code=404)
    rendered = await run_in_threadpool(render_page, content[0], filing_id, number, content[1])
    if rendered is None:
        return Response(status_code=404)
    return Response(rendered[0], media_type="image/png",
                    headers={"cache-control": "private, max-age=600"})


@page("reviewer", "admin")
async def decide(request: Request, auth: Auth) -> Response:
    ctx = ctx_of(request)
    filing_id = _int(request.path_params["filing_id"])
    form = await request.form()
    key = str(form.get("key") or "")
    action = str(form.get("action") or "")
    reason = str(form.get("reason") or "").strip()
    if filing_id is None or action not in reviews.ACTIONS:
        return ctx.render(request, "error.html", 400, message="无效的处理")
    if action == "dismiss" and not reason:
        return ctx.render(request, "error.html", 400, title="需要理由",
                          message="驳回一个问题须写明理由。")
    done = await run_in_threadpool(reviews.decide, ctx.store, auth.user, filing_id, key, action,
                                   reason)
    if done is None:
        return ctx.render(request, "error.html", 404, message="没有该报告或该问题。")
    return RedirectResponse(f"/filings/{filing_id}?f={key}", status_code=303)


# --------------------------------------------------------------------------- audit, exports


@page()
async def audit(request: Request, auth: Auth) -> Response:
    ctx = ctx_of(request)
    entries = await run_in_threadpool(reviews.audit_entries, ctx.store, auth.user.scope)
    return ctx.render(request, "audit.html", entries=entries)


@page("reviewer", "admin")
async def export_decisions(request: Request, auth: Auth) -> Response:
    from nianbao.web.exports import decisions_csv, decisions_xlsx

    ctx = ctx_of(request)
    fmt = request.path_params["fmt"]
    rows = await run_in_threadpool(reviews.decision_rows, ctx.store, auth.user.scope,
                                   _int(request.query_params.get("year")))
    stamp = dt.date.today().isoformat()
    if fmt == "csv":
        return Response(decisions_csv(rows), media_type="text/csv; charset=utf-8",
                        headers={"content-disposition":
                                 f'attachment; filename="decisions-{stamp}.csv"'})
    if fmt == "xlsx":
        return Response(decisions_xlsx(rows), media_type="application/vnd.openxmlformats-"
                        "officedocument.spreadsheetml.sheet",
                        headers={"content-disposition":
                                 f'attachment; filename="decisions-{stamp}.xlsx"'})
    return Response(status_code=404)


def _status_args(request: Request, auth: Auth) -> tuple[int, str | None]:
    year = _int(request.query_params.get("year")) or dt.date.today().year - 1
    region = request.query_params.get("region") or None
    if region is not None and not (len(region) == 6 and region.isdigit()):
        region = None
    return year, region


@page("reviewer", "admin")
async def status(request: Request, auth: Auth) -> Response:
    ctx = ctx_of(request)
    year, region = _status_args(request, auth)
    rows, rates = await run_in_threadpool(reviews.status_board, ctx.store, auth.user.scope,
                                          year, region)
    totals = {"expected": sum(r.expected for r in rates), "filed": sum(r.filed for r in rates),
              "late": sum(r.late for r in rates), "missing": sum(r.missing for r in rates)}
    return ctx.render(request, "status.html", rows=rows, rates=rates, year=year, region=region,
                      totals=totals, deadline=reviews.deadline(year))


@page("reviewer", "admin")
async def status_xlsx(request: Request, auth: Auth) -> Response:
    from nianbao.web.exports import status_xlsx as make

    ctx = ctx_of(request)
    year, region = _status_args(request, auth)
    rows, rates = await run_in_threadpool(reviews.status_board, ctx.store, auth.user.scope,
                                          year, region)
    return Response(make(rows, rates, year), media_type="application/vnd.openxmlformats-"
                    "officedocument.spreadsheetml.sheet",
                    headers={"content-disposition": f'attachment; filename="status-{year}.xlsx"'})


def routes() -> list[BaseRoute]:
    return [
        Route("/inbox", inbox),
        Route("/filings/{filing_id}", filing),
        Route("/filings/{filing_id}/page/{number}.png", page_image),
        Route("/filings/{filing_id}/decide", decide, methods=["POST"]),
        Route("/audit", audit),
        Route("/export/decisions.{fmt}", export_decisions),
        Route("/status", status),
        Route("/status.xlsx", status_xlsx),
    ]
