"""The real Celery app with one more task, for the pool-recycling tests
(``celery -A tests.infra.recycle_worker``): ``record_pid`` appends the id of the process that
runs it to a file, and can hold on to some memory first, as a leaking render would, or take
its time."""

import os
import time
from pathlib import Path

from celery import Task

from secretary.celery import app

# Kept alive by the module, as a leak keeps what it holds.
HELD: list[bytes] = []


@app.task(name="tests.record_pid", base=Task)
def record_pid(path: str, hold_mib: int = 0, pause: float = 0) -> None:
    if pause:
        Path(f"{path}.started").touch()
        time.sleep(pause)
    if hold_mib:
        # Written to, so the pages are resident and not just reserved.
        HELD.append(bytes(hold_mib * 1024 * 1024).replace(b"\0", b"x"))
    with Path(path).open("a") as log:
        log.write(f"{os.getpid()}\n")
