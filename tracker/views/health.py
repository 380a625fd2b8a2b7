"""`/health/` for the proxy, the orchestrator and the operator (as healthchecks' status view
does): does the database answer, the shared cache, the task queue; is the scheduler beating,
is a worker running tasks, is anything waiting in the outbox too long (issue 19).

- 200 "ok": everything answers.
- 503 "degraded": pages can be served but background work is not happening (the scheduler
  silent for longer than its shortest interval, no worker, messages overdue, the cache or
  queue unreachable): something to restart.
- 503 "down": the database does not answer, so nothing can be served.

`?probe=web` asks only whether this web process can serve pages (the database): the one
for a load balancer, which must not take the web out of rotation when the scheduler dies.
Everyone sees each part's state and the heartbeats' times; why a part failed (the exception)
only the operator, with `HEALTH_TOKEN` (as `Authorization: Bearer …` or `?token=`)."""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Callable

from django.conf import settings
from django.contrib.auth.decorators import login_not_required
from django.core.cache import cache
from django.db import connection
from django.db.models import Min
from django.http import HttpRequest, JsonResponse
from django.utils import timezone
from django.utils.crypto import constant_time_compare
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from ..models import Heartbeat, Notification, SendStatus

log = logging.getLogger(__name__)
BACKLOG = dt.timedelta(minutes=10)  # a task or a message waiting longer: nobody works on it
# The schedule's shortest interval is 2 minutes (the sweep); the scheduler beats every few
# seconds while it holds the schedule, so 2 minutes of silence means it is not running it.
SCHEDULER_SILENCE = dt.timedelta(minutes=2)
WORKER_SILENCE = dt.timedelta(minutes=3)  # its heartbeat task is queued every minute


def _database() -> str:
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
    return "ok"


def _cache() -> str:
    primary = getattr(cache, "reachable", None)
    if primary is not None and not primary():
        return "degraded: Redis unreachable, using the database"
    cache.set("ldn-health", "ok", 10)
    return "ok" if cache.get("ldn-health") == "ok" else "failing"


def _queue() -> str:
    if settings.TASKS_BACKEND == "database":
        from django_tasks_db.models import DBTaskResult

        waiting = DBTaskResult.objects.filter(
            status="READY", enqueued_at__lt=timezone.now() - BACKLOG
        ).exclude(run_after__gt=timezone.now())
        return "degraded: tasks waiting, is a worker running?" if waiting.exists() else "ok"
    if settings.TASKS_BACKEND == "redis":
        import django_rq

        django_rq.get_connection("default").ping()
    return "ok"


def _beats() -> dict[str, dt.datetime]:
    return dict(Heartbeat.objects.values_list("name", "beat_at"))


def _silence(beats: dict[str, dt.datetime], name: str, allowed: dt.timedelta) -> str:
    if settings.TASKS_BACKEND == "immediate":
        return "ok"  # tasks run in the request: there is no scheduler or worker to watch
    last = beats.get(name)
    if last is None:
        return "degraded: never seen"
    silent = timezone.now() - last
    if silent > allowed:
        return f"degraded: silent for {int(silent.total_seconds() // 60)} min"
    return "ok"


def _outbox() -> tuple[str, dt.datetime | None]:
    waiting = Notification.objects.filter(status__in=[SendStatus.PENDING, SendStatus.SENDING])
    oldest = waiting.aggregate(at=Min("created_at"))["at"]
    overdue = waiting.filter(
        status=SendStatus.PENDING, next_attempt_at__lt=timezone.now() - BACKLOG
    ).exists()
    return ("degraded: messages overdue" if overdue else "ok"), oldest


def _operator(request: HttpRequest) -> bool:
    token = settings.HEALTH_TOKEN
    if not token:
        return False
    given = request.GET.get("token", "")
    header = request.headers.get("Authorization", "")
    if header.startswith("Bearer "):
        given = header.removeprefix("Bearer ")
    return constant_time_compare(given, token)


@login_not_required
@never_cache
@require_GET
def health(request: HttpRequest) -> JsonResponse:
    detail = _operator(request)
    report: dict[str, object] = {}
    checks: list[tuple[str, Callable[[], str]]] = [("database", _database)]
    web_only = request.GET.get("probe") == "web"
    if not web_only:
        checks += [("cache", _cache), ("queue", _queue)]
    for name, check in checks:
        try:
            report[name] = check()
        except Exception as error:  # what the proxy needs to know is that it failed
            report[name] = f"down: {type(error).__name__}" if detail else "down"
            log.warning(
                "health check failed",
                extra={"event": "health", "part": name, "error": type(error).__name__},
            )
    up = report["database"] == "ok"
    if web_only or not up:
        return JsonResponse(report | {"status": "ok" if up else "down"}, status=200 if up else 503)
    beats = _beats()
    report["scheduler"] = _silence(beats, "scheduler", SCHEDULER_SILENCE)
    report["workers"] = _silence(beats, "worker", WORKER_SILENCE)
    report["outbox"], oldest = _outbox()
    report["heartbeats"] = {
        name: beats[name].isoformat() if name in beats else None for name in ("scheduler", "worker")
    }
    report["oldest_unsent"] = oldest.isoformat() if oldest else None
    parts = ("cache", "queue", "scheduler", "workers", "outbox")
    healthy = all(report[p] == "ok" for p in parts)
    return JsonResponse(
        report | {"status": "ok" if healthy else "degraded"}, status=200 if healthy else 503
    )
