"""The web app: `create_app(WebConfig(store=...))` gives the ASGI application `nianbao serve`
runs with uvicorn.

Routes (pages need a session, the API a bearer token):

- ``GET /healthz``; ``GET|POST /login``; ``POST /logout``; ``GET /static/NAME``;
  ``POST /upload`` (a filed document from the inbox page)
- ``POST /api/check`` (multipart ``file``) → the output contract JSON plus ``filing_id``;
  ``GET /api/filings/{id}`` → the stored filing (404 outside the caller's scope)
- the reviewer's pages (`nianbao.web.reviewer`) and the filer's (`nianbao.web.filer`)
"""

from __future__ import annotations

import contextlib
from collections.abc import AsyncIterator
from typing import Any

from starlette.applications import Starlette
from starlette.concurrency import run_in_threadpool
from starlette.datastructures import UploadFile
from starlette.middleware import Middleware
from starlette.requests import Request
from starlette.responses import JSONResponse, PlainTextResponse, RedirectResponse, Response
from starlette.routing import Route

from nianbao.store.accounts import Throttled, User, authenticate, end_session, new_session
from nianbao.web.checking import CheckResult, Scope, UploadTask
from nianbao.web.core import (
    LOGIN_COOKIE,
    SESSION_COOKIE,
    Auth,
    Ctx,
    SecurityHeaders,
    TooLarge,
    WebConfig,
    bearer_user,
    ctx_of,
    limited_form,
    page,
    session_auth,
)
from nianbao.web.uploads import file_name, refuse_name, suffix_of

__all__ = ["WebConfig", "create_app"]


def _json_error(status: int, code: str, zh: str, en: str) -> JSONResponse:
    return JSONResponse({"error": code, "message_zh": zh, "message_en": en}, status_code=status)


async def healthz(request: Request) -> Response:
    return PlainTextResponse("ok")


async def static(request: Request) -> Response:
    name = request.path_params["name"]
    found = ctx_of(request).static.get(name)
    if found is None:
        return PlainTextResponse("not found", status_code=404)
    return Response(found[0], media_type=found[1],
                    headers={"cache-control": "public, max-age=3600"})


# --------------------------------------------------------------------------- login


async def login(request: Request) -> Response:
    ctx = ctx_of(request)
    if request.method == "GET":
        if await run_in_threadpool(session_auth, request) is not None:
            return RedirectResponse("/", status_code=303)
        return _login_page(request, "")
    form = await request.form(max_files=0, max_fields=10)
    token = request.cookies.get(LOGIN_COOKIE, "")
    sent = form.get("login_csrf")
    if not token or not isinstance(sent, str) or sent != token:
        return _login_page(request, "登录表单已过期，请重试", 403)
    try:
        ctx.signer.loads(token, max_age=3600)
    except Exception:  # noqa: BLE001 - itsdangerous.BadSignature and friends
        return _login_page(request, "登录表单已过期，请重试", 403)
    name = str(form.get("name") or "")[:100]
    password = str(form.get("password") or "")[:1000]
    address = request.client.host if request.client else "?"
    try:
        user = await run_in_threadpool(authenticate, ctx.store, name, password, address)
    except Throttled as exc:
        return _login_page(request, exc.message_zh, 429)
    if user is None:
        return _login_page(request, "用户名或密码不正确", 401)
    sid, _ = await run_in_threadpool(new_session, ctx.store, user)
    response = RedirectResponse("/", status_code=303)
    response.set_cookie(SESSION_COOKIE, ctx.signer.dumps(sid), max_age=12 * 3600, httponly=True,
                        samesite="strict", secure=ctx.config.secure_cookies)
    response.delete_cookie(LOGIN_COOKIE)
    return response


def _login_page(request: Request, message: str, status: int = 200) -> Response:
    import secrets

    ctx = ctx_of(request)
    token = request.cookies.get(LOGIN_COOKIE, "")
    try:
        ctx.signer.loads(token, max_age=1800)  # keep a live one: another tab may be open
    except Exception:  # noqa: BLE001 - itsdangerous.BadSignature and friends
        token = ctx.signer.dumps(secrets.token_urlsafe(16))
    response = ctx.render(request, "login.html", status, message=message, login_csrf=token)
    response.set_cookie(LOGIN_COOKIE, token, max_age=3600, httponly=True, samesite="strict",
                        secure=ctx.config.secure_cookies)
    return response


@page()
async def logout(request: Request, auth: Auth) -> Response:
    await run_in_threadpool(end_session, ctx_of(request).store, auth.sid)
    response = RedirectResponse("/login", status_code=303)
    response.delete_cookie(SESSION_COOKIE)
    return response


@page()
async def home(request: Request, auth: Auth) -> Response:
    return RedirectResponse("/report" if auth.user.role == "filer" else "/inbox", status_code=303)


# --------------------------------------------------------------------------- API


def scope_of(user: User) -> Scope:
    return Scope(user.id, user.name, user.role, user.org, user.region)


