"""The filer's pages: this year's annual report, from last year's filing to submission.

- ``GET /report[?year=Y]``: the draft form (every field of the form), with the findings of the
  same rules the CLI runs beside each field; ``POST /report/start`` starts it from last year's
  filing in the store (`nianbao.draft`: registered items carried over, 年初净资产 = last year's
  年末净资产) or empty;
- ``POST /report/fields`` (htmx, as the filer types): saves the draft, re-runs the rules
  (cross-year ones with the store's history) and swaps the findings in beside their fields;
- ``POST /report/summary``: a work summary (any format `nianbao check` reads, a scan too)
  drafts 开展业务活动情况;
- ``GET /report/download/docx|pdf|public``: the form through the project's generators;
- ``POST /report/submit``: checks and stores it as the institution's filing; a report that still
  has errors needs the explicit confirmation, and its findings are kept with it.
"""

from __future__ import annotations

import datetime as dt
import threading
from typing import Any

from starlette.concurrency import run_in_threadpool
from starlette.datastructures import UploadFile
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response
from starlette.routing import BaseRoute, Route

from nianbao.checks import CheckContext, Registry, Settings
from nianbao.errors import NianbaoError
from nianbao.forms import (
    AMOUNT_FIELDS,
    ANNUAL_REPORT_FIELDS,
    FIELD_NAMES,
    LONG_FIELDS,
    annual_report,
)
from nianbao.model import Finding
from nianbao.store import reviews
from nianbao.store.accounts import User
from nianbao.web.checking import DraftTask, TextTask, draft_record
from nianbao.web.core import Auth, ctx_of, page
from nianbao.web.uploads import file_name, media_type, refuse_name, suffix_of

EDITABLE = tuple((name, zh) for name, zh, _ in ANNUAL_REPORT_FIELDS
                 if name not in ("report_year", "layout"))


def _sections() -> dict[str, str]:
    """The form's section headings (《事业单位法人证书》登载事项, …), each keyed by the first
    editable field under it."""
    editable = {name for name, _ in EDITABLE}
    headings: dict[str, str] = {}
    for field in annual_report().fields:
        if field.name in editable and field.group not in headings.values():
            headings[field.name] = field.group
    return {name: annual_report().text(group).label_zh for name, group in headings.items()}


SECTIONS = _sections()


def hints(year: int) -> dict[str, str]:
    """What to write in each field (the form schema's x-hint-zh), for the report `year`."""
    return {f.name: f.hint_zh.format(year=year, next=year + 1)
            for f in annual_report().fields if f.hint_zh}
MAX_FIELD = 20_000
_REGISTRY: Registry | None = None
_REGISTRY_LOCK = threading.Lock()
_RENDER_LOCK = threading.Lock()


def _registry() -> Registry:
    global _REGISTRY
    with _REGISTRY_LOCK:
        if _REGISTRY is None:
            from nianbao.checks import default_registry

            _REGISTRY = default_registry()
        return _REGISTRY


def live_findings(ctx_store: Any, fields: dict[str, Any], year: int) -> list[Finding]:
    """The findings of every rule (cross-year ones with the store's history) on the draft."""
    record = draft_record(fields, year)
    with ctx_store.transaction(read_only=True) as tx:
        history = tx.related_history(record)
    context = CheckContext(record, None, Settings(), history=history)
    return list(record.notes) + _registry().run(context)


def by_field(findings: list[Finding]) -> tuple[dict[str, list[Finding]], list[Finding]]:
    """Findings of one field (pointer /record/NAME), and the rest."""
    fields: dict[str, list[Finding]] = {}
    rest: list[Finding] = []
    for finding in findings:
        name = finding.pointer.removeprefix("/record/") if finding.pointer.startswith(
            "/record/") else ""
        if name in FIELD_NAMES:
            fields.setdefault(name, []).append(finding)
        else:
            rest.append(finding)
    return fields, rest


def _default_year(store: Any, user: User) -> int:
    """The year after the institution's latest filing, else last calendar year."""
    from nianbao.store.filings import lookup_key

    with store.transaction(read_only=True) as tx:
        found = tx.find_institutions(lookup_key(user.org or ""))
        years = [f.year for f in tx.filings_of([i.id for i in found], "annual_report")
                 if f.year is not None]
    drafted = reviews.latest_draft_year(store, user.org or "")
    candidates = [y + 1 for y in years] + ([drafted] if drafted else [])
    return max(candidates) if candidates else dt.date.today().year - 1


def _year(request: Request, store: Any, user: User) -> int:
    raw = request.query_params.get("year", "")
    if raw.isdigit() and 1990 <= int(raw) <= 2100:
        return int(raw)
    return _default_year(store, user)


