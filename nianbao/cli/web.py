"""`nianbao serve`, `nianbao users …` and `nianbao status`: the web app and its accounts.

    nianbao users add clerk --role filer --org 12430681593289443F --password-stdin
    nianbao users token clerk              # a bearer token for POST /api/check
    nianbao serve --port 8000              # http://127.0.0.1:8000/
    nianbao status --year 2025 --region 430681 -o status.xlsx
"""

from __future__ import annotations

import sys
from pathlib import Path

import click

from nianbao.cli.options import OUTPUT_FILE, YEAR
from nianbao.errors import UsageError


def _store_option(func: click.decorators.FC) -> click.decorators.FC:
    return click.option(
        "--store", default=None, metavar="PATH|URL",
        help="Filings store: an SQLite path or postgresql://… URL (default: $NIANBAO_STORE or "
             "~/.local/share/nianbao/filings.sqlite).")(func)


def _need_web() -> None:
    try:
        import argon2  # noqa: F401
        import starlette  # noqa: F401
    except ImportError as exc:
        raise UsageError("网页服务需要额外的依赖：pip install 'nianbao[web]'",
                         "the web app needs its extra: pip install 'nianbao[web]'") from exc


def _open(store: str | None):  # type: ignore[no-untyped-def]
    from nianbao.store import Store, resolve_store

    return Store.open(resolve_store(store))


@click.command()
@click.option("--host", default="127.0.0.1", show_default=True,
              help="Address to listen on (127.0.0.1: this machine only).")
@click.option("--port", type=click.IntRange(0, 65535), default=8000, show_default=True,
              help="Port to listen on.")
@_store_option
@click.option("--workers", type=click.IntRange(min=1), default=2, show_default=True,
              help="Processes checking uploads.")
@click.option("--timeout", type=click.FloatRange(min=1), default=None,
              help="Seconds one upload may take to check (default: the batch's limit, 60), "
                   "plus 20 for each page of a PDF or scan that OCR may read.")
@click.option("--max-upload-mb", type=click.IntRange(min=1, max=500), default=20,
              show_default=True, help="Largest upload accepted.")
@click.option("--secure-cookies", is_flag=True,
              help="Mark cookies Secure (when served over HTTPS behind a proxy).")
def serve(host: str, port: int, store: str | None, workers: int, timeout: float | None,
          max_upload_mb: int, secure_cookies: bool) -> None:
    """Run the web app for filers and reviewers on the store (Ctrl-C stops it).

    Accounts come from `nianbao users add`; every page needs a login, the API a token.
    """
    _need_web()
    import uvicorn

    from nianbao.batch.run import DEFAULT_TIMEOUT
    from nianbao.store import resolve_store
    from nianbao.web.app import create_app
    from nianbao.web.core import WebConfig

    config = WebConfig(store=resolve_store(store), max_upload_bytes=max_upload_mb * 1024 * 1024,
                       workers=workers, timeout=timeout or DEFAULT_TIMEOUT,
                       secure_cookies=secure_cookies)
    app = create_app(config)
    click.echo(f"nianbao serve: http://{host}:{port}/  (store: {config.store})", err=True)
    uvicorn.run(app, host=host, port=port, log_level="warning", server_header=False,
                proxy_headers=False)


@click.group()
def users() -> None:
    """Accounts of the web app: add, token, list, disable."""


@users.command("add")
@click.argument("name")
@click.option("--role", type=click.Choice(["filer", "reviewer", "admin"]), required=True,
              help="filer: one institution; reviewer: a region; admin: everything.")
@click.option("--org", default=None, metavar="CREDIT_CODE",
              help="The filer's institution (统一社会信用代码).")
@click.option("--region", default=None, metavar="DIVISION_CODE",
              help="The reviewer's region (6-digit GB/T 2260 code: 430681, 430600, 430000).")
@click.option("--password-stdin", is_flag=True, required=True,
              help="Read the password from standard input (one line).")
@_store_option
def users_add(name: str, role: str, org: str | None, region: str | None, password_stdin: bool,
              store: str | None) -> None:
    """Add an account; the password is read from standard input."""
    _need_web()
    from nianbao.store.accounts import add_user

    password = sys.stdin.readline().rstrip("\r\n")
    with _open(store) as opened:
        user = add_user(opened, name, role, password, org=org, region=region)
    click.echo(f"已添加用户 {user.name}（{user.role}）", err=True)


@users.command("token")
@click.argument("name")
@_store_option
def users_token(name: str, store: str | None) -> None:
    """Print a new bearer token for the HTTP API (shown once; only its hash is stored)."""
    _need_web()
    from nianbao.store.accounts import new_token

    with _open(store) as opened:
        click.echo(new_token(opened, name))


@users.command("list")
@_store_option
def users_list(store: str | None) -> None:
    """List the accounts: name, role, institution, region, active or disabled."""
    _need_web()
    from nianbao.store.accounts import list_users

    with _open(store) as opened:
        for user in list_users(opened):
            click.echo("\t".join([user.name, user.role, user.org or "-", user.region or "-",
                                  "disabled" if user.disabled else "active"]))


@users.command("disable")
@click.argument("name")
@_store_option
def users_disable(name: str, store: str | None) -> None:
    """Disable an account: its sessions end and its tokens stop working."""
    _need_web()
    from nianbao.store.accounts import disable_user

    with _open(store) as opened:
        disable_user(opened, name)
    click.echo(f"已停用用户 {name}", err=True)


@click.command()
@click.option("--year", type=YEAR, required=True, help="The report year (YYYY).")
@click.option("--region", default=None, metavar="DIVISION_CODE",
              help="Only institutions registered in this division (6 digits).")
@click.option("-o", "--output", "out", type=OUTPUT_FILE, default=None,
              help="Also write the board as XLSX.")
@_store_option
@click.option("--lang", type=click.Choice(["zh", "en"]), default="zh", show_default=True,
              help="Language of the lines printed: zh (中文) or en.")
def status(year: int, region: str | None, out: Path | None, store: str | None,
           lang: str) -> None:
    """The year's filing status: filed, filed late, not filed; 年报率 by division.

    Not filed means filed the year before and nothing this year. Late means received after the
    filing window (31 March of the next year).
    """
    from nianbao.store.accounts import Scope
    from nianbao.store.reviews import status_board
    from nianbao.web.exports import status_xlsx

    if region is not None and not (len(region) == 6 and region.isdigit()):
        raise UsageError(f"区划代码须为6位数字：{region}", f"region must be 6 digits: {region}")
    with _open(store) as opened:
        rows, rates = status_board(opened, Scope("admin", None, None), year, region)
    zh = lang != "en"
    label = {"filed": "已报", "late": "逾期报送", "missing": "未报"} if zh else \
        {"filed": "filed", "late": "late", "missing": "not filed"}
    for rate in rates:
        click.echo(f"{rate.division}  {rate.name}  "
                   + (f"应报 {rate.expected}  已报 {rate.filed}  逾期 {rate.late}  未报 "
                      f"{rate.missing}  年报率 {rate.rate:.1%}" if zh else
                      f"expected {rate.expected}  filed {rate.filed}  late {rate.late}  "
                      f"not filed {rate.missing}  rate {rate.rate:.1%}"))
    for row in rows:
        click.echo(f"  {label[row.status]}\t{row.credit_code or '-'}\t{row.name or '-'}\t"
                   f"{row.received.isoformat() if row.received else '-'}")
    if out is not None:
        from nianbao.generate.atomic import write_atomic

        write_atomic(out, status_xlsx(rows, rates, year))
        click.echo(f"已写出 {out}" if zh else f"wrote {out}", err=True)