async def check_upload(request: Request, user: User, form: Any) -> CheckResult:
    """Check and store the form's ``file`` for `user` (a refusal when it is missing, empty or
    of a type nianbao does not read). Every format `nianbao check` reads is taken, read by its
    bytes in a worker (`nianbao.web.uploads`)."""
    from nianbao.web.checking import refusal

    ctx = ctx_of(request)
    upload = form.get("file")
    if not isinstance(upload, UploadFile):
        return refusal(400, "no-file", "请用表单字段 file 上传文件",
                       "send the document as the multipart field `file`")
    filename = file_name(upload.filename)
    refused = refuse_name(filename)
    if refused is not None:
        return refusal(refused.status, refused.code, refused.zh, refused.en)
    content = await upload.read()
    if not content:
        return refusal(400, "empty", f"文件为空：{filename}", f"the file is empty: {filename}")
    kind = form.get("kind")
    task = UploadTask(ctx.config.store, scope_of(user), filename, suffix_of(filename), content,
                      kind if kind in ("annual_report", "work_summary", "statistics_report",
                                       "notice") else None)
    return await run_in_threadpool(ctx.pool.run, task)


@page()
async def upload_page(request: Request, auth: Auth) -> Response:
    """A filed document uploaded from the inbox page: checked and stored like /api/check, then
    its filing page (or the reason it was refused)."""
    ctx = ctx_of(request)
    form = await request.form()  # read, size-limited, by the CSRF check
    result = await check_upload(request, auth.user, form)
    if result.filing_id is None:
        return ctx.render(request, "error.html", result.status, title="未能保存",
                          message=result.message_zh)
    return RedirectResponse(f"/filings/{result.filing_id}", status_code=303)


async def api_check(request: Request) -> Response:
    ctx = ctx_of(request)
    user = await run_in_threadpool(bearer_user, request)
    if user is None:
        return _json_error(401, "unauthorized", "缺少或无效的访问令牌",
                           "missing or invalid bearer token")
    try:
        form = await limited_form(request, ctx.config.max_upload_bytes)
    except TooLarge:
        return _json_error(413, "too-large",
                           f"文件超过上限（{ctx.config.max_upload_bytes // (1024 * 1024)} MB）",
                           f"the upload is over the limit "
                           f"({ctx.config.max_upload_bytes // (1024 * 1024)} MB)")
    result = await check_upload(request, user, form)
    if result.report is None or result.filing_id is None:
        return _json_error(result.status, result.error_code, result.message_zh,
                           result.message_en)
    body = result.report.to_dict()
    body["filing_id"] = result.filing_id
    return JSONResponse(body)


async def api_filing(request: Request) -> Response:
    from nianbao.store.reviews import filing_view

    user = await run_in_threadpool(bearer_user, request)
    if user is None:
        return _json_error(401, "unauthorized", "缺少或无效的访问令牌",
                           "missing or invalid bearer token")
    try:
        filing_id = int(request.path_params["filing_id"])
    except ValueError:
        return _json_error(404, "not-found", "没有该报告", "no such filing")
    view = await run_in_threadpool(filing_view, ctx_of(request).store, filing_id, user.scope)
    if view is None:
        return _json_error(404, "not-found", "没有该报告", "no such filing")
    return JSONResponse(view.to_json())


async def not_found(request: Request, exc: Exception) -> Response:
    """Unknown addresses: a stranger goes to /login (nothing is told about what exists)."""
    if request.url.path.startswith("/api/") or request.url.path == "/favicon.ico":
        return _json_error(404, "not-found", "没有该资源", "not found")
    if await run_in_threadpool(session_auth, request) is None:
        return RedirectResponse("/login", status_code=303)
    return ctx_of(request).render(request, "error.html", 404, title="没有该页面",
                                  message="没有该页面，或该页面不对本账户开放。")


# --------------------------------------------------------------------------- the app


def create_app(config: WebConfig) -> Starlette:
    """The ASGI app on the store `config.store` (opened, and migrated, now)."""
    from nianbao.web import filer, reviewer

    ctx = Ctx(config)

    @contextlib.asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[None]:
        await run_in_threadpool(ctx.pool.start)
        try:
            yield
        finally:
            ctx.pool.close()
            ctx.store.close()

    routes = [
        Route("/healthz", healthz),
        Route("/static/{name}", static),
        Route("/login", login, methods=["GET", "POST"]),
        Route("/logout", logout, methods=["POST"]),
        Route("/", home),
        Route("/upload", upload_page, methods=["POST"]),
        Route("/api/check", api_check, methods=["POST"]),
        Route("/api/filings/{filing_id}", api_filing),
        *reviewer.routes(),
        *filer.routes(),
    ]
    app = Starlette(routes=routes, middleware=[Middleware(SecurityHeaders)], lifespan=lifespan,
                    exception_handlers={404: not_found, 405: not_found})
    app.state.ctx = ctx
    return app