def _page_data(request: Request, auth: Auth, year: int, **extra: Any) -> dict[str, Any]:
    ctx = ctx_of(request)
    org = auth.user.org or ""
    draft = reviews.get_draft(ctx.store, org, year)
    previous = _previous(ctx.store, org, year)
    data: dict[str, Any] = {"year": year, "draft": draft, "previous": previous,
                            "editable": EDITABLE, "sections": SECTIONS, "long": LONG_FIELDS,
                            "amounts": AMOUNT_FIELDS, "hints": hints(year)}
    if draft is not None:
        findings = live_findings(ctx.store, draft.fields, year)
        per_field, rest = by_field(findings)
        data.update(fields=draft.fields, per_field=per_field, rest=rest,
                    errors=sum(f.severity == "error" for f in findings),
                    warnings=sum(f.severity == "warning" for f in findings))
    if draft is not None and draft.filing_id is not None:
        data["asks"] = _asks(ctx.store, auth.user, draft.filing_id)
    data.update(extra)
    return data


def _asks(store: Any, user: User, filing_id: int) -> list[dict[str, Any]]:
    """The reviewer's requests for correction on the submitted filing (latest decision per
    finding is "ask")."""
    view = reviews.filing_view(store, filing_id, user.scope)
    if view is None:
        return []
    decided = reviews.decisions_for(store, filing_id)
    out = []
    for finding in view.filing.findings:
        decision = decided.get(reviews.finding_key(finding))
        if decision is not None and decision.action == "ask":
            out.append({"finding": finding, "decision": decision})
    return out


def _previous(store: Any, org: str, year: int) -> Any:
    from nianbao.store.cli_support import UnknownInstitution, previous_record

    try:
        return previous_record(store, org, year)
    except UnknownInstitution:
        return None


@page("filer")
async def report(request: Request, auth: Auth) -> Response:
    ctx = ctx_of(request)
    year = await run_in_threadpool(_year, request, ctx.store, auth.user)
    data = await run_in_threadpool(_page_data, request, auth, year)
    return ctx.render(request, "report.html", **data)


def _form_year(form: Any) -> int | None:
    raw = str(form.get("year") or "")
    return int(raw) if raw.isdigit() and 1990 <= int(raw) <= 2100 else None


@page("filer")
async def start(request: Request, auth: Auth) -> Response:
    from nianbao.draft import draft as make_draft
    from nianbao.forms import FIELD_NAMES as NAMES

    ctx = ctx_of(request)
    form = await request.form()
    year = _form_year(form)
    if year is None:
        return ctx.render(request, "error.html", 400, message="年度无效")
    org = auth.user.org or ""

    def work() -> None:
        previous = _previous(ctx.store, org, year)
        if previous is not None:
            fields, _ = make_draft(previous, None, year)
            action = "draft.start-from-last-year"
        else:
            fields = dict.fromkeys(NAMES)
            fields.update(credit_code=org, report_year=year, layout="current_2014plus")
            action = "draft.start-empty"
        reviews.save_draft(ctx.store, auth.user, org, year, fields, action=action)

    await run_in_threadpool(work)
    return RedirectResponse(f"/report?year={year}", status_code=303)


def _fields_from_form(form: Any, current: dict[str, Any]) -> dict[str, Any]:
    fields = dict(current)
    for name, _ in EDITABLE:
        if name in form:
            value = str(form.get(name) or "").replace("\r\n", "\n")[:MAX_FIELD]
            fields[name] = value.strip() if name not in LONG_FIELDS else value.strip("\n ")
            if fields[name] == "":
                fields[name] = None
    fields.setdefault("layout", "current_2014plus")
    return fields


@page("filer")
async def update_fields(request: Request, auth: Auth) -> Response:
    """htmx: save what the filer typed, run the rules, swap the findings in."""
    ctx = ctx_of(request)
    form = await request.form()
    year = _form_year(form)
    org = auth.user.org or ""
    if year is None:
        return Response("年度无效", status_code=400)

    def work() -> dict[str, Any] | None:
        draft = reviews.get_draft(ctx.store, org, year)
        if draft is None:
            return None
        fields = _fields_from_form(form, draft.fields)
        reviews.save_draft(ctx.store, auth.user, org, year, fields)
        findings = live_findings(ctx.store, fields, year)
        per_field, rest = by_field(findings)
        return {"per_field": per_field, "rest": rest, "editable": EDITABLE,
                "errors": sum(f.severity == "error" for f in findings),
                "warnings": sum(f.severity == "warning" for f in findings), "oob": True}

    data = await run_in_threadpool(work)
    if data is None:
        return Response("没有草稿", status_code=404)
    return ctx.render(request, "report_findings.html", **data)


