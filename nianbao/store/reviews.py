"""What the reviewer and the filer read and write in the store: filings within a user's scope,
the reviewer's decisions on findings, the audit log, the filer's drafts and the year's status
board (filed, filed late, not filed; 年报率 by division).

Every read takes the user's `Scope`; a filing outside it is reported exactly like one that does
not exist (None), so an id cannot be used to learn whether another institution's filing exists.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from collections import Counter
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import Connection, func, insert, select, update

from nianbao.model import Finding
from nianbao.store.accounts import Scope, User, audit
from nianbao.store.filings import Store, StoredFiling, stored_filing
from nianbao.store.schema import filings, institutions, utcnow
from nianbao.store.web_schema import audit_log, decisions, drafts, filing_files, users

ACTIONS = ("accept", "dismiss", "ask")
ACTION_ZH = {"accept": "确认问题", "dismiss": "驳回", "ask": "要求更正"}


def finding_key(finding: Finding) -> str:
    """A finding's identity within its filing (stable across page views)."""
    text = f"{finding.rule}\x1f{finding.pointer}\x1f{finding.evidence}\x1f{finding.message_zh}"
    return hashlib.sha256(text.encode()).hexdigest()[:16]


@dataclass
class FilingView:
    """A stored filing with its institution and what the web app knows about its source."""

    filing: StoredFiling
    institution_key: str
    credit_code: str | None
    name: str | None
    filename: str
    media_type: str
    has_content: bool
    blocks: list[dict[str, Any]]
    origin: str
    submitted_at: dt.datetime | None
    errors_confirmed: bool
    uploaded_by: str | None

    def to_json(self) -> dict[str, Any]:
        from nianbao.model import plain

        f = self.filing
        return {
            "filing_id": f.id, "institution": {"key": self.institution_key,
                                                "credit_code": self.credit_code,
                                                "name": self.name},
            "year": f.year, "kind": f.kind, "is_current": f.is_current,
            "superseded_by": f.superseded_by,
            "created_at": f.created_at.isoformat(),
            "submitted_at": self.submitted_at.isoformat() if self.submitted_at else None,
            "errors_confirmed": self.errors_confirmed, "origin": self.origin or "store",
            "source": {**f.source.to_dict(), "path": self.filename or f.source.path},
            "record": plain(f.record.fields),
            "findings": [x.to_dict() for x in f.findings],
        }


def _aware(value: dt.datetime | None) -> dt.datetime | None:
    if value is None:
        return None
    return value if value.tzinfo is not None else value.replace(tzinfo=dt.UTC)


def _view(conn: Connection, filing_id: int, scope: Scope) -> FilingView | None:
    row = conn.execute(
        select(filings, institutions.c.key.label("inst_key"),
               institutions.c.credit_code.label("inst_code"), institutions.c.name.label("inst_name"))
        .join(institutions, institutions.c.id == filings.c.institution_id)
        .where(filings.c.id == filing_id)).first()
    if row is None or not scope.sees(row.inst_key, row.inst_code):
        return None
    meta = conn.execute(
        select(filing_files.c.filename, filing_files.c.media_type, filing_files.c.blocks,
               filing_files.c.origin, filing_files.c.submitted_at,
               filing_files.c.errors_confirmed, (filing_files.c.content.isnot(None)).label("has"),
               users.c.name.label("by"))
        .outerjoin(users, users.c.id == filing_files.c.uploaded_by)
        .where(filing_files.c.filing_id == filing_id)).first()
    return FilingView(
        filing=stored_filing(row), institution_key=row.inst_key, credit_code=row.inst_code,
        name=row.inst_name, filename=meta.filename if meta else row.source_path,
        media_type=meta.media_type if meta else "", has_content=bool(meta and meta.has),
        blocks=list(meta.blocks or []) if meta else [], origin=meta.origin if meta else "",
        submitted_at=_aware(meta.submitted_at) if meta else None,
        errors_confirmed=bool(meta and meta.errors_confirmed),
        uploaded_by=meta.by if meta else None)


def filing_view(store: Store, filing_id: int, scope: Scope) -> FilingView | None:
    """The filing when it exists and `scope` may see it, else None."""
    with store.transaction(read_only=True) as tx:
        return _view(tx.conn, filing_id, scope)


def filing_content(store: Store, filing_id: int, scope: Scope) -> tuple[bytes, str] | None:
    """The uploaded source's bytes and media type, within `scope`."""
    with store.transaction(read_only=True) as tx:
        if _view(tx.conn, filing_id, scope) is None:
            return None
        row = tx.conn.execute(select(filing_files.c.content, filing_files.c.media_type).where(
            filing_files.c.filing_id == filing_id)).first()
    if row is None or row.content is None:
        return None
    return bytes(row.content), str(row.media_type)


