"""Accounts of the web app: users with roles, argon2 passwords, sessions, API tokens, login
throttling, and the audit log every change writes to.

    with Store.open(url) as store:
        user = add_user(store, "clerk", "filer", password, org="12430681593289443F")
        token = new_token(store, "clerk")        # shown once; only its sha256 is kept

A filer sees the filings of its own institution (`org`, a 统一社会信用代码); a reviewer those of
the institutions registered in its `region` (a GB/T 2260 division code: 430681 a county, 430600
a city, 430000 a province); an admin all of them. `Scope` answers that question everywhere.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import re
import secrets
from dataclasses import dataclass
from typing import Any

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError
from sqlalchemy import Connection, and_, delete, func, insert, or_, select, update

from nianbao.errors import UsageError
from nianbao.store.filings import Store, code_if_valid_looking
from nianbao.store.schema import utcnow
from nianbao.store.web_schema import api_tokens, audit_log, login_failures, sessions, users

ROLES = ("filer", "reviewer", "admin")
SESSION_HOURS = 12
# Login throttling: this many failures within the window block further tries.
FAILURES_PER_NAME = 5
FAILURES_PER_ADDRESS = 30
FAILURE_WINDOW = dt.timedelta(minutes=15)
_NAME = re.compile(r"^[A-Za-z0-9_.@\-\u4e00-\u9fff]{1,100}$")
_REGION = re.compile(r"^\d{6}$")
# Deliberately cheaper than argon2-cffi's default (64 MiB): a county bureau's small server
# serves many logins at once; still far beyond what a stolen table can be guessed against.
_HASHER = PasswordHasher(time_cost=2, memory_cost=19456, parallelism=1)


class Throttled(UsageError):
    """Too many failed logins for this account or address: wait and retry."""

    code = "throttled"


@dataclass(frozen=True)
class User:
    id: int
    name: str
    role: str
    org: str | None
    region: str | None
    disabled: bool = False

    @property
    def scope(self) -> Scope:
        return Scope(self.role, self.org, self.region)


@dataclass(frozen=True)
class Scope:
    """Which institutions a user may see."""

    role: str
    org: str | None
    region: str | None

    @property
    def region_prefix(self) -> str | None:
        """430600 → 4306, 430000 → 43, 430681 → 430681."""
        if not self.region:
            return None
        prefix = self.region
        while prefix.endswith("00") and len(prefix) > 2:
            prefix = prefix[:-2]
        return prefix

    def sees(self, institution_key: str | None, credit_code: str | None) -> bool:
        if self.role == "admin":
            return True
        if self.role == "filer":
            return bool(self.org) and institution_key == self.org
        if self.role == "reviewer":
            prefix = self.region_prefix
            return bool(prefix and credit_code and credit_code[2:8].startswith(prefix))
        return False


def hash_password(password: str) -> str:
    return _HASHER.hash(password)


def _verify(password_hash: str, password: str) -> bool:
    try:
        return _HASHER.verify(password_hash, password)
    except (VerifyMismatchError, VerificationError, InvalidHashError):
        return False


# A hash to verify against when the account does not exist: the same work either way, so the
# response time does not tell which names exist.
_DUMMY_HASH = hash_password(secrets.token_hex(16))


def _user(row: Any) -> User:
    return User(row.id, row.name, row.role, row.org, row.region, bool(row.disabled))


def add_user(store: Store, name: str, role: str, password: str, *, org: str | None = None,
             region: str | None = None, by: str = "cli") -> User:
    """Create an account; refuses a taken name, an unknown role, a filer without a valid-looking
    credit code or a reviewer without a 6-digit division code."""
    if not _NAME.match(name):
        raise UsageError(f"用户名不合规：{name!r}（字母、数字、汉字和 _.@-，至多100个）",
                         f"invalid user name: {name!r} (letters, digits, CJK and _.@-, ≤100)")
    if role not in ROLES:
        raise UsageError(f"未知角色：{role}（filer、reviewer 或 admin）",
                         f"unknown role: {role} (filer, reviewer or admin)")
    code = code_if_valid_looking(org) if org else None
    if org and code is None:
        raise UsageError(f"单位统一社会信用代码格式不对：{org}", f"not a credit code: {org}")
    if role == "filer" and code is None:
        raise UsageError("填报人账户须用 --org 指定单位的统一社会信用代码",
                         "a filer account needs --org CREDIT_CODE")
    if region is not None and not _REGION.match(region):
        raise UsageError(f"区划代码须为6位数字：{region}", f"region must be 6 digits: {region}")
    if role == "reviewer" and region is None:
        raise UsageError("审核人账户须用 --region 指定行政区划代码",
                         "a reviewer account needs --region DIVISION_CODE")
    if len(password) < 8:
        raise UsageError("密码至少8个字符", "the password needs at least 8 characters")
    with store.transaction() as tx:
        taken = tx.conn.execute(select(users.c.id).where(users.c.name == name)).first()
        if taken is not None:
            raise UsageError(f"用户名已存在：{name}", f"user already exists: {name}")
        new_id = tx.conn.execute(insert(users).values(
            name=name, role=role, org=code, region=region, password_hash=hash_password(password),
            disabled=False, created_at=utcnow())).inserted_primary_key
        assert new_id is not None
        audit(tx.conn, None, by, "user.add", None, name, None,
              {"role": role, "org": code, "region": region})
        return User(int(new_id[0]), name, role, code, region)


def get_user(store: Store, name: str) -> User | None:
    with store.transaction(read_only=True) as tx:
        row = tx.conn.execute(select(users).where(users.c.name == name)).first()
        return _user(row) if row is not None else None


def list_users(store: Store) -> list[User]:
    with store.transaction(read_only=True) as tx:
        return [_user(r) for r in tx.conn.execute(select(users).order_by(users.c.name))]


def disable_user(store: Store, name: str, *, by: str = "cli") -> User:
    """Disable an account: its sessions end and its tokens stop working at once."""
    with store.transaction() as tx:
        row = tx.conn.execute(select(users).where(users.c.name == name)).first()
        if row is None:
            raise UsageError(f"没有用户：{name}", f"no such user: {name}")
        tx.conn.execute(update(users).where(users.c.id == row.id).values(disabled=True))
        tx.conn.execute(delete(sessions).where(sessions.c.user_id == row.id))
        tx.conn.execute(update(api_tokens).where(api_tokens.c.user_id == row.id)
                        .values(revoked=True))
        audit(tx.conn, None, by, "user.disable", None, name, {"disabled": bool(row.disabled)},
              {"disabled": True})
        return User(row.id, row.name, row.role, row.org, row.region, True)


def authenticate(store: Store, name: str, password: str, address: str) -> User | None:
    """The user when name and password match an enabled account, else None (and the failure is
    counted). Raises Throttled after too many recent failures for the name or the address."""
    now = utcnow()
    since = now - FAILURE_WINDOW
    with store.transaction() as tx:
        conn = tx.conn
        conn.execute(delete(login_failures).where(login_failures.c.at < since))
        by_name = conn.execute(select(func.count()).select_from(login_failures).where(
            login_failures.c.name == name[:100], login_failures.c.at >= since)).scalar() or 0
        by_address = conn.execute(select(func.count()).select_from(login_failures).where(
            login_failures.c.address == address[:64], login_failures.c.at >= since)).scalar() or 0
        if by_name >= FAILURES_PER_NAME or by_address >= FAILURES_PER_ADDRESS:
            raise Throttled("登录失败次数过多，请15分钟后再试",
                            "too many failed logins; try again in 15 minutes")
        row = conn.execute(select(users).where(users.c.name == name)).first()
        ok = _verify(row.password_hash if row is not None else _DUMMY_HASH, password)
        if row is None or not ok or row.disabled:
            conn.execute(insert(login_failures).values(name=name[:100], address=address[:64],
                                                       at=now))
            return None
        conn.execute(delete(login_failures).where(login_failures.c.name == name))
        if _HASHER.check_needs_rehash(row.password_hash):
            conn.execute(update(users).where(users.c.id == row.id)
                         .values(password_hash=hash_password(password)))
        return _user(row)


def new_session(store: Store, user: User) -> tuple[str, str]:
    """(session id, CSRF token) of a new session for `user`."""
    sid, csrf = secrets.token_urlsafe(32), secrets.token_urlsafe(32)
    now = utcnow()
    with store.transaction() as tx:
        tx.conn.execute(delete(sessions).where(sessions.c.expires_at < now))
        tx.conn.execute(insert(sessions).values(
            id=sid, user_id=user.id, csrf=csrf, created_at=now,
            expires_at=now + dt.timedelta(hours=SESSION_HOURS)))
    return sid, csrf


def session_user(store: Store, sid: str) -> tuple[User, str] | None:
    """(user, CSRF token) of a live session of an enabled account, else None."""
    with store.transaction(read_only=True) as tx:
        row = tx.conn.execute(
            select(users, sessions.c.csrf, sessions.c.expires_at)
            .join(sessions, sessions.c.user_id == users.c.id).where(sessions.c.id == sid)).first()
    if row is None or row.disabled or _aware(row.expires_at) < utcnow():
        return None
    return _user(row), str(row.csrf)


def end_session(store: Store, sid: str) -> None:
    with store.transaction() as tx:
        tx.conn.execute(delete(sessions).where(sessions.c.id == sid))


def new_token(store: Store, name: str, *, by: str = "cli") -> str:
    """A new bearer token for the API; only its sha256 is stored."""
    token = "nb_" + secrets.token_urlsafe(32)
    with store.transaction() as tx:
        row = tx.conn.execute(select(users).where(users.c.name == name)).first()
        if row is None:
            raise UsageError(f"没有用户：{name}", f"no such user: {name}")
        if row.disabled:
            raise UsageError(f"用户已停用：{name}", f"user is disabled: {name}")
        tx.conn.execute(insert(api_tokens).values(
            user_id=row.id, token_sha256=_digest(token), created_at=utcnow(), revoked=False))
        audit(tx.conn, None, by, "token.add", None, name, None, None)
    return token


def token_user(store: Store, token: str) -> User | None:
    """The enabled account a bearer token belongs to, else None."""
    if not token or len(token) > 200:
        return None
    with store.transaction(read_only=True) as tx:
        row = tx.conn.execute(select(users).join(api_tokens, api_tokens.c.user_id == users.c.id)
                              .where(and_(api_tokens.c.token_sha256 == _digest(token),
                                          or_(api_tokens.c.revoked.is_(None),
                                              api_tokens.c.revoked.is_(False))))).first()
    if row is None or row.disabled:
        return None
    return _user(row)


def _digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def _aware(value: dt.datetime) -> dt.datetime:
    """SQLite hands back naive datetimes; the store writes UTC."""
    return value if value.tzinfo is not None else value.replace(tzinfo=dt.UTC)


def audit(conn: Connection, user_id: int | None, user_name: str, action: str,
          filing_id: int | None, target: str, before: Any, after: Any) -> None:
    """One line of the audit log, in the caller's transaction."""
    conn.execute(insert(audit_log).values(
        at=utcnow(), user_id=user_id, user_name=user_name, action=action, filing_id=filing_id,
        target=target, before=before, after=after))
