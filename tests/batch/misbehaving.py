"""A check function for batch tests: files starting with a marker make their worker misbehave.

Given to `run_batch(..., check=CHECK)`; the batch's workers import it by name. A file starting
with ``NIANBAO-TEST-HANG`` hangs, ``NIANBAO-TEST-CRASH`` kills its worker (SIGKILL), and
``NIANBAO-TEST-SLOW:0.4`` takes 0.4 s more; every other file is checked as usual. With
$NIANBAO_TEST_BATCH_LOG set, each file checked is noted there (one line each), so a test can see
which files a run read again.
"""

from __future__ import annotations

import os
import signal
import time
from pathlib import Path

from nianbao.batch.task import Outcome, Task, check_file
from nianbao.checks import Registry

CHECK = "tests.batch.misbehaving:check"
LOG_ENV = "NIANBAO_TEST_BATCH_LOG"


def check(task: Task, registry: Registry | None = None) -> Outcome:
    with Path(task.path).open("rb") as fh:
        head = fh.read(64)
    if head.startswith(b"NIANBAO-TEST-HANG"):
        time.sleep(3600)
    elif head.startswith(b"NIANBAO-TEST-CRASH"):
        os.kill(os.getpid(), signal.SIGKILL)
    elif head.startswith(b"NIANBAO-TEST-SLOW"):
        time.sleep(float(head.split(b":")[1].split()[0]))
    outcome = check_file(task, registry)
    log = os.environ.get(LOG_ENV)
    if log and outcome.result.ok:
        with open(log, "a", encoding="utf-8") as fh:
            fh.write(task.name + "\n")
    return outcome
