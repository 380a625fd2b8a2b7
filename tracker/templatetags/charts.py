"""`{% chartjs_script %}`: the charts' library, from the pinned CDN or the local copy."""

from __future__ import annotations

from typing import Any

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


@register.simple_tag
def score_chart(instrument: Any, results: list[Any]) -> str:
    """An instrument's scores over time as a small SVG (SPEC §14): its severity bands as
    shaded stripes, each score a point on a line, a meaningful change ringed. Drawn on the
    server, so it shows without JavaScript; the table beside it holds the same numbers."""
    from django.utils.html import format_html, format_html_join

    rule = instrument.rule
    width, height, pad = 320, 96, 6
    low, high = float(rule.low), float(rule.high)
    span = (high - low) or 1.0

    def y(value: float) -> float:
        return round(pad + (high - value) / span * (height - 2 * pad), 1)

    bands = list(rule.bands)
    stripes = []
    for n, (lowest, key) in enumerate(bands):
        top = float(bands[n + 1][0]) if n + 1 < len(bands) else high
        shade = 0.05 + 0.07 * n
        stripes.append(
            (pad, y(top), width - 2 * pad, round(y(float(lowest)) - y(top), 1), shade, key)
        )
    scored = [r for r in results if r.answer.score is not None]
    step = (width - 2 * pad) / max(len(scored) - 1, 1)
    points = [(round(pad + i * step, 1), y(float(r.answer.score)), r) for i, r in enumerate(scored)]
    label = ", ".join(
        f"{r.answer.completed_on:%d %b}: {r.answer.score.normalize():f}" for _, _, r in points
    )
    return format_html(
        '<svg class="score-chart" viewBox="0 0 {w} {h}" width="{w}" height="{h}" role="img" '
        'aria-label="{title}: {label}">{stripes}<polyline fill="none" stroke="#1f5f8b" '
        'stroke-width="2" points="{line}"/>{dots}</svg>',
        w=width, h=height, title=instrument.title, label=label or "no scores yet",
        stripes=format_html_join(
            "", '<rect x="{}" y="{}" width="{}" height="{}" fill="#7d5ba6" fill-opacity="{}">'
            "<title>{}</title></rect>", stripes,
        ),
        line=" ".join(f"{x},{yy}" for x, yy, _ in points),
        dots=format_html_join(
            "", '<circle cx="{}" cy="{}" r="{}" fill="#1f5f8b" stroke="#c0392b" stroke-width="{}"/>',
            ((x, yy, 5 if r.meaningful else 3, 2 if r.meaningful else 0) for x, yy, r in points),
        ),
    )  # fmt: skip
