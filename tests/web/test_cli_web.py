"""`nianbao users …` and `nianbao serve --help` from the command line."""

from __future__ import annotations

from pathlib import Path

from click.testing import CliRunner

from nianbao.cli.main import cli
from nianbao.store import Store
from nianbao.store.accounts import token_user
from tests.web.conftest import MILUO, PASSWORD


def test_users_add_token_list_disable(tmp_path: Path) -> None:
    store = str(tmp_path / "s.sqlite")
    runner = CliRunner()
    r = runner.invoke(cli, ["users", "add", "clerk", "--role", "filer", "--org", MILUO,
                            "--password-stdin", "--store", store], input=PASSWORD + "\n")
    assert r.exit_code == 0, r.output
    r = runner.invoke(cli, ["users", "add", "clerk", "--role", "filer", "--org", MILUO,
                            "--password-stdin", "--store", store], input=PASSWORD + "\n")
    assert r.exit_code != 0  # the name is taken
    token = runner.invoke(cli, ["users", "token", "clerk", "--store", store]).output.strip()
    with Store.open(store) as opened:
        user = token_user(opened, token)
        assert user is not None and user.org == MILUO
    listed = runner.invoke(cli, ["users", "list", "--store", store]).output
    assert listed.split("\t")[:3] == ["clerk", "filer", MILUO]
    assert runner.invoke(cli, ["users", "disable", "clerk", "--store", store]).exit_code == 0
    assert "disabled" in runner.invoke(cli, ["users", "list", "--store", store]).output
    with Store.open(store) as opened:
        assert token_user(opened, token) is None


def test_serve_explains_its_options() -> None:
    r = CliRunner().invoke(cli, ["serve", "--help"])
    assert r.exit_code == 0 and "--port" in r.output and "--store" in r.output
