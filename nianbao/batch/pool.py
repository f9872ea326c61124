"""`ProcessPool`: check files in worker processes it can kill.

A file that takes longer than the time limit, or a worker that crashes (a segfault in a PDF
engine, the memory limit), costs that file a failure row and the pool a fresh worker; the batch
goes on. A worker is a fresh interpreter running `worker_main`, which calls the pool's check
function (by default `nianbao.batch.task.check_file`) for each task it is given. The check
function is named by its import path ("module:function") so that it can be found in another
process: tests give one that hangs or kills its worker on purpose, and the web app gives its own
(`nianbao.web.checking.check`) to a `Worker` of its pool. A module whose check function needs
work done once per worker (imports, a scratch folder) defines `prepare()`: the worker calls it
when it starts, before the first task arrives.
"""

from __future__ import annotations

import importlib
import multiprocessing
import multiprocessing.connection
import os
import signal
import time
from collections.abc import Callable, Iterable, Iterator, Sequence
from pathlib import Path
from typing import Any, cast

from nianbao.batch.state import FileResult
from nianbao.batch.task import Outcome, Task, failure
from nianbao.checks import Registry, default_registry

THREADS_ENV = "NIANBAO_OCR_THREADS"  # read by nianbao.extract.ocr.engine (not imported here)

DEFAULT_MEMORY_MB = 2048
TASKS_PER_WORKER = 1000  # a worker is replaced after this many files, so no leak can pile up
CHECK_FILE = "nianbao.batch.task:check_file"  # the check function a worker calls by default

ResultCallback = Callable[[FileResult], None]
CheckFunction = Callable[[Task, Registry | None], Outcome]


def load_check(name: str) -> CheckFunction:
    """The check function named "module:function" (see `CHECK_FILE`)."""
    module, _, function = name.partition(":")
    return cast(CheckFunction, getattr(importlib.import_module(module), function))


def worker_main() -> None:
    """A worker process: take a task, send back what the check function gives, until told to
    stop or the caller is gone. Started by `Worker` as
    ``python -c "...; worker_main()" FD MEMORY_MB CHECK``."""
    import socket
    import sys

    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C is the main process's business
    _die_with_parent()
    fd, memory_mb = int(sys.argv[1]), int(sys.argv[2])
    name = sys.argv[3] if len(sys.argv) > 3 else CHECK_FILE
    check = load_check(name)
    if memory_mb > 0:
        import resource

        limit = memory_mb * 1024 * 1024
        try:
            resource.setrlimit(resource.RLIMIT_AS, (limit, limit))
        except (ValueError, OSError):
            pass
    conn = multiprocessing.connection.Connection(socket.socket(fileno=fd).detach())
    prepare = getattr(importlib.import_module(name.partition(":")[0]), "prepare", None)
    if prepare is not None:
        prepare()
    registry = default_registry()
    while True:
        try:
            task = conn.recv()
        except (EOFError, OSError):
            return  # the main process is gone
        if task is None:
            return
        try:
            conn.send(check(task, registry))
        except OSError:
            return


def _die_with_parent() -> None:
    """Linux: the worker gets SIGKILL when its parent dies, even in the middle of a file."""
    try:
        import ctypes

        libc = ctypes.CDLL(None, use_errno=True)
        libc.prctl(1, signal.SIGKILL)  # PR_SET_PDEATHSIG
    except (OSError, AttributeError):
        pass


_WORKER_CODE = "from nianbao.batch.pool import worker_main; worker_main()"


