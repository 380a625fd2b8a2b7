"""The product's own error pages. They read neither the request body nor the database, so
they answer even when the body cannot be parsed (400) or the database is down (503): the
failure they report cannot make them fail again. Django's own handlers re-read the body
through the CSRF check and fail a second time (gunicorn then shows a bare 500)."""

from __future__ import annotations

import logging
import sys

from django.db import DatabaseError, InterfaceError, OperationalError
from django.http import HttpRequest, HttpResponse
from django.template.loader import render_to_string

log = logging.getLogger(__name__)
RETRY_AFTER_SECONDS = 30


def _page(template: str, status: int) -> HttpResponse:
    return HttpResponse(render_to_string(template), status=status)


def bad_request(request: HttpRequest, exception: Exception) -> HttpResponse:
    return _page("errors/400.html", 400)


def permission_denied(request: HttpRequest, exception: Exception) -> HttpResponse:
    from django.shortcuts import render

    return render(request, "403.html", {"exception": str(exception or "")}, status=403)


def page_not_found(request: HttpRequest, exception: Exception) -> HttpResponse:
    """A view's own reason ("Only the last 7 days can be changed") is shown; the resolver's
    list of patterns never is."""
    from django.shortcuts import render
    from django.urls import Resolver404

    reason = ""
    if not isinstance(exception, Resolver404) and exception.args:
        reason = exception.args[0] if isinstance(exception.args[0], str) else ""
    return render(request, "404.html", {"exception": reason}, status=404)


def database_unavailable(exc: BaseException | None) -> bool:
    """Whether `exc` (or what caused it) says the database could not be reached."""
    while exc is not None:
        if isinstance(exc, (OperationalError, InterfaceError)):
            return True
        if isinstance(exc, DatabaseError) and "connection" in str(exc).lower():
            return True
        exc = exc.__cause__ or exc.__context__
    return False


def server_error(request: HttpRequest) -> HttpResponse:
    if database_unavailable(sys.exc_info()[1]):
        log.warning("database unavailable", extra={"event": "database_down", "path": request.path})
        response = _page("errors/503.html", 503)
        response["Retry-After"] = str(RETRY_AFTER_SECONDS)
        return response
    return _page("errors/500.html", 500)
