"""What every page and API call of the web app shares: configuration, templates, the security
headers, sessions and CSRF, bearer tokens, size-limited bodies.

Safe by default:

- every page but /login, /healthz and /static/* needs a session (else a redirect to /login);
  the API needs a bearer token (else 401);
- the session cookie is signed (itsdangerous), HttpOnly, SameSite=Strict, and names a row of
  the store's ``sessions`` table, so logging out or disabling an account ends it at once;
- every POST from a page carries the session's CSRF token (form field ``csrf`` or header
  ``X-CSRF-Token``; the login form a signed one-off token) or is refused with 403;
- a strict Content-Security-Policy (scripts and styles from this server only, no inline code, no
  eval, no framing); templates escape all text; document text is never rendered as HTML;
- static files come from a fixed in-memory table: no path from a request reaches the filesystem.
"""

from __future__ import annotations

import hmac
import json
import os
import secrets
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from importlib import resources
from typing import Any

from itsdangerous import BadSignature, URLSafeTimedSerializer
from jinja2 import Environment, PackageLoader, select_autoescape
from starlette.concurrency import run_in_threadpool
from starlette.datastructures import FormData
from starlette.requests import Request
from starlette.responses import HTMLResponse, RedirectResponse, Response
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from nianbao.store import Store
from nianbao.store.accounts import User, session_user, token_user

SESSION_COOKIE = "nb_session"
LOGIN_COOKIE = "nb_login"
CSP = ("default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
       "connect-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'")
SECURITY_HEADERS = [
    (b"content-security-policy", CSP.encode()),
    (b"x-content-type-options", b"nosniff"),
    (b"x-frame-options", b"DENY"),
    (b"referrer-policy", b"same-origin"),
    (b"cross-origin-opener-policy", b"same-origin"),
]
STATIC_FILES = {"htmx.min.js": "text/javascript", "app.js": "text/javascript",
                "app.css": "text/css"}


@dataclass(frozen=True)
class WebConfig:
    store: str
    max_upload_bytes: int = 20 * 1024 * 1024
    workers: int = 2
    timeout: float = 60.0
    secret: str = ""
    secure_cookies: bool = False


class Ctx:
    """Per-app state: the store, the template environment, the cookie signer, the check pool."""

    def __init__(self, config: WebConfig) -> None:
        from nianbao.web.checking import CheckPool
        from nianbao.web.uploads import ACCEPT, HELP_ZH

        self.config = config
        self.store = Store.open(config.store)
        self.signer = URLSafeTimedSerializer(
            config.secret or os.environ.get("NIANBAO_WEB_SECRET") or secrets.token_hex(32),
            salt="nianbao-web")
        self.env = Environment(loader=PackageLoader("nianbao.web", "templates"),
                               autoescape=select_autoescape(default=True, default_for_string=True))
        self.env.filters["json_text"] = json_text
        self.env.globals["SEVERITY_ZH"] = {"error": "错误", "warning": "警告", "info": "提示"}
        self.env.globals["UPLOAD_ACCEPT"] = ACCEPT  # every format the CLI reads
        self.env.globals["UPLOAD_HELP"] = HELP_ZH
        self.pool = CheckPool(config.workers, config.timeout)
        self.static = {name: (resources.files("nianbao.web").joinpath("static", name)
                              .read_bytes(), media)
                       for name, media in STATIC_FILES.items()}

    def render(self, request: Request, name: str, status: int = 200,
               **values: Any) -> HTMLResponse:
        auth: Auth | None = request.scope.get("nianbao.auth")
        html = self.env.get_template(name).render(
            user=auth.user if auth else None, csrf=auth.csrf if auth else "", request_path=
            request.url.path, **values)
        return HTMLResponse(html, status_code=status)


def json_text(value: Any) -> str:
    """JSON as readable text (Chinese kept); escaped by the template like any other text."""
    return json.dumps(value, ensure_ascii=False, default=str)


@dataclass(frozen=True)
class Auth:
    user: User
    csrf: str
    sid: str