def other_years(store: Store, view: FilingView) -> list[StoredFiling]:
    """The institution's current filings of the same kind, every year, oldest first."""
    with store.transaction(read_only=True) as tx:
        return tx.filings_of([view.filing.institution_id], view.filing.kind)


# --------------------------------------------------------------------------- inbox


@dataclass
class InboxRow:
    filing_id: int
    year: int | None
    kind: str
    name: str | None
    credit_code: str | None
    origin: str
    submitted_at: dt.datetime | None
    created_at: dt.datetime
    errors: int
    warnings: int
    infos: int
    rules: Counter[str] = field(default_factory=Counter)
    open_findings: int = 0


def inbox(store: Store, scope: Scope, *, year: int | None = None) -> list[InboxRow]:
    """The current filings `scope` sees (newest first), with counts by severity and rule, and
    how many of their error and warning findings have no decision yet."""
    query = (select(filings.c.id, filings.c.year, filings.c.kind, filings.c.findings,
                    filings.c.created_at, institutions.c.key, institutions.c.credit_code,
                    institutions.c.name, filing_files.c.origin, filing_files.c.submitted_at)
             .join(institutions, institutions.c.id == filings.c.institution_id)
             .outerjoin(filing_files, filing_files.c.filing_id == filings.c.id)
             .where(filings.c.is_current))
    if year is not None:
        query = query.where(filings.c.year == year)
    if scope.role == "filer":
        query = query.where(institutions.c.key == (scope.org or "\x00"))
    elif scope.role == "reviewer":
        prefix = scope.region_prefix or "\x00"
        query = query.where(func.substr(institutions.c.credit_code, 3, len(prefix)) == prefix)
    rows: list[InboxRow] = []
    with store.transaction(read_only=True) as tx:
        decided = _decided_keys(tx.conn)
        for r in tx.conn.execute(query.order_by(filings.c.id.desc())):
            if not scope.sees(r.key, r.credit_code):
                continue
            found = [f for f in r.findings or [] if isinstance(f, dict)]
            sev = Counter(str(f.get("severity")) for f in found)
            done = decided.get(r.id, set())
            open_count = 0
            for f in found:
                if f.get("severity") in ("error", "warning"):
                    if finding_key(Finding.from_dict(f)) not in done:
                        open_count += 1
            rows.append(InboxRow(
                r.id, r.year, r.kind, r.name, r.credit_code, r.origin or "store",
                _aware(r.submitted_at), _aware(r.created_at) or utcnow(), sev["error"],
                sev["warning"], sev["info"],
                Counter(f"{f.get('rule')}|{f.get('severity')}" for f in found), open_count))
    return rows


def _decided_keys(conn: Connection) -> dict[int, set[str]]:
    out: dict[int, set[str]] = {}
    for r in conn.execute(select(decisions.c.filing_id, decisions.c.finding_key)):
        out.setdefault(r.filing_id, set()).add(r.finding_key)
    return out


# --------------------------------------------------------------------------- decisions


@dataclass(frozen=True)
class Decision:
    finding_key: str
    rule: str
    action: str
    reason: str
    user: str
    at: dt.datetime


def decisions_for(store: Store, filing_id: int) -> dict[str, Decision]:
    """The latest decision on each finding of the filing."""
    with store.transaction(read_only=True) as tx:
        rows = tx.conn.execute(
            select(decisions, users.c.name.label("user_name"))
            .join(users, users.c.id == decisions.c.user_id)
            .where(decisions.c.filing_id == filing_id).order_by(decisions.c.id)).all()
    return {r.finding_key: Decision(r.finding_key, r.rule, r.action, r.reason, r.user_name,
                                    _aware(r.at) or utcnow()) for r in rows}


def decide(store: Store, user: User, filing_id: int, key: str, action: str,
           reason: str) -> Decision | None:
    """Record a reviewer's decision on one finding (and its audit line); None when the filing
    or the finding is not there for this user."""
    if action not in ACTIONS:
        raise ValueError(f"unknown action {action}")
    reason = reason.strip()[:2000]
    with store.transaction() as tx:
        view = _view(tx.conn, filing_id, user.scope)
        if view is None:
            return None
        found = {finding_key(f): f for f in view.filing.findings}
        finding = found.get(key)
        if finding is None:
            return None
        previous = tx.conn.execute(
            select(decisions.c.action, decisions.c.reason).where(
                decisions.c.filing_id == filing_id, decisions.c.finding_key == key)
            .order_by(decisions.c.id.desc()).limit(1)).first()
        now = utcnow()
        tx.conn.execute(insert(decisions).values(
            filing_id=filing_id, finding_key=key, rule=finding.rule, action=action,
            reason=reason, user_id=user.id, at=now))
        before = ({"action": previous.action, "reason": previous.reason} if previous
                  else {"action": None})
        audit(tx.conn, user.id, user.name, f"finding.{action}", filing_id,
              f"{finding.rule} {finding.pointer}".strip(), before,
              {"action": action, "reason": reason})
    return Decision(key, finding.rule, action, reason, user.name, now)


