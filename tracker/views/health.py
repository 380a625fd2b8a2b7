"""`/health/` for the proxy and the orchestrator (as healthchecks' status view does): does
the database answer, the shared cache, the task queue. 200 while the app can serve pages
(the cache and the queue may be degraded: pages still answer, sends wait); 503 when the
database is down, since then nothing can be served."""

from __future__ import annotations

import datetime as dt
import logging

from django.conf import settings
from django.contrib.auth.decorators import login_not_required
from django.core.cache import cache
from django.db import connection
from django.http import HttpRequest, JsonResponse
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

log = logging.getLogger(__name__)
BACKLOG = dt.timedelta(minutes=10)  # a task waiting longer means no worker is running


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


@login_not_required
@never_cache
@require_GET
def health(request: HttpRequest) -> JsonResponse:
    report: dict[str, str] = {}
    for name, check in (("database", _database), ("cache", _cache), ("queue", _queue)):
        try:
            report[name] = check()
        except Exception as error:  # what the proxy needs to know is that it failed
            report[name] = f"down: {type(error).__name__}"
            log.warning("health check failed", extra={"event": "health", "part": name})
    up = report["database"] == "ok"
    return JsonResponse(report | {"status": "ok" if up else "down"}, status=200 if up else 503)
