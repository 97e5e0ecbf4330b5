"""A worker's pool processes are replaced after ``WORKER_MAX_TASKS_PER_CHILD`` tasks, or after a
task that leaves one above ``WORKER_MAX_MEMORY_PER_CHILD`` MiB: a real prefork worker on Redis."""

from __future__ import annotations

from pathlib import Path

import pytest
from django.conf import settings

from secretary.celery import app
from tests.infra import services
from tests.infra.worker import start_worker, stop_worker

QUEUE = "pool-recycling"


def test_the_settings_bound_every_pool_process():
    # A child lives at most 1000 tasks and is replaced above 512 MiB (the setting is in KiB).
    assert settings.CELERY_WORKER_MAX_TASKS_PER_CHILD == 1000
    assert settings.CELERY_WORKER_MAX_MEMORY_PER_CHILD == 512 * 1024
    assert app.conf.worker_max_tasks_per_child == 1000
    assert app.conf.worker_max_memory_per_child == 512 * 1024


def pids_of_tasks(
    tmp_path: Path, monkeypatch, env: dict[str, str], holds: list[int], pause: float = 0
) -> list[int]:
    """Run one ``record_pid`` per entry of ``holds`` (MiB to hold), each taking ``pause``
    seconds, on a prefork worker of one process started with ``env``; the pid that ran each,
    in order."""
    redis_url = services.detect().redis_url
    # The suite runs tasks in-process; these go to the worker.
    monkeypatch.setitem(app.conf, "task_always_eager", False)
    log = tmp_path / "pids"
    worker = start_worker(
        database_url=services.detect().database_url,
        redis_url=redis_url,
        root=tmp_path / "worker",
        app="tests.infra.recycle_worker",
        name="recycling",
        extra_env=env,
        queues=QUEUE,
        pool=("--pool=prefork", "--concurrency=1"),
    )
    try:
        with app.connection_for_write(redis_url) as connection:
            for hold in holds:
                app.send_task(
                    "tests.record_pid",
                    args=[str(log), hold, pause],
                    queue=QUEUE,
                    connection=connection,
                )
        if pause:
            # While a task runs, the worker is not idle; once it is done, it is
            worker.wait_for(Path(f"{log}.started").exists, what="the task to start")
            assert not worker.idle(QUEUE)
            worker.wait_idle(queues=QUEUE)

        def all_ran() -> list[int] | None:
            lines = log.read_text().split() if log.exists() else []
            return [int(pid) for pid in lines] if len(lines) == len(holds) else None

        pids = worker.wait_for(all_ran, timeout=60, what=f"{len(holds)} tasks")
        worker.wait_idle(queues=QUEUE)
        return pids
    finally:
        stop_worker(worker)


@pytest.mark.redis
@pytest.mark.worker
def test_a_pool_process_is_replaced_after_its_number_of_tasks(tmp_path, monkeypatch):
    # Given a worker whose pool process may run two tasks
    env = {"WORKER_MAX_TASKS_PER_CHILD": "2"}
    # When five tasks run one after the other (each taking a moment)
    pids = pids_of_tasks(tmp_path, monkeypatch, env, [0] * 5, pause=0.5)
    # Then each process ran two of them, and a new one took over
    assert pids[0] == pids[1] != pids[2] == pids[3] != pids[4]
    assert len(set(pids)) == 3


@pytest.mark.redis
@pytest.mark.worker
def test_a_pool_process_is_replaced_after_a_task_that_leaves_it_too_big(tmp_path, monkeypatch):
    # Given a worker whose pool processes may grow to 250 MiB, no limit on their tasks
    env = {"WORKER_MAX_TASKS_PER_CHILD": "1000", "WORKER_MAX_MEMORY_PER_CHILD": "250"}
    # When a task holds on to 300 MiB between two that hold nothing
    pids = pids_of_tasks(tmp_path, monkeypatch, env, [0, 300, 0])
    # Then the process that grew finished its task and was replaced before the next
    assert pids[0] == pids[1] != pids[2]