@dataclass(frozen=True)
class AuditEntry:
    id: int
    at: dt.datetime
    user: str
    action: str
    filing_id: int | None
    target: str
    before: Any
    after: Any


def audit_entries(store: Store, scope: Scope, *, filing_id: int | None = None,
                  limit: int = 500) -> list[AuditEntry]:
    """The audit log, newest first; a non-admin sees only lines about filings in its scope."""
    query = select(audit_log).order_by(audit_log.c.id.desc()).limit(limit * 4)
    if filing_id is not None:
        query = query.where(audit_log.c.filing_id == filing_id)
    out: list[AuditEntry] = []
    visible: dict[int, bool] = {}
    with store.transaction(read_only=True) as tx:
        for r in tx.conn.execute(query):
            if scope.role != "admin":
                if r.filing_id is None:
                    continue
                if r.filing_id not in visible:
                    visible[r.filing_id] = _view(tx.conn, r.filing_id, scope) is not None
                if not visible[r.filing_id]:
                    continue
            out.append(AuditEntry(r.id, _aware(r.at) or utcnow(), r.user_name, r.action,
                                  r.filing_id, r.target, r.before, r.after))
            if len(out) >= limit:
                break
    return out


def decision_rows(store: Store, scope: Scope, year: int | None = None) -> list[dict[str, Any]]:
    """Every decision on filings in scope, for export: one dict per decision."""
    out = []
    with store.transaction(read_only=True) as tx:
        rows = tx.conn.execute(
            select(decisions, users.c.name.label("user_name"), filings.c.year,
                   filings.c.findings, institutions.c.key, institutions.c.credit_code,
                   institutions.c.name.label("inst_name"))
            .join(users, users.c.id == decisions.c.user_id)
            .join(filings, filings.c.id == decisions.c.filing_id)
            .join(institutions, institutions.c.id == filings.c.institution_id)
            .order_by(decisions.c.id)).all()
    for r in rows:
        if not scope.sees(r.key, r.credit_code) or (year is not None and r.year != year):
            continue
        message = ""
        for f in r.findings or []:
            finding = Finding.from_dict(f)
            if finding_key(finding) == r.finding_key:
                message = finding.message_zh
                break
        out.append({"filing_id": r.filing_id, "year": r.year, "credit_code": r.credit_code,
                    "name": r.inst_name, "rule": r.rule, "message": message,
                    "action": r.action, "reason": r.reason, "user": r.user_name,
                    "at": (_aware(r.at) or utcnow()).isoformat(timespec="seconds")})
    return out


# --------------------------------------------------------------------------- drafts


@dataclass(frozen=True)
class Draft:
    id: int
    org: str
    year: int
    fields: dict[str, Any]
    updated_at: dt.datetime
    filing_id: int | None


def get_draft(store: Store, org: str, year: int) -> Draft | None:
    with store.transaction(read_only=True) as tx:
        r = tx.conn.execute(select(drafts).where(drafts.c.org == org,
                                                 drafts.c.year == year)).first()
    if r is None:
        return None
    return Draft(r.id, r.org, r.year, dict(r.fields or {}), _aware(r.updated_at) or utcnow(),
                 r.filing_id)


def latest_draft_year(store: Store, org: str) -> int | None:
    """The newest year the institution has a draft for that is not yet submitted."""
    with store.transaction(read_only=True) as tx:
        found = tx.conn.execute(select(func.max(drafts.c.year)).where(
            drafts.c.org == org, drafts.c.filing_id.is_(None))).scalar()
    return int(found) if found is not None else None


