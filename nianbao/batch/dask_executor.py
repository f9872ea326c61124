"""Run a batch's files on a Dask distributed cluster (`run_batch(..., scheduler="tcp://…")`).

The scheduler and the workers are started by the user with Dask's own commands; every worker
needs nianbao installed and must see the inbox at the same path as this machine. The results
(with each filing's contract JSON) come back here: the ledger and the outputs are written only
by the process that runs the batch, exactly as on one machine.

Isolation on a cluster: a file that takes longer than the time limit is given up (its result is
a timeout failure; Dask cannot stop a running Python thread, so the worker thread runs on until
the file ends or the worker is restarted); a worker that dies on a file (a crash, its memory
limit) makes Dask retry the file elsewhere and, after the cluster's allowed failures, gives a
"crashed" failure row. Files are submitted a window at a time, so the scheduler never holds the
whole inbox.
"""

from __future__ import annotations

import importlib
import threading
from collections.abc import Callable, Iterable
from functools import cache
from pathlib import Path
from typing import Any

from nianbao.batch.pool import CHECK_FILE, load_check
from nianbao.batch.state import FileResult
from nianbao.batch.task import Outcome, Task, failure, write_json
from nianbao.checks import Registry, default_registry
from nianbao.errors import UsageError

WINDOW_PER_THREAD = 4
MIN_WINDOW = 64


@cache
def _registry() -> Registry:
    return default_registry()


def check_remote(task: Task, timeout: float, check: str = CHECK_FILE) -> Outcome:
    """On a Dask worker: check one file with the check function named `check` ("module:function",
    see `nianbao.batch.pool.load_check`), giving up after the task's own time limit (it grows
    with the pages OCR may read, `nianbao.batch.task.time_limit`) or else `timeout` seconds, as
    the local pool does."""
    timeout = task.timeout or timeout
    box: list[Outcome] = []
    function = load_check(check)
    thread = threading.Thread(target=lambda: box.append(function(task, _registry())),
                              daemon=True, name=f"nianbao {task.name}")
    thread.start()
    thread.join(timeout)
    if not box:
        return Outcome(failure(task, "timeout", f"处理超时（超过 {timeout:g} 秒），已放弃",
                               f"timed out (over {timeout:g} s); given up"))
    return box[0]


def run_on_cluster(scheduler: str, tasks: Iterable[Task],
                   on_result: Callable[[FileResult], None], *, timeout: float,
                   check: str = CHECK_FILE) -> None:
    """Check `tasks` on the cluster at `scheduler`; call `on_result` here as each one ends."""
    try:
        distributed: Any = importlib.import_module("distributed")  # untyped: used through Any
    except ImportError as exc:
        raise UsageError("使用 --scheduler 需要安装 dask[distributed]",
                         "--scheduler needs dask[distributed] installed") from exc
    try:
        client = distributed.Client(scheduler, timeout="20s")
    except (OSError, TimeoutError) as exc:
        raise UsageError(f"无法连接 Dask 调度器 {scheduler}：{exc}",
                         f"cannot reach the Dask scheduler at {scheduler}: {exc}") from exc
    try:
        threads = sum(client.nthreads().values()) or 1
        window = max(MIN_WINDOW, WINDOW_PER_THREAD * threads)
        queue = iter(tasks)
        running: dict[str, Task] = {}
        pending = distributed.as_completed()

        def submit() -> bool:
            task = next(queue, None)
            if task is None:
                return False
            future = client.submit(check_remote, task, timeout, check, pure=False,
                                   key=f"nianbao-{task.sha256[:16]}-{id(task)}")
            running[future.key] = task
            pending.add(future)
            return True

        for _ in range(window):
            if not submit():
                break
        for future in pending:
            task = running.pop(future.key)
            on_result(_finish(future, task))
            future.release()
            submit()
    finally:
        client.close()


def _finish(future: Any, task: Task) -> FileResult:
    try:
        outcome: Outcome = future.result()
    except Exception as exc:  # noqa: BLE001 - KilledWorker, a lost worker, a pickling error
        name = type(exc).__name__
        return failure(task, "crashed", f"处理该文件的 Dask 工作进程失败（{name}）",
                       f"the Dask worker failed on this file ({name}: {exc})"[:300])
    if outcome.json_text is not None:
        write_json(Path(task.out) / task.json_name, outcome.json_text)
    return outcome.result
