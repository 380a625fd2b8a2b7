"""`{% chartjs_script %}`: the charts' library, from the pinned CDN or the local copy."""

from __future__ import annotations

from django import template
from django.conf import settings
from django.templatetags.static import static
from django.utils.html import format_html
from django.utils.safestring import SafeString

register = template.Library()


@register.simple_tag(takes_context=True)
def chartjs_script(context: template.Context) -> SafeString:
    """Chart.js from the pinned CDN with Subresource Integrity, or the local copy."""
    # The nonce is lazy: str() makes it (testing it for truth first would read it as empty).
    nonce = str(context.get("csp_nonce", ""))
    if settings.CHARTJS_SOURCE == "local":
        return format_html(
            '<script src="{}" defer nonce="{}"></script>',
            static("vendor/chart.js/chart.umd.min.js"),
            nonce,
        )
    return format_html(
        '<script src="{}" integrity="{}" crossorigin="anonymous" defer nonce="{}"></script>',
        settings.CHARTJS_CDN_URL,
        settings.CHARTJS_INTEGRITY,
        nonce,
    )
