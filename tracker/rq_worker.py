"""The RQ worker the Redis queue runs (`rqworker --worker-class tracker.rq_worker.Worker`).

RQ's scheduler (the part of a worker that moves deferred tasks, our retries, onto the queue)
holds a lock of about a minute per queue. A worker killed with its lock leaves it until it
expires, and RQ's other workers try to take it again only every 10 minutes (their
maintenance interval): retries then ran late until the outbox sweep (issue 19). Checking
every minute keeps a retry at most a couple of minutes late."""

from __future__ import annotations

from typing import Any

from rq.worker import Worker as RQWorker

MAINTENANCE_SECONDS = 60


class Worker(RQWorker):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("maintenance_interval", MAINTENANCE_SECONDS)
        super().__init__(*args, **kwargs)
