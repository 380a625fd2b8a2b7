"""HTML compressed on the way out. Compression next to a secret in the page is what the
BREACH attack measures; Django's GZipMiddleware pads each response with random bytes and
Django masks its CSRF token anew in every response, which together defeat it. The pages
that show a second-factor secret or recovery codes, or carry a password-reset key, are
sent uncompressed all the same: there is nothing to gain from compressing them."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponseBase
from django.middleware.gzip import GZipMiddleware

UNCOMPRESSED = ("/accounts/2fa/", "/accounts/password/reset/key/", "/invite/")


class CompressionMiddleware(GZipMiddleware):
    def process_response(
        self, request: HttpRequest, response: HttpResponseBase
    ) -> HttpResponseBase:
        if request.path.startswith(UNCOMPRESSED):
            return response
        return super().process_response(request, response)
