"""The app speaks GET and POST only (and HEAD and OPTIONS, which Django answers for GET
views). Any other method is a 405 before anything reads the request, whichever view,
ours or a library's, the URL belongs to."""

from __future__ import annotations

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse, HttpResponseNotAllowed

ALLOWED = ("GET", "HEAD", "POST", "OPTIONS")


class OnlyGetAndPostMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if request.method not in ALLOWED:
            return HttpResponseNotAllowed(["GET", "POST"])
        return self.get_response(request)
