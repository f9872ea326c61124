"""`run_batch(..., scheduler=...)` on a Dask LocalCluster gives what the local run gives."""

from __future__ import annotations

import json
import os
import shutil
from pathlib import Path

import pytest

from nianbao.batch import Ledger, run_batch
from tests.batch.misbehaving import CHECK
from tests.conftest import EXAMPLES

distributed = pytest.importorskip("distributed")

FIELDS = ("path", "status", "failure", "format", "kind", "org", "credit_code", "region", "year",
          "json_name")


def results(out: Path, ruleset: str) -> list[tuple[object, ...]]:
    with Ledger.in_folder(out) as ledger:
        return [tuple(getattr(r, f) for f in FIELDS) + (
            [(f.finding.rule, f.finding.severity, f.finding.evidence, f.sentence, f.page)
             for f in r.findings],)
            for r in ledger.results(ruleset)]


def test_the_dask_path_gives_the_local_results(tmp_path: Path) -> None:
    inbox = tmp_path / "inbox"
    inbox.mkdir()
    for path in sorted(EXAMPLES.iterdir()):
        if path.suffix in (".txt", ".docx", ".pdf"):
            shutil.copy(path, inbox / path.name)
    (inbox / "broken.pdf").write_bytes(os.urandom(4096))

    local = run_batch(inbox, tmp_path / "local", workers=2)
    with distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=True,
                                  dashboard_address=None) as cluster:
        remote = run_batch(inbox, tmp_path / "dask", scheduler=cluster.scheduler_address,
                           timeout=60)

    assert (remote.files, remote.checked, remote.failed) == (local.files, local.checked,
                                                             local.failed) == (7, 7, 1)
    assert remote.ruleset == local.ruleset
    assert results(tmp_path / "dask", remote.ruleset) == results(tmp_path / "local",
                                                                  local.ruleset)
    for path in sorted((tmp_path / "local" / "json").iterdir()):
        other = tmp_path / "dask" / "json" / path.name
        assert json.loads(other.read_text("utf-8")) == json.loads(path.read_text("utf-8"))
    for name in ("findings.csv", "findings.xlsx", "report.html"):
        assert (tmp_path / "dask" / name).stat().st_size > 0


def test_a_hanging_file_times_out_on_the_cluster_and_the_batch_goes_on(
        tmp_path: Path) -> None:
    inbox = tmp_path / "inbox"
    inbox.mkdir()
    shutil.copy(EXAMPLES / "000_miluo_2025.txt", inbox / "good.txt")
    (inbox / "hangs.txt").write_bytes(b"NIANBAO-TEST-HANG\n")
    with distributed.LocalCluster(n_workers=1, threads_per_worker=2, processes=True,
                                  dashboard_address=None) as cluster:
        summary = run_batch(inbox, tmp_path / "out", scheduler=cluster.scheduler_address,
                            timeout=2, check=CHECK)
    assert (summary.checked, summary.failed) == (2, 1)
    with Ledger.in_folder(tmp_path / "out") as ledger:
        failed = [r for r in ledger.results(summary.ruleset) if not r.ok]
    assert [(r.path, r.failure) for r in failed] == [("hangs.txt", "timeout")]


def test_on_the_cluster_a_file_gets_its_own_time_limit_as_in_the_local_pool(
        tmp_path: Path) -> None:
    from nianbao.batch.dask_executor import check_remote
    from nianbao.batch.task import Task

    slow = tmp_path / "slow.txt"
    slow.write_bytes(b"NIANBAO-TEST-SLOW:1.0\n" + (EXAMPLES / "000_miluo_2025.txt").read_bytes())

    def task(limit: float | None) -> Task:
        return Task(name="slow.txt", path=str(slow), sha256="0" * 64, json_name="slow.json",
                    out=str(tmp_path), write_json=False, timeout=limit)

    # a scan's limit grows with its pages: the batch-wide 0.3 s does not cut it short
    assert check_remote(task(30.0), 0.3, CHECK).result.failure != "timeout"
    assert check_remote(task(None), 0.3, CHECK).result.failure == "timeout"
