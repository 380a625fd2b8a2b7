"""The schedule's process (`manage.py schedule`, issue 19): the cron jobs of `tasks.py` run
by one scheduler at a time, which rides out a lost lock instead of exiting.

crontask's own command holds a Redis lock for as long as it lives and, the moment the lock
is lost (a Redis restart without persistence, an outage longer than the lock's 10 s), exits
with status 0: nothing restarts it and nothing says so. Here the lock is a condition, not a
lifetime: while it is held the jobs run; when it cannot be confirmed (Redis unreachable, or
the key gone or taken) the jobs pause at once, and the loop keeps trying to confirm or take
it again, then resumes. So two schedulers never run the same job (only the lock's holder
runs any), and a Redis restart costs at most a few seconds of schedule, never the process.

While it holds the schedule the process beats (`Heartbeat` "scheduler") every few seconds,
and every minute it queues the workers' heartbeat task, so `/health/` can tell a silent
scheduler and a queue nobody works on. It exits only when told to (SIGTERM, SIGINT: status
0); anything unexpected is logged and exits non-zero, for its supervisor to restart it."""

from __future__ import annotations

import logging
import os
import signal
import socket
import threading
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any, Protocol

from apscheduler.schedulers.background import BackgroundScheduler
from apscheduler.triggers.interval import IntervalTrigger
from django.conf import settings
from redis.exceptions import LockError

log = logging.getLogger(__name__)
MISFIRE_GRACE = 60  # a job due while paused runs once on resuming, if within a minute


class Lock(Protocol):
    def acquire(self, blocking: bool = ...) -> bool: ...
    def extend(self, additional_time: float, replace_ttl: bool = ...) -> bool: ...
    def release(self) -> None: ...


class AlwaysHeld:
    """Without Redis (one machine, development): there is one scheduler by construction."""

    def acquire(self, blocking: bool = False) -> bool:
        return True

    def extend(self, additional_time: float, replace_ttl: bool = False) -> bool:
        return True

    def release(self) -> None:
        return None


def redis_lock(url: str, timeout: float) -> Lock:
    import redis

    client = redis.Redis.from_url(url, socket_timeout=2, socket_connect_timeout=2)
    return client.lock("ldn-schedule-lock", timeout=timeout, thread_local=False)  # type: ignore[return-value]


def default_lock() -> Lock:
    url = getattr(settings, "REDIS_URL", None)
    return redis_lock(url, settings.SCHEDULE_LOCK_TIMEOUT) if url else AlwaysHeld()


def cron_jobs() -> list[Any]:
    """The jobs `tasks.py` declares with crontask's `@cron` (read from its scheduler)."""
    import crontask

    from . import tasks  # noqa: F401  (importing registers the jobs)

    return list(crontask.scheduler.get_jobs())


def beat() -> None:
    from .models import Heartbeat

    Heartbeat.beat("scheduler", f"{socket.gethostname()} pid {os.getpid()}")


class Schedule:
    """The loop: confirm or take the lock every `refresh` seconds; run the jobs while held."""

    def __init__(
        self,
        lock: Lock,
        *,
        refresh: float = 5.0,
        timeout: float = 10.0,
        jobs: list[Any] | None = None,
        on_beat: Callable[[], None] = beat,
    ) -> None:
        self.lock, self.refresh, self.timeout = lock, refresh, timeout
        self.on_beat = on_beat
        self.stopping = threading.Event()
        self.holding = False
        self.scheduler = BackgroundScheduler(timezone="UTC")
        for job in cron_jobs() if jobs is None else jobs:
            self.scheduler.add_job(
                job.func, job.trigger, name=job.name, misfire_grace_time=MISFIRE_GRACE,
                coalesce=True, max_instances=1,
            )  # fmt: skip
        from . import tasks

        start = datetime.now(UTC)  # both at once on starting: a worker is seen within seconds
        for job, seconds in (
            (tasks.sweep, settings.SWEEP_SECONDS),
            (tasks.worker_heartbeat, settings.WORKER_HEARTBEAT_SECONDS),
        ):
            self.scheduler.add_job(
                job.enqueue, IntervalTrigger(seconds=seconds), name=job.name,
                misfire_grace_time=MISFIRE_GRACE, coalesce=True, max_instances=1,
                next_run_time=start,
            )  # fmt: skip

    def stop(self, *_: object) -> None:
        self.stopping.set()

    def run(self) -> None:
        self.scheduler.start(paused=True)
        try:
            while not self.stopping.is_set():
                self.step()
                self.stopping.wait(self.refresh)
        finally:
            self.scheduler.shutdown(wait=False)
            if self.holding:
                try:
                    self.lock.release()
                except Exception:  # gone already: nothing to give back
                    log.info("schedule lock already gone", extra={"event": "schedule_lock"})

    def step(self) -> None:
        """One turn: keep the lock (or take it), and run or pause the jobs accordingly."""
        try:
            held = self._keep() if self.holding else self._reclaim()
        except Exception as error:  # Redis unreachable, or the lock no longer ours
            self._pause(f"the schedule lock cannot be confirmed ({type(error).__name__})")
            return
        if not held:
            self._pause("another scheduler holds the schedule")
            return
        if not self.holding:
            self.holding = True
            self.scheduler.resume()
            log.info("schedule running", extra={"event": "schedule_running"})
        try:
            self.on_beat()
        except Exception as error:  # the database away for a moment: beat next time
            log.warning(
                "scheduler heartbeat not written",
                extra={"event": "schedule_beat_failed", "error": type(error).__name__},
            )

    def _keep(self) -> bool:
        return bool(self.lock.extend(self.timeout, replace_ttl=True))

    def _reclaim(self) -> bool:
        """Still ours (Redis came back with the key), else take it if free."""
        try:
            if self._keep():
                return True
        except LockError:  # never held, expired, or taken: try to take it
            pass
        return bool(self.lock.acquire(blocking=False))

    def _pause(self, why: str) -> None:
        if self.holding:
            self.scheduler.pause()
            log.warning("schedule paused: %s", why, extra={"event": "schedule_paused", "why": why})
        self.holding = False


def run_forever() -> None:
    """The `schedule` command: stops on SIGTERM or SIGINT (status 0)."""
    schedule = Schedule(
        default_lock(),
        refresh=settings.SCHEDULE_LOCK_REFRESH,
        timeout=settings.SCHEDULE_LOCK_TIMEOUT,
    )
    signal.signal(signal.SIGTERM, schedule.stop)
    signal.signal(signal.SIGINT, schedule.stop)
    log.info("scheduler started", extra={"event": "schedule_started"})
    schedule.run()
    log.info("scheduler stopped", extra={"event": "schedule_stopped"})