class SecurityHeaders:
    """ASGI middleware: the security headers on every response; no caching of pages."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = list(message.get("headers", []))
                names = {k.lower() for k, _ in headers}
                headers.extend(h for h in SECURITY_HEADERS if h[0] not in names)
                if b"cache-control" not in names:
                    headers.append((b"cache-control", b"no-store"))
                message["headers"] = headers
            await send(message)

        await self.app(scope, receive, send_with_headers)


def ctx_of(request: Request) -> Ctx:
    ctx: Ctx = request.app.state.ctx
    return ctx


def session_auth(request: Request) -> Auth | None:
    """The logged-in user of this request (from the signed session cookie), or None."""
    cached: Auth | None = request.scope.get("nianbao.auth")
    if cached is not None:
        return cached
    ctx = ctx_of(request)
    cookie = request.cookies.get(SESSION_COOKIE)
    if not cookie:
        return None
    try:
        sid = ctx.signer.loads(cookie, max_age=12 * 3600)
    except BadSignature:
        return None
    if not isinstance(sid, str):
        return None
    found = session_user(ctx.store, sid)
    if found is None:
        return None
    auth = Auth(found[0], found[1], sid)
    request.scope["nianbao.auth"] = auth
    return auth


def bearer_user(request: Request) -> User | None:
    header = request.headers.get("authorization", "")
    scheme, _, token = header.partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        return None
    return token_user(ctx_of(request).store, token.strip())


Endpoint = Callable[[Request], Awaitable[Response]]
Handler = Callable[[Request, Auth], Awaitable[Response]]


def page(*roles: str) -> Callable[[Handler], Endpoint]:
    """A page for logged-in users (of these roles, when given): without a session, a redirect
    to /login; with the wrong role, 403; a POST without the session's CSRF token, 403."""

    def wrap(handler: Handler) -> Endpoint:
        async def endpoint(request: Request) -> Response:
            auth = await run_in_threadpool(session_auth, request)
            if auth is None:
                if request.headers.get("hx-request"):
                    return Response(status_code=401, headers={"HX-Redirect": "/login"})
                return RedirectResponse("/login", status_code=303)
            if roles and auth.user.role not in roles:
                return ctx_of(request).render(request, "error.html", 403,
                                              message="此页面不对本账户开放")
            try:
                csrf_failed = request.method == "POST" and not await csrf_ok(request, auth.csrf)
            except TooLarge:
                return ctx_of(request).render(request, "error.html", 413,
                                              message="上传的文件过大")
            if csrf_failed:
                return ctx_of(request).render(request, "error.html", 403,
                                              message="表单已过期或来源不明（CSRF），请刷新页面后重试")
            return await handler(request, auth)

        endpoint.__name__ = handler.__name__
        endpoint.__doc__ = handler.__doc__
        return endpoint

    return wrap


async def csrf_ok(request: Request, expected: str) -> bool:
    given = request.headers.get("x-csrf-token", "")
    if not given:
        form = await limited_form(request, ctx_of(request).config.max_upload_bytes)
        value = form.get("csrf")
        given = value if isinstance(value, str) else ""
    return bool(expected) and hmac.compare_digest(given.encode(), expected.encode())


class TooLarge(Exception):
    """The request body is over the upload limit."""


async def limited_form(request: Request, limit: int) -> FormData:
    """The multipart/urlencoded form, refusing (TooLarge) a body over `limit` bytes: the
    declared length is checked first, then the bytes are counted as they arrive."""
    if hasattr(request, "_form") and request._form is not None:
        return request._form
    declared = request.headers.get("content-length")
    if declared is not None and declared.isdigit() and int(declared) > limit:
        raise TooLarge
    body = bytearray()
    async for chunk in request.stream():
        body.extend(chunk)
        if len(body) > limit:
            raise TooLarge
    request._body = bytes(body)  # the form parser reads the counted body from here
    return await request.form(max_files=2, max_fields=200)
