"""`{% table "history" rows %}`: one of the long tables (`tracker.tables`), its header and
every row, made in one call; `empty=` says what an empty table shows, `sorting=` gives the
sortable headers their links (`Sorting.columns`)."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from django import template
from django.utils.safestring import SafeString

from ..tables import registry

register = template.Library()


@register.simple_tag
def table(
    name: str,
    rows: Iterable[Any],
    empty: str = "",
    sorting: Mapping[str, Mapping[str, str]] | None = None,
) -> SafeString:
    return registry()[name].render(rows, empty=empty, sorting=sorting)
