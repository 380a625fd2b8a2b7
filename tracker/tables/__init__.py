"""The long tables (History, the record's diary, Trends' numbers, the panel), each declared
once: a list of columns, each with its title and how its cell is made, gives the header,
every row and the phone's stacked labels, so order and words cannot drift apart.

A table is made in Python in one call, not by a dozen template tags per row (rows of
template variables were most of those pages' time, issue 14): every value is escaped here,
and `tests/test_tables_html.py` renders each table the template way and demands the same
HTML. `bench/tables.py` measures the cost of a row."""

from __future__ import annotations

import functools
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from django.utils.functional import Promise
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import get_language

from ..formatting import conditional_escape as escape

Words = Mapping[str, Any]
# A cell's inner HTML (escaped) from its row and the table's words in the active language.
Cell = Callable[[Any, Words], str]


@dataclass(frozen=True)
class Column:
    key: str
    title: str | Promise  # the header, and the cell's label in the stacked phone layout
    cell: Cell
    row_header: bool = False  # <th scope="row">
    hidden_title: bool = False  # a header for screen readers only
    css: str = ""  # the cell's class
    sortable: bool = False  # the header links to sorting by `key`
    data: bool = True  # one of the cells a missing day's message spans
    labelled: bool = True  # carries data-label, if the table's cells do


@dataclass(frozen=True, eq=False)  # eq=False: hashed by identity, for `_words_for`
class Table:
    columns: tuple[Column, ...]
    labelled: bool = True  # data-label on every cell (the phone's stacked rows)
    words: Callable[[], dict[str, Any]] = dict  # more words the cells use, made once
    # When `missing(row)` gives a message, the data columns merge into one cell saying it.
    missing: Callable[[Any, Words], str | None] | None = None
    missing_class: str = ""
    row_class: Callable[[Any], str | None] | None = None  # None: no class attribute
    after: Callable[[Any, Words], str] | None = None  # rows that follow a row (its note)

    @property
    def width(self) -> int:
        return len(self.columns)

    def words_for(self, language: str | None) -> Words:
        return _words_for(self, language)

    def head(self, sorting: Mapping[str, Mapping[str, str]] | None = None) -> SafeString:
        """`<thead>`: a header per column; a sortable one links to its sort, and says
        which way it is sorted (aria-sort), from `Sorting.columns`."""
        w = self.words_for(get_language())
        cells = []
        for c in self.columns:
            title = w["titles"][c.key]
            if c.hidden_title:
                title = f'<span class="visually-hidden">{title}</span>'
            attrs = ""
            sort = (sorting or {}).get(c.key) if c.sortable else None
            if sort is not None:
                if sort["sorted"]:
                    attrs = f' aria-sort="{escape(sort["sorted"])}"'
                title = f'<a href="{escape(sort["url"])}">{title}</a>'
            cells.append(f'<th scope="col"{attrs}>{title}</th>')
        return mark_safe(f"<thead><tr>{''.join(cells)}</tr></thead>")  # noqa: S308

    def row(self, row: Any, w: Words) -> str:
        """One row's cells (without its `<tr>`), with the words of `words_for`."""
        message = self.missing(row, w) if self.missing else None
        parts, merged = [], False
        for c in self.columns:
            if message is not None and c.data:
                if not merged:
                    css = f' class="{self.missing_class}"' if self.missing_class else ""
                    parts.append(f'<td{css} colspan="{w["span"]}">{message}</td>')
                    merged = True
                continue
            html = c.cell(row, w)
            if c.row_header:
                parts.append(f'<th scope="row">{html}</th>')
                continue
            attrs = f' class="{c.css}"' if c.css else ""
            if self.labelled and c.labelled:
                attrs += f' data-label="{w["titles"][c.key]}"'
            parts.append(f"<td{attrs}>{html}</td>")
        return "".join(parts)

    def body(self, rows: Iterable[Any], empty: str | Promise = "") -> SafeString:
        """`<tbody>`: every row, or one cell across the table saying `empty`."""
        w = self.words_for(get_language())
        out = []
        for row in rows:
            css = self.row_class(row) if self.row_class else None
            attr = "" if css is None else f' class="{css}"'
            out.append(f"<tr{attr}>{self.row(row, w)}</tr>")
            if self.after:
                out.append(self.after(row, w))
        if not out and empty:
            out.append(f'<tr><td colspan="{self.width}">{escape(str(empty))}</td></tr>')
        return mark_safe(f"<tbody>{''.join(out)}</tbody>")  # noqa: S308 (every value escaped)

    def render(
        self,
        rows: Iterable[Any],
        *,
        empty: str | Promise = "",
        sorting: Mapping[str, Mapping[str, str]] | None = None,
    ) -> SafeString:
        return mark_safe(self.head(sorting) + self.body(rows, empty))  # noqa: S308


@functools.cache
def _words_for(table: Table, language: str | None) -> Words:
    """A table's column titles (escaped, `titles`), its other words, its width and the span
    of a missing day's cell, once per language: gettext per cell per row was most of the
    record's time."""
    titles = {c.key: escape(str(c.title)) for c in table.columns}
    span = sum(1 for c in table.columns if c.data)
    return {**table.words(), "titles": titles, "width": table.width, "span": span}


@functools.cache
def registry() -> dict[str, Table]:
    """Every table by the name the templates use: `{% table "history" rows %}`."""
    from . import diary, panel

    return {
        "history": diary.HISTORY,
        "record": diary.RECORD,
        "numbers": diary.NUMBERS,
        "panel": panel.PANEL,
    }