class Worker:
    """One worker: a fresh interpreter (no fork of a process that may run threads, no copy of
    the caller's state), talking over a socket pair (`conn`), in its own session so that Ctrl-C
    in the terminal reaches only the main process; killed with its parent. `memory_mb` caps its
    address space (0: no cap)."""

    def __init__(self, memory_mb: int, check: str = CHECK_FILE, threads: int = 0) -> None:
        import socket
        import subprocess
        import sys

        import nianbao

        ours, theirs = socket.socketpair()
        env = dict(os.environ)
        root = str(Path(nianbao.__file__).resolve().parent.parent)
        env["PYTHONPATH"] = os.pathsep.join(p for p in (root, env.get("PYTHONPATH")) if p)
        if threads and THREADS_ENV not in env:  # OCR's share of the cores (none oversubscribed)
            env[THREADS_ENV] = str(threads)
        self.process = subprocess.Popen(
            [sys.executable, "-c", _WORKER_CODE, str(theirs.fileno()), str(memory_mb), check],
            pass_fds=[theirs.fileno()], env=env, start_new_session=True,
            stdin=subprocess.DEVNULL)
        theirs.close()
        self.conn = multiprocessing.connection.Connection(ours.detach())
        self.task: Task | None = None
        self.started = 0.0
        self.limit = 0.0
        self.count = 0

    def give(self, task: Task, timeout: float) -> None:
        self.task = task
        self.started = time.monotonic()
        self.limit = task.timeout or timeout
        self.count += 1
        self.conn.send(task)

    def exit_status(self) -> int | None:
        try:
            return self.process.wait(1)
        except Exception:  # noqa: BLE001 - subprocess.TimeoutExpired
            return None

    def stop(self, *, kill: bool = False) -> None:
        if kill or self.task is not None:
            self.process.kill()
        else:
            try:
                self.conn.send(None)
            except OSError:
                pass
        try:
            self.process.wait(2)
        except Exception:  # noqa: BLE001 - subprocess.TimeoutExpired
            self.process.kill()
            self.process.wait()
        self.conn.close()


class ProcessPool:
    """Worker processes with a hard per-file time limit; a crash or a hang costs one file."""

    def __init__(self, workers: int, timeout: float, memory_mb: int = DEFAULT_MEMORY_MB,
                 check: str = CHECK_FILE) -> None:
        self.size = max(1, workers)
        self.timeout = timeout
        self.memory_mb = memory_mb
        self.check = check  # the check function the workers call, as "module:function"
        # each worker's OCR runs on its share of the cores: two workers each using both cores
        # of a small machine would only wait on each other
        self.threads = max(1, (os.cpu_count() or 1) // self.size)

    def run(self, tasks: Iterable[Task], on_result: ResultCallback,
            then: Sequence[tuple[Callable[[], Iterable[Task]], ResultCallback]] = ()) -> None:
        """Run `tasks`, then each later pass of `then` (its tasks made when the pass before
        has finished) on the same workers."""
        workers = [Worker(self.memory_mb, self.check, self.threads) for _ in range(self.size)]
        try:
            self._loop(iter(tasks), workers, on_result)
            for later, on_later in then:
                self._loop(iter(later()), workers, on_later)
        finally:
            for worker in workers:
                worker.stop()

    def _loop(self, queue: Iterator[Task], workers: list[Worker],
              on_result: ResultCallback) -> None:
        exhausted = False
        while True:
            for i, worker in enumerate(workers):
                if worker.task is None and not exhausted:
                    if worker.count >= TASKS_PER_WORKER:
                        worker.stop()
                        worker = workers[i] = Worker(self.memory_mb, self.check, self.threads)
                    task = next(queue, None)
                    if task is None:
                        exhausted = True
                    else:
                        worker.give(task, self.timeout)
            busy = [w for w in workers if w.task is not None]
            if not busy:
                return
            deadline = min(w.started + w.limit for w in busy)
            wait = max(0.0, deadline - time.monotonic())
            ready = multiprocessing.connection.wait([w.conn for w in busy], timeout=wait)
            for i, worker in enumerate(workers):
                if worker.task is None:
                    continue
                outcome = self._collect(worker, ready)
                if outcome is None:
                    continue
                if outcome.result.failure in ("timeout", "crashed"):
                    worker.stop(kill=True)
                    workers[i] = Worker(self.memory_mb, self.check)
                else:
                    worker.task = None
                on_result(outcome.result)

    def _collect(self, worker: Worker, ready: list[Any]) -> Outcome | None:
        task = worker.task
        assert task is not None
        if worker.conn in ready:
            try:
                outcome: Outcome = worker.conn.recv()
                return outcome
            except (EOFError, OSError):
                pass
            code = worker.exit_status()
            how = (f"signal {-code}" if code is not None and code < 0 else f"exit status {code}")
            return Outcome(failure(task, "crashed",
                                   f"处理该文件时工作进程崩溃（{how}）",
                                   f"the worker process crashed on this file ({how})"))
        if time.monotonic() - worker.started > worker.limit:
            return Outcome(failure(task, "timeout",
                                   f"处理超时（超过 {worker.limit:g} 秒），已中止",
                                   f"timed out (over {worker.limit:g} s); stopped"))
        return None