def save_draft(store: Store, user: User, org: str, year: int, fields: dict[str, Any], *,
               filing_id: int | None = None, action: str = "") -> Draft:
    """Create or update the institution's draft for `year`; an `action` also writes an audit
    line (e.g. ``draft.start``), with the fields that changed before and after."""
    from nianbao.model import plain

    now = utcnow()
    data = plain(fields)
    with store.transaction() as tx:
        r = tx.conn.execute(select(drafts).where(drafts.c.org == org,
                                                 drafts.c.year == year)).first()
        if r is None:
            new_id = tx.conn.execute(insert(drafts).values(
                org=org, year=year, fields=data, updated_by=user.id, updated_at=now,
                filing_id=filing_id)).inserted_primary_key
            assert new_id is not None
            before: dict[str, Any] = {}
            draft_id = int(new_id[0])
        else:
            before = dict(r.fields or {})
            values: dict[str, Any] = {"fields": data, "updated_by": user.id, "updated_at": now}
            if filing_id is not None:
                values["filing_id"] = filing_id
            tx.conn.execute(update(drafts).where(drafts.c.id == r.id).values(**values))
            draft_id = r.id
            filing_id = filing_id if filing_id is not None else r.filing_id
        if action:
            changed = sorted(k for k in set(before) | set(data) if before.get(k) != data.get(k))
            audit(tx.conn, user.id, user.name, action, filing_id, f"{org} {year}",
                  {k: before.get(k) for k in changed}, {k: data.get(k) for k in changed})
    return Draft(draft_id, org, year, data, now, filing_id)


# --------------------------------------------------------------------------- status board


@dataclass
class StatusRow:
    credit_code: str | None
    name: str | None
    division: str | None
    status: str  # filed | late | missing
    filing_id: int | None
    received: dt.date | None


@dataclass
class DivisionRate:
    division: str
    name: str
    expected: int
    filed: int
    late: int
    missing: int

    @property
    def rate(self) -> float:
        return (self.filed + self.late) / self.expected if self.expected else 0.0


def deadline(year: int, month_day: tuple[int, int] = (3, 31)) -> dt.date:
    """The last day of the filing window for report year `year` (31 March of the next year)."""
    return dt.date(year + 1, *month_day)


def status_board(store: Store, scope: Scope, year: int,
                 region: str | None = None) -> tuple[list[StatusRow], list[DivisionRate]]:
    """Which institutions in scope filed the `year` annual report on time, late (received after
    the window), or not at all (filed the year before, nothing this year); and the filing rate
    (年报率) per county-level division.

    The date received is the web submission time when the filing came through the web app,
    else the form's 报送日期, else when the store first saw it."""
    region_scope = Scope("reviewer", None, region) if region else None
    query = (select(filings.c.id, filings.c.year, filings.c.record, filings.c.created_at,
                    institutions.c.key, institutions.c.credit_code, institutions.c.name,
                    filing_files.c.submitted_at, filing_files.c.origin)
             .join(institutions, institutions.c.id == filings.c.institution_id)
             .outerjoin(filing_files, filing_files.c.filing_id == filings.c.id)
             .where(filings.c.is_current, filings.c.kind == "annual_report",
                    filings.c.year.in_([year, year - 1])))
    this: dict[str, Any] = {}
    last: dict[str, Any] = {}
    with store.transaction(read_only=True) as tx:
        for r in tx.conn.execute(query):
            if not scope.sees(r.key, r.credit_code):
                continue
            if region_scope and not region_scope.sees(r.key, r.credit_code):
                continue
            (this if r.year == year else last).setdefault(r.key, r)
    end = deadline(year)
    rows: list[StatusRow] = []
    for _key, r in sorted(this.items()):
        received = _received(r)
        status = "late" if received is not None and received > end else "filed"
        rows.append(StatusRow(r.credit_code, r.name, _division(r.credit_code), status, r.id,
                              received))
    for key, r in sorted(last.items()):
        if key not in this:
            rows.append(StatusRow(r.credit_code, r.name, _division(r.credit_code), "missing",
                                  None, None))
    rates: dict[str, DivisionRate] = {}
    for row in rows:
        division = row.division or "—"
        rate = rates.setdefault(division, DivisionRate(division, _division_name(division),
                                                       0, 0, 0, 0))
        rate.expected += 1
        if row.status == "filed":
            rate.filed += 1
        elif row.status == "late":
            rate.late += 1
        else:
            rate.missing += 1
    order = {"missing": 0, "late": 1, "filed": 2}
    rows.sort(key=lambda x: (x.division or "", order[x.status], x.credit_code or ""))
    return rows, [rates[k] for k in sorted(rates)]


def _received(r: Any) -> dt.date | None:
    if r.submitted_at is not None and r.origin == "draft":
        return (_aware(r.submitted_at) or utcnow()).date()
    value = (r.record or {}).get("submitted_on")
    if isinstance(value, str):
        try:
            return dt.date.fromisoformat(value[:10])
        except ValueError:
            pass
    if r.submitted_at is not None:
        return (_aware(r.submitted_at) or utcnow()).date()
    created = _aware(r.created_at)
    return created.date() if created else None


def _division(code: str | None) -> str | None:
    return code[2:8] if code and len(code) == 18 else None


def _division_name(division: str) -> str:
    from nianbao.text.regions import full_name

    try:
        return full_name(division) or division
    except (ValueError, KeyError):
        return division