@page("filer")
async def summary(request: Request, auth: Auth) -> Response:
    from nianbao.draft import draft_activities

    ctx = ctx_of(request)
    form = await request.form()  # already read, size-limited, by the CSRF check
    year = _form_year(form)
    upload = form.get("file")
    org = auth.user.org or ""
    if year is None or not isinstance(upload, UploadFile):
        return ctx.render(request, "error.html", 400, message="请选择工作总结文件")
    name = file_name(upload.filename)
    content = await upload.read()
    refused = refuse_name(name)
    if refused is not None or not content:
        return ctx.render(request, "error.html", 415 if refused else 400,
                          message=refused.zh if refused else f"文件为空：{name}")
    result = await run_in_threadpool(ctx.pool.run, TextTask(suffix_of(name), content, name))
    if result.status != 200:
        return ctx.render(request, "error.html", result.status, message=result.message_zh)

    def work() -> None:
        draft = reviews.get_draft(ctx.store, org, year)
        if draft is None:
            return
        fields = dict(draft.fields)
        fields["activities"] = draft_activities(result.text, year) or fields.get("activities")
        reviews.save_draft(ctx.store, auth.user, org, year, fields, action="draft.summary")

    await run_in_threadpool(work)
    return RedirectResponse(f"/report?year={year}#activities", status_code=303)


@page("filer")
async def download(request: Request, auth: Auth) -> Response:
    from nianbao.generate.context import build_context, context_text
    from nianbao.generate.fonts import check_glyphs

    ctx = ctx_of(request)
    which = request.path_params["which"]
    year = _int_param(request.query_params.get("year"))
    org = auth.user.org or ""
    if which not in ("docx", "pdf", "public") or year is None:
        return ctx.render(request, "error.html", 404, message="没有该文件")
    draft = await run_in_threadpool(reviews.get_draft, ctx.store, org, year)
    if draft is None:
        return ctx.render(request, "error.html", 404, message="还没有本年度的草稿")

    def render() -> bytes:
        record = draft_record(draft.fields, year).fields
        context = build_context(record, public=which == "public")
        check_glyphs(context_text(context))
        with _RENDER_LOCK:
            if which == "docx":
                from nianbao.generate.docx_writer import render_docx

                return render_docx(context)
            from nianbao.generate.pdf_writer import render_pdf

            return render_pdf(context)

    try:
        data = await run_in_threadpool(render)
    except NianbaoError as exc:
        return ctx.render(request, "error.html", 422, message=exc.message_zh)
    name = f"annual-report-{year}{'-public' if which == 'public' else ''}." + (
        "docx" if which == "docx" else "pdf")
    media = media_type(which if which == "docx" else "pdf", b"")
    return Response(data, media_type=media,
                    headers={"content-disposition": f'attachment; filename="{name}"'})


def _int_param(raw: str | None) -> int | None:
    return int(raw) if raw and raw.isdigit() and 1990 <= int(raw) <= 2100 else None


@page("filer")
async def submit(request: Request, auth: Auth) -> Response:
    from nianbao.web.app import scope_of

    ctx = ctx_of(request)
    form = await request.form()
    year = _form_year(form)
    org = auth.user.org or ""
    if year is None:
        return ctx.render(request, "error.html", 400, message="年度无效")
    draft = await run_in_threadpool(reviews.get_draft, ctx.store, org, year)
    if draft is None:
        return ctx.render(request, "error.html", 404, message="还没有本年度的草稿")
    confirm = form.get("confirm_errors") == "yes"
    task = DraftTask(ctx.config.store, scope_of(auth.user), year, draft.fields, confirm)
    result = await run_in_threadpool(ctx.pool.run, task)
    if result.status == 409:
        data = await run_in_threadpool(_page_data, request, auth, year, needs_confirmation=True)
        return ctx.render(request, "report.html", 409, **data)
    if result.filing_id is None:
        data = await run_in_threadpool(_page_data, request, auth, year,
                                       submit_error=result.message_zh)
        return ctx.render(request, "report.html", result.status, **data)
    await run_in_threadpool(lambda: reviews.save_draft(
        ctx.store, auth.user, org, year, draft.fields, filing_id=result.filing_id))
    return RedirectResponse(f"/filings/{result.filing_id}", status_code=303)


def routes() -> list[BaseRoute]:
    return [
        Route("/report", report),
        Route("/report/start", start, methods=["POST"]),
        Route("/report/fields", update_fields, methods=["POST"]),
        Route("/report/summary", summary, methods=["POST"]),
        Route("/report/download/{which}", download),
        Route("/report/submit", submit, methods=["POST"]),
    ]
